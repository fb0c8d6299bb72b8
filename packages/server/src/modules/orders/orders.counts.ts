/**
 * The order list's status-tab counts without counting orders (issue 10):
 *
 * - **Maintained counters.** `order_status_counts` holds how many orders each shop has in each
 *   status, kept by triggers on `orders` in the same transaction as every insert, delete and
 *   status change (migration 20261207_0221). A page filtered by nothing but shop and status reads
 *   its tabs from the counter rows of the shops it covers: one indexed statement, whatever the
 *   number of orders.
 * - **Any other filter** (amount, buyer, time, …) counts its tabs with capped counts, and keeps the
 *   answer in memory under the filter and a *stamp*: the maintained counts of the shops the filter
 *   covers. An order inserted, deleted or moved to another status in those shops changes the stamp,
 *   so the next page counts again; a change that keeps every order's status (an amount edited by an
 *   import) is seen at the latest after COUNTS_MAX_AGE_MS. Concurrent requests of one filter share
 *   one count. The rows of the page are always read fresh.
 */
import { COUNT_CAP, ORDER_STATUSES, type OrderFilter, type OrderStatus } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export type StatusCounts = Partial<Record<OrderStatus | 'all', number>>;

/** How long a filtered page's counts may be reused while no order of its shops changes status. */
export const COUNTS_MAX_AGE_MS = 10_000;
const MAX_ENTRIES = 500;

/** Keys of the list query that do not narrow which orders are counted beyond shop and status. */
const NOT_FILTERS: ReadonlySet<string> = new Set(['page', 'pageSize', 'cursor', 'sort', 'timeField', 'shopId', 'status']);

/** Whether the filter narrows the orders only by shop and status (the counters answer its tabs). */
export function onlyShopAndStatus(f: OrderFilter): boolean {
  return Object.entries(f).every(([k, v]) => NOT_FILTERS.has(k) || v === undefined || v === null || v === '');
}

/** The maintained counts of these shops, summed per status: exact (the stamp of a filtered page's counts). */
export async function maintainedCounts(db: Kysely<DB>, shopIds: readonly string[]): Promise<StatusCounts> {
  if (shopIds.length === 0) return { all: 0 };
  const rows = await db
    .selectFrom('order_status_counts')
    .select(['status', (eb) => eb.fn.sum<number>('n').as('n')])
    .where('shop_id', 'in', [...shopIds])
    .groupBy('status')
    .execute();
  const counts: StatusCounts = {};
  let all = 0;
  for (const r of rows) {
    const n = Math.max(0, Number(r.n));
    all += n;
    if (n > 0 && (ORDER_STATUSES as readonly string[]).includes(r.status)) counts[r.status as OrderStatus] = n;
  }
  return { all, ...counts };
}

/** Counts as the list answers them: exact up to COUNT_CAP, COUNT_CAP + 1 for more (as the counted ones). */
export function capped(counts: StatusCounts): StatusCounts {
  return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, Math.min(n, COUNT_CAP + 1)]));
}

interface Entry {
  stamp: string;
  at: number;
  value: Promise<StatusCounts>;
}
const caches = new WeakMap<Kysely<DB>, Map<string, Entry>>();

/**
 * A filtered page's counts: reused while the stamp (the maintained counts of its shops) is the
 * same and they are younger than COUNTS_MAX_AGE_MS; otherwise `count()`.
 */
export async function filteredCounts(
  db: Kysely<DB>,
  key: string,
  stamp: StatusCounts,
  count: () => Promise<StatusCounts>,
  now = Date.now(),
): Promise<StatusCounts> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const s = JSON.stringify(stamp);
  const hit = cache.get(key);
  if (hit && hit.stamp === s && now - hit.at < COUNTS_MAX_AGE_MS) {
    // Most recently used last: the first key is the one to drop when full.
    cache.delete(key);
    cache.set(key, hit);
    return hit.value;
  }
  const entry: Entry = { stamp: s, at: now, value: count() };
  cache.delete(key);
  cache.set(key, entry);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  // A failed count is not kept.
  entry.value.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return entry.value;
}

/**
 * The analytics read cache (issue 10 item 2): sums of rollup_daily kept in memory, so ten people
 * opening the dashboard or a 30-day product ranking do not each re-add the same 30 days of rows.
 *
 * What an entry is keyed by: the query (shops, range, product/source slice, grouping) and the
 * rebuild stamps of the days it covers. Every rebuild of a (shop, day) rewrites all of its rows,
 * the whole-shop row ('' / '') included, whose updated_at is the rebuild's start — so the stamps
 * (one indexed read of one row per shop and day) say exactly which version of the rows a sum was
 * made from. A rebuild in any process (the stamps are in the database) changes the key; nothing has
 * to be invalidated, old entries simply age out of the LRU.
 *
 * Live days are not cached: today or yesterday (in any time zone) rebuilt within the last ten
 * minutes — every minute while orders and visits arrive — is summed fresh on every read and added
 * to the cached sum of the other days of the range; it becomes cacheable once it has stayed
 * unchanged for ten minutes. An older day that was just rebuilt (late events, an import) is cached
 * at once under its new stamp. The cached part's entry is keyed by its days' stamps: which days
 * count as live only decides what is worth caching, never whether an answer is current.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/** A day rebuilt more recently than this is summed fresh on every read. */
export const STABLE_AFTER_MS = 10 * 60_000;
/** Cached rows (summed groups) across all entries of one database; the oldest entries go first. */
const MAX_ROWS = 200_000;

/** The rebuild stamp (updated_at of the whole-shop row) of every built (shop, day) in a range. */
export interface Stamps {
  shopIds: readonly string[];
  from: string;
  to: string;
  /** day → shop → stamp. Days never built have no entry. */
  byDay: Map<string, Map<string, number>>;
}

export async function readStamps(db: Kysely<DB>, shopIds: readonly string[], from: string, to: string): Promise<Stamps> {
  const byDay = new Map<string, Map<string, number>>();
  if (shopIds.length) {
    const rows = await db
      .selectFrom('rollup_daily')
      .select(['shop_id', 'day', 'updated_at'])
      .where('shop_id', 'in', [...shopIds])
      .where('product_id', '=', '')
      .where('source_code', '=', '')
      .where('day', '>=', from)
      .where('day', '<=', to)
      .execute();
    for (const r of rows) {
      let m = byDay.get(r.day);
      if (!m) byDay.set(r.day, (m = new Map()));
      m.set(r.shop_id, Number(r.updated_at));
    }
  }
  return { shopIds: [...shopIds], from, to, byDay };
}

/** The stamp of one (shop, day), null when the day was never built. */
export function stampOf(stamps: Stamps, shopId: string, day: string): number | null {
  return stamps.byDay.get(day)?.get(shopId) ?? null;
}

/** Whether `stamps` were read for exactly these shops over a range containing [from, to]. */
export function covers(stamps: Stamps | undefined, shopIds: readonly string[], from: string, to: string): stamps is Stamps {
  if (!stamps || stamps.from > from || stamps.to < to || stamps.shopIds.length !== shopIds.length) return false;
  return stamps.shopIds.every((s, i) => s === shopIds[i]);
}

/**
 * The days of [from, to] (per `stamps`) split into recent ones (today or yesterday, rebuilt by
 * some shop less than STABLE_AFTER_MS ago) and a key naming the stamps of all the others. A day never built has no
 * rows (a rebuild always writes the whole-shop row): without stable days there is nothing to read.
 */
export function splitDays(
  stamps: Stamps,
  from: string,
  to: string,
  now = Date.now(),
): { recent: string[]; stableKey: string; hasStable: boolean } {
  const recent: string[] = [];
  const stable: string[] = [];
  // Today and yesterday in any time zone: the days rebuilt again and again while orders arrive.
  const live = new Date(now - 2 * 86_400_000).toISOString().slice(0, 10);
  for (const [day, shops] of stamps.byDay) {
    if (day < from || day > to) continue;
    let isRecent = false;
    if (day >= live) for (const t of shops.values()) if (now - t < STABLE_AFTER_MS) isRecent = true;
    if (isRecent) recent.push(day);
    else for (const [shop, t] of shops) stable.push(`${shop}@${day}@${t}`);
  }
  recent.sort();
  stable.sort();
  return { recent, stableKey: `${recent.join(',')}|${stable.join(',')}`, hasStable: stable.length > 0 };
}

interface Entry {
  value: readonly object[];
  weight: number;
}

/** A least-recently-used map whose size is the number of cached rows. */
class RowLru {
  private readonly map = new Map<string, Entry>();
  private weight = 0;
  hits = 0;
  misses = 0;

  get(key: string): readonly object[] | undefined {
    const e = this.map.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: string, value: readonly object[]): void {
    const weight = Math.max(1, value.length);
    if (weight > MAX_ROWS / 4) return; // one huge answer would evict everything else
    const old = this.map.get(key);
    if (old) {
      this.weight -= old.weight;
      this.map.delete(key);
    }
    this.map.set(key, { value, weight });
    this.weight += weight;
    for (const [k, e] of this.map) {
      if (this.weight <= MAX_ROWS) break;
      this.map.delete(k);
      this.weight -= e.weight;
    }
  }
}

const caches = new WeakMap<Kysely<DB>, RowLru>();

function cacheOf(db: Kysely<DB>): RowLru {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new RowLru()));
  return c;
}

/** Hits and misses of a database's cache (the benchmark prints them). */
export function cacheStats(db: Kysely<DB>): { hits: number; misses: number } {
  const c = cacheOf(db);
  return { hits: c.hits, misses: c.misses };
}

/**
 * The cached rows under (`query`, `stableKey`), computed by `compute` on a miss. The caller gets
 * copies: cached rows are never handed out for changing.
 */
export async function cachedRows<T extends object>(
  db: Kysely<DB>,
  query: string,
  stableKey: string,
  compute: () => Promise<T[]>,
): Promise<T[]> {
  const key = createHash('sha1').update(query).update('\u0000').update(stableKey).digest('base64');
  const cache = cacheOf(db);
  let rows = cache.get(key) as readonly T[] | undefined;
  if (!rows) {
    rows = await compute();
    cache.set(key, rows);
  }
  return rows.map((r) => ({ ...r }));
}

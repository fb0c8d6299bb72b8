/**
 * Daily rollups (rollup_daily) by shop × day × product × source, rebuilt a whole (shop, day) at a
 * time (rollup-build.ts builds the rows and states every figure).
 *
 * Freshness: ingestion and order changes mark (shop, day) in rollup_dirty; analytics requests
 * first rebuild the dirty days of the shops they read (`refreshForRead`), and today's rollup is
 * rebuilt on read when it is older than 60 s. `recomputeDirty` does the same for every shop and
 * can run from a timer or a job (`startRollupTimer`).
 *
 * Speed: `recomputeDays` rebuilds up to 92 days of a shop together — their orders and lines read
 * with one query each (orders have no (shop, order_day) index, so every read scans the shop's
 * orders), each day's events read once without GROUP BY and aggregated in one pass, then one
 * transaction with one delete and 500-row inserts. `recomputeDirty` passes a shop's dirty days in
 * one call. The rows are exactly those a day-by-day rebuild produces.
 */
import { businessDay } from '@yunying/core';
import { type CompiledQuery, type Kysely } from 'kysely';
import { isUniqueViolation } from '../../db/dialect.js';
import { bulkInsert } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';
import { buildDays, SEP } from './rollup-build.js';

export const TODAY_MAX_AGE_MS = 60_000;

/** Mark (shop, day)s stale. Call after the change has committed. */
export async function markDirty(db: Kysely<DB>, shopId: string, days: readonly string[], opts: { urgent?: boolean } = {}): Promise<void> {
  const q = markDirtyQuery(db, shopId, days, opts);
  if (q) await db.executeQuery(q);
}

/** The statement `markDirty` runs (null when there is no day), for callers that batch statements. */
export function markDirtyQuery(
  db: Kysely<DB>,
  shopId: string,
  days: readonly string[],
  opts: { urgent?: boolean } = {},
): CompiledQuery | null {
  return markDirtyInsert(db, shopId, days, opts)?.compile() ?? null;
}

/**
 * The insert behind `markDirty`, not compiled: order creation on PostgreSQL runs it as one part of
 * the statement that writes the order (issue 10: the (shop, day) mark is a hot row, taken last).
 */
export function markDirtyInsert(db: Kysely<DB>, shopId: string, days: readonly string[], opts: { urgent?: boolean } = {}) {
  const uniq = [...new Set(days.filter((d) => !!d))];
  if (!uniq.length) return null;
  const now = Date.now();
  const urgent = opts.urgent ? 1 : 0;
  return (
    db
      .insertInto('rollup_dirty')
      .values(uniq.map((day) => ({ shop_id: shopId, day, marked_at: now, urgent, rebuilding_since: null })))
      // A mark a rebuild has claimed loses the claim: that rebuild may have read before this change.
      .onConflict((oc) =>
        oc.columns(['shop_id', 'day']).doUpdateSet(urgent ? { urgent: 1, rebuilding_since: null } : { rebuilding_since: null }),
      )
  );
}

/**
 * Orders changed (import, manual order, payment, cancellation, refund): mark their order_day and
 * paid_day dirty. Pass both days of every touched order (a refund changes its paid_day's figures).
 */
export async function markOrderDaysDirty(db: Kysely<DB>, shopId: string, days: readonly (string | null | undefined)[]): Promise<void> {
  // Order figures are what operators act on: rebuilt on the next read, never throttled.
  await markDirty(
    db,
    shopId,
    days.filter((d): d is string => typeof d === 'string' && d !== ''),
    { urgent: true },
  );
}

/**
 * Days rebuilt together by `recomputeDays`: one read of their orders (a scan of the shop's orders,
 * there is no (shop, order_day) index), then one transaction (one delete, multi-row inserts).
 * 92 days ≈ a quarter: a year is 4 scans, and a transaction writes well under 100,000 rows.
 */
const CHUNK_DAYS = 92;

const inFlight = new Map<string, Promise<void>>();

/** Rebuild some days of a shop in one transaction (the dirty marks are cleared first). */
async function recomputeChunk(db: Kysely<DB>, shopId: string, days: readonly string[]): Promise<void> {
  const started = Date.now();
  // Claim the marks, then read. A change that commits after the claim marks its day again and
  // clears the claim, so only marks still carrying this claim are deleted — in the transaction
  // that writes the rows. A rebuild that dies before its commit leaves the marks: nothing is lost.
  await db
    .updateTable('rollup_dirty')
    .set({ rebuilding_since: started })
    .where('shop_id', '=', shopId)
    .where('day', 'in', [...days])
    .execute();
  try {
    const rows = await buildDays(db, shopId, days, started, { incrementalToday: true });
    await db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('rollup_dirty')
        .where('shop_id', '=', shopId)
        .where('day', 'in', [...days])
        .where('rebuilding_since', '=', started)
        .execute();
      await trx
        .deleteFrom('rollup_daily')
        .where('shop_id', '=', shopId)
        .where('day', 'in', [...days])
        .execute();
      // Below the query builder: a year of four shops is 800,000 rows, and building their
      // syntax trees cost more than storing them (the demo load's rebuild).
      await bulkInsert(trx, 'rollup_daily', rows);
    });
  } catch (err) {
    // Another process rebuilt the same day at the same moment: its rows are as fresh as ours.
    // With several days, rebuild them one by one (the other process may have had only some).
    if (isUniqueViolation(err)) {
      if (days.length > 1) for (const day of days) await recomputeChunk(db, shopId, [day]);
      return;
    }
    throw err;
  }
}

/**
 * Rebuild the rollup rows of the given days of a shop, up to 92 days per transaction (a day that
 * is being rebuilt by another call in this process is awaited instead).
 */
export async function recomputeDays(db: Kysely<DB>, shopId: string, days: readonly string[]): Promise<void> {
  const sorted = [...new Set(days)].sort();
  for (let i = 0; i < sorted.length; i += CHUNK_DAYS) {
    const mine: string[] = [];
    const waits: Promise<void>[] = [];
    for (const day of sorted.slice(i, i + CHUNK_DAYS)) {
      const running = inFlight.get(shopId + SEP + day);
      if (running) waits.push(running);
      else mine.push(day);
    }
    if (mine.length) {
      const p = recomputeChunk(db, shopId, mine).finally(() => {
        for (const day of mine) if (inFlight.get(shopId + SEP + day) === p) inFlight.delete(shopId + SEP + day);
      });
      for (const day of mine) inFlight.set(shopId + SEP + day, p);
      await p;
    }
    for (const w of waits) await w;
  }
}

/**
 * Rebuild every dirty day (optionally only of some shops). Today's mark is left for later when
 * today's rollup is younger than 60 s (today changes all the time; once a minute is enough).
 */
export async function recomputeDirty(db: Kysely<DB>, opts: { shopIds?: readonly string[]; now?: number } = {}): Promise<number> {
  const now = opts.now ?? Date.now();
  if (opts.shopIds && opts.shopIds.length === 0) return 0;
  let q = db
    .selectFrom('rollup_dirty')
    .innerJoin('shops', 'shops.id', 'rollup_dirty.shop_id')
    .select(['rollup_dirty.shop_id as shopId', 'rollup_dirty.day as day', 'rollup_dirty.urgent as urgent', 'shops.timezone as timezone']);
  if (opts.shopIds) q = q.where('rollup_dirty.shop_id', 'in', [...opts.shopIds]);
  const marks = await q.orderBy('rollup_dirty.shop_id').orderBy('rollup_dirty.day').execute();
  let n = 0;
  const byShop = new Map<string, string[]>();
  for (const m of marks) {
    // New events keep re-marking today: rebuild it at most once a minute unless orders changed.
    if (!m.urgent && m.day === businessDay(now, m.timezone) && (await rollupAge(db, m.shopId, m.day, now)) < TODAY_MAX_AGE_MS) continue;
    let days = byShop.get(m.shopId);
    if (!days) byShop.set(m.shopId, (days = []));
    days.push(m.day);
    n++;
  }
  // A shop's dirty days together: one read of its orders and one transaction per 92 days.
  for (const [shopId, days] of byShop) await recomputeDays(db, shopId, days);
  return n;
}

async function rollupAge(db: Kysely<DB>, shopId: string, day: string, now: number): Promise<number> {
  const row = await db
    .selectFrom('rollup_daily')
    .select('updated_at')
    .where('shop_id', '=', shopId)
    .where('day', '=', day)
    .where('product_id', '=', '')
    .where('source_code', '=', '')
    .executeTakeFirst();
  return row ? now - Number(row.updated_at) : Number.POSITIVE_INFINITY;
}

/**
 * Before an analytics read: rebuild the dirty days of these shops, and today's rollup of each
 * shop when it is missing or older than 60 s.
 */
export async function refreshForRead(db: Kysely<DB>, shops: readonly { id: string; timezone: string }[], now = Date.now()): Promise<void> {
  if (!shops.length) return;
  await recomputeDirty(db, { shopIds: shops.map((s) => s.id), now });
  // Every shop's today stamp with one statement (a view of all shops asked one per shop before).
  const todays = shops.map((s) => ({ id: s.id, day: businessDay(now, s.timezone) }));
  const stamps = await db
    .selectFrom('rollup_daily')
    .select(['shop_id', 'day', 'updated_at'])
    .where(
      'shop_id',
      'in',
      todays.map((t) => t.id),
    )
    .where('day', 'in', [...new Set(todays.map((t) => t.day))])
    .where('product_id', '=', '')
    .where('source_code', '=', '')
    .execute();
  const built = new Map(stamps.map((r) => [r.shop_id + SEP + r.day, Number(r.updated_at)]));
  for (const t of todays) {
    const at = built.get(t.id + SEP + t.day);
    if (at === undefined || now - at >= TODAY_MAX_AGE_MS) await recomputeDays(db, t.id, [t.day]);
  }
}

/** Run `recomputeDirty` every `intervalMs` (default 60 s) until stopped. */
export function startRollupTimer(db: Kysely<DB>, opts: { intervalMs?: number; onError?: (err: unknown) => void } = {}): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    recomputeDirty(db)
      .catch((err) => opts.onError?.(err))
      .finally(() => {
        running = false;
      });
  }, opts.intervalMs ?? 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

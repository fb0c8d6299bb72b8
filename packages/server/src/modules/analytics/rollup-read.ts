/**
 * What every analytics screen and the reports read: the scope of a request (its shops, their
 * rollups refreshed first), and sums of rollup_daily by day, product or source. Several shops are
 * summed day by day; the business days are those of the first shop in scope (shops normally
 * share Asia/Shanghai). Product titles and available stock for the ranked products come with
 * them (`productInfo`).
 */
import { AppError, daysBetween, DEFAULT_TIMEZONE, GROUP_ROLLUP_CODES, rate, type DayPoint, type Totals } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as shopsSvc from '../shops/index.js';
import { cachedRows, covers, readStamps, splitDays, type Stamps } from './read-cache.js';
import { refreshForRead } from './rollup.service.js';

const SUM_COLS = [
  'uv',
  'pv',
  'detail_uv',
  'detail_visits',
  'dwell_ms',
  'bounce_uv',
  'fav_uv',
  'cart_uv',
  'checkout_uv',
  'order_uv',
  'paying_buyers',
  'paid_fen',
  'orders',
  'paid_orders',
  'units',
  'refund_fen',
  'refund_orders',
  'cost_fen',
  'untracked_buyers',
] as const;
type SumCol = (typeof SUM_COLS)[number];
export type Sums = Record<SumCol, number>;

/** The summed columns of one rollup row. */
export function rowSums(row: Record<SumCol, number | string>): Sums {
  return Object.fromEntries(SUM_COLS.map((c) => [c, Number(row[c])])) as Sums;
}

export function emptySums(): Sums {
  return Object.fromEntries(SUM_COLS.map((c) => [c, 0])) as Sums;
}
export function addSums(a: Sums, b: Sums): Sums {
  const r = { ...a };
  for (const c of SUM_COLS) r[c] += b[c];
  return r;
}

export function sumsToTotals(s: Sums): Totals {
  return {
    uv: s.uv,
    pv: s.pv,
    detailUv: s.detail_uv,
    favUv: s.fav_uv,
    cartUv: s.cart_uv,
    orderUv: s.order_uv,
    payingBuyers: s.paying_buyers,
    paidFen: s.paid_fen,
    orders: s.orders,
    paidOrders: s.paid_orders,
    units: s.units,
    refundFen: s.refund_fen,
    refundOrders: s.refund_orders,
    costFen: s.cost_fen,
  };
}

export function dayPoint(day: string, s: Sums): DayPoint {
  return {
    day,
    ...sumsToTotals(s),
    bounceRate: rate(s.bounce_uv, s.uv),
    pvPerVisitor: rate(s.pv, s.uv),
    avgDwellMs: rate(s.dwell_ms, s.detail_visits),
  };
}

export const roundFen = (x: number | null) => (x === null ? null : Math.round(x) + 0);

// ---------------------------------------------------------------- scope

export interface Scope {
  shopIds: string[];
  /** The shop's name when one shop was asked for, else null (every visible shop). */
  shopName: string | null;
  timezone: string;
  isDemo: boolean;
  shops: { id: string; timezone: string }[];
  /** The channels of the shops in scope (each channel has its own source tree). */
  channels: string[];
}

/** The shops a request reads: the one asked for (404 when not visible) or every visible shop. Refreshes their rollups. */
export async function resolveScope(db: Kysely<DB>, actor: Actor, shopId?: string, now = Date.now()): Promise<Scope> {
  let shops: { id: string; name: string; timezone: string; isDemo: boolean; channel: string }[];
  if (shopId) {
    const row = await shopsSvc.getVisible(db, actor, shopId);
    shops = [{ id: row.id, name: row.name, timezone: row.timezone, isDemo: row.is_demo === 1, channel: row.channel }];
  } else {
    shops = (await shopsSvc.listVisible(db, actor)).map((s) => ({
      id: s.id,
      name: s.name,
      timezone: s.timezone,
      isDemo: s.isDemo,
      channel: s.channel,
    }));
  }
  await refreshForRead(db, shops, now);
  return {
    shopIds: shops.map((s) => s.id),
    shopName: shopId ? shops[0]!.name : null,
    timezone: shops[0]?.timezone ?? DEFAULT_TIMEZONE,
    isDemo: shops.some((s) => s.isDemo),
    shops: shops.map((s) => ({ id: s.id, timezone: s.timezone })),
    channels: [...new Set(shops.map((s) => s.channel))],
  };
}

export function checkPeriod(from: string, to: string): void {
  if (from > to)
    throw new AppError('validation_failed', '开始日期不能晚于结束日期', { from, to }, [{ path: 'from', message: '开始日期晚于结束日期' }]);
  if (daysBetween(from, to).length > 400) throw new AppError('validation_failed', '统计区间最长 400 天，请缩短区间', { from, to });
}

// ---------------------------------------------------------------- rollup reads

type Dim = 'day' | 'product_id' | 'source_code';
interface SumQuery {
  from: string;
  to: string;
  /** undefined = the whole-shop rows (''), '*' = every product row, else one product. */
  product?: string;
  /** undefined = all sources (''), '*' = every second-level source, 'groups' = the first-level rows ('@free' …), else one source. */
  source?: string;
  by: readonly Dim[];
}

type SumRow = Sums & Record<Dim, string>;

/**
 * Σ of rollup columns over the scope's shops, grouped by the given dimensions. The days rebuilt
 * in the last ten minutes are summed on every call; the others come from the read cache
 * (read-cache.ts) when the same query over the same rebuild stamps was summed before. Pass the
 * request's `stamps` when they were read already for these shops over a range containing [from, to].
 */
export async function sumRollups(db: Kysely<DB>, shopIds: readonly string[], q: SumQuery, stamps?: Stamps): Promise<SumRow[]> {
  if (!shopIds.length) return [];
  const st = covers(stamps, shopIds, q.from, q.to) ? stamps : await readStamps(db, shopIds, q.from, q.to);
  const { recent, stableKey, hasStable } = splitDays(st, q.from, q.to);
  const shape = JSON.stringify([shopIds, q.from, q.to, q.product ?? null, q.source ?? null, q.by]);
  const stable = hasStable ? await cachedRows(db, shape, stableKey, () => sumRollupsQuery(db, shopIds, q, { not: recent })) : [];
  if (!recent.length) return stable;
  const fresh = await sumRollupsQuery(db, shopIds, q, { only: recent });
  // Add the recent days' groups to the cached ones (grouped by day, they are new groups).
  const byKey = new Map<string, SumRow>();
  const keyOf = (r: SumRow) => q.by.map((d) => r[d]).join('\u0000');
  for (const r of stable) byKey.set(keyOf(r), r);
  for (const r of fresh) {
    const k = keyOf(r);
    const have = byKey.get(k);
    if (have) for (const c of SUM_COLS) have[c] += r[c];
    else byKey.set(k, r);
  }
  return [...byKey.values()];
}

/** The SUM … GROUP BY statement of `sumRollups`, optionally only over some days or leaving some out. */
async function sumRollupsQuery(
  db: Kysely<DB>,
  shopIds: readonly string[],
  q: SumQuery,
  days: { only?: readonly string[]; not?: readonly string[] },
): Promise<SumRow[]> {
  let b = db
    .selectFrom('rollup_daily')
    .where('shop_id', 'in', [...shopIds])
    .where('day', '>=', q.from)
    .where('day', '<=', q.to);
  if (days.only) b = b.where('day', 'in', [...days.only]);
  if (days.not?.length) b = b.where('day', 'not in', [...days.not]);
  b =
    q.product === undefined
      ? b.where('product_id', '=', '')
      : q.product === '*'
        ? b.where('product_id', '<>', '')
        : b.where('product_id', '=', q.product);
  b =
    q.source === undefined
      ? b.where('source_code', '=', '')
      : q.source === '*'
        ? b.where('source_code', '<>', '').where('source_code', 'not in', [...GROUP_ROLLUP_CODES])
        : q.source === 'groups'
          ? b.where('source_code', 'in', [...GROUP_ROLLUP_CODES])
          : b.where('source_code', '=', q.source);
  const rows = await b
    .select((eb) => [...q.by, ...SUM_COLS.map((c) => eb.fn.sum<number>(c).as(c))] as never)
    .groupBy(q.by as Dim[])
    .execute();
  return (rows as Record<string, unknown>[]).map((r) => {
    const out = { day: '', product_id: '', source_code: '', ...emptySums() } as SumRow;
    for (const d of q.by) out[d] = String(r[d]);
    for (const c of SUM_COLS) out[c] = Number(r[c] ?? 0);
    return out;
  });
}

/** Daily whole-shop (or one product's) sums for every day of [from, to]; days without rows are zeros. */
export async function dailySeries(
  db: Kysely<DB>,
  shopIds: readonly string[],
  from: string,
  to: string,
  product?: string,
  stamps?: Stamps,
): Promise<Map<string, Sums>> {
  const rows = await sumRollups(db, shopIds, { from, to, ...(product ? { product } : {}), by: ['day'] }, stamps);
  const m = new Map<string, Sums>();
  for (const d of daysBetween(from, to)) m.set(d, emptySums());
  for (const r of rows) m.set(r.day, r);
  return m;
}

// ---------------------------------------------------------------- products helpers

/** Titles and available stock of products (ids in chunks). */
export async function productInfo(db: Kysely<DB>, orgId: string, ids: readonly string[]) {
  const titles = new Map<string, string>();
  const available = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const ps = await db.selectFrom('products').select(['id', 'title']).where('org_id', '=', orgId).where('id', 'in', chunk).execute();
    for (const p of ps) titles.set(p.id, p.title);
    const st = await db
      .selectFrom('stock')
      .innerJoin('skus', 'skus.id', 'stock.sku_id')
      .select((eb) => ['skus.product_id as productId', eb.fn.sum<number>('stock.available').as('available')])
      .where('stock.org_id', '=', orgId)
      .where('skus.product_id', 'in', chunk)
      .groupBy('skus.product_id')
      .execute();
    for (const s of st) available.set(s.productId, Number(s.available));
  }
  return { titles, available };
}

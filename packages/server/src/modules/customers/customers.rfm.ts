/**
 * RFM and the lists to act on, per shop as of a day (issue 11 §2–3). The per-customer R/F/M are
 * aggregated in SQL from the module's order facts (`customer_orders`): paid orders (paid, not
 * cancelled) with a paid day on or before the as-of day, grouped by the customer they count for
 * (a merged customer counts for the customer it was merged into); the scoring itself is core's
 * `scoreRfm`. M counts the refunds that succeeded by the as-of day (the orders' refunds ledger).
 */
import {
  AppError,
  businessDay,
  DEFAULT_TIMEZONE,
  expectedRepurchase,
  median,
  purchaseCycle,
  purchaseGaps,
  scoreRfm,
  segmentMigration,
  type RfmInput,
  type RfmResult,
  type RfmThresholds,
} from '@yunying/core';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as shops from '../shops/index.js';
import { refreshShops } from './customers.sync.js';

/** The visible shop (404 otherwise), fresh, with today's business day in its zone. */
export async function openShop(
  db: Kysely<DB>,
  actor: Actor,
  shopId: string,
): Promise<{ id: string; name: string; today: string; tz: string }> {
  const shop = await shops.getVisible(db, actor, shopId);
  await refreshShops(db, [shop.id]);
  const tz = shop.timezone || DEFAULT_TIMEZONE;
  return { id: shop.id, name: shop.name, today: businessDay(Date.now(), tz), tz };
}

/** The customer id a row counts for: the merge target, else itself. */
const effectiveId = sql<string>`coalesce(c.merged_into, c.id)`;

/**
 * An order's refunds as of a day: the refunds ledger's rows (orders' \`order_refunds\`) that
 * succeeded on or before it; an order without ledger rows (refund amounts imported without dates)
 * keeps its current refund.
 */
function refundsAsOf(asOf: string) {
  return sql<number>`(case when exists (select 1 from order_refunds r0 where r0.order_id = co.order_id)
    then coalesce((select sum(r.amount_fen) from order_refunds r where r.order_id = co.order_id and r.refund_day <= ${asOf}), 0)
    else co.refund_fen end)`;
}

/** R/F/M inputs of a shop's customers as of a day (customers with ≥ 1 paid order by then). */
export async function rfmInputs(db: Kysely<DB>, shopId: string, asOf: string): Promise<RfmInput[]> {
  const rows = await db
    .selectFrom('customer_orders as co')
    .innerJoin('customers as c', 'c.id', 'co.customer_id')
    .select([
      effectiveId.as('cid'),
      sql<string>`max(co.paid_day)`.as('last_day'),
      sql<number | string>`count(*)`.as('f'),
      sql<number | string>`sum(co.paid_fen - ${refundsAsOf(asOf)})`.as('m'),
    ])
    .where('co.shop_id', '=', shopId)
    .where('co.paid', '=', 1)
    .where('co.paid_day', '<=', asOf)
    .groupBy(effectiveId)
    .execute();
  return rows.map((r) => ({ customerId: r.cid, lastPaidDay: r.last_day, paidOrders: Number(r.f), netPaidFen: Number(r.m) }));
}

/** The shop's own thresholds, or null (averages). */
export async function shopThresholds(db: Kysely<DB>, shopId: string): Promise<RfmThresholds | null> {
  const row = await db.selectFrom('customer_rfm_settings').selectAll().where('shop_id', '=', shopId).executeTakeFirst();
  return row ? { recencyDays: Number(row.recency_days), frequency: Number(row.frequency), monetaryFen: Number(row.monetary_fen) } : null;
}

export async function scoreShop(db: Kysely<DB>, shopId: string, asOf: string): Promise<RfmResult> {
  const [inputs, custom] = await Promise.all([rfmInputs(db, shopId, asOf), shopThresholds(db, shopId)]);
  return scoreRfm(asOf, inputs, custom);
}

/** Each customer's paid days on or before a day (grouped like RFM). */
export async function paidDaysOf(db: Kysely<DB>, shopId: string, asOf: string): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom('customer_orders as co')
    .innerJoin('customers as c', 'c.id', 'co.customer_id')
    .select([effectiveId.as('cid'), 'co.paid_day'])
    .where('co.shop_id', '=', shopId)
    .where('co.paid', '=', 1)
    .where('co.paid_day', '<=', asOf)
    .execute();
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const list = out.get(r.cid);
    if (list) list.push(r.paid_day!);
    else out.set(r.cid, [r.paid_day!]);
  }
  return out;
}

/** The shop's median purchase cycle as of a day: the median of its repeat buyers' own cycles. */
export function shopMedianCycle(days: ReadonlyMap<string, readonly string[]>): number | null {
  const cycles: number[] = [];
  for (const d of days.values()) {
    const own = median(purchaseGaps(d).filter((g) => g > 0));
    if (own !== null) cycles.push(own);
  }
  return median(cycles);
}

export interface Repurchase {
  customerId: string;
  paidOrders: number;
  lastPaidDay: string;
  cycleDays: number | null;
  expectedDay: string | null;
}

/** Expected repurchase of every buyer of a shop as of a day. */
export async function repurchases(db: Kysely<DB>, shopId: string, asOf: string): Promise<{ shopCycle: number | null; rows: Repurchase[] }> {
  const days = await paidDaysOf(db, shopId, asOf);
  const shopCycle = shopMedianCycle(days);
  const rows: Repurchase[] = [];
  for (const [customerId, d] of days) {
    const last = d.reduce((a, b) => (b > a ? b : a));
    const cycleDays = purchaseCycle(d, shopCycle);
    rows.push({ customerId, paidOrders: d.length, lastPaidDay: last, cycleDays, expectedDay: expectedRepurchase(last, cycleDays) });
  }
  return { shopCycle, rows };
}

/**
 * The customer ids of a list or segment as of a day (shop required). High value = F and M at or
 * above the thresholds (重要价值 + 重要保持); churn risk = expected repurchase day before the
 * as-of day; awaiting a second order = one paid order, expected repurchase not yet passed.
 */
export async function idsOf(
  db: Kysely<DB>,
  shopId: string,
  asOf: string,
  opts: { list: 'all' | 'high_value' | 'churn_risk' | 'new_buyers'; segment?: string | undefined },
): Promise<Set<string>> {
  let ids: Set<string> | null = null;
  const narrow = (next: Iterable<string>) => {
    const n = new Set(next);
    ids = ids === null ? n : new Set([...ids].filter((x) => n.has(x)));
  };
  if (opts.segment || opts.list === 'high_value') {
    const scored = (await scoreShop(db, shopId, asOf)).customers;
    if (opts.segment) narrow(scored.filter((c) => c.segment === opts.segment).map((c) => c.customerId));
    if (opts.list === 'high_value') narrow(scored.filter((c) => c.fHigh && c.mHigh).map((c) => c.customerId));
  }
  if (opts.list === 'churn_risk' || opts.list === 'new_buyers') {
    const { rows } = await repurchases(db, shopId, asOf);
    if (opts.list === 'churn_risk') narrow(rows.filter((r) => r.expectedDay !== null && r.expectedDay < asOf).map((r) => r.customerId));
    else narrow(rows.filter((r) => r.paidOrders === 1 && (r.expectedDay === null || r.expectedDay >= asOf)).map((r) => r.customerId));
  }
  if (ids === null) throw new AppError('validation_failed', '请选择名单或 RFM 分群');
  return ids;
}

/** Segment migration between two days: counts from → to (null from = not yet a buyer). */
export async function migration(db: Kysely<DB>, shopId: string, from: string, to: string) {
  if (from > to) throw new AppError('validation_failed', `起始日期 ${from} 晚于结束日期 ${to}，请对调两个日期`, { from, to });
  const [a, b] = await Promise.all([scoreShop(db, shopId, from), scoreShop(db, shopId, to)]);
  return { from, to, fromThresholds: a.thresholds, toThresholds: b.thresholds, cells: segmentMigration(a.customers, b.customers) };
}

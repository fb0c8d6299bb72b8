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

/**
 * The customers of a shop merged into another customer: member id → the id its orders count for.
 * Few rows (merges are manual), read through the merged_into index.
 */
async function mergeTargets(db: Kysely<DB>, shopId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'merged_into'])
    .where('merged_into', 'is not', null)
    .where('shop_id', '=', shopId)
    .execute();
  return new Map(rows.map((r) => [r.id, r.merged_into!]));
}

/**
 * Per customer, the correction of M for orders with refund ledger rows (the orders'
 * `order_refunds`): their stored refund minus the refunds that succeeded by the as-of day. Orders
 * without ledger rows (refund amounts imported without dates) keep their stored refund. Read
 * grouped from the ledger first, so the cost follows the refunded orders, not all orders.
 */
async function refundCorrections(db: Kysely<DB>, shopId: string, asOf: string): Promise<Map<string, number>> {
  const ledger = db
    .selectFrom('order_refunds as r')
    .select(['r.order_id', sql<number | string>`sum(case when r.refund_day <= ${asOf} then r.amount_fen else 0 end)`.as('as_of')])
    .where('r.shop_id', '=', shopId)
    .groupBy('r.order_id')
    .as('rr');
  const rows = await db
    .selectFrom(ledger)
    .innerJoin('customer_orders as co', 'co.order_id', 'rr.order_id')
    .select(['co.customer_id', sql<number | string>`sum(co.refund_fen - rr.as_of)`.as('fix')])
    .where('co.shop_id', '=', shopId)
    .where('co.paid', '=', 1)
    .where('co.paid_day', '<=', asOf)
    .groupBy('co.customer_id')
    .execute();
  return new Map(rows.map((r) => [r.customer_id, Number(r.fix)]));
}

/**
 * R/F/M inputs of a shop's customers as of a day (customers with ≥ 1 paid order by then). One
 * grouped read per customer over the covering index `customer_orders_rfm_idx` (no join: merged
 * members are folded into their targets in memory), plus the refund corrections.
 */
export async function rfmInputs(db: Kysely<DB>, shopId: string, asOf: string): Promise<RfmInput[]> {
  const [rows, merged, fixes] = await Promise.all([
    db
      .selectFrom('customer_orders as co')
      .select([
        'co.customer_id',
        sql<string>`max(co.paid_day)`.as('last_day'),
        sql<number | string>`count(*)`.as('f'),
        sql<number | string>`sum(co.paid_fen - co.refund_fen)`.as('m'),
      ])
      .where('co.shop_id', '=', shopId)
      .where('co.paid', '=', 1)
      .where('co.paid_day', '<=', asOf)
      .groupBy('co.customer_id')
      .execute(),
    mergeTargets(db, shopId),
    refundCorrections(db, shopId, asOf),
  ]);
  const out = new Map<string, RfmInput>();
  for (const r of rows) {
    const cid = merged.get(r.customer_id) ?? r.customer_id;
    const m = Number(r.m) + (fixes.get(r.customer_id) ?? 0);
    const prev = out.get(cid);
    if (prev) {
      if (r.last_day > prev.lastPaidDay) prev.lastPaidDay = r.last_day;
      prev.paidOrders += Number(r.f);
      prev.netPaidFen += m;
    } else out.set(cid, { customerId: cid, lastPaidDay: r.last_day, paidOrders: Number(r.f), netPaidFen: m });
  }
  return [...out.values()];
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

/** Each customer's paid days on or before a day (grouped like RFM: merged members count for their target). */
export async function paidDaysOf(db: Kysely<DB>, shopId: string, asOf: string): Promise<Map<string, string[]>> {
  const [rows, merged] = await Promise.all([
    db
      .selectFrom('customer_orders as co')
      .select(['co.customer_id', 'co.paid_day'])
      .where('co.shop_id', '=', shopId)
      .where('co.paid', '=', 1)
      .where('co.paid_day', '<=', asOf)
      .execute(),
    mergeTargets(db, shopId),
  ]);
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const cid = merged.get(r.customer_id) ?? r.customer_id;
    const list = out.get(cid);
    if (list) list.push(r.paid_day!);
    else out.set(cid, [r.paid_day!]);
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

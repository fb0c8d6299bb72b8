/**
 * Building the rollup rows (rollup_daily) of a shop's days in memory: shop × day × product ×
 * source, from the raw events, the orders and the imported statistics. product_id '' is the whole
 * shop, source_code '' all sources. Every figure follows the glossary (domain §2):
 *
 * - uv: distinct visitors with any event in the row's slice; pv: page_view events for the shop and
 *   source rows (the tracker sends one on every page load, product pages included) and
 *   product_view events for a product's rows;
 *   detail_uv / detail_visits / dwell_ms: product_view visitors, events and summed dwell;
 *   bounce_uv: visitors of the slice who had exactly one page view in the whole day;
 *   fav_uv / cart_uv / checkout_uv: visitors with favorite / add_to_cart / begin_checkout.
 * - Buyer identity: orders.visitor_id, else 'nick:' + buyer_nick.
 * - order_uv / orders: distinct buyers / orders created that day (orders.order_day = day).
 * - paying_buyers / paid_orders / paid_fen / units / cost_fen: orders paid that day
 *   (paid_day = day, status not pending_payment); paid_fen is what the buyer paid, shipping
 *   included, refunds not subtracted (per product: the lines' paid_fen, so no shipping);
 *   cost_fen = Σ unit_cost_fen × qty.
 * - refund_fen / refund_orders: what was successfully refunded that day (生意参谋's 成功退款金额)
 *   and the distinct orders refunded that day, from the refunds ledger (order_refunds.refund_day),
 *   whatever day the order was paid: a closed day no longer changes when an old order is refunded.
 *   Per product: the ledger rows of the product's lines (shipping parts count for the shop only);
 *   per source: the order's source.
 * - Per-source order figures use orders.source_code; orders without one count under 'unknown'.
 * - Imported marketplace statistics (traffic_stats rows for the shop and day) replace the
 *   event-based uv, pv, cart_uv and fav_uv of the matching (product, source) rows: marketplaces
 *   give no tracker access, their own counts are the truth there.
 *
 * Reads: each day's events with one indexed query, the orders (and lines) of all the days with one
 * query each, the refunds and the imported statistics with one each.
 *
 * A partial day (`buildPartialDay`, for 今日实时's 同时段 comparisons) applies a cut-off instant:
 * events before it, orders created before it (order figures), orders paid before it (paid
 * figures) and refunds that succeeded before it. Imported statistics are whole-day figures and are
 * left out of a partial day. Writing the rows, the dirty marks and the
 * freshness rules are rollup.service.ts.
 */
import { businessDay, REPLACEMENT_SOURCE } from '@yunying/core';
import { sql, type Kysely } from 'kysely';
import type { DB, RollupDailyTable } from '../../db/schema.js';
import { groupRows, groupRowsOfState, sourceGroupsOf, statOverride, statsAttributePayments, untrackedBuyers } from './rollup-groups.js';
import { todayEventState } from './rollup-today.js';

export type Acc = {
  uv: Set<string>;
  pv: number;
  detail: Set<string>;
  detailVisits: number;
  dwell: number;
  fav: Set<string>;
  cart: Set<string>;
  checkout: Set<string>;
  orderUv: Set<string>;
  orders: Set<string>;
  paying: Set<string>;
  paidOrders: Set<string>;
  paidFen: number;
  units: number;
  refundFen: number;
  refundOrders: Set<string>;
  costFen: number;
  override?: { uv: number; pv: number; cart: number; fav: number; buyers?: number; paidFen?: number };
};

function newAcc(): Acc {
  return {
    uv: new Set(),
    pv: 0,
    detail: new Set(),
    detailVisits: 0,
    dwell: 0,
    fav: new Set(),
    cart: new Set(),
    checkout: new Set(),
    orderUv: new Set(),
    orders: new Set(),
    paying: new Set(),
    paidOrders: new Set(),
    paidFen: 0,
    units: 0,
    refundFen: 0,
    refundOrders: new Set(),
    costFen: 0,
  };
}

/** Separates the parts of a map key (product, source). */
export const SEP = '\u0000';

export type EventGroup = {
  visitor_id: string;
  product_id: string | null;
  source_code: string;
  type: string;
  n: number | string;
  dwell: number | string | null;
};
export type OrderRow = {
  id: string;
  visitor_id: string | null;
  buyer_nick: string;
  source_code: string | null;
  status: string;
  paid_fen: number;
  order_day: string;
  paid_day: string | null;
  ordered_at: number;
  paid_at: number | null;
};
export type RefundRow = {
  day: string;
  orderId: string;
  productId: string | null;
  sourceCode: string | null;
  amountFen: number;
  at: number;
};
export type LineRow = {
  orderId: string;
  productId: string | null;
  qty: number;
  paidFen: number;
  unitCostFen: number;
};
type StatRow = {
  day: string;
  product_id: string;
  source_code: string;
  uv: number;
  pv: number;
  cart_uv: number;
  fav_uv: number;
  paying_buyers: number;
  paid_fen: number;
};

/**
 * A day's events as rows of (visitor, product, source, type, n = 1, dwell): only the columns the
 * rollup needs, found through events_shop_day_idx. Aggregating them in one pass in JS is cheaper
 * than a GROUP BY here — visitors rarely repeat the same (product, source, type) in a day, so
 * grouping barely shrinks the rows and costs a temporary B-tree.
 */
export function readEvents(
  db: Kysely<DB>,
  shopId: string,
  day: string,
  cutoff: number | null = null,
  since: number | null = null,
): Promise<EventGroup[]> {
  let q = db
    .selectFrom('events')
    .select(['visitor_id', 'product_id', 'source_code', 'type', sql<number>`1`.as('n'), 'dwell_ms as dwell'])
    .where('shop_id', '=', shopId)
    .where('day', '=', day);
  // (shop_id, day, at) is the index's order, so the cut-off (and the window's start) narrow the same index range.
  if (since !== null) q = q.where('at', '>=', since);
  if (cutoff !== null) q = q.where('at', '<', cutoff);
  return q.execute();
}

/** The refunds (ledger rows) that succeeded on any of the days, with each line's product and the order's source. */
export async function readRefunds(db: Kysely<DB>, shopId: string, days: readonly string[]): Promise<RefundRow[]> {
  const rows = await db
    .selectFrom('order_refunds')
    .innerJoin('orders', 'orders.id', 'order_refunds.order_id')
    .leftJoin('order_lines', 'order_lines.id', 'order_refunds.order_line_id')
    .leftJoin('skus', 'skus.id', 'order_lines.sku_id')
    .select([
      'order_refunds.refund_day as day',
      'order_refunds.order_id as orderId',
      'skus.product_id as productId',
      'orders.source_code as sourceCode',
      'order_refunds.amount_fen as amountFen',
      'order_refunds.refunded_at as at',
    ])
    .where('order_refunds.shop_id', '=', shopId)
    .where((eb) => (days.length === 1 ? eb('order_refunds.refund_day', '=', days[0]!) : eb('order_refunds.refund_day', 'in', [...days])))
    .execute();
  return rows.map((r) => ({ ...r, amountFen: Number(r.amountFen), at: Number(r.at) }));
}

/** The orders created or paid on any of the days, and their lines (grouped by order). */
export async function readOrders(
  db: Kysely<DB>,
  shopId: string,
  days: readonly string[],
): Promise<{ orders: OrderRow[]; linesByOrder: Map<string, LineRow[]> }> {
  const one = days.length === 1 ? days[0]! : null;
  const orders = (await db
    .selectFrom('orders')
    .select(['id', 'visitor_id', 'buyer_nick', 'source_code', 'status', 'paid_fen', 'order_day', 'paid_day', 'ordered_at', 'paid_at'])
    .where('shop_id', '=', shopId)
    .where('source', '!=', REPLACEMENT_SOURCE)
    .where((eb) =>
      one !== null
        ? eb.or([eb('order_day', '=', one), eb('paid_day', '=', one)])
        : eb.or([eb('order_day', 'in', [...days]), eb('paid_day', 'in', [...days])]),
    )
    .execute()) as OrderRow[];
  const lines = (await db
    .selectFrom('order_lines')
    .innerJoin('orders', 'orders.id', 'order_lines.order_id')
    .leftJoin('skus', 'skus.id', 'order_lines.sku_id')
    .select([
      'order_lines.order_id as orderId',
      'skus.product_id as productId',
      'order_lines.qty as qty',
      'order_lines.paid_fen as paidFen',
      'order_lines.unit_cost_fen as unitCostFen',
    ])
    .where('orders.shop_id', '=', shopId)
    .where('orders.source', '!=', REPLACEMENT_SOURCE)
    .where((eb) =>
      one !== null
        ? eb.or([eb('orders.order_day', '=', one), eb('orders.paid_day', '=', one)])
        : eb.or([eb('orders.order_day', 'in', [...days]), eb('orders.paid_day', 'in', [...days])]),
    )
    .execute()) as LineRow[];
  const linesByOrder = new Map<string, LineRow[]>();
  for (const l of lines) {
    let list = linesByOrder.get(l.orderId);
    if (!list) linesByOrder.set(l.orderId, (list = []));
    list.push(l);
  }
  return { orders, linesByOrder };
}

function readStats(db: Kysely<DB>, shopId: string, days: readonly string[]): Promise<StatRow[]> {
  return db
    .selectFrom('traffic_stats')
    .select(['day', 'product_id', 'source_code', 'uv', 'pv', 'cart_uv', 'fav_uv', 'paying_buyers', 'paid_fen'])
    .where('shop_id', '=', shopId)
    .where((eb) => (days.length === 1 ? eb('day', '=', days[0]!) : eb('day', 'in', [...days])))
    .execute();
}

/**
 * The event figures of one (shop, day) accumulated so far: one accumulator per (product, source)
 * key (only the shop row's with `shopOnly`) and each visitor's page views of the day (bounce).
 * Events can be added in several steps (`addEvents`): the 同时段 cards extend yesterday's state
 * from the previous cut-off to the new one instead of reading the day again (partial-cache.ts).
 */
export interface EventState {
  accs: Map<string, Acc>;
  dayPv: Map<string, number>;
  shopOnly: boolean;
}

export function newEventState(shopOnly = false): EventState {
  const accs = new Map<string, Acc>();
  accs.set('' + SEP, newAcc()); // the shop row always exists: it also records when the day was last rebuilt
  return { accs, dayPv: new Map(), shopOnly };
}

function accOf(accs: Map<string, Acc>, product: string, source: string): Acc {
  const k = product + SEP + source;
  let a = accs.get(k);
  if (!a) accs.set(k, (a = newAcc()));
  return a;
}

/**
 * Add events to a state. Each group counts towards the shop row, its source row and, with a
 * product, the product's row and the product × source row (a target listed twice counts twice).
 */
export function addEvents(state: EventState, evs: readonly EventGroup[]): void {
  const { accs, dayPv, shopOnly } = state;
  const shopAcc = accs.get('' + SEP)!;
  const touch = (a: Acc, e: EventGroup, n: number) => {
    a.uv.add(e.visitor_id);
    if (e.type === 'product_view') {
      a.detail.add(e.visitor_id);
      a.detailVisits += n;
      a.dwell += Number(e.dwell ?? 0);
    } else if (e.type === 'favorite') a.fav.add(e.visitor_id);
    else if (e.type === 'add_to_cart') a.cart.add(e.visitor_id);
    else if (e.type === 'begin_checkout') a.checkout.add(e.visitor_id);
  };
  for (const e of evs) {
    const n = Number(e.n);
    const isPageView = e.type === 'page_view';
    if (isPageView) {
      dayPv.set(e.visitor_id, (dayPv.get(e.visitor_id) ?? 0) + n);
      shopAcc.pv += n;
    }
    touch(shopAcc, e, n);
    if (shopOnly) continue;
    const s1 = accOf(accs, '', e.source_code);
    if (isPageView) s1.pv += n;
    touch(s1, e, n);
    if (e.product_id) {
      const p0 = accOf(accs, e.product_id, '');
      const p1 = accOf(accs, e.product_id, e.source_code);
      if (e.type === 'product_view') {
        p0.pv += n;
        p1.pv += n;
      }
      touch(p0, e, n);
      touch(p1, e, n);
    }
  }
}

/** Aggregate one (shop, day) from its rows, in one pass over each input. */
function aggregateDay(
  shopId: string,
  day: string,
  evs: readonly EventGroup[],
  orders: readonly OrderRow[],
  linesByOrder: ReadonlyMap<string, readonly LineRow[]>,
  stats: readonly StatRow[],
  refunds: readonly RefundRow[],
  now: number,
  cutoff: number | null = null,
): RollupDailyTable[] {
  const state = newEventState();
  addEvents(state, evs);
  return finishDay(shopId, day, state, orders, linesByOrder, stats, refunds, now, cutoff);
}

/**
 * The rows of one (shop, day): the event figures of `state` (read, never changed: a state can be
 * finished again after more events) with the orders, refunds and imported statistics added.
 */
export function finishDay(
  shopId: string,
  day: string,
  state: EventState,
  orders: readonly OrderRow[],
  linesByOrder: ReadonlyMap<string, readonly LineRow[]>,
  stats: readonly StatRow[],
  refunds: readonly RefundRow[],
  now: number,
  cutoff: number | null = null,
): RollupDailyTable[] {
  // Fresh order figures over the state's event figures (the Sets of visitors are shared, read only).
  const accs = new Map<string, Acc>();
  for (const [k, a] of state.accs)
    accs.set(k, {
      ...newAcc(),
      uv: a.uv,
      pv: a.pv,
      detail: a.detail,
      detailVisits: a.detailVisits,
      dwell: a.dwell,
      fav: a.fav,
      cart: a.cart,
      checkout: a.checkout,
    });
  const acc = (product: string, source: string): Acc => accOf(accs, product, source);
  const shopAcc = acc('', '');
  const dayPv = state.dayPv;
  // A shop-only state (the 同时段 cards) needs the whole-shop row alone: no source or product rows.
  const only = state.shopOnly;

  // Orders.
  const none: readonly LineRow[] = [];
  // Where imported statistics attribute payments to sources, orders without a source are already in them.
  const statsPay = statsAttributePayments(stats);
  for (const o of orders) {
    const isOrderDay = o.order_day === day && (cutoff === null || Number(o.ordered_at) < cutoff);
    const isPaidDay =
      o.paid_day === day && o.status !== 'pending_payment' && (cutoff === null || (o.paid_at !== null && Number(o.paid_at) < cutoff));
    const who = o.visitor_id ? o.visitor_id : `nick:${o.buyer_nick}`;
    const src = o.source_code || 'unknown';
    const ls = linesByOrder.get(o.id) ?? none;
    const shopAccs = only ? [shopAcc] : o.source_code || !statsPay ? [shopAcc, acc('', src)] : [shopAcc];
    if (isOrderDay) {
      for (const a of shopAccs) {
        a.orderUv.add(who);
        a.orders.add(o.id);
      }
      for (const l of ls) {
        if (!l.productId || only) continue;
        for (const a of [acc(l.productId, ''), acc(l.productId, src)]) {
          a.orderUv.add(who);
          a.orders.add(o.id);
        }
      }
    }
    if (isPaidDay) {
      let units = 0;
      let cost = 0;
      for (const l of ls) {
        units += Number(l.qty);
        cost += Number(l.unitCostFen) * Number(l.qty);
      }
      for (const a of shopAccs) {
        a.paying.add(who);
        a.paidOrders.add(o.id);
        a.paidFen += Number(o.paid_fen);
        a.units += units;
        a.costFen += cost;
      }
      for (const l of ls) {
        if (!l.productId || only) continue;
        for (const a of [acc(l.productId, ''), acc(l.productId, src)]) {
          a.paying.add(who);
          a.paidOrders.add(o.id);
          a.paidFen += Number(l.paidFen);
          a.units += Number(l.qty);
          a.costFen += Number(l.unitCostFen) * Number(l.qty);
        }
      }
    }
  }

  // Refunds on the day they succeeded (the ledger).
  for (const r of refunds) {
    if (cutoff !== null && r.at >= cutoff) continue;
    const src = r.sourceCode || 'unknown';
    const targets = only ? [shopAcc] : [shopAcc, acc('', src)];
    if (r.productId && !only) targets.push(acc(r.productId, ''), acc(r.productId, src));
    for (const a of targets) {
      a.refundFen += r.amountFen;
      if (r.amountFen > 0) a.refundOrders.add(r.orderId);
    }
  }

  // Imported marketplace statistics win for the traffic counts they carry (whole days only).
  if (cutoff === null)
    for (const s of stats) {
      acc(s.product_id, s.source_code).override = statOverride(s);
    }

  const rows: RollupDailyTable[] = [];
  for (const [k, a] of accs) {
    const sep = k.indexOf(SEP);
    const product_id = k.slice(0, sep);
    const source_code = k.slice(sep + 1);
    let bounce = 0;
    if (dayPv.size) for (const v of a.uv) if (dayPv.get(v) === 1) bounce++;
    rows.push({
      shop_id: shopId,
      day,
      product_id,
      source_code,
      uv: a.override?.uv ?? a.uv.size,
      pv: a.override?.pv ?? a.pv,
      detail_uv: a.detail.size,
      detail_visits: a.detailVisits,
      dwell_ms: a.dwell,
      bounce_uv: bounce,
      fav_uv: a.override?.fav ?? a.fav.size,
      cart_uv: a.override?.cart ?? a.cart.size,
      checkout_uv: a.checkout.size,
      order_uv: a.orderUv.size,
      paying_buyers: a.override?.buyers ?? a.paying.size,
      paid_fen: a.override?.paidFen ?? a.paidFen,
      orders: a.orders.size,
      paid_orders: a.paidOrders.size,
      units: a.units,
      refund_fen: a.refundFen,
      refund_orders: a.refundOrders.size,
      cost_fen: a.costFen,
      untracked_buyers: untrackedBuyers(a.paying, a.uv, a.override?.uv, a.override?.buyers),
      updated_at: now,
    });
  }
  return rows;
}

/** Build the rollup rows of one (shop, day) in memory. */
export async function buildDay(db: Kysely<DB>, shopId: string, day: string, now = Date.now()): Promise<RollupDailyTable[]> {
  return buildDays(db, shopId, [day], now);
}

/**
 * Build the rollup rows of several days of a shop: the orders (and lines) of all the days are read
 * with one query each — orders have no (shop, order_day) index, so a per-day read scans the shop's
 * orders once per day — and each day's events with one indexed query.
 */
export async function buildDays(
  db: Kysely<DB>,
  shopId: string,
  days: readonly string[],
  now: number,
  opts: { incrementalToday?: boolean } = {},
): Promise<RollupDailyTable[]> {
  const { orders, linesByOrder } = await readOrders(db, shopId, days);
  const stats = await readStats(db, shopId, days);
  const { groupOf, timezone } = await sourceGroupsOf(db, shopId);
  // The shop's business day now: with `incrementalToday` its events come from the kept state (rollup-today.ts).
  const today = opts.incrementalToday && timezone !== null ? businessDay(now, timezone) : null;
  const refunds = await readRefunds(db, shopId, days);
  const ordersByDay = new Map<string, OrderRow[]>();
  const statsByDay = new Map<string, StatRow[]>();
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => {
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(v);
  };
  const wanted = new Set(days);
  for (const o of orders) {
    if (wanted.has(o.order_day)) push(ordersByDay, o.order_day, o);
    if (o.paid_day !== null && o.paid_day !== o.order_day && wanted.has(o.paid_day)) push(ordersByDay, o.paid_day, o);
  }
  for (const s of stats) push(statsByDay, s.day, s);
  const refundsByDay = new Map<string, RefundRow[]>();
  for (const r of refunds) push(refundsByDay, r.day, r);
  const rows: RollupDailyTable[] = [];
  for (const day of days) {
    if (day === today) {
      const state = await todayEventState(db, shopId, day, timezone!);
      const dayStats = statsByDay.get(day) ?? [];
      const sourceAccs = [...state.accs]
        .filter(([k]) => k.startsWith(SEP) && k !== SEP)
        .map(([k, a]) => [k.slice(SEP.length), a] as [string, Acc]);
      for (const r of groupRowsOfState(shopId, day, sourceAccs, dayStats, groupOf, now)) rows.push(r);
      for (const r of finishDay(shopId, day, state, ordersByDay.get(day) ?? [], linesByOrder, dayStats, refundsByDay.get(day) ?? [], now))
        rows.push(r);
      continue;
    }
    const evs = await readEvents(db, shopId, day);
    for (const r of groupRows(shopId, day, evs, statsByDay.get(day) ?? [], groupOf, now)) rows.push(r);
    for (const r of aggregateDay(
      shopId,
      day,
      evs,
      ordersByDay.get(day) ?? [],
      linesByOrder,
      statsByDay.get(day) ?? [],
      refundsByDay.get(day) ?? [],
      now,
    ))
      rows.push(r);
  }
  return rows;
}

/**
 * The rollup rows of days each up to (not including) its own cut-off instant, built in memory and
 * never stored: yesterday and last week's day up to the same time of day as now, for 今日实时's
 * 同时段 comparisons. Same figures as whole days, restricted to what had happened before the
 * cut-off. Orders, lines and refunds of all the days are read with one query each.
 */
export async function buildPartialDays(
  db: Kysely<DB>,
  shopId: string,
  parts: readonly { day: string; cutoff: number }[],
): Promise<Map<string, RollupDailyTable[]>> {
  const days = parts.map((p) => p.day);
  const { orders, linesByOrder } = await readOrders(db, shopId, days);
  const refunds = await readRefunds(db, shopId, days);
  const out = new Map<string, RollupDailyTable[]>();
  for (const { day, cutoff } of parts) {
    const evs = await readEvents(db, shopId, day, cutoff);
    const dayOrders = orders.filter((o) => o.order_day === day || o.paid_day === day);
    const dayRefunds = refunds.filter((r) => r.day === day);
    out.set(day, aggregateDay(shopId, day, evs, dayOrders, linesByOrder, [], dayRefunds, cutoff, cutoff));
  }
  return out;
}

/**
 * The brute-force recount the analytics and reports tests check the API against: the raw events,
 * orders and order lines of one shop read back from the database, and the glossary applied to
 * them by hand in plain JS. It must stay independent of src/modules/analytics (its own filters,
 * sums and ratios), or a mistake there would be repeated here and pass.
 */
import { addDays, type DayPoint, type ProductRow, type Totals } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB, EventsTable, OrderLinesTable, OrderRefundsTable, OrdersTable } from '../src/db/schema.js';

/** A deterministic pseudo-random generator (mulberry32): the same seed gives the same data. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every day from `from` to `to`, both included. */
export function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** a / b, or null where b is 0. */
export const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/** The mean of the values that are not null, or null where none are. */
export const mean = (xs: (number | null)[]) => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
};

/** The counts of a day (or a sum of days), for the shop or one product and / or source. */
export interface Figures {
  uv: number;
  pv: number;
  detailUv: number;
  detailVisits: number;
  dwell: number;
  bounce: number;
  favUv: number;
  cartUv: number;
  orderUv: number;
  payingBuyers: number;
  paidFen: number;
  orders: number;
  paidOrders: number;
  units: number;
  refundFen: number;
  refundOrders: number;
  costFen: number;
  /** Paying buyers without a visit in the slice that day (manual or imported orders). */
  untrackedBuyers: number;
}

const ZERO: Figures = {
  uv: 0,
  pv: 0,
  detailUv: 0,
  detailVisits: 0,
  dwell: 0,
  bounce: 0,
  favUv: 0,
  cartUv: 0,
  orderUv: 0,
  payingBuyers: 0,
  paidFen: 0,
  orders: 0,
  paidOrders: 0,
  units: 0,
  refundFen: 0,
  refundOrders: 0,
  costFen: 0,
  untrackedBuyers: 0,
};
const plus = (a: Figures, b: Figures): Figures =>
  Object.fromEntries(Object.keys(ZERO).map((k) => [k, a[k as keyof Figures] + b[k as keyof Figures]])) as unknown as Figures;

/** The additive totals of the API (the glossary's names) out of a recount. */
export const totals = (f: Figures): Totals => ({
  uv: f.uv,
  pv: f.pv,
  detailUv: f.detailUv,
  favUv: f.favUv,
  cartUv: f.cartUv,
  orderUv: f.orderUv,
  payingBuyers: f.payingBuyers,
  paidFen: f.paidFen,
  orders: f.orders,
  paidOrders: f.paidOrders,
  units: f.units,
  refundFen: f.refundFen,
  refundOrders: f.refundOrders,
  costFen: f.costFen,
});

const meansOf = (ds: Figures[]) => ({
  bounceRate: mean(ds.map((d) => ratio(d.bounce, d.uv))),
  pvPerVisitor: mean(ds.map((d) => ratio(d.pv, d.uv))),
  avgDwellMs: mean(ds.map((d) => ratio(d.dwell, d.detailVisits))),
});

export type Scope = { product?: string; source?: string };

/** Everything read back from the database, and the glossary applied to it by hand. */
export class Brute {
  constructor(
    readonly events: EventsTable[],
    readonly orders: OrdersTable[],
    readonly lines: (OrderLinesTable & { productId: string | null })[],
    /** The refunds ledger, each row with its line's product (null for shipping parts). */
    readonly refunds: (OrderRefundsTable & { productId: string | null })[] = [],
  ) {}

  /** A day's figures; with `cutoff`, only what happened before that instant (a 同时段 partial day). */
  day(day: string, f: Scope = {}, cutoff = Infinity): Figures {
    const all = this.events.filter((e) => e.day === day && Number(e.at) < cutoff);
    const views = new Map<string, number>();
    // The tracker sends a page_view on every page load (product pages too) and a product_view on
    // product pages: PV and bounce count page views; a product's PV is its product views. A bounce
    // is a visitor with one page view that day.
    for (const e of all) if (e.type === 'page_view') views.set(e.visitor_id, (views.get(e.visitor_id) ?? 0) + 1);
    const evs = all.filter(
      (e) => (f.product === undefined || e.product_id === f.product) && (f.source === undefined || e.source_code === f.source),
    );
    const set = (pred: (e: EventsTable) => boolean) => new Set(evs.filter(pred).map((e) => e.visitor_id)).size;
    const uvSet = new Set(evs.map((e) => e.visitor_id));
    const pvs = evs.filter((e) => e.type === (f.product === undefined ? 'page_view' : 'product_view'));
    const pvEv = evs.filter((e) => e.type === 'product_view');
    const out: Figures = {
      ...ZERO,
      uv: uvSet.size,
      pv: pvs.length,
      detailUv: set((e) => e.type === 'product_view'),
      detailVisits: pvEv.length,
      dwell: pvEv.reduce((s, e) => s + Number(e.dwell_ms), 0),
      bounce: [...uvSet].filter((v) => views.get(v) === 1).length,
      favUv: set((e) => e.type === 'favorite'),
      cartUv: set((e) => e.type === 'add_to_cart'),
    };
    const who = (o: OrdersTable) => o.visitor_id ?? `nick:${o.buyer_nick}`;
    const linesOf = (o: OrdersTable) =>
      this.lines.filter((l) => l.order_id === o.id && (f.product === undefined || l.productId === f.product));
    const inScope = (o: OrdersTable) =>
      (f.source === undefined || (o.source_code ?? 'unknown') === f.source) && (f.product === undefined || linesOf(o).length > 0);
    const created = this.orders.filter((o) => o.order_day === day && Number(o.ordered_at) < cutoff && inScope(o));
    out.orderUv = new Set(created.map(who)).size;
    out.orders = created.length;
    const paid = this.orders.filter(
      (o) =>
        o.paid_day === day &&
        o.status !== 'pending_payment' &&
        (cutoff === Infinity || (o.paid_at !== null && Number(o.paid_at) < cutoff)) &&
        inScope(o),
    );
    out.payingBuyers = new Set(paid.map(who)).size;
    out.untrackedBuyers = [...new Set(paid.map(who))].filter((b) => !uvSet.has(b)).length;
    out.paidOrders = paid.length;
    for (const o of paid) {
      const ls = linesOf(o);
      out.paidFen += f.product === undefined ? Number(o.paid_fen) : ls.reduce((s, l) => s + Number(l.paid_fen), 0);
      out.units += ls.reduce((s, l) => s + l.qty, 0);
      out.costFen += ls.reduce((s, l) => s + l.qty * Number(l.unit_cost_fen), 0);
    }
    // 退款金额: what was successfully refunded that day (the ledger), whatever day the order was paid.
    const orderOf = new Map(this.orders.map((o) => [o.id, o]));
    const refunded = this.refunds.filter(
      (r) =>
        r.refund_day === day &&
        Number(r.refunded_at) < cutoff &&
        (f.product === undefined || r.productId === f.product) &&
        (f.source === undefined || (orderOf.get(r.order_id)?.source_code ?? 'unknown') === f.source),
    );
    out.refundFen = refunded.reduce((s, r) => s + Number(r.amount_fen), 0);
    out.refundOrders = new Set(refunded.filter((r) => Number(r.amount_fen) > 0).map((r) => r.order_id)).size;
    return out;
  }

  /** The counts of [from, to] summed over its days. */
  period(from: string, to: string, f: Scope = {}): Figures {
    return days(from, to).reduce((acc, d) => plus(acc, this.day(d, f)), ZERO);
  }

  /** The daily rates of [from, to] averaged over the days that have them (a period's rate is a mean of daily rates). */
  rateMeans(from: string, to: string, f: Scope = {}) {
    return meansOf(days(from, to).map((d) => this.day(d, f)));
  }

  /** A trend point a day of [from, to]. */
  dayPoints(from: string, to: string, f: { product?: string } = {}): DayPoint[] {
    return days(from, to).map((day) => {
      const d = this.day(day, f);
      return {
        day,
        ...totals(d),
        bounceRate: ratio(d.bounce, d.uv),
        pvPerVisitor: ratio(d.pv, d.uv),
        avgDwellMs: ratio(d.dwell, d.detailVisits),
      };
    });
  }

  /** The figures a report must show for [from, to], for the shop or one product. */
  reportFigures(from: string, to: string, product?: string) {
    const ds = days(from, to).map((d) => this.day(d, { product }));
    const p = ds.reduce(plus, ZERO);
    return {
      uv: p.uv,
      pv: p.pv,
      payingBuyers: p.payingBuyers,
      paidFen: p.paidFen,
      paidOrders: p.paidOrders,
      orders: p.orders,
      units: p.units,
      refundFen: p.refundFen,
      costFen: p.costFen,
      ...meansOf(ds),
      payConversion: ratio(p.payingBuyers, p.uv),
      aov: p.payingBuyers === 0 ? null : Math.round(p.paidFen / p.payingBuyers),
      visitorValue: p.uv === 0 ? null : Math.round(p.paidFen / p.uv),
      grossProfitFen: p.paidFen - p.costFen,
      grossMargin: ratio(p.paidFen - p.costFen, p.paidFen),
      refundRate: ratio(p.refundFen, p.paidFen),
    };
  }

  /** A product's row of 商品分析 for [from, to]. */
  productRow(id: string, title: string, from: string, to: string, available: number | null): ProductRow {
    const p = this.period(from, to, { product: id });
    return {
      productId: id,
      title,
      uv: p.uv,
      pv: p.pv,
      cartUv: p.cartUv,
      payingBuyers: p.payingBuyers,
      untrackedBuyers: p.untrackedBuyers,
      units: p.units,
      paidFen: p.paidFen,
      // Buyers without a tracked visit count as visitors too (METRICS.itemPayConversion): never over 100 %.
      payConversion: ratio(p.payingBuyers, p.uv + p.untrackedBuyers),
      refundFen: p.refundFen,
      grossProfitFen: p.paidFen - p.costFen,
      available,
    };
  }
}

/** The raw events, orders and order lines (with each line's product) of one shop. */
export async function readBack(db: Kysely<DB>, shopId: string): Promise<Brute> {
  const events = await db.selectFrom('events').selectAll().where('shop_id', '=', shopId).execute();
  // 补发 replacement orders are not sales.
  const orders = await db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).where('source', '!=', 'replacement').execute();
  const lines = await db
    .selectFrom('order_lines')
    .innerJoin('orders', 'orders.id', 'order_lines.order_id')
    .leftJoin('skus', 'skus.id', 'order_lines.sku_id')
    .selectAll('order_lines')
    .select('skus.product_id as productId')
    .where('orders.shop_id', '=', shopId)
    .where('orders.source', '!=', 'replacement')
    .execute();
  const refunds = await db
    .selectFrom('order_refunds')
    .leftJoin('order_lines', 'order_lines.id', 'order_refunds.order_line_id')
    .leftJoin('skus', 'skus.id', 'order_lines.sku_id')
    .selectAll('order_refunds')
    .select('skus.product_id as productId')
    .where('order_refunds.shop_id', '=', shopId)
    .execute();
  return new Brute(events, orders, lines, refunds);
}

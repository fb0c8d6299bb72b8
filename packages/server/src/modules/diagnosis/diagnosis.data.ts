/**
 * What the diagnosis rules read for one shop and one window of days: the daily rollups (through
 * analytics' index.ts), and a few grouped queries over orders, after-sales, stock and purchase
 * orders (foreign reads listed in docs/decisions.md: one grouped query per rule instead of a
 * call per order or SKU through the owners).
 */
import { addDays, daysBetween, dayStart } from '@yunying/core';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { inChunks } from '../../db/kit.js';
import { productInfo, refreshForRead, sumRollups, type Sums } from '../analytics/index.js';
import { warehouseNames } from '../inventory/index.js';
import { listSources } from '../traffic/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 发货超时: shipped (or still waiting) more than 48 hours after payment, the platforms' usual promise. */
export const LATE_HOURS = 48;

export interface ShopRef {
  id: string;
  orgId: string;
  name: string;
  timezone: string;
  channel: string;
}

export interface Window {
  /** The last day analysed. */
  date: string;
  days: string[];
  from: string;
}

export function windowOf(date: string, length: number): Window {
  const from = addDays(date, -(length - 1));
  return { date, from, days: daysBetween(from, date) };
}

/** Daily sums per key (product or source) over the window; missing days are zeros. */
export type DailyByKey = Map<string, Sums[]>;

export interface RollupData {
  shop: Sums[];
  /** Products summed over every shop of the organisation (null when it has one shop). */
  orgProducts: DailyByKey | null;
  products: DailyByKey;
  sources: DailyByKey;
}

function byKey(
  rows: (Sums & { day: string; product_id: string; source_code: string })[],
  key: 'product_id' | 'source_code',
  w: Window,
  empty: () => Sums,
): DailyByKey {
  const idx = new Map(w.days.map((d, i) => [d, i]));
  const out: DailyByKey = new Map();
  for (const r of rows) {
    const k = r[key];
    let arr = out.get(k);
    if (!arr) out.set(k, (arr = w.days.map(() => empty())));
    const i = idx.get(r.day);
    if (i !== undefined) arr[i] = r;
  }
  return out;
}

export async function readRollups(
  db: Kysely<DB>,
  shop: ShopRef,
  w: Window,
  now: number,
  allShops: ShopRef[] = [shop],
): Promise<RollupData> {
  await refreshForRead(db, allShops, now);
  const q = { from: w.from, to: w.date };
  const [shopRows, productRows, sourceRows] = await Promise.all([
    sumRollups(db, [shop.id], { ...q, by: ['day'] }),
    sumRollups(db, [shop.id], { ...q, product: '*', by: ['day', 'product_id'] }),
    sumRollups(db, [shop.id], { ...q, source: '*', by: ['day', 'source_code'] }),
  ]);
  const zero = (): Sums => ({ ...ZERO });
  const idx = new Map(w.days.map((d, i) => [d, i]));
  const shopDaily = w.days.map(() => zero());
  for (const r of shopRows) {
    const i = idx.get(r.day);
    if (i !== undefined) shopDaily[i] = r;
  }
  const orgRows =
    allShops.length > 1
      ? await sumRollups(
          db,
          allShops.map((s) => s.id),
          { ...q, product: '*', by: ['day', 'product_id'] },
        )
      : null;
  return {
    shop: shopDaily,
    orgProducts: orgRows && byKey(orgRows, 'product_id', w, zero),
    products: byKey(productRows, 'product_id', w, zero),
    sources: byKey(sourceRows, 'source_code', w, zero),
  };
}

const ZERO: Sums = {
  uv: 0,
  pv: 0,
  detail_uv: 0,
  detail_visits: 0,
  dwell_ms: 0,
  bounce_uv: 0,
  fav_uv: 0,
  cart_uv: 0,
  checkout_uv: 0,
  order_uv: 0,
  paying_buyers: 0,
  paid_fen: 0,
  orders: 0,
  paid_orders: 0,
  units: 0,
  refund_fen: 0,
  refund_orders: 0,
  cost_fen: 0,
  untracked_buyers: 0,
};

export async function productTitles(db: Kysely<DB>, orgId: string, ids: string[]): Promise<Map<string, string>> {
  return (await productInfo(db, orgId, ids)).titles;
}

/** Source names of the shop's channel tree (a code's own channel name wins over the shared one). */
export async function sourceNames(db: Kysely<DB>, shop: ShopRef): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const s of await listSources(db, shop.orgId)) {
    if (s.family === shop.channel || !m.has(s.code)) m.set(s.code, s.name);
  }
  return m;
}

// ---------------------------------------------------------------- shipping per warehouse

export interface WarehouseDay {
  orders: number;
  late: number;
  refunded: number;
  paidFen: number;
  refundFen: number;
  hours: number;
  /** Every paid order of the day (refunded before shipping included). */
  allOrders: number;
}

/** Per warehouse and paid day: orders paid, shipped late (or still waiting past 48 h), refunded. */
export async function shippingByWarehouse(db: Kysely<DB>, shop: ShopRef, w: Window, now: number) {
  const cutoff = Math.min(now, dayStart(addDays(w.date, 1), shop.timezone));
  const lateMs = LATE_HOURS * HOUR;
  const waited = sql<number>`(coalesce(orders.shipped_at, ${cutoff}) - orders.paid_at)`;
  const rows = await db
    .selectFrom('orders')
    .select((eb) => [
      'orders.warehouse_id as wh',
      'orders.paid_day as day',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>(sql`case when ${waited} > ${lateMs} then 1 else 0 end`).as('late'),
      eb.fn.sum<number>(sql`case when orders.refund_fen > 0 then 1 else 0 end`).as('refunded'),
      eb.fn.sum<number>('orders.paid_fen').as('paid'),
      eb.fn.sum<number>('orders.refund_fen').as('refund'),
      eb.fn.sum<number>(waited).as('waited'),
    ])
    .where('orders.shop_id', '=', shop.id)
    .where('orders.paid_day', '>=', w.from)
    .where('orders.paid_day', '<=', w.date)
    .where('orders.warehouse_id', 'is not', null)
    .where('orders.is_presale', '=', 0)
    // Shipped, or still to ship: an order refunded or cancelled before shipping was never late.
    .where((eb) => eb.or([eb('orders.shipped_at', 'is not', null), eb('orders.status', '=', 'paid')]))
    .groupBy(['orders.warehouse_id', 'orders.paid_day'])
    .execute();
  // Refunds requested before shipping (slow shipping's cost): every paid order of the day, shipped or not.
  const all = await db
    .selectFrom('orders')
    .select((eb) => [
      'orders.warehouse_id as wh',
      'orders.paid_day as day',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>(sql`case when orders.refund_fen > 0 then 1 else 0 end`).as('refunded'),
      eb.fn.sum<number>('orders.refund_fen').as('refund'),
      eb.fn.sum<number>('orders.paid_fen').as('paid'),
    ])
    .where('orders.shop_id', '=', shop.id)
    .where('orders.paid_day', '>=', w.from)
    .where('orders.paid_day', '<=', w.date)
    .where('orders.warehouse_id', 'is not', null)
    .where('orders.is_presale', '=', 0)
    .groupBy(['orders.warehouse_id', 'orders.paid_day'])
    .execute();
  const idx = new Map(w.days.map((d, i) => [d, i]));
  const out = new Map<string, WarehouseDay[]>();
  const get = (wh: string) => {
    let arr = out.get(wh);
    if (!arr)
      out.set(wh, (arr = w.days.map(() => ({ orders: 0, late: 0, refunded: 0, paidFen: 0, refundFen: 0, hours: 0, allOrders: 0 }))));
    return arr;
  };
  for (const r of rows) {
    const i = idx.get(String(r.day));
    if (i === undefined || !r.wh) continue;
    const d = get(r.wh)[i]!;
    d.orders = Number(r.n);
    d.late = Number(r.late);
    d.hours = Number(r.waited) / HOUR;
  }
  for (const r of all) {
    const i = idx.get(String(r.day));
    if (i === undefined || !r.wh) continue;
    const d = get(r.wh)[i]!;
    d.refunded = Number(r.refunded);
    d.paidFen = Number(r.paid);
    d.refundFen = Number(r.refund);
    d.allOrders = Number(r.n);
  }
  const names = await warehouseNames(db, shop.orgId, [...out.keys()]);
  return { days: out, names };
}

// ---------------------------------------------------------------- after-sales by reason

/** After-sales cases of the shop opened on each day of the window, per reason. */
export async function casesByReason(db: Kysely<DB>, shop: ShopRef, w: Window) {
  const from = dayStart(w.from, shop.timezone);
  const to = dayStart(addDays(w.date, 1), shop.timezone);
  const rows = await db
    .selectFrom('aftersales')
    .leftJoin('aftersale_reasons', 'aftersale_reasons.id', 'aftersales.reason_id')
    .select(['aftersales.reason_id', 'aftersale_reasons.name', 'aftersales.created_at'])
    .where('aftersales.shop_id', '=', shop.id)
    .where('aftersales.created_at', '>=', from)
    .where('aftersales.created_at', '<', to)
    .where('aftersales.reason_id', 'is not', null)
    .execute();
  const idx = new Map(w.days.map((d, i) => [d, i]));
  const out = new Map<string, { name: string; daily: number[] }>();
  for (const r of rows) {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: shop.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      Number(r.created_at),
    );
    const i = idx.get(day);
    if (i === undefined) continue;
    let e = out.get(r.reason_id!);
    if (!e) out.set(r.reason_id!, (e = { name: r.name ?? '未填写原因', daily: w.days.map(() => 0) }));
    e.daily[i]! += 1;
  }
  return out;
}

// ---------------------------------------------------------------- stock, sales velocity, lead time

export interface SkuStock {
  skuId: string;
  productId: string;
  code: string;
  spec: string;
  costFen: number;
  available: number;
  onHand: number;
  createdAt: number;
}

/** Units sold and paid amount per SKU per paid day (this shop), over [from, to]. */
export async function skuSales(db: Kysely<DB>, shop: ShopRef, from: string, to: string) {
  const rows = await db
    .selectFrom('order_lines')
    .innerJoin('orders', 'orders.id', 'order_lines.order_id')
    .select((eb) => [
      'order_lines.sku_id as sku',
      'orders.paid_day as day',
      eb.fn.sum<number>('order_lines.qty').as('qty'),
      eb.fn.sum<number>('order_lines.paid_fen').as('paid'),
    ])
    .where('orders.shop_id', '=', shop.id)
    .where('orders.paid_day', '>=', from)
    .where('orders.paid_day', '<=', to)
    .where('orders.status', '!=', 'cancelled')
    .where('order_lines.sku_id', 'is not', null)
    .groupBy(['order_lines.sku_id', 'orders.paid_day'])
    .execute();
  return rows.map((r) => ({ skuId: r.sku!, day: String(r.day), qty: Number(r.qty), paidFen: Number(r.paid) }));
}

/** Units sold per SKU over [from, to] in every shop (stock is shared by the shops). */
export async function orgUnits(db: Kysely<DB>, orgId: string, skuIds: string[], from: string, to: string): Promise<Map<string, number>> {
  const rows = await inChunks(skuIds, (chunk) =>
    db
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .select((eb) => ['order_lines.sku_id as sku', eb.fn.sum<number>('order_lines.qty').as('qty')])
      .where('orders.org_id', '=', orgId)
      .where('orders.paid_day', '>=', from)
      .where('orders.paid_day', '<=', to)
      .where('orders.status', '!=', 'cancelled')
      .where('order_lines.sku_id', 'in', chunk)
      .groupBy('order_lines.sku_id')
      .execute(),
  );
  return new Map(rows.map((r) => [r.sku!, Number(r.qty)]));
}

/** Stock of SKUs (Σ over warehouses) with their code, spec and cost; all of the org's SKUs with stock when `skuIds` is null. */
export async function skuStock(db: Kysely<DB>, orgId: string, skuIds: string[] | null): Promise<SkuStock[]> {
  const q = (chunk: string[] | null) => {
    let b = db
      .selectFrom('skus')
      .leftJoin('stock', 'stock.sku_id', 'skus.id')
      .select((eb) => [
        'skus.id',
        'skus.product_id',
        'skus.code',
        'skus.spec_text',
        'skus.cost_fen',
        'skus.created_at',
        eb.fn.sum<number>('stock.available').as('available'),
        eb.fn.sum<number>('stock.on_hand').as('on_hand'),
      ])
      .where('skus.org_id', '=', orgId)
      .groupBy(['skus.id', 'skus.product_id', 'skus.code', 'skus.spec_text', 'skus.cost_fen', 'skus.created_at']);
    if (chunk) b = b.where('skus.id', 'in', chunk);
    else b = b.having((eb) => eb.fn.sum('stock.on_hand'), '>', 0);
    return b.execute();
  };
  const rows = skuIds ? await inChunks(skuIds, (c) => q(c)) : await q(null);
  return rows.map((r) => ({
    skuId: r.id,
    productId: r.product_id,
    code: r.code,
    spec: r.spec_text,
    costFen: Number(r.cost_fen),
    available: Number(r.available ?? 0),
    onHand: Number(r.on_hand ?? 0),
    createdAt: Number(r.created_at),
  }));
}

/** Days from ordering to expected arrival of past purchase orders per SKU, and what open ones still bring. */
export async function purchaseFacts(db: Kysely<DB>, skuIds: string[]) {
  const rows = await inChunks(skuIds, (chunk) =>
    db
      .selectFrom('purchase_order_lines')
      .innerJoin('purchase_orders', 'purchase_orders.id', 'purchase_order_lines.po_id')
      .select([
        'purchase_order_lines.sku_id',
        'purchase_order_lines.qty',
        'purchase_order_lines.received_qty',
        'purchase_orders.status',
        'purchase_orders.created_at',
        'purchase_orders.expected_at',
      ])
      .where('purchase_order_lines.sku_id', 'in', chunk)
      .where('purchase_orders.status', '!=', 'cancelled')
      .execute(),
  );
  const lead = new Map<string, number[]>();
  const incoming = new Map<string, number>();
  for (const r of rows) {
    if (r.expected_at !== null) {
      const d = (Number(r.expected_at) - Number(r.created_at)) / DAY;
      if (d > 0) lead.set(r.sku_id, [...(lead.get(r.sku_id) ?? []), d]);
    }
    if (r.status === 'ordered' || r.status === 'partial') {
      incoming.set(r.sku_id, (incoming.get(r.sku_id) ?? 0) + Math.max(0, Number(r.qty) - Number(r.received_qty)));
    }
  }
  const leadDays = new Map<string, number>();
  for (const [k, xs] of lead) leadDays.set(k, Math.ceil(xs.reduce((a, b) => a + b, 0) / xs.length));
  return { leadDays, incoming };
}

/** Products listed in the shop (slow movers are reported in the shops that sell them). */
export async function listedProducts(db: Kysely<DB>, shop: ShopRef): Promise<Set<string>> {
  const rows = await db.selectFrom('listings').select('product_id').distinct().where('shop_id', '=', shop.id).execute();
  return new Set(rows.map((r) => r.product_id));
}

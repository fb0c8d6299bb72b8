/**
 * The stock pages' reads: levels per SKU × warehouse with thresholds and days of cover, the
 * movement ledger, the ledger check and the SKU picker. Manual changes are in adjust.service.ts.
 */
import {
  daysOfCover,
  type LedgerCheckFilter,
  type LedgerCheckRow,
  type Page,
  type InventorySkuOption,
  type StockMovement,
  type StockRow,
  type MovementFilter,
  type StockFilter,
} from '@yunying/core';
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { anyTextMatch, cappedCount, cursorPageOf, keysetPage, pageOf, searchTerm, shopScope, textMatch, withPage } from '../../db/kit.js';
import { skuInfo } from './common.js';
import { ledgerTotals } from './stock.service.js';

export const SALES_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

/** Units sold per SKU in the last `days` days: order lines of orders paid in the window and not cancelled. */
export async function unitsSold(
  db: Kysely<DB>,
  orgId: string,
  skuIds: string[],
  days = SALES_WINDOW_DAYS,
  now = Date.now(),
): Promise<Map<string, number>> {
  if (skuIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('order_lines')
    .innerJoin('orders', 'orders.id', 'order_lines.order_id')
    .select((eb) => ['order_lines.sku_id', eb.fn.sum<number>('order_lines.qty').as('qty')])
    .where('orders.org_id', '=', orgId)
    .where('orders.paid_at', '>=', now - days * DAY_MS)
    .where('orders.paid_at', '<=', now)
    .where('orders.status', '!=', 'cancelled')
    .where('order_lines.sku_id', 'in', skuIds)
    .groupBy('order_lines.sku_id')
    .execute();
  return new Map(rows.map((r) => [r.sku_id!, Number(r.qty)]));
}

function stockQuery(db: Kysely<DB>, orgId: string, f: Omit<StockFilter, 'page' | 'pageSize'>) {
  const totals = db
    .selectFrom('stock')
    .select((eb) => ['sku_id', eb.fn.sum<number>('available').as('t_available'), eb.fn.sum<number>('on_hand').as('t_on_hand')])
    .where('org_id', '=', orgId)
    .groupBy('sku_id')
    .as('t');
  let q = db
    .selectFrom('stock')
    .innerJoin('skus', 'skus.id', 'stock.sku_id')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .innerJoin('warehouses', 'warehouses.id', 'stock.warehouse_id')
    .innerJoin(totals, 't.sku_id', 'stock.sku_id')
    .where('stock.org_id', '=', orgId);
  if (f.warehouseId) q = q.where('stock.warehouse_id', '=', f.warehouseId);
  if (f.skuId) q = q.where('stock.sku_id', '=', f.skuId);
  const term = searchTerm(f.q);
  if (term) q = q.where(anyTextMatch(['skus.code', 'products.title', 'skus.spec_text', 'skus.barcode'], term));
  if (f.lowOnly) q = q.where('skus.low_stock', 'is not', null).whereRef('t.t_available', '<', 'skus.low_stock');
  if (f.overOnly) q = q.where('skus.over_stock', 'is not', null).whereRef('t.t_on_hand', '>', 'skus.over_stock');
  return q;
}

/**
 * Stock rows with names, thresholds and days of cover. Thresholds and alerts compare with the
 * SKU's total across warehouses (as `checkThresholds` does); days of cover is the SKU's total
 * available over its average daily sales of the last 30 days.
 */
export async function listStock(db: Kysely<DB>, actor: Actor, f: StockFilter): Promise<Page<StockRow>> {
  const q = stockQuery(db, actor.orgId, f);
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const page = q
    .select([
      'stock.sku_id',
      'stock.warehouse_id',
      'stock.on_hand',
      'stock.reserved',
      'stock.available',
      'stock.defective',
      'skus.code',
      'skus.spec_text',
      'skus.low_stock',
      'skus.over_stock',
      'products.id as product_id',
      'products.title',
      'warehouses.name as warehouse_name',
      'warehouses.code as warehouse_code',
      't.t_available',
      't.t_on_hand',
    ])
    .orderBy('skus.code')
    .orderBy('warehouses.code');
  const rows = await withPage(page, f).execute();
  const sold = await unitsSold(db, actor.orgId, [...new Set(rows.map((r) => r.sku_id))]);
  return pageOf(
    rows.map((r): StockRow => {
      const tAvail = Number(r.t_available);
      const tOnHand = Number(r.t_on_hand);
      const s = sold.get(r.sku_id) ?? 0;
      return {
        skuId: r.sku_id,
        skuCode: r.code,
        specText: r.spec_text,
        productId: r.product_id,
        productTitle: r.title,
        warehouseId: r.warehouse_id,
        warehouseName: r.warehouse_name,
        onHand: Number(r.on_hand),
        reserved: Number(r.reserved),
        available: Number(r.available),
        defective: Number(r.defective),
        lowStock: r.low_stock,
        overStock: r.over_stock,
        sold30d: s,
        daysOfCover: daysOfCover(tAvail, s, SALES_WINDOW_DAYS),
        low: r.low_stock !== null && tAvail < r.low_stock,
        over: r.over_stock !== null && tOnHand > r.over_stock,
      };
    }),
    Number(total),
    f,
  );
}

/** Every stock row matching the filter (the export). */
export async function allStock(db: Kysely<DB>, actor: Actor, f: Omit<StockFilter, 'page' | 'pageSize'>): Promise<StockRow[]> {
  const out: StockRow[] = [];
  for (let page = 1; ; page++) {
    const r = await listStock(db, actor, { ...f, page, pageSize: 200 });
    out.push(...r.items);
    if (r.items.length < 200) return out;
  }
}

/** What a hidden reference says instead of the other shop's order or case number. */
const HIDDEN_REF_NOTE: Record<string, string> = {
  order: '其他店铺的订单（你无权查看该店铺的订单，编号已隐藏）',
  aftersale: '其他店铺的售后单（你无权查看该店铺的售后，编号已隐藏）',
};

/**
 * Movements name the order or after-sales case they came from (note and reference). For a user
 * limited to some shops, true when the movement's order or case belongs to another shop: such a
 * row keeps its quantities (stock is shared by the warehouse) but not its note and reference, and
 * is not found by searching notes or by reference. Null = the actor sees every shop.
 */
function refHidden(actor: Actor): RawBuilder<SqlBool> | null {
  const inOrderShops = shopScope(actor, 'o.shop_id');
  const inCaseShops = shopScope(actor, 'a.shop_id');
  if (!inOrderShops || !inCaseShops) return null;
  return sql<SqlBool>`((m.ref_type = 'order' and not exists (select 1 from orders o where o.id = m.ref_id and ${inOrderShops}))
    or (m.ref_type = 'aftersale' and not exists (select 1 from aftersales a where a.id = m.ref_id and ${inCaseShops})))`;
}

export async function listMovements(db: Kysely<DB>, actor: Actor, f: MovementFilter): Promise<Page<StockMovement>> {
  const hidden = refHidden(actor);
  let q = db
    .selectFrom('stock_movements as m')
    .leftJoin('skus', 'skus.id', 'm.sku_id')
    .leftJoin('products', 'products.id', 'skus.product_id')
    .leftJoin('warehouses', 'warehouses.id', 'm.warehouse_id')
    .where('m.org_id', '=', actor.orgId);
  if (f.skuId) q = q.where('m.sku_id', '=', f.skuId);
  if (f.warehouseId) q = q.where('m.warehouse_id', '=', f.warehouseId);
  if (f.type) q = q.where('m.type', 'in', f.type.split(','));
  if (f.refType) q = q.where('m.ref_type', '=', f.refType);
  if (f.refId) {
    q = q.where('m.ref_id', '=', f.refId);
    if (hidden) q = q.where((eb) => eb.not(hidden));
  }
  if (f.from !== undefined) q = q.where('m.at', '>=', f.from);
  if (f.to !== undefined) q = q.where('m.at', '<', f.to);
  const term = searchTerm(f.q);
  if (term) {
    const note = textMatch('m.note', term);
    q = q.where((eb) =>
      eb.or([textMatch('skus.code', term), textMatch('products.title', term), hidden ? eb.and([note, eb.not(hidden)]) : note]),
    );
  }
  const total = await cappedCount(db, q);
  const page = q
    .selectAll('m')
    .select(['skus.code', 'skus.spec_text', 'products.title', 'warehouses.name as warehouse_name'])
    .select((eb) => (hidden ? eb.case().when(hidden).then(1).else(0).end() : eb.val(0)).as('ref_hidden'))
    .orderBy('m.at', 'desc')
    .orderBy('m.id', 'desc');
  const { rows, nextCursor } = await keysetPage(
    page,
    { columns: ['m.at', 'm.id'], desc: true, kinds: ['number', 'string'], of: (r) => [Number(r.at), r.id] },
    f,
  );
  return cursorPageOf(
    rows.map((r): StockMovement => {
      const hide = Number(r.ref_hidden) === 1;
      return {
        id: r.id,
        skuId: r.sku_id,
        skuCode: r.code ?? r.sku_id,
        specText: r.spec_text ?? '',
        productTitle: r.title ?? '',
        warehouseId: r.warehouse_id,
        warehouseName: r.warehouse_name ?? r.warehouse_id,
        type: r.type,
        dOnHand: Number(r.d_on_hand),
        dReserved: Number(r.d_reserved),
        dAvailable: Number(r.d_available),
        dDefective: Number(r.d_defective),
        refType: r.ref_type,
        refId: hide ? null : r.ref_id,
        note: hide ? (HIDDEN_REF_NOTE[r.ref_type ?? ''] ?? '') : r.note,
        actorName: r.actor_name,
        at: Number(r.at),
      };
    }),
    total,
    f,
    nextCursor,
  );
}

/** Ledger sums against stock rows, per SKU × warehouse. `all` includes the rows that balance. */
export async function ledgerCheck(
  db: Kysely<DB>,
  actor: Actor,
  opts: LedgerCheckFilter = {},
): Promise<{ checked: number; mismatches: number; items: LedgerCheckRow[] }> {
  const ledger = await ledgerTotals(db, actor.orgId);
  const stock = await db.selectFrom('stock').selectAll().where('org_id', '=', actor.orgId).execute();
  const zero = { onHand: 0, reserved: 0, available: 0, defective: 0 };
  const keyOf = (s: string, w: string) => `${s}|${w}`;
  const map = new Map<string, { skuId: string; warehouseId: string; stock: typeof zero; ledger: typeof zero }>();
  for (const r of stock) {
    map.set(keyOf(r.sku_id, r.warehouse_id), {
      skuId: r.sku_id,
      warehouseId: r.warehouse_id,
      stock: { onHand: Number(r.on_hand), reserved: Number(r.reserved), available: Number(r.available), defective: Number(r.defective) },
      ledger: { ...zero },
    });
  }
  for (const l of ledger) {
    const k = keyOf(l.skuId, l.warehouseId);
    const e = map.get(k) ?? { skuId: l.skuId, warehouseId: l.warehouseId, stock: { ...zero }, ledger: { ...zero } };
    e.ledger = { onHand: l.onHand, reserved: l.reserved, available: l.available, defective: l.defective };
    map.set(k, e);
  }
  const entries = [...map.values()];
  const skus = await skuInfo(
    db,
    actor.orgId,
    entries.map((e) => e.skuId),
  );
  const whs = await db.selectFrom('warehouses').select(['id', 'name']).where('org_id', '=', actor.orgId).execute();
  const skuCode = new Map([...skus.values()].map((s) => [s.id, s.code]));
  const whName = new Map(whs.map((w) => [w.id, w.name]));
  const rows: LedgerCheckRow[] = entries.map((e) => ({
    ...e,
    skuCode: skuCode.get(e.skuId) ?? e.skuId,
    warehouseName: whName.get(e.warehouseId) ?? e.warehouseId,
    ok: JSON.stringify(e.stock) === JSON.stringify(e.ledger),
  }));
  rows.sort((a, b) => Number(a.ok) - Number(b.ok) || a.skuCode.localeCompare(b.skuCode));
  const mismatches = rows.filter((r) => !r.ok).length;
  return { checked: rows.length, mismatches, items: opts.all ? rows : rows.filter((r) => !r.ok) };
}

/** SKU picker for stock and purchasing forms (code, title, spec, barcode). */
export async function skuOptions(db: Kysely<DB>, actor: Actor, q: string | undefined, limit = 20): Promise<InventorySkuOption[]> {
  let query = db
    .selectFrom('skus')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .select(['skus.id', 'skus.code', 'skus.spec_text', 'products.title', 'skus.cost_fen'])
    .where('skus.org_id', '=', actor.orgId)
    .where('skus.status', '=', 'active');
  const term = searchTerm(q);
  if (term) {
    query = query.where((eb) =>
      eb.or([anyTextMatch(['skus.code', 'products.title', 'skus.spec_text'], term), eb('skus.barcode', '=', term)]),
    );
  }
  const rows = await query.orderBy('skus.code').limit(limit).execute();
  const seesCost = actor.permissions.has('products.cost.read') || actor.permissions.has('purchasing.write');
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    specText: r.spec_text,
    productTitle: r.title,
    costFen: seesCost ? Number(r.cost_fen) : 0,
  }));
}

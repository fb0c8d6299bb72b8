/**
 * Demo data: writes what @yunying/sim generates into the database with multi-row inserts in
 * batched transactions, marks the shops `is_demo`, rebuilds the daily rollups, and removes it all
 * again in one audited transaction. The catalogue and stock the demo created are remembered in a
 * manifest (meta `demo:<orgId>`) so that deleting removes only what the demo brought.
 */
import { AppError, DEFAULT_TIMEZONE, businessDay, type Shop } from '@yunying/core';
import { IdMaker, Rng, generate, type Generated, type Profile, type SimDay } from '@yunying/sim';
import { sql, type Kysely, type Transaction } from 'kysely';
import { getOrgId } from '../../bootstrap.js';
import type { Database } from '../../db/dialect.js';
import { claimMeta, deleteMeta, getMeta } from '../../db/meta.js';
import type { DB } from '../../db/schema.js';
import { systemActor, type Actor } from '../../http/actor.js';
import { ensureReasons } from '../aftersales/index.js';
import { recomputeDays } from '../analytics/index.js';
import * as audit from '../audit/index.js';
import { shopRowToShop } from '../shops/index.js';
import { ensureSeeded } from '../traffic/index.js';

export const DEMO_DEFAULT_SEED = 20261122;

export interface DemoManifest {
  profile: Profile;
  seed: number;
  loadedAt: number;
  shopIds: string[];
  productIds: string[];
  skuIds: string[];
  categoryIds: string[];
  brandIds: string[];
  warehouseIds: string[];
  supplierIds: string[];
}

export interface DemoSummary {
  profile: Profile;
  seed: number;
  from: string;
  to: string;
  shops: number;
  products: number;
  skus: number;
  orders: number;
  orderLines: number;
  aftersales: number;
  events: number;
  trafficStats: number;
  purchaseOrders: number;
  movements: number;
  /** Milliseconds spent writing rows, and rebuilding rollups. */
  writeMs: number;
  rollupMs: number;
  elapsedMs: number;
}

export interface LoadOptions {
  profile: Profile;
  seed?: number;
  /** The simulated present (default: the real clock). */
  now?: number;
  timezone?: string;
  onProgress?: (done: number, total: number) => void;
}

const manifestKey = (orgId: string) => `demo:${orgId}`;
const ACTOR_NAME = '系统（演示数据）';

/** Largest multi-row insert: under SQLite's 32,766 bound parameters, and quick to compile. */
async function insertMany<T extends keyof DB & string>(db: Kysely<DB>, table: T, rows: readonly DB[T][]): Promise<void> {
  if (!rows.length) return;
  const cols = Object.keys(rows[0] as object).length;
  const size = Math.max(1, Math.min(1500, Math.floor(30_000 / cols)));
  for (let i = 0; i < rows.length; i += size) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + size) as any)
      .execute();
  }
}

function chunks<T>(arr: readonly T[], n = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < arr.length; i += n) out.push(arr.slice(i, i + n));
  return out;
}

export async function demoShops(db: Kysely<DB>, orgId: string): Promise<Shop[]> {
  const rows = await db
    .selectFrom('shops')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('is_demo', '=', 1)
    .orderBy('created_at')
    .execute();
  return rows.map(shopRowToShop);
}

/** Load a demo business (refuses when one is loaded: delete it first). */
export async function loadDemo(database: Database, opts: LoadOptions): Promise<DemoSummary> {
  const started = Date.now();
  const db = database.db;
  const orgId = await getOrgId(db);
  if (!orgId) throw new AppError('invalid_state', '数据库还没有初始化，请先运行 yunying migrate 或启动一次控制台');
  if ((await demoShops(db, orgId)).length) {
    throw new AppError('conflict', '演示数据已经加载过了；如需重新加载，请先删除演示数据（设置 → 店铺，或 yunying demo --delete）');
  }
  const seed = opts.seed ?? DEMO_DEFAULT_SEED;
  const timezone = opts.timezone ?? DEFAULT_TIMEZONE;
  const now = opts.now ?? Date.now();
  const g = generate({ profile: opts.profile, seed, timezone, now, endDay: businessDay(now, timezone) });
  await checkCollisions(db, orgId, g);
  await ensureReasons(db, orgId);
  await ensureSeeded(db, orgId);
  const reasons = new Map(
    (await db.selectFrom('aftersale_reasons').select(['id', 'name']).where('org_id', '=', orgId).execute()).map((r) => [r.name, r.id]),
  );
  const existingBrand = await db
    .selectFrom('brands')
    .select('id')
    .where('org_id', '=', orgId)
    .where('name', '=', g.brands[0]!.name)
    .executeTakeFirst();
  const brandId = existingBrand?.id ?? g.brands[0]!.id;

  const manifest: DemoManifest = {
    profile: opts.profile,
    seed,
    loadedAt: now,
    shopIds: g.shops.map((s) => s.id),
    productIds: g.products.map((p) => p.id),
    skuIds: g.products.flatMap((p) => p.skus.map((s) => s.id)),
    categoryIds: g.categories.map((c) => c.id),
    brandIds: existingBrand ? [] : [brandId],
    warehouseIds: g.warehouses.map((w) => w.id),
    supplierIds: g.suppliers.map((s) => s.id),
  };
  const writeStart = Date.now();
  await db.transaction().execute(async (trx) => {
    if (!(await claimMeta(trx, manifestKey(orgId), JSON.stringify(manifest)))) {
      throw new Error('demo manifest already present');
    }
    await writeStatic(trx, orgId, g, brandId, now);
  });

  // The days, a few at a time per transaction; stock rows are the sums of the ledger.
  const stock = new Map<string, { sku: string; wh: string; onHand: number; reserved: number; available: number; defective: number }>();
  const ids = new IdMaker(Rng.of(seed, 'loader-ids'));
  const counts = { orders: 0, orderLines: 0, aftersales: 0, events: 0, trafficStats: 0, purchaseOrders: 0, movements: 0 };
  let buffer: SimDay[] = [];
  let buffered = 0;
  const flush = async () => {
    if (!buffer.length) return;
    const days = buffer;
    buffer = [];
    buffered = 0;
    await db.transaction().execute((trx) => writeDays(trx, orgId, days, reasons, ids, stock, counts, now));
  };
  let done = 0;
  for (const day of g.days()) {
    buffer.push(day);
    buffered += day.events.length + day.orders.length * 6 + day.movements.length;
    if (buffered > 60_000) await flush();
    opts.onProgress?.(++done, g.dayList.length);
  }
  await flush();
  await db.transaction().execute(async (trx) => {
    await insertMany(
      trx,
      'stock',
      [...stock.values()].map((s) => ({
        sku_id: s.sku,
        warehouse_id: s.wh,
        org_id: orgId,
        on_hand: s.onHand,
        reserved: s.reserved,
        available: s.available,
        defective: s.defective,
        updated_at: now,
      })),
    );
    await audit.record(trx, systemActor(orgId, ACTOR_NAME), 'demo.load', {
      entityType: 'demo',
      entityId: String(seed),
      after: { profile: opts.profile, seed, shops: g.shops.map((s) => s.name), ...counts },
    });
  });
  const writeMs = Date.now() - writeStart;

  const rollupStart = Date.now();
  for (const shop of g.shops) await recomputeDays(db, shop.id, g.dayList);
  const rollupMs = Date.now() - rollupStart;
  // PostgreSQL plans by table statistics; right after a bulk load they still describe nearly
  // empty tables until autovacuum gets round to them, and the planner then picks nested loops
  // that made the dashboard's low-stock query 200 ms instead of 2. Refresh them now.
  if (database.dialect === 'postgres') await sql`analyze`.execute(db);

  return {
    profile: opts.profile,
    seed,
    from: g.startDay,
    to: g.endDay,
    shops: g.shops.length,
    products: g.products.length,
    skus: manifest.skuIds.length,
    ...counts,
    writeMs,
    rollupMs,
    elapsedMs: Date.now() - started,
  };
}

async function checkCollisions(db: Kysely<DB>, orgId: string, g: Generated): Promise<void> {
  const taken: string[] = [];
  const shops = await db
    .selectFrom('shops')
    .select('name')
    .where('org_id', '=', orgId)
    .where(
      'name',
      'in',
      g.shops.map((s) => s.name),
    )
    .execute();
  taken.push(...shops.map((s) => `店铺「${s.name}」`));
  for (const c of chunks(g.products.flatMap((p) => p.skus.map((s) => s.code)))) {
    const rows = await db.selectFrom('skus').select('code').where('org_id', '=', orgId).where('code', 'in', c).limit(3).execute();
    taken.push(...rows.map((r) => `商家编码 ${r.code}`));
  }
  for (const c of chunks(g.products.map((p) => p.code))) {
    const rows = await db.selectFrom('products').select('code').where('org_id', '=', orgId).where('code', 'in', c).limit(3).execute();
    taken.push(...rows.map((r) => `货号 ${r.code}`));
  }
  const whs = await db
    .selectFrom('warehouses')
    .select('code')
    .where('org_id', '=', orgId)
    .where(
      'code',
      'in',
      g.warehouses.map((w) => w.code),
    )
    .execute();
  taken.push(...whs.map((w) => `仓库编码 ${w.code}`));
  const sups = await db
    .selectFrom('suppliers')
    .select('name')
    .where('org_id', '=', orgId)
    .where(
      'name',
      'in',
      g.suppliers.map((s) => s.name),
    )
    .execute();
  taken.push(...sups.map((s) => `供应商「${s.name}」`));
  if (taken.length) {
    throw new AppError('conflict', `不能加载演示数据：${taken.slice(0, 5).join('、')} 已被占用，请改名后再试`, { taken });
  }
}

async function writeStatic(trx: Transaction<DB>, orgId: string, g: Generated, brandId: string, now: number): Promise<void> {
  await insertMany(
    trx,
    'shops',
    g.shops.map((s) => ({
      id: s.id,
      org_id: orgId,
      name: s.name,
      channel: s.channel,
      timezone: g.timezone,
      status: 'active',
      is_demo: 1,
      created_at: s.createdAt,
      updated_at: s.createdAt,
    })),
  );
  // Parents before children (the list is in that order).
  await insertMany(
    trx,
    'categories',
    g.categories.map((c) => ({
      id: c.id,
      org_id: orgId,
      parent_id: c.parentId,
      name: c.name,
      sort: c.sort,
      created_at: g.products[0]!.createdAt,
    })),
  );
  if (brandId === g.brands[0]!.id) {
    await insertMany(
      trx,
      'brands',
      g.brands.map((b) => ({ id: b.id, org_id: orgId, name: b.name, created_at: g.products[0]!.createdAt })),
    );
  }
  await insertMany(
    trx,
    'products',
    g.products.map((p) => ({
      id: p.id,
      org_id: orgId,
      code: p.code,
      title: p.title,
      selling_points: p.sellingPoints,
      description: p.description,
      category_id: p.categoryId,
      brand_id: brandId,
      tags: JSON.stringify([...p.tags, '演示数据']),
      spec_dims: JSON.stringify(p.specDims),
      status: 'on_sale',
      created_at: p.createdAt,
      updated_at: p.createdAt,
    })),
  );
  await insertMany(
    trx,
    'skus',
    g.products.flatMap((p) =>
      p.skus.map((s) => ({
        id: s.id,
        org_id: orgId,
        product_id: p.id,
        code: s.code,
        barcode: s.barcode,
        spec: JSON.stringify(s.spec),
        spec_text: s.specText,
        price_fen: s.priceFen,
        cost_fen: s.costFen,
        weight_g: s.weightG,
        status: 'active',
        low_stock: s.lowStock,
        over_stock: s.overStock,
        created_at: p.createdAt,
        updated_at: p.createdAt,
      })),
    ),
  );
  await insertMany(
    trx,
    'listings',
    g.listings.map((l) => ({
      id: l.id,
      org_id: orgId,
      shop_id: l.shopId,
      product_id: l.productId,
      sku_id: null,
      channel_item_id: l.channelItemId,
      channel_sku_id: '',
      title: l.title,
      created_at: g.shops.find((s) => s.id === l.shopId)!.createdAt,
    })),
  );
  const hasDefault = await trx
    .selectFrom('warehouses')
    .select('id')
    .where('org_id', '=', orgId)
    .where('is_default', '=', 1)
    .executeTakeFirst();
  await insertMany(
    trx,
    'warehouses',
    g.warehouses.map((w) => ({
      id: w.id,
      org_id: orgId,
      code: w.code,
      name: w.name,
      address: w.address,
      is_default: w.isDefault && !hasDefault ? 1 : 0,
      status: 'active',
      created_at: g.products[0]!.createdAt,
    })),
  );
  await insertMany(
    trx,
    'suppliers',
    g.suppliers.map((s) => ({
      id: s.id,
      org_id: orgId,
      ...pick(s, ['name', 'contact', 'phone', 'address']),
      note: '演示数据',
      created_at: now,
    })),
  );
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}

const ORDER_EVENT_ACTOR: Record<string, string> = {
  pending_payment: '买家',
  paid: '买家',
  shipped: '仓库 · 小周',
  delivered: '物流',
  completed: '买家',
  cancelled: '系统',
  refunded: '客服 · 阿紫',
};

async function writeDays(
  trx: Transaction<DB>,
  orgId: string,
  days: SimDay[],
  reasons: Map<string, string>,
  ids: IdMaker,
  stock: Map<string, { sku: string; wh: string; onHand: number; reserved: number; available: number; defective: number }>,
  counts: Record<'orders' | 'orderLines' | 'aftersales' | 'events' | 'trafficStats' | 'purchaseOrders' | 'movements', number>,
  now: number,
): Promise<void> {
  const pos = days.flatMap((d) => d.purchaseOrders);
  await insertMany(
    trx,
    'purchase_orders',
    pos.map((p) => ({
      id: p.id,
      org_id: orgId,
      code: p.code,
      supplier_id: p.supplierId,
      warehouse_id: p.warehouseId,
      status: p.status,
      expected_at: p.expectedAt,
      note: p.note,
      created_by: null,
      created_at: p.createdAt,
      updated_at: p.receivedAt ?? p.createdAt,
    })),
  );
  await insertMany(
    trx,
    'purchase_order_lines',
    pos.flatMap((p) =>
      p.lines.map((l) => ({
        id: l.id,
        po_id: p.id,
        sku_id: l.skuId,
        qty: l.qty,
        received_qty: l.receivedQty,
        unit_cost_fen: l.unitCostFen,
      })),
    ),
  );
  const orders = days.flatMap((d) => d.orders);
  await insertMany(
    trx,
    'orders',
    orders.map((o) => ({
      id: o.id,
      org_id: orgId,
      shop_id: o.shopId,
      channel: o.channel,
      order_no: o.orderNo,
      source: 'api',
      status: o.status,
      stock_mode: o.stockMode,
      warehouse_id: o.warehouseId,
      buyer_nick: o.buyerNick,
      receiver_name: o.receiverName,
      receiver_phone: o.receiverPhone,
      receiver_address: o.receiverAddress,
      buyer_note: o.buyerNote,
      seller_memo: o.sellerMemo,
      goods_fen: o.goodsFen,
      discount_fen: o.discountFen,
      shipping_fen: o.shippingFen,
      paid_fen: o.paidFen,
      refund_fen: o.refundFen,
      item_count: o.itemCount,
      is_presale: o.isPresale ? 1 : 0,
      urgent: o.urgent ? 1 : 0,
      logistics_exception: o.logisticsException ? 1 : 0,
      carrier: o.carrier,
      tracking_no: o.trackingNo,
      ordered_at: o.orderedAt,
      paid_at: o.paidAt,
      shipped_at: o.shippedAt,
      delivered_at: o.deliveredAt,
      completed_at: o.completedAt,
      cancelled_at: o.cancelledAt,
      order_day: o.orderDay,
      paid_day: o.paidDay,
      visitor_id: o.visitorId,
      source_code: o.sourceCode,
      created_at: o.orderedAt,
      updated_at: o.updatedAt,
    })),
  );
  await insertMany(
    trx,
    'order_lines',
    orders.flatMap((o) =>
      o.lines.map((l) => ({
        id: l.id,
        order_id: o.id,
        line_no: l.lineNo,
        sku_id: l.skuId,
        title: l.title,
        spec_text: l.specText,
        merchant_code: l.merchantCode,
        channel_item_id: l.channelItemId,
        qty: l.qty,
        unit_price_fen: l.unitPriceFen,
        discount_fen: l.discountFen,
        paid_fen: l.paidFen,
        refund_fen: l.refundFen,
        refunded_qty: l.refundedQty,
        unit_cost_fen: l.unitCostFen,
      })),
    ),
  );
  await insertMany(
    trx,
    'order_events',
    orders.flatMap((o) =>
      o.events.map((e) => ({
        id: e.id,
        order_id: o.id,
        type: e.type,
        from_status: e.fromStatus,
        to_status: e.toStatus,
        note: e.note,
        actor_name:
          e.type === 'refund' ? '客服 · 阿紫' : e.type === 'ship' ? '仓库 · 小周' : (ORDER_EVENT_ACTOR[e.toStatus ?? ''] ?? '买家'),
        at: e.at,
      })),
    ),
  );
  const cases = days.flatMap((d) => d.aftersales);
  await insertMany(
    trx,
    'aftersales',
    cases.map((c) => ({
      id: c.id,
      org_id: orgId,
      shop_id: c.shopId,
      order_id: c.orderId,
      code: c.code,
      type: c.type,
      status: c.status,
      reason_id: reasons.get(c.reason) ?? null,
      responsibility: c.responsibility,
      refund_fen: c.refundFen,
      note: c.note,
      sla_due_at: c.slaDueAt,
      resolved_at: c.resolvedAt,
      created_by: null,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
    })),
  );
  await insertMany(
    trx,
    'aftersale_lines',
    cases.flatMap((c) =>
      c.lines.map((l) => ({
        aftersale_id: c.id,
        order_line_id: l.orderLineId,
        qty: l.qty,
        good_qty: l.goodQty,
        defective_qty: l.defectiveQty,
      })),
    ),
  );
  await insertMany(
    trx,
    'aftersale_events',
    cases.flatMap((c) =>
      c.events.map((e) => ({
        id: e.id,
        aftersale_id: c.id,
        from_status: e.fromStatus,
        to_status: e.toStatus,
        note: e.note,
        actor_name: e.toStatus === 'pending' ? '买家' : e.toStatus === 'received' ? '仓库 · 小周' : '客服 · 阿紫',
        at: e.at,
      })),
    ),
  );
  const movements = days.flatMap((d) => d.movements);
  await insertMany(
    trx,
    'stock_movements',
    movements.map((m) => {
      const key = `${m.skuId}|${m.warehouseId}`;
      let s = stock.get(key);
      if (!s) stock.set(key, (s = { sku: m.skuId, wh: m.warehouseId, onHand: 0, reserved: 0, available: 0, defective: 0 }));
      s.onHand += m.dOnHand;
      s.reserved += m.dReserved;
      s.available += m.dAvailable;
      s.defective += m.dDefective;
      return {
        id: ids.make('smv', m.at),
        org_id: orgId,
        sku_id: m.skuId,
        warehouse_id: m.warehouseId,
        type: m.type,
        d_on_hand: m.dOnHand,
        d_reserved: m.dReserved,
        d_available: m.dAvailable,
        d_defective: m.dDefective,
        ref_type: m.refType,
        ref_id: m.refId,
        note: m.note,
        actor_id: null,
        actor_name: ACTOR_NAME,
        at: m.at,
      };
    }),
  );
  for (const d of days) {
    await insertMany(
      trx,
      'events',
      d.events.map((e) => ({
        id: e.id,
        shop_id: e.shopId,
        day: e.day,
        at: e.at,
        visitor_id: e.visitorId,
        session_id: e.sessionId,
        type: e.type,
        product_id: e.productId,
        source_code: e.sourceCode,
        url: e.url,
        referrer: e.referrer,
        dwell_ms: e.dwellMs,
      })),
    );
    await insertMany(
      trx,
      'traffic_stats',
      d.trafficStats.map((s) => ({
        shop_id: s.shopId,
        day: s.day,
        product_id: s.productId,
        source_code: s.sourceCode,
        uv: s.uv,
        pv: s.pv,
        cart_uv: s.cartUv,
        fav_uv: s.favUv,
        paying_buyers: s.payingBuyers,
        paid_fen: s.paidFen,
        imported_at: now,
      })),
    );
    counts.events += d.events.length;
    counts.trafficStats += d.trafficStats.length;
  }
  counts.orders += orders.length;
  counts.orderLines += orders.reduce((a, o) => a + o.lines.length, 0);
  counts.aftersales += cases.length;
  counts.purchaseOrders += pos.length;
  counts.movements += movements.length;
}

// ---------------------------------------------------------------- delete

export interface DeleteSummary {
  shops: number;
  orders: number;
  events: number;
  products: number;
  skus: number;
  keptProducts: number;
}

async function readManifest(db: Kysely<DB>, orgId: string): Promise<DemoManifest | null> {
  const manifestText = await getMeta(db, manifestKey(orgId));
  if (manifestText === undefined) return null;
  try {
    return JSON.parse(manifestText) as DemoManifest;
  } catch {
    return null;
  }
}

/**
 * Remove every demo shop and all its rows, plus the catalogue, stock, ledger, suppliers and
 * warehouses the demo created — except what real data has come to use since (a demo SKU sold in
 * a real shop stays, with its stock and ledger, so the ledger still adds up). One transaction.
 */
export async function deleteDemo(trx: Transaction<DB>, actor: Actor): Promise<DeleteSummary> {
  const orgId = actor.orgId;
  const shopIds = (await trx.selectFrom('shops').select('id').where('org_id', '=', orgId).where('is_demo', '=', 1).execute()).map(
    (s) => s.id,
  );
  const manifest = await readManifest(trx, orgId);
  const summary: DeleteSummary = { shops: shopIds.length, orders: 0, events: 0, products: 0, skus: 0, keptProducts: 0 };
  if (shopIds.length) {
    const demoCases = trx.selectFrom('aftersales').select('id').where('shop_id', 'in', shopIds);
    await trx.deleteFrom('aftersale_events').where('aftersale_id', 'in', demoCases).execute();
    await trx.deleteFrom('aftersale_lines').where('aftersale_id', 'in', demoCases).execute();
    await trx.deleteFrom('aftersales').where('shop_id', 'in', shopIds).execute();
    const demoOrders = trx.selectFrom('orders').select('id').where('shop_id', 'in', shopIds);
    await trx.deleteFrom('order_events').where('order_id', 'in', demoOrders).execute();
    await trx.deleteFrom('order_lines').where('order_id', 'in', demoOrders).execute();
    summary.orders = Number((await trx.deleteFrom('orders').where('shop_id', 'in', shopIds).executeTakeFirst()).numDeletedRows);
    summary.events = Number((await trx.deleteFrom('events').where('shop_id', 'in', shopIds).executeTakeFirst()).numDeletedRows);
    for (const t of ['traffic_stats', 'rollup_daily', 'rollup_dirty', 'collect_keys', 'listings', 'user_shops', 'jobs'] as const) {
      await trx.deleteFrom(t).where('shop_id', 'in', shopIds).execute();
    }
    const notes = trx.selectFrom('notifications').select('id').where('shop_id', 'in', shopIds);
    await trx.deleteFrom('notification_reads').where('notification_id', 'in', notes).execute();
    await trx.deleteFrom('notifications').where('shop_id', 'in', shopIds).execute();
    await trx.deleteFrom('shops').where('id', 'in', shopIds).execute();
  }
  if (manifest) await deleteCatalogue(trx, orgId, manifest, summary);
  await deleteMeta(trx, manifestKey(orgId));
  if (shopIds.length || manifest) {
    await audit.record(trx, actor, 'demo.delete', {
      entityType: 'demo',
      entityId: manifest ? String(manifest.seed) : null,
      before: summary,
    });
  }
  return summary;
}

async function deleteCatalogue(trx: Transaction<DB>, orgId: string, m: DemoManifest, summary: DeleteSummary): Promise<void> {
  // SKUs / products real data now uses are kept (with their stock and ledger).
  const keptProducts = new Set<string>();
  for (const c of chunks(m.skuIds)) {
    const used = [
      ...(await trx.selectFrom('order_lines').select('sku_id').distinct().where('sku_id', 'in', c).execute()),
      ...(await trx.selectFrom('stocktake_lines').select('sku_id').distinct().where('sku_id', 'in', c).execute()),
      ...(await trx.selectFrom('transfer_lines').select('sku_id').distinct().where('sku_id', 'in', c).execute()),
      ...(await trx
        .selectFrom('purchase_order_lines')
        .innerJoin('purchase_orders', 'purchase_orders.id', 'purchase_order_lines.po_id')
        .select('purchase_order_lines.sku_id')
        .distinct()
        .where('purchase_order_lines.sku_id', 'in', c)
        .where((eb) =>
          eb.or([
            eb('purchase_orders.supplier_id', 'not in', m.supplierIds.length ? m.supplierIds : ['-']),
            eb('purchase_orders.warehouse_id', 'not in', m.warehouseIds.length ? m.warehouseIds : ['-']),
          ]),
        )
        .execute()),
    ];
    const skuIds = [...new Set(used.map((u) => u.sku_id).filter((x): x is string => !!x))];
    if (skuIds.length) {
      for (const p of await trx.selectFrom('skus').select('product_id').distinct().where('id', 'in', skuIds).execute())
        keptProducts.add(p.product_id);
    }
  }
  for (const c of chunks(m.productIds)) {
    for (const l of await trx.selectFrom('listings').select('product_id').distinct().where('product_id', 'in', c).execute())
      keptProducts.add(l.product_id);
  }
  const products = m.productIds.filter((id) => !keptProducts.has(id));
  summary.keptProducts = keptProducts.size;
  const skus: string[] = [];
  for (const c of chunks(products)) {
    for (const s of await trx.selectFrom('skus').select('id').where('product_id', 'in', c).execute()) skus.push(s.id);
  }
  for (const c of chunks(skus)) {
    await trx.deleteFrom('stock_movements').where('sku_id', 'in', c).execute();
    await trx.deleteFrom('stock').where('sku_id', 'in', c).execute();
    await trx.deleteFrom('purchase_order_lines').where('sku_id', 'in', c).execute();
    const notes = trx.selectFrom('notifications').select('id').where('entity_type', '=', 'sku').where('entity_id', 'in', c);
    await trx.deleteFrom('notification_reads').where('notification_id', 'in', notes).execute();
    await trx.deleteFrom('notifications').where('entity_type', '=', 'sku').where('entity_id', 'in', c).execute();
    await trx.deleteFrom('skus').where('id', 'in', c).execute();
  }
  for (const c of chunks(products)) {
    await trx.deleteFrom('product_images').where('product_id', 'in', c).execute();
    await trx.deleteFrom('banned_word_exemptions').where('product_id', 'in', c).execute();
    await trx.deleteFrom('products').where('id', 'in', c).execute();
  }
  summary.products = products.length;
  summary.skus = skus.length;
  // Purchase orders of the demo's suppliers into the demo's warehouses, once they have no lines.
  if (m.supplierIds.length && m.warehouseIds.length) {
    const emptyPos = trx
      .selectFrom('purchase_orders')
      .select('id')
      .where('org_id', '=', orgId)
      .where('supplier_id', 'in', m.supplierIds)
      .where('warehouse_id', 'in', m.warehouseIds)
      .where((eb) =>
        eb.not(
          eb.exists(eb.selectFrom('purchase_order_lines').select('id').whereRef('purchase_order_lines.po_id', '=', 'purchase_orders.id')),
        ),
      );
    const ids = (await emptyPos.execute()).map((p) => p.id);
    for (const c of chunks(ids)) await trx.deleteFrom('purchase_orders').where('id', 'in', c).execute();
  }
  // Suppliers, warehouses, categories and brands of the demo that nothing uses any more.
  for (const id of m.supplierIds) {
    const used = await trx.selectFrom('purchase_orders').select('id').where('supplier_id', '=', id).limit(1).executeTakeFirst();
    if (!used) await trx.deleteFrom('suppliers').where('id', '=', id).execute();
  }
  for (const id of m.warehouseIds) {
    const used =
      (await trx.selectFrom('stock').select('sku_id').where('warehouse_id', '=', id).limit(1).executeTakeFirst()) ??
      (await trx.selectFrom('stock_movements').select('id').where('warehouse_id', '=', id).limit(1).executeTakeFirst()) ??
      (await trx.selectFrom('purchase_orders').select('id').where('warehouse_id', '=', id).limit(1).executeTakeFirst()) ??
      (await trx.selectFrom('stocktakes').select('id').where('warehouse_id', '=', id).limit(1).executeTakeFirst()) ??
      (await trx
        .selectFrom('transfers')
        .select('id')
        .where((eb) => eb.or([eb('from_warehouse_id', '=', id), eb('to_warehouse_id', '=', id)]))
        .limit(1)
        .executeTakeFirst()) ??
      (await trx.selectFrom('orders').select('id').where('warehouse_id', '=', id).limit(1).executeTakeFirst());
    if (!used) await trx.deleteFrom('warehouses').where('id', '=', id).execute();
  }
  // Children first: leaf categories are later in the manifest.
  for (const id of [...m.categoryIds].reverse()) {
    const used =
      (await trx.selectFrom('products').select('id').where('category_id', '=', id).limit(1).executeTakeFirst()) ??
      (await trx.selectFrom('categories').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst());
    if (!used) await trx.deleteFrom('categories').where('id', '=', id).execute();
  }
  for (const id of m.brandIds) {
    const used = await trx.selectFrom('products').select('id').where('brand_id', '=', id).limit(1).executeTakeFirst();
    if (!used) await trx.deleteFrom('brands').where('id', '=', id).execute();
  }
}

// ---------------------------------------------------------------- first start

/**
 * On a brand-new installation (no shops, no orders) load the small demo so the console has
 * something to show, unless YUNYING_DEMO=0. Returns the summary, or null when nothing was loaded.
 */
export async function firstStartDemo(
  database: Database,
  opts: { env?: NodeJS.ProcessEnv; log?: (line: string) => void; now?: number } = {},
): Promise<DemoSummary | null> {
  const env = opts.env ?? process.env;
  if (env.YUNYING_DEMO === '0') return null;
  const db = database.db;
  const anyShop = await db.selectFrom('shops').select('id').limit(1).executeTakeFirst();
  const anyOrder = await db.selectFrom('orders').select('id').limit(1).executeTakeFirst();
  if (anyShop || anyOrder) return null;
  const log = opts.log ?? ((line: string) => process.stdout.write(line + '\n'));
  log('首次启动：正在加载演示数据… / First start: loading demo data…');
  const s = await loadDemo(database, { profile: 'small', ...(opts.now !== undefined ? { now: opts.now } : {}) });
  log(
    `已加载演示数据（${s.shops} 家店铺名称带「演示」，${s.skus} 个 SKU，${s.orders} 笔订单，${(s.elapsedMs / 1000).toFixed(1)} 秒）。` +
      `删除：设置 → 店铺 → 删除演示数据，或运行 yunying demo --delete；设置 YUNYING_DEMO=0 可跳过。\n` +
      `Loaded a clearly labelled demo (shops marked 演示/demo). Remove it in Settings → Shops or with \`yunying demo --delete\`.`,
  );
  return s;
}

/**
 * Queries of the orders module that deserve a name. The catalogue is read straight from the
 * `skus`/`products` tables (prices, codes, titles) so orders do not depend on catalogue code.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB, OrdersTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { anyTextMatch, canSeeShop, searchTerm } from '../../db/kit.js';

export interface SkuInfo {
  id: string;
  code: string;
  specText: string;
  priceFen: number;
  costFen: number;
  status: string;
  title: string;
}

export async function skuInfo(db: Kysely<DB>, orgId: string, skuIds: string[]): Promise<Map<string, SkuInfo>> {
  if (skuIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('skus')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .select([
      'skus.id',
      'skus.code',
      'skus.spec_text',
      'skus.price_fen',
      'skus.cost_fen',
      'skus.status',
      'products.title',
      'products.status as product_status',
    ])
    .where('skus.org_id', '=', orgId)
    .where('skus.id', 'in', [...new Set(skuIds)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        code: r.code,
        specText: r.spec_text,
        priceFen: Number(r.price_fen),
        costFen: Number(r.cost_fen),
        status: r.status,
        title: r.title,
      },
    ]),
  );
}

/** SKUs matching a code, barcode or title fragment, with available stock summed over warehouses. */
export async function searchSkus(db: Kysely<DB>, orgId: string, q: string, limit: number) {
  let query = db
    .selectFrom('skus')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .leftJoin('stock', 'stock.sku_id', 'skus.id')
    .select((eb) => [
      'skus.id',
      'skus.code',
      'skus.spec_text',
      'skus.price_fen',
      'products.title',
      eb.fn.coalesce(eb.fn.sum<number>('stock.available'), eb.val(0)).as('available'),
    ])
    .where('skus.org_id', '=', orgId)
    .where('skus.status', '=', 'active')
    .groupBy(['skus.id', 'skus.code', 'skus.spec_text', 'skus.price_fen', 'products.title'])
    .orderBy('skus.code')
    .limit(limit);
  const term = searchTerm(q);
  if (term) query = query.where(anyTextMatch(['skus.code', 'skus.barcode', 'products.title', 'skus.spec_text'], term));
  const rows = await query.execute();
  return rows.map((r) => ({
    skuId: r.id,
    code: r.code,
    title: r.title,
    specText: r.spec_text,
    priceFen: Number(r.price_fen),
    available: Number(r.available),
  }));
}

/** The order row if it exists in the actor's organisation and a shop the actor may see. */
export async function findVisible(db: Kysely<DB>, actor: Actor, id: string): Promise<OrdersTable | undefined> {
  const row = await db.selectFrom('orders').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!row) return undefined;
  if (!canSeeShop(actor, row.shop_id)) return undefined;
  return row;
}

/**
 * Take the order's row lock for the rest of the transaction (PostgreSQL) — a no-op UPDATE works on
 * both dialects, where `SELECT … FOR UPDATE` does not exist in SQLite — then read it.
 */
export async function lockVisible(db: Kysely<DB>, actor: Actor, id: string): Promise<OrdersTable | undefined> {
  await db.updateTable('orders').set({ updated_at: Date.now() }).where('id', '=', id).where('org_id', '=', actor.orgId).execute();
  return findVisible(db, actor, id);
}

/** Increment and return the manual-order sequence of an organisation's business day (row created at 1). */
export async function nextOrderSeq(trx: Transaction<DB>, orgId: string, day: string): Promise<number> {
  const r = await trx
    .insertInto('order_no_counters')
    .values({ org_id: orgId, day, seq: 1 })
    .onConflict((oc) => oc.columns(['org_id', 'day']).doUpdateSet((eb) => ({ seq: eb('order_no_counters.seq', '+', 1) })))
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(r.seq);
}

/** Whether any shop of the organisation already has this order number. */
export async function orderNoTaken(db: Kysely<DB>, orgId: string, orderNo: string): Promise<boolean> {
  const r = await db.selectFrom('orders').select('id').where('org_id', '=', orgId).where('order_no', '=', orderNo).executeTakeFirst();
  return r !== undefined;
}

export async function shopNames(db: Kysely<DB>, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('shops')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function firstTitles(db: Kysely<DB>, orderIds: string[]): Promise<Map<string, string>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('order_lines')
    .select(['order_id', 'title', 'line_no'])
    .where('order_id', 'in', orderIds)
    .orderBy('line_no')
    .execute();
  const out = new Map<string, string>();
  for (const r of rows) if (!out.has(r.order_id)) out.set(r.order_id, r.title);
  return out;
}

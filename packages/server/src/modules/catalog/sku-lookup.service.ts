/**
 * SKU look-ups for other modules (orders, inventory, purchasing, import) and the SKU picker: one
 * summary shape with the product title, costs included (the caller decides who sees them).
 */
import { anyTextMatch, inChunks } from '../../db/kit.js';
import type { Db } from './product-rules.js';

export interface SkuSummary {
  id: string;
  productId: string;
  code: string;
  barcode: string | null;
  specText: string;
  productTitle: string;
  priceFen: number;
  costFen: number;
  weightG: number;
  status: 'active' | 'disabled';
  /** Stock thresholds across warehouses (null = none). */
  lowStock: number | null;
  overStock: number | null;
}

function skuSummaryQuery(db: Db, orgId: string) {
  return db
    .selectFrom('skus')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .select([
      'skus.id',
      'skus.product_id',
      'skus.code',
      'skus.barcode',
      'skus.spec_text',
      'products.title',
      'skus.price_fen',
      'skus.cost_fen',
      'skus.weight_g',
      'skus.status',
      'skus.low_stock',
      'skus.over_stock',
    ])
    .where('skus.org_id', '=', orgId);
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof skuSummaryQuery>['execute']>>[number];
function toSummary(r: SummaryRow): SkuSummary {
  return {
    id: r.id,
    productId: r.product_id,
    code: r.code,
    barcode: r.barcode,
    specText: r.spec_text,
    productTitle: r.title,
    priceFen: Number(r.price_fen),
    costFen: Number(r.cost_fen),
    weightG: r.weight_g,
    status: r.status as SkuSummary['status'],
    lowStock: r.low_stock,
    overStock: r.over_stock,
  };
}

/** Code, spec text, product title, price and cost of the SKUs (internal: costs included). */
export async function skuSummaries(db: Db, orgId: string, skuIds: readonly string[]): Promise<Map<string, SkuSummary>> {
  const rows = await inChunks(skuIds, (ids) => skuSummaryQuery(db, orgId).where('skus.id', 'in', ids).execute());
  return new Map(rows.map((r) => [r.id, toSummary(r)]));
}

export async function getSkusByIds(db: Db, orgId: string, ids: readonly string[]): Promise<SkuSummary[]> {
  const m = await skuSummaries(db, orgId, ids);
  return ids.map((id) => m.get(id)).filter((s): s is SkuSummary => !!s);
}

export async function findSkuByCode(db: Db, orgId: string, code: string): Promise<SkuSummary | null> {
  const r = await skuSummaryQuery(db, orgId).where('skus.code', '=', code.trim()).executeTakeFirst();
  return r ? toSummary(r) : null;
}

/**
 * The SKU a platform listing points at: the exact (item, sku) listing first, then the item-level
 * listing; a listing without a SKU resolves when its product has exactly one active SKU.
 */
export async function findSkuByListing(
  db: Db,
  orgId: string,
  shopId: string,
  channelItemId: string,
  channelSkuId?: string | null,
): Promise<SkuSummary | null> {
  const find = (skuKey: string) =>
    db
      .selectFrom('listings')
      .select(['product_id', 'sku_id'])
      .where('org_id', '=', orgId)
      .where('shop_id', '=', shopId)
      .where('channel_item_id', '=', channelItemId)
      .where('channel_sku_id', '=', skuKey)
      .executeTakeFirst();
  let l = await find(channelSkuId ?? '');
  if (!l && channelSkuId) l = await find('');
  if (!l) return null;
  if (l.sku_id) return (await skuSummaries(db, orgId, [l.sku_id])).get(l.sku_id) ?? null;
  const rows = await skuSummaryQuery(db, orgId)
    .where('skus.product_id', '=', l.product_id)
    .where('skus.status', '=', 'active')
    .limit(2)
    .execute();
  return rows.length === 1 ? toSummary(rows[0]!) : null;
}

/** For SKU pickers: by SKU code, barcode or product title; active SKUs first. */
export async function searchSkus(db: Db, orgId: string, q: string, limit = 20): Promise<SkuSummary[]> {
  const text = q.trim();
  let query = skuSummaryQuery(db, orgId);
  if (text) {
    query = query.where((eb) =>
      eb.or([anyTextMatch(['skus.code', 'products.title', 'products.code'], text), eb('skus.barcode', '=', text)]),
    );
  }
  const rows = await query
    .orderBy('skus.status')
    .orderBy('skus.code')
    .limit(Math.min(Math.max(limit, 1), 100))
    .execute();
  return rows.map(toSummary);
}

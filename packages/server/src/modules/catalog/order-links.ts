/**
 * What order import needs of the catalogue, in bulk: SKUs by merchant code and by platform
 * listing (one query per chunk of a batch, never one per row), and remembering a platform item as
 * a listing of a SKU when an unmatched order line is mapped by hand.
 */
import { newId } from '@yunying/core';
import type { Kysely } from 'kysely';
import { inChunks } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

/** The SKU an order line points at and its cost (for the line's unit cost). */
export interface SkuCost {
  skuId: string;
  costFen: number;
}

/** SKUs of the organisation by code: code → SKU. Unknown codes are absent. */
export async function skuCostsByCode(db: Kysely<DB>, orgId: string, codes: readonly string[]): Promise<Map<string, SkuCost>> {
  const rows = await inChunks(codes, (c) =>
    db.selectFrom('skus').select(['id', 'code', 'cost_fen']).where('org_id', '=', orgId).where('code', 'in', c).execute(),
  );
  return new Map(rows.map((r) => [r.code, { skuId: r.id, costFen: Number(r.cost_fen) }]));
}

/**
 * A shop's listings with a SKU, by platform item id: `${channelItemId}|${channelSkuId}` → SKU
 * (`channelSkuId` is '' for an item-level listing).
 */
export async function skuCostsByListing(db: Kysely<DB>, shopId: string, channelItemIds: readonly string[]): Promise<Map<string, SkuCost>> {
  const rows = await inChunks(channelItemIds, (c) =>
    db
      .selectFrom('listings')
      .innerJoin('skus', 'skus.id', 'listings.sku_id')
      .select(['listings.channel_item_id', 'listings.channel_sku_id', 'skus.id', 'skus.cost_fen'])
      .where('listings.shop_id', '=', shopId)
      .where('listings.channel_item_id', 'in', c)
      .execute(),
  );
  return new Map(rows.map((r) => [`${r.channel_item_id}|${r.channel_sku_id}`, { skuId: r.id, costFen: Number(r.cost_fen) }]));
}

export interface LinkListingInput {
  orgId: string;
  shopId: string;
  productId: string;
  skuId: string;
  channelItemId: string;
}

/**
 * Remember a platform item (item level, no platform SKU) as a listing of this SKU, in the caller's
 * transaction. An existing listing of the item is kept as it is. Returns whether one was created.
 */
export async function linkListing(trx: Kysely<DB>, input: LinkListingInput): Promise<boolean> {
  const r = await trx
    .insertInto('listings')
    .values({
      id: newId('listing'),
      org_id: input.orgId,
      shop_id: input.shopId,
      product_id: input.productId,
      sku_id: input.skuId,
      channel_item_id: input.channelItemId,
      channel_sku_id: '',
      title: null,
      created_at: Date.now(),
    })
    .onConflict((oc) => oc.columns(['shop_id', 'channel_item_id', 'channel_sku_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** The first image of each SKU's product, as a thumbnail URL for lists of other modules (orders). */
import { inChunks } from '../../db/kit.js';
import { imageUrl, type Db } from './product-rules.js';

/** SKU id → URL of its product's first image (by sort); SKUs whose product has no image are absent. */
export async function skuThumbnails(db: Db, orgId: string, skuIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(skuIds)];
  if (ids.length === 0) return new Map();
  const rows = await inChunks(ids, (chunk) =>
    db
      .selectFrom('skus')
      .innerJoin('product_images', 'product_images.product_id', 'skus.product_id')
      .select(['skus.id as sku_id', 'skus.product_id', 'product_images.id as image_id', 'product_images.sort'])
      .where('skus.org_id', '=', orgId)
      .where('skus.id', 'in', chunk)
      .orderBy('product_images.sort')
      .orderBy('product_images.id')
      .execute(),
  );
  const out = new Map<string, string>();
  for (const r of rows) if (!out.has(r.sku_id)) out.set(r.sku_id, imageUrl(r.product_id, r.image_id));
  return out;
}

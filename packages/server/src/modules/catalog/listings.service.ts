/** Which platform items (per shop) a product is sold as: replaced as a whole, audited. */
import { AppError, newId, type ListingDto, type ListingsInput } from '@yunying/core';
import type { Transaction } from 'kysely';
import { canSeeShop, scopeToShops } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as shopsModule from '../shops/index.js';
import { getProduct } from './catalog.service.js';
import { loadProductRow } from './product-rules.js';

export async function setListings(
  trx: Transaction<DB>,
  actor: Actor,
  productId: string,
  items: ListingsInput['items'],
): Promise<ListingDto[]> {
  const product = await loadProductRow(trx, actor.orgId, productId);
  const shops = await shopsModule.listVisible(trx, actor);
  const skus = await trx.selectFrom('skus').select(['id']).where('product_id', '=', productId).execute();
  const seen = new Set<string>();
  items.forEach((it, i) => {
    const shop = shops.find((s) => s.id === it.shopId);
    if (!shop || !canSeeShop(actor, it.shopId))
      throw new AppError('validation_failed', `第 ${i + 1} 行的店铺不存在或无权访问`, { shopId: it.shopId }, [
        { path: `items.${i}.shopId`, message: '店铺不可用' },
      ]);
    if (it.skuId && !skus.some((s) => s.id === it.skuId))
      throw new AppError('validation_failed', `第 ${i + 1} 行的 SKU 不属于此商品`, { skuId: it.skuId }, [
        { path: `items.${i}.skuId`, message: 'SKU 不属于此商品' },
      ]);
    const key = `${it.shopId}\u0000${it.channelItemId}\u0000${it.channelSkuId}`;
    if (seen.has(key))
      throw new AppError(
        'conflict',
        `店铺「${shop.name}」的平台商品 ${it.channelItemId}${it.channelSkuId ? ` / SKU ${it.channelSkuId}` : ''} 重复填写了`,
        {},
        [{ path: `items.${i}.channelItemId`, message: '重复' }],
      );
    seen.add(key);
  });
  for (const [i, it] of items.entries()) {
    const other = await trx
      .selectFrom('listings')
      .innerJoin('products', 'products.id', 'listings.product_id')
      .select(['products.title'])
      .where('listings.shop_id', '=', it.shopId)
      .where('listings.channel_item_id', '=', it.channelItemId)
      .where('listings.channel_sku_id', '=', it.channelSkuId)
      .where('listings.product_id', '!=', productId)
      .executeTakeFirst();
    if (other)
      throw new AppError(
        'conflict',
        `平台商品 ${it.channelItemId}${it.channelSkuId ? ` / SKU ${it.channelSkuId}` : ''} 在该店铺已关联到商品「${other.title}」，请先解除那边的关联`,
        {},
        [{ path: `items.${i}.channelItemId`, message: '已关联其他商品' }],
      );
  }
  let del = trx.deleteFrom('listings').where('product_id', '=', productId);
  del = scopeToShops(del, actor, 'shop_id');
  await del.execute();
  const now = Date.now();
  if (items.length)
    await trx
      .insertInto('listings')
      .values(
        items.map((it) => ({
          id: newId('listing'),
          org_id: actor.orgId,
          shop_id: it.shopId,
          product_id: productId,
          sku_id: it.skuId || null,
          channel_item_id: it.channelItemId,
          channel_sku_id: it.channelSkuId,
          title: it.title?.trim() || null,
          created_at: now,
        })),
      )
      .execute();
  await audit.record(trx, actor, 'product.listings', {
    entityType: 'product',
    entityId: productId,
    after: { title: product.title, listings: items.length },
  });
  return (await getProduct(trx, actor, productId)).listings;
}

/**
 * The catalogue in bulk: categories, brands, products with their SKUs and shop listings written as
 * given (ids included) by the demo loader, the reads it needs, and removing them again. Writes run
 * in the caller's transaction; nothing here audits (the caller records one entry for the batch).
 */
import fs from 'node:fs';
import path from 'node:path';
import { newId, type SpecDim } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/dialect.js';
import { dataDir } from '../../lib/files.js';
import { hueOf, productPicture } from '../../lib/picture.js';
import { IN_CHUNK, chunk, inChunks, insertBatched } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

export interface BulkCategory {
  id: string;
  parentId: string | null;
  name: string;
  sort: number;
}

export interface BulkSku {
  id: string;
  code: string;
  barcode: string;
  spec: Record<string, string>;
  specText: string;
  priceFen: number;
  costFen: number;
  weightG: number;
  lowStock: number | null;
  overStock: number | null;
}

export interface BulkProduct {
  id: string;
  code: string;
  title: string;
  sellingPoints: string;
  description: string;
  categoryId: string;
  tags: readonly string[];
  specDims: readonly SpecDim[];
  createdAt: number;
  skus: readonly BulkSku[];
}

export interface BulkListing {
  id: string;
  shopId: string;
  productId: string;
  channelItemId: string;
  title: string;
  createdAt: number;
}

/** Insert categories, parents before children (the order given). */
export async function insertCategories(
  trx: Kysely<DB>,
  opts: { orgId: string; createdAt: number; categories: readonly BulkCategory[] },
): Promise<void> {
  await insertBatched(
    trx,
    'categories',
    opts.categories.map((c) => ({
      id: c.id,
      org_id: opts.orgId,
      parent_id: c.parentId,
      name: c.name,
      sort: c.sort,
      created_at: opts.createdAt,
    })),
  );
}

export async function insertBrands(
  trx: Kysely<DB>,
  opts: { orgId: string; createdAt: number; brands: readonly { id: string; name: string }[] },
): Promise<void> {
  await insertBatched(
    trx,
    'brands',
    opts.brands.map((b) => ({ id: b.id, org_id: opts.orgId, name: b.name, created_at: opts.createdAt })),
  );
}

/** The id of the organisation's brand of this name, if there is one. */
export async function brandIdByName(db: Kysely<DB>, orgId: string, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('brands').select('id').where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
  return row?.id;
}

/** Insert products on sale with their active SKUs, all of one brand; `extraTags` are appended to each product's tags. */
export async function insertProducts(
  trx: Kysely<DB>,
  opts: { orgId: string; brandId: string; extraTags?: readonly string[]; products: readonly BulkProduct[] },
): Promise<void> {
  const { orgId } = opts;
  await insertBatched(
    trx,
    'products',
    opts.products.map((p) => ({
      id: p.id,
      org_id: orgId,
      code: p.code,
      title: p.title,
      selling_points: p.sellingPoints,
      description: p.description,
      category_id: p.categoryId,
      brand_id: opts.brandId,
      tags: JSON.stringify([...p.tags, ...(opts.extraTags ?? [])]),
      spec_dims: JSON.stringify(p.specDims),
      status: 'on_sale',
      created_at: p.createdAt,
      updated_at: p.createdAt,
    })),
  );
  await insertBatched(
    trx,
    'skus',
    opts.products.flatMap((p) =>
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
}

/** Insert product-level listings (no SKU mapping) of shops. */
export async function insertListings(trx: Kysely<DB>, opts: { orgId: string; listings: readonly BulkListing[] }): Promise<void> {
  await insertBatched(
    trx,
    'listings',
    opts.listings.map((l) => ({
      id: l.id,
      org_id: opts.orgId,
      shop_id: l.shopId,
      product_id: l.productId,
      sku_id: null,
      channel_item_id: l.channelItemId,
      channel_sku_id: '',
      title: l.title,
      created_at: l.createdAt,
    })),
  );
}

/** Which of these SKU codes and product codes (货号) the organisation already uses. */
export async function takenCodes(
  db: Kysely<DB>,
  orgId: string,
  codes: { skuCodes: readonly string[]; productCodes: readonly string[] },
): Promise<{ skuCodes: string[]; productCodes: string[] }> {
  const skus = await inChunks(codes.skuCodes, (c) =>
    db.selectFrom('skus').select('code').where('org_id', '=', orgId).where('code', 'in', c).execute(),
  );
  const products = await inChunks(codes.productCodes, (c) =>
    db.selectFrom('products').select('code').where('org_id', '=', orgId).where('code', 'in', c).execute(),
  );
  return { skuCodes: skus.map((r) => r.code), productCodes: products.flatMap((r) => (r.code === null ? [] : [r.code])) };
}

/** The products these SKUs belong to. */
export async function productIdsOfSkus(db: Kysely<DB>, skuIds: readonly string[]): Promise<string[]> {
  const rows = await inChunks(skuIds, (c) => db.selectFrom('skus').select('product_id').distinct().where('id', 'in', c).execute());
  return [...new Set(rows.map((r) => r.product_id))];
}

/** Which of these products some shop lists. */
export async function listedProductIds(db: Kysely<DB>, productIds: readonly string[]): Promise<string[]> {
  const rows = await inChunks(productIds, (c) =>
    db.selectFrom('listings').select('product_id').distinct().where('product_id', 'in', c).execute(),
  );
  return [...new Set(rows.map((r) => r.product_id))];
}

/** The SKUs of these products. */
export async function skuIdsOfProducts(db: Kysely<DB>, productIds: readonly string[]): Promise<string[]> {
  const rows = await inChunks(productIds, (c) => db.selectFrom('skus').select('id').where('product_id', 'in', c).execute());
  return rows.map((r) => r.id);
}

/** Delete the listings of these shops. */
export async function removeShopListings(trx: Kysely<DB>, shopIds: readonly string[]): Promise<void> {
  for (const c of chunk(shopIds, IN_CHUNK)) await trx.deleteFrom('listings').where('shop_id', 'in', c).execute();
}

/**
 * Delete products with their SKUs, images and banned-word exemptions. `skuIds` are all the SKUs of
 * `productIds`; the stock, ledger, purchase lines and notifications of those SKUs must be gone first.
 */
export async function removeProducts(trx: Kysely<DB>, opts: { productIds: readonly string[]; skuIds: readonly string[] }): Promise<void> {
  for (const c of chunk(opts.skuIds, IN_CHUNK)) await trx.deleteFrom('skus').where('id', 'in', c).execute();
  for (const c of chunk(opts.productIds, IN_CHUNK)) {
    await trx.deleteFrom('product_images').where('product_id', 'in', c).execute();
    await trx.deleteFrom('banned_word_exemptions').where('product_id', 'in', c).execute();
    await trx.deleteFrom('products').where('id', 'in', c).execute();
  }
}

/** Delete those of these categories (parents first, as inserted) that no product and no child category uses. */
export async function removeUnusedCategories(trx: Kysely<DB>, categoryIds: readonly string[]): Promise<void> {
  // Children first: a parent becomes unused once its leaves are gone.
  for (const id of [...categoryIds].reverse()) {
    const used =
      (await trx.selectFrom('products').select('id').where('category_id', '=', id).limit(1).executeTakeFirst()) ??
      (await trx.selectFrom('categories').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst());
    if (!used) await trx.deleteFrom('categories').where('id', '=', id).execute();
  }
}

/** Delete those of these brands that no product uses. */
export async function removeUnusedBrands(trx: Kysely<DB>, brandIds: readonly string[]): Promise<void> {
  for (const id of brandIds) {
    const used = await trx.selectFrom('products').select('id').where('brand_id', '=', id).limit(1).executeTakeFirst();
    if (!used) await trx.deleteFrom('brands').where('id', '=', id).execute();
  }
}

/**
 * One generated picture per product (lib/picture.ts: the product's colour and merchant code), as
 * the main image the lists show as thumbnails. Files go where uploaded images go.
 */
export async function insertProductPictures(
  trx: Kysely<DB>,
  database: Pick<Database, 'dialect' | 'file'>,
  opts: { orgId: string; products: readonly { id: string; code: string; createdAt: number }[] },
): Promise<void> {
  const dir = path.join(dataDir(database), 'images', opts.orgId);
  fs.mkdirSync(dir, { recursive: true });
  const rows = opts.products.map((p) => {
    const id = newId('image');
    const png = productPicture(p.code, hueOf(p.code));
    fs.writeFileSync(path.join(dir, `${id}.png`), png);
    return {
      id,
      org_id: opts.orgId,
      product_id: p.id,
      file: path.posix.join('images', opts.orgId, `${id}.png`),
      mime: 'image/png',
      size: png.length,
      sort: 1,
      created_at: p.createdAt,
    };
  });
  await insertBatched(trx, 'product_images', rows);
}

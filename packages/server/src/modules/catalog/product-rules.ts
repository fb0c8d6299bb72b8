/**
 * What the product, SKU, listing and batch services share: who may see costs and change prices, row
 * → DTO mapping, the checks a product and its SKUs must pass, and the audited status change.
 */
import {
  AppError,
  PRODUCT_MACHINE,
  specToText,
  type ListingDto,
  type ProductStatus,
  type SkuDto,
  type Spec,
  type SpecDim,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { DB, ProductsTable, SkusTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';

export type Db = Kysely<DB> | Transaction<DB>;

export function canSeeCost(actor: Actor): boolean {
  return actor.via === 'system' || actor.permissions.has('products.cost.read');
}
export function canChangePrice(actor: Actor): boolean {
  return actor.via === 'system' || actor.permissions.has('products.price.write');
}

export const imageUrl = (productId: string, imageId: string) => `/api/v1/products/${productId}/images/${imageId}`;

export function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function skuRowToDto(r: SkusTable, showCost: boolean): SkuDto {
  return {
    id: r.id,
    productId: r.product_id,
    code: r.code,
    barcode: r.barcode,
    spec: parseJson<Spec>(r.spec, {}),
    specText: r.spec_text,
    priceFen: Number(r.price_fen),
    costFen: showCost ? Number(r.cost_fen) : null,
    weightG: r.weight_g,
    status: r.status as SkuDto['status'],
  };
}

export async function loadProductRow(db: Db, orgId: string, id: string): Promise<ProductsTable> {
  const row = await db.selectFrom('products').selectAll().where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
  if (!row) throw new AppError('not_found', `商品 ${id} 不存在或已删除，请刷新列表`, { productId: id });
  return row;
}

export function listingRowToDto(l: DB['listings']): ListingDto {
  return { id: l.id, shopId: l.shop_id, skuId: l.sku_id, channelItemId: l.channel_item_id, channelSkuId: l.channel_sku_id, title: l.title };
}

export function cleanTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
}

/** The spec of a SKU checked against the dimensions: every dimension once, with a listed value. */
export function checkSpec(spec: Record<string, string>, dims: SpecDim[], path: string): { spec: Spec; specText: string } {
  const clean: Spec = {};
  for (const d of dims) {
    const v = spec[d.name]?.trim();
    if (!v) throw new AppError('validation_failed', `SKU 缺少规格「${d.name}」的值`, { spec }, [{ path, message: `缺少「${d.name}」` }]);
    if (!d.values.includes(v))
      throw new AppError(
        'validation_failed',
        `SKU 的规格值「${d.name}:${v}」不在规格「${d.name}」的可选值（${d.values.join('、')}）中，请先在规格里添加`,
        { spec },
        [{ path, message: `「${v}」不在可选值中` }],
      );
    clean[d.name] = v;
  }
  const extra = Object.keys(spec).filter((k) => !dims.some((d) => d.name === k));
  if (extra.length)
    throw new AppError('validation_failed', `SKU 含有未定义的规格「${extra.join('、')}」，请在规格维度中添加或删掉它`, { spec }, [
      { path, message: '未定义的规格' },
    ]);
  return { spec: clean, specText: specToText(clean, dims) };
}

export async function assertRefs(db: Db, orgId: string, categoryId: string | null, brandId: string | null): Promise<void> {
  if (categoryId) {
    const c = await db.selectFrom('categories').select('id').where('id', '=', categoryId).where('org_id', '=', orgId).executeTakeFirst();
    if (!c)
      throw new AppError('validation_failed', '所选类目不存在，请重新选择', { categoryId }, [
        { path: 'categoryId', message: '类目不存在' },
      ]);
  }
  if (brandId) {
    const b = await db.selectFrom('brands').select('id').where('id', '=', brandId).where('org_id', '=', orgId).executeTakeFirst();
    if (!b)
      throw new AppError('validation_failed', '所选品牌不存在，请重新选择', { brandId }, [{ path: 'brandId', message: '品牌不存在' }]);
  }
}

/** Codes must be unique in the input and in the organisation (other than the SKUs themselves). */
export async function assertCodesFree(db: Db, orgId: string, skus: readonly { id?: string | undefined; code: string }[]): Promise<void> {
  const seen = new Map<string, number>();
  skus.forEach((s, i) => {
    const j = seen.get(s.code);
    if (j !== undefined)
      throw new AppError(
        'conflict',
        `SKU 商家编码「${s.code}」重复（第 ${j + 1} 行和第 ${i + 1} 行），每个 SKU 的编码必须不同`,
        { code: s.code },
        [{ path: `skus.${i}.code`, message: '编码重复' }],
      );
    seen.set(s.code, i);
  });
  if (!skus.length) return;
  const taken = await db
    .selectFrom('skus')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .select(['skus.id', 'skus.code', 'products.title'])
    .where('skus.org_id', '=', orgId)
    .where(
      'skus.code',
      'in',
      skus.map((s) => s.code),
    )
    .execute();
  for (const t of taken) {
    const i = skus.findIndex((s) => s.code === t.code);
    if (skus[i]!.id === t.id) continue;
    throw codeTaken(t.code, t.title, `skus.${i}.code`);
  }
}

export function codeTaken(code: string, title: string | null, path = 'code'): AppError {
  return new AppError(
    'conflict',
    title ? `商家编码「${code}」已被商品「${title}」使用，请换一个编码` : `商家编码「${code}」已被使用，请换一个编码`,
    { code },
    [{ path, message: '商家编码已存在' }],
  );
}

export async function assertSpuCodeFree(db: Db, orgId: string, code: string | null, exceptId?: string): Promise<void> {
  if (!code) return;
  let q = db.selectFrom('products').select(['id', 'title']).where('org_id', '=', orgId).where('code', '=', code);
  if (exceptId) q = q.where('id', '!=', exceptId);
  const other = await q.executeTakeFirst();
  if (other) throw codeTaken(code, other.title);
}

export async function assertCanGoOnSale(db: Db, productId: string, title: string): Promise<void> {
  const skus = await db
    .selectFrom('skus')
    .select(['code', 'price_fen'])
    .where('product_id', '=', productId)
    .where('status', '=', 'active')
    .execute();
  if (skus.length === 0) throw new AppError('invalid_state', `商品「${title}」没有启用的 SKU，不能上架`, { productId });
  const free = skus.filter((s) => Number(s.price_fen) <= 0).map((s) => s.code);
  if (free.length)
    throw new AppError('invalid_state', `商品「${title}」的 SKU ${free.join('、')} 还没有售价，请先填写售价再上架`, {
      productId,
      skuCodes: free,
    });
}

export async function auditPrice(
  trx: Transaction<DB>,
  actor: Actor,
  product: { id: string },
  sku: SkusTable,
  before: number,
  after: number,
): Promise<void> {
  await audit.record(trx, actor, 'sku.price', {
    entityType: 'sku',
    entityId: sku.id,
    before: { code: sku.code, priceFen: before },
    after: { code: sku.code, priceFen: after, productId: product.id },
  });
}

export async function changeStatus(trx: Transaction<DB>, actor: Actor, p: ProductsTable, to: ProductStatus): Promise<void> {
  const from = p.status as ProductStatus;
  if (from === to) return;
  PRODUCT_MACHINE.assert(from, to, { productId: p.id }, p.title);
  if (to === 'on_sale') await assertCanGoOnSale(trx, p.id, p.title);
  await trx.updateTable('products').set({ status: to, updated_at: Date.now() }).where('id', '=', p.id).execute();
  await audit.record(trx, actor, 'product.status', {
    entityType: 'product',
    entityId: p.id,
    before: { status: from },
    after: { status: to, title: p.title },
  });
}

/**
 * Products (SPU) and their SKUs, listings per shop, status changes and batch edits. Every change
 * of a price or a status is audited in the same transaction; costs are returned only to actors
 * holding products.cost.read.
 */
import {
  AppError,
  applyPriceChange,
  fenTooLargeMessage,
  formatFen,
  isFenInRange,
  MAX_FEN,
  normalizeSpecDims,
  newId,
  PRODUCT_MACHINE,
  specToText,
  type BatchProductsInput,
  type ListingDto,
  type Page,
  type PriceChange,
  type ProductDto,
  type ProductListItem,
  type ProductStatus,
  type SkuDto,
  type Spec,
  type SpecDim,
  type ProductFilter,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { isUniqueViolation } from '../../db/dialect.js';
import { anyTextMatch, canSeeShop, scopeToShops, searchTerm, textMatch } from '../../db/kit.js';
import type { DB, ProductsTable, SkusTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import { categoryPaths, categorySubtree } from './taxonomy.service.js';

type Db = Kysely<DB> | Transaction<DB>;

export function canSeeCost(actor: Actor): boolean {
  return actor.via === 'system' || actor.permissions.has('products.cost.read');
}
export function canChangePrice(actor: Actor): boolean {
  return actor.via === 'system' || actor.permissions.has('products.price.write');
}

export const imageUrl = (productId: string, imageId: string) => `/api/v1/products/${productId}/images/${imageId}`;

function parseJson<T>(text: string, fallback: T): T {
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

async function loadProductRow(db: Db, orgId: string, id: string): Promise<ProductsTable> {
  const row = await db.selectFrom('products').selectAll().where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
  if (!row) throw new AppError('not_found', `商品 ${id} 不存在或已删除，请刷新列表`, { productId: id });
  return row;
}

export async function getProduct(db: Db, actor: Actor, id: string): Promise<ProductDto> {
  const p = await loadProductRow(db, actor.orgId, id);
  const [skus, images, listings, paths, brand] = await Promise.all([
    db.selectFrom('skus').selectAll().where('product_id', '=', id).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('product_images').selectAll().where('product_id', '=', id).orderBy('sort').orderBy('created_at').execute(),
    db.selectFrom('listings').selectAll().where('product_id', '=', id).orderBy('created_at').execute(),
    categoryPaths(db, actor.orgId),
    p.brand_id ? db.selectFrom('brands').select('name').where('id', '=', p.brand_id).executeTakeFirst() : Promise.resolve(undefined),
  ]);
  const showCost = canSeeCost(actor);
  return {
    id: p.id,
    code: p.code,
    title: p.title,
    sellingPoints: p.selling_points,
    description: p.description,
    categoryId: p.category_id,
    categoryPath: p.category_id ? (paths.get(p.category_id) ?? null) : null,
    brandId: p.brand_id,
    brandName: brand?.name ?? null,
    tags: parseJson<string[]>(p.tags, []),
    specDims: parseJson<SpecDim[]>(p.spec_dims, []),
    status: p.status as ProductStatus,
    skus: skus.map((s) => skuRowToDto(s, showCost)),
    images: images.map((i) => ({ id: i.id, url: imageUrl(p.id, i.id), mime: i.mime, size: i.size, sort: i.sort })),
    listings: listings.filter((l) => canSeeShop(actor, l.shop_id)).map(listingRowToDto),
    createdAt: Number(p.created_at),
    updatedAt: Number(p.updated_at),
  };
}

function listingRowToDto(l: DB['listings']): ListingDto {
  return { id: l.id, shopId: l.shop_id, skuId: l.sku_id, channelItemId: l.channel_item_id, channelSkuId: l.channel_sku_id, title: l.title };
}

// ---------------------------------------------------------------- list

export type { ProductFilter } from '@yunying/core';

export async function listProducts(db: Kysely<DB>, actor: Actor, f: ProductFilter): Promise<Page<ProductListItem>> {
  const orgId = actor.orgId;
  const cats = f.categoryId ? await categorySubtree(db, orgId, f.categoryId) : null;
  let q = db.selectFrom('products').where('products.org_id', '=', orgId);
  if (f.status) q = q.where('products.status', '=', f.status);
  if (cats) q = q.where('products.category_id', 'in', cats);
  if (f.brandId) q = q.where('products.brand_id', '=', f.brandId);
  // Tags are stored as a JSON array of strings: match the quoted tag.
  if (f.tag) q = q.where(textMatch('products.tags', JSON.stringify(f.tag)));
  const text = searchTerm(f.q);
  if (text) {
    q = q.where((eb) =>
      eb.or([
        anyTextMatch(['products.title', 'products.code'], text),
        eb.exists(
          eb
            .selectFrom('skus')
            .select('skus.id')
            .whereRef('skus.product_id', '=', 'products.id')
            .where((e2) => e2.or([textMatch('skus.code', text), e2('skus.barcode', '=', text)])),
        ),
      ]),
    );
  }
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await q
    .selectAll('products')
    .orderBy('products.updated_at', 'desc')
    .orderBy('products.id', 'desc')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  const ids = rows.map((r) => r.id);
  const [aggs, images, paths, brands] = ids.length
    ? await Promise.all([
        db
          .selectFrom('skus')
          .select([
            'product_id',
            (eb) => eb.fn.countAll<number>().as('n'),
            (eb) => eb.fn.min('price_fen').as('pmin'),
            (eb) => eb.fn.max('price_fen').as('pmax'),
          ])
          .where('product_id', 'in', ids)
          .where('status', '=', 'active')
          .groupBy('product_id')
          .execute(),
        db
          .selectFrom('product_images')
          .select(['id', 'product_id', 'sort'])
          .where('product_id', 'in', ids)
          .orderBy('sort')
          .orderBy('created_at')
          .execute(),
        categoryPaths(db, orgId),
        db.selectFrom('brands').select(['id', 'name']).where('org_id', '=', orgId).execute(),
      ])
    : [[], [], new Map<string, string>(), []];
  const items: ProductListItem[] = rows.map((r) => {
    const a = aggs.find((x) => x.product_id === r.id);
    const img = images.find((i) => i.product_id === r.id);
    return {
      id: r.id,
      code: r.code,
      title: r.title,
      status: r.status as ProductStatus,
      categoryId: r.category_id,
      categoryPath: r.category_id ? (paths.get(r.category_id) ?? null) : null,
      brandId: r.brand_id,
      brandName: brands.find((b) => b.id === r.brand_id)?.name ?? null,
      tags: parseJson<string[]>(r.tags, []),
      skuCount: a ? Number(a.n) : 0,
      priceMinFen: a?.pmin == null ? null : Number(a.pmin),
      priceMaxFen: a?.pmax == null ? null : Number(a.pmax),
      imageUrl: img ? imageUrl(r.id, img.id) : null,
      updatedAt: Number(r.updated_at),
    };
  });
  return { items, total, page: f.page, pageSize: f.pageSize };
}

/** Every tag used in the organisation's products, most used first (for the tag picker). */
export async function listTags(db: Kysely<DB>, orgId: string): Promise<{ tag: string; count: number }[]> {
  const rows = await db.selectFrom('products').select('tags').where('org_id', '=', orgId).where('tags', '!=', '[]').execute();
  const counts = new Map<string, number>();
  for (const r of rows) for (const t of parseJson<string[]>(r.tags, [])) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([tag, count]) => ({ tag, count })).sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
}

// ---------------------------------------------------------------- create / update

export interface SkuIn {
  id?: string | undefined;
  spec: Record<string, string>;
  code: string;
  barcode?: string | null | undefined;
  priceFen: number;
  costFen?: number | undefined;
  weightG: number;
  status?: 'active' | 'disabled' | undefined;
}

export interface ProductIn {
  title: string;
  code?: string | null | undefined;
  sellingPoints: string;
  description: string;
  categoryId?: string | null | undefined;
  brandId?: string | null | undefined;
  tags: string[];
  specDims: SpecDim[];
  status: ProductStatus;
  skus: SkuIn[];
}

function cleanTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
}

/** The spec of a SKU checked against the dimensions: every dimension once, with a listed value. */
function checkSpec(spec: Record<string, string>, dims: SpecDim[], path: string): { spec: Spec; specText: string } {
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

async function assertRefs(db: Db, orgId: string, categoryId: string | null, brandId: string | null): Promise<void> {
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
async function assertCodesFree(db: Db, orgId: string, skus: readonly { id?: string | undefined; code: string }[]): Promise<void> {
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

function codeTaken(code: string, title: string | null, path = 'code'): AppError {
  return new AppError(
    'conflict',
    title ? `商家编码「${code}」已被商品「${title}」使用，请换一个编码` : `商家编码「${code}」已被使用，请换一个编码`,
    { code },
    [{ path, message: '商家编码已存在' }],
  );
}

async function assertSpuCodeFree(db: Db, orgId: string, code: string | null, exceptId?: string): Promise<void> {
  if (!code) return;
  let q = db.selectFrom('products').select(['id', 'title']).where('org_id', '=', orgId).where('code', '=', code);
  if (exceptId) q = q.where('id', '!=', exceptId);
  const other = await q.executeTakeFirst();
  if (other) throw codeTaken(code, other.title);
}

async function assertCanGoOnSale(db: Db, productId: string, title: string): Promise<void> {
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

export async function createProduct(trx: Transaction<DB>, actor: Actor, input: ProductIn): Promise<ProductDto> {
  const dims = normalizeSpecDims(input.specDims);
  const code = input.code?.trim() || null;
  const categoryId = input.categoryId || null;
  const brandId = input.brandId || null;
  await assertRefs(trx, actor.orgId, categoryId, brandId);
  await assertSpuCodeFree(trx, actor.orgId, code);
  const skus = input.skus.map((s, i) => ({ ...s, ...checkSpec(s.spec, dims, `skus.${i}.spec`) }));
  const bySpec = new Map<string, number>();
  skus.forEach((s, i) => {
    const j = bySpec.get(s.specText);
    if (j !== undefined)
      throw new AppError(
        'validation_failed',
        `第 ${j + 1} 个和第 ${i + 1} 个 SKU 的规格相同（${s.specText || '无规格'}），请删掉一个`,
        {},
        [{ path: `skus.${i}.spec`, message: '规格重复' }],
      );
    bySpec.set(s.specText, i);
  });
  await assertCodesFree(trx, actor.orgId, skus);
  const now = Date.now();
  const id = newId('product');
  try {
    await trx
      .insertInto('products')
      .values({
        id,
        org_id: actor.orgId,
        code,
        title: input.title.trim(),
        selling_points: input.sellingPoints,
        description: input.description,
        category_id: categoryId,
        brand_id: brandId,
        tags: JSON.stringify(cleanTags(input.tags)),
        spec_dims: JSON.stringify(dims),
        status: 'draft',
        created_at: now,
        updated_at: now,
      })
      .execute();
    await trx
      .insertInto('skus')
      .values(
        skus.map((s, i) => ({
          id: newId('sku'),
          org_id: actor.orgId,
          product_id: id,
          code: s.code,
          barcode: s.barcode?.trim() || null,
          spec: JSON.stringify(s.spec),
          spec_text: s.specText,
          price_fen: s.priceFen,
          cost_fen: s.costFen ?? 0,
          weight_g: s.weightG,
          status: s.status ?? 'active',
          low_stock: null,
          over_stock: null,
          created_at: now + i, // keeps the generated order when listing by created_at
          updated_at: now,
        })),
      )
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw codeTaken(code ?? skus.map((s) => s.code).join('、'), null);
    throw err;
  }
  if (input.status !== 'draft') await assertCanGoOnSale(trx, id, input.title);
  if (input.status !== 'draft') await trx.updateTable('products').set({ status: input.status }).where('id', '=', id).execute();
  const dto = await getProduct(trx, actor, id);
  await audit.record(trx, actor, 'product.create', {
    entityType: 'product',
    entityId: id,
    after: {
      title: dto.title,
      code,
      status: dto.status,
      skus: dto.skus.map((s) => ({ code: s.code, specText: s.specText, priceFen: s.priceFen })),
    },
  });
  return dto;
}

export interface ProductPatch {
  title?: string | undefined;
  code?: string | null | undefined;
  sellingPoints?: string | undefined;
  description?: string | undefined;
  categoryId?: string | null | undefined;
  brandId?: string | null | undefined;
  tags?: string[] | undefined;
  specDims?: SpecDim[] | undefined;
  status?: ProductStatus | undefined;
  skus?: SkuIn[] | undefined;
}

export async function updateProduct(trx: Transaction<DB>, actor: Actor, id: string, input: ProductPatch): Promise<ProductDto> {
  const before = await loadProductRow(trx, actor.orgId, id);
  const patch: Partial<ProductsTable> = { updated_at: Date.now() };
  if (input.title !== undefined) patch.title = input.title.trim();
  if (input.code !== undefined) {
    patch.code = input.code?.trim() || null;
    await assertSpuCodeFree(trx, actor.orgId, patch.code, id);
  }
  if (input.sellingPoints !== undefined) patch.selling_points = input.sellingPoints;
  if (input.description !== undefined) patch.description = input.description;
  if (input.categoryId !== undefined) patch.category_id = input.categoryId || null;
  if (input.brandId !== undefined) patch.brand_id = input.brandId || null;
  await assertRefs(trx, actor.orgId, patch.category_id ?? null, patch.brand_id ?? null);
  if (input.tags !== undefined) patch.tags = JSON.stringify(cleanTags(input.tags));
  const dims = input.specDims !== undefined ? normalizeSpecDims(input.specDims) : parseJson<SpecDim[]>(before.spec_dims, []);
  if (input.specDims !== undefined) patch.spec_dims = JSON.stringify(dims);
  try {
    await trx.updateTable('products').set(patch).where('id', '=', id).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw codeTaken(patch.code ?? '', null);
    throw err;
  }
  if (input.skus) await upsertSkus(trx, actor, before, dims, input.skus);
  if (input.status !== undefined && input.status !== before.status) await changeStatus(trx, actor, { ...before, ...patch }, input.status);
  return getProduct(trx, actor, id);
}

async function upsertSkus(trx: Transaction<DB>, actor: Actor, product: ProductsTable, dims: SpecDim[], input: SkuIn[]): Promise<void> {
  const existing = await trx.selectFrom('skus').selectAll().where('product_id', '=', product.id).execute();
  const rows = input.map((s, i) => ({ ...s, ...checkSpec(s.spec, dims, `skus.${i}.spec`), i }));
  for (const r of rows) {
    if (r.id && !existing.some((e) => e.id === r.id))
      throw new AppError('not_found', `SKU ${r.id} 不属于商品「${product.title}」，请刷新页面`, { skuId: r.id });
  }
  // A spec may appear once among the SKUs after the change.
  const specOwner = new Map<string, string>();
  for (const e of existing) if (!rows.some((r) => r.id === e.id)) specOwner.set(e.spec_text, e.code);
  for (const r of rows) {
    const other = specOwner.get(r.specText);
    if (other !== undefined)
      throw new AppError('validation_failed', `规格「${r.specText || '无规格'}」已有 SKU（${other}），不能重复添加`, {}, [
        { path: `skus.${r.i}.spec`, message: '规格重复' },
      ]);
    specOwner.set(r.specText, r.code);
  }
  await assertCodesFree(trx, actor.orgId, rows);
  const now = Date.now();
  for (const r of rows) {
    const old = r.id ? existing.find((e) => e.id === r.id)! : undefined;
    if (old) {
      const priceChanged = Number(old.price_fen) !== r.priceFen;
      if (priceChanged && !canChangePrice(actor))
        throw new AppError(
          'forbidden',
          `没有修改价格的权限（需要 products.price.write），SKU ${old.code} 的售价未改动；请联系店长`,
          { skuId: old.id },
          [{ path: `skus.${r.i}.priceFen`, message: '无改价权限' }],
        );
      const status = r.status ?? (old.status as 'active' | 'disabled');
      try {
        await trx
          .updateTable('skus')
          .set({
            code: r.code,
            barcode: r.barcode === undefined ? old.barcode : r.barcode?.trim() || null,
            spec: JSON.stringify(r.spec),
            spec_text: r.specText,
            price_fen: r.priceFen,
            cost_fen: r.costFen ?? old.cost_fen,
            weight_g: r.weightG,
            status,
            updated_at: now,
          })
          .where('id', '=', old.id)
          .execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw codeTaken(r.code, null, `skus.${r.i}.code`);
        throw err;
      }
      if (priceChanged) await auditPrice(trx, actor, product, old, Number(old.price_fen), r.priceFen);
      if (status !== old.status)
        await audit.record(trx, actor, 'sku.status', {
          entityType: 'sku',
          entityId: old.id,
          before: { code: old.code, status: old.status },
          after: { code: r.code, status, productId: product.id },
        });
    } else {
      const skuId = newId('sku');
      try {
        await trx
          .insertInto('skus')
          .values({
            id: skuId,
            org_id: actor.orgId,
            product_id: product.id,
            code: r.code,
            barcode: r.barcode?.trim() || null,
            spec: JSON.stringify(r.spec),
            spec_text: r.specText,
            price_fen: r.priceFen,
            cost_fen: r.costFen ?? 0,
            weight_g: r.weightG,
            status: r.status ?? 'active',
            low_stock: null,
            over_stock: null,
            created_at: now + r.i,
            updated_at: now,
          })
          .execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw codeTaken(r.code, null, `skus.${r.i}.code`);
        throw err;
      }
      await audit.record(trx, actor, 'sku.create', {
        entityType: 'sku',
        entityId: skuId,
        after: { productId: product.id, code: r.code, specText: r.specText, priceFen: r.priceFen },
      });
    }
  }
  if (product.status === 'on_sale') await assertCanGoOnSale(trx, product.id, product.title);
}

async function auditPrice(
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

async function changeStatus(trx: Transaction<DB>, actor: Actor, p: ProductsTable, to: ProductStatus): Promise<void> {
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

/** 批量上架 / 下架 / 改价: all or nothing; every SKU price change is audited with before/after. */
export async function batchUpdate(
  trx: Transaction<DB>,
  actor: Actor,
  input: { ids: string[]; action: BatchProductsInput['action']; price?: PriceChange | undefined },
): Promise<{ products: number; skus: number }> {
  const ids = [...new Set(input.ids)];
  const rows = await trx.selectFrom('products').selectAll().where('org_id', '=', actor.orgId).where('id', 'in', ids).execute();
  const missing = ids.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw new AppError('not_found', `有 ${missing.length} 个商品不存在或已删除，请刷新列表后重试`, { missing });
  if (input.action !== 'price') {
    const to = input.action;
    for (const r of rows) if (r.status !== to) await changeStatus(trx, actor, r, to);
    return { products: rows.length, skus: 0 };
  }
  if (!canChangePrice(actor))
    throw new AppError('forbidden', '没有修改价格的权限（需要 products.price.write），请联系店长为你的角色添加', {
      permission: 'products.price.write',
    });
  const change = input.price!;
  const skus = await trx
    .selectFrom('skus')
    .selectAll()
    .where('product_id', 'in', ids)
    .where('status', '=', 'active')
    .orderBy('created_at')
    .execute();
  const now = Date.now();
  let n = 0;
  for (const s of skus) {
    const before = Number(s.price_fen);
    const after = applyPriceChange(before, change);
    if (after < 0)
      throw new AppError('validation_failed', `SKU ${s.code} 调价后为负数（原价 ${(before / 100).toFixed(2)} 元），请调整幅度`, {
        skuId: s.id,
        before,
        after,
      });
    // The same ceiling as every price typed in (MAX_FEN): a +1000% change of a large price must
    // not store an amount that sums and reports can no longer add up exactly.
    if (!isFenInRange(after))
      throw new AppError(
        'validation_failed',
        `SKU ${s.code} 调价后售价超过上限 ${formatFen(MAX_FEN)}（1000 亿元；原价 ${(before / 100).toFixed(2)} 元），请调小幅度`,
        { skuId: s.id, before, after: Number.isFinite(after) ? after : null },
        [{ path: 'price', message: fenTooLargeMessage('调价后的售价') }],
      );
    if (after === before) continue;
    await trx.updateTable('skus').set({ price_fen: after, updated_at: now }).where('id', '=', s.id).execute();
    await auditPrice(trx, actor, { id: s.product_id }, s, before, after);
    n++;
  }
  await trx.updateTable('products').set({ updated_at: now }).where('id', 'in', ids).execute();
  return { products: rows.length, skus: n };
}

// ---------------------------------------------------------------- listings

export async function setListings(
  trx: Transaction<DB>,
  actor: Actor,
  productId: string,
  items: {
    shopId: string;
    channelItemId: string;
    channelSkuId: string;
    skuId?: string | null | undefined;
    title?: string | null | undefined;
  }[],
): Promise<ListingDto[]> {
  const product = await loadProductRow(trx, actor.orgId, productId);
  const shops = await trx.selectFrom('shops').select(['id', 'name']).where('org_id', '=', actor.orgId).execute();
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

// ---------------------------------------------------------------- helpers for other modules

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
  };
}

/** Code, spec text, product title, price and cost of the SKUs (internal: costs included). */
export async function skuSummaries(db: Db, orgId: string, skuIds: readonly string[]): Promise<Map<string, SkuSummary>> {
  if (!skuIds.length) return new Map();
  const rows = await skuSummaryQuery(db, orgId)
    .where('skus.id', 'in', [...new Set(skuIds)])
    .execute();
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

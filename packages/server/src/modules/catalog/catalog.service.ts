/**
 * Products (SPU): the detail, the list, tags, creation and the product-level edit. SKU edits are in
 * skus.service.ts, listings in listings.service.ts, batch edits in batch-edit.service.ts; the checks
 * they share in product-rules.ts. Every change of a price or a status is audited in the same
 * transaction; costs are returned only to actors holding products.cost.read.
 */
import {
  AppError,
  newId,
  normalizeSpecDims,
  type CreateProductInput,
  type Page,
  type ProductDto,
  type ProductFilter,
  type ProductListItem,
  type ProductStatus,
  type SpecDim,
  type UpdateProductInput,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { anyTextMatch, canSeeShop, insertOrConflict, pageOf, searchTerm, textMatch, withPage } from '../../db/kit.js';
import type { DB, ProductsTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import {
  assertCanGoOnSale,
  assertCodesFree,
  assertRefs,
  assertSpuCodeFree,
  canSeeCost,
  changeStatus,
  checkSpec,
  cleanTags,
  codeTaken,
  imageUrl,
  listingRowToDto,
  loadProductRow,
  parseJson,
  skuRowToDto,
  type Db,
} from './product-rules.js';
import { upsertSkus } from './skus.service.js';
import { categoryPaths, categorySubtree } from './taxonomy.service.js';

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

// ---------------------------------------------------------------- list

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
  const rows = await withPage(q.selectAll('products').orderBy('products.updated_at', 'desc').orderBy('products.id', 'desc'), f).execute();
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
  return pageOf(items, total, f);
}

/** Every tag used in the organisation's products, most used first (for the tag picker). */
export async function listTags(db: Kysely<DB>, orgId: string): Promise<{ tag: string; count: number }[]> {
  const rows = await db.selectFrom('products').select('tags').where('org_id', '=', orgId).where('tags', '!=', '[]').execute();
  const counts = new Map<string, number>();
  for (const r of rows) for (const t of parseJson<string[]>(r.tags, [])) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([tag, count]) => ({ tag, count })).sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
}

// ---------------------------------------------------------------- create / update

export async function createProduct(trx: Transaction<DB>, actor: Actor, input: CreateProductInput): Promise<ProductDto> {
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
  await insertOrConflict(
    async () => {
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
    },
    () => codeTaken(code ?? skus.map((s) => s.code).join('、'), null),
  );
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

export async function updateProduct(trx: Transaction<DB>, actor: Actor, id: string, input: UpdateProductInput): Promise<ProductDto> {
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
  await insertOrConflict(trx.updateTable('products').set(patch).where('id', '=', id).execute(), () => codeTaken(patch.code ?? '', null));
  if (input.skus) await upsertSkus(trx, actor, before, dims, input.skus);
  if (input.status !== undefined && input.status !== before.status) await changeStatus(trx, actor, { ...before, ...patch }, input.status);
  return getProduct(trx, actor, id);
}

import fastifyMultipart from '@fastify/multipart';
import {
  AppError,
  BannedWordBody,
  BatchProductsBody,
  BrandBody,
  CategoryBody,
  AddSkuBody,
  CreateProductBody,
  ExemptionBody,
  IdParams,
  ImageOrderBody,
  ListingsBody,
  ProductImageParams as ImageParams,
  ProductListQuery,
  ProductSkuParams as SkuParams,
  SheetFormatQuery as FormatQuery,
  SkuPatchBody,
  SkuSearchQuery,
  UpdateBannedWordBody,
  UpdateCategoryBody,
  UpdateProductBody,
} from '@yunying/core';
import type { FastifyReply } from 'fastify';
import type { Transaction } from 'kysely';
import { uploadedFile } from '../../lib/uploads.js';
import type { DB } from '../../db/schema.js';
import type { AppInstance } from '../../http/types.js';
import { batchUpdate } from './batch-edit.service.js';
import * as catalog from './catalog.service.js';
import { checkProducts } from './check.service.js';
import * as images from './images.service.js';
import * as io from './io.service.js';
import { setListings } from './listings.service.js';
import { canSeeCost } from './product-rules.js';
import { searchSkus } from './sku-lookup.service.js';
import * as taxonomy from './taxonomy.service.js';
import * as words from './words.service.js';

const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

const R = {
  read: { permission: 'products.read' },
  write: { permission: 'products.write' },
  /** Deleting what every shop shares needs scope over every shop. */
  orgWide: { permission: 'products.write', orgWide: true },
} as const;

function download(reply: FastifyReply, buffer: Buffer, name: string, format: 'xlsx' | 'csv'): FastifyReply {
  const file = `${name}.${format}`;
  return reply
    .type(format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="products.${format}"; filename*=UTF-8''${encodeURIComponent(file)}`)
    .send(buffer);
}

export async function catalogRoutes(parent: AppInstance): Promise<void> {
  // Encapsulated so the multipart parser applies to the catalogue's routes only.
  await parent.register(async (instance) => {
    const app = instance as unknown as AppInstance;
    await app.register(fastifyMultipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10 } });
    const tx = <T>(fn: (trx: Transaction<DB>) => Promise<T>) => app.db.transaction().execute(fn);

    // ---------------------------------------------------------------- categories & brands
    app.get('/categories', { schema: { tags: ['catalog'], summary: '类目（平铺，含 parentId）' }, config: R.read }, async (req) => ({
      items: await taxonomy.listCategories(app.db, req.actor!.orgId),
    }));
    app.post(
      '/categories',
      { schema: { tags: ['catalog'], summary: '新建类目', body: CategoryBody }, config: R.write },
      async (req, reply) => reply.code(201).send(await tx((trx) => taxonomy.createCategory(trx, req.actor!, req.body))),
    );
    app.patch(
      '/categories/:id',
      { schema: { tags: ['catalog'], summary: '重命名 / 移动类目', params: IdParams, body: UpdateCategoryBody }, config: R.write },
      (req) => tx((trx) => taxonomy.updateCategory(trx, req.actor!, req.params.id, req.body)),
    );
    app.delete(
      '/categories/:id',
      { schema: { tags: ['catalog'], summary: '删除空类目', params: IdParams }, config: R.orgWide },
      async (req, reply) => {
        await tx((trx) => taxonomy.deleteCategory(trx, req.actor!, req.params.id));
        return reply.code(204).send();
      },
    );
    app.get('/brands', { schema: { tags: ['catalog'], summary: '品牌' }, config: R.read }, async (req) => ({
      items: await taxonomy.listBrands(app.db, req.actor!.orgId),
    }));
    app.post('/brands', { schema: { tags: ['catalog'], summary: '新建品牌', body: BrandBody }, config: R.write }, async (req, reply) =>
      reply.code(201).send(await tx((trx) => taxonomy.createBrand(trx, req.actor!, req.body.name))),
    );
    app.patch(
      '/brands/:id',
      { schema: { tags: ['catalog'], summary: '重命名品牌', params: IdParams, body: BrandBody }, config: R.write },
      (req) => tx((trx) => taxonomy.renameBrand(trx, req.actor!, req.params.id, req.body.name)),
    );
    app.delete(
      '/brands/:id',
      { schema: { tags: ['catalog'], summary: '删除未使用的品牌', params: IdParams }, config: R.orgWide },
      async (req, reply) => {
        await tx((trx) => taxonomy.deleteBrand(trx, req.actor!, req.params.id));
        return reply.code(204).send();
      },
    );

    // ---------------------------------------------------------------- products
    app.get('/products', { schema: { tags: ['catalog'], summary: '商品列表', querystring: ProductListQuery }, config: R.read }, (req) =>
      catalog.listProducts(app.db, req.actor!, req.query),
    );
    app.get('/products/tags', { schema: { tags: ['catalog'], summary: '已用标签' }, config: R.read }, async (req) => ({
      items: await catalog.listTags(app.db, req.actor!.orgId),
    }));
    app.post(
      '/products',
      { schema: { tags: ['catalog'], summary: '新建商品（含 SKU）', body: CreateProductBody }, config: R.write },
      async (req, reply) => reply.code(201).send(await tx((trx) => catalog.createProduct(trx, req.actor!, req.body))),
    );
    app.post(
      '/products/batch',
      { schema: { tags: ['catalog'], summary: '批量上架 / 下架 / 改价', body: BatchProductsBody }, config: R.write },
      (req) => tx((trx) => batchUpdate(trx, req.actor!, req.body)),
    );
    app.get('/products/check-report', { schema: { tags: ['catalog'], summary: '全部商品的上架检查' }, config: R.read }, async (req) => {
      const items = await checkProducts(app.db, req.actor!);
      return { items: items.filter((i) => i.issues.length > 0), checked: items.length };
    });
    app.get(
      '/products/import-template',
      { schema: { tags: ['catalog'], summary: '商品导入模板', querystring: FormatQuery }, config: R.write },
      async (req, reply) => download(reply, await io.importTemplate(req.actor!, req.query.format), '商品导入模板', req.query.format),
    );
    app.post(
      '/products/import',
      { schema: { tags: ['catalog'], summary: '导入商品（XLSX / CSV，multipart 字段 file）' }, config: R.write },
      async (req) => {
        const file = await uploadedFile(req, MAX_IMPORT_BYTES, '导入文件');
        return io.importProducts(app.db, req.actor!, file.buffer, io.detectFormat(file.buffer, file.filename), file.filename);
      },
    );
    app.get(
      '/products/export',
      { schema: { tags: ['catalog'], summary: '导出商品', querystring: FormatQuery }, config: R.read },
      async (req, reply) => {
        const { buffer } = await io.exportProducts(app.db, req.actor!, req.query.format);
        return download(reply, buffer, '商品导出', req.query.format);
      },
    );
    app.get('/products/:id', { schema: { tags: ['catalog'], summary: '商品详情', params: IdParams }, config: R.read }, (req) =>
      catalog.getProduct(app.db, req.actor!, req.params.id),
    );
    app.patch(
      '/products/:id',
      { schema: { tags: ['catalog'], summary: '修改商品及其 SKU', params: IdParams, body: UpdateProductBody }, config: R.write },
      (req) => tx((trx) => catalog.updateProduct(trx, req.actor!, req.params.id, req.body)),
    );
    app.post(
      '/products/:id/skus',
      { schema: { tags: ['catalog'], summary: '添加 SKU', params: IdParams, body: AddSkuBody }, config: R.write },
      async (req, reply) =>
        reply.code(201).send(await tx((trx) => catalog.updateProduct(trx, req.actor!, req.params.id, { skus: [req.body] }))),
    );
    app.patch(
      '/products/:id/skus/:skuId',
      { schema: { tags: ['catalog'], summary: '修改 / 停用 SKU', params: SkuParams, body: SkuPatchBody }, config: R.write },
      (req) =>
        tx(async (trx) => {
          const current = (await catalog.getProduct(trx, req.actor!, req.params.id)).skus.find((s) => s.id === req.params.skuId);
          if (!current) throw new AppError('not_found', `SKU ${req.params.skuId} 不属于该商品`, { skuId: req.params.skuId });
          const b = req.body;
          return catalog.updateProduct(trx, req.actor!, req.params.id, {
            skus: [
              {
                id: current.id,
                spec: current.spec,
                code: b.code ?? current.code,
                barcode: b.barcode === undefined ? undefined : b.barcode,
                priceFen: b.priceFen ?? current.priceFen,
                costFen: b.costFen,
                weightG: b.weightG ?? current.weightG,
                status: b.status,
              },
            ],
          });
        }),
    );
    app.put(
      '/products/:id/listings',
      { schema: { tags: ['catalog'], summary: '设置各店铺的平台商品关联', params: IdParams, body: ListingsBody }, config: R.write },
      async (req) => ({ items: await tx((trx) => setListings(trx, req.actor!, req.params.id, req.body.items)) }),
    );
    app.get(
      '/products/:id/check',
      { schema: { tags: ['catalog'], summary: '单个商品的上架检查', params: IdParams }, config: R.read },
      async (req) => {
        await catalog.getProduct(app.db, req.actor!, req.params.id); // 404 when absent
        return (await checkProducts(app.db, req.actor!, [req.params.id]))[0]!;
      },
    );

    // ---------------------------------------------------------------- images
    app.post(
      '/products/:id/images',
      { schema: { tags: ['catalog'], summary: '上传商品图片（multipart 字段 file）', params: IdParams }, config: R.write },
      async (req, reply) => {
        const file = await uploadedFile(req, images.MAX_IMAGE_BYTES, '图片');
        return reply.code(201).send(await images.saveImage(app.db, app.database, req.actor!, req.params.id, file));
      },
    );
    app.get(
      '/products/:id/images/:imageId',
      { schema: { tags: ['catalog'], summary: '商品图片', params: ImageParams }, config: R.read },
      async (req, reply) => {
        const img = await images.readImage(app.db, app.database, req.actor!, req.params.id, req.params.imageId);
        return reply
          .type(img.mime)
          .header('content-length', img.size)
          .header('cache-control', 'private, max-age=86400')
          .header('x-content-type-options', 'nosniff')
          .send(img.stream);
      },
    );
    app.delete(
      '/products/:id/images/:imageId',
      { schema: { tags: ['catalog'], summary: '删除商品图片', params: ImageParams }, config: R.write },
      async (req, reply) => {
        await images.deleteImage(app.db, app.database, req.actor!, req.params.id, req.params.imageId);
        return reply.code(204).send();
      },
    );
    app.post(
      '/products/:id/images/reorder',
      {
        schema: { tags: ['catalog'], summary: '图片排序', params: IdParams, body: ImageOrderBody },
        config: R.write,
      },
      async (req) => ({ items: await tx((trx) => images.reorderImages(trx, req.actor!, req.params.id, req.body.ids)) }),
    );

    // ---------------------------------------------------------------- SKU picker
    app.get(
      '/skus/search',
      {
        schema: {
          tags: ['catalog'],
          summary: '搜索 SKU（编码、条码、标题）',
          querystring: SkuSearchQuery,
        },
        config: R.read,
      },
      async (req) => {
        const showCost = canSeeCost(req.actor!);
        const items = await searchSkus(app.db, req.actor!.orgId, req.query.q, req.query.limit);
        return { items: items.map(({ lowStock: _low, overStock: _over, ...s }) => ({ ...s, costFen: showCost ? s.costFen : null })) };
      },
    );

    // ---------------------------------------------------------------- banned words
    app.get(
      '/banned-words',
      { schema: { tags: ['catalog'], summary: '违禁词（首次使用时写入初始词表）' }, config: R.read },
      async (req) => ({
        items: await words.listWords(app.db, req.actor!.orgId),
      }),
    );
    app.post(
      '/banned-words',
      { schema: { tags: ['catalog'], summary: '添加违禁词', body: BannedWordBody }, config: R.write },
      async (req, reply) => {
        await words.ensureSeeded(app.db, req.actor!.orgId);
        return reply.code(201).send(await tx((trx) => words.createWord(trx, req.actor!, req.body)));
      },
    );
    app.patch(
      '/banned-words/:id',
      {
        schema: { tags: ['catalog'], summary: '修改违禁词（风险、说明、启用）', params: IdParams, body: UpdateBannedWordBody },
        config: R.write,
      },
      async (req, reply) => {
        await tx((trx) => words.updateWord(trx, req.actor!, req.params.id, req.body));
        return reply.code(204).send();
      },
    );
    app.delete(
      '/banned-words/:id',
      { schema: { tags: ['catalog'], summary: '删除违禁词', params: IdParams }, config: R.orgWide },
      async (req, reply) => {
        await tx((trx) => words.deleteWord(trx, req.actor!, req.params.id));
        return reply.code(204).send();
      },
    );
    app.post(
      '/banned-words/:id/exemptions',
      { schema: { tags: ['catalog'], summary: '添加豁免短语', params: IdParams, body: ExemptionBody }, config: R.write },
      async (req, reply) => reply.code(201).send(await tx((trx) => words.addExemption(trx, req.actor!, req.params.id, req.body))),
    );
    app.delete(
      '/banned-words/exemptions/:id',
      { schema: { tags: ['catalog'], summary: '删除豁免短语', params: IdParams }, config: R.orgWide },
      async (req, reply) => {
        await tx((trx) => words.deleteExemption(trx, req.actor!, req.params.id));
        return reply.code(204).send();
      },
    );
  });
}

/**
 * Product images on disk under `<data dir>/images/<org>/`: the type is decided by the file's magic
 * bytes (a renamed .exe with an image/png header is refused), at most 5 MB.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError, newId, type ProductImageDto } from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/dialect.js';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { dataDir } from '../../lib/files.js';
import * as audit from '../audit/index.js';
import { imageUrl } from './product-rules.js';

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_IMAGES_PER_PRODUCT = 30;

const TYPES = [
  { mime: 'image/jpeg', ext: 'jpg', test: (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    mime: 'image/png',
    ext: 'png',
    test: (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { mime: 'image/gif', ext: 'gif', test: (b: Buffer) => /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1')) },
  {
    mime: 'image/webp',
    ext: 'webp',
    test: (b: Buffer) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
] as const;

/** The image type from the first bytes, or null. */
export function sniffImage(buf: Buffer): { mime: string; ext: string } | null {
  const t = TYPES.find((x) => x.test(buf));
  return t ? { mime: t.mime, ext: t.ext } : null;
}

export async function saveImage(
  db: Kysely<DB>,
  database: Pick<Database, 'dialect' | 'file'>,
  actor: Actor,
  productId: string,
  file: { filename: string; buffer: Buffer },
): Promise<ProductImageDto> {
  const product = await db
    .selectFrom('products')
    .select(['id', 'title'])
    .where('id', '=', productId)
    .where('org_id', '=', actor.orgId)
    .executeTakeFirst();
  if (!product) throw new AppError('not_found', `商品 ${productId} 不存在`, { productId });
  if (file.buffer.length === 0) throw new AppError('validation_failed', `文件「${file.filename}」是空的，请重新选择图片`);
  if (file.buffer.length > MAX_IMAGE_BYTES)
    throw new AppError('payload_too_large', `图片「${file.filename}」超过 5 MB，请压缩后再上传`, { size: file.buffer.length });
  const kind = sniffImage(file.buffer);
  if (!kind)
    throw new AppError(
      'validation_failed',
      `文件「${file.filename}」不是图片：只支持 JPG、PNG、WebP、GIF 格式（按文件内容判断，改扩展名无效）`,
      {
        filename: file.filename,
      },
    );
  const id = newId('image');
  const rel = path.posix.join('images', actor.orgId, `${id}.${kind.ext}`);
  const abs = path.join(dataDir(database), rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  await fs.promises.writeFile(abs, file.buffer);
  try {
    return await db.transaction().execute(async (trx) => {
      const count = await trx
        .selectFrom('product_images')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('product_id', '=', productId)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_IMAGES_PER_PRODUCT)
        throw new AppError('invalid_state', `每个商品最多 ${MAX_IMAGES_PER_PRODUCT} 张图片，请先删除不用的图片`, { productId });
      const max = await trx
        .selectFrom('product_images')
        .select((eb) => eb.fn.max('sort').as('m'))
        .where('product_id', '=', productId)
        .executeTakeFirst();
      const sort = Number(max?.m ?? 0) + 1;
      await trx
        .insertInto('product_images')
        .values({
          id,
          org_id: actor.orgId,
          product_id: productId,
          file: rel,
          mime: kind.mime,
          size: file.buffer.length,
          sort,
          created_at: Date.now(),
        })
        .execute();
      await audit.record(trx, actor, 'product.image_add', {
        entityType: 'product',
        entityId: productId,
        after: { imageId: id, size: file.buffer.length },
      });
      return { id, url: imageUrl(productId, id), mime: kind.mime, size: file.buffer.length, sort };
    });
  } catch (err) {
    await fs.promises.rm(abs, { force: true });
    throw err;
  }
}

async function getImage(db: Kysely<DB> | Transaction<DB>, orgId: string, productId: string, imageId: string) {
  const row = await db
    .selectFrom('product_images')
    .selectAll()
    .where('id', '=', imageId)
    .where('product_id', '=', productId)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `图片 ${imageId} 不存在或已删除`, { imageId });
  return row;
}

export async function readImage(
  db: Kysely<DB>,
  database: Pick<Database, 'dialect' | 'file'>,
  actor: Actor,
  productId: string,
  imageId: string,
): Promise<{ mime: string; stream: fs.ReadStream; size: number }> {
  const row = await getImage(db, actor.orgId, productId, imageId);
  const abs = path.join(dataDir(database), row.file);
  if (!fs.existsSync(abs)) throw new AppError('not_found', `图片文件已丢失（${row.file}），请重新上传`, { imageId });
  return { mime: row.mime, stream: fs.createReadStream(abs), size: row.size };
}

/** Delete the row (audited), then the file once the transaction has committed. */
export async function deleteImage(
  db: Kysely<DB>,
  database: Pick<Database, 'dialect' | 'file'>,
  actor: Actor,
  productId: string,
  imageId: string,
): Promise<void> {
  const file = await db.transaction().execute(async (trx) => {
    const row = await getImage(trx, actor.orgId, productId, imageId);
    await trx.deleteFrom('product_images').where('id', '=', imageId).execute();
    await audit.record(trx, actor, 'product.image_delete', { entityType: 'product', entityId: productId, before: { imageId } });
    return row.file;
  });
  await fs.promises.rm(path.join(dataDir(database), file), { force: true });
}

export async function reorderImages(trx: Transaction<DB>, actor: Actor, productId: string, ids: string[]): Promise<ProductImageDto[]> {
  const rows = await trx
    .selectFrom('product_images')
    .selectAll()
    .where('product_id', '=', productId)
    .where('org_id', '=', actor.orgId)
    .execute();
  const known = new Set(rows.map((r) => r.id));
  if (ids.length !== rows.length || ids.some((id) => !known.has(id)) || new Set(ids).size !== ids.length)
    throw new AppError('validation_failed', '图片顺序与商品当前的图片不一致，请刷新页面后重新排序', { productId });
  for (const [i, id] of ids.entries())
    await trx
      .updateTable('product_images')
      .set({ sort: i + 1 })
      .where('id', '=', id)
      .execute();
  return ids.map((id, i) => {
    const r = rows.find((x) => x.id === id)!;
    return { id, url: imageUrl(productId, id), mime: r.mime, size: r.size, sort: i + 1 };
  });
}

export { dataDir };

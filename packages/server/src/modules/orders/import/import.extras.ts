/**
 * Around the import itself: mapping presets, import jobs and their bad-row reports, and lines not
 * yet matched to a SKU (list, and map to a SKU — which also teaches future imports).
 */
import { AppError, newId, type ImportPageInput, type MapUnmatchedInput, type Page } from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { insertOrConflict, pageOf, scopeToShops, withPage } from '../../../db/kit.js';
import type { DB } from '../../../db/schema.js';
import type { Actor } from '../../../http/actor.js';
import { csvLine } from '../../../lib/sheets.js';
import * as audit from '../../audit/index.js';
import * as catalog from '../../catalog/index.js';
import * as jobs from '../../jobs/index.js';
import { jobRowToJob, type JobDto } from '../../jobs/index.js';
import * as shops from '../../shops/index.js';

export const IMPORT_JOB_TYPE = 'orders.import';

// ----------------------------------------------------------------------------- presets

export interface ImportPreset {
  id: string;
  name: string;
  mapping: Record<string, string>;
  createdAt: number;
}

export async function listPresets(db: Kysely<DB>, actor: Actor): Promise<ImportPreset[]> {
  const rows = await db
    .selectFrom('import_presets')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .where('kind', '=', 'orders')
    .orderBy('name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    mapping: JSON.parse(r.mapping) as Record<string, string>,
    createdAt: Number(r.created_at),
  }));
}

export async function findPreset(db: Kysely<DB>, actor: Actor, ref: string): Promise<ImportPreset> {
  const all = await listPresets(db, actor);
  const p = all.find((x) => x.id === ref) ?? all.find((x) => x.name === ref);
  if (!p) {
    throw new AppError(
      'not_found',
      `找不到列对应方案「${ref}」${all.length ? `：已有 ${all.map((x) => x.name).join('、')}` : '：请先在“导入订单”页面保存一个方案'}`,
      {
        preset: ref,
      },
    );
  }
  return p;
}

/** Save a generic mapping under a name; saving an existing name replaces its mapping. */
export async function savePreset(
  trx: Transaction<DB>,
  actor: Actor,
  input: { name: string; mapping: Record<string, string> },
): Promise<ImportPreset> {
  const now = Date.now();
  const existing = await trx
    .selectFrom('import_presets')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .where('kind', '=', 'orders')
    .where('name', '=', input.name)
    .executeTakeFirst();
  const mapping = JSON.stringify(input.mapping);
  if (existing) {
    await trx.updateTable('import_presets').set({ mapping }).where('id', '=', existing.id).execute();
    return { id: existing.id, name: existing.name, mapping: input.mapping, createdAt: Number(existing.created_at) };
  }
  const id = newId('preset');
  await insertOrConflict(
    trx
      .insertInto('import_presets')
      .values({ id, org_id: actor.orgId, kind: 'orders', name: input.name, mapping, created_at: now })
      .execute(),
    `已有名为「${input.name}」的方案，请换一个名称`,
  );
  await audit.record(trx, actor, 'import.preset.create', { entityType: 'import_preset', entityId: id, after: input });
  return { id, name: input.name, mapping: input.mapping, createdAt: now };
}

export async function deletePreset(trx: Transaction<DB>, actor: Actor, id: string): Promise<void> {
  const res = await trx.deleteFrom('import_presets').where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (res.numDeletedRows !== 1n) throw new AppError('not_found', `列对应方案 ${id} 不存在`);
  await audit.record(trx, actor, 'import.preset.delete', { entityType: 'import_preset', entityId: id });
}

// ----------------------------------------------------------------------------- jobs

/** A job as the console sees it: the server-side file paths and the resume point stay on the server. */
function jobToDto(row: DB['jobs']): JobDto {
  const dto = jobRowToJob(row);
  if (dto.payload && typeof dto.payload === 'object') {
    const { files: _files, ...rest } = dto.payload as Record<string, unknown>;
    void _files;
    dto.payload = rest;
  }
  if (dto.result && typeof dto.result === 'object' && 'resume' in dto.result) {
    const { resume: _resume, ...rest } = dto.result as Record<string, unknown>;
    void _resume;
    dto.result = rest;
  }
  return dto;
}

export async function getJob(db: Kysely<DB>, actor: Actor, id: string): Promise<JobDto> {
  const row = await jobs.findVisibleJob(db, actor, IMPORT_JOB_TYPE, id);
  if (!row) throw new AppError('not_found', `导入任务 ${id} 不存在或无权查看`, { jobId: id });
  return jobToDto(row);
}

export async function listJobs(db: Kysely<DB>, actor: Actor, q: ImportPageInput): Promise<Page<JobDto>> {
  const page = await jobs.listVisibleJobs(db, actor, { ...q, type: IMPORT_JOB_TYPE });
  return { ...page, items: page.items.map(jobToDto) };
}

export interface ImportErrorDto {
  seq: number;
  file: string;
  rowNo: number;
  column: string;
  value: string;
  reason: string;
}

export async function listErrors(db: Kysely<DB>, actor: Actor, jobId: string, q: ImportPageInput): Promise<Page<ImportErrorDto>> {
  await getJob(db, actor, jobId);
  const base = db.selectFrom('import_errors').where('job_id', '=', jobId);
  const [rows, count] = await Promise.all([
    withPage(base.selectAll().orderBy('seq'), q).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return pageOf(
    rows.map((r) => ({
      seq: r.seq,
      file: r.file,
      rowNo: Number(r.row_no),
      column: r.column_name,
      value: r.value,
      reason: r.reason,
    })),
    Number(count?.n ?? 0),
    q,
  );
}

const FILE_NAMES: Record<string, string> = { orders: '订单文件', items: '宝贝明细文件' };

/** The bad rows as CSV (UTF-8 with BOM so Excel reads the Chinese; formula-like cells escaped). */
export async function* errorsCsv(db: Kysely<DB>, actor: Actor, jobId: string): AsyncGenerator<string> {
  await getJob(db, actor, jobId);
  yield '\uFEFF' + csvLine(['文件', '行号', '列', '值', '原因']);
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('import_errors')
      .selectAll()
      .where('job_id', '=', jobId)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(2000)
      .execute();
    if (!rows.length) break;
    after = rows[rows.length - 1]!.seq;
    yield rows.map((r) => csvLine([FILE_NAMES[r.file] ?? r.file, Number(r.row_no), r.column_name, r.value, r.reason])).join('');
  }
}

// ----------------------------------------------------------------------------- unmatched lines

export interface UnmatchedGroup {
  shopId: string;
  merchantCode: string;
  channelItemId: string;
  title: string;
  lines: number;
  qty: number;
}

export async function listUnmatched(db: Kysely<DB>, actor: Actor, q: ImportPageInput): Promise<Page<UnmatchedGroup>> {
  let base = db
    .selectFrom('order_lines')
    .innerJoin('orders', 'orders.id', 'order_lines.order_id')
    .where('orders.org_id', '=', actor.orgId)
    .where('order_lines.sku_id', 'is', null);
  base = scopeToShops(base, actor, 'orders.shop_id');
  if (q.shopId) base = base.where('orders.shop_id', '=', q.shopId);
  const grouped = base
    .select((eb) => [
      'orders.shop_id as shop_id',
      'order_lines.merchant_code as merchant_code',
      'order_lines.channel_item_id as channel_item_id',
      eb.fn.min('order_lines.title').as('title'),
      eb.fn.countAll<number>().as('lines'),
      eb.fn.sum<number>('order_lines.qty').as('qty'),
    ])
    .groupBy(['orders.shop_id', 'order_lines.merchant_code', 'order_lines.channel_item_id']);
  const [rows, count] = await Promise.all([
    withPage(grouped.orderBy('lines', 'desc').orderBy('merchant_code').orderBy('channel_item_id'), q).execute(),
    db
      .selectFrom(grouped.as('g'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst(),
  ]);
  return pageOf(
    rows.map((r) => ({
      shopId: r.shop_id,
      merchantCode: r.merchant_code,
      channelItemId: r.channel_item_id,
      title: String(r.title ?? ''),
      lines: Number(r.lines),
      qty: Number(r.qty ?? 0),
    })),
    Number(count?.n ?? 0),
    q,
  );
}

/**
 * Link every unmatched line of a shop with this merchant code and/or platform item id to a SKU,
 * and remember the platform item as a listing of that SKU so future imports match it.
 */
export async function mapUnmatched(
  trx: Transaction<DB>,
  actor: Actor,
  input: MapUnmatchedInput,
): Promise<{ lines: number; listingCreated: boolean }> {
  if (input.merchantCode === undefined && input.channelItemId === undefined) {
    throw new AppError('validation_failed', '请指定要对应的商家编码或平台商品ID', {}, [
      { path: 'merchantCode', message: '商家编码和平台商品ID至少填一个' },
    ]);
  }
  await shops.getVisible(trx, actor, input.shopId);
  const sku = (await catalog.skuSummaries(trx, actor.orgId, [input.skuId])).get(input.skuId);
  if (!sku) throw new AppError('not_found', `SKU ${input.skuId} 不存在`, {}, [{ path: 'skuId', message: 'SKU 不存在' }]);
  let q = trx
    .updateTable('order_lines')
    .set({ sku_id: sku.id, unit_cost_fen: sku.costFen })
    .where('sku_id', 'is', null)
    .where('order_id', 'in', (eb) =>
      eb.selectFrom('orders').select('id').where('shop_id', '=', input.shopId).where('org_id', '=', actor.orgId),
    );
  if (input.merchantCode !== undefined) q = q.where('merchant_code', '=', input.merchantCode);
  if (input.channelItemId !== undefined) q = q.where('channel_item_id', '=', input.channelItemId);
  const res = await q.executeTakeFirst();
  let listingCreated = false;
  if (input.channelItemId) {
    listingCreated = await catalog.linkListing(trx, {
      orgId: actor.orgId,
      shopId: input.shopId,
      productId: sku.productId,
      skuId: sku.id,
      channelItemId: input.channelItemId,
    });
  }
  const lines = Number(res.numUpdatedRows);
  await audit.record(trx, actor, 'import.unmatched.map', {
    entityType: 'sku',
    entityId: sku.id,
    shopId: input.shopId,
    after: {
      merchantCode: input.merchantCode ?? null,
      channelItemId: input.channelItemId ?? null,
      skuCode: sku.code,
      lines,
      listingCreated,
    },
  });
  return { lines, listingCreated };
}

/** SKUs for the mapping picker: code, barcode or product title containing `q`. */
export async function skuOptions(
  db: Kysely<DB>,
  actor: Actor,
  q: string,
): Promise<{ id: string; code: string; title: string; specText: string }[]> {
  const found = await catalog.searchSkus(db, actor.orgId, q, 30);
  return found.map((s) => ({ id: s.id, code: s.code, title: s.productTitle, specText: s.specText }));
}

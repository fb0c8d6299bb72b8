/**
 * What the upload routes do with the files once they are saved: check the form and queue the
 * import job, or preview a file's headers and first rows against the format.
 */
import {
  AppError,
  fileSpec,
  IMPORT_FORMATS,
  ImportFormatSchema,
  ImportMapping,
  matchHeaders,
  type ImportField,
  type ImportFileKind,
  type ImportFormat,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema.js';
import type { Actor } from '../../../http/actor.js';
import { enqueue } from '../../jobs/index.js';
import * as shops from '../../shops/index.js';
import * as extras from './import.extras.js';
import type { ImportJobPayload } from './index.js';
import { previewFile, type FileEncoding } from './reader.js';

/** A file saved from the upload: where on the server, and the name the user gave it. */
export interface Uploaded {
  path: string;
  name: string;
}

/** The upload form: its text fields and its saved files. */
export interface ImportUpload {
  fields: Record<string, string>;
  files: Partial<Record<ImportFileKind, Uploaded>>;
}

function parseFormat(v: string | undefined): ImportFormat {
  const r = ImportFormatSchema.safeParse(v);
  if (!r.success) {
    throw new AppError('validation_failed', `请选择文件格式：${IMPORT_FORMATS.join(' / ')}`, {}, [
      { path: 'format', message: '请选择文件格式' },
    ]);
  }
  return r.data;
}

/** Check the upload form and queue its import job under `jobId` (the files are saved under that id). */
export async function enqueueUpload(db: Kysely<DB>, actor: Actor, jobId: string, upload: ImportUpload): Promise<void> {
  const { fields, files } = upload;
  const format = parseFormat(fields.format);
  if (!fields.shopId) throw new AppError('validation_failed', '请选择要导入到的店铺', {}, [{ path: 'shopId', message: '请选择店铺' }]);
  const shop = await shops.getVisible(db, actor, fields.shopId);
  if (!files.orders) {
    throw new AppError('validation_failed', '请选择订单文件（CSV 或 XLSX）', {}, [{ path: 'orders', message: '请选择订单文件' }]);
  }
  if (files.items && format !== 'taobao') {
    throw new AppError('validation_failed', '只有淘宝/天猫格式需要宝贝明细文件；其他平台的订单导出每行就是一个商品', {}, [
      { path: 'items', message: '此格式不需要宝贝明细文件' },
    ]);
  }
  let mapping: Record<string, string> | null = null;
  let presetName: string | null = null;
  if (fields.presetId) {
    const p = await extras.findPreset(db, actor, fields.presetId);
    mapping = p.mapping;
    presetName = p.name;
  } else if (fields.mapping) {
    let raw: unknown;
    try {
      raw = JSON.parse(fields.mapping);
    } catch {
      raw = null;
    }
    const m = ImportMapping.safeParse(raw);
    if (!m.success)
      throw new AppError('validation_failed', '列对应（mapping）应为 JSON 对象 { 字段: 表头 }', {}, [
        { path: 'mapping', message: '格式不正确' },
      ]);
    mapping = m.data;
  }
  if (format === 'generic' && !mapping) {
    throw new AppError('validation_failed', '通用格式需要先设置列对应：请预览文件并为每个字段选择列，或选择已保存的方案', {}, [
      { path: 'mapping', message: '请设置列对应' },
    ]);
  }
  const payload: ImportJobPayload = {
    shopId: shop.id,
    format,
    files: { orders: files.orders.path, items: files.items?.path },
    names: { orders: files.orders.name, items: files.items?.name },
    mapping,
    presetName,
    moveStock: ['1', 'true', 'on', 'yes'].includes((fields.moveStock ?? '').toLowerCase()),
  };
  await enqueue(db, {
    id: jobId,
    orgId: actor.orgId,
    shopId: shop.id,
    type: extras.IMPORT_JOB_TYPE,
    payload,
    createdBy: actor.userId || null,
  });
}

export interface ImportPreview {
  encoding: FileEncoding;
  headers: string[];
  rows: string[][];
  mapping: Partial<Record<ImportField, string>>;
  missing: ImportField[];
  fields: { field: ImportField; label: string; required: boolean }[];
}

/** The uploaded file's encoding, headers and first 10 rows, and which columns match the format's fields. */
export async function previewUpload(upload: ImportUpload): Promise<ImportPreview> {
  const { fields, files } = upload;
  const format = parseFormat(fields.format);
  const kind: ImportFileKind = fields.kind === 'items' && format === 'taobao' ? 'items' : 'orders';
  if (!files.orders) throw new AppError('validation_failed', '请选择要预览的文件', {}, [{ path: 'file', message: '请选择文件' }]);
  const pv = await previewFile(files.orders.path, 10, { name: files.orders.name });
  const spec = fileSpec(format, kind);
  const m = matchHeaders(pv.headers, spec);
  return {
    encoding: pv.encoding,
    headers: pv.headers,
    rows: pv.rows,
    mapping: m.headers,
    missing: m.missing.map((x) => x.field),
    fields: spec.fields.map((x) => ({ field: x.field, label: x.label, required: !!x.required })),
  };
}

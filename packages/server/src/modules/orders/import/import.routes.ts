import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import fastifyMultipart from '@fastify/multipart';
import {
  AppError,
  controlCharMessage,
  firstControlChar,
  IdParams,
  ImportPageQuery,
  ImportPresetBody,
  MapUnmatchedBody,
  newId,
  showControlChars,
  SkuOptionsQuery,
  type ImportFileKind,
} from '@yunying/core';
import type { FastifyRequest } from 'fastify';
import type { AppInstance } from '../../../http/types.js';
import { savePart } from '../../../lib/uploads.js';
import * as extras from './import.extras.js';
import { enqueueUpload, previewUpload, type ImportUpload } from './import.uploads.js';
import { importsDir } from './index.js';

const MAX_UPLOAD = 2 * 1024 * 1024 * 1024;

/** Multipart fields and file names skip the JSON guard (http/control-chars.ts): the same rule here. */
function refuseControlChars(name: string, value: string): void {
  const field = showControlChars(name);
  const ch = firstControlChar(value);
  if (ch)
    throw new AppError('validation_failed', controlCharMessage(`字段 ${field}`, ch), { field }, [
      { path: field, message: controlCharMessage('此项', ch) },
    ]);
}

/** Save the multipart files to `dir` under `prefix` (streamed, never buffered) and collect the fields. */
async function receive(req: FastifyRequest, dir: string, prefix: string): Promise<ImportUpload> {
  if (!req.isMultipart()) throw new AppError('validation_failed', '请以 multipart/form-data 上传文件（字段 orders，淘宝另加 items）');
  const fields: Record<string, string> = {};
  const files: ImportUpload['files'] = {};
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const kind: ImportFileKind | null =
          part.fieldname === 'items' ? 'items' : part.fieldname === 'orders' || part.fieldname === 'file' ? 'orders' : null;
        if (!kind || !part.filename) {
          part.file.resume();
          continue;
        }
        if (firstControlChar(part.filename)) part.file.resume();
        refuseControlChars(part.fieldname, part.filename);
        const ext = (path
          .extname(part.filename)
          .toLowerCase()
          .match(/^\.[a-z0-9]{1,5}$/) ?? ['.csv'])[0];
        const dest = path.join(dir, `${prefix}-${kind}${ext}`);
        await savePart(part.file, dest, req.raw);
        files[kind] = { path: dest, name: part.filename };
        if (part.file.truncated) throw new AppError('payload_too_large', '文件超过 2 GB 上限，请按时间段拆分后分批导入');
      } else {
        fields[part.fieldname] = String(part.value ?? '');
        refuseControlChars(part.fieldname, fields[part.fieldname]!);
      }
    }
  } catch (err) {
    for (const f of Object.values(files)) fs.rmSync(f.path, { force: true });
    throw err;
  }
  return { fields, files };
}

function cleanup(files: ImportUpload['files']): void {
  for (const f of Object.values(files)) fs.rmSync(f.path, { force: true });
}

export async function importRoutes(app: AppInstance): Promise<void> {
  await app.register(async (instance) => {
    const sub = instance as unknown as AppInstance;
    if (!sub.hasRequestDecorator('file')) await sub.register(fastifyMultipart, { limits: { fileSize: MAX_UPLOAD, files: 2, fields: 20 } });

    sub.post(
      '/imports/orders',
      {
        schema: {
          tags: ['imports'],
          summary: '导入订单（multipart：orders 文件，淘宝另加 items 宝贝明细；shopId, format, presetId 或 mapping, moveStock）',
        },
        config: { permission: 'orders.import' },
      },
      async (req, reply) => {
        const jobId = newId('job');
        const upload = await receive(req, importsDir(app.database), jobId);
        try {
          await enqueueUpload(app.db, req.actor!, jobId, upload);
          return reply.code(202).send({ jobId });
        } catch (err) {
          cleanup(upload.files);
          throw err;
        }
      },
    );

    sub.post(
      '/imports/preview',
      {
        schema: { tags: ['imports'], summary: '预览导入文件：编码、表头、前 10 行与自动对应的列（multipart：file, format, kind）' },
        config: { permission: 'orders.import' },
      },
      async (req) => {
        const upload = await receive(req, importsDir(app.database), `preview-${newId('job')}`);
        try {
          return await previewUpload(upload);
        } finally {
          cleanup(upload.files);
        }
      },
    );
  });

  app.get(
    '/imports/jobs',
    { schema: { tags: ['imports'], summary: '导入记录', querystring: ImportPageQuery }, config: { permission: 'orders.import' } },
    (req) => extras.listJobs(app.db, req.actor!, req.query),
  );
  app.get(
    '/imports/jobs/:id',
    { schema: { tags: ['imports'], summary: '导入任务：状态、进度与结果', params: IdParams }, config: { permission: 'orders.import' } },
    (req) => extras.getJob(app.db, req.actor!, req.params.id),
  );
  app.get(
    '/imports/jobs/:id/errors',
    {
      schema: { tags: ['imports'], summary: '导入任务的问题行', params: IdParams, querystring: ImportPageQuery },
      config: { permission: 'orders.import' },
    },
    (req) => extras.listErrors(app.db, req.actor!, req.params.id, req.query),
  );
  app.get(
    '/imports/jobs/:id/errors.csv',
    { schema: { tags: ['imports'], summary: '下载问题行（CSV，UTF-8 BOM）', params: IdParams }, config: { permission: 'orders.import' } },
    async (req, reply) => {
      await extras.getJob(app.db, req.actor!, req.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="import-errors-${req.params.id}.csv"`)
        .send(Readable.from(extras.errorsCsv(app.db, req.actor!, req.params.id)));
    },
  );

  app.get(
    '/imports/presets',
    { schema: { tags: ['imports'], summary: '列对应方案' }, config: { permission: 'orders.import' } },
    async (req) => ({
      items: await extras.listPresets(app.db, req.actor!),
    }),
  );
  app.post(
    '/imports/presets',
    {
      schema: {
        tags: ['imports'],
        summary: '保存列对应方案（同名覆盖）',
        body: ImportPresetBody,
      },
      config: { permission: 'orders.import' },
    },
    async (req, reply) => reply.code(201).send(await app.db.transaction().execute((trx) => extras.savePreset(trx, req.actor!, req.body))),
  );
  app.delete(
    '/imports/presets/:id',
    { schema: { tags: ['imports'], summary: '删除列对应方案', params: IdParams }, config: { permission: 'orders.import' } },
    async (req, reply) => {
      await app.db.transaction().execute((trx) => extras.deletePreset(trx, req.actor!, req.params.id));
      return reply.code(204).send();
    },
  );

  app.get(
    '/imports/unmatched',
    {
      schema: { tags: ['imports'], summary: '未匹配 SKU 的订单商品（按商家编码/平台商品ID汇总）', querystring: ImportPageQuery },
      config: { permission: 'orders.import' },
    },
    (req) => extras.listUnmatched(app.db, req.actor!, req.query),
  );
  app.post(
    '/imports/unmatched/map',
    {
      schema: {
        tags: ['imports'],
        summary: '把未匹配的商品对应到 SKU（同时记住平台商品ID，以后导入自动匹配）',
        body: MapUnmatchedBody,
      },
      config: { permission: 'orders.import' },
    },
    (req) => app.db.transaction().execute((trx) => extras.mapUnmatched(trx, req.actor!, req.body)),
  );
  app.get(
    '/imports/sku-options',
    {
      schema: {
        tags: ['imports'],
        summary: '按编码或商品标题查找 SKU（对应未匹配商品用）',
        querystring: SkuOptionsQuery,
      },
      config: { permission: 'orders.import' },
    },
    async (req) => ({ items: await extras.skuOptions(app.db, req.actor!, req.query.q.trim()) }),
  );
}

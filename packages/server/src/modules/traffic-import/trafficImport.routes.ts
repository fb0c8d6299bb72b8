import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import { AppError, isBusinessDay, newId, normalizeTrafficMapping, TrafficImportListQuery, type TrafficMapping } from '@yunying/core';
import type { FastifyRequest } from 'fastify';
import type { AppInstance } from '../../http/types.js';
import { savePart } from '../../lib/uploads.js';
import { importsDir } from '../orders/import/index.js';
import { importTrafficFile, listImports, previewTrafficFile, removeUpload } from './trafficImport.service.js';

/** Statistics exports are small (days × products × sources); 200 MB is far beyond a real one. */
const MAX_UPLOAD = 200 * 1024 * 1024;
const tooLarge = () => new AppError('payload_too_large', '文件超过 200 MB 上限：请按日期拆分后分批导入');
const tags = ['traffic'];
const config = { permission: 'traffic.manage' } as const;

interface Upload {
  fields: Record<string, string>;
  file: { path: string; name: string } | null;
}

/** Save the multipart file (field `file`) to the imports folder, streamed, and collect the fields. */
async function receive(req: FastifyRequest, dir: string): Promise<Upload> {
  if (!req.isMultipart()) throw new AppError('validation_failed', '请以 multipart/form-data 上传文件（字段 file）');
  const fields: Record<string, string> = {};
  let file: Upload['file'] = null;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || !part.filename || file) {
          part.file.resume();
          continue;
        }
        const ext = (path
          .extname(part.filename)
          .toLowerCase()
          .match(/^\.[a-z0-9]{1,5}$/) ?? ['.csv'])[0];
        const dest = path.join(dir, `traffic-${newId('job')}${ext}`);
        file = { path: dest, name: part.filename };
        try {
          await savePart(part.file, dest, req.raw);
        } catch (err) {
          if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
          throw err;
        }
        if (part.file.truncated) throw tooLarge();
      } else {
        fields[part.fieldname] = String(part.value ?? '');
      }
    }
  } catch (err) {
    if (file) removeUpload(file.path);
    throw err;
  }
  return { fields, file };
}

function parseMapping(raw: string | undefined): TrafficMapping | null {
  if (!raw || !raw.trim()) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  const r = normalizeTrafficMapping(json);
  if (!r.ok)
    throw new AppError(
      'validation_failed',
      `列对应（mapping）不正确：${r.reason}。格式：{"columns":{"uv":"访客数"},"sources":{"平台来源名":"来源代码"}}`,
      {},
      [{ path: 'mapping', message: r.reason }],
    );
  return r.value;
}

/** Traffic statistics import (mounted under /api/v1). */
export async function trafficImportRoutes(app: AppInstance): Promise<void> {
  await app.register(async (instance) => {
    const sub = instance as unknown as AppInstance;
    if (!sub.hasRequestDecorator('file')) await sub.register(fastifyMultipart, { limits: { fileSize: MAX_UPLOAD, files: 1, fields: 20 } });

    sub.post(
      '/traffic/import',
      {
        schema: {
          tags,
          summary: '导入平台流量数据（multipart：file 文件，shopId，可选 mapping 列对应 JSON、day 无日期列时的统计日期）',
        },
        config,
      },
      async (req) => {
        const { fields, file } = await receive(req, importsDir(app.database));
        try {
          if (!fields.shopId)
            throw new AppError('validation_failed', '请选择要导入到的店铺', {}, [{ path: 'shopId', message: '请选择店铺' }]);
          if (!file)
            throw new AppError('validation_failed', '请选择流量数据文件（CSV 或 XLSX）', {}, [{ path: 'file', message: '请选择文件' }]);
          const day = fields.day?.trim() || null;
          if (day && !isBusinessDay(day))
            throw new AppError('validation_failed', '统计日期应为 YYYY-MM-DD', {}, [{ path: 'day', message: '日期格式不正确' }]);
          return await importTrafficFile(app.db, req.actor!, {
            shopId: fields.shopId,
            file: file.path,
            fileName: file.name,
            mapping: parseMapping(fields.mapping),
            day,
          });
        } finally {
          if (file) removeUpload(file.path);
        }
      },
    );

    sub.post(
      '/traffic/import/preview',
      { schema: { tags, summary: '预览流量数据文件：编码、表头行、前 10 行与自动对应的列（multipart：file，可选 mapping）' }, config },
      async (req) => {
        const { fields, file } = await receive(req, importsDir(app.database));
        try {
          if (!file) throw new AppError('validation_failed', '请选择要预览的文件', {}, [{ path: 'file', message: '请选择文件' }]);
          return await previewTrafficFile(file.path, parseMapping(fields.mapping), file.name);
        } finally {
          if (file) removeUpload(file.path);
        }
      },
    );
  });

  app.get('/traffic/imports', { schema: { tags, summary: '流量数据导入记录', querystring: TrafficImportListQuery }, config }, (req) =>
    listImports(app.db, req.actor!, req.query),
  );
}

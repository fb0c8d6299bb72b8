import fs from 'node:fs';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import {
  AppError,
  BatchFollowupBody,
  CreateReviewBody,
  DsrBenchmarkBody,
  DsrQuery,
  FollowupBody,
  newId,
  REPLY_TEMPLATES,
  RepeatedComplaintsQuery,
  ReviewKeywordsBody,
  ReviewListQuery,
} from '@yunying/core';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppInstance } from '../../http/types.js';
import { savePart } from '../../lib/uploads.js';
import { importsDir } from '../orders/import/index.js';
import { dsrTrend, repeatedComplaints, setBenchmark } from './reviews.insights.js';
import * as reviews from './reviews.service.js';

const tags = ['reviews'];
const R = { read: { permission: 'reviews.read' }, write: { permission: 'reviews.write' } } as const;
export const removeUpload = (file: string): void => fs.rmSync(file, { force: true });
const IdParams = z.object({ id: z.string().max(64) });
/** Review exports are text: 50 MB is years of a large shop. */
const MAX_UPLOAD = 50 * 1024 * 1024;

/** Save the multipart file (field `file`) and collect the other fields. */
export async function receiveUpload(
  req: FastifyRequest,
  dir: string,
  prefix: string,
): Promise<{ fields: Record<string, string>; file: { path: string; name: string } | null }> {
  if (!req.isMultipart()) throw new AppError('validation_failed', '请以 multipart/form-data 上传文件（字段 file）');
  const fields: Record<string, string> = {};
  let file: { path: string; name: string } | null = null;
  const tooLarge = () => new AppError('payload_too_large', '文件超过 50 MB 上限：请按日期拆分后分批导入');
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
        const dest = path.join(dir, `${prefix}-${newId('job')}${ext}`);
        file = { path: dest, name: part.filename };
        try {
          await savePart(part.file, dest, req.raw);
        } catch (err) {
          if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
          throw err;
        }
        if (part.file.truncated) throw tooLarge();
      } else fields[part.fieldname] = String(part.value ?? '');
    }
  } catch (err) {
    if (file) removeUpload(file.path);
    throw err;
  }
  return { fields, file };
}

export async function reviewsRoutes(app: AppInstance): Promise<void> {
  await app.register(async (instance) => {
    const sub = instance as unknown as AppInstance;
    if (!sub.hasRequestDecorator('file')) await sub.register(fastifyMultipart, { limits: { fileSize: MAX_UPLOAD, files: 1, fields: 10 } });
    sub.post(
      '/reviews/import',
      { schema: { tags, summary: '导入平台评价（multipart：file，shopId，format=taobao|jd|pdd|douyin|generic）' }, config: R.write },
      async (req) => {
        const { fields, file } = await receiveUpload(req, importsDir(app.database), 'reviews');
        try {
          if (!fields.shopId)
            throw new AppError('validation_failed', '请选择要导入到的店铺', {}, [{ path: 'shopId', message: '请选择店铺' }]);
          if (!file)
            throw new AppError('validation_failed', '请选择评价文件（CSV 或 XLSX）', {}, [{ path: 'file', message: '请选择文件' }]);
          return await reviews.importReviewsFile(app.db, req.actor!, {
            shopId: fields.shopId,
            format: fields.format || 'generic',
            file: file.path,
            fileName: file.name,
          });
        } finally {
          if (file) removeUpload(file.path);
        }
      },
    );
  });

  const tx = app.db.transaction.bind(app.db);
  app.get(
    '/reviews',
    { schema: { tags, summary: '评价列表（好评/中评/差评、跟进状态、超时、标签、搜索）', querystring: ReviewListQuery }, config: R.read },
    (req) => reviews.listReviews(app.db, req.actor!, req.query),
  );
  app.post('/reviews', { schema: { tags, summary: '手工录入一条评价', body: CreateReviewBody }, config: R.write }, (req) =>
    tx().execute((trx) => reviews.createReview(trx, req.actor!, req.body)),
  );
  app.get('/reviews/templates', { schema: { tags, summary: '公开回复模板' }, config: R.read }, () => ({ items: REPLY_TEMPLATES }));
  app.get('/reviews/keywords', { schema: { tags, summary: '评价关键词标签词典' }, config: R.read }, async (req) => ({
    items: await reviews.dictionary(app.db, req.actor!.orgId),
  }));
  app.put(
    '/reviews/keywords',
    { schema: { tags, summary: '保存关键词词典并重新给评价打标签', body: ReviewKeywordsBody }, config: R.write },
    async (req) => ({
      items: await tx().execute((trx) => reviews.setDictionary(trx, req.actor!, req.body)),
    }),
  );
  app.get(
    '/reviews/dsr',
    { schema: { tags, summary: 'DSR 动态评分趋势（近 180 天滚动平均）与行业均值对比', querystring: DsrQuery }, config: R.read },
    (req) => dsrTrend(app.db, req.actor!, req.query),
  );
  app.put(
    '/reviews/dsr/benchmark',
    { schema: { tags, summary: '录入某月的行业（类目）平均 DSR', body: DsrBenchmarkBody }, config: R.write },
    (req) => tx().execute((trx) => setBenchmark(trx, req.actor!, req.body)),
  );
  app.get(
    '/reviews/repeated-complaints',
    { schema: { tags, summary: '同一商品反复出现的差评问题（按关键词标签）', querystring: RepeatedComplaintsQuery }, config: R.read },
    (req) => repeatedComplaints(app.db, req.actor!, req.query),
  );
  app.post(
    '/reviews/batch/followup',
    { schema: { tags, summary: '批量跟进（勾选的评价执行同一步骤）', body: BatchFollowupBody }, config: R.write },
    (req) => reviews.batchFollowup(app.db, req.actor!, req.body),
  );
  app.get('/reviews/:id', { schema: { tags, summary: '评价详情与跟进记录', params: IdParams }, config: R.read }, (req) =>
    reviews.getReview(app.db, req.actor!, req.params.id),
  );
  app.post(
    '/reviews/:id/followup',
    {
      schema: { tags, summary: '跟进一步：联系、补偿、请求修改、公开回复、结束（含结果）、重新打开', params: IdParams, body: FollowupBody },
      config: R.write,
    },
    (req) => tx().execute((trx) => reviews.followup(trx, req.actor!, req.params.id, req.body)),
  );
}

import path from 'node:path';
import fs from 'node:fs';
import fastifyMultipart from '@fastify/multipart';
import {
  AD_FORMATS,
  AD_TOOLS,
  AdAbQuery,
  AdAdviceDecisionBody,
  AdAdviceQuery,
  AdDayBody,
  AdIdParams,
  AdPeriodQuery,
  AdPlanBatchBody,
  AdPacingQuery,
  AdPlanListQuery,
  AdSpendNowBody,
  AppError,
  CreateAdPlanBody,
  isBusinessDay,
  newId,
  UpdateAdPlanBody,
  type AdFormat,
  type AdTool,
} from '@yunying/core';
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import type { AppInstance } from '../../http/types.js';
import { savePart } from '../../lib/uploads.js';
import { importsDir } from '../orders/import/index.js';
import * as shops from '../shops/index.js';
import { adviceDay, compareCreatives, decideAdvice, listAdvice, refreshAdvice } from './ads.advice.js';
import { adSummaryWorkbook } from './ads.export.js';
import { importAdFile, importTaokeFile } from './ads.import.js';
import { enterSpendNow, pacing } from './ads.pacing.js';
import * as svc from './ads.service.js';

const MAX_UPLOAD = 100 * 1024 * 1024;
const tags = ['ads'];
const R = { read: { permission: 'ads.read' }, write: { permission: 'ads.write' } } as const;

interface Upload {
  fields: Record<string, string>;
  file: { path: string; name: string } | null;
}

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
        const dest = path.join(dir, `ads-${newId('job')}${ext}`);
        file = { path: dest, name: part.filename };
        await savePart(part.file, dest, req.raw);
        if (part.file.truncated) throw new AppError('payload_too_large', '文件超过 100 MB 上限：请按日期拆分后分批导入');
      } else fields[part.fieldname] = String(part.value ?? '');
    }
  } catch (err) {
    if (file) fs.rmSync(file.path, { force: true });
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
      throw new AppError('payload_too_large', '文件超过 100 MB 上限：请按日期拆分后分批导入');
    throw err;
  }
  return { fields, file };
}

const needShopAndFile = (u: Upload) => {
  if (!u.fields.shopId) throw new AppError('validation_failed', '请选择要导入到的店铺', {}, [{ path: 'shopId', message: '请选择店铺' }]);
  if (!u.file) throw new AppError('validation_failed', '请选择推广报表文件（CSV 或 XLSX）', {}, [{ path: 'file', message: '请选择文件' }]);
  return { shopId: u.fields.shopId, file: u.file };
};

/** Paid promotion (mounted under /api/v1). */
export async function adsRoutes(app: AppInstance): Promise<void> {
  const tx = <T>(fn: (trx: Transaction<DB>) => Promise<T>) => app.db.transaction().execute(fn);

  await app.register(async (instance) => {
    const sub = instance as unknown as AppInstance;
    if (!sub.hasRequestDecorator('file')) await sub.register(fastifyMultipart, { limits: { fileSize: MAX_UPLOAD, files: 1, fields: 10 } });
    sub.post(
      '/ads/import',
      {
        schema: {
          tags,
          summary:
            '导入推广报表（multipart：file，shopId，format 报表格式，通用格式可给 tool，无日期列时给 day；dryRun=1 只解析预览、不写入）',
        },
        config: R.write,
      },
      async (req) => {
        const u = await receive(req, importsDir(app.database));
        try {
          const { shopId, file } = needShopAndFile(u);
          const format = (u.fields.format || 'generic') as AdFormat;
          if (!(AD_FORMATS as readonly string[]).includes(format))
            throw new AppError('validation_failed', `报表格式应为 ${AD_FORMATS.join(' / ')} 之一`, {}, [
              { path: 'format', message: '未知的报表格式' },
            ]);
          const tool = (u.fields.tool || null) as AdTool | null;
          if (tool && !(AD_TOOLS as readonly string[]).includes(tool))
            throw new AppError('validation_failed', `推广工具应为 ${AD_TOOLS.join(' / ')} 之一`, {}, [
              { path: 'tool', message: '未知的推广工具' },
            ]);
          const day = u.fields.day?.trim() || null;
          if (day && !isBusinessDay(day))
            throw new AppError('validation_failed', '统计日期应为 YYYY-MM-DD', {}, [{ path: 'day', message: '日期格式不正确' }]);
          const dryRun = ['1', 'true'].includes((u.fields.dryRun ?? '').trim().toLowerCase());
          const summary = await importAdFile(app.db, req.actor!, {
            shopId,
            format,
            tool,
            file: file.path,
            fileName: file.name,
            day,
            dryRun,
          });
          if (summary.days.length && !dryRun) {
            const shop = await shops.getVisible(app.db, req.actor!, shopId);
            const d = await adviceDay(app.db, shop.id, shop.timezone);
            if (d) await refreshAdvice(app.db, req.actor!.orgId, shop.id, d);
          }
          return summary;
        } finally {
          if (u.file) fs.rmSync(u.file.path, { force: true });
        }
      },
    );
    sub.post(
      '/ads/taoke/import',
      { schema: { tags, summary: '导入淘宝客推广订单明细（multipart：file，shopId）' }, config: R.write },
      async (req) => {
        const u = await receive(req, importsDir(app.database));
        try {
          const { shopId, file } = needShopAndFile(u);
          return await importTaokeFile(app.db, req.actor!, { shopId, file: file.path, fileName: file.name });
        } finally {
          if (u.file) fs.rmSync(u.file.path, { force: true });
        }
      },
    );
  });

  app.get(
    '/ads/overview',
    { schema: { tags, summary: '推广概览：花费、成交、ROI、保本 ROI、按工具、每日趋势', querystring: AdPeriodQuery }, config: R.read },
    (req) => svc.overview(app.db, req.actor!, req.query),
  );
  app.get(
    '/ads/plans',
    { schema: { tags, summary: '推广计划列表（期间数据、筛选、排序）', querystring: AdPlanListQuery }, config: R.read },
    (req) => svc.listPlans(app.db, req.actor!, req.query),
  );
  app.post(
    '/ads/plans',
    { schema: { tags, summary: '手工新建推广计划（日预算、出价、推广商品）', body: CreateAdPlanBody }, config: R.write },
    (req) => tx((trx) => svc.createPlan(trx, req.actor!, req.body)),
  );
  app.post('/ads/plans/batch', { schema: { tags, summary: '批量暂停/开启推广计划', body: AdPlanBatchBody }, config: R.write }, (req) =>
    tx((trx) => svc.batchStatus(trx, req.actor!, req.body.ids, req.body.status)),
  );
  app.get(
    '/ads/plans/:id',
    {
      schema: {
        tags,
        summary: '推广计划详情：每日、推广单元、关键词、创意',
        params: AdIdParams,
        querystring: AdPeriodQuery.omit({ shopId: true }),
      },
      config: R.read,
    },
    (req) => svc.planDetail(app.db, req.actor!, req.params.id, req.query.from, req.query.to),
  );
  app.patch(
    '/ads/plans/:id',
    {
      schema: { tags, summary: '修改推广计划：日预算、出价、状态、推广商品', params: AdIdParams, body: UpdateAdPlanBody },
      config: R.write,
    },
    (req) => tx((trx) => svc.updatePlan(trx, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/ads/plans/:id/days',
    { schema: { tags, summary: '手工录入计划某天的数据（替换该天的计划级数据）', params: AdIdParams, body: AdDayBody }, config: R.write },
    (req) => tx((trx) => svc.enterDay(trx, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/ads/plans/:id/spend-now',
    {
      schema: { tags, summary: '录入计划的当前花费（某时刻已花多少，用于当天预算节奏）', params: AdIdParams, body: AdSpendNowBody },
      config: R.write,
    },
    (req) => tx((trx) => enterSpendNow(trx, req.actor!, req.params.id, req.body)),
  );
  app.get(
    '/ads/pacing',
    {
      schema: { tags, summary: '当天预算节奏：各计划已花 vs 分时曲线、预计全天花费、预计花满时刻', querystring: AdPacingQuery },
      config: R.read,
    },
    (req) => pacing(app.db, req.actor!, req.query),
  );
  app.get(
    '/ads/products',
    {
      schema: { tags, summary: '可关联到计划的商品（按标题或货号搜索）', querystring: z.object({ q: z.string().max(80).default('') }) },
      config: R.read,
    },
    (req) => svc.productOptions(app.db, req.actor!, req.query.q),
  );
  app.get('/ads/advice', { schema: { tags, summary: '推广建议（每日，附依据）', querystring: AdAdviceQuery }, config: R.read }, (req) =>
    listAdvice(app.db, req.actor!, req.query),
  );
  app.post(
    '/ads/advice/:id/decision',
    {
      schema: { tags, summary: '采纳或忽略一条推广建议（采纳加预算/暂停会直接修改计划）', params: AdIdParams, body: AdAdviceDecisionBody },
      config: R.write,
    },
    (req) => tx((trx) => decideAdvice(trx, req.actor!, req.params.id, req.body.decision, req.body.note)),
  );
  app.get(
    '/ads/ab',
    { schema: { tags, summary: '创意 A/B 对比（点击率、转化率的双比例检验）', querystring: AdAbQuery }, config: R.read },
    (req) => compareCreatives(app.db, req.actor!, req.query),
  );
  app.get(
    '/ads/export',
    { schema: { tags, summary: '下载推广资源汇总表（XLSX）', querystring: AdPeriodQuery }, config: R.read },
    async (req, reply) => {
      const { body, fileName } = await adSummaryWorkbook(app.db, req.actor!, req.query);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="ads-summary.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
        .send(body);
    },
  );
}

import { ReportExportQuery, ReportParams, ReportQuery } from '@yunying/core';
import type { AppInstance } from '../../http/types.js';
import { contentDisposition, reportCsv, reportXlsx } from './reports.export.js';
import { buildReport } from './reports.service.js';

const tags = ['reports'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function reportsRoutes(app: AppInstance): Promise<void> {
  app.get(
    '/reports/:kind',
    {
      schema: {
        tags,
        summary: '运营日报/周报/月报（含对比期、全店运营数据汇总表、商品表）',
        params: ReportParams,
        querystring: ReportQuery,
      },
      config: { permission: 'analytics.read' },
    },
    (req) => buildReport(app.db, req.actor!, { ...req.query, kind: req.params.kind }),
  );
  app.get(
    '/reports/:kind/export',
    {
      schema: {
        tags,
        summary: '导出报表（XLSX：汇总/每日明细/商品；CSV：全店运营数据汇总表）',
        params: ReportParams,
        querystring: ReportExportQuery,
      },
      config: { permission: 'analytics.export' },
    },
    async (req, reply) => {
      const r = await buildReport(app.db, req.actor!, { kind: req.params.kind, shopId: req.query.shopId, date: req.query.date });
      const format = req.query.format;
      const body = format === 'xlsx' ? await reportXlsx(r) : reportCsv(r);
      return reply
        .type(format === 'xlsx' ? XLSX_TYPE : 'text/csv; charset=utf-8')
        .header('content-disposition', contentDisposition(r, format))
        .header('cache-control', 'no-store')
        .send(body);
    },
  );
}

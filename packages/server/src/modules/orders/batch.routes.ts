/** HTTP for the batch actions on selected orders (batch.service.ts). */
import fastifyMultipart from '@fastify/multipart';
import { BatchFlagBody, BatchMemoBody, BatchUrgentBody, OrderSelectionQuery } from '@yunying/core';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { uploadedFile } from '../../lib/uploads.js';
import type { AppInstance } from '../../http/types.js';
import * as batch from './batch.service.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAX_SHIP_FILE = 10 * 1024 * 1024;

export async function orderBatchRoutes(app: AppInstance): Promise<void> {
  const tx = { execute: <T>(fn: (trx: Transaction<DB>) => Promise<T>) => app.db.transaction().execute(fn) };

  app.post(
    '/orders/batch/flag',
    { schema: { tags: ['orders'], summary: '批量插旗 / 清除旗帜', body: BatchFlagBody }, config: { permission: 'orders.memo' } },
    (req) => tx.execute((trx) => batch.flagOrders(trx, req.actor!, req.body)),
  );
  app.post(
    '/orders/batch/memo',
    {
      schema: { tags: ['orders'], summary: '批量添加卖家备注（追加或覆盖）', body: BatchMemoBody },
      config: { permission: 'orders.memo' },
    },
    (req) => tx.execute((trx) => batch.memoOrders(trx, req.actor!, req.body)),
  );
  app.post(
    '/orders/batch/urgent',
    { schema: { tags: ['orders'], summary: '批量标记 / 取消催单', body: BatchUrgentBody }, config: { permission: 'orders.memo' } },
    (req) => tx.execute((trx) => batch.urgeOrders(trx, req.actor!, req.body)),
  );

  app.get(
    '/orders/ship-template',
    {
      schema: {
        tags: ['orders'],
        summary: '下载发货模板（所选或全部待发货订单，物流公司 / 运单号留空待填）',
        querystring: OrderSelectionQuery,
      },
      config: { permission: 'orders.ship' },
    },
    async (req, reply) => {
      const { buffer } = await batch.shipTemplate(app.db, req.actor!, req.query);
      return reply
        .header('content-type', XLSX)
        .header('content-disposition', batch.attachment('ship-template.xlsx', '发货模板.xlsx'))
        .send(buffer);
    },
  );
  app.get(
    '/orders/export',
    {
      schema: { tags: ['orders'], summary: '导出所选订单（每个商品行一行）', querystring: OrderSelectionQuery },
      config: { permission: 'orders.read' },
    },
    async (req, reply) => {
      const { buffer } = await batch.exportSelection(app.db, req.actor!, req.query);
      const csv = req.query.format === 'csv';
      return reply
        .header('content-type', csv ? 'text/csv; charset=utf-8' : XLSX)
        .header('content-disposition', batch.attachment(`orders.${req.query.format}`, `订单导出.${req.query.format}`))
        .send(buffer);
    },
  );

  // The filled-in template: preview (nothing shipped) and ship, multipart in its own context.
  await app.register(async (sub) => {
    if (!sub.hasRequestDecorator('file')) await sub.register(fastifyMultipart, { limits: { fileSize: MAX_SHIP_FILE, files: 1 } });
    sub.post(
      '/orders/batch/ship-preview',
      { schema: { tags: ['orders'], summary: '预览发货文件（逐行检查，不发货）' }, config: { permission: 'orders.ship' } },
      async (req) => {
        const file = await uploadedFile(req, MAX_SHIP_FILE, '发货文件');
        return batch.previewShipSheet(app.db, req.actor!, file.filename, file.buffer);
      },
    );
    sub.post(
      '/orders/batch/ship',
      {
        schema: { tags: ['orders'], summary: '按发货文件批量发货（每行单独提交，出错的行说明原因）' },
        config: { permission: 'orders.ship' },
      },
      async (req) => {
        const file = await uploadedFile(req, MAX_SHIP_FILE, '发货文件');
        return batch.shipFromSheet(app.db, req.actor!, file.filename, file.buffer);
      },
    );
  });
}

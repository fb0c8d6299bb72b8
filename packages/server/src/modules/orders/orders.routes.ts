import fastifyMultipart from '@fastify/multipart';
import {
  CancelOrderBody,
  CreateOrderBody,
  OrderFlagsBody,
  OrderIdParams as IdParams,
  OrderListQuery,
  OrderMemoBody,
  OrderNoteBody,
  ShipBody,
  SkuOptionsQuery,
  UpdateViewBody,
  ViewBody,
  ViewsQuery,
} from '@yunying/core';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { uploadedFile } from '../../lib/uploads.js';
import type { DB } from '../../db/schema.js';
import type { AppInstance } from '../../http/types.js';
import { orderBatchRoutes } from './batch.routes.js';
import { batchShip } from './orders.files.js';
import { createOrderIdempotent } from './orders.create.js';
import * as lifecycle from './orders.lifecycle.js';
import * as queries from './orders.queries.js';
import * as views from './orders.views.js';

export async function ordersRoutes(app: AppInstance): Promise<void> {
  const tx = <T>(fn: (trx: Transaction<DB>) => Promise<T>) => app.db.transaction().execute(fn);

  app.get(
    '/orders',
    {
      schema: { tags: ['orders'], summary: '订单列表（跨店铺，带筛选）', querystring: OrderListQuery },
      config: { permission: 'orders.read' },
    },
    (req) => queries.listOrders(app.db, req.actor!, req.query),
  );

  app.get(
    '/orders/views',
    { schema: { tags: ['orders'], summary: '我的保存视图', querystring: ViewsQuery }, config: { permission: 'orders.read' } },
    async (req) => ({ items: await views.listViews(app.db, req.actor!, req.query.page) }),
  );
  app.post(
    '/orders/views',
    { schema: { tags: ['orders'], summary: '保存视图', body: ViewBody }, config: { permission: 'orders.read' } },
    async (req, reply) => reply.code(201).send(await views.createView(app.db, req.actor!, req.body)),
  );
  app.patch(
    '/orders/views/:id',
    { schema: { tags: ['orders'], summary: '修改视图', params: IdParams, body: UpdateViewBody }, config: { permission: 'orders.read' } },
    (req) => views.updateView(app.db, req.actor!, req.params.id, req.body),
  );
  app.delete(
    '/orders/views/:id',
    { schema: { tags: ['orders'], summary: '删除视图', params: IdParams }, config: { permission: 'orders.read' } },
    async (req, reply) => {
      await views.deleteView(app.db, req.actor!, req.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/orders/sku-options',
    {
      schema: { tags: ['orders'], summary: '下单选择 SKU（含可用库存）', querystring: SkuOptionsQuery },
      config: { permission: 'orders.write' },
    },
    async (req) => ({ items: await queries.skuOptions(app.db, req.actor!, req.query.q) }),
  );

  app.get(
    '/orders/:id',
    { schema: { tags: ['orders'], summary: '订单详情', params: IdParams }, config: { permission: 'orders.read' } },
    (req) => queries.getOrder(app.db, req.actor!, req.params.id),
  );

  app.post(
    '/orders',
    {
      schema: {
        tags: ['orders'],
        summary: '手工创建订单（预占库存；支持 Idempotency-Key）',
        body: CreateOrderBody,
        headers: z.object({ 'idempotency-key': z.string().optional() }).passthrough(),
      },
      config: { permission: 'orders.write' },
    },
    async (req, reply) => {
      const header = req.headers['idempotency-key'];
      const { idempotencyKey, ...input } = req.body;
      const key = typeof header === 'string' && header ? header : idempotencyKey;
      const r = await createOrderIdempotent(app.db, req.actor!, input, key);
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(r.status).send(r.body);
    },
  );

  app.post(
    '/orders/:id/pay',
    { schema: { tags: ['orders'], summary: '标记已付款', params: IdParams }, config: { permission: 'orders.write' } },
    (req) => tx((trx) => lifecycle.payOrder(trx, req.actor!, req.params.id)),
  );
  app.post(
    '/orders/:id/cancel',
    {
      schema: {
        tags: ['orders'],
        summary: '取消订单（释放预占库存）',
        params: IdParams,
        body: CancelOrderBody,
      },
      config: { permission: 'orders.write' },
    },
    (req) => tx((trx) => lifecycle.cancelOrder(trx, req.actor!, req.params.id, req.body.reason)),
  );
  app.post(
    '/orders/:id/ship',
    { schema: { tags: ['orders'], summary: '发货', params: IdParams, body: ShipBody }, config: { permission: 'orders.ship' } },
    (req) => tx((trx) => lifecycle.shipOrder(trx, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/orders/:id/deliver',
    { schema: { tags: ['orders'], summary: '标记已签收', params: IdParams }, config: { permission: 'orders.ship' } },
    (req) => tx((trx) => lifecycle.deliverOrder(trx, req.actor!, req.params.id)),
  );
  app.post(
    '/orders/:id/complete',
    { schema: { tags: ['orders'], summary: '标记已完成', params: IdParams }, config: { permission: 'orders.write' } },
    (req) => tx((trx) => lifecycle.completeOrder(trx, req.actor!, req.params.id)),
  );
  app.post(
    '/orders/:id/flags',
    {
      schema: {
        tags: ['orders'],
        summary: '催单 / 物流异常标记',
        params: IdParams,
        body: OrderFlagsBody,
      },
      config: { permission: 'orders.memo' },
    },
    (req) => tx((trx) => lifecycle.setFlags(trx, req.actor!, req.params.id, req.body)),
  );
  app.patch(
    '/orders/:id/memo',
    {
      schema: { tags: ['orders'], summary: '修改卖家备注', params: IdParams, body: OrderMemoBody },
      config: { permission: 'orders.memo' },
    },
    (req) => tx((trx) => lifecycle.setMemo(trx, req.actor!, req.params.id, req.body.sellerMemo)),
  );
  app.post(
    '/orders/:id/notes',
    {
      schema: {
        tags: ['orders'],
        summary: '添加跟进记录',
        params: IdParams,
        body: OrderNoteBody,
      },
      config: { permission: 'orders.write' },
    },
    (req) => tx((trx) => lifecycle.addNote(trx, req.actor!, req.params.id, req.body.note)),
  );

  // Batch actions on selected orders: flag, memo, 催单, ship template, preview, ship, export.
  await orderBatchRoutes(app);

  // Batch ship from a file: multipart, in its own encapsulated context.
  await app.register(async (sub) => {
    if (!sub.hasRequestDecorator('file')) await sub.register(fastifyMultipart, { limits: { fileSize: 10 * 1024 * 1024, files: 1 } });
    sub.post(
      '/orders/batch-ship',
      {
        schema: { tags: ['orders'], summary: '批量发货（CSV/XLSX：订单编号, 物流公司, 物流单号）' },
        config: { permission: 'orders.ship' },
      },
      async (req) => {
        const file = await uploadedFile(req, 10 * 1024 * 1024, '发货文件');
        return batchShip(app.db, req.actor!, file.filename, file.buffer);
      },
    );
  });
}

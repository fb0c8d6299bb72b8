import fastifyMultipart from '@fastify/multipart';
import { CARRIERS, fenSchema, PageQuery } from '@yunying/core';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { uploadedFile } from '../../lib/uploads.js';
import type { DB } from '../../db/schema.js';
import type { AppInstance } from '../../http/types.js';
import { batchShip } from './orders.files.js';
import * as orders from './orders.service.js';

const IdParams = z.object({ id: z.string().min(1) });

const csv = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter(Boolean)));

export const OrderListQuery = PageQuery.extend({
  timeField: z.enum(['created', 'paid', 'shipped'], { message: '时间类型应为 created / paid / shipped' }).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  status: csv,
  channel: z.string().optional(),
  shopId: z.string().optional(),
  skuCode: z.string().optional(),
  buyerNick: z.string().optional(),
  receiverPhone: z.string().optional(),
  minPaid: z.string().optional(),
  maxPaid: z.string().optional(),
  flag: z
    .enum(['urgent', 'logistics_exception', 'presale', 'exception'], {
      message: '标记应为 urgent / logistics_exception / presale / exception',
    })
    .optional(),
  trackingNo: z.string().optional(),
  orderNo: z.string().optional(),
  sort: z.enum(['orderedAt', '-orderedAt', 'paidAt', '-paidAt', 'shippedAt', '-shippedAt', 'paidFen', '-paidFen']).optional(),
});

/** Amounts in fen up to MAX_FEN (¥1000 亿); qty × price and the order totals are checked against the same bound by the service. */
const fen = (what: string) => fenSchema(what);

const text = (what: string, max: number) => z.string().trim().max(max, `${what}最长 ${max} 个字符`);

export const CreateOrderBody = z.object({
  shopId: z.string({ message: '请选择店铺' }).min(1, '请选择店铺'),
  lines: z
    .array(
      z.object({
        skuId: z.string({ message: '请选择商品 SKU' }).min(1, '请选择商品 SKU'),
        qty: z.number({ message: '数量应为整数' }).int('数量应为整数').min(1, '数量至少为 1').max(9999, '单行数量最多 9999'),
        unitPriceFen: fen('单价').optional(),
      }),
    )
    .min(1, '至少添加一件商品')
    .max(100, '一个订单最多 100 行商品'),
  discountFen: fen('优惠金额').default(0),
  shippingFen: fen('运费').default(0),
  buyerNick: text('买家昵称', 100).min(1, '请填写买家昵称'),
  receiverName: text('收货人', 100).min(1, '请填写收货人'),
  receiverPhone: z
    .string({ message: '请填写收货人手机号' })
    .trim()
    .regex(/^\+?[0-9 -]{5,20}$/, '手机号格式不正确，例如 13812345678'),
  receiverAddress: text('收货地址', 400).min(1, '请填写收货地址'),
  buyerNote: text('买家留言', 1000).default(''),
  sellerMemo: text('卖家备注', 1000).default(''),
  paid: z.boolean().default(true),
  isPresale: z.boolean().optional(),
  /** For clients that cannot set the Idempotency-Key header (the header wins when both are sent). */
  idempotencyKey: z.string().max(100).optional(),
});

const ShipBody = z.object({
  carrier: z
    .string({ message: '请选择物流公司' })
    .trim()
    .min(1, '请选择物流公司')
    .max(40, `物流公司最长 40 个字符，常用：${CARRIERS.slice(0, 4).join('、')}`),
  trackingNo: z
    .string({ message: '请填写物流单号' })
    .trim()
    .min(1, '请填写物流单号')
    .max(60, '物流单号最长 60 个字符')
    .regex(/^[A-Za-z0-9-]+$/, '物流单号只能包含字母、数字和短横线'),
});

const ViewsQuery = z.object({ page: z.string().max(40).default('orders') });
const ViewBody = z.object({
  page: z.string().max(40).default('orders'),
  name: text('视图名称', 60).min(1, '请填写视图名称'),
  query: z.string().max(4000, '筛选条件过长'),
});
const UpdateViewBody = z.object({ name: text('视图名称', 60).min(1, '请填写视图名称').optional(), query: z.string().max(4000).optional() });

export async function ordersRoutes(app: AppInstance): Promise<void> {
  const tx = <T>(fn: (trx: Transaction<DB>) => Promise<T>) => app.db.transaction().execute(fn);

  app.get(
    '/orders',
    {
      schema: { tags: ['orders'], summary: '订单列表（跨店铺，带筛选）', querystring: OrderListQuery },
      config: { permission: 'orders.read' },
    },
    (req) => orders.listOrders(app.db, req.actor!, req.query),
  );

  app.get(
    '/orders/views',
    { schema: { tags: ['orders'], summary: '我的保存视图', querystring: ViewsQuery }, config: { permission: 'orders.read' } },
    async (req) => ({ items: await orders.listViews(app.db, req.actor!, req.query.page) }),
  );
  app.post(
    '/orders/views',
    { schema: { tags: ['orders'], summary: '保存视图', body: ViewBody }, config: { permission: 'orders.read' } },
    async (req, reply) => reply.code(201).send(await orders.createView(app.db, req.actor!, req.body)),
  );
  app.patch(
    '/orders/views/:id',
    { schema: { tags: ['orders'], summary: '修改视图', params: IdParams, body: UpdateViewBody }, config: { permission: 'orders.read' } },
    (req) => orders.updateView(app.db, req.actor!, req.params.id, req.body),
  );
  app.delete(
    '/orders/views/:id',
    { schema: { tags: ['orders'], summary: '删除视图', params: IdParams }, config: { permission: 'orders.read' } },
    async (req, reply) => {
      await orders.deleteView(app.db, req.actor!, req.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/orders/sku-options',
    {
      schema: { tags: ['orders'], summary: '下单选择 SKU（含可用库存）', querystring: z.object({ q: z.string().max(60).default('') }) },
      config: { permission: 'orders.write' },
    },
    async (req) => ({ items: await orders.skuOptions(app.db, req.actor!, req.query.q) }),
  );

  app.get(
    '/orders/:id',
    { schema: { tags: ['orders'], summary: '订单详情', params: IdParams }, config: { permission: 'orders.read' } },
    (req) => orders.getOrder(app.db, req.actor!, req.params.id),
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
      const r = await orders.createOrderIdempotent(app.db, req.actor!, input, key);
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(r.status).send(r.body);
    },
  );

  app.post(
    '/orders/:id/pay',
    { schema: { tags: ['orders'], summary: '标记已付款', params: IdParams }, config: { permission: 'orders.write' } },
    (req) => tx((trx) => orders.payOrder(trx, req.actor!, req.params.id)),
  );
  app.post(
    '/orders/:id/cancel',
    {
      schema: {
        tags: ['orders'],
        summary: '取消订单（释放预占库存）',
        params: IdParams,
        body: z.object({ reason: text('取消原因', 200).default('') }),
      },
      config: { permission: 'orders.write' },
    },
    (req) => tx((trx) => orders.cancelOrder(trx, req.actor!, req.params.id, req.body.reason)),
  );
  app.post(
    '/orders/:id/ship',
    { schema: { tags: ['orders'], summary: '发货', params: IdParams, body: ShipBody }, config: { permission: 'orders.ship' } },
    (req) => tx((trx) => orders.shipOrder(trx, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/orders/:id/deliver',
    { schema: { tags: ['orders'], summary: '标记已签收', params: IdParams }, config: { permission: 'orders.ship' } },
    (req) => tx((trx) => orders.deliverOrder(trx, req.actor!, req.params.id)),
  );
  app.post(
    '/orders/:id/complete',
    { schema: { tags: ['orders'], summary: '标记已完成', params: IdParams }, config: { permission: 'orders.write' } },
    (req) => tx((trx) => orders.completeOrder(trx, req.actor!, req.params.id)),
  );
  app.post(
    '/orders/:id/flags',
    {
      schema: {
        tags: ['orders'],
        summary: '催单 / 物流异常标记',
        params: IdParams,
        body: z.object({ urgent: z.boolean().optional(), logisticsException: z.boolean().optional(), note: text('说明', 200).optional() }),
      },
      config: { permission: 'orders.write' },
    },
    (req) => tx((trx) => orders.setFlags(trx, req.actor!, req.params.id, req.body)),
  );
  app.patch(
    '/orders/:id/memo',
    {
      schema: { tags: ['orders'], summary: '修改卖家备注', params: IdParams, body: z.object({ sellerMemo: text('卖家备注', 1000) }) },
      config: { permission: 'orders.write' },
    },
    (req) => tx((trx) => orders.setMemo(trx, req.actor!, req.params.id, req.body.sellerMemo)),
  );
  app.post(
    '/orders/:id/notes',
    {
      schema: {
        tags: ['orders'],
        summary: '添加跟进记录',
        params: IdParams,
        body: z.object({ note: text('记录', 1000).min(1, '请填写记录内容') }),
      },
      config: { permission: 'orders.write' },
    },
    (req) => tx((trx) => orders.addNote(trx, req.actor!, req.params.id, req.body.note)),
  );

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

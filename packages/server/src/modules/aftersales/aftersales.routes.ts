import { AFTERSALE_STATUSES, AFTERSALE_TYPES, fenSchema, PageQuery, RESPONSIBILITIES } from '@yunying/core';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import type { AppInstance } from '../../http/types.js';
import * as aftersales from './aftersales.service.js';

const IdParams = z.object({ id: z.string().min(1) });
const Responsibility = z.enum(RESPONSIBILITIES, { message: `责任方应为 ${RESPONSIBILITIES.join(' / ')} 之一` });
const qty = (what: string) =>
  z
    .number({ message: `${what}应为整数` })
    .int(`${what}应为整数`)
    .min(0, `${what}不能为负数`)
    .max(9999, `${what}过大`);

const CaseListQuery = PageQuery.extend({
  status: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter(Boolean))),
  type: z.enum(AFTERSALE_TYPES, { message: '未知的售后类型' }).optional(),
  overdue: z
    .enum(['1', '0', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true'),
  orderId: z.string().optional(),
  shopId: z.string().optional(),
  q: z.string().max(80).optional(),
});

const CreateCaseBody = z.object({
  orderId: z.string({ message: '请选择订单' }).min(1, '请选择订单'),
  type: z.enum(AFTERSALE_TYPES, { message: `售后类型应为 ${AFTERSALE_TYPES.join(' / ')} 之一` }),
  reasonId: z.string().optional(),
  responsibility: Responsibility.optional(),
  lines: z
    .array(z.object({ orderLineId: z.string().min(1, '请选择商品'), qty: qty('数量').min(1, '数量至少为 1') }))
    .min(1, '请至少选择一件商品'),
  note: z.string().trim().max(1000, '说明最长 1000 个字符').default(''),
});

const ReasonBody = z.object({
  name: z.string().trim().min(1, '请填写原因名称').max(60, '原因名称最长 60 个字符'),
  responsibility: Responsibility,
  sort: z.number().int().min(0).max(100000).optional(),
});

export async function aftersalesRoutes(app: AppInstance): Promise<void> {
  const tx = <T>(fn: (trx: Transaction<DB>) => Promise<T>) => app.db.transaction().execute(fn);

  app.get(
    '/aftersales/reasons',
    { schema: { tags: ['aftersales'], summary: '售后原因' }, config: { permission: 'aftersales.read' } },
    async (req) => ({ items: await aftersales.listReasons(app.db, req.actor!) }),
  );
  app.post(
    '/aftersales/reasons',
    { schema: { tags: ['aftersales'], summary: '新增售后原因', body: ReasonBody }, config: { permission: 'aftersales.write' } },
    async (req, reply) => reply.code(201).send(await tx((trx) => aftersales.createReason(trx, req.actor!, req.body))),
  );
  app.patch(
    '/aftersales/reasons/:id',
    {
      schema: {
        tags: ['aftersales'],
        summary: '修改售后原因',
        params: IdParams,
        body: ReasonBody.partial().extend({ enabled: z.boolean().optional() }),
      },
      config: { permission: 'aftersales.write', orgWide: true },
    },
    (req) => tx((trx) => aftersales.updateReason(trx, req.actor!, req.params.id, req.body)),
  );

  app.get(
    '/aftersales',
    {
      schema: { tags: ['aftersales'], summary: '售后单列表（overdue=1：超时队列）', querystring: CaseListQuery },
      config: { permission: 'aftersales.read' },
    },
    async (req) => {
      await aftersales.checkOverdue(app.db, req.actor!.orgId);
      return aftersales.listCases(app.db, req.actor!, req.query);
    },
  );
  app.get(
    '/aftersales/:id',
    { schema: { tags: ['aftersales'], summary: '售后单详情', params: IdParams }, config: { permission: 'aftersales.read' } },
    (req) => aftersales.getCase(app.db, req.actor!, req.params.id),
  );
  app.post(
    '/aftersales',
    { schema: { tags: ['aftersales'], summary: '新建售后单', body: CreateCaseBody }, config: { permission: 'aftersales.write' } },
    async (req, reply) => reply.code(201).send(await tx((trx) => aftersales.createCase(trx, req.actor!, req.body))),
  );
  app.patch(
    '/aftersales/:id',
    {
      schema: {
        tags: ['aftersales'],
        summary: '修改责任方 / 备注',
        params: IdParams,
        body: z.object({ responsibility: Responsibility.optional(), note: z.string().trim().max(1000).optional() }),
      },
      config: { permission: 'aftersales.write' },
    },
    (req) => tx((trx) => aftersales.updateCase(trx, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/aftersales/:id/transition',
    {
      schema: {
        tags: ['aftersales'],
        summary: '推进售后状态',
        params: IdParams,
        body: z.object({
          to: z.enum(AFTERSALE_STATUSES, { message: '未知的售后状态' }),
          note: z.string().trim().max(1000, '说明最长 1000 个字符').default(''),
        }),
      },
      config: { permission: 'aftersales.write' },
    },
    (req) => tx((trx) => aftersales.transitionCase(trx, req.actor!, req.params.id, req.body.to, req.body.note)),
  );
  app.post(
    '/aftersales/:id/inspect',
    {
      schema: {
        tags: ['aftersales'],
        summary: '验收退回商品（良品入库 / 次品）',
        params: IdParams,
        body: z.object({
          lines: z
            .array(
              z.object({ orderLineId: z.string().min(1), goodQty: qty('良品数量').default(0), defectiveQty: qty('次品数量').default(0) }),
            )
            .min(1, '请填写验收数量'),
          note: z.string().trim().max(400).optional(),
        }),
      },
      config: { permission: 'aftersales.write' },
    },
    (req) => tx((trx) => aftersales.inspect(trx, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/aftersales/:id/refund',
    {
      schema: {
        tags: ['aftersales'],
        summary: '售后退款（计入订单退款）',
        params: IdParams,
        body: z.object({
          amountFen: fenSchema('退款金额', { min: 1 }),
          note: z.string().trim().max(400).optional(),
        }),
      },
      config: { permission: 'orders.refund' },
    },
    (req) => tx((trx) => aftersales.refund(trx, req.actor!, req.params.id, req.body)),
  );
}

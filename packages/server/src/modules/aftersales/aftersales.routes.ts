import {
  AftersaleIdParams as IdParams,
  AftersaleInspectBody,
  AftersaleListQuery as CaseListQuery,
  AftersaleReasonBody as ReasonBody,
  AftersaleRefundBody,
  AftersaleReshipBody,
  AftersaleTransitionBody,
  CreateAftersaleBody as CreateCaseBody,
  UpdateAftersaleBody,
  UpdateAftersaleReasonBody,
} from '@yunying/core';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AppInstance } from '../../http/types.js';
import * as queries from './aftersales.queries.js';
import * as reasons from './aftersales.reasons.js';
import * as returns from './aftersales.returns.js';
import * as aftersales from './aftersales.service.js';

export async function aftersalesRoutes(app: AppInstance): Promise<void> {
  const tx = <T>(fn: (trx: Transaction<DB>) => Promise<T>) => app.db.transaction().execute(fn);

  app.get(
    '/aftersales/reasons',
    { schema: { tags: ['aftersales'], summary: '售后原因' }, config: { permission: 'aftersales.read' } },
    async (req) => ({ items: await reasons.listReasons(app.db, req.actor!) }),
  );
  app.post(
    '/aftersales/reasons',
    { schema: { tags: ['aftersales'], summary: '新增售后原因', body: ReasonBody }, config: { permission: 'aftersales.write' } },
    async (req, reply) => reply.code(201).send(await tx((trx) => reasons.createReason(trx, req.actor!, req.body))),
  );
  app.patch(
    '/aftersales/reasons/:id',
    {
      schema: {
        tags: ['aftersales'],
        summary: '修改售后原因',
        params: IdParams,
        body: UpdateAftersaleReasonBody,
      },
      config: { permission: 'aftersales.write', orgWide: true },
    },
    (req) => tx((trx) => reasons.updateReason(trx, req.actor!, req.params.id, req.body)),
  );

  app.get(
    '/aftersales',
    {
      schema: { tags: ['aftersales'], summary: '售后单列表（overdue=1：超时队列）', querystring: CaseListQuery },
      config: { permission: 'aftersales.read' },
    },
    async (req) => {
      await queries.checkOverdue(app.db, req.actor!.orgId);
      return queries.listCases(app.db, req.actor!, req.query);
    },
  );
  app.get(
    '/aftersales/:id',
    { schema: { tags: ['aftersales'], summary: '售后单详情', params: IdParams }, config: { permission: 'aftersales.read' } },
    (req) => queries.getCase(app.db, req.actor!, req.params.id),
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
        body: UpdateAftersaleBody,
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
        body: AftersaleTransitionBody,
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
        body: AftersaleInspectBody,
      },
      config: { permission: 'aftersales.write' },
    },
    (req) => tx((trx) => returns.inspect(trx, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/aftersales/:id/refund',
    {
      schema: {
        tags: ['aftersales'],
        summary: '售后退款（计入订单退款）',
        params: IdParams,
        body: AftersaleRefundBody,
      },
      config: { permission: 'orders.refund' },
    },
    (req) => tx((trx) => returns.refund(trx, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/aftersales/:id/reship',
    {
      schema: {
        tags: ['aftersales'],
        summary: '补发：创建 0 元补发单并完成售后',
        params: IdParams,
        body: AftersaleReshipBody,
      },
      config: { permission: 'aftersales.write' },
    },
    (req) => tx((trx) => returns.reship(trx, req.actor!, req.params.id, req.body)),
  );
}

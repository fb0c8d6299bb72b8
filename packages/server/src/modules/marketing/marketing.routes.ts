import {
  ActivityBody,
  CalendarQuery,
  ClaimCouponBody,
  CouponListQuery,
  CouponTemplateBody,
  CouponTemplateListQuery,
  IdParams,
  IssueCouponsBody,
  PricePreviewBody,
  PromotionActionBody,
  PromotionBatchBody,
  PromotionBody,
  PromotionListQuery,
  TaskDoneBody,
} from '@yunying/core';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import type { AppInstance } from '../../http/types.js';
import * as calendar from './calendar.service.js';
import * as coupons from './coupons.service.js';
import * as pricing from './pricing.service.js';
import * as promotions from './promotions.service.js';

const R = {
  read: { permission: 'marketing.read' },
  write: { permission: 'marketing.write' },
} as const;
const tags = ['marketing'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function marketingRoutes(app: AppInstance): Promise<void> {
  const tx = <T>(fn: (trx: Transaction<DB>) => Promise<T>) => app.db.transaction().execute(fn);

  // ------------------------------------------------------------ promotions
  app.get('/marketing/promotions', { schema: { tags, summary: '营销活动列表', querystring: PromotionListQuery }, config: R.read }, (req) =>
    promotions.listPromotions(app.db, req.actor!, req.query),
  );
  app.post(
    '/marketing/promotions',
    { schema: { tags, summary: '新建营销活动（草稿）', body: PromotionBody }, config: R.write },
    async (req, reply) => reply.code(201).send(await tx((trx) => promotions.createPromotion(trx, req.actor!, req.body))),
  );
  app.post(
    '/marketing/promotions/check',
    {
      schema: {
        tags,
        summary: '保存前检查：互斥冲突与毛利',
        body: PromotionBody,
        querystring: z.object({ id: z.string().max(64).optional() }),
      },
      config: R.read,
    },
    (req) => promotions.checkPromotion(app.db, req.actor!, req.body, req.query.id),
  );
  app.post(
    '/marketing/promotions/batch',
    { schema: { tags, summary: '批量暂停或结束活动', body: PromotionBatchBody }, config: R.write },
    (req) => promotions.batchAct(app.db, req.actor!, req.body.ids, req.body.action),
  );
  app.get('/marketing/promotions/:id', { schema: { tags, summary: '营销活动详情', params: IdParams }, config: R.read }, (req) =>
    promotions.getPromotion(app.db, req.actor!, req.params.id),
  );
  app.put(
    '/marketing/promotions/:id',
    { schema: { tags, summary: '修改营销活动', params: IdParams, body: PromotionBody }, config: R.write },
    (req) => tx((trx) => promotions.updatePromotion(trx, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/marketing/promotions/:id/actions',
    { schema: { tags, summary: '发布 / 暂停 / 恢复 / 结束 / 撤回为草稿', params: IdParams, body: PromotionActionBody }, config: R.write },
    (req) => tx((trx) => promotions.actOnPromotion(trx, req.actor!, req.params.id, req.body.action, req.body)),
  );
  app.get(
    '/marketing/settings',
    {
      schema: { tags, summary: '店铺营销设置（最低毛利率）', querystring: z.object({ shopId: z.string().min(1).max(64) }) },
      config: R.read,
    },
    async (req) => ({
      minMarginBp: await promotions.minMarginBp(app.db, (await promotions.visibleShop(app.db, req.actor!, req.query.shopId)).id),
    }),
  );
  app.put(
    '/marketing/settings',
    {
      schema: {
        tags,
        summary: '设置最低毛利率（价格底线）',
        body: z.object({
          shopId: z.string().min(1).max(64),
          minMarginBp: z.number().int().min(0, '最低毛利率不能为负').max(9900, '最低毛利率不能超过 99%'),
        }),
      },
      config: R.write,
    },
    (req) => tx((trx) => promotions.setMinMargin(trx, req.actor!, req.body.shopId, req.body.minMarginBp)),
  );

  // ------------------------------------------------------------ price preview
  app.post(
    '/marketing/price-preview',
    { schema: { tags, summary: '购物车试算（逐行优惠说明）', body: PricePreviewBody }, config: R.read },
    (req) => pricing.preview(app.db, req.actor!, req.body),
  );

  app.get('/marketing/orders/:id/pricing', { schema: { tags, summary: '订单的逐行优惠说明', params: IdParams }, config: R.read }, (req) =>
    pricing.orderPricing(app.db, req.actor!, req.params.id),
  );

  // ------------------------------------------------------------ coupons
  app.get(
    '/marketing/coupon-templates',
    { schema: { tags, summary: '优惠券列表（含使用统计）', querystring: CouponTemplateListQuery }, config: R.read },
    (req) => coupons.listTemplates(app.db, req.actor!, req.query),
  );
  app.post(
    '/marketing/coupon-templates',
    { schema: { tags, summary: '新建优惠券', body: CouponTemplateBody }, config: R.write },
    async (req, reply) => reply.code(201).send(await tx((trx) => coupons.createTemplate(trx, req.actor!, req.body))),
  );
  app.get('/marketing/coupon-templates/:id', { schema: { tags, summary: '优惠券详情与统计', params: IdParams }, config: R.read }, (req) =>
    coupons.getTemplate(app.db, req.actor!, req.params.id),
  );
  app.post('/marketing/coupon-templates/:id/stop', { schema: { tags, summary: '停止发放', params: IdParams }, config: R.write }, (req) =>
    tx((trx) => coupons.stopTemplate(trx, req.actor!, req.params.id)),
  );
  app.post(
    '/marketing/coupon-templates/:id/issue',
    { schema: { tags, summary: '发券（指定买家或客户分群）', params: IdParams, body: IssueCouponsBody }, config: R.write },
    (req) => coupons.issue(app.db, req.actor!, req.params.id, req.body),
  );
  app.post(
    '/marketing/coupons/claim',
    { schema: { tags, summary: '凭领券码领取', body: ClaimCouponBody }, config: R.write },
    async (req, reply) => {
      const c = await tx((trx) => coupons.claimByCode(trx, req.actor!, req.body.shopId, req.body.code, req.body.buyerNick));
      return reply.code(201).send({ id: c.id, buyerNick: c.buyer_key, validTo: new Date(Number(c.valid_to)).toISOString() });
    },
  );
  app.get('/marketing/coupons', { schema: { tags, summary: '已发放的优惠券', querystring: CouponListQuery }, config: R.read }, (req) =>
    coupons.listCoupons(app.db, req.actor!, req.query),
  );

  // ------------------------------------------------------------ activity calendar
  app.get('/marketing/calendar', { schema: { tags, summary: '活动日历（月）', querystring: CalendarQuery }, config: R.read }, (req) =>
    calendar.month(app.db, req.actor!, req.query.shopId, req.query.month),
  );
  app.post(
    '/marketing/activities',
    { schema: { tags, summary: '新建活动（含准备清单）', body: ActivityBody }, config: R.write },
    async (req, reply) => reply.code(201).send(await tx((trx) => calendar.createActivity(trx, req.actor!, req.body))),
  );
  app.get('/marketing/activities/:id', { schema: { tags, summary: '活动详情', params: IdParams }, config: R.read }, (req) =>
    calendar.getActivity(app.db, req.actor!, req.params.id),
  );
  app.post(
    '/marketing/activities/:id/tasks/:taskId',
    {
      schema: { tags, summary: '勾选准备事项', params: z.object({ id: z.string(), taskId: z.string() }), body: TaskDoneBody },
      config: R.write,
    },
    (req) => tx((trx) => calendar.setTaskDone(trx, req.actor!, req.params.id, req.params.taskId, req.body.done)),
  );
  app.post(
    '/marketing/activities/:id/end',
    { schema: { tags, summary: '结束活动（及其营销活动）', params: IdParams }, config: R.write },
    (req) => tx((trx) => calendar.endActivity(trx, req.actor!, req.params.id)),
  );
  app.get(
    '/marketing/activities/:id/stock-check',
    { schema: { tags, summary: '备货检查：库存对比预测销量', params: IdParams }, config: R.read },
    (req) => calendar.stockCheck(app.db, req.actor!, req.params.id),
  );
  app.get(
    '/marketing/activities/:id/effect',
    { schema: { tags, summary: '活动效果（对比基准期）', params: IdParams }, config: R.read },
    (req) => calendar.effectReport(app.db, req.actor!, req.params.id),
  );
  app.get(
    '/marketing/activities/:id/effect.xlsx',
    { schema: { tags, summary: '导出店铺活动销售成果汇报表', params: IdParams }, config: R.read },
    async (req, reply) => {
      const { body, filename } = await calendar.effectWorkbook(app.db, req.actor!, req.params.id);
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`)
        .send(body);
    },
  );
}

import { isBusinessDay } from '@yunying/core';
import { z } from 'zod';
import type { AppInstance } from '../../http/types.js';
import * as shopsSvc from '../shops/index.js';
import * as svc from './analytics.service.js';

const Day = z.string().refine(isBusinessDay, '日期格式应为 YYYY-MM-DD');
const ShopQuery = z.object({ shopId: z.string().max(64).optional() });
const PeriodQuery = ShopQuery.extend({ from: Day.optional(), to: Day.optional() });
const PRODUCT_SORTS = [
  'productId',
  'title',
  'uv',
  'pv',
  'cartUv',
  'payingBuyers',
  'units',
  'paidFen',
  'payConversion',
  'refundFen',
  'grossProfitFen',
  'available',
] as const;
const ProductsQuery = PeriodQuery.extend({
  sort: z.enum(PRODUCT_SORTS).default('paidFen'),
  order: z.enum(['asc', 'desc']).default('desc'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
const TradeQuery = PeriodQuery.extend({ compare: z.enum(['previous', 'wow', 'mom', 'yoy']).default('previous') });
const ProductParams = z.object({ productId: z.string().max(64) });

const tags = ['analytics'];
const config = { permission: 'analytics.read' };

export async function analyticsRoutes(app: AppInstance): Promise<void> {
  /** from/to default to the last 7 days in the zone of the shop asked for (or the first visible shop). */
  async function period(req: { actor: import('../../http/actor.js').Actor | null }, q: z.infer<typeof PeriodQuery>) {
    if (q.from && q.to) return { from: q.from, to: q.to };
    let tz: string | undefined;
    if (q.shopId) tz = (await shopsSvc.getVisible(app.db, req.actor!, q.shopId)).timezone;
    else tz = (await shopsSvc.listVisible(app.db, req.actor!))[0]?.timezone;
    const d = svc.defaultPeriod(tz ?? 'Asia/Shanghai');
    return { from: q.from ?? (q.to && q.to < d.from ? q.to : d.from), to: q.to ?? d.to };
  }
  const shop = (q: { shopId?: string | undefined }) => (q.shopId ? { shopId: q.shopId } : {});

  app.get('/analytics/dashboard', { schema: { tags, summary: '工作台', querystring: ShopQuery }, config }, (req) =>
    svc.dashboard(app.db, req.actor!, req.query.shopId),
  );
  app.get('/analytics/traffic', { schema: { tags, summary: '流量分析', querystring: PeriodQuery }, config }, async (req) =>
    svc.trafficReport(app.db, req.actor!, { ...shop(req.query), ...(await period(req, req.query)) }),
  );
  app.get('/analytics/products', { schema: { tags, summary: '商品分析', querystring: ProductsQuery }, config }, async (req) =>
    svc.products(app.db, req.actor!, {
      ...shop(req.query),
      ...(await period(req, req.query)),
      sort: req.query.sort,
      order: req.query.order,
      page: req.query.page,
      pageSize: req.query.pageSize,
    }),
  );
  app.get(
    '/analytics/products/:productId',
    { schema: { tags, summary: '单品分析', params: ProductParams, querystring: PeriodQuery }, config },
    async (req) => svc.productDetail(app.db, req.actor!, req.params.productId, { ...shop(req.query), ...(await period(req, req.query)) }),
  );
  app.get('/analytics/trade', { schema: { tags, summary: '交易分析（含销售额拆解）', querystring: TradeQuery }, config }, async (req) =>
    svc.trade(app.db, req.actor!, { ...shop(req.query), ...(await period(req, req.query)), compare: req.query.compare }),
  );
}

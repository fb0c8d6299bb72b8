import {
  AnalyticsPeriodQuery,
  AnalyticsProductParams,
  AnalyticsProductsQuery,
  AnalyticsShopQuery,
  AnalyticsTradeQuery,
  AnalyticsTrafficQuery,
  type AnalyticsPeriodRequest,
} from '@yunying/core';
import type { Actor } from '../../http/actor.js';
import type { AppInstance } from '../../http/types.js';
import * as shopsSvc from '../shops/index.js';
import * as svc from './analytics.service.js';
import { sharedDashboard } from './dashboard.service.js';
import { productDetail, sharedProducts } from './products.service.js';

const tags = ['analytics'];
const config = { permission: 'analytics.read' };

export async function analyticsRoutes(app: AppInstance): Promise<void> {
  /** from/to default to 近7天 (7 whole days ending yesterday) in the zone of the shop asked for (or the first visible shop). */
  async function period(req: { actor: Actor | null }, q: AnalyticsPeriodRequest) {
    if (q.from && q.to) return { from: q.from, to: q.to };
    let tz: string | undefined;
    if (q.shopId) tz = (await shopsSvc.getVisible(app.db, req.actor!, q.shopId)).timezone;
    else tz = (await shopsSvc.listVisible(app.db, req.actor!))[0]?.timezone;
    const d = svc.defaultPeriod(tz ?? 'Asia/Shanghai');
    return { from: q.from ?? (q.to && q.to < d.from ? q.to : d.from), to: q.to ?? d.to };
  }

  app.get('/analytics/dashboard', { schema: { tags, summary: '工作台', querystring: AnalyticsShopQuery }, config }, (req) =>
    sharedDashboard(app.db, req.actor!, req.query.shopId),
  );
  app.get('/analytics/traffic', { schema: { tags, summary: '流量分析', querystring: AnalyticsTrafficQuery }, config }, async (req) =>
    svc.trafficReport(app.db, req.actor!, { ...req.query, ...(await period(req, req.query)) }),
  );
  app.get('/analytics/products', { schema: { tags, summary: '商品分析', querystring: AnalyticsProductsQuery }, config }, async (req) =>
    sharedProducts(app.db, req.actor!, { ...req.query, ...(await period(req, req.query)) }),
  );
  app.get(
    '/analytics/products/:productId',
    { schema: { tags, summary: '单品分析', params: AnalyticsProductParams, querystring: AnalyticsPeriodQuery }, config },
    async (req) => productDetail(app.db, req.actor!, req.params.productId, { ...req.query, ...(await period(req, req.query)) }),
  );
  app.get(
    '/analytics/trade',
    { schema: { tags, summary: '交易分析（含销售额拆解）', querystring: AnalyticsTradeQuery }, config },
    async (req) => svc.trade(app.db, req.actor!, { ...req.query, ...(await period(req, req.query)) }),
  );
}

/**
 * The analytics API contract (工作台, 流量分析, 商品分析, 单品分析, 交易分析), stated once: route
 * validation and OpenAPI, the service's input types and the console's request types come from
 * these schemas.
 */
import { z } from 'zod';
import type { CompareMode, ProductRow } from '../analytics.js';
import { isBusinessDay } from '../time.js';

/** A business day, YYYY-MM-DD. */
export const BusinessDay = z.string().refine(isBusinessDay, '日期格式应为 YYYY-MM-DD');

/** One shop (when given) or every shop the actor sees. */
export const AnalyticsShopQuery = z.object({ shopId: z.string().max(64).optional() });
export type AnalyticsShopRequest = z.input<typeof AnalyticsShopQuery>;

/** A period; from/to default to the last 7 days in the shop's zone. */
export const AnalyticsPeriodQuery = AnalyticsShopQuery.extend({ from: BusinessDay.optional(), to: BusinessDay.optional() });
export type AnalyticsPeriodRequest = z.input<typeof AnalyticsPeriodQuery>;

/** The columns the product table sorts by. */
export const PRODUCT_SORTS = [
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
] as const satisfies readonly (keyof ProductRow)[];
export type ProductSort = (typeof PRODUCT_SORTS)[number];

/**
 * How the product table ranks by its sort column: the figure itself, its change against the
 * comparison period (current − base), or the relative change ((current − base) ÷ base; products
 * without a base value last). `delta` ascending on 支付金额 answers "which product's sales fell most".
 */
export const PRODUCT_SORT_BY = ['value', 'delta', 'rel'] as const;
export type ProductSortBy = (typeof PRODUCT_SORT_BY)[number];

export const AnalyticsProductsQuery = AnalyticsPeriodQuery.extend({
  sort: z.enum(PRODUCT_SORTS).default('paidFen'),
  sortBy: z.enum(PRODUCT_SORT_BY).default('value'),
  compare: z.enum(['previous', 'wow', 'mom', 'yoy'] as const satisfies readonly CompareMode[]).default('previous'),
  order: z.enum(['asc', 'desc']).default('desc'),
  page: z.coerce.number<number | string>().int().min(1).default(1),
  pageSize: z.coerce.number<number | string>().int().min(1).max(200).default(20),
});
export type AnalyticsProductsRequest = z.input<typeof AnalyticsProductsQuery>;

export const COMPARE_MODES = ['previous', 'wow', 'mom', 'yoy'] as const satisfies readonly CompareMode[];
export const AnalyticsTradeQuery = AnalyticsPeriodQuery.extend({ compare: z.enum(COMPARE_MODES).default('previous') });
export type AnalyticsTradeRequest = z.input<typeof AnalyticsTradeQuery>;

/** 流量分析: a period and what its figures are compared with. */
export const AnalyticsTrafficQuery = AnalyticsPeriodQuery.extend({ compare: z.enum(COMPARE_MODES).default('previous') });
export type AnalyticsTrafficRequest = z.input<typeof AnalyticsTrafficQuery>;

export const AnalyticsProductParams = z.object({ productId: z.string().max(64) });

/**
 * What the services take: the parsed query with the period resolved (the route fills in a
 * missing from/to before calling).
 */
type Resolved<Q> = Omit<Q, 'from' | 'to'> & { from: string; to: string };
export type AnalyticsPeriodInput = Resolved<z.output<typeof AnalyticsPeriodQuery>>;
export type AnalyticsProductsInput = Resolved<z.output<typeof AnalyticsProductsQuery>>;
export type AnalyticsTradeInput = Resolved<z.output<typeof AnalyticsTradeQuery>>;
export type AnalyticsTrafficInput = Resolved<z.output<typeof AnalyticsTrafficQuery>>;

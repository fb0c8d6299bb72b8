/**
 * The analytics screens (dashboard, traffic, products, trade). They read only rollup_daily (plus
 * stock, SKUs and after-sales for alerts, product titles and stock), after refreshing the dirty
 * days and today's rollup of the shops in scope. Several shops are summed day by day; the
 * business days are those of the first shop in scope (shops normally share Asia/Shanghai).
 *
 * Money rates (AOV, visitor value) are rounded to whole fen at this edge; other rates are plain
 * fractions (0.025 = 2.5%). Multi-day bounce rate, views per visitor and dwell are means of the
 * daily values (days without visitors skipped).
 */
import {
  addDays,
  AppError,
  basePeriod,
  baseDayOf,
  businessDay,
  dailyMeans,
  daysBetween,
  DEFAULT_TIMEZONE,
  emptyTotals,
  funnel,
  grossProfit,
  lmdiFen,
  payConversion,
  rate,
  SOURCE_GROUPS,
  sumTotals,
  visitorValue,
  aov,
  type AnalyticsPeriodInput,
  type AnalyticsProductsInput,
  type AnalyticsTradeInput,
  type DashboardCard,
  type DashboardResponse,
  type DayPoint,
  type ProductDetailResponse,
  type ProductRow,
  type ProductsResponse,
  type SourceGroupCode,
  type SourceGroupRow,
  type SourceRow,
  type Totals,
  type TrafficResponse,
  type TradeResponse,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as aftersales from '../aftersales/index.js';
import * as shopsSvc from '../shops/index.js';
import * as traffic from '../traffic/index.js';
import { refreshForRead } from './rollup.service.js';

const SUM_COLS = [
  'uv',
  'pv',
  'detail_uv',
  'detail_visits',
  'dwell_ms',
  'bounce_uv',
  'fav_uv',
  'cart_uv',
  'checkout_uv',
  'order_uv',
  'paying_buyers',
  'paid_fen',
  'orders',
  'paid_orders',
  'units',
  'refund_fen',
  'refund_orders',
  'cost_fen',
] as const;
type SumCol = (typeof SUM_COLS)[number];
export type Sums = Record<SumCol, number>;

function emptySums(): Sums {
  return Object.fromEntries(SUM_COLS.map((c) => [c, 0])) as Sums;
}
function addSums(a: Sums, b: Sums): Sums {
  const r = { ...a };
  for (const c of SUM_COLS) r[c] += b[c];
  return r;
}

export function sumsToTotals(s: Sums): Totals {
  return {
    uv: s.uv,
    pv: s.pv,
    detailUv: s.detail_uv,
    favUv: s.fav_uv,
    cartUv: s.cart_uv,
    orderUv: s.order_uv,
    payingBuyers: s.paying_buyers,
    paidFen: s.paid_fen,
    orders: s.orders,
    paidOrders: s.paid_orders,
    units: s.units,
    refundFen: s.refund_fen,
    refundOrders: s.refund_orders,
    costFen: s.cost_fen,
  };
}

export function dayPoint(day: string, s: Sums): DayPoint {
  return {
    day,
    ...sumsToTotals(s),
    bounceRate: rate(s.bounce_uv, s.uv),
    pvPerVisitor: rate(s.pv, s.uv),
    avgDwellMs: rate(s.dwell_ms, s.detail_visits),
  };
}

const roundFen = (x: number | null) => (x === null ? null : Math.round(x) + 0);

// ---------------------------------------------------------------- scope

export interface Scope {
  shopIds: string[];
  /** The shop's name when one shop was asked for, else null (every visible shop). */
  shopName: string | null;
  timezone: string;
  isDemo: boolean;
  shops: { id: string; timezone: string }[];
}

/** The shops a request reads: the one asked for (404 when not visible) or every visible shop. Refreshes their rollups. */
export async function resolveScope(db: Kysely<DB>, actor: Actor, shopId?: string, now = Date.now()): Promise<Scope> {
  let shops: { id: string; name: string; timezone: string; isDemo: boolean }[];
  if (shopId) {
    const row = await shopsSvc.getVisible(db, actor, shopId);
    shops = [{ id: row.id, name: row.name, timezone: row.timezone, isDemo: row.is_demo === 1 }];
  } else {
    shops = (await shopsSvc.listVisible(db, actor)).map((s) => ({ id: s.id, name: s.name, timezone: s.timezone, isDemo: s.isDemo }));
  }
  await refreshForRead(db, shops, now);
  return {
    shopIds: shops.map((s) => s.id),
    shopName: shopId ? shops[0]!.name : null,
    timezone: shops[0]?.timezone ?? DEFAULT_TIMEZONE,
    isDemo: shops.some((s) => s.isDemo),
    shops: shops.map((s) => ({ id: s.id, timezone: s.timezone })),
  };
}

export function checkPeriod(from: string, to: string): void {
  if (from > to)
    throw new AppError('validation_failed', '开始日期不能晚于结束日期', { from, to }, [{ path: 'from', message: '开始日期晚于结束日期' }]);
  if (daysBetween(from, to).length > 400) throw new AppError('validation_failed', '统计区间最长 400 天，请缩短区间', { from, to });
}

// ---------------------------------------------------------------- rollup reads

type Dim = 'day' | 'product_id' | 'source_code';
interface SumQuery {
  from: string;
  to: string;
  /** undefined = the whole-shop rows (''), '*' = every product row, else one product. */
  product?: string;
  source?: string;
  by: readonly Dim[];
}

/** Σ of rollup columns over the scope's shops, grouped by the given dimensions. */
export async function sumRollups(db: Kysely<DB>, shopIds: readonly string[], q: SumQuery): Promise<(Sums & Record<Dim, string>)[]> {
  if (!shopIds.length) return [];
  let b = db
    .selectFrom('rollup_daily')
    .where('shop_id', 'in', [...shopIds])
    .where('day', '>=', q.from)
    .where('day', '<=', q.to);
  b =
    q.product === undefined
      ? b.where('product_id', '=', '')
      : q.product === '*'
        ? b.where('product_id', '<>', '')
        : b.where('product_id', '=', q.product);
  b =
    q.source === undefined
      ? b.where('source_code', '=', '')
      : q.source === '*'
        ? b.where('source_code', '<>', '')
        : b.where('source_code', '=', q.source);
  const rows = await b
    .select((eb) => [...q.by, ...SUM_COLS.map((c) => eb.fn.sum<number>(c).as(c))] as never)
    .groupBy(q.by as Dim[])
    .execute();
  return (rows as Record<string, unknown>[]).map((r) => {
    const out = { day: '', product_id: '', source_code: '', ...emptySums() } as Sums & Record<Dim, string>;
    for (const d of q.by) out[d] = String(r[d]);
    for (const c of SUM_COLS) out[c] = Number(r[c] ?? 0);
    return out;
  });
}

/** Daily shop figures for every day of [from, to] (days without rows are zeros). */
/** Daily whole-shop (or one product's) sums for every day of [from, to]; days without rows are zeros. */
export async function dailySeries(
  db: Kysely<DB>,
  shopIds: readonly string[],
  from: string,
  to: string,
  product?: string,
): Promise<Map<string, Sums>> {
  const rows = await sumRollups(db, shopIds, { from, to, ...(product ? { product } : {}), by: ['day'] });
  const m = new Map<string, Sums>();
  for (const d of daysBetween(from, to)) m.set(d, emptySums());
  for (const r of rows) m.set(r.day, r);
  return m;
}

// ---------------------------------------------------------------- products helpers

/** Titles and available stock of products (ids in chunks). */
export async function productInfo(db: Kysely<DB>, orgId: string, ids: readonly string[]) {
  const titles = new Map<string, string>();
  const available = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const ps = await db.selectFrom('products').select(['id', 'title']).where('org_id', '=', orgId).where('id', 'in', chunk).execute();
    for (const p of ps) titles.set(p.id, p.title);
    const st = await db
      .selectFrom('stock')
      .innerJoin('skus', 'skus.id', 'stock.sku_id')
      .select((eb) => ['skus.product_id as productId', eb.fn.sum<number>('stock.available').as('available')])
      .where('stock.org_id', '=', orgId)
      .where('skus.product_id', 'in', chunk)
      .groupBy('skus.product_id')
      .execute();
    for (const s of st) available.set(s.productId, Number(s.available));
  }
  return { titles, available };
}

function productRow(productId: string, s: Sums, info: { titles: Map<string, string>; available: Map<string, number> }): ProductRow {
  const t = sumsToTotals(s);
  return {
    productId,
    title: info.titles.get(productId) ?? productId,
    uv: t.uv,
    pv: t.pv,
    cartUv: t.cartUv,
    payingBuyers: t.payingBuyers,
    units: t.units,
    paidFen: t.paidFen,
    payConversion: payConversion(t),
    refundFen: t.refundFen,
    grossProfitFen: grossProfit(t),
    available: info.available.get(productId) ?? null,
  };
}

async function productRows(db: Kysely<DB>, orgId: string, shopIds: readonly string[], from: string, to: string): Promise<ProductRow[]> {
  const sums = await sumRollups(db, shopIds, { from, to, product: '*', by: ['product_id'] });
  const info = await productInfo(
    db,
    orgId,
    sums.map((s) => s.product_id),
  );
  return sums.map((s) => productRow(s.product_id, s, info));
}

function compareRows(key: keyof ProductRow, order: 'asc' | 'desc') {
  return (a: ProductRow, b: ProductRow): number => {
    const x = a[key];
    const y = b[key];
    if (x === y) return a.productId.localeCompare(b.productId);
    if (x === null) return 1; // nulls last either way
    if (y === null) return -1;
    const c = typeof x === 'string' ? x.localeCompare(String(y)) : (x as number) - (y as number);
    return (order === 'asc' ? c : -c) || a.productId.localeCompare(b.productId);
  };
}

// ---------------------------------------------------------------- sources helpers

async function sourceRows(db: Kysely<DB>, orgId: string, scope: Scope, from: string, to: string, shopUv: number): Promise<SourceRow[]> {
  const [sums, sources] = await Promise.all([
    sumRollups(db, scope.shopIds, { from, to, source: '*', by: ['source_code'] }),
    traffic.listSources(db, orgId),
  ]);
  const byCode = new Map(sums.map((s) => [s.source_code, s]));
  const rows: SourceRow[] = [];
  const row = (code: string, group: SourceGroupCode, name: string, s: Sums): SourceRow => {
    const t = sumsToTotals(s);
    return {
      code,
      group,
      name,
      uv: t.uv,
      share: rate(t.uv, shopUv),
      payingBuyers: t.payingBuyers,
      paidFen: t.paidFen,
      payConversion: payConversion(t),
      visitorValue: roundFen(visitorValue(t)),
    };
  };
  for (const src of sources) rows.push(row(src.code, src.groupCode, src.name, byCode.get(src.code) ?? emptySums()));
  // Codes in the data that are no longer configured (a source deleted later) show under 其他.
  for (const s of sums) if (!sources.some((x) => x.code === s.source_code)) rows.push(row(s.source_code, 'other', s.source_code, s));
  return rows;
}

function bySourceRank(a: SourceRow, b: SourceRow): number {
  return b.uv - a.uv || b.paidFen - a.paidFen || a.code.localeCompare(b.code);
}

// ---------------------------------------------------------------- dashboard

const CARD_METRICS: DashboardCard['metric'][] = ['uv', 'pv', 'payingBuyers', 'paidFen', 'payConversion', 'aov', 'orders', 'refundFen'];

function cardValue(metric: DashboardCard['metric'], s: Sums | undefined): number | null {
  const t = sumsToTotals(s ?? emptySums());
  switch (metric) {
    case 'payConversion':
      return payConversion(t);
    case 'aov':
      return roundFen(aov(t));
    default:
      return t[metric];
  }
}

export async function dashboard(db: Kysely<DB>, actor: Actor, shopId?: string, now = Date.now()): Promise<DashboardResponse> {
  const scope = await resolveScope(db, actor, shopId, now);
  const today = businessDay(now, scope.timezone);
  const from30 = addDays(today, -29);
  const series = await dailySeries(db, scope.shopIds, from30, today);
  const cards: DashboardCard[] = CARD_METRICS.map((metric) => ({
    metric,
    today: cardValue(metric, series.get(today)),
    yesterday: cardValue(metric, series.get(addDays(today, -1))),
    dayBefore: cardValue(metric, series.get(addDays(today, -2))),
    todayLastWeek: cardValue(metric, series.get(addDays(today, -7))),
    yesterdayLastWeek: cardValue(metric, series.get(addDays(today, -8))),
  }));
  const trend = [...series].map(([day, s]) => dayPoint(day, s));
  const from7 = addDays(today, -6);
  const week = sumTotals(trend.filter((d) => d.day >= from7));
  const topSources = (await sourceRows(db, actor.orgId, scope, from7, today, week.uv))
    .filter((r) => r.uv > 0 || r.paidFen > 0)
    .sort(bySourceRank)
    .slice(0, 10);
  const topProducts = (await productRows(db, actor.orgId, scope.shopIds, from7, today)).sort(compareRows('paidFen', 'desc')).slice(0, 10);
  return {
    shopIds: scope.shopIds,
    today,
    cards,
    trend,
    funnel: funnel(week),
    topSources,
    topProducts,
    alerts: await alerts(db, actor, scope),
    isDemo: scope.isDemo,
  };
}

async function alerts(db: Kysely<DB>, actor: Actor, scope: Scope): Promise<DashboardResponse['alerts']> {
  const totals = db
    .selectFrom('stock')
    .select((eb) => ['sku_id', eb.fn.sum<number>('available').as('t_available')])
    .where('org_id', '=', actor.orgId)
    .groupBy('sku_id')
    .as('t');
  const low = await db
    .selectFrom('skus')
    .innerJoin(totals, 't.sku_id', 'skus.id')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .select([
      'skus.id as skuId',
      'skus.code as code',
      'products.title as title',
      'skus.spec_text as spec',
      't.t_available as available',
      'skus.low_stock as threshold',
    ])
    .where('skus.org_id', '=', actor.orgId)
    .where('skus.low_stock', 'is not', null)
    .whereRef('t.t_available', '<', 'skus.low_stock')
    .orderBy('t.t_available')
    .orderBy('skus.code')
    .limit(20)
    .execute();
  // The 20 open cases closest past their deadline, from after-sales' own list (its overdue filter).
  const overdue = scope.shopIds.length
    ? (
        await aftersales.listCases(db, actor, {
          status: undefined,
          overdue: true,
          ...(scope.shopName !== null ? { shopId: scope.shopIds[0]! } : {}),
          page: 1,
          pageSize: 20,
        })
      ).items
    : [];
  return {
    lowStock: low.map((r) => ({
      skuId: r.skuId,
      code: r.code,
      title: r.spec ? `${r.title}（${r.spec}）` : r.title,
      available: Number(r.available),
      threshold: Number(r.threshold),
    })),
    overdueAftersales: overdue.map((r) => ({ id: r.id, code: r.code, orderId: r.orderId, type: r.type, dueAt: r.slaDueAt })),
  };
}

// ---------------------------------------------------------------- traffic

export async function trafficReport(db: Kysely<DB>, actor: Actor, q: AnalyticsPeriodInput, now = Date.now()): Promise<TrafficResponse> {
  checkPeriod(q.from, q.to);
  const scope = await resolveScope(db, actor, q.shopId, now);
  const series = await dailySeries(db, scope.shopIds, q.from, q.to);
  const days = [...series].map(([day, s]) => dayPoint(day, s));
  const totals = sumTotals(days);
  const rows = await sourceRows(db, actor.orgId, scope, q.from, q.to, totals.uv);
  const tree: SourceGroupRow[] = SOURCE_GROUPS.map((g) => {
    const children = rows.filter((r) => r.group === g.code).sort(bySourceRank);
    const t = sumTotals(children.map((c) => ({ ...emptyTotals(), uv: c.uv, payingBuyers: c.payingBuyers, paidFen: c.paidFen })));
    return {
      code: g.code,
      name: g.zh,
      uv: t.uv,
      share: rate(t.uv, totals.uv),
      payingBuyers: t.payingBuyers,
      paidFen: t.paidFen,
      payConversion: payConversion(t),
      visitorValue: roundFen(visitorValue(t)),
      children,
    };
  });
  const bySourceDay = await sumRollups(db, scope.shopIds, { from: q.from, to: q.to, source: '*', by: ['day', 'source_code'] });
  const trend = daysBetween(q.from, q.to).map((day) => {
    const bySource: Record<string, number> = {};
    for (const r of bySourceDay) if (r.day === day && r.uv > 0) bySource[r.source_code] = r.uv;
    return { day, bySource };
  });
  return { from: q.from, to: q.to, totals: { ...totals, ...dailyMeans(days) }, tree, trend, funnel: funnel(totals) };
}

// ---------------------------------------------------------------- products

/** Second-half vs first-half UV growth needed for 爆款潜力. */
export const HOT_MIN_GROWTH = 0.2;

export async function products(db: Kysely<DB>, actor: Actor, q: AnalyticsProductsInput, now = Date.now()): Promise<ProductsResponse> {
  checkPeriod(q.from, q.to);
  const scope = await resolveScope(db, actor, q.shopId, now);
  const rows = await productRows(db, actor.orgId, scope.shopIds, q.from, q.to);
  const sorted = [...rows].sort(compareRows(q.sort, q.order));
  const items = sorted.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);

  // 爆款潜力: UV of the second half ≥ 1.2 × the first half (a middle day of an odd period is in
  // neither half) and the period's conversion above the shop's.
  const shop = sumTotals([...(await dailySeries(db, scope.shopIds, q.from, q.to)).values()].map(sumsToTotals));
  const shopConv = payConversion(shop);
  const days = daysBetween(q.from, q.to);
  const half = Math.floor(days.length / 2);
  const hotCandidates: ProductsResponse['hotCandidates'] = [];
  if (half >= 1 && shopConv !== null) {
    const uvIn = async (from: string, to: string) =>
      new Map((await sumRollups(db, scope.shopIds, { from, to, product: '*', by: ['product_id'] })).map((r) => [r.product_id, r.uv]));
    const first = await uvIn(days[0]!, days[half - 1]!);
    const second = await uvIn(days[days.length - half]!, days[days.length - 1]!);
    for (const r of rows) {
      const u1 = first.get(r.productId) ?? 0;
      const u2 = second.get(r.productId) ?? 0;
      if (u1 <= 0 || r.payConversion === null) continue;
      const growth = (u2 - u1) / u1;
      if (growth >= HOT_MIN_GROWTH && r.payConversion > shopConv) hotCandidates.push({ ...r, uvGrowth: growth });
    }
    hotCandidates.sort((a, b) => b.uvGrowth - a.uvGrowth || a.productId.localeCompare(b.productId));
  }

  // 滞销: stock on hand (all warehouses) but no unit sold in the period, with the last day sold.
  const onHand = await db
    .selectFrom('stock')
    .innerJoin('skus', 'skus.id', 'stock.sku_id')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .select((eb) => ['products.id as productId', 'products.title as title', eb.fn.sum<number>('stock.on_hand').as('onHand')])
    .where('stock.org_id', '=', actor.orgId)
    .groupBy(['products.id', 'products.title'])
    .execute();
  const sold = new Set(rows.filter((r) => r.units > 0).map((r) => r.productId));
  const candidates = onHand.filter((p) => Number(p.onHand) > 0 && !sold.has(p.productId));
  const last = new Map<string, string>();
  if (candidates.length && scope.shopIds.length) {
    for (let i = 0; i < candidates.length; i += 500) {
      const ids = candidates.slice(i, i + 500).map((c) => c.productId);
      const lr = await db
        .selectFrom('rollup_daily')
        .select((eb) => ['product_id', eb.fn.max('day').as('lastDay')])
        .where('shop_id', 'in', scope.shopIds)
        .where('product_id', 'in', ids)
        .where('source_code', '=', '')
        .where('units', '>', 0)
        .where('day', '<=', q.to)
        .groupBy('product_id')
        .execute();
      for (const r of lr) last.set(r.product_id, String(r.lastDay));
    }
  }
  const slowMovers = candidates
    .map((c) => ({ productId: c.productId, title: c.title, onHand: Number(c.onHand), lastSoldDay: last.get(c.productId) ?? null }))
    .sort((a, b) => b.onHand - a.onHand || a.productId.localeCompare(b.productId))
    .slice(0, 50);

  return {
    from: q.from,
    to: q.to,
    items,
    total: rows.length,
    page: q.page,
    pageSize: q.pageSize,
    hotCandidates: hotCandidates.slice(0, 20),
    slowMovers,
  };
}

export async function productDetail(
  db: Kysely<DB>,
  actor: Actor,
  productId: string,
  q: AnalyticsPeriodInput,
  now = Date.now(),
): Promise<ProductDetailResponse> {
  checkPeriod(q.from, q.to);
  const scope = await resolveScope(db, actor, q.shopId, now);
  const info = await productInfo(db, actor.orgId, [productId]);
  if (!info.titles.has(productId)) throw new AppError('not_found', `商品 ${productId} 不存在`, { productId });
  const series = await dailySeries(db, scope.shopIds, q.from, q.to, productId);
  const total = [...series.values()].reduce(addSums, emptySums());
  const trend = [...series].map(([day, s]) => {
    const p = dayPoint(day, s);
    return { ...p, payConversion: payConversion(p) };
  });
  return {
    productId,
    title: info.titles.get(productId)!,
    from: q.from,
    to: q.to,
    totals: productRow(productId, total, info),
    trend,
    funnel: funnel(sumsToTotals(total)),
  };
}

// ---------------------------------------------------------------- trade

export async function trade(db: Kysely<DB>, actor: Actor, q: AnalyticsTradeInput, now = Date.now()): Promise<TradeResponse> {
  checkPeriod(q.from, q.to);
  const scope = await resolveScope(db, actor, q.shopId, now);
  const base = basePeriod(q.from, q.to, q.compare);
  const cur = await dailySeries(db, scope.shopIds, q.from, q.to);
  const prev = await dailySeries(db, scope.shopIds, base.from, base.to);
  const current = sumsToTotals([...cur.values()].reduce(addSums, emptySums()));
  const baseTotals = sumsToTotals([...prev.values()].reduce(addSums, emptySums()));
  const d = lmdiFen(baseTotals, current);
  return {
    from: q.from,
    to: q.to,
    compare: q.compare,
    baseFrom: base.from,
    baseTo: base.to,
    current,
    base: baseTotals,
    decomposition: { deltaFen: d.deltaFen, uvEffect: d.uvEffect, conversionEffect: d.conversionEffect, aovEffect: d.aovEffect },
    trend: [...cur].map(([day, s]) => {
      const baseDay = baseDayOf(day, q.compare, q.from, q.to);
      return { day, paidFen: s.paid_fen, baseDay, basePaidFen: prev.get(baseDay)?.paid_fen ?? 0 };
    }),
  };
}

/** Default period when a request names none: the last 7 days, today included. */
export function defaultPeriod(timezone: string, now = Date.now()): { from: string; to: string } {
  const to = businessDay(now, timezone);
  return { from: addDays(to, -6), to };
}

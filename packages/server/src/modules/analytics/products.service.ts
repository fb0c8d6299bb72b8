/**
 * 商品分析 and 单品分析: per-product figures from the product rows of rollup_daily, ranked in
 * memory; 爆款潜力 (UV rising with conversion above the shop's) and 滞销 (stock on hand, nothing
 * sold in the period).
 */
import {
  AppError,
  basePeriod,
  daysBetween,
  funnel,
  grossProfit,
  payConversion,
  PRODUCT_FIGURES,
  type AnalyticsPeriodInput,
  type AnalyticsProductsInput,
  type ProductDetailResponse,
  type ProductFigure,
  type ProductRow,
  type ProductSortBy,
  type ProductsResponse,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import {
  addSums,
  checkPeriod,
  dailySeries,
  dayPoint,
  emptySums,
  productInfo,
  resolveScope,
  sumRollups,
  sumsToTotals,
  type Sums,
} from './rollup-read.js';
import { readStamps, type Stamps } from './read-cache.js';
import { scopeKey, singleFlight } from './single-flight.js';
import { slicePayConversion } from './traffic-report.js';

function productRow(productId: string, s: Sums, info: { titles: Map<string, string>; available: Map<string, number> }): ProductRow {
  const t = sumsToTotals(s);
  return {
    productId,
    title: info.titles.get(productId) ?? productId,
    uv: t.uv,
    pv: t.pv,
    cartUv: t.cartUv,
    payingBuyers: t.payingBuyers,
    untrackedBuyers: s.untracked_buyers,
    units: t.units,
    paidFen: t.paidFen,
    payConversion: slicePayConversion(s),
    refundFen: t.refundFen,
    grossProfitFen: grossProfit(t),
    available: info.available.get(productId) ?? null,
  };
}

export async function productRows(
  db: Kysely<DB>,
  orgId: string,
  shopIds: readonly string[],
  from: string,
  to: string,
  stamps?: Stamps,
  opts: { info?: boolean } = {},
): Promise<ProductRow[]> {
  const sums = await sumRollups(db, shopIds, { from, to, product: '*', by: ['product_id'] }, stamps);
  // Without `info`, titles read as the id and stock as null until `withInfo` fills the rows shown.
  const info =
    opts.info === false
      ? { titles: new Map<string, string>(), available: new Map<string, number>() }
      : await productInfo(
          db,
          orgId,
          sums.map((s) => s.product_id),
        );
  return sums.map((s) => productRow(s.product_id, s, info));
}

/** Fill in the titles and available stock of these rows (looked up once per product). */
async function withInfo(db: Kysely<DB>, orgId: string, rows: readonly ProductRow[]): Promise<void> {
  const info = await productInfo(db, orgId, [...new Set(rows.map((r) => r.productId))]);
  for (const r of rows) {
    r.title = info.titles.get(r.productId) ?? r.productId;
    r.available = info.available.get(r.productId) ?? null;
  }
}

/**
 * The `n` products with the highest paid amount in [from, to] (ties by id), the way
 * `productRows(…).sort(compareRows('paidFen', 'desc')).slice(0, n)` ranks them, with titles and
 * stock looked up for those `n` only (the dashboard's top products).
 */
export async function topProductRows(
  db: Kysely<DB>,
  orgId: string,
  shopIds: readonly string[],
  from: string,
  to: string,
  n: number,
  stamps?: Stamps,
): Promise<ProductRow[]> {
  const sums = await sumRollups(db, shopIds, { from, to, product: '*', by: ['product_id'] }, stamps);
  const top = sums.sort((a, b) => b.paid_fen - a.paid_fen || a.product_id.localeCompare(b.product_id)).slice(0, n);
  const info = await productInfo(
    db,
    orgId,
    top.map((s) => s.product_id),
  );
  return top.map((s) => productRow(s.product_id, s, info));
}

/** A product row's sort value: the figure, its change against the base period, or the relative change (null without a base). */
export function sortValue(r: ProductRow, key: keyof ProductRow, by: ProductSortBy): string | number | null {
  const v = r[key];
  if (by === 'value' || !(PRODUCT_FIGURES as readonly string[]).includes(key)) return v as string | number | null;
  const cur = v as number | null;
  const base = r.base ? r.base[key as ProductFigure] : 0;
  if (cur === null || base === null) return null;
  if (by === 'delta') return cur - base;
  return base === 0 ? null : (cur - base) / Math.abs(base);
}

export function compareRows(key: keyof ProductRow, order: 'asc' | 'desc', by: ProductSortBy = 'value') {
  return (a: ProductRow, b: ProductRow): number => {
    const x = sortValue(a, key, by);
    const y = sortValue(b, key, by);
    if (x === y) return a.productId.localeCompare(b.productId);
    if (x === null) return 1; // nulls last either way
    if (y === null) return -1;
    const c = typeof x === 'string' ? x.localeCompare(String(y)) : (x as number) - (y as number);
    return (order === 'asc' ? c : -c) || a.productId.localeCompare(b.productId);
  };
}

/** Second-half vs first-half UV growth needed for 爆款潜力. */
export const HOT_MIN_GROWTH = 0.2;

export async function products(db: Kysely<DB>, actor: Actor, q: AnalyticsProductsInput, now = Date.now()): Promise<ProductsResponse> {
  checkPeriod(q.from, q.to);
  const scope = await resolveScope(db, actor, q.shopId, now);
  // Each figure beside the same figure in the comparison period (a product sold only then shows 0 now).
  const basePer = basePeriod(q.from, q.to, q.compare);
  // The rebuild stamps of both periods, read once: they key the cached sums (read-cache.ts).
  const stamps = await readStamps(db, scope.shopIds, basePer.from < q.from ? basePer.from : q.from, basePer.to > q.to ? basePer.to : q.to);
  // Titles and stock are looked up for every product only when the ranking sorts by them; else
  // for the rows of the page and the 爆款潜力 candidates (a shop has thousands of products).
  const infoFirst = q.sort === 'title' || q.sort === 'available';
  const rows = await productRows(db, actor.orgId, scope.shopIds, q.from, q.to, stamps, { info: infoFirst });
  const baseRows = new Map(
    (await productRows(db, actor.orgId, scope.shopIds, basePer.from, basePer.to, stamps, { info: infoFirst })).map(
      (r) => [r.productId, r] as const,
    ),
  );
  const zero = (r: ProductRow): ProductRow => ({
    ...r,
    uv: 0,
    pv: 0,
    cartUv: 0,
    payingBuyers: 0,
    untrackedBuyers: 0,
    units: 0,
    paidFen: 0,
    payConversion: null,
    refundFen: 0,
    grossProfitFen: 0,
  });
  const inPeriod = new Set(rows.map((r) => r.productId));
  for (const [id, b] of baseRows) if (!inPeriod.has(id)) rows.push(zero(b));
  for (const r of rows) {
    const b = baseRows.get(r.productId);
    r.base = Object.fromEntries(PRODUCT_FIGURES.map((f) => [f, b ? b[f] : f === 'payConversion' ? null : 0])) as Pick<
      ProductRow,
      ProductFigure
    >;
  }
  const sorted = [...rows].sort(compareRows(q.sort, q.order, q.sortBy));
  const items = sorted.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);

  // 爆款潜力: UV of the second half ≥ 1.2 × the first half (a middle day of an odd period is in
  // neither half) and the period's conversion above the shop's.
  // The shop's conversion on the products' footing (buyers without a tracked visit count as visitors).
  const shopConv = slicePayConversion(
    [...(await dailySeries(db, scope.shopIds, q.from, q.to, undefined, stamps)).values()].reduce(addSums, emptySums()),
  );
  const days = daysBetween(q.from, q.to);
  const half = Math.floor(days.length / 2);
  const hotCandidates: ProductsResponse['hotCandidates'] = [];
  if (half >= 1 && shopConv !== null) {
    const uvIn = async (from: string, to: string) =>
      new Map(
        (await sumRollups(db, scope.shopIds, { from, to, product: '*', by: ['product_id'] }, stamps)).map((r) => [r.product_id, r.uv]),
      );
    const first = await uvIn(days[0]!, days[half - 1]!);
    const second = await uvIn(days[days.length - half]!, days[days.length - 1]!);
    for (const r of rows) {
      const u1 = first.get(r.productId) ?? 0;
      const u2 = second.get(r.productId) ?? 0;
      if (u1 <= 0 || r.payConversion === null) continue;
      const growth = (u2 - u1) / u1;
      if (growth >= HOT_MIN_GROWTH && r.payConversion > shopConv) {
        const { base: _base, ...plain } = r;
        hotCandidates.push({ ...plain, uvGrowth: growth });
      }
    }
    hotCandidates.sort((a, b) => b.uvGrowth - a.uvGrowth || a.productId.localeCompare(b.productId));
  }
  if (!infoFirst) await withInfo(db, actor.orgId, [...items, ...hotCandidates.slice(0, 20)]);

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
  // Only the 50 shown (most stock on hand first) need their last day sold: a shop can have
  // thousands of products unsold in the period, each an index range of rollup rows to read.
  const shown = onHand
    .filter((p) => Number(p.onHand) > 0 && !sold.has(p.productId))
    .map((c) => ({ productId: c.productId, title: c.title, onHand: Number(c.onHand) }))
    .sort((a, b) => b.onHand - a.onHand || a.productId.localeCompare(b.productId))
    .slice(0, 50);
  const last = new Map<string, string>();
  if (shown.length && scope.shopIds.length) {
    const lr = await db
      .selectFrom('rollup_daily')
      .select((eb) => ['product_id', eb.fn.max('day').as('lastDay')])
      .where('shop_id', 'in', scope.shopIds)
      .where(
        'product_id',
        'in',
        shown.map((c) => c.productId),
      )
      .where('source_code', '=', '')
      .where('units', '>', 0)
      .where('day', '<=', q.to)
      .groupBy('product_id')
      .execute();
    for (const r of lr) last.set(r.product_id, String(r.lastDay));
  }
  const slowMovers = shown.map((c) => ({ ...c, lastSoldDay: last.get(c.productId) ?? null }));

  return {
    from: q.from,
    to: q.to,
    compare: q.compare,
    baseFrom: basePer.from,
    baseTo: basePer.to,
    items,
    total: rows.length,
    page: q.page,
    pageSize: q.pageSize,
    hotCandidates: hotCandidates.slice(0, 20),
    slowMovers,
  };
}

/** The ranking as the route serves it: the same query in the same scope at the same time is computed once (single-flight.ts). */
export function sharedProducts(db: Kysely<DB>, actor: Actor, q: AnalyticsProductsInput): Promise<ProductsResponse> {
  return singleFlight(db, `products\u0000${scopeKey(actor)}\u0000${JSON.stringify(q)}`, () => products(db, actor, q));
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

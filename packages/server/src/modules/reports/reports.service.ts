/**
 * Operations reports (运营日报 / 周报 / 月报): the period containing a day, its comparison periods,
 * the 全店运营数据汇总表 (one row per day + the total) and the per-product table. Everything is read
 * from rollup_daily exactly as the analytics screens read it (whole-shop rows: product_id '' and
 * source_code ''; product rows: source_code ''), after refreshing the dirty days, so a report
 * shows the same figures as 流量分析 / 商品分析 / 交易分析 for the same shop and days.
 */
import {
  addDays,
  AppError,
  businessDay,
  dailyMeans,
  daysBetween,
  DEFAULT_TIMEZONE,
  reportFigures,
  reportPeriods,
  reportProductRow,
  sumTotals,
  type DayPoint,
  type ReportDay,
  type ReportFigures,
  type ReportKind,
  type ReportProductRow,
  type ReportResponse,
  type Totals,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { refreshForRead } from '../analytics/index.js';
import * as shopsSvc from '../shops/index.js';

const SUM_COLS = [
  'uv',
  'pv',
  'detail_uv',
  'detail_visits',
  'dwell_ms',
  'bounce_uv',
  'fav_uv',
  'cart_uv',
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
type Sums = Record<(typeof SUM_COLS)[number], number>;

const emptySums = (): Sums => Object.fromEntries(SUM_COLS.map((c) => [c, 0])) as Sums;

function toTotals(s: Sums): Totals {
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

const rate = (a: number, b: number) => (b === 0 ? null : a / b);

function toDayPoint(day: string, s: Sums): DayPoint {
  return {
    day,
    ...toTotals(s),
    bounceRate: rate(s.bounce_uv, s.uv),
    pvPerVisitor: rate(s.pv, s.uv),
    avgDwellMs: rate(s.dwell_ms, s.detail_visits),
  };
}

// ---------------------------------------------------------------- scope

export interface ReportScope {
  shopIds: string[];
  shopName: string | null;
  timezone: string;
}

/** The shop asked for (404 when not visible) or every visible shop; their dirty rollups are rebuilt first. */
export async function reportScope(db: Kysely<DB>, actor: Actor, shopId: string | undefined, now = Date.now()): Promise<ReportScope> {
  let shops: { id: string; name: string; timezone: string }[];
  if (shopId) {
    const row = await shopsSvc.getVisible(db, actor, shopId);
    shops = [{ id: row.id, name: row.name, timezone: row.timezone }];
  } else {
    shops = (await shopsSvc.listVisible(db, actor)).map((s) => ({ id: s.id, name: s.name, timezone: s.timezone }));
  }
  await refreshForRead(db, shops, now);
  return {
    shopIds: shops.map((s) => s.id),
    shopName: shopId ? shops[0]!.name : null,
    timezone: shops[0]?.timezone ?? DEFAULT_TIMEZONE,
  };
}

// ---------------------------------------------------------------- rollup reads

/** Σ of the whole-shop rollup rows per day over the scope's shops; every day of [from, to] is present. */
export async function dailySums(db: Kysely<DB>, shopIds: readonly string[], from: string, to: string): Promise<Map<string, Sums>> {
  const out = new Map<string, Sums>();
  for (const d of daysBetween(from, to)) out.set(d, emptySums());
  if (!shopIds.length) return out;
  const rows = await db
    .selectFrom('rollup_daily')
    .select((eb) => ['day', ...SUM_COLS.map((c) => eb.fn.sum<number>(c).as(c))])
    .where('shop_id', 'in', [...shopIds])
    .where('day', '>=', from)
    .where('day', '<=', to)
    .where('product_id', '=', '')
    .where('source_code', '=', '')
    .groupBy('day')
    .execute();
  for (const r of rows as unknown as Record<string, unknown>[]) {
    const s = emptySums();
    for (const c of SUM_COLS) s[c] = Number(r[c] ?? 0);
    out.set(String(r.day), s);
  }
  return out;
}

/** Per-product sums over [from, to] (product rows of every source), with titles. */
async function productSums(
  db: Kysely<DB>,
  orgId: string,
  shopIds: readonly string[],
  from: string,
  to: string,
): Promise<{ productId: string; title: string; sums: Sums }[]> {
  if (!shopIds.length) return [];
  const rows = (await db
    .selectFrom('rollup_daily')
    .select((eb) => ['product_id', ...SUM_COLS.map((c) => eb.fn.sum<number>(c).as(c))])
    .where('shop_id', 'in', [...shopIds])
    .where('day', '>=', from)
    .where('day', '<=', to)
    .where('product_id', '<>', '')
    .where('source_code', '=', '')
    .groupBy('product_id')
    .execute()) as unknown as Record<string, unknown>[];
  const titles = new Map<string, string>();
  const ids = rows.map((r) => String(r.product_id));
  for (let i = 0; i < ids.length; i += 500) {
    const ps = await db
      .selectFrom('products')
      .select(['id', 'title'])
      .where('org_id', '=', orgId)
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const p of ps) titles.set(p.id, p.title);
  }
  return rows.map((r) => {
    const s = emptySums();
    for (const c of SUM_COLS) s[c] = Number(r[c] ?? 0);
    const id = String(r.product_id);
    return { productId: id, title: titles.get(id) ?? id, sums: s };
  });
}

/** The report figures of a period: its totals (Σ of days) and the means of the daily rates. */
export function periodFigures(days: readonly DayPoint[]): ReportFigures {
  return reportFigures(sumTotals(days), dailyMeans(days));
}

async function figuresOf(db: Kysely<DB>, shopIds: readonly string[], from: string, to: string): Promise<ReportFigures> {
  const series = await dailySums(db, shopIds, from, to);
  return periodFigures([...series].map(([d, s]) => toDayPoint(d, s)));
}

// ---------------------------------------------------------------- the report

export interface ReportQuery {
  kind: ReportKind;
  shopId?: string | undefined;
  /** Any day of the period; default: yesterday for a daily report, today for weekly and monthly. */
  date?: string | undefined;
}

export async function buildReport(db: Kysely<DB>, actor: Actor, q: ReportQuery, now = Date.now()): Promise<ReportResponse> {
  const scope = await reportScope(db, actor, q.shopId, now);
  const today = businessDay(now, scope.timezone);
  const date = q.date ?? (q.kind === 'daily' ? addDays(today, -1) : today);
  if (date > today)
    throw new AppError('validation_failed', `日期 ${date} 晚于今天（${today}），请选择今天或以前的日期`, { date, today }, [
      { path: 'date', message: '不能晚于今天' },
    ]);
  const p = reportPeriods(q.kind, date, today);
  const series = await dailySums(db, scope.shopIds, p.from, p.to);
  const days: ReportDay[] = [...series].map(([day, s]) => ({ day, ...periodFigures([toDayPoint(day, s)]) }));
  const current = periodFigures([...series].map(([d, s]) => toDayPoint(d, s)));
  const comparisons = [];
  for (const c of p.comparisons)
    comparisons.push({ key: c.key, from: c.from, to: c.to, figures: await figuresOf(db, scope.shopIds, c.from, c.to) });
  const products: ReportProductRow[] = (await productSums(db, actor.orgId, scope.shopIds, p.from, p.to))
    .map((x) => reportProductRow(x.productId, x.title, toTotals(x.sums)))
    .sort((a, b) => b.paidFen - a.paidFen || b.uv - a.uv || a.productId.localeCompare(b.productId));
  return {
    kind: q.kind,
    date,
    today,
    complete: p.complete,
    shopIds: scope.shopIds,
    shopName: scope.shopName,
    current: { key: 'current', from: p.from, to: p.to, figures: current },
    comparisons,
    days,
    products,
  };
}

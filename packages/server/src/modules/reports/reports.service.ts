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
  reportFigures,
  reportPeriods,
  reportProductRow,
  shopAdLines,
  sumTotals,
  type DayPoint,
  type ReportDay,
  type ReportFigures,
  type ReportInput,
  type ReportProductRow,
  type ReportResponse,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as ads from '../ads/index.js';
import * as analytics from '../analytics/index.js';

/** The shop asked for (404 when not visible) or every visible shop; their dirty rollups are rebuilt first. */
export const reportScope = analytics.resolveScope;

/** Per-product sums over [from, to] (product rows of every source), with titles. */
async function productSums(db: Kysely<DB>, orgId: string, shopIds: readonly string[], from: string, to: string) {
  const sums = await analytics.sumRollups(db, shopIds, { from, to, product: '*', by: ['product_id'] });
  const { titles } = await analytics.productInfo(
    db,
    orgId,
    sums.map((s) => s.product_id),
  );
  return sums.map((s) => ({ productId: s.product_id, title: titles.get(s.product_id) ?? s.product_id, sums: s }));
}

/** The report figures of a period: its totals (Σ of days) and the means of the daily rates. */
export function periodFigures(days: readonly DayPoint[]): ReportFigures {
  return reportFigures(sumTotals(days), dailyMeans(days));
}

async function figuresOf(db: Kysely<DB>, shopIds: readonly string[], from: string, to: string): Promise<ReportFigures> {
  const series = await analytics.dailySeries(db, shopIds, from, to);
  return periodFigures([...series].map(([d, s]) => analytics.dayPoint(d, s)));
}

/** The ad lines of a period against its figures (null = 无推广数据). */
async function adLinesOf(db: Kysely<DB>, shopIds: readonly string[], from: string, to: string, f: ReportFigures) {
  return shopAdLines(await ads.shopAdTotals(db, shopIds, from, to), f);
}

// ---------------------------------------------------------------- the report

export async function buildReport(db: Kysely<DB>, actor: Actor, q: ReportInput, now = Date.now()): Promise<ReportResponse> {
  const scope = await reportScope(db, actor, q.shopId, now);
  const today = businessDay(now, scope.timezone);
  const date = q.date ?? (q.kind === 'daily' ? addDays(today, -1) : today);
  if (date > today)
    throw new AppError('validation_failed', `日期 ${date} 晚于今天（${today}），请选择今天或以前的日期`, { date, today }, [
      { path: 'date', message: '不能晚于今天' },
    ]);
  const p = reportPeriods(q.kind, date, today);
  const series = await analytics.dailySeries(db, scope.shopIds, p.from, p.to);
  const days: ReportDay[] = [...series].map(([day, s]) => ({ day, ...periodFigures([analytics.dayPoint(day, s)]) }));
  const current = periodFigures([...series].map(([d, s]) => analytics.dayPoint(d, s)));
  const comparisons = [];
  for (const c of p.comparisons) {
    const figures = await figuresOf(db, scope.shopIds, c.from, c.to);
    comparisons.push({ key: c.key, from: c.from, to: c.to, figures, ads: await adLinesOf(db, scope.shopIds, c.from, c.to, figures) });
  }
  const products: ReportProductRow[] = (await productSums(db, actor.orgId, scope.shopIds, p.from, p.to))
    // A product's conversion on 商品分析's footing: buyers without a tracked visit count as visitors.
    .map((x) => ({
      ...reportProductRow(x.productId, x.title, analytics.sumsToTotals(x.sums)),
      payConversion: analytics.slicePayConversion(x.sums),
    }))
    .sort((a, b) => b.paidFen - a.paidFen || b.uv - a.uv || a.productId.localeCompare(b.productId));
  return {
    kind: q.kind,
    date,
    today,
    complete: p.complete,
    shopIds: scope.shopIds,
    shopName: scope.shopName,
    current: { key: 'current', from: p.from, to: p.to, figures: current, ads: await adLinesOf(db, scope.shopIds, p.from, p.to, current) },
    comparisons,
    days,
    products,
  };
}

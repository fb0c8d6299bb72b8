/**
 * The analytics screens 流量分析 and 交易分析 (the dashboard: dashboard.service.ts; products:
 * products.service.ts). They read only rollup_daily (rollup-read.ts), after refreshing the dirty
 * days and today's rollup of the shops in scope.
 *
 * Money rates (AOV, visitor value) are rounded to whole fen at this edge; other rates are plain
 * fractions (0.025 = 2.5%). Multi-day bounce rate, views per visitor and dwell are means of the
 * daily values (days without visitors skipped).
 */
import {
  addDays,
  basePeriod,
  baseDayOf,
  businessDay,
  grossProfit,
  lmdiFen,
  shopAdLines,
  type AnalyticsTradeInput,
  type TradeResponse,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as ads from '../ads/index.js';
import { addSums, checkPeriod, dailySeries, emptySums, resolveScope, sumsToTotals } from './rollup-read.js';

// 流量分析 (and the source rows the dashboard ranks): traffic-report.ts.
export { bySourceRank, sourceRows, trafficReport } from './traffic-report.js';

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
  // Ad spend joins the trade figures: 推广花费, ROI, 推广占比 and gross profit after ads per period.
  const adLines = async (from: string, to: string, t: typeof current) =>
    shopAdLines(await ads.shopAdTotals(db, scope.shopIds, from, to), { paidFen: t.paidFen, grossProfitFen: grossProfit(t) });
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
    ads: { current: await adLines(q.from, q.to, current), base: await adLines(base.from, base.to, baseTotals) },
  };
}

/** Default period when a request names none: 近7天, the last 7 whole days ending yesterday (today is the dashboard's real-time cards). */
export function defaultPeriod(timezone: string, now = Date.now()): { from: string; to: string } {
  const to = addDays(businessDay(now, timezone), -1);
  return { from: addDays(to, -6), to };
}

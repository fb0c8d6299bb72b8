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
  dailyMeans,
  daysBetween,
  emptyTotals,
  funnel,
  lmdiFen,
  payConversion,
  rate,
  SOURCE_GROUPS,
  sumTotals,
  visitorValue,
  type AnalyticsPeriodInput,
  type AnalyticsTradeInput,
  type SourceGroupCode,
  type SourceGroupRow,
  type SourceRow,
  type TrafficResponse,
  type TradeResponse,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as traffic from '../traffic/index.js';
import {
  addSums,
  checkPeriod,
  dailySeries,
  dayPoint,
  emptySums,
  resolveScope,
  roundFen,
  sumRollups,
  sumsToTotals,
  type Scope,
  type Sums,
} from './rollup-read.js';

// ---------------------------------------------------------------- sources helpers

export async function sourceRows(
  db: Kysely<DB>,
  orgId: string,
  scope: Scope,
  from: string,
  to: string,
  shopUv: number,
): Promise<SourceRow[]> {
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

export function bySourceRank(a: SourceRow, b: SourceRow): number {
  return b.uv - a.uv || b.paidFen - a.paidFen || a.code.localeCompare(b.code);
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

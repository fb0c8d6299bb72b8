/**
 * 流量分析: the shop figures, the two-level source tree of the shops' channel (each channel has
 * its own tree: a JD shop shows 京东搜索, never 手淘搜索) and the funnel of a period, each figure
 * beside the same figure in the comparison period.
 *
 * - A first-level row counts its distinct visitors per day (rollup rows '@free' …; see
 *   rollup-groups.ts); on days without such a row (imported statistics) the sum of its sources is
 *   used, and `uvIsSum` says so.
 * - Conversion of a source or group: paying buyers ÷ (visitors + paying buyers without a tracked
 *   visit), so manual orders never push it over 100 % (METRICS.itemPayConversion).
 * - The tree lists the sources of the channels in scope, and any other source that had visitors
 *   or orders in the period (data recorded before a source moved, or a source of another tree):
 *   nothing counted is hidden.
 */
import {
  basePeriod,
  dailyMeans,
  daysBetween,
  funnel,
  GROUP_ROLLUP_PREFIX,
  rate,
  SOURCE_GROUP_NAMES,
  SOURCE_GROUPS,
  sourceFamilyOf,
  sourceInFamily,
  sumTotals,
  visitorValue,
  type AnalyticsTrafficInput,
  type PaidTraffic,
  type SourceFamily,
  type SourceFigures,
  type SourceGroupCode,
  type SourceGroupRow,
  type SourceRow,
  type TrafficResponse,
  type TrafficTotals,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as ads from '../ads/index.js';
import * as traffic from '../traffic/index.js';
import type { Stamps } from './read-cache.js';
import {
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

/** The tree of the shops in scope: their channel's, or `mixed` when they use several. */
export function scopeFamily(scope: Pick<Scope, 'channels'>): SourceFamily | 'mixed' {
  const fams = new Set(scope.channels.map(sourceFamilyOf));
  return fams.size === 1 ? [...fams][0]! : 'mixed';
}

/** Conversion of a source or product slice: buyers without a tracked visit count as visitors too (≤ 100 %). */
export function slicePayConversion(s: Pick<Sums, 'paying_buyers' | 'uv' | 'untracked_buyers'>): number | null {
  return rate(s.paying_buyers, s.uv + s.untracked_buyers);
}

function figures(s: Sums, shopUv: number): SourceFigures {
  const t = sumsToTotals(s);
  return {
    uv: t.uv,
    share: rate(t.uv, shopUv),
    payingBuyers: t.payingBuyers,
    paidFen: t.paidFen,
    payConversion: slicePayConversion(s),
    visitorValue: roundFen(visitorValue(t)),
  };
}

export async function sourceRows(
  db: Kysely<DB>,
  orgId: string,
  scope: Scope,
  from: string,
  to: string,
  shopUv: number,
  stamps?: Stamps,
): Promise<SourceRow[]> {
  const [sums, sources] = await Promise.all([
    sumRollups(db, scope.shopIds, { from, to, source: '*', by: ['source_code'] }, stamps),
    traffic.listSources(db, orgId),
  ]);
  const families = new Set(scope.channels.map(sourceFamilyOf));
  const inTree = (family: string) => [...families].some((f) => sourceInFamily(family, f));
  const byCode = new Map(sums.map((s) => [s.source_code, s]));
  const had = (s: Sums | undefined) => s !== undefined && (s.uv > 0 || s.orders > 0 || s.paying_buyers > 0 || s.paid_fen > 0);
  const rows: SourceRow[] = [];
  for (const src of sources) {
    const s = byCode.get(src.code);
    if (inTree(src.family) || had(s))
      rows.push({ code: src.code, group: src.groupCode, name: src.name, ...figures(s ?? emptySums(), shopUv) });
  }
  // Codes in the data that are no longer configured (a source deleted later) show under 其他.
  for (const s of sums)
    if (!sources.some((x) => x.code === s.source_code))
      rows.push({ code: s.source_code, group: 'other', name: s.source_code, ...figures(s, shopUv) });
  return rows;
}

export function bySourceRank(a: SourceRow, b: SourceRow): number {
  return b.uv - a.uv || b.paidFen - a.paidFen || a.code.localeCompare(b.code);
}

/** A period's totals, tree and per-source daily visitors. */
async function period(db: Kysely<DB>, orgId: string, scope: Scope, from: string, to: string) {
  const series = await dailySeries(db, scope.shopIds, from, to);
  const days = [...series].map(([day, s]) => dayPoint(day, s));
  const t = sumTotals(days);
  const totals: TrafficTotals = { ...t, ...dailyMeans(days) };
  const rows = await sourceRows(db, orgId, scope, from, to, t.uv);
  const [bySourceDay, groupDays] = await Promise.all([
    sumRollups(db, scope.shopIds, { from, to, source: '*', by: ['day', 'source_code'] }),
    sumRollups(db, scope.shopIds, { from, to, source: 'groups', by: ['day', 'source_code'] }),
  ]);
  const groupOf = new Map(rows.map((r) => [r.code, r.group]));
  const groupDay = new Map(groupDays.map((g) => [`${g.source_code}|${g.day}`, g.uv]));
  // Σ over days of the group's distinct visitors; a day without a group row takes its sources' sum.
  const childSum = new Map<string, { uv: number; untracked: number }>();
  const groupUv = new Map<SourceGroupCode, { uv: number; isSum: boolean; untracked: number }>();
  for (const r of bySourceDay) {
    const g = groupOf.get(r.source_code) ?? 'other';
    const k = `${GROUP_ROLLUP_PREFIX}${g}|${r.day}`;
    const c = childSum.get(k) ?? { uv: 0, untracked: 0 };
    c.uv += r.uv;
    c.untracked += r.untracked_buyers;
    childSum.set(k, c);
  }
  for (const [k, c] of childSum) {
    const g = k.slice(GROUP_ROLLUP_PREFIX.length, k.indexOf('|')) as SourceGroupCode;
    const acc = groupUv.get(g) ?? { uv: 0, isSum: false, untracked: 0 };
    const distinct = groupDay.get(k);
    if (distinct !== undefined) acc.uv += distinct;
    else if (c.uv > 0) {
      acc.uv += c.uv;
      acc.isSum = true;
    }
    acc.untracked += c.untracked;
    groupUv.set(g, acc);
  }
  const names = SOURCE_GROUP_NAMES[scopeFamily(scope)];
  const tree: SourceGroupRow[] = SOURCE_GROUPS.map((g) => {
    const children = rows.filter((r) => r.group === g.code).sort(bySourceRank);
    const u = groupUv.get(g.code) ?? { uv: 0, isSum: false, untracked: 0 };
    const payingBuyers = children.reduce((a, c) => a + c.payingBuyers, 0);
    const paidFen = children.reduce((a, c) => a + c.paidFen, 0);
    return {
      code: g.code,
      name: names[g.code].zh,
      uv: u.uv,
      uvIsSum: u.isSum,
      share: rate(u.uv, t.uv),
      payingBuyers,
      paidFen,
      payConversion: rate(payingBuyers, u.uv + u.untracked),
      visitorValue: roundFen(rate(paidFen, u.uv)),
      children,
    };
  });
  const trend = daysBetween(from, to).map((day) => {
    const bySource: Record<string, number> = {};
    for (const r of bySourceDay) if (r.day === day && r.uv > 0) bySource[r.source_code] = r.uv;
    return { day, bySource };
  });
  return { totals, tree, trend, paidTraffic: await paidTrafficOf(db, scope, from, to, tree, t.uv) };
}

/**
 * Paid-traffic share: the visitors of the paid first-level groups (SOURCE_GROUPS' paid flag; which
 * sources sit under them is each channel's editable source table) over the shop's visitors, both
 * sums of daily distinct visitors; 访客成本 = 推广花费 (the ad tools' spend + 淘宝客 commission) ÷
 * paid visitors.
 */
async function paidTrafficOf(
  db: Kysely<DB>,
  scope: Scope,
  from: string,
  to: string,
  tree: readonly SourceGroupRow[],
  shopUv: number,
): Promise<PaidTraffic> {
  const paidCodes = new Set<string>(SOURCE_GROUPS.filter((g) => g.paid).map((g) => g.code));
  const groups = tree.filter((g) => paidCodes.has(g.code));
  const uv = groups.reduce((a, g) => a + g.uv, 0);
  const ad = await ads.shopAdTotals(db, scope.shopIds, from, to);
  const spendFen = ad.hasData ? ad.spendFen + ad.taokeCommissionFen : null;
  return {
    uv,
    share: rate(uv, shopUv),
    uvIsSum: groups.some((g) => g.uvIsSum),
    spendFen,
    visitorCostFen: spendFen === null || uv === 0 ? null : Math.round(spendFen / uv),
  };
}

function pickFigures(r: SourceFigures): SourceFigures {
  return {
    uv: r.uv,
    share: r.share,
    payingBuyers: r.payingBuyers,
    paidFen: r.paidFen,
    payConversion: r.payConversion,
    visitorValue: r.visitorValue,
  };
}

const NO_FIGURES: SourceFigures = { uv: 0, share: null, payingBuyers: 0, paidFen: 0, payConversion: null, visitorValue: null };

export async function trafficReport(db: Kysely<DB>, actor: Actor, q: AnalyticsTrafficInput, now = Date.now()): Promise<TrafficResponse> {
  checkPeriod(q.from, q.to);
  const scope = await resolveScope(db, actor, q.shopId, now);
  const base = basePeriod(q.from, q.to, q.compare);
  const cur = await period(db, actor.orgId, scope, q.from, q.to);
  const prev = await period(db, actor.orgId, scope, base.from, base.to);
  const prevGroups = new Map(prev.tree.map((g) => [g.code, g]));
  const prevSources = new Map(prev.tree.flatMap((g) => g.children).map((c) => [c.code, c]));
  const tree = cur.tree.map((g) => {
    const pg = prevGroups.get(g.code);
    return {
      ...g,
      base: pg ? pickFigures(pg) : NO_FIGURES,
      children: g.children.map((c) => {
        const pc = prevSources.get(c.code);
        return { ...c, base: pc ? pickFigures(pc) : NO_FIGURES };
      }),
    };
  });
  return {
    from: q.from,
    to: q.to,
    compare: q.compare,
    baseFrom: base.from,
    baseTo: base.to,
    family: scopeFamily(scope),
    totals: cur.totals,
    baseTotals: prev.totals,
    tree,
    trend: cur.trend,
    funnel: funnel(cur.totals),
    paidTraffic: cur.paidTraffic,
    basePaidTraffic: prev.paidTraffic,
  };
}

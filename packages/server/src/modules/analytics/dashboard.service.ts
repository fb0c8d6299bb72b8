/**
 * 工作台: today's cards against yesterday and last week up to the same time of day (同时段: the
 * partial days are built in memory from the raw rows and grow with the clock, partial-cache.ts), the 30-day trend, the week's funnel, top
 * sources and products, and the alerts (low stock, overdue after-sales cases).
 */
import {
  addDays,
  aov,
  businessDay,
  clockOf,
  funnel,
  payConversion,
  sameTimeOn,
  sumTotals,
  type DashboardCard,
  type DashboardResponse,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as aftersales from '../aftersales/index.js';
import { bySourceRank, sourceRows } from './analytics.service.js';
import { topProductRows } from './products.service.js';
import { partialShopRows } from './partial-cache.js';
import { scopeKey, singleFlight } from './single-flight.js';
import { readStamps, stampOf, type Stamps } from './read-cache.js';
import {
  addSums,
  dailySeries,
  dayPoint,
  emptySums,
  resolveScope,
  rowSums,
  roundFen,
  sumsToTotals,
  type Scope,
  type Sums,
} from './rollup-read.js';

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

/**
 * The whole-shop figures of the shops in scope `daysBack` days ago (for each of `daysBack`), from
 * 00:00 up to the same time of day as `now` in each shop's zone (built in memory, not stored; the
 * events part grows from the previous view's cut-off: partial-cache.ts).
 */
async function sameTimeSums(db: Kysely<DB>, scope: Scope, daysBack: readonly number[], now: number, stamps: Stamps): Promise<Sums[]> {
  const sums = daysBack.map(() => emptySums());
  for (const shop of scope.shops) {
    const today = businessDay(now, shop.timezone);
    const parts = daysBack.map((n) => {
      const day = addDays(today, -n);
      return { day, cutoff: sameTimeOn(day, now, shop.timezone) };
    });
    const built = await partialShopRows(db, shop.id, parts, (day) => stampOf(stamps, shop.id, day));
    parts.forEach((p, i) => {
      const whole = built.get(p.day);
      if (whole) sums[i] = addSums(sums[i]!, rowSums(whole));
    });
  }
  return sums;
}

export async function dashboard(db: Kysely<DB>, actor: Actor, shopId?: string, now = Date.now()): Promise<DashboardResponse> {
  const scope = await resolveScope(db, actor, shopId, now);
  const today = businessDay(now, scope.timezone);
  // 近30天 / 近7天 end yesterday (whole days); today is its own real-time cards.
  const yesterday = addDays(today, -1);
  const from30 = addDays(yesterday, -29);
  // The rebuild stamps of the 30 days, read once: they key the cached sums and the 同时段 states.
  // (Shops in other zones may be a day behind: their days are read a day wider.)
  const stamps = await readStamps(db, scope.shopIds, addDays(from30, -1), addDays(today, 1));
  const series = await dailySeries(db, scope.shopIds, from30, today, undefined, stamps);
  const [yesterdaySameTime, lastWeekSameTime] = await sameTimeSums(db, scope, [1, 7], now, stamps);
  const cards: DashboardCard[] = CARD_METRICS.map((metric) => ({
    metric,
    today: cardValue(metric, series.get(today)),
    yesterdaySameTime: cardValue(metric, yesterdaySameTime),
    lastWeekSameTime: cardValue(metric, lastWeekSameTime),
    yesterday: cardValue(metric, series.get(addDays(today, -1))),
    dayBefore: cardValue(metric, series.get(addDays(today, -2))),
    yesterdayLastWeek: cardValue(metric, series.get(addDays(today, -8))),
  }));
  const trend = [...series].filter(([day]) => day <= yesterday).map(([day, s]) => dayPoint(day, s));
  const from7 = addDays(yesterday, -6);
  const week = sumTotals(trend.filter((d) => d.day >= from7));
  const topSources = (await sourceRows(db, actor.orgId, scope, from7, yesterday, week.uv, stamps))
    .filter((r) => r.uv > 0 || r.paidFen > 0)
    .sort(bySourceRank)
    .slice(0, 10);
  const topProducts = await topProductRows(db, actor.orgId, scope.shopIds, from7, yesterday, 10, stamps);
  return {
    shopIds: scope.shopIds,
    today,
    cards,
    asOf: clockOf(now, scope.timezone),
    trend,
    funnel: funnel(week),
    topSources,
    topProducts,
    alerts: await alerts(db, actor, scope),
    isDemo: scope.isDemo,
  };
}

/**
 * The dashboard as the route serves it: people of the same scope asking at the same time share one
 * computation, started after each of them asked (single-flight.ts).
 */
export function sharedDashboard(db: Kysely<DB>, actor: Actor, shopId?: string): Promise<DashboardResponse> {
  return singleFlight(db, `dashboard\u0000${scopeKey(actor)}\u0000${shopId ?? ''}`, () => dashboard(db, actor, shopId));
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

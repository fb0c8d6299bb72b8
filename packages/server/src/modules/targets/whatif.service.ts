/**
 * What-if (模拟, issue 15, domain §9): the shop's own base period and the elasticities estimated from
 * its history; the console runs core `whatIf` and `activityBand` on them as the user moves the
 * inputs, so every change is instant and the math is the tested one in core/planning.ts.
 *
 * - Visitors by first-level source group (免费/付费/自主/站外/其他): a visitor through several sources
 *   counts in each group, so the groups' visitors are scaled to add up to the period's visitors.
 * - Discount depth of a day = (line discounts + order discounts) ÷ list value (Σ qty × unit price) of
 *   the orders paid that day. Its effect on conversion is the slope of ln(conversion) on depth over
 *   the last 180 days (semi-log OLS), given with its standard error and the depth range it was seen in.
 * - Ad spend from the ads module (spend + 淘宝客 commission). The ad sales' response to spend is
 *   fitted on the plans' daily spend and attributed sales over the same 180 days: ln(sales) on
 *   ln(spend), each plan centred on its own level (so a bigger plan does not pass for a response),
 *   slope β with its SE; β < 1 is diminishing returns, and the marginal ROI at today's spend is
 *   β × ROI. A budget change then moves the ad share of sales by (1 + b)^β (core whatIf). Without
 *   enough plan-days the console keeps the stated assumption (constant ROI, or without ad sales a
 *   constant cost per paid visitor).
 */
import {
  AppError,
  SOURCE_GROUPS,
  addDays,
  daysBetween,
  semiLogElasticity,
  withinLogLogElasticity,
  type WhatIfBaseDto,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as ads from '../ads/index.js';
import * as analytics from '../analytics/index.js';

const HISTORY_DAYS = 180;

/** Discount depth per paid day of a shop over [from, to]: discounts and list value (fen). */
async function discounts(db: Kysely<DB>, shopId: string, from: string, to: string): Promise<Map<string, { off: number; list: number }>> {
  const lines = await db
    .selectFrom('order_lines')
    .innerJoin('orders', 'orders.id', 'order_lines.order_id')
    .select(['orders.paid_day'])
    .select((eb) => [
      eb.fn.sum<number>('order_lines.discount_fen').as('off'),
      eb.fn.sum<number>(eb('order_lines.qty', '*', eb.ref('order_lines.unit_price_fen'))).as('list'),
    ])
    .where('orders.shop_id', '=', shopId)
    .where('orders.paid_day', '>=', from)
    .where('orders.paid_day', '<=', to)
    .where('orders.status', '!=', 'cancelled')
    .groupBy('orders.paid_day')
    .execute();
  const orderOff = await db
    .selectFrom('orders')
    .select(['paid_day'])
    .select((eb) => eb.fn.sum<number>('discount_fen').as('off'))
    .where('shop_id', '=', shopId)
    .where('paid_day', '>=', from)
    .where('paid_day', '<=', to)
    .where('status', '!=', 'cancelled')
    .groupBy('paid_day')
    .execute();
  const m = new Map<string, { off: number; list: number }>();
  for (const r of lines) if (r.paid_day) m.set(r.paid_day, { off: Number(r.off ?? 0), list: Number(r.list ?? 0) });
  for (const r of orderOff) {
    if (!r.paid_day) continue;
    const e = m.get(r.paid_day) ?? { off: 0, list: 0 };
    e.off += Number(r.off ?? 0);
    m.set(r.paid_day, e);
  }
  return m;
}

/** The ad sales' response to spend over the plans' days of [from, to], and the shop's daily ad totals. */
async function adResponse(db: Kysely<DB>, shopId: string, from: string, to: string) {
  const plans = await ads.planDays(db, shopId, from, to);
  const points: { group: string; x: number; y: number }[] = [];
  const byDay = new Map<string, { spendFen: number; salesFen: number }>();
  let relMin: number | null = null;
  let relMax: number | null = null;
  let used = 0;
  for (const [planId, p] of plans) {
    const mine: { x: number; y: number }[] = [];
    for (const [day, t] of p.days) {
      if (t.spendFen > 0) {
        const e = byDay.get(day) ?? { spendFen: 0, salesFen: 0 };
        e.spendFen += t.spendFen;
        e.salesFen += t.salesFen;
        byDay.set(day, e);
      }
      if (t.spendFen > 0 && t.salesFen > 0) mine.push({ x: t.spendFen, y: t.salesFen });
    }
    if (mine.length < 2) continue;
    used++;
    const logMean = mine.reduce((a, m) => a + Math.log(m.x), 0) / mine.length;
    for (const m of mine) {
      points.push({ group: planId, ...m });
      const rel = m.x / Math.exp(logMean);
      relMin = relMin === null ? rel : Math.min(relMin, rel);
      relMax = relMax === null ? rel : Math.max(relMax, rel);
    }
  }
  const fit = withinLogLogElasticity(points);
  return {
    fit: {
      adOnAdSales: fit,
      adDays: fit ? fit.n : 0,
      adPlans: fit ? used : 0,
      adSpendRelMin: fit ? relMin : null,
      adSpendRelMax: fit ? relMax : null,
    },
    history: [...byDay.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, v]) => ({ day, ...v })),
  };
}

export async function whatIfBase(db: Kysely<DB>, actor: Actor, q: { shopId: string; from: string; to: string }): Promise<WhatIfBaseDto> {
  if (q.from > q.to)
    throw new AppError('validation_failed', '开始日期不能晚于结束日期', {}, [{ path: 'from', message: '开始日期晚于结束日期' }]);
  const days = daysBetween(q.from, q.to).length;
  if (days > 92)
    throw new AppError('validation_failed', '模拟的基准期最长 92 天，请缩短区间', {}, [{ path: 'from', message: '超过 92 天' }]);
  const scope = await analytics.resolveScope(db, actor, q.shopId);
  const hFrom = addDays(q.to, -(HISTORY_DAYS - 1));
  const series = await analytics.dailySeries(db, scope.shopIds, hFrom < q.from ? hFrom : q.from, q.to);
  const disc = await discounts(db, q.shopId, hFrom < q.from ? hFrom : q.from, q.to);

  let uv = 0;
  let buyers = 0;
  let salesFen = 0;
  let costFen = 0;
  let off = 0;
  let list = 0;
  for (const d of daysBetween(q.from, q.to)) {
    const s = series.get(d);
    if (s) {
      uv += s.uv;
      buyers += s.paying_buyers;
      salesFen += s.paid_fen;
      costFen += s.cost_fen;
    }
    const x = disc.get(d);
    if (x) {
      off += x.off;
      list += x.list;
    }
  }
  const groups = await analytics.sumRollups(db, scope.shopIds, { from: q.from, to: q.to, source: 'groups', by: ['source_code'] });
  const groupUv = new Map<string, number>();
  for (const g of groups) groupUv.set(g.source_code.replace(/^@/, ''), g.uv);
  const groupSum = [...groupUv.values()].reduce((a, b) => a + b, 0);
  const visitorsBySource: Record<string, number> = {};
  if (groupSum > 0) for (const g of SOURCE_GROUPS) visitorsBySource[g.code] = (uv * (groupUv.get(g.code) ?? 0)) / groupSum;
  else visitorsBySource.other = uv;

  const ad = await ads.adSummary(db, q.shopId, q.from, q.to);
  const adFit = await adResponse(db, q.shopId, hFrom < q.from ? hFrom : q.from, q.to);
  const history: WhatIfBaseDto['history'] = [];
  const points: { x: number; y: number }[] = [];
  let dMin: number | null = null;
  let dMax: number | null = null;
  for (const d of daysBetween(hFrom, q.to)) {
    const s = series.get(d);
    const x = disc.get(d);
    const depth = x && x.list > 0 ? x.off / x.list : null;
    history.push({ day: d, salesFen: s?.paid_fen ?? 0, units: s?.units ?? 0, discount: depth });
    if (s && s.uv > 0 && s.paying_buyers > 0 && depth !== null) {
      points.push({ x: depth, y: s.paying_buyers / s.uv });
      dMin = dMin === null ? depth : Math.min(dMin, depth);
      dMax = dMax === null ? depth : Math.max(dMax, depth);
    }
  }
  return {
    shopId: q.shopId,
    from: q.from,
    to: q.to,
    base: {
      days,
      visitorsBySource,
      buyers,
      salesFen,
      costFen,
      adSpendFen: Number(ad.totalCostFen ?? 0),
      adSalesFen: Number(ad.salesFen ?? 0),
      discount: list > 0 ? off / list : 0,
    },
    paidGroups: SOURCE_GROUPS.filter((g) => g.paid).map((g) => g.code),
    elasticities: {
      discountOnConversion: semiLogElasticity(points),
      days: points.length,
      discountMin: dMin,
      discountMax: dMax,
      ...adFit.fit,
    },
    history,
    adHistory: adFit.history,
  };
}

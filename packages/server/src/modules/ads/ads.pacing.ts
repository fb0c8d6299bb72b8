/**
 * Intraday budget pacing (预算节奏, issue 13 item 3): a plan's spend so far today — entered by hand
 * from the ad tool's real-time view (当前花费 at a time of day), or the hours of an imported hourly
 * report (分时报表, the spend through the last hour in the file) — against the day's curve: the
 * shop's own ad spend by hour over the 14 days before (hourly reports), else its paid visitors by
 * hour (traffic module), else the default curve (core `spendCurve`). Plans running ahead (the budget runs out before
 * midnight) or far behind get an advice of the day (kinds pace_ahead / pace_behind) stored with
 * the daily advice, so it is accepted or dismissed the same way.
 *
 * Spend so far is not a report row: the daily figures (ad_daily) never read it, so it cannot be
 * counted twice; the day's report imported later is the day's spend.
 */
import {
  adRates,
  AD_ADVICE_RULES,
  addAdTotals,
  addDays,
  AD_PACING_RULES,
  AppError,
  breakEvenRoi,
  businessDay,
  dayStart,
  emptyAdTotals,
  expectedShareAt,
  minuteClock,
  newId,
  pacePlan,
  parseClock,
  spendCurve,
  type AdAdvice,
  type AdPacingInput,
  type AdSpendNowInput,
} from '@yunying/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as shops from '../shops/index.js';
import * as traffic from '../traffic/index.js';
import { planDays, planMargins } from './ads.figures.js';
import { getPlanRow } from './ads.service.js';

export const PACE_KINDS = ['pace_ahead', 'pace_behind'] as const;

/** Record a plan's spend so far at a time of a day (replaces an entry of the same minute). */
export async function enterSpendNow(trx: Transaction<DB>, actor: Actor, planId: string, input: AdSpendNowInput, now = Date.now()) {
  const p = await getPlanRow(trx, actor, planId);
  const shop = await shops.getVisible(trx as unknown as Kysely<DB>, actor, p.shop_id);
  const today = businessDay(now, shop.timezone);
  const day = input.day ?? today;
  const minute = parseClock(input.time);
  if (minute === null)
    throw new AppError('validation_failed', '时间应为 HH:mm，小时 0–23、分钟 0–59，例如 14:30', {}, [
      { path: 'time', message: '时间格式不正确' },
    ]);
  if (day > today)
    throw new AppError('validation_failed', `日期在未来（店铺所在时区今天是 ${today}）：请填写今天或以前的日期`, {}, [
      { path: 'day', message: '日期在未来' },
    ]);
  const nowMinute = Math.floor((now - dayStart(today, shop.timezone)) / 60_000);
  if (day === today && minute > nowMinute)
    throw new AppError(
      'validation_failed',
      `时间 ${input.time} 还没到（店铺所在时区现在是 ${minuteClock(nowMinute)}）：请填写推广后台显示花费的时刻`,
      {},
      [{ path: 'time', message: '时间在未来' }],
    );
  await trx.deleteFrom('ad_spend_now').where('plan_id', '=', p.id).where('day', '=', day).where('minute', '=', minute).execute();
  await trx
    .insertInto('ad_spend_now')
    .values({
      id: newId('ads'),
      shop_id: p.shop_id,
      plan_id: p.id,
      day,
      minute,
      spend_fen: input.spendFen,
      entered_by: actor.userId || actor.username,
      created_at: now,
    })
    .execute();
  await audit.record(trx, actor, 'ads.spend_now', {
    entityType: 'ad_plan',
    entityId: p.id,
    shopId: p.shop_id,
    after: { day, time: minuteClock(minute), spendFen: input.spendFen },
  });
  return { planId: p.id, day, time: minuteClock(minute), spendFen: input.spendFen };
}

export interface PacingPlan {
  planId: string;
  name: string;
  tool: string;
  dailyBudgetFen: number | null;
  /** Every entry of the day, by time (the chart's points): by hand, or the end of an imported hour. */
  points: { clock: string; minute: number; spendFen: number; source: 'hand' | 'hourly' }[];
  pace: ReturnType<typeof pacePlan> | null;
  advice: { id: string; status: string } | null;
}

/**
 * The pacing of a shop's plans on a day (default today): the curve with its source, and for each
 * active plan with spend entered that day its pace. Stores the day's pace advice (open advice
 * replaced, decided kept). Plans without a daily budget are listed without a pace.
 */
export async function pacing(db: Kysely<DB>, actor: Actor, q: AdPacingInput, now = Date.now()) {
  const shop = await shops.getVisible(db, actor, q.shopId);
  const day = q.day ?? businessDay(now, shop.timezone);
  const curveFrom = addDays(day, -AD_PACING_RULES.curveDays);
  const curveTo = addDays(day, -1);
  const [counts, spentByHour] = await Promise.all([
    traffic.paidVisitorsByHour(db, actor.orgId, shop.id, curveFrom, curveTo, shop.timezone),
    hourlySpend(db, shop.id, curveFrom, curveTo),
  ]);
  const curve = spendCurve(counts, spentByHour);
  let entries = db
    .selectFrom('ad_spend_now')
    .select(['plan_id', 'minute', 'spend_fen'])
    .where('shop_id', '=', shop.id)
    .where('day', '=', day)
    .orderBy('plan_id')
    .orderBy('minute');
  if (q.planId) entries = entries.where('plan_id', '=', q.planId);
  let hours = db
    .selectFrom('ad_hourly')
    .select(['plan_id', 'hour', sql<number>`sum(spend_fen)`.as('spend_fen')])
    .where('shop_id', '=', shop.id)
    .where('day', '=', day)
    .groupBy(['plan_id', 'hour']);
  if (q.planId) hours = hours.where('plan_id', '=', q.planId);
  const [rows, hourRows] = await Promise.all([entries.execute(), hours.execute()]);
  const byPlan = new Map<string, PacingPlan['points']>();
  const add = (planId: string, minute: number, spendFen: number, source: 'hand' | 'hourly') => {
    const list = byPlan.get(planId) ?? [];
    list.push({ clock: minuteClock(minute), minute, spendFen, source });
    byPlan.set(planId, list);
  };
  for (const r of rows) add(r.plan_id, Number(r.minute), Number(r.spend_fen), 'hand');
  // An hourly report's hours: the spend through the end of each hour, cumulated.
  const hourly = new Map<string, number[]>();
  for (const r of hourRows) {
    const a = hourly.get(r.plan_id) ?? Array.from({ length: 24 }, () => 0);
    a[Number(r.hour)] = Number(r.spend_fen);
    hourly.set(r.plan_id, a);
  }
  const lastHour = new Map<string, number>();
  for (const r of hourRows) lastHour.set(r.plan_id, Math.max(lastHour.get(r.plan_id) ?? -1, Number(r.hour)));
  for (const [planId, a] of hourly) {
    let cum = 0;
    for (let h = 0; h <= lastHour.get(planId)!; h++) add(planId, (h + 1) * 60, (cum += a[h]!), 'hourly');
  }
  // By time; at the same minute the hand entry (read from the tool's live view) comes last and counts.
  for (const list of byPlan.values())
    list.sort((a, b) => a.minute - b.minute || (a.source === b.source ? 0 : a.source === 'hand' ? 1 : -1));
  const ids = [...byPlan.keys()];
  const plans = ids.length
    ? await db.selectFrom('ad_plans').selectAll().where('shop_id', '=', shop.id).where('id', 'in', ids).execute()
    : [];
  // ROI of the advice window before the day (the day itself has no report yet).
  const winTo = addDays(day, -1);
  const winFrom = addDays(winTo, -(AD_ADVICE_RULES.windowDays - 1));
  const [figs, margins] = ids.length
    ? await Promise.all([planDays(db, shop.id, winFrom, winTo, ids), planMargins(db, actor.orgId, ids)])
    : [new Map(), new Map()];
  const out: PacingPlan[] = [];
  const advice: AdAdvice[] = [];
  for (const p of plans.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const points = byPlan.get(p.id)!;
    const last = points[points.length - 1]!;
    const budget = p.daily_budget_fen === null ? null : Number(p.daily_budget_fen);
    let pace: PacingPlan['pace'] = null;
    if (budget && budget > 0) {
      const t = figs.get(p.id)?.total ?? emptyAdTotals();
      pace = pacePlan(
        {
          planId: p.id,
          name: p.name,
          dailyBudgetFen: budget,
          spendFen: last.spendFen,
          minute: last.minute,
          roi: adRates(addAdTotals(emptyAdTotals(), t)).roi,
          breakEvenRoi: breakEvenRoi(margins.get(p.id) ?? null),
        },
        curve,
      );
      if (pace.advice && p.status === 'active') advice.push(pace.advice);
    }
    out.push({ planId: p.id, name: p.name, tool: p.tool, dailyBudgetFen: budget, points, pace, advice: null });
  }
  const stored = await storePaceAdvice(db, shop.id, day, advice, q.planId ?? null);
  for (const p of out) p.advice = stored.get(p.planId) ?? null;
  return {
    day,
    curve: {
      source: curve.source,
      visitors: curve.visitors,
      from: curveFrom,
      to: curveTo,
      shares: curve.shares,
      /** Cumulative expected share at the end of each hour (the chart's curve). */
      cumulative: Array.from({ length: 24 }, (_, h) => expectedShareAt(curve.shares, (h + 1) * 60)),
    },
    plans: out,
  };
}

/** The shop's ad spend by hour of day over a period (imported hourly reports). */
async function hourlySpend(db: Kysely<DB>, shopId: string, from: string, to: string): Promise<number[]> {
  const rows = await db
    .selectFrom('ad_hourly')
    .select(['hour', sql<number>`sum(spend_fen)`.as('spend_fen')])
    .where('shop_id', '=', shopId)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .groupBy('hour')
    .execute();
  const out = Array.from({ length: 24 }, () => 0);
  for (const r of rows) out[Number(r.hour)] = Number(r.spend_fen);
  return out;
}

/** Replace the day's open pace advice (of one plan, or all) by `advice`; decided advice is kept. */
async function storePaceAdvice(db: Kysely<DB>, shopId: string, day: string, advice: AdAdvice[], planId: string | null) {
  const now = Date.now();
  return db.transaction().execute(async (trx) => {
    let del = trx
      .deleteFrom('ad_advice')
      .where('shop_id', '=', shopId)
      .where('day', '=', day)
      .where('status', '=', 'open')
      .where('kind', 'in', [...PACE_KINDS]);
    if (planId) del = del.where('plan_id', '=', planId);
    await del.execute();
    let sel = trx
      .selectFrom('ad_advice')
      .select(['id', 'plan_id', 'kind', 'status'])
      .where('shop_id', '=', shopId)
      .where('day', '=', day)
      .where('kind', 'in', [...PACE_KINDS]);
    if (planId) sel = sel.where('plan_id', '=', planId);
    const decided = await sel.execute();
    const result = new Map<string, { id: string; status: string }>();
    const taken = new Set(decided.map((d) => `${d.plan_id}|${d.kind}`));
    for (const d of decided) result.set(d.plan_id, { id: d.id, status: d.status });
    const rows = advice
      .filter((a) => !taken.has(`${a.planId}|${a.kind}`))
      .map((a) => ({
        id: newId('adv'),
        shop_id: shopId,
        plan_id: a.planId,
        day,
        kind: a.kind,
        target: '',
        message: a.message,
        evidence: JSON.stringify(a.evidence),
        status: 'open',
        decided_by: null,
        decided_at: null,
        note: '',
        created_at: now,
      }));
    // Two reads at once (the advice page and a plan page) may both insert: the first one stands.
    if (rows.length)
      await trx
        .insertInto('ad_advice')
        .values(rows)
        .onConflict((oc) => oc.columns(['shop_id', 'day', 'plan_id', 'kind', 'target']).doNothing())
        .execute();
    for (const r of rows) result.set(r.plan_id, { id: r.id, status: 'open' });
    return result;
  });
}

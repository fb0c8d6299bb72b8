/**
 * The daily advice (core `adviseAds`, thresholds in AD_ADVICE_RULES) stored per shop and day with
 * its evidence, and its decision (accepted / dismissed, by whom, when). Accepting 提高日预算 sets
 * the suggested budget, accepting 暂停计划 pauses the plan; the others are recorded.
 *
 * The advice of a day is computed when asked for (the advice list) and after each import: open
 * advice of that day is replaced by what the rules say now, decided advice is kept as decided.
 * Also the A/B comparison of two creatives of a plan.
 */
import {
  addDays,
  adviseAds,
  AD_ADVICE_KINDS,
  AD_ADVICE_LABELS,
  AD_ADVICE_RULES,
  AppError,
  breakEvenRoi,
  businessDay,
  emptyAdTotals,
  newId,
  twoProportionTest,
  type AdAbInput,
  type AdAdviceInput,
  type AdAdviceKind,
  type AdvicePlanInput,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { assertShopVisible } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as shops from '../shops/index.js';
import { dimensionTotals, planDays, planMargins, withFigures } from './ads.figures.js';
import { checkPeriod, getPlanRow } from './ads.service.js';

/** The advice day of a shop: the latest day with report rows, at most yesterday. */
export async function adviceDay(db: Kysely<DB>, shopId: string, timezone: string, now = Date.now()): Promise<string | null> {
  const yesterday = addDays(businessDay(now, timezone), -1);
  const r = await db
    .selectFrom('ad_daily')
    .select((eb) => eb.fn.max('day').as('day'))
    .where('shop_id', '=', shopId)
    .where('day', '<=', yesterday)
    .executeTakeFirst();
  return (r?.day as string | null | undefined) ?? null;
}

/** Compute the day's advice and store it (open advice replaced, decided advice kept). */
export async function refreshAdvice(db: Kysely<DB>, orgId: string, shopId: string, day: string): Promise<number> {
  const from = addDays(day, -(AD_ADVICE_RULES.windowDays - 1));
  const plans = await db.selectFrom('ad_plans').selectAll().where('shop_id', '=', shopId).execute();
  const ids = plans.map((p) => p.id);
  const [figs, margins] = await Promise.all([planDays(db, shopId, from, day), planMargins(db, orgId, ids)]);
  const inputs: AdvicePlanInput[] = [];
  for (const p of plans) {
    if (p.status !== 'active') continue;
    const f = figs.get(p.id);
    if (!f) continue;
    const keywords = (await dimensionTotals(db, p.id, 'keyword', from, day)).map((k) => ({ ...k.totals, unit: k.unit, keyword: k.name }));
    inputs.push({
      planId: p.id,
      name: p.name,
      dailyBudgetFen: p.daily_budget_fen === null ? null : Number(p.daily_budget_fen),
      breakEvenRoi: breakEvenRoi(margins.get(p.id) ?? null),
      status: 'active',
      days: [...f.days].map(([d, t]) => ({ ...emptyAdTotals(), ...t, day: d })),
      keywords,
    });
  }
  const advice = adviseAds(day, inputs);
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('ad_advice')
      .select(['id', 'plan_id', 'kind', 'target', 'status'])
      .where('shop_id', '=', shopId)
      .where('day', '=', day)
      .execute();
    const decided = new Set(existing.filter((e) => e.status !== 'open').map((e) => `${e.plan_id}|${e.kind}|${e.target}`));
    // The day's pace advice (ads.pacing.ts) is kept: it is refreshed with the spend entered that day.
    await trx
      .deleteFrom('ad_advice')
      .where('shop_id', '=', shopId)
      .where('day', '=', day)
      .where('status', '=', 'open')
      .where('kind', 'not in', ['pace_ahead', 'pace_behind'])
      .execute();
    const rows = advice
      .filter((a) => !decided.has(`${a.planId}|${a.kind}|${a.target}`))
      .map((a) => ({
        id: newId('adv'),
        shop_id: shopId,
        plan_id: a.planId,
        day,
        kind: a.kind,
        target: a.target.slice(0, 420),
        message: a.message,
        evidence: JSON.stringify(a.evidence),
        status: 'open',
        decided_by: null,
        decided_at: null,
        note: '',
        created_at: now,
      }));
    if (rows.length) await trx.insertInto('ad_advice').values(rows).execute();
  });
  return advice.length;
}

/** The advice list of a shop and day (default: the advice day), computed first when the day is open. */
export async function listAdvice(db: Kysely<DB>, actor: Actor, q: AdAdviceInput) {
  const shop = await shops.getVisible(db, actor, q.shopId);
  const day = q.day ?? (await adviceDay(db, shop.id, shop.timezone));
  if (!day) return { day: null, items: [], total: 0, page: q.page, pageSize: q.pageSize, counts: { open: 0, accepted: 0, dismissed: 0 } };
  await refreshAdvice(db, actor.orgId, shop.id, day);
  const all = await db
    .selectFrom('ad_advice')
    .innerJoin('ad_plans', 'ad_plans.id', 'ad_advice.plan_id')
    .select([
      'ad_advice.id',
      'ad_advice.plan_id',
      'ad_plans.name as plan_name',
      'ad_plans.tool',
      'ad_advice.day',
      'ad_advice.kind',
      'ad_advice.target',
      'ad_advice.message',
      'ad_advice.evidence',
      'ad_advice.status',
      'ad_advice.decided_by',
      'ad_advice.decided_at',
      'ad_advice.note',
    ])
    .where('ad_advice.shop_id', '=', shop.id)
    .where('ad_advice.day', '=', day)
    .orderBy('ad_advice.kind')
    .orderBy('ad_advice.target')
    .orderBy('ad_advice.id')
    .execute();
  all.sort(
    (x, y) =>
      AD_ADVICE_KINDS.indexOf(x.kind as AdAdviceKind) - AD_ADVICE_KINDS.indexOf(y.kind as AdAdviceKind) ||
      (x.target < y.target ? -1 : x.target > y.target ? 1 : 0),
  );
  const counts = { open: 0, accepted: 0, dismissed: 0 };
  for (const a of all) counts[a.status as keyof typeof counts]++;
  const filtered = q.status ? all.filter((a) => a.status === q.status) : all;
  const start = (q.page - 1) * q.pageSize;
  return {
    day,
    counts,
    total: filtered.length,
    page: q.page,
    pageSize: q.pageSize,
    items: filtered.slice(start, start + q.pageSize).map((a) => ({
      id: a.id,
      planId: a.plan_id,
      planName: a.plan_name,
      tool: a.tool,
      day: a.day,
      kind: a.kind as AdAdviceKind,
      kindName: AD_ADVICE_LABELS[a.kind as AdAdviceKind]?.zh ?? a.kind,
      target: a.target,
      message: a.message,
      evidence: JSON.parse(a.evidence) as Record<string, unknown>,
      status: a.status as 'open' | 'accepted' | 'dismissed',
      decidedBy: a.decided_by,
      decidedAt: a.decided_at === null ? null : Number(a.decided_at),
      note: a.note,
    })),
  };
}

/** Accept or dismiss one advice (once); accepting a budget raise or a pause applies it to the plan. */
export async function decideAdvice(trx: Transaction<DB>, actor: Actor, id: string, decision: 'accepted' | 'dismissed', note: string) {
  const a = await trx.selectFrom('ad_advice').selectAll().where('id', '=', id).executeTakeFirst();
  const plan = a
    ? await trx.selectFrom('ad_plans').select(['id', 'org_id', 'shop_id']).where('id', '=', a.plan_id).executeTakeFirst()
    : undefined;
  if (!a || !plan || plan.org_id !== actor.orgId) throw new AppError('not_found', `建议 ${id} 不存在或无权访问`);
  assertShopVisible(actor, a.shop_id, `建议 ${id} 不存在或无权访问`);
  const now = Date.now();
  const res = await trx
    .updateTable('ad_advice')
    .set({ status: decision, decided_by: actor.userId || actor.username, decided_at: now, note })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1)
    throw new AppError('conflict', `这条建议已经处理过了（${a.status === 'accepted' ? '已采纳' : '已忽略'}），请刷新列表`);
  const evidence = JSON.parse(a.evidence) as { suggestedBudgetFen?: number };
  let applied: string | null = null;
  if (decision === 'accepted' && (a.kind === 'raise_budget' || a.kind === 'pace_ahead') && evidence.suggestedBudgetFen) {
    await trx
      .updateTable('ad_plans')
      .set({ daily_budget_fen: evidence.suggestedBudgetFen, updated_at: now })
      .where('id', '=', plan.id)
      .execute();
    applied = `日预算已改为 ¥${(evidence.suggestedBudgetFen / 100).toFixed(2)}`;
  } else if (decision === 'accepted' && a.kind === 'pause_plan') {
    await trx.updateTable('ad_plans').set({ status: 'paused', updated_at: now }).where('id', '=', plan.id).execute();
    applied = '计划已暂停';
  }
  await audit.record(trx, actor, `ads.advice.${decision === 'accepted' ? 'accept' : 'dismiss'}`, {
    entityType: 'ad_advice',
    entityId: id,
    shopId: a.shop_id,
    after: { kind: a.kind, planId: a.plan_id, day: a.day, note, applied },
  });
  return { id, status: decision, applied };
}

/** Two creatives of a plan over a period: CTR and CVR with the two-proportion test. */
export async function compareCreatives(db: Kysely<DB>, actor: Actor, q: AdAbInput) {
  checkPeriod(q.from, q.to);
  const p = await getPlanRow(db, actor, q.planId);
  if (p.shop_id !== q.shopId) throw new AppError('not_found', `推广计划 ${q.planId} 不在这家店铺`);
  if (q.a === q.b) throw new AppError('validation_failed', '请选择两个不同的创意进行比较', {}, [{ path: 'b', message: '与创意 A 相同' }]);
  const margin = (await planMargins(db, actor.orgId, [p.id])).get(p.id) ?? null;
  const creatives = await dimensionTotals(db, p.id, 'creative', q.from, q.to);
  const byName = new Map<string, (typeof creatives)[number]['totals']>();
  for (const c of creatives) {
    const t = byName.get(c.name) ?? emptyAdTotals();
    byName.set(c.name, { ...t, ...sumT(t, c.totals) });
  }
  for (const [k, name] of [
    ['a', q.a],
    ['b', q.b],
  ] as const) {
    if (!byName.has(name))
      throw new AppError(
        'validation_failed',
        `计划「${p.name}」在 ${q.from} 至 ${q.to} 没有创意「${name}」的数据：请先导入创意报表或换一个时间范围`,
        {},
        [{ path: k, message: '没有这个创意的数据' }],
      );
  }
  const a = byName.get(q.a)!;
  const b = byName.get(q.b)!;
  return {
    plan: { id: p.id, name: p.name },
    from: q.from,
    to: q.to,
    creatives: [...byName.keys()],
    a: { name: q.a, ...withFigures(a, margin) },
    b: { name: q.b, ...withFigures(b, margin) },
    ctr: twoProportionTest(a.clicks, a.impressions, b.clicks, b.impressions),
    cvr: twoProportionTest(a.orders, a.clicks, b.orders, b.clicks),
  };
}

function sumT(x: ReturnType<typeof emptyAdTotals>, y: ReturnType<typeof emptyAdTotals>) {
  return {
    impressions: x.impressions + y.impressions,
    clicks: x.clicks + y.clicks,
    spendFen: x.spendFen + y.spendFen,
    orders: x.orders + y.orders,
    salesFen: x.salesFen + y.salesFen,
    favs: x.favs + y.favs,
    carts: x.carts + y.carts,
  };
}

/**
 * Ad plans (entered by hand or created by an import), their promoted products, and the figures the
 * pages show: the plan list over a period, a plan's detail (days, units, keywords, creatives) and
 * the overview (totals, per tool, the daily trend against break-even, 淘宝客).
 */
import {
  addAdTotals,
  addDays,
  AD_TOOL_LABELS,
  AD_TOOLS,
  AppError,
  businessDay as businessDayOf,
  emptyAdTotals,
  emptyShopAdTotals,
  newId,
  type AdDayInput,
  type AdPeriodInput,
  type AdPlanListInput,
  type AdTool,
  type AdTotals,
  type ShopAdTotals,
  type CreateAdPlanInput,
  type UpdateAdPlanInput,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { anyTextMatch, assertShopVisible, inChunks, insertOrConflict } from '../../db/kit.js';
import type { AdPlansTable, DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as shops from '../shops/index.js';
import { dimensionTotals, planDays, planMargins, withFigures, type WithFigures } from './ads.figures.js';

type Db = Kysely<DB> | Transaction<DB>;

/** Periods longer than this are refused (a year and a day covers 同比 screens). */
const MAX_PERIOD_DAYS = 366;

export function checkPeriod(from: string, to: string): void {
  if (from > to)
    throw new AppError('validation_failed', `开始日期 ${from} 晚于结束日期 ${to}`, {}, [{ path: 'from', message: '开始日期晚于结束日期' }]);
  if (addDays(from, MAX_PERIOD_DAYS) <= to)
    throw new AppError('validation_failed', `时间范围最多 ${MAX_PERIOD_DAYS} 天，请缩短`, {}, [{ path: 'to', message: '时间范围过长' }]);
}

export interface AdPlanView extends WithFigures {
  id: string;
  shopId: string;
  tool: AdTool;
  toolName: string;
  name: string;
  status: 'active' | 'paused';
  dailyBudgetFen: number | null;
  bidFen: number | null;
  productIds: string[];
}

function planView(p: AdPlansTable, t: AdTotals, margin: number | null, productIds: string[]): AdPlanView {
  return {
    id: p.id,
    shopId: p.shop_id,
    tool: p.tool as AdTool,
    toolName: AD_TOOL_LABELS[p.tool as AdTool]?.zh ?? p.tool,
    name: p.name,
    status: p.status as 'active' | 'paused',
    dailyBudgetFen: p.daily_budget_fen === null ? null : Number(p.daily_budget_fen),
    bidFen: p.bid_fen === null ? null : Number(p.bid_fen),
    productIds,
    ...withFigures(t, margin),
  };
}

async function productLinks(db: Db, planIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await inChunks(planIds, (ids) =>
    db.selectFrom('ad_plan_products').select(['plan_id', 'product_id']).where('plan_id', 'in', ids).orderBy('product_id').execute(),
  );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.plan_id, [...(out.get(r.plan_id) ?? []), r.product_id]);
  return out;
}

/** Every plan of a shop with its period figures (plans per shop are tens, not thousands). */
export async function plansWithFigures(db: Db, actor: Actor, shopId: string, from: string, to: string): Promise<AdPlanView[]> {
  checkPeriod(from, to);
  const shop = await shops.getVisible(db as Kysely<DB>, actor, shopId);
  const plans = await db.selectFrom('ad_plans').selectAll().where('shop_id', '=', shop.id).orderBy('name').orderBy('id').execute();
  const ids = plans.map((p) => p.id);
  const [figs, margins, links] = await Promise.all([
    planDays(db as Kysely<DB>, shop.id, from, to),
    planMargins(db as Kysely<DB>, actor.orgId, ids),
    productLinks(db, ids),
  ]);
  return plans.map((p) => planView(p, figs.get(p.id)?.total ?? emptyAdTotals(), margins.get(p.id) ?? null, links.get(p.id) ?? []));
}

/** The plan list: filters, sort (spend, ROI or name), one page. */
export async function listPlans(db: Db, actor: Actor, q: AdPlanListInput) {
  let items = await plansWithFigures(db, actor, q.shopId, q.from, q.to);
  if (q.tool) items = items.filter((p) => p.tool === q.tool);
  if (q.status) items = items.filter((p) => p.status === q.status);
  const term = q.q?.trim().toLowerCase();
  if (term) items = items.filter((p) => p.name.toLowerCase().includes(term));
  if (q.health === 'below') items = items.filter((p) => p.belowBreakEven === true);
  else if (q.health === 'above') items = items.filter((p) => p.belowBreakEven === false);
  else if (q.health === 'unknown') items = items.filter((p) => p.belowBreakEven === null);
  if (q.sortBy === 'spend') items.sort((a, b) => b.spendFen - a.spendFen || a.name.localeCompare(b.name));
  else if (q.sortBy === 'roi') items.sort((a, b) => (b.roi ?? -1) - (a.roi ?? -1) || a.name.localeCompare(b.name));
  const total = items.length;
  const start = (q.page - 1) * q.pageSize;
  return { items: items.slice(start, start + q.pageSize), total, page: q.page, pageSize: q.pageSize };
}

export async function getPlanRow(db: Db, actor: Actor, id: string): Promise<AdPlansTable> {
  const p = await db.selectFrom('ad_plans').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!p) throw new AppError('not_found', `推广计划 ${id} 不存在或无权访问`);
  assertShopVisible(actor, p.shop_id, `推广计划 ${id} 不存在或无权访问`);
  return p;
}

/** A plan over a period: its figures, each day, and its units, keywords and creatives. */
export async function planDetail(db: Db, actor: Actor, id: string, from: string, to: string) {
  checkPeriod(from, to);
  const p = await getPlanRow(db, actor, id);
  const [figs, margins, links] = await Promise.all([
    planDays(db as Kysely<DB>, p.shop_id, from, to, [p.id]),
    planMargins(db as Kysely<DB>, actor.orgId, [p.id]),
    productLinks(db, [p.id]),
  ]);
  const margin = margins.get(p.id) ?? null;
  const f = figs.get(p.id);
  const days: { day: string }[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push({ day: d, ...withFigures(f?.days.get(d) ?? emptyAdTotals(), margin) });
  const dim = async (k: 'unit' | 'keyword' | 'creative') =>
    (await dimensionTotals(db as Kysely<DB>, p.id, k, from, to)).map((x) => ({
      name: x.name,
      unit: x.unit,
      ...withFigures(x.totals, margin),
    }));
  const productIds = links.get(p.id) ?? [];
  const products = productIds.length
    ? await db
        .selectFrom('products')
        .select(['id', 'title', 'code'])
        .where('org_id', '=', actor.orgId)
        .where('id', 'in', productIds)
        .execute()
    : [];
  return {
    plan: planView(p, f?.total ?? emptyAdTotals(), margin, productIds),
    products,
    days,
    units: await dim('unit'),
    keywords: await dim('keyword'),
    creatives: await dim('creative'),
  };
}

/** The overview: totals, per tool, the daily trend with break-even, and 淘宝客 commissions. */
export async function overview(db: Db, actor: Actor, q: AdPeriodInput) {
  const plans = await plansWithFigures(db, actor, q.shopId, q.from, q.to);
  const figs = await planDays(db as Kysely<DB>, q.shopId, q.from, q.to);
  const total = emptyAdTotals();
  let marginSales = 0;
  let marginKnownSales = 0;
  const byTool = new Map<AdTool, { t: AdTotals; margin: number; known: number; plans: number }>();
  for (const p of plans) {
    addAdTotals(total, p);
    const e = byTool.get(p.tool) ?? { t: emptyAdTotals(), margin: 0, known: 0, plans: 0 };
    addAdTotals(e.t, p);
    e.plans++;
    if (p.marginRate !== null) {
      e.margin += p.salesFen * p.marginRate;
      e.known += p.salesFen;
      marginSales += p.salesFen * p.marginRate;
      marginKnownSales += p.salesFen;
    }
    byTool.set(p.tool, e);
  }
  const marginOf = (m: number, known: number, fallback: number | null) => (known > 0 ? m / known : fallback);
  // The plans' margin rates averaged by their spend when no sales weight them.
  const spendWeighted = (() => {
    const w = plans.filter((p) => p.marginRate !== null && p.spendFen > 0);
    const s = w.reduce((a, p) => a + p.spendFen, 0);
    return s > 0
      ? w.reduce((a, p) => a + p.spendFen * p.marginRate!, 0) / s
      : (plans.find((p) => p.marginRate !== null)?.marginRate ?? null);
  })();
  const shopMargin = marginOf(marginSales, marginKnownSales, spendWeighted);
  const margins = new Map(plans.map((p) => [p.id, p.marginRate]));
  const trend: ({ day: string } & WithFigures)[] = [];
  for (let d = q.from; d <= q.to; d = addDays(d, 1)) {
    const t = emptyAdTotals();
    let m = 0;
    let known = 0;
    for (const [planId, pd] of figs) {
      const x = pd.days.get(d);
      if (!x) continue;
      addAdTotals(t, x);
      const mr = margins.get(planId);
      if (mr !== null && mr !== undefined) {
        m += x.salesFen * mr;
        known += x.salesFen;
      }
    }
    trend.push({ day: d, ...withFigures(t, marginOf(m, known, shopMargin)) });
  }
  const taoke = await taokeTotals(db, q.shopId, q.from, q.to);
  return {
    shopId: q.shopId,
    from: q.from,
    to: q.to,
    totals: withFigures(total, shopMargin),
    plans: plans.length,
    activePlans: plans.filter((p) => p.status === 'active').length,
    belowBreakEven: plans.filter((p) => p.belowBreakEven).length,
    byTool: AD_TOOLS.filter((t) => byTool.has(t)).map((tool) => {
      const e = byTool.get(tool)!;
      return { tool, toolName: AD_TOOL_LABELS[tool].zh, plans: e.plans, ...withFigures(e.t, marginOf(e.margin, e.known, null)) };
    }),
    trend,
    taoke,
  };
}

export async function taokeTotals(db: Db, shopId: string, from: string, to: string) {
  const r = await db
    .selectFrom('ad_taoke_orders')
    .select((eb) => [
      eb.fn.countAll<number>().as('orders'),
      eb.fn.sum<number>('commission_fen').as('c'),
      eb.fn.sum<number>('paid_fen').as('p'),
    ])
    .where('shop_id', '=', shopId)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .executeTakeFirst();
  const commissionFen = Number(r?.c ?? 0);
  const paidFen = Number(r?.p ?? 0);
  return { orders: Number(r?.orders ?? 0), commissionFen, paidFen, roi: commissionFen > 0 ? paidFen / commissionFen : null };
}

/** The shop's ad totals of a period (for analytics, reports, diagnosis): spend, sales and 淘宝客. */
export async function adSummary(db: Kysely<DB>, shopId: string, from: string, to: string) {
  const figs = await planDays(db, shopId, from, to);
  const t = emptyAdTotals();
  for (const p of figs.values()) addAdTotals(t, p.total);
  const taoke = await taokeTotals(db, shopId, from, to);
  return {
    ...withFigures(t, null),
    taokeOrders: taoke.orders,
    taokeCommissionFen: taoke.commissionFen,
    taokePaidFen: taoke.paidFen,
    /** Ad spend and 淘宝客 commission together: the period's marketing cost from the ad tools. */
    totalCostFen: t.spendFen + taoke.commissionFen,
  };
}

/**
 * The ad totals of some shops over a period as the shop's figures use them (reports, 交易分析,
 * 流量分析): the plan-days of each shop by the coarsest level stored, plus 淘宝客 orders. The caller
 * has checked the shops are visible. hasData: any report row or commission order in the period.
 */
export async function shopAdTotals(db: Kysely<DB>, shopIds: readonly string[], from: string, to: string): Promise<ShopAdTotals> {
  const out = emptyShopAdTotals();
  for (const shopId of shopIds) {
    const figs = await planDays(db, shopId, from, to);
    for (const p of figs.values()) {
      out.hasData = true;
      out.spendFen += p.total.spendFen;
      out.salesFen += p.total.salesFen;
      out.clicks += p.total.clicks;
    }
    const taoke = await taokeTotals(db, shopId, from, to);
    if (taoke.orders > 0) out.hasData = true;
    out.taokeCommissionFen += taoke.commissionFen;
    out.taokePaidFen += taoke.paidFen;
  }
  return out;
}

async function setProducts(trx: Db, actor: Actor, planId: string, productIds: readonly string[]): Promise<void> {
  const ids = [...new Set(productIds)];
  if (ids.length) {
    const found = await trx.selectFrom('products').select('id').where('org_id', '=', actor.orgId).where('id', 'in', ids).execute();
    const known = new Set(found.map((r) => r.id));
    const missing = ids.filter((i) => !known.has(i));
    if (missing.length)
      throw new AppError('validation_failed', `商品 ${missing.join('、')} 不存在：请从商品列表中选择`, {}, [
        { path: 'productIds', message: '商品不存在' },
      ]);
  }
  await trx.deleteFrom('ad_plan_products').where('plan_id', '=', planId).execute();
  if (ids.length)
    await trx
      .insertInto('ad_plan_products')
      .values(ids.map((product_id) => ({ plan_id: planId, product_id })))
      .execute();
}

/** A plan entered by hand. */
export async function createPlan(trx: Transaction<DB>, actor: Actor, input: CreateAdPlanInput) {
  const shop = await shops.getVisible(trx, actor, input.shopId);
  const now = Date.now();
  const id = newId('adp');
  await insertOrConflict(
    trx
      .insertInto('ad_plans')
      .values({
        id,
        org_id: actor.orgId,
        shop_id: shop.id,
        tool: input.tool,
        name: input.name,
        daily_budget_fen: input.dailyBudgetFen,
        bid_fen: input.bidFen,
        status: 'active',
        created_at: now,
        updated_at: now,
      })
      .execute(),
    `本店的${AD_TOOL_LABELS[input.tool].zh}已有名为「${input.name}」的计划，请换一个名称`,
  );
  await setProducts(trx, actor, id, input.productIds);
  await audit.record(trx, actor, 'ads.plan.create', { entityType: 'ad_plan', entityId: id, shopId: shop.id, after: input });
  return { id };
}

export async function updatePlan(trx: Transaction<DB>, actor: Actor, id: string, input: UpdateAdPlanInput) {
  const p = await getPlanRow(trx, actor, id);
  const patch: Partial<AdPlansTable> = { updated_at: Date.now() };
  if (input.dailyBudgetFen !== undefined) patch.daily_budget_fen = input.dailyBudgetFen;
  if (input.bidFen !== undefined) patch.bid_fen = input.bidFen;
  if (input.status !== undefined) patch.status = input.status;
  await trx.updateTable('ad_plans').set(patch).where('id', '=', p.id).execute();
  if (input.productIds !== undefined) await setProducts(trx, actor, p.id, input.productIds);
  await audit.record(trx, actor, 'ads.plan.update', {
    entityType: 'ad_plan',
    entityId: p.id,
    shopId: p.shop_id,
    before: { dailyBudgetFen: p.daily_budget_fen, bidFen: p.bid_fen, status: p.status },
    after: input,
  });
  return { id: p.id };
}

/** Pause or resume several plans at once (every one must be visible). */
export async function batchStatus(trx: Transaction<DB>, actor: Actor, ids: readonly string[], status: 'active' | 'paused') {
  const rows = await trx
    .selectFrom('ad_plans')
    .select(['id', 'shop_id'])
    .where('org_id', '=', actor.orgId)
    .where('id', 'in', ids)
    .execute();
  const seen = new Set(rows.map((r) => r.id));
  const missing = ids.filter((i) => !seen.has(i));
  if (missing.length) throw new AppError('not_found', `推广计划 ${missing.join('、')} 不存在或无权访问`);
  for (const r of rows) assertShopVisible(actor, r.shop_id, `推广计划 ${r.id} 不存在或无权访问`);
  await trx.updateTable('ad_plans').set({ status, updated_at: Date.now() }).where('id', 'in', ids).execute();
  for (const r of rows)
    await audit.record(trx, actor, 'ads.plan.update', { entityType: 'ad_plan', entityId: r.id, shopId: r.shop_id, after: { status } });
  return { updated: rows.length };
}

/** The products a plan may promote, searched by title or code (the plan editor's picker). */
export async function productOptions(db: Db, actor: Actor, q: string) {
  const term = q.trim();
  let qb = db.selectFrom('products').select(['id', 'title', 'code']).where('org_id', '=', actor.orgId);
  if (term) qb = qb.where(anyTextMatch(['title', 'code'], term));
  return qb.orderBy('code').limit(50).execute();
}

/** A plan's day entered by hand: its plan-level row of that day is replaced (coarsest level, so it is what the figures read). */
export async function enterDay(trx: Transaction<DB>, actor: Actor, id: string, input: AdDayInput) {
  const p = await getPlanRow(trx, actor, id);
  const shop = await shops.getVisible(trx, actor, p.shop_id);
  const today = businessDayOf(Date.now(), shop.timezone);
  if (input.day > today)
    throw new AppError('validation_failed', `日期 ${input.day} 在未来（今天是 ${today}）`, {}, [{ path: 'day', message: '日期在未来' }]);
  if (input.clicks > input.impressions)
    throw new AppError('validation_failed', `点击量 ${input.clicks} 大于展现量 ${input.impressions}：请检查`, {}, [
      { path: 'clicks', message: '点击量大于展现量' },
    ]);
  await trx.deleteFrom('ad_daily').where('plan_id', '=', p.id).where('day', '=', input.day).where('level', '=', '').execute();
  await trx
    .insertInto('ad_daily')
    .values({
      id: newId('adr'),
      shop_id: p.shop_id,
      plan_id: p.id,
      tool: p.tool,
      day: input.day,
      level: '',
      unit: '',
      keyword: '',
      creative: '',
      impressions: input.impressions,
      clicks: input.clicks,
      spend_fen: input.spendFen,
      orders: input.orders,
      sales_fen: input.salesFen,
      favs: 0,
      carts: 0,
      imported_at: Date.now(),
    })
    .execute();
  await audit.record(trx, actor, 'ads.plan.day', { entityType: 'ad_plan', entityId: p.id, shopId: p.shop_id, after: input });
  return { id: p.id, day: input.day };
}

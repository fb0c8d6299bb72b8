/**
 * Stored promotions: create, edit, the lifecycle (launch / pause / resume / end, on the effective
 * status the clock gives a launched promotion), the conflict check (overlapping exclusive scopes)
 * and the margin check shown before saving and launching, and every change audited.
 */
import {
  AppError,
  newId,
  PROMOTION_MACHINE,
  PROMOTION_STAGE,
  type MarginCheckRow,
  type PricingScope,
  type Promotion,
  type PromotionAction,
  type PromotionBodyInput,
  type PromotionCheck,
  type PromotionConflict,
  type PromotionListInput,
  type PromotionRule,
  type PromotionStatus,
  type PromotionSummary,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { anyTextMatch, assertShopVisible, inChunks, pageOf, scopeToShops, searchTerm, withPage } from '../../db/kit.js';
import type { DB, PromotionsTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as shops from '../shops/index.js';
import { describeRule, projectedUnitPrice } from './describe.js';

type Db = Kysely<DB> | Transaction<DB>;
const LAUNCHED = ['scheduled', 'active'];

export function effectiveStatus(r: Pick<PromotionsTable, 'status' | 'starts_at' | 'ends_at'>, now = Date.now()): PromotionStatus {
  if (!LAUNCHED.includes(r.status)) return r.status as PromotionStatus;
  if (now >= Number(r.ends_at)) return 'ended';
  return now >= Number(r.starts_at) ? 'active' : 'scheduled';
}

const iso = (ms: number) => new Date(Number(ms)).toISOString();
const weekdaysOf = (s: string) => (s ? s.split(',').map(Number) : []);

export function rowToSummary(r: PromotionsTable, now = Date.now()): PromotionSummary {
  const rule = JSON.parse(r.rule_json) as PromotionRule;
  return {
    id: r.id,
    shopId: r.shop_id,
    name: r.name,
    kind: rule.kind,
    status: effectiveStatus(r, now),
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    weekdays: weekdaysOf(r.weekdays),
    scope: JSON.parse(r.scope_json) as PricingScope,
    exclusiveGroup: r.exclusive_group,
    priority: Number(r.priority),
    rule,
    version: Number(r.version),
    createdBy: r.created_by,
    updatedAt: Number(r.updated_at),
    summary: describeRule(rule),
  };
}

/** The engine's shape of a stored promotion (pricing/types.ts PromotionSchema). */
export function rowToEngine(r: PromotionsTable, now = Date.now()): Promotion {
  const s = rowToSummary(r, now);
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    ...(s.weekdays.length ? { weekdays: s.weekdays } : {}),
    scope: { ...s.scope, shopIds: [s.shopId] },
    ...(s.exclusiveGroup ? { exclusiveGroup: s.exclusiveGroup } : {}),
    priority: s.priority,
    rule: s.rule,
  };
}

/** The shop's launched promotions whose window contains `at` (what the engine prices with). */
export async function runningPromotions(db: Db, shopId: string, at: number): Promise<Promotion[]> {
  const rows = await db
    .selectFrom('promotions')
    .selectAll()
    .where('shop_id', '=', shopId)
    .where('status', 'in', LAUNCHED)
    .where('starts_at', '<=', at)
    .where('ends_at', '>', at)
    .execute();
  return rows.map((r) => rowToEngine(r, at));
}

// ---------------------------------------------------------------- settings

export async function visibleShop(db: Db, actor: Actor, shopId: string) {
  return shops.getVisible(db, actor, shopId);
}

export async function minMarginBp(db: Db, shopId: string): Promise<number> {
  const r = await db.selectFrom('marketing_settings').select('min_margin_bp').where('shop_id', '=', shopId).executeTakeFirst();
  return r ? Number(r.min_margin_bp) : 0;
}

export async function setMinMargin(trx: Transaction<DB>, actor: Actor, shopId: string, bp: number): Promise<{ minMarginBp: number }> {
  const shop = await shops.getVisible(trx, actor, shopId);
  const before = await minMarginBp(trx, shop.id);
  const now = Date.now();
  const updated = await trx
    .updateTable('marketing_settings')
    .set({ min_margin_bp: bp, updated_at: now })
    .where('shop_id', '=', shop.id)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0)
    await trx.insertInto('marketing_settings').values({ shop_id: shop.id, min_margin_bp: bp, updated_at: now }).execute();
  await audit.record(trx, actor, 'marketing.settings', {
    entityType: 'shop',
    entityId: shop.id,
    shopId: shop.id,
    before: { minMarginBp: before },
    after: { minMarginBp: bp },
  });
  return { minMarginBp: bp };
}

// ---------------------------------------------------------------- scope → SKUs

interface ScopeSkus {
  all: boolean;
  ids: Set<string>;
}

/** The SKU ids an item scope names (categories and products expanded), or `all`. */
export async function resolveScopeSkus(db: Db, orgId: string, scope: PricingScope): Promise<ScopeSkus> {
  const ids = new Set(scope.skuIds ?? []);
  const products = scope.productIds ?? [];
  const categories = scope.categoryIds ?? [];
  const all = !ids.size && !products.length && !categories.length;
  if (products.length) {
    const rows = await inChunks(products, (chunk) =>
      db.selectFrom('skus').select('id').where('org_id', '=', orgId).where('product_id', 'in', chunk).execute(),
    );
    for (const r of rows) ids.add(r.id);
  }
  if (categories.length) {
    const rows = await inChunks(categories, (chunk) =>
      db
        .selectFrom('skus')
        .innerJoin('products', 'products.id', 'skus.product_id')
        .select('skus.id')
        .where('skus.org_id', '=', orgId)
        .where('products.category_id', 'in', chunk)
        .execute(),
    );
    for (const r of rows) ids.add(r.id);
  }
  for (const x of scope.excludeSkuIds ?? []) ids.delete(x);
  return { all, ids };
}

const listsOverlap = (a?: readonly (string | number)[], b?: readonly (string | number)[]) =>
  !a?.length || !b?.length || a.some((x) => (b as readonly (string | number)[]).includes(x));

// ---------------------------------------------------------------- checks

interface Candidate {
  id?: string;
  shopId: string;
  startsAt: number;
  endsAt: number;
  weekdays: number[];
  scope: PricingScope;
  exclusiveGroup: string | null;
  rule: PromotionRule;
}

/**
 * Other promotions of the shop in the same exclusive group that could run at the same time for
 * the same buyers and goods: launched or paused, windows overlapping, weekdays, channels and
 * member levels overlapping, and item scopes sharing a SKU (or either covering the whole shop).
 */
async function conflictsOf(db: Db, orgId: string, c: Candidate, now: number): Promise<PromotionConflict[]> {
  if (!c.exclusiveGroup) return [];
  let q = db
    .selectFrom('promotions')
    .selectAll()
    .where('shop_id', '=', c.shopId)
    .where('exclusive_group', '=', c.exclusiveGroup)
    .where('status', 'in', [...LAUNCHED, 'paused'])
    .where('starts_at', '<', c.endsAt)
    .where('ends_at', '>', c.startsAt)
    .where('ends_at', '>', now);
  if (c.id) q = q.where('id', '!=', c.id);
  const rows = await q.orderBy('starts_at').limit(200).execute();
  const mine = await resolveScopeSkus(db, orgId, c.scope);
  const out: PromotionConflict[] = [];
  for (const r of rows) {
    const other = rowToSummary(r, now);
    if (!listsOverlap(c.weekdays, other.weekdays)) continue;
    if (!listsOverlap(c.scope.channels, other.scope.channels)) continue;
    if (!listsOverlap(c.scope.memberLevels, other.scope.memberLevels)) continue;
    const theirs = await resolveScopeSkus(db, orgId, other.scope);
    const shared = mine.all || theirs.all || [...mine.ids].some((x) => theirs.ids.has(x));
    if (!shared) continue;
    out.push({
      promotionId: r.id,
      name: r.name,
      status: other.status,
      exclusiveGroup: c.exclusiveGroup,
      message: `与「${r.name}」（${other.summary}，${other.startsAt.slice(0, 10)} 至 ${other.endsAt.slice(0, 10)}）同属互斥组「${c.exclusiveGroup}」，时间与商品范围重叠：同一订单只会享受其中优惠更大的一个`,
    });
  }
  return out;
}

const MARGIN_ROWS = 500;

/** Projected gross margin at the promotion price of every affected SKU (worst first). */
async function marginsOf(db: Db, orgId: string, c: Candidate, floorBp: number): Promise<Omit<PromotionCheck, 'conflicts'>> {
  const stage = PROMOTION_STAGE[c.rule.kind];
  const marginApplies = stage === 'item' || stage === 'order';
  if (!marginApplies) return { margins: [], minMarginBp: floorBp, marginApplies, belowFloor: 0 };
  const scoped = await resolveScopeSkus(db, orgId, c.scope);
  const bundleIds = c.rule.kind === 'bundle' ? c.rule.items.map((i) => i.skuId) : null;
  let q = db
    .selectFrom('skus')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .select(['skus.id', 'skus.code', 'products.title', 'skus.spec_text', 'skus.price_fen', 'skus.cost_fen'])
    .where('skus.org_id', '=', orgId)
    .where('skus.status', '=', 'active');
  const ids = bundleIds ?? (scoped.all ? null : [...scoped.ids]);
  if (ids && !ids.length) return { margins: [], minMarginBp: floorBp, marginApplies, belowFloor: 0 };
  const rows = ids
    ? await inChunks(ids, (chunk) => q.where('skus.id', 'in', chunk).execute())
    : await (q = q.where('skus.id', 'not in', c.scope.excludeSkuIds?.length ? c.scope.excludeSkuIds : ['-'])).limit(5000).execute();
  const bundleList =
    c.rule.kind === 'bundle'
      ? c.rule.items.reduce((s, i) => s + i.qty * Number(rows.find((r) => r.id === i.skuId)?.price_fen ?? 0), 0)
      : undefined;
  const margins: MarginCheckRow[] = [];
  for (const r of rows) {
    const price = Number(r.price_fen);
    const cost = Number(r.cost_fen);
    const promo = projectedUnitPrice(c.rule, r.id, price, bundleList) ?? price;
    const marginBp = cost > 0 ? (promo > 0 ? Math.round(((promo - cost) * 10000) / promo) : -10000) : null;
    margins.push({
      skuId: r.id,
      code: r.code,
      title: r.spec_text ? `${r.title} ${r.spec_text}` : r.title,
      priceFen: price,
      costFen: cost,
      promoPriceFen: promo,
      marginBp,
      belowFloor: marginBp !== null && marginBp < floorBp,
    });
  }
  margins.sort((a, b) => (a.marginBp ?? 1e9) - (b.marginBp ?? 1e9) || a.code.localeCompare(b.code));
  return {
    margins: margins.slice(0, MARGIN_ROWS),
    minMarginBp: floorBp,
    marginApplies,
    belowFloor: margins.filter((m) => m.belowFloor).length,
  };
}

function candidateOf(input: PromotionBodyInput, id?: string): Candidate {
  return {
    id,
    shopId: input.shopId,
    startsAt: Date.parse(input.startsAt),
    endsAt: Date.parse(input.endsAt),
    weekdays: [...new Set(input.weekdays)].sort(),
    scope: input.scope,
    exclusiveGroup: input.exclusiveGroup || null,
    rule: input.rule,
  };
}

function candidateOfRow(r: PromotionsTable): Candidate {
  const s = rowToSummary(r);
  return {
    id: r.id,
    shopId: r.shop_id,
    startsAt: Number(r.starts_at),
    endsAt: Number(r.ends_at),
    weekdays: s.weekdays,
    scope: s.scope,
    exclusiveGroup: s.exclusiveGroup,
    rule: s.rule,
  };
}

async function checkCandidate(db: Db, actor: Actor, c: Candidate): Promise<PromotionCheck> {
  const floor = await minMarginBp(db, c.shopId);
  const [conflicts, m] = await Promise.all([conflictsOf(db, actor.orgId, c, Date.now()), marginsOf(db, actor.orgId, c, floor)]);
  return { conflicts, ...m };
}

/** The check the form shows before saving: conflicts and margins of the promotion as typed. */
export async function checkPromotion(db: Kysely<DB>, actor: Actor, input: PromotionBodyInput, id?: string): Promise<PromotionCheck> {
  await shops.getVisible(db, actor, input.shopId);
  return checkCandidate(db, actor, candidateOf(input, id));
}

// ---------------------------------------------------------------- reads

async function loadRow(db: Db, actor: Actor, id: string): Promise<PromotionsTable> {
  const r = await db.selectFrom('promotions').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!r) throw new AppError('not_found', `营销活动 ${id} 不存在或无权访问`);
  assertShopVisible(actor, r.shop_id, `营销活动 ${id} 不存在或无权访问`);
  return r;
}

export async function getPromotion(db: Db, actor: Actor, id: string): Promise<PromotionSummary> {
  return rowToSummary(await loadRow(db, actor, id));
}

export async function listPromotions(db: Kysely<DB>, actor: Actor, f: PromotionListInput) {
  const now = Date.now();
  let q = db.selectFrom('promotions').where('org_id', '=', actor.orgId);
  q = scopeToShops(q, actor, 'shop_id');
  if (f.shopId) q = q.where('shop_id', '=', f.shopId);
  const term = searchTerm(f.q);
  if (term) q = q.where(anyTextMatch(['name'], term, 'contains'));
  if (f.kind) q = q.where('type', '=', f.kind);
  if (f.status === 'active') q = q.where('status', 'in', LAUNCHED).where('starts_at', '<=', now).where('ends_at', '>', now);
  else if (f.status === 'scheduled') q = q.where('status', 'in', LAUNCHED).where('starts_at', '>', now);
  else if (f.status === 'ended')
    q = q.where((eb) => eb.or([eb('status', '=', 'ended'), eb.and([eb('status', 'in', LAUNCHED), eb('ends_at', '<=', now)])]));
  else if (f.status) q = q.where('status', '=', f.status);
  const [count, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    withPage(q.selectAll().orderBy('updated_at', 'desc').orderBy('id', 'desc'), f).execute(),
  ]);
  return pageOf(
    rows.map((r) => rowToSummary(r, now)),
    Number(count.n),
    f,
  );
}

// ---------------------------------------------------------------- writes

function rowValues(input: PromotionBodyInput) {
  return {
    name: input.name,
    type: input.rule.kind,
    starts_at: Date.parse(input.startsAt),
    ends_at: Date.parse(input.endsAt),
    rule_json: JSON.stringify(input.rule),
    scope_json: JSON.stringify(input.scope),
    exclusive_group: input.exclusiveGroup || null,
    weekdays: [...new Set(input.weekdays)].sort().join(','),
    priority: input.priority,
  };
}

function assertScopeShopVisible(actor: Actor, shopId: string) {
  assertShopVisible(actor, shopId, `店铺 ${shopId} 不存在或无权访问`);
}

export async function createPromotion(trx: Transaction<DB>, actor: Actor, input: PromotionBodyInput): Promise<PromotionSummary> {
  const shop = await shops.getVisible(trx, actor, input.shopId);
  assertScopeShopVisible(actor, shop.id);
  const now = Date.now();
  const row: PromotionsTable = {
    id: newId('pmo'),
    org_id: actor.orgId,
    shop_id: shop.id,
    status: 'draft',
    version: 1,
    created_by: actor.displayName || actor.username,
    created_at: now,
    updated_at: now,
    ...rowValues(input),
  };
  await trx.insertInto('promotions').values(row).execute();
  await audit.record(trx, actor, 'promotion.create', {
    entityType: 'promotion',
    entityId: row.id,
    shopId: shop.id,
    after: rowToSummary(row),
  });
  return rowToSummary(row);
}

/** Guarded on the version the row was read at: a concurrent edit or transition makes this one a 409. */
async function guardedUpdate(trx: Transaction<DB>, r: PromotionsTable, set: Partial<PromotionsTable>): Promise<PromotionsTable> {
  const now = Date.now();
  const res = await trx
    .updateTable('promotions')
    .set({ ...set, version: Number(r.version) + 1, updated_at: now })
    .where('id', '=', r.id)
    .where('version', '=', r.version)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0)
    throw new AppError('conflict', `活动「${r.name}」刚被其他人修改，请刷新后重试`, { promotionId: r.id });
  return { ...r, ...set, version: Number(r.version) + 1, updated_at: now };
}

export async function updatePromotion(
  trx: Transaction<DB>,
  actor: Actor,
  id: string,
  input: PromotionBodyInput,
): Promise<PromotionSummary> {
  const r = await loadRow(trx, actor, id);
  if (input.shopId !== r.shop_id)
    throw new AppError('validation_failed', '活动所属店铺不能修改，请在目标店铺新建活动', {}, [
      { path: 'shopId', message: '不能修改店铺' },
    ]);
  if (input.version !== undefined && input.version !== Number(r.version))
    throw new AppError('conflict', `活动「${r.name}」已被其他人修改，请刷新后重试`, { promotionId: id });
  const status = effectiveStatus(r);
  if (status === 'ended') throw new AppError('invalid_state', `活动「${r.name}」已结束，不能修改；如需再办请复制为新活动`);
  const before = rowToSummary(r);
  const next = await guardedUpdate(trx, r, rowValues(input));
  if (status === 'active' || status === 'scheduled') {
    // A launched promotion stays launched only while it keeps clear of conflicts.
    const check = await checkCandidate(trx, actor, candidateOfRow(next));
    if (check.conflicts.length)
      throw new AppError('conflict', check.conflicts.map((c) => c.message).join('；'), { conflicts: check.conflicts });
  }
  const after = rowToSummary(next);
  await audit.record(trx, actor, 'promotion.update', { entityType: 'promotion', entityId: id, shopId: r.shop_id, before, after });
  return after;
}

const ACTION_TARGET: Record<PromotionAction, (now: number, r: PromotionsTable) => { to: PromotionStatus; stored: string }> = {
  launch: (now, r) => ({ to: now >= Number(r.starts_at) ? 'active' : 'scheduled', stored: 'scheduled' }),
  resume: (now, r) => ({ to: now >= Number(r.starts_at) ? 'active' : 'scheduled', stored: 'scheduled' }),
  pause: () => ({ to: 'paused', stored: 'paused' }),
  end: () => ({ to: 'ended', stored: 'ended' }),
  unschedule: () => ({ to: 'draft', stored: 'draft' }),
};

/**
 * Move a promotion along its machine. Launch and resume first check conflicts (refused) and the
 * margin floor (refused unless the operator accepts the listed SKUs); an end moves `ends_at` to
 * now so the window tells the truth in reports.
 */
export async function actOnPromotion(
  trx: Transaction<DB>,
  actor: Actor,
  id: string,
  action: PromotionAction,
  opts: { acceptMarginWarnings?: boolean } = {},
): Promise<PromotionSummary & { check?: PromotionCheck }> {
  const r = await loadRow(trx, actor, id);
  const now = Date.now();
  const from = effectiveStatus(r, now);
  const { to, stored } = ACTION_TARGET[action](now, r);
  if (action === 'resume' && from !== 'paused') throw new AppError('invalid_state', `活动「${r.name}」不是已暂停状态，无需恢复`, { from });
  if (action === 'launch' && from !== 'draft')
    throw new AppError('invalid_state', `活动「${r.name}」已发布（当前为${from === 'paused' ? '已暂停，请用“恢复”' : `「${from}」`}）`, {
      from,
    });
  if ((action === 'launch' || action === 'resume') && now >= Number(r.ends_at))
    throw new AppError('invalid_state', `活动「${r.name}」的结束时间已过，请先修改活动时间再发布`, { endsAt: iso(r.ends_at) }, [
      { path: 'endsAt', message: '结束时间已过' },
    ]);
  PROMOTION_MACHINE.assert(from, to, { promotionId: id }, r.name);
  let check: PromotionCheck | undefined;
  if (action === 'launch' || action === 'resume') {
    check = await checkCandidate(trx, actor, candidateOfRow(r));
    if (check.conflicts.length)
      throw new AppError('conflict', check.conflicts.map((c) => c.message).join('；'), { conflicts: check.conflicts });
    if (check.belowFloor > 0 && !opts.acceptMarginWarnings) {
      const worst = check.margins.filter((m) => m.belowFloor).slice(0, 3);
      throw new AppError(
        'unprocessable',
        `有 ${check.belowFloor} 个 SKU 的活动价低于最低毛利率 ${(check.minMarginBp / 100).toFixed(0)}%（如 ${worst
          .map((m) => `${m.code} 活动价 ¥${(m.promoPriceFen / 100).toFixed(2)}、成本 ¥${(m.costFen / 100).toFixed(2)}`)
          .join('；')}）：请调整优惠力度或范围，或确认接受后再发布`,
        { check },
      );
    }
  }
  const set: Partial<PromotionsTable> = { status: stored };
  if (action === 'end' && now < Number(r.ends_at) && now > Number(r.starts_at)) set.ends_at = now;
  const next = await guardedUpdate(trx, r, set);
  const after = rowToSummary(next, now);
  await audit.record(trx, actor, `promotion.${action}`, {
    entityType: 'promotion',
    entityId: id,
    shopId: r.shop_id,
    before: { status: from },
    after: {
      status: after.status,
      ...(check ? { belowFloor: check.belowFloor, acceptedMarginWarnings: !!opts.acceptMarginWarnings } : {}),
    },
  });
  return { ...after, ...(check ? { check } : {}) };
}

/** Pause or end the ticked promotions; each one that cannot move says why, the others move. */
export async function batchAct(db: Kysely<DB>, actor: Actor, ids: string[], action: 'pause' | 'end') {
  const results: { id: string; ok: boolean; message?: string }[] = [];
  for (const id of [...new Set(ids)]) {
    try {
      await db.transaction().execute((trx) => actOnPromotion(trx, actor, id, action));
      results.push({ id, ok: true });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push({ id, ok: false, message: err.message });
    }
  }
  return { done: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok), results };
}

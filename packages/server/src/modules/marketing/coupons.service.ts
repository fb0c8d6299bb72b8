/**
 * Coupon templates and the coupons buyers hold: issue (manually, to an RFM segment, or claimed by
 * code), redeem by an order and return on refund. Limits are decided by guarded UPDATEs whose row
 * count answers: the template's `issued < total_limit` and the buyer's `claimed < per_customer_limit`
 * (coupon_claims), a coupon's `status = 'unused'` when an order redeems it.
 */
import {
  AppError,
  newId,
  type Coupon,
  type CouponRow,
  type CouponTemplateInput,
  type CouponTemplateSummary,
  type IssueCouponsInput,
  type PriceResult,
  type PricingScope,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { assertShopVisible, inChunks, insertOrConflict, pageOf, scopeToShops, withPage } from '../../db/kit.js';
import type { CouponsTable, CouponTemplatesTable, DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as customers from '../customers/index.js';
import * as shops from '../shops/index.js';
import { describeCoupon } from './describe.js';

type Db = Kysely<DB> | Transaction<DB>;
const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(Number(ms)).toISOString();

function templateSummary(
  t: CouponTemplatesTable,
  stats?: { used: number; released: number; discountFen: number; goodsFen: number },
): CouponTemplateSummary {
  const base = {
    kind: t.kind,
    thresholdFen: Number(t.threshold_fen),
    amountFen: Number(t.amount_fen),
    offBp: Number(t.off_bp),
    capFen: t.cap_fen === null ? null : Number(t.cap_fen),
  };
  return {
    id: t.id,
    shopId: t.shop_id,
    name: t.name,
    ...base,
    kind: t.kind as 'amount' | 'percent',
    scope: JSON.parse(t.scope_json) as PricingScope,
    channel: t.channel,
    validity:
      t.valid_days !== null
        ? { type: 'relative', days: Number(t.valid_days) }
        : { type: 'fixed', startsAt: iso(t.valid_from!), endsAt: iso(t.valid_to!) },
    totalLimit: Number(t.total_limit),
    perCustomerLimit: Number(t.per_customer_limit),
    code: t.code,
    returnOnRefund: !!Number(t.return_on_refund),
    status: t.status as 'active' | 'stopped',
    summary: describeCoupon(base),
    issued: Number(t.issued),
    used: stats?.used ?? 0,
    released: stats?.released ?? 0,
    discountFen: stats?.discountFen ?? 0,
    ordersGoodsFen: stats?.goodsFen ?? 0,
    createdAt: Number(t.created_at),
  };
}

async function statsOf(db: Db, ids: string[]) {
  const out = new Map<string, { used: number; released: number; discountFen: number; goodsFen: number }>();
  if (!ids.length) return out;
  const rows = await db
    .selectFrom('coupon_redemptions')
    .select((eb) => [
      'template_id',
      eb.fn.sum<number>(eb.case().when('released_at', 'is', null).then(1).else(0).end()).as('used'),
      eb.fn.sum<number>(eb.case().when('released_at', 'is not', null).then(1).else(0).end()).as('released'),
      eb.fn.sum<number>(eb.case().when('released_at', 'is', null).then(eb.ref('discount_fen')).else(0).end()).as('discount'),
      eb.fn.sum<number>(eb.case().when('released_at', 'is', null).then(eb.ref('goods_fen')).else(0).end()).as('goods'),
    ])
    .where('template_id', 'in', ids)
    .groupBy('template_id')
    .execute();
  for (const r of rows)
    out.set(r.template_id, {
      used: Number(r.used),
      released: Number(r.released),
      discountFen: Number(r.discount),
      goodsFen: Number(r.goods),
    });
  return out;
}

async function loadTemplate(db: Db, actor: Actor, id: string): Promise<CouponTemplatesTable> {
  const t = await db.selectFrom('coupon_templates').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!t) throw new AppError('not_found', `优惠券 ${id} 不存在或无权访问`);
  assertShopVisible(actor, t.shop_id, `优惠券 ${id} 不存在或无权访问`);
  return t;
}

export async function getTemplate(db: Db, actor: Actor, id: string): Promise<CouponTemplateSummary> {
  const t = await loadTemplate(db, actor, id);
  return templateSummary(t, (await statsOf(db, [t.id])).get(t.id));
}

export async function listTemplates(db: Kysely<DB>, actor: Actor, f: { shopId?: string; page: number; pageSize: number }) {
  let q = db.selectFrom('coupon_templates').where('org_id', '=', actor.orgId);
  q = scopeToShops(q, actor, 'shop_id');
  if (f.shopId) q = q.where('shop_id', '=', f.shopId);
  const [count, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    withPage(q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'), f).execute(),
  ]);
  const stats = await statsOf(
    db,
    rows.map((r) => r.id),
  );
  return pageOf(
    rows.map((r) => templateSummary(r, stats.get(r.id))),
    Number(count.n),
    f,
  );
}

export async function createTemplate(trx: Transaction<DB>, actor: Actor, input: CouponTemplateInput): Promise<CouponTemplateSummary> {
  const shop = await shops.getVisible(trx, actor, input.shopId);
  const now = Date.now();
  const row: CouponTemplatesTable = {
    id: newId('cpt'),
    org_id: actor.orgId,
    shop_id: shop.id,
    name: input.name,
    kind: input.kind,
    threshold_fen: input.thresholdFen,
    amount_fen: input.kind === 'amount' ? input.amountFen : 0,
    off_bp: input.kind === 'percent' ? input.offBp : 0,
    cap_fen: input.kind === 'percent' ? (input.capFen ?? null) : null,
    scope_json: JSON.stringify(input.scope),
    channel: input.channel ?? null,
    valid_from: input.validity.type === 'fixed' ? Date.parse(input.validity.startsAt) : null,
    valid_to: input.validity.type === 'fixed' ? Date.parse(input.validity.endsAt) : null,
    valid_days: input.validity.type === 'relative' ? input.validity.days : null,
    total_limit: input.totalLimit,
    per_customer_limit: input.perCustomerLimit,
    code: input.code ?? null,
    return_on_refund: input.returnOnRefund ? 1 : 0,
    status: 'active',
    issued: 0,
    created_at: now,
    updated_at: now,
  };
  await insertOrConflict(
    trx.insertInto('coupon_templates').values(row).execute(),
    `本店已有领券码为「${input.code}」的优惠券，请换一个领券码`,
  );
  await audit.record(trx, actor, 'coupon_template.create', {
    entityType: 'coupon_template',
    entityId: row.id,
    shopId: shop.id,
    after: templateSummary(row),
  });
  return templateSummary(row);
}

export async function stopTemplate(trx: Transaction<DB>, actor: Actor, id: string): Promise<CouponTemplateSummary> {
  const t = await loadTemplate(trx, actor, id);
  if (t.status === 'stopped') return templateSummary(t);
  await trx.updateTable('coupon_templates').set({ status: 'stopped', updated_at: Date.now() }).where('id', '=', id).execute();
  await audit.record(trx, actor, 'coupon_template.stop', {
    entityType: 'coupon_template',
    entityId: id,
    shopId: t.shop_id,
    before: { status: t.status },
    after: { status: 'stopped' },
  });
  return getTemplate(trx, actor, id);
}

// ---------------------------------------------------------------- claims

export type ClaimOutcome = { ok: true; coupon: CouponsTable } | { ok: false; reason: string };

/**
 * One coupon of a template to a buyer, in the caller's transaction. The two guarded UPDATEs decide
 * a race: the template's issue count under its total, then the buyer's count under the per-person
 * limit (its row made first, doing nothing when it exists). A refusal rolls back nothing itself:
 * the caller's transaction is rolled back when the second guard fails after the first succeeded.
 */
export async function claimOne(
  trx: Transaction<DB>,
  t: CouponTemplatesTable,
  buyerKey: string,
  source: string,
  now = Date.now(),
): Promise<ClaimOutcome> {
  if (t.status !== 'active') return { ok: false, reason: `优惠券「${t.name}」已停止发放` };
  if (t.valid_to !== null && now >= Number(t.valid_to)) return { ok: false, reason: `优惠券「${t.name}」已过期，不能再发放` };
  await trx
    .insertInto('coupon_claims')
    .values({ template_id: t.id, buyer_key: buyerKey, claimed: 0 })
    .onConflict((oc) => oc.columns(['template_id', 'buyer_key']).doNothing())
    .execute();
  const mine = await trx
    .updateTable('coupon_claims')
    .set((eb) => ({ claimed: eb('claimed', '+', 1) }))
    .where('template_id', '=', t.id)
    .where('buyer_key', '=', buyerKey)
    .where('claimed', '<', t.per_customer_limit)
    .executeTakeFirst();
  if (Number(mine.numUpdatedRows) === 0) return { ok: false, reason: `「${buyerKey}」已领满每人限领的 ${t.per_customer_limit} 张` };
  const total = await trx
    .updateTable('coupon_templates')
    .set((eb) => ({ issued: eb('issued', '+', 1) }))
    .where('id', '=', t.id)
    .where('status', '=', 'active')
    .where('issued', '<', t.total_limit)
    .executeTakeFirst();
  if (Number(total.numUpdatedRows) === 0) {
    await trx
      .updateTable('coupon_claims')
      .set((eb) => ({ claimed: eb('claimed', '-', 1) }))
      .where('template_id', '=', t.id)
      .where('buyer_key', '=', buyerKey)
      .execute();
    return { ok: false, reason: `优惠券「${t.name}」已发完（共 ${t.total_limit} 张）` };
  }
  const from = t.valid_days !== null ? now : Number(t.valid_from);
  const to = t.valid_days !== null ? now + Number(t.valid_days) * DAY_MS : Number(t.valid_to);
  const coupon: CouponsTable = {
    id: newId('cpn'),
    org_id: t.org_id,
    shop_id: t.shop_id,
    template_id: t.id,
    buyer_key: buyerKey,
    customer_id: null,
    status: 'unused',
    source,
    valid_from: from,
    valid_to: to,
    order_id: null,
    claimed_at: now,
    used_at: null,
  };
  await trx.insertInto('coupons').values(coupon).execute();
  return { ok: true, coupon };
}

/** Issue a template to buyers by nick, or to every customer of an RFM segment of its shop. */
export async function issue(db: Kysely<DB>, actor: Actor, templateId: string, input: IssueCouponsInput) {
  const t = await loadTemplate(db, actor, templateId);
  let buyers = [...new Set((input.buyers ?? []).map((b) => b.trim()).filter(Boolean))];
  let source = 'manual';
  if (input.segment) {
    const segment = customers.segmentByName(input.segment);
    const shop = await customers.openShop(db, actor, t.shop_id);
    const scored = await customers.scoreShop(db, shop.id, shop.today);
    const ids = scored.customers.filter((c) => c.segment === segment).map((c) => c.customerId);
    const rows = await inChunks(ids, (chunk) => db.selectFrom('customers').select('nick').where('id', 'in', chunk).execute());
    buyers = [...new Set([...buyers, ...rows.map((r) => r.nick).filter(Boolean)])];
    source = 'segment';
  }
  if (input.savedSegmentId) {
    const { members } = await customers.segmentMembers(db, actor.orgId, input.savedSegmentId);
    buyers = [...new Set([...buyers, ...members.filter((m) => m.shopId === t.shop_id && m.nick).map((m) => m.nick)])];
    source = 'segment';
  }
  if (!buyers.length)
    throw new AppError('validation_failed', '所选分群没有客户，请换一个分群或填写买家昵称', {}, [{ path: 'segment', message: '分群为空' }]);
  let issued = 0;
  const refused: { buyer: string; reason: string }[] = [];
  // One transaction per buyer: a refusal (limit reached) leaves the others issued.
  for (const buyer of buyers) {
    const out = await db.transaction().execute(async (trx) => {
      const fresh = await trx.selectFrom('coupon_templates').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow();
      return claimOne(trx, fresh, buyer, source);
    });
    if (out.ok) issued++;
    else refused.push({ buyer, reason: out.reason });
  }
  await audit.record(db, actor, 'coupon.issue', {
    entityType: 'coupon_template',
    entityId: t.id,
    shopId: t.shop_id,
    after: { source, requested: buyers.length, issued, refused: refused.length },
  });
  return { issued, refused: refused.slice(0, 200), refusedCount: refused.length };
}

/** A buyer claims a coupon by its code (the shop's claim code). */
export async function claimByCode(
  trx: Transaction<DB>,
  actor: Actor,
  shopId: string,
  code: string,
  buyerKey: string,
  source = 'code',
  now = Date.now(),
): Promise<CouponsTable> {
  const shop = await shops.getVisible(trx, actor, shopId);
  const t = await trx
    .selectFrom('coupon_templates')
    .selectAll()
    .where('shop_id', '=', shop.id)
    .where('code', '=', code.trim())
    .executeTakeFirst();
  if (!t)
    throw new AppError('not_found', `本店没有领券码为「${code}」的优惠券，请核对领券码`, {}, [
      { path: 'couponCode', message: '领券码不存在' },
    ]);
  const out = await claimOne(trx, t, buyerKey, source, now);
  if (!out.ok) throw new AppError('conflict', out.reason, { templateId: t.id }, [{ path: 'couponCode', message: out.reason }]);
  return out.coupon;
}

// ---------------------------------------------------------------- coupons held

export function couponRow(c: CouponsTable, t: CouponTemplatesTable): CouponRow {
  return {
    id: c.id,
    templateId: c.template_id,
    templateName: t.name,
    buyerNick: c.buyer_key,
    status: c.status as CouponRow['status'],
    source: c.source,
    validFrom: iso(c.valid_from),
    validTo: iso(c.valid_to),
    orderId: c.order_id,
    claimedAt: Number(c.claimed_at),
    usedAt: c.used_at === null ? null : Number(c.used_at),
    summary: describeCoupon({
      kind: t.kind,
      thresholdFen: Number(t.threshold_fen),
      amountFen: Number(t.amount_fen),
      offBp: Number(t.off_bp),
      capFen: t.cap_fen === null ? null : Number(t.cap_fen),
    }),
  };
}

export async function listCoupons(
  db: Kysely<DB>,
  actor: Actor,
  f: { shopId?: string; templateId?: string; buyerNick?: string; status?: string; page: number; pageSize: number },
) {
  let q = db.selectFrom('coupons').where('org_id', '=', actor.orgId);
  q = scopeToShops(q, actor, 'shop_id');
  if (f.shopId) q = q.where('shop_id', '=', f.shopId);
  if (f.templateId) q = q.where('template_id', '=', f.templateId);
  if (f.buyerNick) q = q.where('buyer_key', '=', f.buyerNick.trim());
  if (f.status) q = q.where('status', '=', f.status);
  const [count, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    withPage(q.selectAll().orderBy('claimed_at', 'desc').orderBy('id', 'desc'), f).execute(),
  ]);
  const templates = await templatesById(db, [...new Set(rows.map((r) => r.template_id))]);
  return pageOf(
    rows.map((r) => couponRow(r, templates.get(r.template_id)!)),
    Number(count.n),
    f,
  );
}

async function templatesById(db: Db, ids: string[]): Promise<Map<string, CouponTemplatesTable>> {
  const rows = await inChunks(ids, (chunk) => db.selectFrom('coupon_templates').selectAll().where('id', 'in', chunk).execute());
  return new Map(rows.map((r) => [r.id, r]));
}

/** The engine's shape of a coupon a buyer holds (the template's value and scope, the instance's window). */
export function toEngineCoupon(c: Pick<CouponsTable, 'id' | 'valid_from' | 'valid_to'>, t: CouponTemplatesTable): Coupon {
  const scope = JSON.parse(t.scope_json) as PricingScope;
  return {
    id: c.id,
    name: t.name,
    thresholdFen: Number(t.threshold_fen),
    value:
      t.kind === 'amount'
        ? { type: 'amount', offFen: Number(t.amount_fen) }
        : { type: 'percent', offBp: Number(t.off_bp), ...(t.cap_fen !== null ? { capFen: Number(t.cap_fen) } : {}) },
    startsAt: iso(c.valid_from),
    endsAt: iso(c.valid_to),
    scope: { ...scope, shopIds: [t.shop_id], ...(t.channel ? { channels: [t.channel as never] } : {}) },
    exclusiveGroup: 'coupon',
  };
}

/** A buyer's unused coupons of a shop, usable at `at`, with their templates. */
export async function usableCoupons(db: Db, shopId: string, buyerKey: string, at: number) {
  const rows = await db
    .selectFrom('coupons')
    .selectAll()
    .where('shop_id', '=', shopId)
    .where('buyer_key', '=', buyerKey)
    .where('status', '=', 'unused')
    .where('valid_to', '>', at)
    .orderBy('valid_to')
    .limit(100)
    .execute();
  const templates = await templatesById(db, [...new Set(rows.map((r) => r.template_id))]);
  return rows.map((c) => ({ coupon: c, template: templates.get(c.template_id)! }));
}

/** The named coupons of a buyer in a shop (other buyers' coupons and unknown ids are refused). */
export async function couponsForCart(db: Db, shopId: string, buyerKey: string | undefined, ids: string[]) {
  if (!ids.length) return [];
  const rows = await db.selectFrom('coupons').selectAll().where('id', 'in', ids).where('shop_id', '=', shopId).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const templates = await templatesById(db, [...new Set(rows.map((r) => r.template_id))]);
  return ids.map((id, i) => {
    const c = byId.get(id);
    if (!c || (buyerKey !== undefined && c.buyer_key !== buyerKey))
      throw new AppError('validation_failed', `优惠券 ${id} 不属于买家「${buyerKey ?? ''}」或不存在，请重新选择`, {}, [
        { path: `couponIds.${i}`, message: '不是该买家的优惠券' },
      ]);
    if (c.status !== 'unused')
      throw new AppError('conflict', `优惠券 ${id} 已使用或已作废，请换一张`, {}, [{ path: `couponIds.${i}`, message: '优惠券已使用' }]);
    return { coupon: c, template: templates.get(c.template_id)! };
  });
}

// ---------------------------------------------------------------- redeem / release

/**
 * Mark the coupons an order used (those the engine applied), in the order's transaction. The
 * guarded UPDATE on `status = 'unused'` decides between two orders racing for one coupon.
 */
export async function redeemCoupons(
  trx: Transaction<DB>,
  o: { orderId: string; shopId: string; buyerKey: string; result: PriceResult },
): Promise<void> {
  const now = Date.now();
  for (const a of o.result.applied.filter((x) => x.source === 'coupon')) {
    const res = await trx
      .updateTable('coupons')
      .set({ status: 'used', order_id: o.orderId, used_at: now })
      .where('id', '=', a.sourceId)
      .where('shop_id', '=', o.shopId)
      .where('buyer_key', '=', o.buyerKey)
      .where('status', '=', 'unused')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0)
      throw new AppError(
        'conflict',
        `优惠券「${a.name}」已被使用或不属于买家「${o.buyerKey}」，请刷新后重新选择`,
        { couponId: a.sourceId },
        [{ path: 'couponIds', message: '优惠券已被使用' }],
      );
    const c = await trx.selectFrom('coupons').select('template_id').where('id', '=', a.sourceId).executeTakeFirstOrThrow();
    await trx
      .insertInto('coupon_redemptions')
      .values({
        id: newId('cpr'),
        coupon_id: a.sourceId,
        template_id: c.template_id,
        shop_id: o.shopId,
        order_id: o.orderId,
        buyer_key: o.buyerKey,
        discount_fen: a.amountFen,
        goods_fen: o.result.totals.goodsFen,
        redeemed_at: now,
        released_at: null,
      })
      .execute();
  }
}

/**
 * An order cancelled or refunded in full: its coupons go back to the buyer when their template
 * says so (and they are still inside their window); others stay used. Returns the coupons returned.
 */
export async function releaseCoupons(trx: Transaction<DB>, orderId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('coupon_redemptions')
    .innerJoin('coupon_templates', 'coupon_templates.id', 'coupon_redemptions.template_id')
    .select(['coupon_redemptions.id', 'coupon_redemptions.coupon_id', 'coupon_templates.return_on_refund'])
    .where('coupon_redemptions.order_id', '=', orderId)
    .where('coupon_redemptions.released_at', 'is', null)
    .execute();
  const now = Date.now();
  const back: string[] = [];
  for (const r of rows) {
    if (!Number(r.return_on_refund)) continue;
    const res = await trx
      .updateTable('coupons')
      .set({ status: 'unused', order_id: null, used_at: null })
      .where('id', '=', r.coupon_id)
      .where('order_id', '=', orderId)
      .where('status', '=', 'used')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) continue;
    await trx.updateTable('coupon_redemptions').set({ released_at: now }).where('id', '=', r.id).where('released_at', 'is', null).execute();
    back.push(r.coupon_id);
  }
  return back;
}

/**
 * Marketing in bulk for the demo loader: the simulated promotions, coupon templates, coupons with
 * their redemptions, activities with their checklists, and each priced order's explanation
 * (order_pricings), written as given; then the templates' issue counts and the per-buyer claim
 * counters (coupon_claims) from the coupons; and removing a shop's marketing again.
 */
import type { PriceResult, PricingScope, PromotionRule } from '@yunying/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import { inChunks, insertBatched } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

export interface BulkPromotion {
  id: string;
  shopId: string;
  name: string;
  rule: PromotionRule;
  scope: PricingScope;
  startsAt: number;
  endsAt: number;
  weekdays: number[];
  exclusiveGroup: string | null;
  priority: number;
  createdAt: number;
}

export interface BulkCouponTemplate {
  id: string;
  shopId: string;
  name: string;
  kind: 'amount' | 'percent';
  thresholdFen: number;
  amountFen: number;
  offBp: number;
  capFen: number | null;
  validFrom: number | null;
  validTo: number | null;
  validDays: number | null;
  totalLimit: number;
  perCustomerLimit: number;
  code: string | null;
  returnOnRefund: boolean;
  createdAt: number;
}

export interface BulkCoupon {
  id: string;
  shopId: string;
  templateId: string;
  buyerKey: string;
  status: string;
  source: string;
  validFrom: number;
  validTo: number;
  orderId: string | null;
  claimedAt: number;
  usedAt: number | null;
  redemptions: { id: string; orderId: string; discountFen: number; goodsFen: number; at: number; releasedAt: number | null }[];
}

export interface BulkActivity {
  id: string;
  shopId: string;
  name: string;
  kind: string;
  platformEvent: string | null;
  startDay: string;
  endDay: string;
  baselineFrom: string;
  baselineTo: string;
  promotionIds: string[];
  skuIds: string[];
  status: string;
  note: string;
  createdAt: number;
  tasks: { id: string; title: string; roleName: string; dueDay: string; done: boolean; doneAt: number | null }[];
}

export interface PlanOptions {
  orgId: string;
  /** Who the promotions name as their creator, and who ticked the checklists. */
  actorName: string;
  promotions: readonly BulkPromotion[];
  couponTemplates: readonly BulkCouponTemplate[];
  activities: readonly BulkActivity[];
}

/** Promotions (launched: the clock shows them active or ended), coupon templates and activities. */
export async function insertPlan(trx: Kysely<DB>, o: PlanOptions): Promise<void> {
  await insertBatched(
    trx,
    'promotions',
    o.promotions.map((p) => ({
      id: p.id,
      org_id: o.orgId,
      shop_id: p.shopId,
      name: p.name,
      type: p.rule.kind,
      status: 'active',
      starts_at: p.startsAt,
      ends_at: p.endsAt,
      rule_json: JSON.stringify(p.rule),
      scope_json: JSON.stringify(p.scope),
      exclusive_group: p.exclusiveGroup,
      weekdays: p.weekdays.join(','),
      priority: p.priority,
      version: 1,
      created_by: o.actorName,
      created_at: p.createdAt,
      updated_at: p.createdAt,
    })),
  );
  await insertBatched(
    trx,
    'coupon_templates',
    o.couponTemplates.map((t) => ({
      id: t.id,
      org_id: o.orgId,
      shop_id: t.shopId,
      name: t.name,
      kind: t.kind,
      threshold_fen: t.thresholdFen,
      amount_fen: t.amountFen,
      off_bp: t.offBp,
      cap_fen: t.capFen,
      scope_json: '{}',
      channel: null,
      valid_from: t.validFrom,
      valid_to: t.validTo,
      valid_days: t.validDays,
      total_limit: t.totalLimit,
      per_customer_limit: t.perCustomerLimit,
      code: t.code,
      return_on_refund: t.returnOnRefund ? 1 : 0,
      status: 'active',
      issued: 0,
      created_at: t.createdAt,
      updated_at: t.createdAt,
    })),
  );
  await insertBatched(
    trx,
    'activities',
    o.activities.map((a) => ({
      id: a.id,
      org_id: o.orgId,
      shop_id: a.shopId,
      name: a.name,
      kind: a.kind,
      platform_event: a.platformEvent,
      start_day: a.startDay,
      end_day: a.endDay,
      baseline_from: a.baselineFrom,
      baseline_to: a.baselineTo,
      promotion_ids: JSON.stringify(a.promotionIds),
      sku_ids: JSON.stringify(a.skuIds),
      status: a.status,
      note: a.note,
      created_at: a.createdAt,
      updated_at: a.createdAt,
    })),
  );
  await insertBatched(
    trx,
    'activity_tasks',
    o.activities.flatMap((a) =>
      a.tasks.map((t, i) => ({
        id: t.id,
        activity_id: a.id,
        title: t.title,
        role_name: t.roleName,
        due_day: t.dueDay,
        done: t.done ? 1 : 0,
        done_by: t.done ? o.actorName : null,
        done_at: t.doneAt,
        seq: i + 1,
      })),
    ),
  );
}

/** Coupons as they ended up, with their redemptions. */
export async function insertCoupons(trx: Kysely<DB>, o: { orgId: string; coupons: readonly BulkCoupon[] }): Promise<void> {
  await insertBatched(
    trx,
    'coupons',
    o.coupons.map((c) => ({
      id: c.id,
      org_id: o.orgId,
      shop_id: c.shopId,
      template_id: c.templateId,
      buyer_key: c.buyerKey,
      customer_id: null,
      status: c.status,
      source: c.source,
      valid_from: c.validFrom,
      valid_to: c.validTo,
      order_id: c.orderId,
      claimed_at: c.claimedAt,
      used_at: c.usedAt,
    })),
  );
  await insertBatched(
    trx,
    'coupon_redemptions',
    o.coupons.flatMap((c) =>
      c.redemptions.map((r) => ({
        id: r.id,
        coupon_id: c.id,
        template_id: c.templateId,
        shop_id: c.shopId,
        order_id: r.orderId,
        buyer_key: c.buyerKey,
        discount_fen: r.discountFen,
        goods_fen: r.goodsFen,
        redeemed_at: r.at,
        released_at: r.releasedAt,
      })),
    ),
  );
}

/** How the engine priced each order (the order page's per-line explanation). */
export async function insertOrderPricings(
  trx: Kysely<DB>,
  rows: readonly {
    orderId: string;
    shopId: string;
    buyerKey: string;
    createdAt: number;
    pricing: Pick<PriceResult, 'lines' | 'applied' | 'totals' | 'at'>;
  }[],
): Promise<void> {
  await insertBatched(
    trx,
    'order_pricings',
    rows.map((r) => ({
      order_id: r.orderId,
      shop_id: r.shopId,
      result_json: JSON.stringify({ lines: r.pricing.lines, applied: r.pricing.applied, totals: r.pricing.totals, at: r.pricing.at }),
      discount_fen: r.pricing.totals.discountFen,
      created_at: r.createdAt,
      buyer_key: r.buyerKey,
    })),
  );
}

/** Once every coupon is in: each template's issue count and each buyer's claim counter, from the coupons. */
export async function countClaims(trx: Kysely<DB>, templateIds: readonly string[]): Promise<void> {
  if (!templateIds.length) return;
  await trx
    .insertInto('coupon_claims')
    .columns(['template_id', 'buyer_key', 'claimed'])
    .expression((eb) =>
      eb
        .selectFrom('coupons')
        .select(['template_id', 'buyer_key', sql<number>`count(*)`.as('claimed')])
        .where('template_id', 'in', [...templateIds])
        .groupBy(['template_id', 'buyer_key']),
    )
    .execute();
  await trx
    .updateTable('coupon_templates')
    .set((eb) => ({
      issued: eb
        .selectFrom('coupons')
        .select(sql<number>`count(*)`.as('n'))
        .whereRef('coupons.template_id', '=', 'coupon_templates.id'),
    }))
    .where('id', 'in', [...templateIds])
    .execute();
}

/** Remove every marketing row of these shops. */
export async function removeShopMarketing(trx: Transaction<DB>, shopIds: readonly string[]): Promise<void> {
  if (!shopIds.length) return;
  const shops = [...shopIds];
  const templateIds = (await trx.selectFrom('coupon_templates').select('id').where('shop_id', 'in', shops).execute()).map((r) => r.id);
  const activityIds = (await trx.selectFrom('activities').select('id').where('shop_id', 'in', shops).execute()).map((r) => r.id);
  await inChunks(templateIds, async (chunk) => {
    await trx.deleteFrom('coupon_claims').where('template_id', 'in', chunk).execute();
    return [];
  });
  await inChunks(activityIds, async (chunk) => {
    await trx.deleteFrom('activity_tasks').where('activity_id', 'in', chunk).execute();
    return [];
  });
  for (const t of [
    'order_pricings',
    'coupon_redemptions',
    'coupons',
    'coupon_templates',
    'activities',
    'promotions',
    'marketing_settings',
  ] as const)
    await trx.deleteFrom(t).where('shop_id', 'in', shops).execute();
}

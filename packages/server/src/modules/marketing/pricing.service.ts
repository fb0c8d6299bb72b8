/**
 * Carts priced by the core engine against a shop's running promotions, its price floor and the
 * buyer's coupons: the price preview (cart simulator) and the pricing of a manual order, whose
 * coupons are redeemed in the order's own transaction.
 */
import {
  AppError,
  priceCart as enginePriceCart,
  type Cart,
  type Coupon,
  type PricePreview,
  type PricePreviewInput,
  type PriceResult,
  type PricingScope,
  type Promotion,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { inChunks } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as catalog from '../catalog/index.js';
import * as shops from '../shops/index.js';
import { claimByCode, couponRow, couponsForCart, redeemCoupons, toEngineCoupon, usableCoupons } from './coupons.service.js';
import { minMarginBp, runningPromotions } from './promotions.service.js';

type Db = Kysely<DB> | Transaction<DB>;

export interface PricingLine {
  skuId: string;
  qty: number;
  unitPriceFen: number;
  costFen?: number;
  productId?: string;
  name?: string;
}

export interface PriceCartInput {
  shopId: string;
  channel?: string;
  lines: PricingLine[];
  buyerKey?: string;
  couponIds?: string[];
  memberLevel?: string;
  region?: string;
  shippingFen?: number;
  at?: number;
  /** Extra coupons (engine shape) priced along, e.g. a template previewed by its code. */
  extraCoupons?: Coupon[];
}

/**
 * Units the buyer already bought at the price of each running promotion with a per-buyer limit,
 * from the shop's earlier priced orders that were not cancelled (no query when none has a limit).
 */
async function buyerUsage(db: Db, shopId: string, buyerKey: string, promotions: Promotion[]): Promise<Record<string, number>> {
  const limited = new Set(
    promotions.filter((p) => (p.rule.kind === 'item_discount' || p.rule.kind === 'flash_sale') && p.rule.perBuyerLimit).map((p) => p.id),
  );
  if (!limited.size) return {};
  const rows = await db
    .selectFrom('order_pricings')
    .innerJoin('orders', 'orders.id', 'order_pricings.order_id')
    .select('order_pricings.result_json')
    .where('order_pricings.shop_id', '=', shopId)
    .where('order_pricings.buyer_key', '=', buyerKey)
    .where('orders.status', '!=', 'cancelled')
    .execute();
  const usage: Record<string, number> = {};
  for (const r of rows)
    for (const a of (JSON.parse(r.result_json) as Pick<PriceResult, 'applied'>).applied)
      if (limited.has(a.sourceId) && a.units) usage[a.sourceId] = (usage[a.sourceId] ?? 0) + a.units;
  return usage;
}

async function categoriesOf(db: Db, productIds: string[]): Promise<Map<string, string>> {
  const rows = await inChunks([...new Set(productIds)], (chunk) =>
    db.selectFrom('products').select(['id', 'category_id']).where('id', 'in', chunk).execute(),
  );
  return new Map(rows.filter((r) => r.category_id).map((r) => [r.id, r.category_id!]));
}

/**
 * Price a cart for a shop (no writes): the running promotions at `at`, the shop's price floor and
 * the named coupons of the buyer. Line i gets the line id `L<i+1>` so one SKU may appear twice.
 */
export async function priceCart(db: Db, input: PriceCartInput): Promise<PriceResult> {
  const at = input.at ?? Date.now();
  // One query when the shop runs nothing and no coupon is named (every manual order pays it).
  const [promotions, held] = await Promise.all([
    runningPromotions(db, input.shopId, at),
    couponsForCart(db, input.shopId, input.buyerKey, input.couponIds ?? []),
  ]);
  const priced = promotions.length > 0 || held.length > 0 || (input.extraCoupons?.length ?? 0) > 0;
  const byCategory =
    [...promotions.map((p) => p.scope), ...held.map((h) => JSON.parse(h.template.scope_json) as PricingScope)].some(
      (sc) => (sc.categoryIds?.length ?? 0) > 0,
    ) || (input.extraCoupons ?? []).some((c) => (c.scope.categoryIds?.length ?? 0) > 0);
  const [floor, categories] = await Promise.all([
    priced ? minMarginBp(db, input.shopId) : 0,
    byCategory
      ? categoriesOf(
          db,
          input.lines.map((l) => l.productId).filter((x): x is string => !!x),
        )
      : new Map<string, string>(),
  ]);
  const coupons = [...held.map((h) => toEngineCoupon(h.coupon, h.template)), ...(input.extraCoupons ?? [])];
  const cart: Cart = {
    shopId: input.shopId,
    ...(input.channel ? { channel: input.channel as Cart['channel'] } : {}),
    ...(input.memberLevel ? { memberLevel: input.memberLevel } : {}),
    ...(input.buyerKey ? { buyerId: input.buyerKey } : {}),
    ...(input.region ? { region: input.region } : {}),
    shippingFen: input.shippingFen ?? 0,
    lines: input.lines.map((l, i) => ({
      lineId: `L${i + 1}`,
      skuId: l.skuId,
      qty: l.qty,
      unitPriceFen: l.unitPriceFen,
      ...(l.costFen !== undefined && l.costFen > 0 ? { costFen: l.costFen } : {}),
      ...(l.productId ? { productId: l.productId } : {}),
      ...(l.productId && categories.get(l.productId) ? { categoryId: categories.get(l.productId)! } : {}),
      ...(l.name ? { name: l.name.slice(0, 120) } : {}),
    })),
    couponIds: coupons.map((c) => c.id),
    buyerUsage: input.buyerKey ? await buyerUsage(db, input.shopId, input.buyerKey, promotions) : {},
  };
  return enginePriceCart({ promotions, coupons, settings: { minMarginBp: floor } }, cart, { at });
}

/** Catalogue lines of a request: prices and costs from the catalogue unless a price is given. */
async function catalogueLines(
  db: Db,
  actor: Actor,
  lines: { skuId: string; qty: number; unitPriceFen?: number }[],
): Promise<PricingLine[]> {
  const skus = await catalog.skuSummaries(
    db,
    actor.orgId,
    lines.map((l) => l.skuId),
  );
  return lines.map((l, i) => {
    const s = skus.get(l.skuId);
    if (!s)
      throw new AppError('validation_failed', `第 ${i + 1} 行的 SKU 不存在，请重新选择商品`, {}, [
        { path: `lines.${i}.skuId`, message: 'SKU 不存在' },
      ]);
    return {
      skuId: s.id,
      qty: l.qty,
      unitPriceFen: l.unitPriceFen ?? s.priceFen,
      costFen: s.costFen,
      productId: s.productId,
      name: `${s.productTitle}${s.specText ? ` ${s.specText}` : ''}`,
    };
  });
}

/** The cart simulator: price a cart as an order would be priced, without claiming or redeeming. */
export async function preview(db: Kysely<DB>, actor: Actor, input: PricePreviewInput): Promise<PricePreview> {
  const shop = await shops.getVisible(db, actor, input.shopId);
  const at = input.at ? Date.parse(input.at) : Date.now();
  const lines = await catalogueLines(db, actor, input.lines);
  const buyerKey = input.buyerNick?.trim() || undefined;
  const extraCoupons: Coupon[] = [];
  if (input.couponCode) {
    const t = await db
      .selectFrom('coupon_templates')
      .selectAll()
      .where('shop_id', '=', shop.id)
      .where('code', '=', input.couponCode.trim())
      .executeTakeFirst();
    if (!t)
      throw new AppError('not_found', `本店没有领券码为「${input.couponCode}」的优惠券，请核对领券码`, {}, [
        { path: 'couponCode', message: '领券码不存在' },
      ]);
    const from = t.valid_from ?? at;
    const to = t.valid_to ?? at + Number(t.valid_days ?? 1) * 86_400_000;
    extraCoupons.push(toEngineCoupon({ id: t.id, valid_from: from, valid_to: to }, t));
  }
  const result = await priceCart(db, {
    shopId: shop.id,
    channel: shop.channel,
    lines,
    buyerKey,
    couponIds: input.couponIds,
    memberLevel: input.memberLevel,
    region: input.region,
    shippingFen: input.shippingFen,
    at,
    extraCoupons,
  });
  const held = buyerKey ? await usableCoupons(db, shop.id, buyerKey, at) : [];
  return { ...result, coupons: held.map((h) => couponRow(h.coupon, h.template)) };
}

export interface OrderPricingInput {
  shopId: string;
  channel: string;
  buyerKey: string;
  lines: PricingLine[];
  couponIds?: string[];
  couponCode?: string;
  memberLevel?: string;
  region?: string;
  shippingFen: number;
  at: number;
}

/**
 * Price a manual order in its transaction: a coupon named by code is claimed for the buyer first
 * (its limits decided there), then the cart is priced; every coupon asked for must be applied —
 * one the engine refuses fails the order with the engine's reason.
 */
export async function priceOrder(trx: Transaction<DB>, actor: Actor, o: OrderPricingInput): Promise<PriceResult> {
  const couponIds = [...(o.couponIds ?? [])];
  if (o.couponCode) couponIds.push((await claimByCode(trx, actor, o.shopId, o.couponCode, o.buyerKey, 'order', o.at)).id);
  const result = await priceCart(trx, {
    shopId: o.shopId,
    channel: o.channel,
    lines: o.lines,
    buyerKey: o.buyerKey,
    couponIds,
    memberLevel: o.memberLevel,
    region: o.region,
    shippingFen: o.shippingFen,
    at: o.at,
  });
  const applied = new Set(result.applied.filter((a) => a.source === 'coupon').map((a) => a.sourceId));
  const missing = couponIds.filter((id) => !applied.has(id));
  if (missing.length) {
    const reasons = missing.map((id) => result.refused.find((r) => r.sourceId === id)?.reason ?? '不满足使用条件');
    throw new AppError('unprocessable', `优惠券不能用于这笔订单：${reasons.join('；')}`, { couponIds: missing }, [
      { path: o.couponCode ? 'couponCode' : 'couponIds', message: reasons.join('；') },
    ]);
  }
  return result;
}

/**
 * After a manual order is written: keep how it was priced (for its page and the reports) and
 * redeem the coupons the engine applied — in the order's transaction, so a coupon lost to a
 * concurrent order rolls the whole order back.
 */
export async function recordOrderPricing(
  trx: Transaction<DB>,
  o: { orderId: string; shopId: string; buyerKey: string; result: PriceResult },
): Promise<void> {
  await trx
    .insertInto('order_pricings')
    .values({
      order_id: o.orderId,
      shop_id: o.shopId,
      result_json: JSON.stringify({ lines: o.result.lines, applied: o.result.applied, totals: o.result.totals, at: o.result.at }),
      discount_fen: o.result.totals.discountFen,
      created_at: Date.now(),
      buyer_key: o.buyerKey,
    })
    .execute();
  await redeemCoupons(trx, o);
}

/** How an order was priced (null: no promotion or coupon touched it). */
export async function orderPricing(db: Kysely<DB>, actor: Actor, orderId: string) {
  const r = await db.selectFrom('order_pricings').selectAll().where('order_id', '=', orderId).executeTakeFirst();
  if (!r) return { orderId, pricing: null };
  // The shop must be of the actor's organisation, not only within their shop list: an owner sees
  // every shop of their own organisation and none of another's.
  await shops.getVisible(db, actor, r.shop_id).catch(() => {
    throw new AppError('not_found', `订单 ${orderId} 不存在或无权访问`, { orderId });
  });
  return { orderId, pricing: JSON.parse(r.result_json) as Pick<PriceResult, 'lines' | 'applied' | 'totals' | 'at'> };
}

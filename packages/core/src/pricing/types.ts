/**
 * THE PRICING CONTRACT (issue 12). These zod schemas are the JSON shape of promotions, coupons,
 * carts and priced results, shared by the engine (core/pricing/engine.ts), the server
 * (promotions storage, price preview, order creation), the console and the `yunying price` CLI.
 * It is the API's own JSON shape: keep it stable — additive changes only (new optional fields,
 * new kinds); never rename, remove or change the meaning of a field.
 *
 * Units: money is integer fen; rates are integer basis points (1 bp = 0.01 %, 10000 = 100 %), so
 * 8.5 折 = 15 % off = `offBp: 1500`; instants are ISO 8601 strings; weekdays are 1 (Mon) … 7 (Sun)
 * in China time (UTC+8).
 */
import { z } from 'zod';
import { fenSchema } from '../money.js';
import { ChannelSchema } from '../shops.js';

/** One string per promotion type of domain §5. */
export const PROMOTION_KINDS = [
  'item_discount', // 单品折扣
  'flash_sale', // 限时折扣 (same rule as item_discount; a window is required)
  'member_price', // 会员价 / 会员日 (weekdays)
  'bundle', // 套餐
  'buy_x_get_y', // 买X送Y / 买一送一 / 第二件半价
  'full_reduction', // 满减
  'full_discount', // 满折
  'qty_discount', // 满件折
  'gift', // 赠品
  'free_shipping', // 包邮 / 满包邮
] as const;
export type PromotionKind = (typeof PROMOTION_KINDS)[number];

export const PROMOTION_KIND_LABELS: Record<PromotionKind, { zh: string; en: string }> = {
  item_discount: { zh: '单品折扣', en: 'Item discount' },
  flash_sale: { zh: '限时折扣', en: 'Flash sale' },
  member_price: { zh: '会员价', en: 'Member price' },
  bundle: { zh: '套餐', en: 'Bundle' },
  buy_x_get_y: { zh: '买X送Y', en: 'Buy X get Y' },
  full_reduction: { zh: '满减', en: 'Spend & save' },
  full_discount: { zh: '满折', en: 'Spend & get % off' },
  qty_discount: { zh: '满件折', en: 'Multi-buy % off' },
  gift: { zh: '赠品', en: 'Gift with purchase' },
  free_shipping: { zh: '包邮', en: 'Free shipping' },
};

/**
 * The stage a promotion prices in. Stacking order: item → order → coupon → shipping; gifts are
 * added after the order stage (they change no price).
 */
export const PRICING_STAGES = ['item', 'order', 'coupon', 'shipping', 'gift'] as const;
export type PricingStage = (typeof PRICING_STAGES)[number];
export const PROMOTION_STAGE: Record<PromotionKind, PricingStage> = {
  item_discount: 'item',
  flash_sale: 'item',
  member_price: 'item',
  bundle: 'item',
  buy_x_get_y: 'item',
  full_reduction: 'order',
  full_discount: 'order',
  qty_discount: 'order',
  gift: 'gift',
  free_shipping: 'shipping',
};

/** Lifecycle of a stored promotion; the engine prices only `scheduled` and `active` ones. */
export const PROMOTION_STATUSES = ['draft', 'scheduled', 'active', 'paused', 'ended'] as const;
export type PromotionStatus = (typeof PROMOTION_STATUSES)[number];

export const isoInstantSchema = (what: string) =>
  z
    .string({ message: `${what}应为 ISO 8601 时间，例如 2026-11-11T00:00:00+08:00` })
    .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && Number.isFinite(Date.parse(s)), {
      message: `${what}应为 ISO 8601 时间，例如 2026-11-11T00:00:00+08:00`,
    });

const bpSchema = (what: string, opts: { min?: number } = {}) =>
  z
    .number({ message: `${what}应为整数基点（1 基点 = 0.01%，例如 8 折 = 2000）` })
    .int(`${what}应为整数基点（1 基点 = 0.01%，例如 8 折 = 2000）`)
    .min(opts.min ?? 1, `${what}至少为 ${opts.min ?? 1} 基点`)
    .max(10000, `${what}不能超过 10000 基点（100%）`);

const qtySchema = (what: string) =>
  z
    .number({ message: `${what}应为正整数` })
    .int(`${what}应为正整数`)
    .min(1, `${what}至少为 1`)
    .max(1_000_000, `${what}不能超过 1000000`);

const idSchema = (what: string) =>
  z
    .string({ message: `请填写${what}` })
    .trim()
    .min(1, `请填写${what}`)
    .max(64, `${what}最长 64 个字符`);
const idList = (what: string) => z.array(idSchema(what)).max(10_000);

/**
 * Who and what a promotion or coupon applies to. Every list is optional; an absent or empty list
 * means "no restriction". Item lists (categories, products, SKUs) are alternatives: a cart line is
 * in scope when it matches any of them (or when none is given); `excludeSkuIds` wins over all.
 */
export const PricingScopeSchema = z.object({
  shopIds: idList('店铺 ID').optional(),
  channels: z.array(ChannelSchema).max(20).optional(),
  memberLevels: idList('会员等级').optional(),
  categoryIds: idList('类目 ID').optional(),
  productIds: idList('商品 ID').optional(),
  skuIds: idList('SKU ID').optional(),
  excludeSkuIds: idList('SKU ID').optional(),
  /** Buyer regions (provinces as written in the cart, e.g. 浙江) — used by 包邮; empty = all. */
  regions: z.array(z.string().trim().min(1).max(40)).max(100).optional(),
  excludeRegions: z.array(z.string().trim().min(1).max(40)).max(100).optional(),
});
export type PricingScope = z.output<typeof PricingScopeSchema>;

/** A cut of a unit price: percent off, an amount off, or a fixed price. */
export const PriceCutSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('percent'), offBp: bpSchema('折扣') }),
  z.object({ type: z.literal('amount'), offFen: fenSchema('减价金额', { min: 1 }) }),
  z.object({ type: z.literal('price'), priceFen: fenSchema('活动价') }),
]);
export type PriceCut = z.output<typeof PriceCutSchema>;

const unitDiscountRule = z.object({
  cut: PriceCutSchema,
  /** Units one buyer may buy at this price, counting `cart.buyerUsage[promotionId]`; more units pay the normal price. */
  perBuyerLimit: qtySchema('每人限购件数').optional(),
  /** Per-SKU prices overriding `cut` (e.g. each flash-sale SKU at its own price). */
  skuCuts: z
    .array(z.object({ skuId: idSchema('SKU ID'), cut: PriceCutSchema }))
    .max(10_000)
    .optional(),
});

const amountTier = z.object({ thresholdFen: fenSchema('门槛金额'), offFen: fenSchema('减免金额', { min: 1 }) });
const percentTier = z.object({ thresholdFen: fenSchema('门槛金额'), offBp: bpSchema('折扣') });
const qtyTier = z.object({ minQty: qtySchema('件数门槛'), offBp: bpSchema('折扣') });

export const PromotionRuleSchema = z.discriminatedUnion('kind', [
  unitDiscountRule.extend({ kind: z.literal('item_discount') }),
  unitDiscountRule.extend({ kind: z.literal('flash_sale') }),
  z.object({
    kind: z.literal('member_price'),
    /** The cut per member level; a buyer without a listed level gets nothing. */
    levels: z
      .array(z.object({ level: idSchema('会员等级'), cut: PriceCutSchema }))
      .min(1, '请至少设置一个会员等级的价格')
      .max(50),
  }),
  z.object({
    kind: z.literal('bundle'),
    /** The SKUs and quantities of one set. */
    items: z
      .array(z.object({ skuId: idSchema('SKU ID'), qty: qtySchema('套餐内件数') }))
      .min(2, '套餐至少包含 2 个 SKU 或 2 件')
      .max(50),
    /** The price of one set. */
    priceFen: fenSchema('套餐价'),
    maxSetsPerOrder: qtySchema('每单最多套数').optional(),
  }),
  z.object({
    kind: z.literal('buy_x_get_y'),
    buyQty: qtySchema('购买件数'),
    getQty: qtySchema('优惠件数'),
    /** Off on each "get" unit: 10000 = free (买一送一), 5000 = half price (第二件半价). */
    getOffBp: bpSchema('优惠件折扣'),
    /** `sku`: units of the same SKU form groups; `scope`: all in-scope units together (most expensive first). */
    pool: z.enum(['sku', 'scope']).default('sku'),
  }),
  z.object({
    kind: z.literal('full_reduction'),
    /** 满 thresholdFen 减 offFen; with several tiers the highest reached tier applies. */
    tiers: z.array(amountTier).min(1, '请至少设置一档满减').max(20),
    /** 每满 X 减 Y: repeat the (single) tier per multiple of its threshold. */
    repeat: z.boolean().default(false),
    /** Upper bound of the total reduction. */
    capFen: fenSchema('封顶金额', { min: 1 }).optional(),
  }),
  z.object({
    kind: z.literal('full_discount'),
    tiers: z.array(percentTier).min(1, '请至少设置一档满折').max(20),
    capFen: fenSchema('封顶金额', { min: 1 }).optional(),
  }),
  z.object({
    kind: z.literal('qty_discount'),
    tiers: z.array(qtyTier).min(1, '请至少设置一档满件折').max(20),
    capFen: fenSchema('封顶金额', { min: 1 }).optional(),
  }),
  z.object({
    kind: z.literal('gift'),
    /** Reached when in-scope goods (after item and order discounts) reach thresholdFen and minQty. */
    thresholdFen: fenSchema('门槛金额').default(0),
    minQty: qtySchema('件数门槛').optional(),
    gifts: z
      .array(z.object({ skuId: idSchema('赠品 SKU'), qty: qtySchema('赠品数量'), name: z.string().max(80).optional() }))
      .min(1, '请至少设置一个赠品')
      .max(20),
    /** Gifts per multiple of the threshold (每满赠), at most maxSets times. */
    repeat: z.boolean().default(false),
    maxSets: qtySchema('最多赠送套数').optional(),
  }),
  z.object({
    kind: z.literal('free_shipping'),
    /** 0 = 包邮 unconditionally (in the scope's regions); otherwise 满 thresholdFen 包邮. */
    thresholdFen: fenSchema('包邮门槛').default(0),
    minQty: qtySchema('包邮件数门槛').optional(),
  }),
]);
export type PromotionRule = z.output<typeof PromotionRuleSchema>;

export const PromotionSchema = z.object({
  id: idSchema('活动 ID'),
  name: z.string({ message: '请填写活动名称' }).trim().min(1, '请填写活动名称').max(80, '活动名称最长 80 个字符'),
  status: z.enum(PROMOTION_STATUSES).default('active'),
  /** Window [startsAt, endsAt); absent = unbounded on that side. */
  startsAt: isoInstantSchema('开始时间').optional(),
  endsAt: isoInstantSchema('结束时间').optional(),
  /** Only on these weekdays (1 = 周一 … 7 = 周日, China time) — e.g. 会员日 every Wednesday = [3]. */
  weekdays: z.array(z.number().int().min(1).max(7)).max(7).optional(),
  scope: PricingScopeSchema.default({}),
  /** Promotions sharing a group never combine: the one saving the buyer most wins (see docs/pricing.md). */
  exclusiveGroup: z.string().trim().min(1).max(40).optional(),
  /** Lower runs first within a stage; ties by id. */
  priority: z.number().int().min(0).max(1_000_000).default(100),
  rule: PromotionRuleSchema,
});
export type Promotion = z.output<typeof PromotionSchema>;
export type PromotionInput = z.input<typeof PromotionSchema>;

export const CouponValueSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('amount'), offFen: fenSchema('优惠券面额', { min: 1 }) }),
  z.object({ type: z.literal('percent'), offBp: bpSchema('优惠券折扣'), capFen: fenSchema('优惠券封顶金额', { min: 1 }).optional() }),
]);
export type CouponValue = z.output<typeof CouponValueSchema>;

/**
 * A coupon the buyer holds (the template's pricing fields plus the instance's window). Limits
 * (issue, per person) are enforced by the server when claiming and redeeming, not here.
 */
export const CouponSchema = z.object({
  id: idSchema('优惠券 ID'),
  name: z.string({ message: '请填写优惠券名称' }).trim().min(1, '请填写优惠券名称').max(80),
  /** Goods in scope (after item and order discounts) must reach this amount. */
  thresholdFen: fenSchema('使用门槛').default(0),
  value: CouponValueSchema,
  startsAt: isoInstantSchema('生效时间').optional(),
  endsAt: isoInstantSchema('失效时间').optional(),
  scope: PricingScopeSchema.default({}),
  /** Coupons sharing a group never combine (default: all coupons share `coupon` → one per order). */
  exclusiveGroup: z.string().trim().min(1).max(40).default('coupon'),
});
export type Coupon = z.output<typeof CouponSchema>;
export type CouponInput = z.input<typeof CouponSchema>;

/** Shop settings the engine needs. */
export const PricingSettingsSchema = z.object({
  /**
   * Price floor: a line may not end below cost ÷ (1 − minMarginBp/10000) per unit (gross margin
   * on the selling price). 0 = never below cost. Lines without costFen have no floor.
   */
  minMarginBp: bpSchema('最低毛利率', { min: 0 }).max(9999, '最低毛利率必须小于 100%').default(0),
});
export type PricingSettings = z.output<typeof PricingSettingsSchema>;

/** What the `--promotions` file of `yunying price` holds (an array of promotions is accepted too). */
export const PriceListSchema = z.object({
  promotions: z.array(PromotionSchema).max(10_000).default([]),
  coupons: z.array(CouponSchema).max(10_000).default([]),
  settings: PricingSettingsSchema.default({ minMarginBp: 0 }),
});
export type PriceList = z.output<typeof PriceListSchema>;
export type PriceListInput = z.input<typeof PriceListSchema>;

export const CartLineSchema = z.object({
  /** Unique within the cart; defaults to skuId. */
  lineId: idSchema('行 ID').optional(),
  skuId: idSchema('SKU ID'),
  productId: idSchema('商品 ID').optional(),
  categoryId: idSchema('类目 ID').optional(),
  name: z.string().max(120).optional(),
  qty: qtySchema('数量'),
  unitPriceFen: fenSchema('单价'),
  /** Unit cost, for the price floor; absent = no floor on this line. */
  costFen: fenSchema('成本价').optional(),
});
export type CartLine = z.output<typeof CartLineSchema>;

export const CartSchema = z.object({
  shopId: idSchema('店铺 ID').optional(),
  channel: ChannelSchema.optional(),
  /** The buyer's member level (会员等级), e.g. VIP1; absent = not a member. */
  memberLevel: idSchema('会员等级').optional(),
  buyerId: idSchema('买家 ID').optional(),
  /** Province (or region) the order ships to, e.g. 浙江 — matched against scope.regions. */
  region: z.string().trim().max(40).optional(),
  /** The moment to price at (default: now; `--at` of the CLI overrides). */
  at: isoInstantSchema('计价时间').optional(),
  /** Shipping fee before 包邮. */
  shippingFen: fenSchema('运费').default(0),
  lines: z.array(CartLineSchema).min(1, '购物车至少需要一行商品').max(5000, '购物车最多 5000 行'),
  /** Coupons the buyer applies (ids from the price list's coupons). */
  couponIds: z.array(idSchema('优惠券 ID')).max(20).default([]),
  /** Units the buyer already bought at each promotion's price (promotionId → units), for perBuyerLimit. */
  buyerUsage: z.record(z.string(), z.number().int().min(0)).default({}),
});
export type Cart = z.output<typeof CartSchema>;
export type CartInput = z.input<typeof CartSchema>;

/** One promotion's (or coupon's) share of a line. amountFen > 0 is money taken off the line. */
export interface LineAdjustment {
  sourceId: string;
  source: 'promotion' | 'coupon';
  kind: PromotionKind | 'coupon';
  name: string;
  stage: PricingStage;
  amountFen: number;
  /** Units concerned (item stage), e.g. 2 of 3 units under a per-buyer limit. */
  units?: number;
  /** Chinese explanation of this share, e.g. 限时折扣「秒杀」2 件 × ¥10.00. */
  note: string;
}

export interface PricedLine {
  lineId: string;
  skuId: string;
  name?: string;
  qty: number;
  unitPriceFen: number;
  /** unitPriceFen × qty. */
  listFen: number;
  /** What the buyer pays for the line: listFen − Σ adjustments. Lines add up to totals.goodsFen. */
  finalFen: number;
  /** Lowest finalFen the floor allows (absent when the line has no cost). */
  floorFen?: number;
  adjustments: LineAdjustment[];
  /** A gift line added by a 赠品 promotion: price 0, needs stock. */
  isGift: boolean;
  giftOf?: string;
  /** Whether the line takes stock (always true today; gifts too). */
  stockRelevant: boolean;
}

export interface AppliedPromotion {
  sourceId: string;
  source: 'promotion' | 'coupon';
  kind: PromotionKind | 'coupon';
  name: string;
  stage: PricingStage;
  /** Total taken off (for free_shipping: shipping saved; for gift: 0). */
  amountFen: number;
  /** Units bought at the promotion's price (for per-buyer limits: add to buyerUsage after the order). */
  units?: number;
  explanation: string;
}

export interface RefusedPromotion {
  sourceId: string;
  source: 'promotion' | 'coupon';
  name: string;
  lineId?: string;
  /** Chinese reason (price floor, exclusivity, per-buyer limit, unknown coupon …). */
  reason: string;
}

/** A promotion in scope whose threshold the cart does not reach yet ("还差 ¥20.00 可享…"). */
export interface PromotionHint {
  sourceId: string;
  source: 'promotion' | 'coupon';
  name: string;
  message: string;
}

export interface PriceTotals {
  listFen: number;
  itemDiscountFen: number;
  orderDiscountFen: number;
  couponDiscountFen: number;
  /** Σ line finalFen. */
  goodsFen: number;
  shippingFen: number;
  shippingDiscountFen: number;
  /** goodsFen + shippingFen − shippingDiscountFen. */
  payableFen: number;
  /** All money off (items, order, coupons, shipping). */
  discountFen: number;
}

export interface PriceResult {
  /** ISO instant priced at. */
  at: string;
  lines: PricedLine[];
  totals: PriceTotals;
  applied: AppliedPromotion[];
  refused: RefusedPromotion[];
  hints: PromotionHint[];
}

/**
 * Marketing requests and answers (issue 12): stored promotions (their rule and scope are the
 * pricing contract's, pricing/types.ts), coupon templates and coupons, the price preview, and the
 * activity calendar. The status machine of a stored promotion is data here.
 */
import { z } from 'zod';
import { fenSchema } from '../money.js';
import { ChannelSchema } from '../shops.js';
import { defineMachine, type Machine } from '../state-machine.js';
import {
  isoInstantSchema,
  PricingScopeSchema,
  PromotionRuleSchema,
  PROMOTION_STATUSES,
  type PriceResult,
  type PricingScope,
  type PromotionKind,
  type PromotionRule,
  type PromotionStatus,
} from '../pricing/types.js';

const text = (what: string, max: number) =>
  z
    .string({ message: `请填写${what}` })
    .trim()
    .max(max, `${what}最长 ${max} 个字符`);
const id = (what: string) =>
  z
    .string({ message: `请选择${what}` })
    .trim()
    .min(1, `请选择${what}`)
    .max(64);
const day = (what: string) =>
  z.string({ message: `${what}应为日期，例如 2026-11-11` }).regex(/^\d{4}-\d{2}-\d{2}$/, `${what}应为日期，例如 2026-11-11`);
const pageFields = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};

// ------------------------------------------------------------------ promotions

export const PROMOTION_STATUS_LABELS: Record<PromotionStatus, { zh: string; en: string }> = {
  draft: { zh: '草稿', en: 'Draft' },
  scheduled: { zh: '未开始', en: 'Scheduled' },
  active: { zh: '进行中', en: 'Running' },
  paused: { zh: '已暂停', en: 'Paused' },
  ended: { zh: '已结束', en: 'Ended' },
};

/**
 * The lifecycle of a stored promotion, on its effective status (a launched promotion is
 * `scheduled` before its start, `active` inside its window, `ended` after it): launch a draft,
 * pause and resume a launched one, end anything not ended, take an unstarted one back to draft.
 */
export const PROMOTION_MACHINE: Machine<PromotionStatus> = defineMachine<PromotionStatus>({
  states: PROMOTION_STATUSES,
  transitions: {
    draft: ['scheduled', 'active', 'ended'],
    scheduled: ['draft', 'active', 'paused', 'ended'],
    active: ['paused', 'ended'],
    paused: ['scheduled', 'active', 'ended'],
  },
  refusal: (from, to, name) =>
    `活动「${name ?? ''}」当前为「${PROMOTION_STATUS_LABELS[from].zh}」，不能变为「${PROMOTION_STATUS_LABELS[to].zh}」`,
});

export const PROMOTION_ACTIONS = ['launch', 'pause', 'resume', 'end', 'unschedule'] as const;
export type PromotionAction = (typeof PROMOTION_ACTIONS)[number];

export const PromotionBody = z
  .object({
    shopId: id('店铺'),
    name: text('活动名称', 80).min(1, '请填写活动名称'),
    startsAt: isoInstantSchema('开始时间'),
    endsAt: isoInstantSchema('结束时间'),
    weekdays: z.array(z.number().int().min(1).max(7)).max(7).default([]),
    scope: PricingScopeSchema.omit({ shopIds: true }).default({}),
    exclusiveGroup: z.string().trim().max(40).optional(),
    priority: z.number().int().min(0).max(1_000_000).default(100),
    rule: PromotionRuleSchema,
    /** Optimistic lock for edits: the version the form was loaded at. */
    version: z.number().int().optional(),
  })
  .superRefine((b, ctx) => {
    if (Date.parse(b.endsAt) <= Date.parse(b.startsAt))
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: '结束时间必须晚于开始时间，请调整活动时间' });
  });
export type PromotionBodyInput = z.output<typeof PromotionBody>;
export type PromotionRequest = z.input<typeof PromotionBody>;

export const PromotionListQuery = z.object({
  shopId: z.string().max(64).optional(),
  status: z.enum(PROMOTION_STATUSES).optional(),
  kind: z.string().max(30).optional(),
  q: z.string().max(100).optional(),
  ...pageFields,
});
export type PromotionListInput = z.output<typeof PromotionListQuery>;

export const PromotionActionBody = z.object({
  action: z.enum(PROMOTION_ACTIONS, { message: '操作应为 launch / pause / resume / end / unschedule' }),
  /** Launch although some SKUs fall under the margin floor (the check is still recorded). */
  acceptMarginWarnings: z.boolean().default(false),
});
export const PromotionBatchBody = z.object({
  ids: z.array(z.string().min(1).max(64)).min(1, '请先勾选活动').max(200, '一次最多操作 200 个活动'),
  action: z.enum(['pause', 'end'], { message: '批量操作只能是暂停或结束' }),
});

export interface PromotionSummary {
  id: string;
  shopId: string;
  name: string;
  kind: PromotionKind;
  /** The effective status (a launched promotion reads scheduled / active / ended by the clock). */
  status: PromotionStatus;
  startsAt: string;
  endsAt: string;
  weekdays: number[];
  scope: Omit<PricingScope, 'shopIds'>;
  exclusiveGroup: string | null;
  priority: number;
  rule: PromotionRule;
  version: number;
  createdBy: string;
  updatedAt: number;
  /** Chinese one-line description of the rule (满 ¥300 减 ¥40 …). */
  summary: string;
}

export interface PromotionConflict {
  promotionId: string;
  name: string;
  status: PromotionStatus;
  exclusiveGroup: string;
  message: string;
}
export interface MarginCheckRow {
  skuId: string;
  code: string;
  title: string;
  priceFen: number;
  costFen: number;
  promoPriceFen: number;
  /** Gross margin at the promotion price, basis points (null: no cost recorded). */
  marginBp: number | null;
  belowFloor: boolean;
}
export interface PromotionCheck {
  conflicts: PromotionConflict[];
  margins: MarginCheckRow[];
  /** The shop's floor used (basis points of gross margin). */
  minMarginBp: number;
  /** Item-level promotions only: the margin check concerns unit prices. */
  marginApplies: boolean;
  belowFloor: number;
}

// ------------------------------------------------------------------ coupons

export const CouponTemplateBody = z
  .object({
    shopId: id('店铺'),
    name: text('优惠券名称', 80).min(1, '请填写优惠券名称'),
    kind: z.enum(['amount', 'percent'], { message: '优惠方式应为 amount（满减券）或 percent（折扣券）' }),
    thresholdFen: fenSchema('使用门槛').default(0),
    amountFen: fenSchema('面额').default(0),
    offBp: z.number().int().min(0).max(10000).default(0),
    capFen: fenSchema('封顶金额').optional(),
    scope: PricingScopeSchema.omit({ shopIds: true, regions: true, excludeRegions: true }).default({}),
    channel: ChannelSchema.optional(),
    validity: z.discriminatedUnion('type', [
      z.object({ type: z.literal('fixed'), startsAt: isoInstantSchema('生效时间'), endsAt: isoInstantSchema('失效时间') }),
      z.object({
        type: z.literal('relative'),
        days: z
          .number({ message: '领取后有效天数应为 1–365 的整数' })
          .int()
          .min(1, '领取后有效天数至少 1 天')
          .max(365, '领取后有效天数最多 365 天'),
      }),
    ]),
    totalLimit: z.number({ message: '发行总量应为整数' }).int().min(1, '发行总量至少 1 张').max(10_000_000),
    perCustomerLimit: z.number({ message: '每人限领应为整数' }).int().min(1, '每人限领至少 1 张').max(100),
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{4,40}$/, '领券码为 4–40 位字母、数字、_ 或 -')
      .optional(),
    returnOnRefund: z.boolean().default(true),
  })
  .superRefine((b, ctx) => {
    if (b.kind === 'amount' && b.amountFen < 1)
      ctx.addIssue({ code: 'custom', path: ['amountFen'], message: '请填写优惠券面额（至少 ¥0.01）' });
    if (b.kind === 'amount' && b.thresholdFen > 0 && b.amountFen > b.thresholdFen)
      ctx.addIssue({ code: 'custom', path: ['amountFen'], message: '面额不能超过使用门槛，请调低面额或提高门槛' });
    if (b.kind === 'percent' && (b.offBp < 1 || b.offBp > 9900))
      ctx.addIssue({ code: 'custom', path: ['offBp'], message: '折扣应在 1–9900 基点之间（例如 9 折 = 1000）' });
    if (b.validity.type === 'fixed' && Date.parse(b.validity.endsAt) <= Date.parse(b.validity.startsAt))
      ctx.addIssue({ code: 'custom', path: ['validity', 'endsAt'], message: '失效时间必须晚于生效时间' });
    if (b.perCustomerLimit > b.totalLimit)
      ctx.addIssue({ code: 'custom', path: ['perCustomerLimit'], message: '每人限领不能超过发行总量' });
  });
export type CouponTemplateInput = z.output<typeof CouponTemplateBody>;
export type CouponTemplateRequest = z.input<typeof CouponTemplateBody>;

export const CouponTemplateListQuery = z.object({ shopId: z.string().max(64).optional(), ...pageFields });

export const IssueCouponsBody = z
  .object({
    /** Buyer nicks to issue to, one coupon each (manual issue). */
    buyers: z.array(z.string().trim().min(1).max(100)).max(5000).optional(),
    /** Or every customer of an RFM segment of the template's shop. */
    segment: z.string().max(40).optional(),
    /** Or the members (in the template's shop) of a saved customer segment (客户分群). */
    savedSegmentId: z.string().max(64).optional(),
  })
  .refine((b) => (b.buyers?.length ?? 0) > 0 || !!b.segment || !!b.savedSegmentId, {
    message: '请填写买家昵称或选择客户分群',
    path: ['buyers'],
  });
export type IssueCouponsInput = z.output<typeof IssueCouponsBody>;

export const ClaimCouponBody = z.object({
  shopId: id('店铺'),
  code: z.string().trim().min(1, '请填写领券码').max(40),
  buyerNick: text('买家昵称', 100).min(1, '请填写买家昵称'),
});

export const CouponListQuery = z.object({
  shopId: z.string().max(64).optional(),
  templateId: z.string().max(64).optional(),
  buyerNick: z.string().max(100).optional(),
  status: z.enum(['unused', 'used', 'void']).optional(),
  ...pageFields,
});

export interface CouponTemplateSummary {
  id: string;
  shopId: string;
  name: string;
  kind: 'amount' | 'percent';
  thresholdFen: number;
  amountFen: number;
  offBp: number;
  capFen: number | null;
  scope: PricingScope;
  channel: string | null;
  validity: { type: 'fixed'; startsAt: string; endsAt: string } | { type: 'relative'; days: number };
  totalLimit: number;
  perCustomerLimit: number;
  code: string | null;
  returnOnRefund: boolean;
  status: 'active' | 'stopped';
  summary: string;
  /** Usage statistics. */
  issued: number;
  used: number;
  released: number;
  discountFen: number;
  ordersGoodsFen: number;
  createdAt: number;
}

export interface CouponRow {
  id: string;
  templateId: string;
  templateName: string;
  buyerNick: string;
  status: 'unused' | 'used' | 'void';
  source: string;
  validFrom: string;
  validTo: string;
  orderId: string | null;
  claimedAt: number;
  usedAt: number | null;
  summary: string;
}

// ------------------------------------------------------------------ price preview

export const PricePreviewBody = z.object({
  shopId: id('店铺'),
  lines: z
    .array(
      z.object({
        skuId: id('商品 SKU'),
        qty: z.number({ message: '数量应为整数' }).int('数量应为整数').min(1, '数量至少为 1').max(9999, '单行数量最多 9999'),
        unitPriceFen: fenSchema('单价').optional(),
      }),
    )
    .min(1, '至少添加一件商品')
    .max(200, '一次最多试算 200 行'),
  buyerNick: z.string().trim().max(100).optional(),
  couponIds: z.array(z.string().min(1).max(64)).max(5).default([]),
  couponCode: z.string().trim().max(40).optional(),
  memberLevel: z.string().trim().max(40).optional(),
  region: z.string().trim().max(40).optional(),
  shippingFen: fenSchema('运费').default(0),
  at: isoInstantSchema('计价时间').optional(),
});
export type PricePreviewInput = z.output<typeof PricePreviewBody>;
export type PricePreviewRequest = z.input<typeof PricePreviewBody>;

export interface PricePreview extends PriceResult {
  /** The buyer's usable coupons in this shop (for the simulator's picker). */
  coupons: CouponRow[];
}

// ------------------------------------------------------------------ activity calendar

export const ACTIVITY_KINDS = ['platform', 'own', 'member_day'] as const;
export const ACTIVITY_KIND_LABELS: Record<(typeof ACTIVITY_KINDS)[number], { zh: string; en: string }> = {
  platform: { zh: '平台活动', en: 'Platform event' },
  own: { zh: '店铺活动', en: 'Shop campaign' },
  member_day: { zh: '会员日', en: 'Member day' },
};

export const ActivityBody = z
  .object({
    shopId: id('店铺'),
    name: text('活动名称', 100).min(1, '请填写活动名称'),
    kind: z.enum(ACTIVITY_KINDS, { message: '活动类型应为 platform / own / member_day' }),
    platformEvent: z.string().max(40).optional(),
    startDay: day('开始日期'),
    endDay: day('结束日期'),
    baselineFrom: day('对比期开始').optional(),
    baselineTo: day('对比期结束').optional(),
    promotionIds: z.array(z.string().min(1).max(64)).max(50).default([]),
    skuIds: z.array(z.string().min(1).max(64)).max(500).default([]),
    note: text('备注', 1000).default(''),
    tasks: z
      .array(
        z.object({
          title: text('准备事项', 200).min(1, '请填写准备事项'),
          roleName: text('负责角色', 60).min(1, '请填写负责角色'),
          dueDay: day('截止日期'),
        }),
      )
      .max(100)
      .default([]),
  })
  .superRefine((b, ctx) => {
    if (b.endDay < b.startDay) ctx.addIssue({ code: 'custom', path: ['endDay'], message: '结束日期不能早于开始日期' });
    if (!!b.baselineFrom !== !!b.baselineTo)
      ctx.addIssue({ code: 'custom', path: ['baselineTo'], message: '对比期需同时填写开始与结束日期（或都不填，默认为活动前同样天数）' });
    if (b.baselineFrom && b.baselineTo && b.baselineTo < b.baselineFrom)
      ctx.addIssue({ code: 'custom', path: ['baselineTo'], message: '对比期结束不能早于开始' });
  });
export type ActivityInput = z.output<typeof ActivityBody>;
export type ActivityRequest = z.input<typeof ActivityBody>;

export const CalendarQuery = z.object({ shopId: id('店铺'), month: z.string().regex(/^\d{4}-\d{2}$/, '月份应为 YYYY-MM，例如 2026-11') });
export const TaskDoneBody = z.object({ done: z.boolean() });

export interface ActivityTask {
  id: string;
  title: string;
  roleName: string;
  dueDay: string;
  done: boolean;
  doneBy: string | null;
  overdue: boolean;
}
export interface ActivitySummary {
  id: string;
  shopId: string;
  name: string;
  kind: (typeof ACTIVITY_KINDS)[number];
  platformEvent: string | null;
  startDay: string;
  endDay: string;
  baselineFrom: string;
  baselineTo: string;
  promotionIds: string[];
  skuIds: string[];
  status: 'planned' | 'ended';
  note: string;
  tasks: ActivityTask[];
}
export interface CalendarEntry {
  /** activity | promotion | platform | member_day */
  type: 'activity' | 'promotion' | 'platform' | 'member_day';
  id: string;
  name: string;
  startDay: string;
  endDay: string;
  status?: string;
}
export interface StockCheckRow {
  skuId: string;
  code: string;
  title: string;
  available: number;
  dailySales: number;
  forecast: number;
  shortfall: number;
}
export interface EffectFigures {
  salesFen: number;
  orders: number;
  buyers: number;
  newBuyers: number;
  aovFen: number;
  promotionCostFen: number;
  grossProfitFen: number;
  /** Gross margin, basis points of sales (null when no sales). */
  marginBp: number | null;
}
export interface EffectReport {
  activity: { id: string; name: string; startDay: string; endDay: string; baselineFrom: string; baselineTo: string };
  current: EffectFigures;
  baseline: EffectFigures;
  /** Sales ÷ promotion cost (null when nothing was given away). */
  roi: number | null;
  /** Extra gross profit over the baseline (scaled to the same number of days) ÷ promotion cost. */
  incrementalRoi: number | null;
  /**
   * What the figures count: `products` = only the order lines of the activity's target SKUs
   * (targetSkus of them; no shipping), `shop` = whole orders of the shop. Absent in older servers = shop.
   */
  scope?: 'products' | 'shop';
  targetSkus?: number;
}

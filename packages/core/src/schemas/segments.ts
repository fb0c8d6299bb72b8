/**
 * Saved customer segments (客户分群, issue 11 §3): the filter builder's rules, stated once. Every
 * condition is optional; the conditions that are given must all hold (AND); the values inside a
 * multi-valued condition (channels, tags, RFM segments, lifecycle types) are alternatives (OR).
 * A segment belongs to one shop, like RFM: R/F/M and the lifecycle are judged per shop.
 */
import { z } from 'zod';
import { PageQuery } from '../api.js';
import { LIFECYCLE_TYPES, RFM_SEGMENTS } from '../customers.js';
import { CHANNELS } from '../shops.js';
import { BusinessDay } from './analytics.js';

const count = (label: string) =>
  z
    .number({ message: `${label}应为整数` })
    .int(`${label}应为整数`)
    .min(0, `${label}不能为负数`)
    .max(1_000_000, `${label}过大`);
const fen = (label: string) =>
  z
    .number({ message: `${label}应为金额（分）` })
    .int(`${label}应为整数分`)
    .min(0, `${label}不能为负数`)
    .max(100_000_000_000, `${label}过大`);

export const SEGMENT_LISTS = ['high_value', 'churn_risk', 'new_buyers'] as const;

export const SegmentRules = z
  .object({
    shopId: z.string({ message: '请选择店铺' }).min(1, '请选择店铺').max(64),
    /** Nick / name / phone / email contains (phone and email only with customers.pii.read). */
    q: z.string().trim().max(80, '关键词最长 80 个字符').optional(),
    channels: z
      .array(z.enum(CHANNELS, { message: `渠道应为 ${CHANNELS.join(' / ')} 之一` }))
      .max(10)
      .optional(),
    /** Has any of these tags. */
    tags: z.array(z.string().trim().min(1).max(40)).max(20, '标签最多选 20 个').optional(),
    /** Has none of these tags. */
    excludeTags: z.array(z.string().trim().min(1).max(40)).max(20, '排除标签最多选 20 个').optional(),
    /** Bought (a paid order line whose product title or spec contains this). */
    product: z.string().trim().max(80, '商品关键词最长 80 个字符').optional(),
    rfmSegments: z.array(z.enum(RFM_SEGMENTS, { message: `RFM 分群应为 ${RFM_SEGMENTS.join(' / ')} 之一` })).optional(),
    lifecycles: z.array(z.enum(LIFECYCLE_TYPES, { message: `生命周期应为 ${LIFECYCLE_TYPES.join(' / ')} 之一` })).optional(),
    list: z.enum(SEGMENT_LISTS, { message: `名单应为 ${SEGMENT_LISTS.join(' / ')} 之一` }).optional(),
    /** Member levels (会员等级 ids). */
    levels: z.array(z.string().min(1).max(64)).max(20).optional(),
    lastPaidFrom: BusinessDay.optional(),
    lastPaidTo: BusinessDay.optional(),
    firstPaidFrom: BusinessDay.optional(),
    firstPaidTo: BusinessDay.optional(),
    paidOrdersMin: count('最少付款单数').optional(),
    paidOrdersMax: count('最多付款单数').optional(),
    /** Paid amount net of refunds, in fen. */
    netFenMin: fen('最低消费金额').optional(),
    netFenMax: fen('最高消费金额').optional(),
    hasPhone: z.boolean().optional(),
    hasEmail: z.boolean().optional(),
  })
  .superRefine((r, ctx) => {
    const pairs: [keyof typeof r, keyof typeof r, string][] = [
      ['lastPaidFrom', 'lastPaidTo', '最近付款日期'],
      ['firstPaidFrom', 'firstPaidTo', '首次付款日期'],
      ['paidOrdersMin', 'paidOrdersMax', '付款单数'],
      ['netFenMin', 'netFenMax', '消费金额'],
    ];
    for (const [a, b, label] of pairs) {
      const lo = r[a];
      const hi = r[b];
      if (lo !== undefined && hi !== undefined && (lo as string | number) > (hi as string | number))
        ctx.addIssue({ code: 'custom', path: [b], message: `${label}的下限大于上限，请对调两个值` });
    }
  });
export type SegmentRulesInput = z.output<typeof SegmentRules>;
export type SegmentRulesRequest = z.input<typeof SegmentRules>;

export const SegmentPreviewBody = z.object({
  rules: SegmentRules,
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200, '每页最多 200 条').default(20),
});
export type SegmentPreviewInput = z.output<typeof SegmentPreviewBody>;
export type SegmentPreviewRequest = z.input<typeof SegmentPreviewBody>;

const segmentName = z.string({ message: '请填写分群名称' }).trim().min(1, '请填写分群名称').max(60, '分群名称最长 60 个字符');

export const SaveSegmentBody = z.object({
  name: segmentName,
  description: z.string().trim().max(500, '说明最长 500 个字符').default(''),
  rules: SegmentRules,
});
export type SaveSegmentInput = z.output<typeof SaveSegmentBody>;
export type SaveSegmentRequest = z.input<typeof SaveSegmentBody>;

export const SegmentIdParams = z.object({ id: z.string().min(1).max(64) });

export const SegmentListQuery = z.object({ shopId: z.string().max(64).optional() });

export const SegmentMembersQuery = PageQuery;

export const SegmentExportQuery = z.object({
  format: z.enum(['csv', 'xlsx'], { message: '导出格式应为 csv 或 xlsx' }).default('csv'),
});

/** A saved segment as the API returns it. */
export interface SavedSegment {
  id: string;
  shopId: string;
  name: string;
  description: string;
  rules: SegmentRulesInput;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

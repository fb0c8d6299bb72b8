/**
 * The customers API contract (客户, RFM, lists to act on), stated once: route validation and
 * OpenAPI, the service's input types and the console's request types come from these schemas.
 */
import { z } from 'zod';
import { PageQuery } from '../api.js';
import { RFM_SEGMENTS } from '../customers.js';
import { fenSchema } from '../money.js';
import { BusinessDay } from './analytics.js';

export const CustomerIdParams = z.object({ id: z.string().min(1).max(64) });

/** The lists an operator acts on (issue 11 §3). */
export const CUSTOMER_LISTS = ['all', 'high_value', 'churn_risk', 'new_buyers'] as const;
export type CustomerList = (typeof CUSTOMER_LISTS)[number];
export const CUSTOMER_LIST_LABELS: Record<CustomerList, { zh: string; en: string; hint: string }> = {
  all: { zh: '全部客户', en: 'All customers', hint: '' },
  high_value: { zh: '高价值客户', en: 'High value', hint: '消费频次与金额都不低于门槛（重要价值 + 重要保持）' },
  churn_risk: { zh: '流失风险', en: 'Churn risk', hint: '预计回购日（最近付款 + 本人或店铺的购买周期中位数）已过' },
  new_buyers: { zh: '待二次购买', en: 'Awaiting 2nd order', hint: '仅付款 1 单、尚未到预计回购日的新客' },
};

export const CUSTOMER_SORTS = ['paidFen', 'lastPaidAt', 'paidOrders', 'createdAt'] as const;

const segmentSchema = z.enum(RFM_SEGMENTS, { message: `RFM 分群应为 ${RFM_SEGMENTS.join(' / ')} 之一` });

/** The filter of the customer list, its export and its bulk tagging. */
export const CustomerFilterQuery = z.object({
  shopId: z.string().max(64).optional(),
  q: z.string().max(80).optional(),
  list: z.enum(CUSTOMER_LISTS, { message: `名单应为 ${CUSTOMER_LISTS.join(' / ')} 之一` }).default('all'),
  segment: segmentSchema.optional(),
  tag: z.string().trim().max(40).optional(),
  /** The day the lists and segments are judged on (default: today in the shop's zone). */
  asOf: BusinessDay.optional(),
});
export type CustomerFilter = z.output<typeof CustomerFilterQuery>;
export type CustomerFilterRequest = z.input<typeof CustomerFilterQuery>;

export const CustomerListQuery = PageQuery.merge(CustomerFilterQuery).extend({
  sort: z.enum(CUSTOMER_SORTS).default('paidFen'),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export type CustomerListInput = z.output<typeof CustomerListQuery>;
export type CustomerListRequest = z.input<typeof CustomerListQuery>;

export const CustomerExportQuery = CustomerFilterQuery.extend({
  format: z.enum(['csv', 'xlsx'], { message: '导出格式应为 csv 或 xlsx' }).default('csv'),
});
export type CustomerExportInput = z.output<typeof CustomerExportQuery>;

const tagSchema = z
  .string({ message: '请填写标签' })
  .trim()
  .min(1, '请填写标签')
  .max(40, '标签最长 40 个字符')
  .refine((s) => !/[,，]/.test(s), '标签不能包含逗号，请一次添加一个标签');

export const UpdateCustomerBody = z.object({
  note: z.string().trim().max(2000, '备注最长 2000 个字符').optional(),
  email: z
    .string()
    .trim()
    .max(200, '邮箱最长 200 个字符')
    .refine((s) => s === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s), '邮箱格式不正确，例如 name@example.com')
    .optional(),
  tags: z.array(tagSchema).max(50, '标签最多 50 个').optional(),
});
export type UpdateCustomerInput = z.output<typeof UpdateCustomerBody>;
export type UpdateCustomerRequest = z.input<typeof UpdateCustomerBody>;

/** Tag the given customers, or every customer matching a filter (up to 50,000). */
export const TagCustomersBody = z
  .object({
    tag: tagSchema,
    customerIds: z.array(z.string().min(1).max(64)).max(5000, '一次最多勾选 5000 位客户').optional(),
    filter: CustomerFilterQuery.optional(),
  })
  .refine((b) => (b.customerIds?.length ?? 0) > 0 || b.filter !== undefined, {
    message: '请勾选客户或给出筛选条件',
    path: ['customerIds'],
  });
export type TagCustomersInput = z.output<typeof TagCustomersBody>;
export type TagCustomersRequest = z.input<typeof TagCustomersBody>;

export const RfmQuery = z.object({
  shopId: z.string({ message: '请选择店铺' }).min(1, '请选择店铺').max(64),
  asOf: BusinessDay.optional(),
});
export type RfmRequest = z.input<typeof RfmQuery>;

export const RfmMembersQuery = PageQuery.merge(RfmQuery).extend({ segment: segmentSchema });
export type RfmMembersRequest = z.input<typeof RfmMembersQuery>;

export const RfmMigrationQuery = z.object({
  shopId: z.string({ message: '请选择店铺' }).min(1, '请选择店铺').max(64),
  from: BusinessDay,
  to: BusinessDay,
});
export type RfmMigrationRequest = z.input<typeof RfmMigrationQuery>;

/** A shop's own RFM thresholds; `null` goes back to the averages. */
export const RfmThresholdsBody = z.object({
  shopId: z.string({ message: '请选择店铺' }).min(1, '请选择店铺').max(64),
  thresholds: z
    .object({
      recencyDays: z
        .number({ message: 'R 门槛应为天数' })
        .int('R 门槛应为整数天')
        .min(0, 'R 门槛不能为负数')
        .max(3650, 'R 门槛最多 3650 天'),
      frequency: z.number({ message: 'F 门槛应为单数' }).int('F 门槛应为整数').min(1, 'F 门槛至少为 1 单').max(10000, 'F 门槛过大'),
      monetaryFen: fenSchema('M 门槛'),
    })
    .nullable(),
});
export type RfmThresholdsInput = z.output<typeof RfmThresholdsBody>;
export type RfmThresholdsRequest = z.input<typeof RfmThresholdsBody>;

export const MergeCustomersBody = z.object({
  targetId: z.string({ message: '请选择保留的客户' }).min(1, '请选择保留的客户').max(64),
  sourceIds: z.array(z.string().min(1).max(64)).min(1, '请至少选择一位要合并的客户').max(50, '一次最多合并 50 位客户'),
});
export type MergeCustomersInput = z.output<typeof MergeCustomersBody>;
export type MergeCustomersRequest = z.input<typeof MergeCustomersBody>;

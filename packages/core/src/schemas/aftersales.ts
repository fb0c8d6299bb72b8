/**
 * The after-sales API contract, stated once: route validation and OpenAPI, the service's input
 * types and the console's request types all come from these schemas.
 */
import { z } from 'zod';
import { CursorField, PageQuery } from '../api.js';
import { fenSchema } from '../money.js';
import { AFTERSALE_STATUSES, AFTERSALE_TYPES, RESPONSIBILITIES } from '../orders.js';

export const AftersaleIdParams = z.object({ id: z.string().min(1) });

const ResponsibilitySchema = z.enum(RESPONSIBILITIES, { message: `责任方应为 ${RESPONSIBILITIES.join(' / ')} 之一` });
const qty = (what: string) =>
  z
    .number({ message: `${what}应为整数` })
    .int(`${what}应为整数`)
    .min(0, `${what}不能为负数`)
    .max(9999, `${what}过大`);

export const AftersaleListQuery = PageQuery.extend({
  cursor: CursorField,
  status: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter(Boolean))),
  type: z.enum(AFTERSALE_TYPES, { message: '未知的售后类型' }).optional(),
  overdue: z
    .enum(['1', '0', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true'),
  orderId: z.string().optional(),
  shopId: z.string().optional(),
  q: z.string().max(80).optional(),
});
/** The parsed case-list filter the service takes. */
export type AftersaleFilter = z.output<typeof AftersaleListQuery>;

export const CreateAftersaleBody = z.object({
  orderId: z.string({ message: '请选择订单' }).min(1, '请选择订单'),
  type: z.enum(AFTERSALE_TYPES, { message: `售后类型应为 ${AFTERSALE_TYPES.join(' / ')} 之一` }),
  reasonId: z.string().optional(),
  responsibility: ResponsibilitySchema.optional(),
  lines: z
    .array(z.object({ orderLineId: z.string().min(1, '请选择商品'), qty: qty('数量').min(1, '数量至少为 1') }))
    .min(1, '请至少选择一件商品'),
  note: z.string().trim().max(1000, '说明最长 1000 个字符').default(''),
  /** 申请金额 in fen; omitted = proposed from the chosen lines (refund types only). */
  requestedFen: fenSchema('申请金额').optional(),
});
export type CreateAftersaleRequest = z.input<typeof CreateAftersaleBody>;
export type CreateAftersaleInput = z.output<typeof CreateAftersaleBody>;

export const AftersaleReasonBody = z.object({
  name: z.string().trim().min(1, '请填写原因名称').max(60, '原因名称最长 60 个字符'),
  responsibility: ResponsibilitySchema,
  sort: z.number().int().min(0).max(100000).optional(),
});
export type AftersaleReasonInput = z.output<typeof AftersaleReasonBody>;
export const UpdateAftersaleReasonBody = AftersaleReasonBody.partial().extend({ enabled: z.boolean().optional() });
export type UpdateAftersaleReasonInput = z.output<typeof UpdateAftersaleReasonBody>;
export type UpdateAftersaleReasonRequest = z.input<typeof UpdateAftersaleReasonBody>;

export const UpdateAftersaleBody = z.object({
  responsibility: ResponsibilitySchema.optional(),
  note: z.string().trim().max(1000).optional(),
});
export type UpdateAftersaleRequest = z.input<typeof UpdateAftersaleBody>;
export type UpdateAftersaleInput = z.output<typeof UpdateAftersaleBody>;

export const AftersaleTransitionBody = z.object({
  to: z.enum(AFTERSALE_STATUSES, { message: '未知的售后状态' }),
  note: z.string().trim().max(1000, '说明最长 1000 个字符').default(''),
});
export type AftersaleTransitionRequest = z.input<typeof AftersaleTransitionBody>;

export const AftersaleInspectBody = z.object({
  lines: z
    .array(z.object({ orderLineId: z.string().min(1), goodQty: qty('良品数量').default(0), defectiveQty: qty('次品数量').default(0) }))
    .min(1, '请填写验收数量'),
  note: z.string().trim().max(400).optional(),
});
export type AftersaleInspectInput = z.output<typeof AftersaleInspectBody>;
export type AftersaleInspectRequest = z.input<typeof AftersaleInspectBody>;

export const AftersaleRefundBody = z.object({
  amountFen: fenSchema('退款金额', { min: 1 }),
  note: z.string().trim().max(400).optional(),
});
export type AftersaleRefundInput = z.output<typeof AftersaleRefundBody>;
export type AftersaleRefundRequest = z.input<typeof AftersaleRefundBody>;

/** 补发: the replacement order's lines (default: the case's lines and quantities). */
export const AftersaleReshipBody = z.object({
  lines: z.array(z.object({ orderLineId: z.string().min(1), qty: qty('补发数量').min(1, '补发数量至少为 1') })).optional(),
  note: z.string().trim().max(400).optional(),
});
export type AftersaleReshipInput = z.output<typeof AftersaleReshipBody>;
export type AftersaleReshipRequest = z.input<typeof AftersaleReshipBody>;

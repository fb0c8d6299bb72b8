/**
 * The orders API contract, stated once: the server validates with these schemas (and documents
 * them in OpenAPI), the service takes their parsed types, the console types its requests with their
 * input types. Messages are Chinese and say how to fix the value.
 */
import { z } from 'zod';
import { CursorField, PageQuery } from '../api.js';
import { fenSchema } from '../money.js';
import { CARRIERS, ORDER_FLAG_COLORS } from '../orders.js';

export const OrderIdParams = z.object({ id: z.string().min(1) });

const text = (what: string, max: number) => z.string().trim().max(max, `${what}最长 ${max} 个字符`);

/** A repeated or comma-separated query parameter (`status=paid,shipped` or `status=paid&status=shipped`). */
const csv = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter(Boolean)));

export const ORDER_LIST_FLAGS = ['urgent', 'logistics_exception', 'presale', 'exception'] as const;
export const ORDER_LIST_SORTS = ['orderedAt', '-orderedAt', 'paidAt', '-paidAt', 'shippedAt', '-shippedAt', 'paidFen', '-paidFen'] as const;

export const OrderListQuery = PageQuery.extend({
  cursor: CursorField,
  timeField: z.enum(['created', 'paid', 'shipped'], { message: '时间类型应为 created / paid / shipped' }).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  status: csv,
  channel: z.string().optional(),
  shopId: z.string().optional(),
  skuCode: z.string().optional(),
  buyerNick: z.string().optional(),
  receiverPhone: z.string().optional(),
  minPaid: z.string().optional(),
  maxPaid: z.string().optional(),
  flag: z.enum(ORDER_LIST_FLAGS, { message: '标记应为 urgent / logistics_exception / presale / exception' }).optional(),
  trackingNo: z.string().optional(),
  orderNo: z.string().optional(),
  sort: z.enum(ORDER_LIST_SORTS).optional(),
});
/** The parsed list filter the service takes. */
export type OrderFilter = z.output<typeof OrderListQuery>;

/** Amounts in fen up to MAX_FEN (¥1000 亿); qty × price and the order totals are checked against the same bound by the service. */
export const CreateOrderBody = z.object({
  shopId: z.string({ message: '请选择店铺' }).min(1, '请选择店铺'),
  lines: z
    .array(
      z.object({
        skuId: z.string({ message: '请选择商品 SKU' }).min(1, '请选择商品 SKU'),
        qty: z.number({ message: '数量应为整数' }).int('数量应为整数').min(1, '数量至少为 1').max(9999, '单行数量最多 9999'),
        unitPriceFen: fenSchema('单价').optional(),
      }),
    )
    .min(1, '至少添加一件商品')
    .max(100, '一个订单最多 100 行商品'),
  discountFen: fenSchema('优惠金额').default(0),
  shippingFen: fenSchema('运费').default(0),
  buyerNick: text('买家昵称', 100).min(1, '请填写买家昵称'),
  receiverName: text('收货人', 100).min(1, '请填写收货人'),
  receiverPhone: z
    .string({ message: '请填写收货人手机号' })
    .trim()
    .regex(/^\+?[0-9 -]{5,20}$/, '手机号格式不正确，例如 13812345678'),
  receiverAddress: text('收货地址', 400).min(1, '请填写收货地址'),
  buyerNote: text('买家留言', 1000).default(''),
  sellerMemo: text('卖家备注', 1000).default(''),
  paid: z.boolean().default(true),
  isPresale: z.boolean().optional(),
  /** Coupons the buyer holds (marketing), redeemed with the order. */
  couponIds: z.array(z.string().min(1).max(64)).max(5, '一个订单最多使用 5 张优惠券').optional(),
  /** A coupon claim code: claimed for the buyer and redeemed with the order. */
  couponCode: z.string().trim().max(40).optional(),
  /** The buyer's member level (会员价) and shipping province (包邮 by region), for the promotions. */
  memberLevel: z.string().trim().max(40).optional(),
  region: z.string().trim().max(40).optional(),
  /** For clients that cannot set the Idempotency-Key header (the header wins when both are sent). */
  idempotencyKey: z.string().max(100).optional(),
});
/** What the console sends (defaults may be left out). */
export type CreateOrderRequest = z.input<typeof CreateOrderBody>;
/** What the service takes: the parsed body without the transport's idempotency key. */
export type CreateOrderInput = Omit<z.output<typeof CreateOrderBody>, 'idempotencyKey'>;

export const ShipBody = z.object({
  carrier: z
    .string({ message: '请选择物流公司' })
    .trim()
    .min(1, '请选择物流公司')
    .max(40, `物流公司最长 40 个字符，常用：${CARRIERS.slice(0, 4).join('、')}`),
  trackingNo: z
    .string({ message: '请填写物流单号' })
    .trim()
    .min(1, '请填写物流单号')
    .max(60, '物流单号最长 60 个字符')
    .regex(/^[A-Za-z0-9-]+$/, '物流单号只能包含字母、数字和短横线'),
});
export type ShipInput = z.output<typeof ShipBody>;

export const CancelOrderBody = z.object({ reason: text('取消原因', 200).default('') });
export const OrderFlagsBody = z.object({
  urgent: z.boolean().optional(),
  logisticsException: z.boolean().optional(),
  note: text('说明', 200).optional(),
});
export type OrderFlagsInput = z.output<typeof OrderFlagsBody>;

/**
 * A refund of part or all of an order (after-sales passes it to the orders module): amounts per
 * line, shipping refunded on top, and the reason for the timeline.
 */
export const OrderRefundBody = z.object({
  lines: z.array(
    z.object({
      orderLineId: z.string().min(1),
      qty: z.number().int().min(0, '退货数量不能为负'),
      amountFen: fenSchema('退款金额'),
    }),
  ),
  /** Shipping refunded on top of the lines (fen). */
  shippingFen: fenSchema('退运费').optional(),
  reason: text('退款原因', 1000),
});
export type RefundInput = z.output<typeof OrderRefundBody>;
export const OrderMemoBody = z.object({ sellerMemo: text('卖家备注', 1000) });
export const OrderNoteBody = z.object({ note: text('记录', 1000).min(1, '请填写记录内容') });
export const SkuOptionsQuery = z.object({ q: z.string().max(60).default('') });

export const ViewsQuery = z.object({ page: z.string().max(40).default('orders') });
export const ViewBody = z.object({
  page: z.string().max(40).default('orders'),
  name: text('视图名称', 60).min(1, '请填写视图名称'),
  query: z.string().max(4000, '筛选条件过长'),
});
export type ViewInput = z.output<typeof ViewBody>;
export type ViewRequest = z.input<typeof ViewBody>;
export const UpdateViewBody = z.object({
  name: text('视图名称', 60).min(1, '请填写视图名称').optional(),
  query: z.string().max(4000).optional(),
});
export type UpdateViewInput = z.output<typeof UpdateViewBody>;

// ---- batch actions on selected orders (orders/batch.service.ts) ----

/** At most one page of the list (200) per batch action. */
export const MAX_BATCH_ORDERS = 200;
const orderIds = z
  .array(z.string().min(1).max(60), { message: '请先勾选订单' })
  .min(1, '请先勾选订单')
  .max(MAX_BATCH_ORDERS, `一次最多处理 ${MAX_BATCH_ORDERS} 个订单，请分批操作`);

export const BatchFlagBody = z.object({
  ids: orderIds,
  /** null clears the flag. */
  color: z.enum(ORDER_FLAG_COLORS, { message: '旗帜颜色应为 red / yellow / green / blue / purple，或 null 清除旗帜' }).nullable(),
});
export type BatchFlagInput = z.output<typeof BatchFlagBody>;

export const BatchMemoBody = z.object({
  ids: orderIds,
  sellerMemo: text('卖家备注', 1000).min(1, '请填写卖家备注'),
  /** append: add a line under the existing memo (the default, so nobody's memo is lost); replace: overwrite it. */
  mode: z.enum(['append', 'replace'], { message: '备注方式应为 append（追加）或 replace（覆盖）' }).default('append'),
});
export type BatchMemoInput = z.output<typeof BatchMemoBody>;
export type BatchMemoRequest = z.input<typeof BatchMemoBody>;

export const BatchUrgentBody = z.object({
  ids: orderIds,
  urgent: z.boolean({ message: 'urgent 应为 true（标记催单）或 false（取消催单）' }),
  note: text('说明', 200).optional(),
});
export type BatchUrgentInput = z.output<typeof BatchUrgentBody>;

/** `ids=a,b,c` in a download link; without ids, the ship template holds every order awaiting shipment. */
export const OrderSelectionQuery = z.object({
  ids: csv.refine((v) => v === undefined || v.length <= MAX_BATCH_ORDERS, `一次最多选择 ${MAX_BATCH_ORDERS} 个订单，请分批导出`),
  shopId: z.string().optional(),
  format: z.enum(['xlsx', 'csv'], { message: '格式应为 xlsx 或 csv' }).default('xlsx'),
});
export type OrderSelection = z.output<typeof OrderSelectionQuery>;

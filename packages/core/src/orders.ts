/**
 * Order statuses and the status machine as data (domain §6):
 * 待付款 → 待发货 → 已发货 → 已签收 → 已完成; 已取消; 退款中 / 已退款.
 */
import { defineMachine, type Machine } from './state-machine.js';

export const ORDER_STATUSES = [
  'pending_payment', // 待付款
  'paid', // 待发货 (paid, waiting to ship)
  'shipped', // 已发货
  'delivered', // 已签收
  'completed', // 已完成
  'cancelled', // 已取消
  'refunding', // 退款中
  'refunded', // 已退款 (fully refunded)
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_STATUS_LABELS: Record<OrderStatus, { zh: string; en: string }> = {
  pending_payment: { zh: '待付款', en: 'Awaiting payment' },
  paid: { zh: '待发货', en: 'To ship' },
  shipped: { zh: '已发货', en: 'Shipped' },
  delivered: { zh: '已签收', en: 'Delivered' },
  completed: { zh: '已完成', en: 'Completed' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  refunding: { zh: '退款中', en: 'Refunding' },
  refunded: { zh: '已退款', en: 'Refunded' },
};

/** Allowed transitions. A refund that ends partial returns the order to the status it came from. */
export const ORDER_TRANSITIONS = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['shipped', 'refunding', 'refunded', 'cancelled'],
  shipped: ['delivered', 'completed', 'refunding', 'refunded'],
  delivered: ['completed', 'refunding', 'refunded'],
  completed: ['refunding', 'refunded'],
  cancelled: [],
  refunding: ['paid', 'shipped', 'delivered', 'completed', 'refunded'],
  refunded: [],
} as const satisfies Record<OrderStatus, readonly OrderStatus[]>;

/** The order machine: `can` / `assert` / `next` / `isTerminal` over ORDER_TRANSITIONS (state-machine.ts). */
export const ORDER_MACHINE: Machine<OrderStatus> = defineMachine<OrderStatus>({
  states: ORDER_STATUSES,
  transitions: ORDER_TRANSITIONS,
  refusal: (from, to) => transitionRefusal(from, to),
  unknown: (from) => `订单状态「${from}」无法识别，不能变更`,
});

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_MACHINE.can(from, to);
}

export function isOrderStatus(s: string): s is OrderStatus {
  return ORDER_MACHINE.is(s);
}

/** 订单有效: neither cancelled nor fully refunded (glossary: 订单有效率). */
export function isValidOrder(status: OrderStatus): boolean {
  return status !== 'cancelled' && status !== 'refunded';
}

/** Stock handling of an order: imported history never moves stock unless asked. */
export const STOCK_MODES = ['none', 'reserved', 'shipped', 'released'] as const;
export type StockMode = (typeof STOCK_MODES)[number];

export const CARRIERS = [
  '顺丰速运',
  '中通快递',
  '圆通速递',
  '申通快递',
  '韵达快递',
  '极兔速递',
  '京东物流',
  '邮政EMS',
  '德邦快递',
  '其他',
] as const;

export type Carrier = (typeof CARRIERS)[number];

/**
 * The seller's flag (旗帜) on an order, as the marketplaces' back offices offer it: a colour the team
 * agrees a meaning for (e.g. red = check before shipping). `null` = no flag.
 */
export const ORDER_FLAG_COLORS = ['red', 'yellow', 'green', 'blue', 'purple'] as const;
export type OrderFlagColor = (typeof ORDER_FLAG_COLORS)[number];
export const ORDER_FLAG_COLOR_LABELS: Record<OrderFlagColor, { zh: string; en: string; hex: string }> = {
  red: { zh: '红旗', en: 'Red flag', hex: '#f5222d' },
  yellow: { zh: '黄旗', en: 'Yellow flag', hex: '#fadb14' },
  green: { zh: '绿旗', en: 'Green flag', hex: '#52c41a' },
  blue: { zh: '蓝旗', en: 'Blue flag', hex: '#1677ff' },
  purple: { zh: '紫旗', en: 'Purple flag', hex: '#722ed1' },
};
export function isOrderFlagColor(v: unknown): v is OrderFlagColor {
  return typeof v === 'string' && (ORDER_FLAG_COLORS as readonly string[]).includes(v);
}

/** Order status labels keyed by status for a language. */
export function orderStatusLabel(s: string, lang: 'zh' | 'en' = 'zh'): string {
  return isOrderStatus(s) ? ORDER_STATUS_LABELS[s][lang] : s;
}

/** Why a status change is refused, in words a user understands ('订单状态为「已发货」，不能取消'). */
export const ORDER_ACTION_LABELS: Record<OrderStatus, string> = {
  pending_payment: '改为待付款',
  paid: '标记为已付款',
  shipped: '发货',
  delivered: '标记为已签收',
  completed: '完成',
  cancelled: '取消',
  refunding: '发起退款',
  refunded: '全额退款',
};

export function transitionRefusal(from: OrderStatus, to: OrderStatus): string {
  return `订单状态为「${ORDER_STATUS_LABELS[from].zh}」，不能${ORDER_ACTION_LABELS[to]}`;
}

/** Flags of the exception queue (异常订单). */
export const ORDER_FLAGS = ['urgent', 'logistics_exception', 'presale'] as const;
export type OrderFlag = (typeof ORDER_FLAGS)[number];

export const ORDER_EVENT_TYPES = ['status', 'note', 'flag', 'ship', 'import', 'refund', 'memo', 'aftersale'] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/** Time fields the order list filters on. */
export const ORDER_TIME_FIELDS = ['created', 'paid', 'shipped'] as const;
export type OrderTimeField = (typeof ORDER_TIME_FIELDS)[number];

export const ORDER_SORTS = ['orderedAt', 'paidAt', 'shippedAt', 'paidFen'] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];

// ---- DTOs (server → console) ----

/**
 * An order's parties, amounts (fen) and times as stored, in the API's camelCase: the common part of
 * the order summary sent to the console, the orders module's bulk row and the simulator's order.
 */
export interface OrderRecordFields {
  buyerNick: string;
  receiverName: string;
  receiverPhone: string;
  receiverAddress: string;
  buyerNote: string;
  sellerMemo: string;
  goodsFen: number;
  discountFen: number;
  shippingFen: number;
  paidFen: number;
  refundFen: number;
  itemCount: number;
  isPresale: boolean;
  urgent: boolean;
  logisticsException: boolean;
  carrier: string | null;
  trackingNo: string | null;
  orderedAt: number;
  paidAt: number | null;
  shippedAt: number | null;
  deliveredAt: number | null;
  completedAt: number | null;
  cancelledAt: number | null;
}

export interface OrderSummary extends OrderRecordFields {
  id: string;
  shopId: string;
  shopName: string;
  channel: string;
  orderNo: string;
  source: string;
  status: OrderStatus;
  stockMode: StockMode;
  /** true when receiver fields are masked for this user (no customers.pii.read). */
  masked: boolean;
  /** First line's title, for the list. */
  firstTitle: string;
  /** The seller's flag colour (旗帜), null = none. */
  flagColor: OrderFlagColor | null;
  /** The first line's product image (list thumbnail), null when the product has none or is unlinked. */
  thumbnailUrl: string | null;
}

export interface OrderLine {
  id: string;
  lineNo: number;
  skuId: string | null;
  title: string;
  specText: string;
  merchantCode: string;
  qty: number;
  unitPriceFen: number;
  discountFen: number;
  paidFen: number;
  refundFen: number;
  refundedQty: number;
}

export interface OrderEvent {
  id: string;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string;
  actorName: string;
  at: number;
}

export interface OrderDetail extends OrderSummary {
  warehouseId: string | null;
  lines: OrderLine[];
  events: OrderEvent[];
  aftersales: AftersaleSummary[];
  /** Statuses this order may move to next (from ORDER_TRANSITIONS). */
  nextStatuses: OrderStatus[];
}

export interface OrderListResponse {
  items: OrderSummary[];
  total: number;
  page: number;
  pageSize: number;
  /** More than COUNT_CAP orders match: `total` is COUNT_CAP + 1 (shown as 10,000+). */
  totalCapped?: boolean;
  /** Pass as `cursor` (with page + 1) for the next page; null on the last page. */
  nextCursor?: string | null;
  /** Counts per status under the same filters, status filter left out (for the tabs); each stops at COUNT_CAP + 1. */
  counts: Partial<Record<OrderStatus | 'all', number>>;
}

export interface SavedView {
  id: string;
  page: string;
  name: string;
  query: string;
  createdAt: number;
}

export interface SkuOption {
  skuId: string;
  code: string;
  title: string;
  specText: string;
  priceFen: number;
  available: number;
}

/** One row of a filled-in ship template as the preview judges it (row = spreadsheet row number). */
export interface ShipPreviewRow {
  row: number;
  orderNo: string;
  carrier: string;
  trackingNo: string;
  /** The order the row ships, when found. */
  orderId: string | null;
  /** null = ready to ship; else the Chinese reason and how to fix it. */
  error: string | null;
}
export interface ShipPreview {
  rows: ShipPreviewRow[];
  ready: number;
  failed: number;
}

/** What a batch flag / memo / 催单 action did: orders changed, and those refused with why. */
export interface BatchActionResult {
  changed: number;
  unchanged: number;
  errors: { orderId: string; orderNo: string; message: string }[];
}

export interface BatchShipResult {
  total: number;
  shipped: number;
  failed: number;
  errors: { row: number; orderNo: string; message: string }[];
}

/**
 * `orders.source` of a 补发 replacement order: sent at price 0 for an after-sales case, shipped
 * like any order, but not a sale — the analytics and the customers' figures leave it out.
 */
export const REPLACEMENT_SOURCE = 'replacement';

// ---- after-sales (售后) ----

export const AFTERSALE_TYPES = ['refund_only', 'return_refund', 'exchange', 'resend', 'repair', 'complaint'] as const;
export type AftersaleType = (typeof AFTERSALE_TYPES)[number];

export const AFTERSALE_TYPE_LABELS: Record<AftersaleType, { zh: string; en: string }> = {
  refund_only: { zh: '仅退款', en: 'Refund only' },
  return_refund: { zh: '退货退款', en: 'Return & refund' },
  exchange: { zh: '换货', en: 'Exchange' },
  resend: { zh: '补发', en: 'Resend' },
  repair: { zh: '维修', en: 'Repair' },
  complaint: { zh: '投诉', en: 'Complaint' },
};

export const AFTERSALE_STATUSES = ['pending', 'processing', 'awaiting_return', 'received', 'completed', 'rejected', 'closed'] as const;
export type AftersaleStatus = (typeof AFTERSALE_STATUSES)[number];

export const AFTERSALE_STATUS_LABELS: Record<AftersaleStatus, { zh: string; en: string }> = {
  pending: { zh: '待处理', en: 'Pending' },
  processing: { zh: '处理中', en: 'Processing' },
  awaiting_return: { zh: '待退货', en: 'Awaiting return' },
  received: { zh: '已收货', en: 'Received' },
  completed: { zh: '已完成', en: 'Completed' },
  rejected: { zh: '已拒绝', en: 'Rejected' },
  closed: { zh: '已关闭', en: 'Closed' },
};

export const AFTERSALE_TERMINAL: readonly AftersaleStatus[] = ['completed', 'rejected', 'closed'];

export const RESPONSIBILITIES = ['product', 'logistics', 'service', 'buyer', 'other'] as const;
export type Responsibility = (typeof RESPONSIBILITIES)[number];

export const RESPONSIBILITY_LABELS: Record<Responsibility, { zh: string; en: string }> = {
  product: { zh: '商品问题', en: 'Product' },
  logistics: { zh: '物流问题', en: 'Logistics' },
  service: { zh: '服务问题', en: 'Service' },
  buyer: { zh: '买家原因', en: 'Buyer' },
  other: { zh: '其他', en: 'Other' },
};

/** The starter list of after-sales reasons, seeded for an organisation on first use. */
export const DEFAULT_AFTERSALE_REASONS: readonly { name: string; responsibility: Responsibility }[] = [
  { name: '尺码不合适', responsibility: 'buyer' },
  { name: '质量问题', responsibility: 'product' },
  { name: '发错货', responsibility: 'service' },
  { name: '物流破损', responsibility: 'logistics' },
  { name: '七天无理由', responsibility: 'buyer' },
  { name: '未按约定时间发货', responsibility: 'service' },
  { name: '其他', responsibility: 'other' },
];

/** Types that involve a refund to the buyer. */
export const REFUND_TYPES: readonly AftersaleType[] = ['refund_only', 'return_refund'];
/** Types where the buyer sends goods back and the warehouse inspects them. */
export const RETURN_TYPES: readonly AftersaleType[] = ['return_refund', 'exchange', 'repair'];

/**
 * What a case on `caseQty` units of a line may refund: the line's paid amount pro rata to the
 * units (rounded to the fen), never more than the line has left after earlier refunds. Summed over
 * the chosen lines it is the amount proposed when a case is opened (申请金额) and the ceiling of
 * the case's refund.
 */
export function lineRefundShareFen(line: { paidFen: number; refundFen: number; qty: number }, caseQty: number): number {
  const left = line.paidFen - line.refundFen;
  const share = Math.round((line.paidFen * caseQty) / Math.max(1, line.qty));
  return Math.max(0, Math.min(left, share));
}

/** The amount proposed for a refund case on these lines and quantities (see lineRefundShareFen). */
export function proposedRefundFen(lines: readonly { paidFen: number; refundFen: number; qty: number; caseQty: number }[]): number {
  return lines.reduce((s, l) => s + lineRefundShareFen(l, l.caseQty), 0);
}

export interface AftersaleReason {
  id: string;
  name: string;
  responsibility: Responsibility;
  sort: number;
  enabled: boolean;
}

export interface AftersaleSummary {
  id: string;
  code: string;
  shopId: string;
  orderId: string;
  orderNo: string;
  type: AftersaleType;
  status: AftersaleStatus;
  reasonId: string | null;
  reasonName: string | null;
  responsibility: Responsibility;
  /** What the buyer asked for (申请金额): proposed from the chosen lines, editable when opening. */
  requestedFen: number;
  refundFen: number;
  /** 补发: the zero-price replacement order sent for this case. */
  replacementOrderId: string | null;
  note: string;
  slaDueAt: number;
  overdue: boolean;
  resolvedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface AftersaleLine {
  orderLineId: string;
  title: string;
  specText: string;
  merchantCode: string;
  skuId: string | null;
  qty: number;
  goodQty: number;
  defectiveQty: number;
  linePaidFen: number;
  lineQty: number;
  lineRefundFen: number;
}

export interface AftersaleEvent {
  id: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string;
  actorName: string;
  at: number;
}

export interface AftersaleDetail extends AftersaleSummary {
  lines: AftersaleLine[];
  events: AftersaleEvent[];
  nextStatuses: AftersaleStatus[];
  /** What may still be refunded on this case's lines. */
  refundableFen: number;
  canInspect: boolean;
  canRefund: boolean;
  /** 补发 may create its replacement order now. */
  canReship: boolean;
  order: { id: string; orderNo: string; status: OrderStatus; paidFen: number; refundFen: number; buyerNick: string };
}

/**
 * The simulator's output: plain data shaped like the console's rows (camelCase), with
 * deterministic ids. Money in fen, instants in epoch ms, days YYYY-MM-DD in the shop's zone.
 */
import type { OrderRecordFields, PriceResult, PricingScope, PromotionRule, SpecDim } from '@yunying/core';

export type Profile = 'small' | 'large';

export interface GenerateOptions {
  profile: Profile;
  seed: number;
  /** The last day of the window (today). Default: the business day of `now`. */
  endDay?: string;
  /** IANA zone of the business day. Default Asia/Shanghai. */
  timezone?: string;
  /** Nothing happens after this instant (today is only filled up to now). Default: end of endDay. */
  now?: number;
}

export interface SimShop {
  id: string;
  key: string;
  name: string;
  channel: string;
  createdAt: number;
}

export interface SimCategory {
  id: string;
  parentId: string | null;
  name: string;
  sort: number;
}

export interface SimBrand {
  id: string;
  name: string;
}

export interface SimSku {
  id: string;
  productId: string;
  code: string;
  barcode: string;
  spec: Record<string, string>;
  specText: string;
  priceFen: number;
  costFen: number;
  weightG: number;
  lowStock: number | null;
  overStock: number | null;
}

export interface SimProduct {
  id: string;
  key: string;
  code: string;
  title: string;
  sellingPoints: string;
  description: string;
  categoryId: string;
  brandId: string;
  tags: string[];
  specDims: SpecDim[];
  createdAt: number;
  presale: boolean;
  skus: SimSku[];
}

export interface SimListing {
  id: string;
  shopId: string;
  productId: string;
  channelItemId: string;
  title: string;
}

export interface SimWarehouse {
  id: string;
  code: string;
  name: string;
  address: string;
  isDefault: boolean;
}

export interface SimSupplier {
  id: string;
  name: string;
  contact: string;
  phone: string;
  address: string;
}

export interface SimPurchaseLine {
  id: string;
  skuId: string;
  qty: number;
  receivedQty: number;
  unitCostFen: number;
}

export interface SimPurchaseOrder {
  id: string;
  code: string;
  supplierId: string;
  warehouseId: string;
  status: 'ordered' | 'received';
  note: string;
  createdAt: number;
  expectedAt: number;
  receivedAt: number | null;
  lines: SimPurchaseLine[];
}

export type SimMovementType = 'inbound' | 'reserve' | 'release' | 'ship' | 'return' | 'defective';

export interface SimMovement {
  skuId: string;
  warehouseId: string;
  type: SimMovementType;
  dOnHand: number;
  dReserved: number;
  dAvailable: number;
  dDefective: number;
  refType: 'order' | 'purchase_order' | 'aftersale';
  refId: string;
  note: string;
  at: number;
}

export type SimEventType = 'page_view' | 'product_view' | 'favorite' | 'add_to_cart' | 'begin_checkout';

export interface SimEvent {
  id: string;
  shopId: string;
  day: string;
  at: number;
  visitorId: string;
  sessionId: string;
  type: SimEventType;
  productId: string | null;
  sourceCode: string;
  url: string;
  referrer: string;
  dwellMs: number;
}

/** Per-day statistics for days without raw events (traffic_stats rows; '' = all). */
export interface SimTrafficStat {
  shopId: string;
  day: string;
  productId: string;
  sourceCode: string;
  uv: number;
  pv: number;
  cartUv: number;
  favUv: number;
  payingBuyers: number;
  paidFen: number;
}

export interface SimOrderLine {
  id: string;
  lineNo: number;
  skuId: string;
  productId: string;
  title: string;
  specText: string;
  merchantCode: string;
  channelItemId: string;
  qty: number;
  unitPriceFen: number;
  discountFen: number;
  paidFen: number;
  refundFen: number;
  refundedQty: number;
  unitCostFen: number;
}

export interface SimOrderEvent {
  id: string;
  type: 'status' | 'ship' | 'refund' | 'flag' | 'aftersale';
  fromStatus: string | null;
  toStatus: string | null;
  note: string;
  at: number;
}

/** A refund that succeeded: one part of it (a line, or shipping when orderLineId is null). */
export interface SimRefund {
  id: string;
  orderLineId: string | null;
  qty: number;
  amountFen: number;
  at: number;
  /** The business day the refund succeeded (退款金额 counts here). */
  day: string;
  note: string;
}

export type SimOrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'delivered' | 'completed' | 'cancelled' | 'refunding' | 'refunded';

export interface SimOrder extends OrderRecordFields {
  id: string;
  shopId: string;
  channel: string;
  orderNo: string;
  status: SimOrderStatus;
  stockMode: 'reserved' | 'shipped' | 'released';
  warehouseId: string;
  orderDay: string;
  paidDay: string | null;
  visitorId: string;
  sourceCode: string;
  /** The buyer's email ('' for most marketplace buyers): the customer record's contact, not an order column. */
  buyerEmail: string;
  /** Last change (the row's updated_at). */
  updatedAt: number;
  lines: SimOrderLine[];
  events: SimOrderEvent[];
  /** The refunds ledger of the order. */
  refunds: SimRefund[];
  /**
   * How the core pricing engine priced the order (an order_pricings row), when a promotion or a
   * coupon touched it; line ids are L1…Ln in line order, as the server's own pricing writes them.
   */
  pricing: Pick<PriceResult, 'lines' | 'applied' | 'totals' | 'at'> | null;
}

export type SimAftersaleType = 'refund_only' | 'return_refund' | 'complaint';
export type SimAftersaleStatus = 'pending' | 'processing' | 'awaiting_return' | 'received' | 'completed' | 'closed';

export interface SimAftersale {
  id: string;
  shopId: string;
  orderId: string;
  code: string;
  type: SimAftersaleType;
  status: SimAftersaleStatus;
  /** Name of one of core's DEFAULT_AFTERSALE_REASONS. */
  reason: string;
  responsibility: 'product' | 'logistics' | 'service' | 'buyer' | 'other';
  /** 申请金额: the refund the buyer asked for, from the chosen lines (0 for complaints). */
  requestedFen: number;
  refundFen: number;
  note: string;
  slaDueAt: number;
  resolvedAt: number | null;
  createdAt: number;
  updatedAt: number;
  lines: { orderLineId: string; qty: number; goodQty: number; defectiveQty: number }[];
  events: { id: string; fromStatus: string | null; toStatus: string; note: string; at: number }[];
}

export interface SimDay {
  day: string;
  index: number;
  /** Raw tracker events (every day in 'small'; the last 28 days in 'large'). */
  events: SimEvent[];
  /** Aggregated statistics for days without raw events. */
  trafficStats: SimTrafficStat[];
  orders: SimOrder[];
  aftersales: SimAftersale[];
  purchaseOrders: SimPurchaseOrder[];
  /** Stock ledger rows created by this day's orders, receipts and after-sales (some dated later, never after now). */
  movements: SimMovement[];
  /**
   * Coupons whose story ended this day (used by an order, expired unused) and, on the last day,
   * those still held: each appears once, with its redemptions.
   */
  coupons: SimCoupon[];
}

export interface PlantedProblems {
  /** (a) Orders of one product fall from `fromDay` while its detail-page views stay the same. */
  conversionDrop: { productId: string; productTitle: string; fromDay: string; factor: number };
  /** (b) One source's visitors fall ~40 % in one shop for the last two weeks. */
  trafficDrop: { shopId: string; shopName: string; sourceCode: string; fromDay: string; factor: number };
  /** (c) Shipping from one warehouse is slow for a week (orders paid in those days). */
  shippingDelay: { warehouseId: string; warehouseName: string; fromDay: string; toDay: string; factor: number };
}

export interface Promotion {
  name: string;
  fromDay: string;
  toDay: string;
  /** Presale orders are taken in the days before and paid (balance) on the first day. */
  presaleFromDay: string;
}

/** A stored promotion of one shop (the promotions row; rule and scope in the engine's shape). */
export interface SimPromotion {
  id: string;
  shopId: string;
  name: string;
  rule: PromotionRule;
  scope: PricingScope;
  startsAt: number;
  endsAt: number;
  /** 1 = 周一 … 7 = 周日; empty = every day. */
  weekdays: number[];
  exclusiveGroup: string | null;
  priority: number;
  createdAt: number;
}

/** A coupon template of one shop (the coupon_templates row). */
export interface SimCouponTemplate {
  id: string;
  shopId: string;
  name: string;
  kind: 'amount' | 'percent';
  thresholdFen: number;
  amountFen: number;
  offBp: number;
  capFen: number | null;
  /** A fixed window, or validDays after the claim. */
  validFrom: number | null;
  validTo: number | null;
  validDays: number | null;
  totalLimit: number;
  perCustomerLimit: number;
  /** Claim code, or null when the shop hands it out (after an order). */
  code: string | null;
  returnOnRefund: boolean;
  /** How the demo hands it out: claimed by code, or given to a buyer after a paid order. */
  issuedBy: 'code' | 'order';
  createdAt: number;
}

export interface SimCouponRedemption {
  id: string;
  orderId: string;
  discountFen: number;
  goodsFen: number;
  at: number;
  /** When the order was cancelled and the coupon went back to the buyer. */
  releasedAt: number | null;
}

/** One coupon a buyer holds (the coupons row) with its redemptions. */
export interface SimCoupon {
  id: string;
  shopId: string;
  templateId: string;
  /** The buyer nick (the server's buyer key). */
  buyerKey: string;
  status: 'unused' | 'used';
  source: 'code' | 'order';
  validFrom: number;
  validTo: number;
  orderId: string | null;
  claimedAt: number;
  usedAt: number | null;
  redemptions: SimCouponRedemption[];
}

/** An activity on the calendar (活动日历), past or running, with its checklist. */
export interface SimActivity {
  id: string;
  shopId: string;
  name: string;
  kind: 'platform' | 'own' | 'member_day';
  platformEvent: string | null;
  startDay: string;
  endDay: string;
  baselineFrom: string;
  baselineTo: string;
  promotionIds: string[];
  /** Target products' SKUs (empty = the whole shop). */
  skuIds: string[];
  /** 'ended' once its last day is over. */
  status: 'planned' | 'ended';
  note: string;
  createdAt: number;
  tasks: { id: string; title: string; roleName: string; dueDay: string; done: boolean; doneAt: number | null }[];
}

export interface SimMarketing {
  promotions: SimPromotion[];
  couponTemplates: SimCouponTemplate[];
  activities: SimActivity[];
}

export interface SimWorld {
  profile: Profile;
  seed: number;
  timezone: string;
  startDay: string;
  endDay: string;
  now: number;
  dayList: string[];
  /** First day with raw events; earlier days carry traffic statistics only. */
  rawEventsFrom: string;
  shops: SimShop[];
  categories: SimCategory[];
  brands: SimBrand[];
  products: SimProduct[];
  listings: SimListing[];
  warehouses: SimWarehouse[];
  suppliers: SimSupplier[];
  promotions: Promotion[];
  /** The shops' promotions, coupon templates and activities, priced by @yunying/core's engine. */
  marketing: SimMarketing;
  problems: PlantedProblems;
}

/**
 * Order statuses and the status machine as data (domain §6):
 * 待付款 → 待发货 → 已发货 → 已签收 → 已完成; 已取消; 退款中 / 已退款.
 */
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

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return (ORDER_TRANSITIONS[from] as readonly OrderStatus[]).includes(to);
}

export function isOrderStatus(s: string): s is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(s);
}

/** 订单有效: neither cancelled nor fully refunded (glossary: 订单有效率). */
export function isValidOrder(status: OrderStatus): boolean {
  return status !== 'cancelled' && status !== 'refunded';
}

/** Stock handling of an order: imported history never moves stock unless asked. */
export const STOCK_MODES = ['none', 'reserved', 'shipped', 'released'] as const;
export type StockMode = (typeof STOCK_MODES)[number];

export const CARRIERS = ['顺丰速运', '中通快递', '圆通速递', '申通快递', '韵达快递', '极兔速递', '京东物流', '邮政EMS', '德邦快递', '其他'] as const;

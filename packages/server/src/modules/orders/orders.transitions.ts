/**
 * The order status machine lives in `@yunying/core` (ORDER_TRANSITIONS, as data, shared with the
 * console); this is the one place the server checks it.
 */
import { AppError, ORDER_TRANSITIONS, canTransition, isOrderStatus, transitionRefusal, type OrderStatus } from '@yunying/core';

export function assertTransition(from: string, to: OrderStatus, details: Record<string, unknown> = {}): void {
  if (!isOrderStatus(from)) throw new AppError('invalid_state', `订单状态「${from}」无法识别，不能变更`, details);
  if (!canTransition(from, to)) throw new AppError('invalid_state', transitionRefusal(from, to), { ...details, from, to });
}

export function nextStatuses(from: string): OrderStatus[] {
  return isOrderStatus(from) ? [...ORDER_TRANSITIONS[from]] : [];
}

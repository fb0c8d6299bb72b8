/**
 * The order status machine lives in `@yunying/core` (ORDER_TRANSITIONS as data, ORDER_MACHINE built
 * by core's `defineMachine`, shared with the console); this is the one place the server checks it.
 */
import { ORDER_MACHINE, type OrderStatus } from '@yunying/core';

export function assertTransition(from: string, to: OrderStatus, details: Record<string, unknown> = {}): void {
  ORDER_MACHINE.assert(from, to, details);
}

export function nextStatuses(from: string): OrderStatus[] {
  return ORDER_MACHINE.next(from);
}

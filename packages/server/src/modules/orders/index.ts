/** What other modules (order import, after-sales, the CLI) may call. */
export { listOrders, getOrder } from './orders.queries.js';
export { createOrder, manualOrderNo } from './orders.create.js';
export { cancelOrder, shipOrder } from './orders.lifecycle.js';
export { createReplacementOrder } from './orders.replacement.js';
export { applyRefund, markRefunding, leaveRefunding } from './orders.refunds.js';
export { recordEvent, canSeePii, actorName, orderRowToSummary, lineRowToLine } from './orders.rows.js';
export type { EventInput } from './orders.rows.js';
export type { CreateOrderInput, OrderFilter, RefundInput } from '@yunying/core';
export { assertTransition, nextStatuses } from './orders.transitions.js';
export { exportOrdersFile, batchShip, readSheet, EXPORT_HEADERS } from './orders.files.js';
export * as bulk from './bulk.js';
export { rezoneOrderDays } from './orders.zone.js';

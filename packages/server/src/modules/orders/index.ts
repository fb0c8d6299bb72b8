/** What other modules (order import, after-sales, the CLI) may call. */
export {
  recordEvent,
  getOrder,
  applyRefund,
  markRefunding,
  leaveRefunding,
  createOrder,
  cancelOrder,
  shipOrder,
  listOrders,
  canSeePii,
  actorName,
  orderRowToSummary,
  lineRowToLine,
  manualOrderNo,
} from './orders.service.js';
export type { CreateOrderInput, RefundInput, EventInput, OrderFilter } from './orders.service.js';
export { assertTransition, nextStatuses } from './orders.transitions.js';
export { exportOrdersFile, batchShip, readSheet, EXPORT_HEADERS } from './orders.files.js';

export { listSuppliers, createSupplier, updateSupplier, deleteSupplier, supplierRowToSupplier } from './suppliers.service.js';
export {
  createPurchaseOrder,
  updatePurchaseOrder,
  orderPurchaseOrder,
  cancelPurchaseOrder,
  receivePurchaseOrder,
  getPurchaseOrder,
  listPurchaseOrders,
  PO_STATUS_LABEL,
} from './purchase-orders.service.js';
export * as bulk from './bulk.js';

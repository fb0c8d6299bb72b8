export {
  move,
  moveQty,
  moveQtyMany,
  planMoveMany,
  levels,
  ledgerTotals,
  checkThresholds,
  checkThresholdsMany,
  defaultWarehouseId,
  stockRowToLevel,
  MOVEMENT_TYPES,
  MOVEMENT_EFFECT,
} from './stock.service.js';
export type { MovementType, MovementInput, Delta, StockLevel } from './stock.service.js';
export { listWarehouses, createWarehouse, updateWarehouse, warehouseRowToWarehouse, warehouseNames } from './warehouses.service.js';
export { listStock, allStock, listMovements, ledgerCheck, skuOptions, unitsSold } from './stockview.service.js';
export { setThresholds, adjust, reportDefective } from './adjust.service.js';
export { createStocktake, getStocktake, listStocktakes, saveCounts, applyStocktake, cancelStocktake } from './stocktake.service.js';
export { createTransfer, getTransfer, listTransfers } from './transfers.service.js';
export { skuInfo, requireSkus, requireWarehouse, nextCode, lockRow } from './common.js';
export { exportStockFile } from './export.js';
export * as bulk from './bulk.js';

export {
  move,
  moveQty,
  levels,
  ledgerTotals,
  checkThresholds,
  defaultWarehouseId,
  stockRowToLevel,
  MOVEMENT_TYPES,
  MOVEMENT_EFFECT,
} from './stock.service.js';
export type { MovementType, MovementInput, Delta, StockLevel } from './stock.service.js';

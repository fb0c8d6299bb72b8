/**
 * Stock and purchasing: pure formulas (moving-average cost, days of cover, 售罄率, 库存周转天数),
 * request schemas shared by the server and the console, and the response shapes.
 */
import { z } from 'zod';
import { intSchema, MAX_QTY } from './ints.js';
import { defineMachine, type Machine } from './state-machine.js';
import { CursorField } from './api.js';

/** The kinds of stock movement (ledger row `type`). */
export const MOVEMENT_TYPES = [
  'inbound',
  'reserve',
  'release',
  'ship',
  'adjust',
  'stocktake',
  'transfer_out',
  'transfer_in',
  'return',
  'defective',
] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

// ---- formulas ----

/**
 * Moving-average unit cost after receiving `qty` units at `unitCostFen`:
 * (onHand × oldCost + qty × unitCost) / (onHand + qty), rounded half up to whole fen.
 * When nothing (or less than nothing) is on hand, the old cost says nothing: the new cost is the unit cost.
 */
export function movingAverageCost(onHand: number, oldCostFen: number, qty: number, unitCostFen: number): number {
  for (const [n, v] of [
    ['onHand', onHand],
    ['oldCostFen', oldCostFen],
    ['qty', qty],
    ['unitCostFen', unitCostFen],
  ] as const) {
    if (!Number.isSafeInteger(v)) throw new RangeError(`${n} must be an integer, got ${v}`);
  }
  if (qty <= 0) throw new RangeError(`qty must be positive, got ${qty}`);
  if (unitCostFen < 0) throw new RangeError(`unitCostFen must be ≥ 0, got ${unitCostFen}`);
  if (onHand <= 0) return unitCostFen;
  // Integer numerator, one division: exact rounding without floating drift for realistic sizes.
  const num = onHand * oldCostFen + qty * unitCostFen;
  const den = onHand + qty;
  const q = Math.floor(num / den);
  const rem = num - q * den;
  return rem * 2 >= den ? q + 1 : q;
}

/** Average daily units sold over a window of `days` days. */
export function averageDailySales(unitsSold: number, days: number): number {
  if (days <= 0) throw new RangeError('days must be positive');
  return Math.max(0, unitsSold) / days;
}

/**
 * Days of cover (可售天数): available units / average daily units sold over the window, one decimal.
 * null when nothing sold in the window (cover is unbounded); 0 when nothing is available.
 */
export function daysOfCover(available: number, unitsSold: number, windowDays = 30): number | null {
  const daily = averageDailySales(unitsSold, windowDays);
  if (daily === 0) return null;
  if (available <= 0) return 0;
  return Math.round((available / daily) * 10) / 10;
}

/** 售罄率 = units sold / (units sold + units in stock); null when both are zero. */
export function sellThroughRate(unitsSold: number, unitsInStock: number): number | null {
  const sold = Math.max(0, unitsSold);
  const stock = Math.max(0, unitsInStock);
  if (sold + stock === 0) return null;
  return sold / (sold + stock);
}

/**
 * 库存周转天数 = average stock / average daily units sold. `averageStock` is e.g. (opening + closing) / 2;
 * null when nothing sold in the window.
 */
export function stockTurnoverDays(averageStock: number, unitsSold: number, windowDays: number): number | null {
  const daily = averageDailySales(unitsSold, windowDays);
  if (daily === 0) return null;
  return Math.round((Math.max(0, averageStock) / daily) * 10) / 10;
}

// ---- request schemas ----

/** A quantity that may be negative (a stock adjustment), or one of at least 1. */
const Qty = (what: string) => intSchema(what, { min: -MAX_QTY, max: MAX_QTY, unit: '件' });
const PosQty = (what: string) => intSchema(what, { min: 1, max: MAX_QTY, unit: '件' });
const OptText = (max: number, what: string) => z.string().trim().max(max, `${what}最长 ${max} 个字符`).default('');

export const WarehouseBody = z.object({
  code: z
    .string()
    .trim()
    .min(1, '请输入仓库编码')
    .max(40, '仓库编码最长 40 个字符')
    .regex(/^[A-Za-z0-9_-]+$/, '仓库编码只能包含字母、数字、下划线和短横线'),
  name: z.string().trim().min(1, '请输入仓库名称').max(60, '仓库名称最长 60 个字符'),
  address: OptText(200, '地址'),
  isDefault: z.boolean().default(false),
});
export const UpdateWarehouseBody = z.object({
  code: WarehouseBody.shape.code.optional(),
  name: WarehouseBody.shape.name.optional(),
  address: z.string().trim().max(200, '地址最长 200 个字符').optional(),
  isDefault: z.literal(true).optional(),
  status: z.enum(['active', 'disabled']).optional(),
});

const bool01 = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === '1')
  .optional();

const PageFields = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200, '每页最多 200 条').default(20),
};

export const StockQuery = z.object({
  ...PageFields,
  q: z.string().trim().optional(),
  warehouseId: z.string().optional(),
  skuId: z.string().optional(),
  lowOnly: bool01,
  overOnly: bool01,
});

export const ThresholdsBody = z
  .object({
    lowStock: intSchema('预警值', { max: MAX_QTY, unit: '件' }).nullable().optional(),
    overStock: intSchema('上限', { max: MAX_QTY, unit: '件' }).nullable().optional(),
  })
  .refine((b) => b.lowStock == null || b.overStock == null || b.overStock > b.lowStock, {
    message: '积压上限必须大于低库存预警值',
    path: ['overStock'],
  });

export const AdjustBody = z.object({
  skuId: z.string().min(1, '请选择 SKU'),
  warehouseId: z.string().min(1, '请选择仓库'),
  qty: Qty('调整数量').refine((n) => n !== 0, '调整数量不能为 0'),
  reason: z.string().trim().min(1, '请填写调整原因').max(200, '原因最长 200 个字符'),
});

export const DefectiveBody = z.object({
  skuId: z.string().min(1, '请选择 SKU'),
  warehouseId: z.string().min(1, '请选择仓库'),
  qty: PosQty('次品数量'),
  reason: z.string().trim().min(1, '请填写原因').max(200, '原因最长 200 个字符'),
});

export const MovementsQuery = z.object({
  ...PageFields,
  cursor: CursorField,
  skuId: z.string().optional(),
  q: z.string().trim().optional(),
  warehouseId: z.string().optional(),
  type: z.enum(MOVEMENT_TYPES).optional(),
  refType: z.string().optional(),
  refId: z.string().optional(),
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
});

export const CreateStocktakeBody = z.object({
  warehouseId: z.string().min(1, '请选择仓库'),
  skuIds: z.array(z.string()).max(5000, '一次最多盘点 5000 个 SKU').optional(),
  note: OptText(400, '备注'),
});
export const StocktakeLinesBody = z.object({
  lines: z
    .array(z.object({ skuId: z.string(), counted: intSchema('实盘数', { max: MAX_QTY, unit: '件' }).nullable() }))
    .min(1, '没有要保存的行'),
});

export const TransferBody = z
  .object({
    fromWarehouseId: z.string().min(1, '请选择调出仓'),
    toWarehouseId: z.string().min(1, '请选择调入仓'),
    lines: z.array(z.object({ skuId: z.string().min(1, '请选择 SKU'), qty: PosQty('调拨数量') })).min(1, '至少添加一行'),
    note: OptText(400, '备注'),
  })
  .refine((b) => b.fromWarehouseId !== b.toWarehouseId, { message: '调出仓与调入仓不能相同', path: ['toWarehouseId'] });

export const SupplierBody = z.object({
  name: z.string().trim().min(1, '请输入供应商名称').max(100, '名称最长 100 个字符'),
  contact: OptText(60, '联系人'),
  phone: OptText(30, '电话'),
  address: OptText(200, '地址'),
  note: OptText(400, '备注'),
});
export const UpdateSupplierBody = z.object({
  name: SupplierBody.shape.name.optional(),
  contact: z.string().trim().max(60).optional(),
  phone: z.string().trim().max(30).optional(),
  address: z.string().trim().max(200).optional(),
  note: z.string().trim().max(400).optional(),
});

const PoLine = z.object({
  skuId: z.string().min(1, '请选择 SKU'),
  qty: PosQty('采购数量'),
  // Tighter than MAX_FEN (¥100 万 a unit); qty × unit cost and the total are checked against MAX_FEN by the service.
  unitCostFen: z
    .number({ message: '采购单价应为整数（单位：分）' })
    .int('采购单价应为整数（单位：分）')
    .min(0, '采购单价不能为负数')
    .max(100_000_000, '采购单价不能超过 ¥1,000,000.00（100 万元），请检查金额（单位：分）'),
});
export const PurchaseOrderBody = z.object({
  supplierId: z.string().min(1, '请选择供应商'),
  warehouseId: z.string().min(1, '请选择收货仓'),
  expectedAt: z.number().int().nullable().optional(),
  note: OptText(400, '备注'),
  lines: z.array(PoLine).min(1, '至少添加一行商品').max(500, '一张采购单最多 500 行'),
});
export const UpdatePurchaseOrderBody = PurchaseOrderBody.partial();
export const ReceiveBody = z.object({
  lines: z.array(z.object({ lineId: z.string(), qty: PosQty('收货数量') })).min(1, '请至少填写一行收货数量'),
  note: OptText(200, '备注'),
});
export const PurchaseOrderQuery = z.object({
  ...PageFields,
  q: z.string().trim().optional(),
  status: z.string().optional(),
  supplierId: z.string().optional(),
});
export const SupplierQuery = z.object({ ...PageFields, q: z.string().trim().optional() });

/** `/stock/skus/:skuId/…` */
export const SkuIdParams = z.object({ skuId: z.string() });
/** `GET /stock/ledger-check?all=1`: include the rows that balance. */
export const LedgerCheckQuery = z.object({
  all: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional(),
});
/** `GET /inventory/sku-options`: the SKU picker of stock and purchasing forms. */
export const StockSkuOptionsQuery = z.object({ q: z.string().trim().optional() });
export const StocktakeListQuery = z.object({ ...PageFields, warehouseId: z.string().optional(), status: z.string().optional() });
/** `POST /stocktakes/:id/apply`: the body may be left out. */
export const ApplyStocktakeBody = z.object({ skipUncounted: z.boolean().optional() }).optional();
export const TransferListQuery = z.object({ ...PageFields, warehouseId: z.string().optional() });

/** Parsed types the inventory services take. */
export type WarehouseInput = z.output<typeof WarehouseBody>;
export type UpdateWarehouseInput = z.output<typeof UpdateWarehouseBody>;
export type StockFilter = z.output<typeof StockQuery>;
export type MovementFilter = z.output<typeof MovementsQuery>;
export type ThresholdsInput = z.output<typeof ThresholdsBody>;
export type AdjustInput = z.output<typeof AdjustBody>;
export type DefectiveInput = z.output<typeof DefectiveBody>;
export type CreateStocktakeInput = z.output<typeof CreateStocktakeBody>;
export type StocktakeLinesInput = z.output<typeof StocktakeLinesBody>;
export type TransferInput = z.output<typeof TransferBody>;
export type LedgerCheckFilter = z.output<typeof LedgerCheckQuery>;
export type StocktakeFilter = z.output<typeof StocktakeListQuery>;
export type ApplyStocktakeInput = z.output<typeof ApplyStocktakeBody>;
export type TransferFilter = z.output<typeof TransferListQuery>;
/** Request types the console sends (defaults may be left out). */
export type ThresholdsRequest = z.input<typeof ThresholdsBody>;
export type AdjustRequest = z.input<typeof AdjustBody>;
export type CreateStocktakeRequest = z.input<typeof CreateStocktakeBody>;
export type TransferRequest = z.input<typeof TransferBody>;
export type StocktakeLinesRequest = z.input<typeof StocktakeLinesBody>;
export type ApplyStocktakeRequest = NonNullable<z.input<typeof ApplyStocktakeBody>>;

/** Parsed types the purchasing services take. */
export type PurchaseOrderInput = z.output<typeof PurchaseOrderBody>;
export type ReceiveInput = z.output<typeof ReceiveBody>;
export type SupplierInput = z.output<typeof SupplierBody>;
export type UpdateSupplierInput = z.output<typeof UpdateSupplierBody>;
export type SupplierFilter = z.output<typeof SupplierQuery>;
export type PurchaseOrderFilter = z.output<typeof PurchaseOrderQuery>;
/** Request types the console sends (defaults may be left out). */
export type PurchaseOrderRequest = z.input<typeof PurchaseOrderBody>;
export type ReceiveRequest = z.input<typeof ReceiveBody>;
export type UpdateSupplierRequest = z.input<typeof UpdateSupplierBody>;

// ---- response shapes ----

export interface Warehouse {
  id: string;
  code: string;
  name: string;
  address: string;
  isDefault: boolean;
  status: 'active' | 'disabled';
  createdAt: number;
}

export interface StockRow {
  skuId: string;
  skuCode: string;
  specText: string;
  productId: string;
  productTitle: string;
  warehouseId: string;
  warehouseName: string;
  onHand: number;
  reserved: number;
  available: number;
  defective: number;
  lowStock: number | null;
  overStock: number | null;
  /** Units sold in the last 30 days (all warehouses). */
  sold30d: number;
  daysOfCover: number | null;
  low: boolean;
  over: boolean;
}

export interface StockMovement {
  id: string;
  skuId: string;
  skuCode: string;
  specText: string;
  productTitle: string;
  warehouseId: string;
  warehouseName: string;
  type: string;
  dOnHand: number;
  dReserved: number;
  dAvailable: number;
  dDefective: number;
  refType: string | null;
  refId: string | null;
  note: string;
  actorName: string;
  at: number;
}

export interface LedgerCheckRow {
  skuId: string;
  skuCode: string;
  warehouseId: string;
  warehouseName: string;
  stock: { onHand: number; reserved: number; available: number; defective: number };
  ledger: { onHand: number; reserved: number; available: number; defective: number };
  ok: boolean;
}

export type StocktakeStatus = 'counting' | 'applied' | 'cancelled';
export interface StocktakeLine {
  skuId: string;
  skuCode: string;
  specText: string;
  productTitle: string;
  expected: number;
  counted: number | null;
  /** counted − expected (null until counted). */
  variance: number | null;
  onHandNow: number;
}
export interface Stocktake {
  id: string;
  code: string;
  warehouseId: string;
  warehouseName: string;
  status: StocktakeStatus;
  note: string;
  createdAt: number;
  appliedAt: number | null;
  lineCount: number;
  countedCount: number;
  lines?: StocktakeLine[];
}

export interface Transfer {
  id: string;
  code: string;
  fromWarehouseId: string;
  fromWarehouseName: string;
  toWarehouseId: string;
  toWarehouseName: string;
  note: string;
  createdAt: number;
  lines: { skuId: string; skuCode: string; specText: string; productTitle: string; qty: number }[];
}

export interface Supplier {
  id: string;
  name: string;
  contact: string;
  phone: string;
  address: string;
  note: string;
  createdAt: number;
}

export const PO_STATUSES = ['draft', 'ordered', 'partial', 'received', 'cancelled'] as const;
export type PurchaseOrderStatus = (typeof PO_STATUSES)[number];
/** The purchase-order status machine as data (receiving moves ordered/partial on by itself). */
export const PO_TRANSITIONS = {
  draft: ['ordered', 'cancelled'],
  ordered: ['partial', 'received', 'cancelled'],
  partial: ['partial', 'received'],
  received: [],
  cancelled: [],
} as const satisfies Record<PurchaseOrderStatus, readonly PurchaseOrderStatus[]>;

export const PO_STATUS_LABELS: Record<PurchaseOrderStatus, { zh: string; en: string }> = {
  draft: { zh: '草稿', en: 'Draft' },
  ordered: { zh: '已下单', en: 'Ordered' },
  partial: { zh: '部分收货', en: 'Partly received' },
  received: { zh: '已收货', en: 'Received' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
};

/** The purchase-order machine (state-machine.ts); `subject` is the PO code in the refusal. */
export const PO_MACHINE: Machine<PurchaseOrderStatus> = defineMachine<PurchaseOrderStatus>({
  states: PO_STATUSES,
  transitions: PO_TRANSITIONS,
  refusal: (from, to, code) => `采购单 ${code ?? ''} 当前为「${PO_STATUS_LABELS[from].zh}」，不能变为「${PO_STATUS_LABELS[to].zh}」`,
});

export interface PurchaseOrderLine {
  id: string;
  skuId: string;
  skuCode: string;
  specText: string;
  productTitle: string;
  qty: number;
  receivedQty: number;
  unitCostFen: number;
  amountFen: number;
}
export interface PurchaseOrder {
  id: string;
  code: string;
  supplierId: string;
  supplierName: string;
  warehouseId: string;
  warehouseName: string;
  status: PurchaseOrderStatus;
  expectedAt: number | null;
  note: string;
  totalQty: number;
  receivedQty: number;
  totalFen: number;
  createdAt: number;
  updatedAt: number;
  lines?: PurchaseOrderLine[];
}

export interface InventorySkuOption {
  id: string;
  code: string;
  specText: string;
  productTitle: string;
  costFen: number;
}

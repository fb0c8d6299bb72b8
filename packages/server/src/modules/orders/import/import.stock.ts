/**
 * The import's stock policy (only with 同时移动库存): which ledger moves an imported order's status
 * calls for, made through modules/inventory in the batch's transaction.
 */
import { AppError, type ImportFileKind, type OrderStatus } from '@yunying/core';
import type { Transaction } from 'kysely';
import type { DB } from '../../../db/schema.js';
import * as inventory from '../../inventory/index.js';
import type { Ctx } from './import.context.js';

/** An order whose stock may have to move, with its stored lines and the row that named it. */
export interface StockWork {
  order: { id: string; order_no: string; stock_mode: string };
  status: OrderStatus;
  lines: readonly { sku_id: string | null; qty: number; title: string }[];
  file: ImportFileKind;
  rowNo: number;
}

const NEEDS_RESERVE = new Set<OrderStatus>(['paid']);
const NEEDS_SHIP = new Set<OrderStatus>(['shipped', 'delivered', 'completed']);
const RELEASES = new Set<OrderStatus>(['cancelled', 'refunded']);

/**
 * Move stock for an imported order when asked: reserve for paid-unshipped, reserve + ship for
 * shipped; a reserved order that ships or closes later ships or releases. Lines without a SKU
 * cannot move stock and are reported. Returns the order's new stock mode.
 */
async function applyStock(trx: Transaction<DB>, c: Ctx, w: StockWork): Promise<string> {
  const { order, status, lines, file, rowNo } = w;
  if (!c.opts.moveStock) return order.stock_mode;
  let steps: ('reserve' | 'ship' | 'release')[] = [];
  let mode = order.stock_mode;
  if (order.stock_mode === 'none') {
    if (NEEDS_RESERVE.has(status)) steps = ['reserve'];
    else if (NEEDS_SHIP.has(status)) steps = ['reserve', 'ship'];
  } else if (order.stock_mode === 'reserved') {
    if (NEEDS_SHIP.has(status)) steps = ['ship'];
    else if (RELEASES.has(status)) steps = ['release'];
  }
  if (!steps.length) return mode;
  c.warehouseId ??= await inventory.defaultWarehouseId(trx, c.actor.orgId);
  const target = steps.includes('ship') ? 'shipped' : steps.includes('release') ? 'released' : 'reserved';
  let moved = false;
  for (const l of lines) {
    if (!l.sku_id) {
      if (order.stock_mode === 'none')
        c.errors.add(file, rowNo, {
          column: '商家编码',
          value: l.title,
          reason: `订单 ${order.order_no} 的商品未匹配到 SKU，未移动库存：在“未匹配商品”中对应 SKU 后可在订单中处理`,
        });
      continue;
    }
    try {
      for (const s of steps) {
        await inventory.moveQty(trx, c.actor, s, l.sku_id, c.warehouseId, l.qty, {
          refType: 'order',
          refId: order.id,
          note: `导入订单 ${order.order_no}`,
        });
      }
      moved = true;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      c.errors.add(file, rowNo, { column: '购买数量', value: String(l.qty), reason: `订单 ${order.order_no}：${err.message}，未移动库存` });
    }
  }
  if (moved) mode = target;
  return mode;
}

/** Move an order's stock as its status calls for and store its new stock mode (and warehouse). */
export async function settleStock(trx: Transaction<DB>, c: Ctx, w: StockWork): Promise<void> {
  const mode = await applyStock(trx, c, w);
  if (mode !== w.order.stock_mode) {
    await trx.updateTable('orders').set({ stock_mode: mode, warehouse_id: c.warehouseId }).where('id', '=', w.order.id).execute();
  }
}

/**
 * The order's life after creation: the status machine (pay, ship, deliver, complete, cancel) with
 * its stock moves, and the flags, memo and notes. Every write runs in the caller's transaction and
 * is audited there; stock moves only through modules/inventory.
 */
import {
  AppError,
  businessDay,
  formatFen,
  keepHiddenPhones,
  type OrderDetail,
  type OrderFlagsInput,
  type OrderStatus,
  type ShipInput,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { DB, OrdersTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as analytics from '../analytics/index.js';
import * as customers from '../customers/index.js';
import * as inventory from '../inventory/index.js';
import * as marketing from '../marketing/index.js';
import * as shops from '../shops/index.js';
import { getOrder } from './orders.queries.js';
import { refundRemainder } from './orders.refunds.js';
import { actorName, canSeePii, mustFind, orderLines, recordEvent } from './orders.rows.js';
import { assertTransition } from './orders.transitions.js';

/**
 * Move an order to `to`: checked by the machine, the UPDATE guarded on the old status, timeline,
 * rollup days and audit in the caller's transaction.
 */
export interface StatusChange {
  to: OrderStatus;
  /** Other columns written with the status (times, stock mode, parcel). */
  patch?: Partial<OrdersTable>;
  /** The timeline entry: its type (default 'status') and note. */
  type?: string;
  note?: string;
}

export async function setStatus(trx: Transaction<DB>, actor: Actor, row: OrdersTable, change: StatusChange): Promise<void> {
  const { to, patch = {} } = change;
  assertTransition(row.status, to, { orderId: row.id, orderNo: row.order_no });
  const now = Date.now();
  const res = await trx
    .updateTable('orders')
    .set({ ...patch, status: to, updated_at: now })
    .where('id', '=', row.id)
    .where('status', '=', row.status)
    .executeTakeFirst();
  if (res.numUpdatedRows !== 1n) throw new AppError('conflict', `订单 ${row.order_no} 刚被其他人修改，请刷新后重试`, { orderId: row.id });
  await recordEvent(trx, row.id, {
    type: change.type ?? 'status',
    from: row.status,
    to,
    note: change.note ?? '',
    actorName: actorName(actor),
  });
  // The order's figures moved: its days' rollups are rebuilt (same transaction, so never lost).
  await analytics.markOrderDaysDirty(trx, row.shop_id, [row.order_day, row.paid_day, patch.paid_day]);
  await customers.markOrdersDirty(trx, row.shop_id, [row.id]);
  await audit.record(trx, actor, `order.${to === 'shipped' ? 'ship' : to === 'cancelled' ? 'cancel' : 'status'}`, {
    entityType: 'order',
    entityId: row.id,
    shopId: row.shop_id,
    before: { status: row.status, stockMode: row.stock_mode },
    after: { status: to, ...camel(patch) },
  });
}

function camel(patch: Partial<OrdersTable>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'updated_at') continue;
    out[k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())] = v;
  }
  return out;
}

/** Units of each SKU still reserved for an unshipped order (ordered minus refunded). */
async function reservedUnits(trx: Kysely<DB>, orderId: string): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  for (const l of await orderLines(trx, orderId)) {
    const q = l.qty - l.refunded_qty;
    if (l.sku_id && q > 0) m.set(l.sku_id, (m.get(l.sku_id) ?? 0) + q);
  }
  return m;
}

export async function payOrder(trx: Transaction<DB>, actor: Actor, id: string): Promise<OrderDetail> {
  const row = await mustFind(trx, actor, id, true);
  const now = Date.now();
  const shop = await shops.getVisible(trx, actor, row.shop_id);
  await setStatus(trx, actor, row, {
    to: 'paid',
    patch: { paid_at: now, paid_day: businessDay(now, shop.timezone) },
    note: '标记为已付款',
  });
  return getOrder(trx, actor, id);
}

export async function cancelOrder(trx: Transaction<DB>, actor: Actor, id: string, reason = ''): Promise<OrderDetail> {
  const row = await mustFind(trx, actor, id, true);
  assertTransition(row.status, 'cancelled', { orderId: id });
  const patch: Partial<OrdersTable> = { cancelled_at: Date.now() };
  if (row.stock_mode === 'reserved' && row.warehouse_id) {
    const units = await reservedUnits(trx, id);
    for (const skuId of [...units.keys()].sort()) {
      await inventory.moveQty(trx, actor, 'release', skuId, row.warehouse_id, units.get(skuId)!, {
        refType: 'order',
        refId: id,
        note: `订单 ${row.order_no} 取消，释放预占`,
      });
    }
    patch.stock_mode = 'released';
  }
  // A paid order cancelled is refunded in full: it shows in the refunds (ledger) and the timeline.
  const refunded = row.paid_at !== null ? await refundRemainder(trx, actor, row, `取消已付款订单${reason ? `（${reason}）` : ''}`) : 0;
  // Coupons used by the order go back to the buyer when their template says so (marketing).
  const returned = await marketing.releaseCoupons(trx, id);
  await setStatus(trx, actor, row, {
    to: 'cancelled',
    patch,
    note: `取消订单${reason ? `：${reason}` : ''}${patch.stock_mode === 'released' ? '，已释放预占库存' : ''}${refunded > 0 ? `，已全额退款 ${formatFen(refunded)}` : ''}${returned.length ? `，已退回优惠券 ${returned.length} 张` : ''}`,
  });
  return getOrder(trx, actor, id);
}

/** Ship: reserved stock leaves the warehouse ('ship' movements); imported history only records the parcel. */
export async function shipOrder(trx: Transaction<DB>, actor: Actor, id: string, input: ShipInput): Promise<OrderDetail> {
  const row = await mustFind(trx, actor, id, true);
  if (row.status === 'refunding') {
    throw new AppError('invalid_state', `订单 ${row.order_no} 正在退款中，不能发货；请先处理完售后再发货`, { orderId: id });
  }
  assertTransition(row.status, 'shipped', { orderId: id, orderNo: row.order_no });
  const carrier = input.carrier.trim();
  const trackingNo = input.trackingNo.trim();
  const patch: Partial<OrdersTable> = { carrier, tracking_no: trackingNo, shipped_at: Date.now() };
  if (row.stock_mode === 'reserved' && row.warehouse_id) {
    const units = await reservedUnits(trx, id);
    for (const skuId of [...units.keys()].sort()) {
      await inventory.moveQty(trx, actor, 'ship', skuId, row.warehouse_id, units.get(skuId)!, {
        refType: 'order',
        refId: id,
        note: `订单 ${row.order_no} 发货 ${carrier} ${trackingNo}`,
      });
    }
    patch.stock_mode = 'shipped';
  }
  await setStatus(trx, actor, row, { to: 'shipped', patch, type: 'ship', note: `${carrier} ${trackingNo}` });
  return getOrder(trx, actor, id);
}

export async function deliverOrder(trx: Transaction<DB>, actor: Actor, id: string): Promise<OrderDetail> {
  const row = await mustFind(trx, actor, id, true);
  await setStatus(trx, actor, row, { to: 'delivered', patch: { delivered_at: Date.now() }, note: '标记为已签收' });
  return getOrder(trx, actor, id);
}

export async function completeOrder(trx: Transaction<DB>, actor: Actor, id: string): Promise<OrderDetail> {
  const row = await mustFind(trx, actor, id, true);
  await setStatus(trx, actor, row, { to: 'completed', patch: { completed_at: Date.now() }, note: '订单完成' });
  return getOrder(trx, actor, id);
}

// ---------------------------------------------------------------- flags, memo, notes

export async function setFlags(trx: Transaction<DB>, actor: Actor, id: string, input: OrderFlagsInput): Promise<OrderDetail> {
  const row = await mustFind(trx, actor, id, true);
  const patch: Partial<OrdersTable> = {};
  const said: string[] = [];
  if (input.urgent !== undefined && (row.urgent === 1) !== input.urgent) {
    patch.urgent = input.urgent ? 1 : 0;
    said.push(input.urgent ? '标记催单' : '取消催单');
  }
  if (input.logisticsException !== undefined && (row.logistics_exception === 1) !== input.logisticsException) {
    patch.logistics_exception = input.logisticsException ? 1 : 0;
    said.push(input.logisticsException ? '标记物流异常' : '解除物流异常');
  }
  if (said.length === 0) return getOrder(trx, actor, id);
  await trx
    .updateTable('orders')
    .set({ ...patch, updated_at: Date.now() })
    .where('id', '=', id)
    .execute();
  await recordEvent(trx, id, {
    type: 'flag',
    note: `${said.join('，')}${input.note ? `：${input.note}` : ''}`,
    actorName: actorName(actor),
  });
  await audit.record(trx, actor, 'order.flag', {
    entityType: 'order',
    entityId: id,
    shopId: row.shop_id,
    before: { urgent: row.urgent === 1, logisticsException: row.logistics_exception === 1 },
    after: {
      urgent: (patch.urgent ?? row.urgent) === 1,
      logisticsException: (patch.logistics_exception ?? row.logistics_exception) === 1,
      note: input.note ?? '',
    },
  });
  return getOrder(trx, actor, id);
}

const MEMO_FIELD = { label: '卖家备注', path: 'sellerMemo', max: 1000 };

export async function setMemo(trx: Transaction<DB>, actor: Actor, id: string, edited: string): Promise<OrderDetail> {
  const row = await mustFind(trx, actor, id, true);
  // A user who saw the memo masked sends it back masked: keep the numbers they did not touch.
  const sellerMemo = canSeePii(actor) ? edited : keepHiddenPhones(row.seller_memo, edited, MEMO_FIELD);
  if (row.seller_memo === sellerMemo) return getOrder(trx, actor, id);
  await trx.updateTable('orders').set({ seller_memo: sellerMemo, updated_at: Date.now() }).where('id', '=', id).execute();
  await recordEvent(trx, id, { type: 'memo', note: `修改卖家备注：${sellerMemo || '（清空）'}`, actorName: actorName(actor) });
  await audit.record(trx, actor, 'order.memo', {
    entityType: 'order',
    entityId: id,
    shopId: row.shop_id,
    before: { sellerMemo: row.seller_memo },
    after: { sellerMemo },
  });
  return getOrder(trx, actor, id);
}

export async function addNote(trx: Transaction<DB>, actor: Actor, id: string, note: string): Promise<OrderDetail> {
  await mustFind(trx, actor, id);
  await recordEvent(trx, id, { type: 'note', note, actorName: actorName(actor) });
  return getOrder(trx, actor, id);
}

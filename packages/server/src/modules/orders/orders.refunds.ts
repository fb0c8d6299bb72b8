/**
 * Refunds flow into the order from after-sales: 退款中 while a case is open, then line and order
 * refund amounts, released reservations and the status (已退款 when everything is refunded).
 * Every refund also writes the refunds ledger (`order_refunds`): one row per refunded part with the
 * instant it succeeded and its business day, which is the day 退款金额 counts on (成功退款金额).
 */
import {
  AppError,
  add,
  businessDay,
  formatFen,
  isOrderStatus,
  newId,
  type FieldError,
  type OrderStatus,
  type RefundInput,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { DB, OrderLinesTable, OrdersTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as analytics from '../analytics/index.js';
import * as customers from '../customers/index.js';
import * as inventory from '../inventory/index.js';
import * as shops from '../shops/index.js';
import * as marketing from '../marketing/index.js';
import { setStatus } from './orders.lifecycle.js';
import { actorName, mustFind, orderLines, recordEvent, statusLabel } from './orders.rows.js';

/** A refunded part: an order line (qty, amount) or the shipping/order-level part (`orderLineId` null). */
export interface RefundPart {
  orderLineId: string | null;
  qty: number;
  amountFen: number;
}

/**
 * Write the ledger rows of one refund that succeeded at `at` and mark its business day dirty (the
 * day 退款金额 counts on). Parts of 0 fen are skipped. Returns the refund day.
 */
export async function recordRefundParts(
  trx: Kysely<DB>,
  actor: Actor,
  order: Pick<OrdersTable, 'id' | 'org_id' | 'shop_id'>,
  parts: readonly RefundPart[],
  at: number,
  note: string,
): Promise<string> {
  const shop = await shops.getVisible(trx, actor, order.shop_id);
  const day = businessDay(at, shop.timezone);
  const rows = parts
    .filter((p) => p.amountFen > 0)
    .map((p) => ({
      id: newId('refund'),
      org_id: order.org_id,
      shop_id: order.shop_id,
      order_id: order.id,
      order_line_id: p.orderLineId,
      qty: p.qty,
      amount_fen: p.amountFen,
      refunded_at: at,
      refund_day: day,
      note: note.slice(0, 200),
    }));
  if (rows.length) await trx.insertInto('order_refunds').values(rows).execute();
  await analytics.markOrderDaysDirty(trx, order.shop_id, [day]);
  await customers.markOrdersDirty(trx, order.shop_id, [order.id]);
  return day;
}

/**
 * Refund everything still unrefunded of an order (a paid order cancelled before shipping): its
 * lines and the shipping/order-level remainder, in the ledger, the lines and the order total.
 * Returns the amount refunded (0 when nothing was left).
 */
export async function refundRemainder(trx: Transaction<DB>, actor: Actor, row: OrdersTable, note: string): Promise<number> {
  const lines = await orderLines(trx, row.id);
  const parts: RefundPart[] = [];
  for (const l of lines) {
    const amount = Number(l.paid_fen) - Number(l.refund_fen);
    const qty = l.qty - l.refunded_qty;
    if (amount <= 0 && qty <= 0) continue;
    parts.push({ orderLineId: l.id, qty, amountFen: Math.max(0, amount) });
    await trx
      .updateTable('order_lines')
      .set({ refund_fen: Number(l.refund_fen) + Math.max(0, amount), refunded_qty: l.qty })
      .where('id', '=', l.id)
      .execute();
  }
  const lineTotal = add(0, ...parts.map((p) => p.amountFen));
  const left = Number(row.paid_fen) - Number(row.refund_fen);
  const rest = left - lineTotal;
  if (rest > 0) parts.push({ orderLineId: null, qty: 0, amountFen: rest });
  const total = Math.max(0, left);
  if (total <= 0) return 0;
  const now = Date.now();
  await trx
    .updateTable('orders')
    .set({ refund_fen: Number(row.paid_fen), updated_at: now })
    .where('id', '=', row.id)
    .execute();
  await recordRefundParts(trx, actor, row, parts, now, note);
  await recordEvent(trx, row.id, {
    type: 'refund',
    note: `${note}：退款 ${formatFen(total)}，累计已退 ${formatFen(Number(row.paid_fen))}`,
    actorName: actorName(actor),
  });
  await audit.record(trx, actor, 'order.refund', {
    entityType: 'order',
    entityId: row.id,
    shopId: row.shop_id,
    before: { refundFen: Number(row.refund_fen), status: row.status },
    after: {
      refundFen: Number(row.paid_fen),
      amountFen: total,
      reason: note,
      lines: parts.map((p) => ({ orderLineId: p.orderLineId, qty: p.qty, amountFen: p.amountFen })),
    },
  });
  return total;
}

/** The status an order had before it went into 退款中 (from its timeline). */
async function statusBeforeRefunding(trx: Kysely<DB>, orderId: string): Promise<OrderStatus | null> {
  const e = await trx
    .selectFrom('order_events')
    .select(['from_status'])
    .where('order_id', '=', orderId)
    .where('to_status', '=', 'refunding')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return e?.from_status && isOrderStatus(e.from_status) ? e.from_status : null;
}

/** Put an order into 退款中 when an after-sales refund starts (no-op when already there). */
export async function markRefunding(trx: Transaction<DB>, actor: Actor, orderId: string, note: string): Promise<void> {
  const row = await mustFind(trx, actor, orderId, true);
  if (row.status === 'refunding') return;
  await setStatus(trx, actor, row, { to: 'refunding', note });
}

/** Take an order out of 退款中 back to where it was (an after-sales case closed without refund). */
export async function leaveRefunding(trx: Transaction<DB>, actor: Actor, orderId: string, note: string): Promise<void> {
  const row = await mustFind(trx, actor, orderId, true);
  if (row.status !== 'refunding') return;
  const prev = (await statusBeforeRefunding(trx, orderId)) ?? (row.shipped_at ? 'shipped' : 'paid');
  await setStatus(trx, actor, row, { to: prev, note });
}

/**
 * Refund part or all of an order: line refund amounts and quantities, the order total, stock of
 * unshipped units released, and the status — 已退款 when everything is refunded, otherwise back to
 * the status before 退款中. Refunds never exceed what was paid.
 */
export async function applyRefund(
  trx: Transaction<DB>,
  actor: Actor,
  orderId: string,
  input: RefundInput,
): Promise<{ refundFen: number; status: OrderStatus }> {
  const row = await mustFind(trx, actor, orderId, true);
  if (!['paid', 'shipped', 'delivered', 'completed', 'refunding'].includes(row.status)) {
    throw new AppError('invalid_state', `订单状态为「${statusLabel(row.status)}」，不能退款`, { orderId });
  }
  const all = await orderLines(trx, orderId);
  const byId = new Map(all.map((l) => [l.id, l]));
  const errors: FieldError[] = [];
  const changes: { line: OrderLinesTable; qty: number; amount: number }[] = [];
  input.lines.forEach((x, i) => {
    const l = byId.get(x.orderLineId);
    if (!l) {
      errors.push({ path: `lines.${i}.orderLineId`, message: `第 ${i + 1} 项不是本订单的商品行` });
      return;
    }
    if (l.refunded_qty + x.qty > l.qty)
      errors.push({ path: `lines.${i}.qty`, message: `「${l.title}」最多还能退 ${l.qty - l.refunded_qty} 件` });
    const left = Number(l.paid_fen) - Number(l.refund_fen);
    if (x.amountFen > left) errors.push({ path: `lines.${i}.amountFen`, message: `「${l.title}」最多还能退 ${formatFen(left)}` });
    changes.push({ line: l, qty: x.qty, amount: x.amountFen });
  });
  const shippingFen = input.shippingFen ?? 0;
  const total = add(shippingFen, ...changes.map((c) => c.amount));
  const paid = Number(row.paid_fen);
  const already = Number(row.refund_fen);
  if (total <= 0) errors.push({ path: 'amountFen', message: '退款金额必须大于 0' });
  if (already + total > paid) {
    errors.push({ path: 'amountFen', message: `退款合计不能超过实付 ${formatFen(paid)}（已退 ${formatFen(already)}）` });
  }
  if (errors.length) {
    throw new AppError('validation_failed', `退款被拒绝：${errors.map((e) => e.message).join('；')}`, { orderId, paidFen: paid }, errors);
  }
  for (const c of changes) {
    await trx
      .updateTable('order_lines')
      .set({ refund_fen: Number(c.line.refund_fen) + c.amount, refunded_qty: c.line.refunded_qty + c.qty })
      .where('id', '=', c.line.id)
      .execute();
  }
  const refundFen = already + total;
  const now = Date.now();
  const patch: Partial<OrdersTable> = { refund_fen: refundFen, updated_at: now };
  // The ledger: the refund counts on the day it succeeded (now).
  await recordRefundParts(
    trx,
    actor,
    row,
    [
      ...changes.map((c) => ({ orderLineId: c.line.id, qty: c.qty, amountFen: c.amount })),
      { orderLineId: null, qty: 0, amountFen: shippingFen },
    ],
    now,
    input.reason ? `退款（${input.reason}）` : '退款',
  );

  // Units refunded before shipping are no longer reserved for this order.
  if (row.stock_mode === 'reserved' && row.warehouse_id) {
    const release = new Map<string, number>();
    for (const c of changes) if (c.line.sku_id && c.qty > 0) release.set(c.line.sku_id, (release.get(c.line.sku_id) ?? 0) + c.qty);
    for (const skuId of [...release.keys()].sort()) {
      await inventory.moveQty(trx, actor, 'release', skuId, row.warehouse_id, release.get(skuId)!, {
        refType: 'order',
        refId: orderId,
        note: `订单 ${row.order_no} 退款，释放预占`,
      });
    }
  }
  const after = await orderLines(trx, orderId);
  const fully = refundFen >= paid || after.every((l) => l.refunded_qty >= l.qty && Number(l.refund_fen) >= Number(l.paid_fen));
  if (fully && row.stock_mode === 'reserved') patch.stock_mode = 'released';
  await trx.updateTable('orders').set(patch).where('id', '=', orderId).execute();
  await recordEvent(trx, orderId, {
    type: 'refund',
    note: `退款 ${formatFen(total)}${input.reason ? `（${input.reason}）` : ''}，累计已退 ${formatFen(refundFen)}`,
    actorName: actorName(actor),
  });
  await audit.record(trx, actor, 'order.refund', {
    entityType: 'order',
    entityId: orderId,
    shopId: row.shop_id,
    before: { refundFen: already, status: row.status },
    after: {
      refundFen,
      amountFen: total,
      reason: input.reason,
      lines: changes.map((c) => ({ orderLineId: c.line.id, qty: c.qty, amountFen: c.amount })),
    },
  });
  const fresh = await mustFind(trx, actor, orderId);
  let status = fresh.status as OrderStatus;
  if (fully) {
    // Coupons used by the order go back to the buyer when their template says so (marketing).
    const returned = await marketing.releaseCoupons(trx, orderId);
    await setStatus(trx, actor, fresh, {
      to: 'refunded',
      note: `已全额退款 ${formatFen(refundFen)}${returned.length ? `，已退回优惠券 ${returned.length} 张` : ''}`,
    });
    status = 'refunded';
  } else if (fresh.status === 'refunding') {
    const prev = (await statusBeforeRefunding(trx, orderId)) ?? (fresh.shipped_at ? 'shipped' : 'paid');
    await setStatus(trx, actor, fresh, { to: prev, note: `部分退款 ${formatFen(total)}，订单恢复为「${statusLabel(prev)}」` });
    status = prev;
  }
  return { refundFen, status };
}

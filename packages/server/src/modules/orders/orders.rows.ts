/**
 * What every part of the orders module shares: the row → API shape mappers, the actor's name and
 * PII right, finding a visible order, an order's lines, and the timeline.
 */
import {
  AppError,
  clipText,
  ORDER_STATUS_LABELS,
  isOrderFlagColor,
  isOrderStatus,
  maskAddress,
  maskName,
  maskPhone,
  maskPhonesInText,
  newId,
  type OrderLine,
  type OrderStatus,
  type OrderSummary,
  type StockMode,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB, OrderEventsTable, OrderLinesTable, OrdersTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as repo from './orders.repo.js';

export function actorName(actor: Actor): string {
  return actor.via === 'system' ? actor.username : actor.displayName;
}

/** Whether the actor sees receiver name, phone and address in full. The CLI (system) does. */
export function canSeePii(actor: Actor): boolean {
  return actor.via === 'system' || actor.permissions.has('customers.pii.read');
}

export function statusLabel(s: string): string {
  return isOrderStatus(s) ? ORDER_STATUS_LABELS[s].zh : s;
}

export function orderRowToSummary(
  r: OrdersTable,
  pii: boolean,
  shopName = '',
  firstTitle = '',
  thumbnailUrl: string | null = null,
): OrderSummary {
  return {
    id: r.id,
    shopId: r.shop_id,
    shopName,
    channel: r.channel,
    orderNo: r.order_no,
    source: r.source,
    status: r.status as OrderStatus,
    stockMode: r.stock_mode as StockMode,
    buyerNick: r.buyer_nick,
    receiverName: pii ? r.receiver_name : (maskName(r.receiver_name) ?? ''),
    receiverPhone: pii ? r.receiver_phone : (maskPhone(r.receiver_phone) ?? ''),
    receiverAddress: pii ? r.receiver_address : (maskAddress(r.receiver_address) ?? ''),
    masked: !pii,
    goodsFen: Number(r.goods_fen),
    discountFen: Number(r.discount_fen),
    shippingFen: Number(r.shipping_fen),
    paidFen: Number(r.paid_fen),
    refundFen: Number(r.refund_fen),
    itemCount: r.item_count,
    isPresale: r.is_presale === 1,
    urgent: r.urgent === 1,
    logisticsException: r.logistics_exception === 1,
    carrier: r.carrier,
    trackingNo: r.tracking_no,
    // Free text may hold phone numbers (a buyer writing "call 138…"): masked like the receiver's.
    sellerMemo: pii ? r.seller_memo : maskPhonesInText(r.seller_memo),
    buyerNote: pii ? r.buyer_note : maskPhonesInText(r.buyer_note),
    orderedAt: Number(r.ordered_at),
    paidAt: r.paid_at === null ? null : Number(r.paid_at),
    shippedAt: r.shipped_at === null ? null : Number(r.shipped_at),
    deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
    completedAt: r.completed_at === null ? null : Number(r.completed_at),
    cancelledAt: r.cancelled_at === null ? null : Number(r.cancelled_at),
    firstTitle,
    flagColor: isOrderFlagColor(r.flag_color) ? r.flag_color : null,
    thumbnailUrl,
  };
}

export function lineRowToLine(r: OrderLinesTable): OrderLine {
  return {
    id: r.id,
    lineNo: r.line_no,
    skuId: r.sku_id,
    title: r.title,
    specText: r.spec_text,
    merchantCode: r.merchant_code,
    qty: r.qty,
    unitPriceFen: Number(r.unit_price_fen),
    discountFen: Number(r.discount_fen),
    paidFen: Number(r.paid_fen),
    refundFen: Number(r.refund_fen),
    refundedQty: r.refunded_qty,
  };
}

/** The order row (locked for the transaction with `lock`), or 404 when it is not the actor's to see. */
export async function mustFind(db: Kysely<DB>, actor: Actor, id: string, lock = false): Promise<OrdersTable> {
  const row = lock ? await repo.lockVisible(db, actor, id) : await repo.findVisible(db, actor, id);
  if (!row) throw new AppError('not_found', `订单 ${id} 不存在或无权访问`, { orderId: id });
  return row;
}

// ---------------------------------------------------------------- timeline

export interface EventInput {
  type: string;
  from?: string | null;
  to?: string | null;
  note?: string;
  actorName: string;
}

/** Append one entry to an order's timeline (also used by order import). */
export async function recordEvent(trx: Kysely<DB>, orderId: string, e: EventInput): Promise<OrderEventsTable> {
  const row = eventRow(orderId, e);
  await trx.insertInto('order_events').values(row).execute();
  return row;
}

/** The row `recordEvent` writes, for a caller that inserts it as part of a larger statement. */
export function eventRow(orderId: string, e: EventInput): OrderEventsTable {
  return {
    id: newId('orderEvent'),
    order_id: orderId,
    type: e.type,
    from_status: e.from ?? null,
    to_status: e.to ?? null,
    note: clipText(e.note ?? '', 1000),
    actor_name: e.actorName.slice(0, 100),
    at: Date.now(),
  };
}

/** An order's stored lines in line order. */
export async function orderLines(trx: Kysely<DB>, orderId: string): Promise<OrderLinesTable[]> {
  return trx.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('line_no').execute();
}

/**
 * Orders in bulk: orders with their lines and timelines written as given (ids, statuses, instants)
 * by the demo loader, the reads it needs, and removing a shop's orders again. No stock moves and no
 * rollups are marked here: the caller writes the ledger through inventory and rebuilds the days.
 */
import type { OrderRecordFields } from '@yunying/core';
import type { Kysely } from 'kysely';
import { IN_CHUNK, chunk, inChunks, insertBatched } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

export interface BulkOrderLine {
  id: string;
  lineNo: number;
  skuId: string | null;
  title: string;
  specText: string;
  merchantCode: string;
  channelItemId: string;
  qty: number;
  unitPriceFen: number;
  discountFen: number;
  paidFen: number;
  refundFen: number;
  refundedQty: number;
  unitCostFen: number;
}

export interface BulkOrderEvent {
  id: string;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string;
  at: number;
}

/** A refunds-ledger row: a refunded line part (or shipping, orderLineId null) with its instant and business day. */
export interface BulkRefund {
  id: string;
  orderLineId: string | null;
  qty: number;
  amountFen: number;
  at: number;
  day: string;
  note: string;
}

export interface BulkOrder extends OrderRecordFields {
  id: string;
  shopId: string;
  channel: string;
  orderNo: string;
  status: string;
  stockMode: string;
  warehouseId: string | null;
  orderDay: string;
  paidDay: string | null;
  visitorId: string | null;
  sourceCode: string | null;
  updatedAt: number;
  lines: readonly BulkOrderLine[];
  events: readonly BulkOrderEvent[];
  /** The refunds that succeeded (the ledger; Σ amountFen = refundFen). */
  refunds: readonly BulkRefund[];
}

/** Insert orders of one source with their lines and events; `eventActor` names who did each event. */
export async function insertOrders(
  trx: Kysely<DB>,
  opts: { orgId: string; source: string; orders: readonly BulkOrder[]; eventActor: (e: BulkOrderEvent) => string },
): Promise<void> {
  const { orders } = opts;
  await insertBatched(
    trx,
    'orders',
    orders.map((o) => ({
      id: o.id,
      org_id: opts.orgId,
      shop_id: o.shopId,
      channel: o.channel,
      order_no: o.orderNo,
      source: opts.source,
      status: o.status,
      stock_mode: o.stockMode,
      warehouse_id: o.warehouseId,
      buyer_nick: o.buyerNick,
      receiver_name: o.receiverName,
      receiver_phone: o.receiverPhone,
      receiver_address: o.receiverAddress,
      buyer_note: o.buyerNote,
      seller_memo: o.sellerMemo,
      goods_fen: o.goodsFen,
      discount_fen: o.discountFen,
      shipping_fen: o.shippingFen,
      paid_fen: o.paidFen,
      refund_fen: o.refundFen,
      item_count: o.itemCount,
      is_presale: o.isPresale ? 1 : 0,
      urgent: o.urgent ? 1 : 0,
      logistics_exception: o.logisticsException ? 1 : 0,
      carrier: o.carrier,
      tracking_no: o.trackingNo,
      ordered_at: o.orderedAt,
      paid_at: o.paidAt,
      shipped_at: o.shippedAt,
      delivered_at: o.deliveredAt,
      completed_at: o.completedAt,
      cancelled_at: o.cancelledAt,
      order_day: o.orderDay,
      paid_day: o.paidDay,
      visitor_id: o.visitorId,
      source_code: o.sourceCode,
      created_at: o.orderedAt,
      updated_at: o.updatedAt,
    })),
  );
  await insertBatched(
    trx,
    'order_lines',
    orders.flatMap((o) =>
      o.lines.map((l) => ({
        id: l.id,
        order_id: o.id,
        line_no: l.lineNo,
        sku_id: l.skuId,
        title: l.title,
        spec_text: l.specText,
        merchant_code: l.merchantCode,
        channel_item_id: l.channelItemId,
        qty: l.qty,
        unit_price_fen: l.unitPriceFen,
        discount_fen: l.discountFen,
        paid_fen: l.paidFen,
        refund_fen: l.refundFen,
        refunded_qty: l.refundedQty,
        unit_cost_fen: l.unitCostFen,
      })),
    ),
  );
  await insertBatched(
    trx,
    'order_events',
    orders.flatMap((o) =>
      o.events.map((e) => ({
        id: e.id,
        order_id: o.id,
        type: e.type,
        from_status: e.fromStatus,
        to_status: e.toStatus,
        note: e.note,
        actor_name: opts.eventActor(e),
        at: e.at,
      })),
    ),
  );
  await insertBatched(
    trx,
    'order_refunds',
    orders.flatMap((o) =>
      o.refunds.map((r) => ({
        id: r.id,
        org_id: opts.orgId,
        shop_id: o.shopId,
        order_id: o.id,
        order_line_id: r.orderLineId,
        qty: r.qty,
        amount_fen: r.amountFen,
        refunded_at: r.at,
        refund_day: r.day,
        note: r.note.slice(0, 200),
      })),
    ),
  );
}

/** Whether the installation has any order at all (first start). */
export async function anyOrder(db: Kysely<DB>): Promise<boolean> {
  return !!(await db.selectFrom('orders').select('id').limit(1).executeTakeFirst());
}

/** Which of these SKUs some order line sells. */
export async function skusInUse(db: Kysely<DB>, skuIds: readonly string[]): Promise<string[]> {
  const rows = await inChunks(skuIds, (c) => db.selectFrom('order_lines').select('sku_id').distinct().where('sku_id', 'in', c).execute());
  return [...new Set(rows.flatMap((r) => (r.sku_id === null ? [] : [r.sku_id])))];
}

/** Which of these warehouses some order ships from. */
export async function warehousesInUse(db: Kysely<DB>, warehouseIds: readonly string[]): Promise<Set<string>> {
  const rows = await inChunks(warehouseIds, (c) =>
    db.selectFrom('orders').select('warehouse_id').distinct().where('warehouse_id', 'in', c).execute(),
  );
  return new Set(rows.flatMap((r) => (r.warehouse_id === null ? [] : [r.warehouse_id])));
}

/** Delete every order of these shops with its lines and timeline; returns how many orders. Their after-sales cases must be gone first. */
export async function removeShopOrders(trx: Kysely<DB>, shopIds: readonly string[]): Promise<number> {
  let n = 0;
  for (const c of chunk(shopIds, IN_CHUNK)) {
    const ids = trx.selectFrom('orders').select('id').where('shop_id', 'in', c);
    await trx.deleteFrom('order_events').where('order_id', 'in', ids).execute();
    await trx.deleteFrom('order_refunds').where('order_id', 'in', ids).execute();
    await trx.deleteFrom('order_lines').where('order_id', 'in', ids).execute();
    n += Number((await trx.deleteFrom('orders').where('shop_id', 'in', c).executeTakeFirst()).numDeletedRows);
  }
  return n;
}

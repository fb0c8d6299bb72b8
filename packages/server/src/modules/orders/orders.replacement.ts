/**
 * 补发: the zero-price replacement order an after-sales case sends. It copies the original order's
 * buyer and address and the chosen lines at price 0, reserves the stock like any order and waits
 * to be shipped; it is not a sale, so the analytics and the customers' figures leave it out
 * (`source = REPLACEMENT_SOURCE`, no payment time).
 */
import { AppError, REPLACEMENT_SOURCE, businessDay, newId, type OrderDetail } from '@yunying/core';
import type { Transaction } from 'kysely';
import type { DB, OrdersTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as inventory from '../inventory/index.js';
import * as shops from '../shops/index.js';
import { manualOrderNo } from './orders.create.js';
import { getOrder } from './orders.queries.js';
import * as repo from './orders.repo.js';
import { actorName, recordEvent } from './orders.rows.js';

export interface ReplacementInput {
  originalOrderId: string;
  lines: readonly { orderLineId: string; qty: number }[];
  /** Why (the case code), written on both orders' timelines. */
  reason: string;
}

export async function createReplacementOrder(trx: Transaction<DB>, actor: Actor, input: ReplacementInput): Promise<OrderDetail> {
  const original = await getOrder(trx, actor, input.originalOrderId, { created: true });
  // The address as stored (the detail above masks the phone for users without the PII permission).
  const raw = (await repo.findVisible(trx, actor, original.id))!;
  const shop = await shops.getVisible(trx, actor, original.shopId);
  const byId = new Map(original.lines.map((l) => [l.id, l]));
  const lines = input.lines.map((x, i) => {
    const l = byId.get(x.orderLineId);
    if (!l) throw new AppError('validation_failed', `第 ${i + 1} 项不是订单 ${original.orderNo} 的商品`, { orderLineId: x.orderLineId });
    if (!l.skuId) {
      throw new AppError('validation_failed', `「${l.title}」未关联 SKU，不能补发；请先在订单中匹配商品`, { orderLineId: l.id });
    }
    if (x.qty < 1 || x.qty > l.qty)
      throw new AppError('validation_failed', `「${l.title}」补发数量应为 1–${l.qty} 件`, { orderLineId: l.id });
    return { line: l, skuId: l.skuId, qty: x.qty };
  });
  if (lines.length === 0) throw new AppError('validation_failed', '请至少选择一件补发的商品');

  const now = Date.now();
  const day = businessDay(now, shop.timezone);
  const orderId = newId('order');
  // B + the day + the organisation's order counter: unique like the manual numbers (same counter).
  const orderNo = `B${manualOrderNo(day, await repo.nextOrderSeq(trx, actor.orgId, day)).slice(1)}`;
  const warehouseId = original.warehouseId ?? (await inventory.defaultWarehouseId(trx, actor.orgId));
  await inventory.moveQtyMany(
    trx,
    actor,
    'reserve',
    warehouseId,
    lines.map((l) => ({ skuId: l.skuId, qty: l.qty })),
    { refType: 'order', refId: orderId, note: `补发单 ${orderNo} 预占（原订单 ${original.orderNo}）` },
  );
  const row: OrdersTable = {
    id: orderId,
    org_id: actor.orgId,
    shop_id: original.shopId,
    channel: shop.channel,
    order_no: orderNo,
    source: REPLACEMENT_SOURCE,
    status: 'paid',
    stock_mode: 'reserved',
    warehouse_id: warehouseId,
    buyer_nick: raw.buyer_nick,
    receiver_name: raw.receiver_name,
    receiver_phone: raw.receiver_phone,
    receiver_address: raw.receiver_address,
    buyer_note: '',
    seller_memo: `补发：原订单 ${original.orderNo}，${input.reason}`,
    goods_fen: 0,
    discount_fen: 0,
    shipping_fen: 0,
    paid_fen: 0,
    refund_fen: 0,
    item_count: lines.reduce((s, l) => s + l.qty, 0),
    is_presale: 0,
    urgent: 0,
    logistics_exception: 0,
    flag_color: null,
    carrier: null,
    tracking_no: null,
    ordered_at: now,
    paid_at: null,
    shipped_at: null,
    delivered_at: null,
    completed_at: null,
    cancelled_at: null,
    order_day: day,
    paid_day: null,
    visitor_id: null,
    source_code: null,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('orders').values(row).execute();
  await trx
    .insertInto('order_lines')
    .values(
      lines.map((l, i) => ({
        id: newId('orderLine'),
        order_id: orderId,
        line_no: i + 1,
        sku_id: l.skuId,
        title: l.line.title,
        spec_text: l.line.specText,
        merchant_code: l.line.merchantCode,
        channel_item_id: '',
        qty: l.qty,
        unit_price_fen: 0,
        discount_fen: 0,
        paid_fen: 0,
        refund_fen: 0,
        refunded_qty: 0,
        unit_cost_fen: 0,
      })),
    )
    .execute();
  const who = actorName(actor);
  await recordEvent(trx, orderId, {
    type: 'status',
    from: null,
    to: 'paid',
    note: `补发单（0 元），原订单 ${original.orderNo}：${input.reason}`,
    actorName: who,
  });
  await recordEvent(trx, original.id, { type: 'aftersale', note: `已创建补发单 ${orderNo}（${input.reason}）`, actorName: who });
  await audit.record(trx, actor, 'order.replacement', {
    entityType: 'order',
    entityId: orderId,
    shopId: original.shopId,
    after: { orderNo, originalOrderNo: original.orderNo, lines: input.lines, reason: input.reason },
  });
  return getOrder(trx, actor, orderId, { shopName: shop.name, created: true });
}

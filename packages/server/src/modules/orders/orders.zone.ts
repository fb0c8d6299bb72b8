/**
 * A shop's time zone changed: its orders' business days (order_day, paid_day) and its refunds'
 * days (refund_day) are recomputed from their instants in the new zone. Returns every day touched
 * (before and after), so the caller can rebuild those days' rollups.
 */
import { businessDay } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export async function rezoneOrderDays(trx: Kysely<DB>, shopId: string, timeZone: string): Promise<Set<string>> {
  const touched = new Set<string>();
  const orders = await trx
    .selectFrom('orders')
    .select(['id', 'ordered_at', 'paid_at', 'order_day', 'paid_day'])
    .where('shop_id', '=', shopId)
    .execute();
  for (const o of orders) {
    const orderDay = businessDay(Number(o.ordered_at), timeZone);
    const paidDay = o.paid_at === null ? o.paid_day : businessDay(Number(o.paid_at), timeZone);
    if (orderDay === o.order_day && paidDay === o.paid_day) continue;
    for (const d of [o.order_day, o.paid_day, orderDay, paidDay]) if (d) touched.add(d);
    await trx.updateTable('orders').set({ order_day: orderDay, paid_day: paidDay }).where('id', '=', o.id).execute();
  }
  const refunds = await trx.selectFrom('order_refunds').select(['id', 'refunded_at', 'refund_day']).where('shop_id', '=', shopId).execute();
  for (const r of refunds) {
    const day = businessDay(Number(r.refunded_at), timeZone);
    if (day === r.refund_day) continue;
    touched.add(day).add(r.refund_day);
    await trx.updateTable('order_refunds').set({ refund_day: day }).where('id', '=', r.id).execute();
  }
  return touched;
}

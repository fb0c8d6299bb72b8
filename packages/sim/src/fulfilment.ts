/**
 * Fulfilment of a paid order: a refund asked before shipping, shipping after hours (slow for a
 * week at the planted warehouse; 催单 on long waits), delivery, completion, and after-sales after
 * delivery. Everything dated after now is left for later: recent orders are still moving.
 */
import { DAY_MS, HOUR, inWarehouseHours } from './calendar.js';
import type { SimContext } from './context.js';
import type { OrderEventFn } from './orders.js';
import type { Rng } from './prng.js';
import { TRACKING_PREFIX, type ShopState } from './shops.js';
import type { SimOrder, SimOrderStatus } from './types.js';

export interface PaidOrder {
  /** The order's own random stream (continued from ordering and payment). */
  rng: Rng;
  o: SimOrder;
  shop: ShopState;
  wh: number;
  paidAt: number;
  event: OrderEventFn;
  /** Release the order's reserved stock. */
  release: (at: number, note: string) => void;
}

export function fulfil(ctx: SimContext, x: PaidOrder): void {
  const { w, skus, ledger } = ctx;
  const { rng, o, shop: s, wh, paidAt, event } = x;

  // Shipping (slow for a week at the problem warehouse), delivery, completion.
  const pr = w.problems.shippingDelay;
  const median = { tmall: 20, jd: 9, own: 26, douyin: 30 }[s.t.channel as 'tmall'] ?? 20;
  let delay = Math.min(72, Math.max(1.5, rng.logNormal(o.isPresale ? 40 : median, 0.45))) * HOUR;
  if (o.warehouseId === pr.warehouseId && o.paidDay! >= pr.fromDay && o.paidDay! <= pr.toDay) delay *= pr.factor;
  // Parcels leave in the warehouse's working hours (a jitter spreads the morning's backlog).
  const shipAt = inWarehouseHours(paidAt + Math.floor(delay), w.timezone, Math.floor(rng.next() * 3 * HOUR));

  // Refund requested before shipping (more of them when shipping is slow).
  const slow = delay > 60 * HOUR;
  if (rng.chance(slow ? 0.12 : 0.025)) {
    const askAt = paidAt + Math.floor(Math.min(delay * 0.8, rng.logNormal(6 * HOUR, 0.8)));
    if (askAt < shipAt && askAt <= w.now) {
      ctx.aftersales.preShipRefund(rng, o, { askAt, shipAt, slow, release: x.release });
      if ((o.status as SimOrderStatus) === 'refunded') return;
    }
  }
  if (shipAt > w.now) {
    if (w.now - paidAt > 24 * HOUR && rng.chance(0.4)) {
      o.urgent = true;
      event('flag', null, null, '买家催发货', paidAt + 24 * HOUR + Math.floor(rng.next() * Math.max(1, w.now - paidAt - 24 * HOUR)));
    }
    return;
  }
  o.status = 'shipped';
  o.stockMode = 'shipped';
  o.shippedAt = shipAt;
  o.carrier = rng.pick(s.t.carriers);
  o.trackingNo = (TRACKING_PREFIX[o.carrier] ?? 'YD') + rng.chars(12, '0123456789');
  o.updatedAt = shipAt;
  if (delay > 48 * HOUR) o.urgent = rng.chance(0.5);
  event('ship', 'paid', 'shipped', `发货：${o.carrier} ${o.trackingNo}`, shipAt);
  for (const l of o.lines) {
    ledger.move({
      skuIdx: skus.indexOf(l.skuId),
      wh,
      type: 'ship',
      qty: l.qty,
      at: shipAt,
      refType: 'order',
      refId: o.id,
      note: `订单 ${o.orderNo} 发货出库`,
      immediate: false,
    });
  }
  const transit = Math.floor(Math.min(8 * DAY_MS, rng.logNormal(s.t.channel === 'jd' ? 26 * HOUR : 52 * HOUR, 0.35)));
  const deliverAt = shipAt + transit;
  if (deliverAt > w.now) {
    if (w.now - shipAt > 4 * DAY_MS || rng.chance(0.005)) o.logisticsException = true;
    return;
  }
  o.status = 'delivered';
  o.deliveredAt = deliverAt;
  o.updatedAt = deliverAt;
  event('status', 'shipped', 'delivered', '买家已签收', deliverAt);
  const completeAt = deliverAt + Math.floor(Math.min(10 * DAY_MS, rng.logNormal(3 * DAY_MS, 0.6)));
  if (completeAt <= w.now) {
    o.status = 'completed';
    o.completedAt = completeAt;
    o.updatedAt = completeAt;
    event('status', 'delivered', 'completed', '买家确认收货', completeAt);
  }
  // After-sales after delivery.
  const line = o.lines[rng.int(0, o.lines.length - 1)]!;
  const model = ctx.models[skus.list[skus.indexOf(line.skuId)]!.p]!;
  if (rng.chance(model.returnRate)) ctx.aftersales.postDeliveryCase(rng, o, { line, model, deliverAt, wh });
  else if (rng.chance(0.004)) ctx.aftersales.complaint(rng, o, deliverAt);
}

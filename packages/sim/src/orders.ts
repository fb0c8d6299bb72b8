/**
 * Orders: an intent becomes an order — lines at list price, priced by the core pricing engine
 * against the shop's promotions and the buyer's coupon (marketing.ts), shipping fee, stock
 * reserved — and then pays (or is cancelled after 24 h unpaid). Paid orders go on to fulfilment.
 */
import { dayStart } from '@yunying/core';
import { DAY_MS, HOUR, dayOf, presaleWindow } from './calendar.js';
import type { SimContext } from './context.js';
import { fulfil } from './fulfilment.js';
import { BUYER_NOTES, SELLER_MEMOS, personFor } from './names.js';
import { Rng } from './prng.js';
import { orderNoOf, sourceLabel } from './shops.js';
import type { Intent } from './traffic.js';
import type { SimOrder, SimOrderEvent, SimOrderLine } from './types.js';

/** Adds an event to the order's history. */
export type OrderEventFn = (type: SimOrderEvent['type'], from: string | null, to: string | null, note: string, at: number) => void;

export function placeOrder(ctx: SimContext, it: Intent, day: string): SimOrder {
  const { w, skus, ledger } = ctx;
  const tz = w.timezone;
  const s = ctx.shops[it.shop]!;
  const rng = Rng.of(w.seed, 'order', s.t.key, it.at, it.visitorNo);
  const wh = s.t.warehouse;
  const presaleFor = presaleWindow(w, day);
  const isPresale = presaleFor !== null && it.items.some((x) => w.products[x.p]!.presale);
  const person = personFor(w.seed, s.t.key, s.t.channel, it.visitorNo);
  const id = ctx.ids.make('ord', it.at);
  s.orderSeq += rng.int(1, 9);
  const orderNo = orderNoOf(s.t.channel, day, s.orderSeq, rng);

  // Lines: merge the same SKU; priced by the core engine against the shop's promotions and the
  // buyer's coupon (marketing.ts), shipping by the shop's own rule on what the goods cost after it.
  const bySku = new Map<number, number>();
  for (const x of it.items) bySku.set(x.s, (bySku.get(x.s) ?? 0) + x.qty);
  const skuIdxs = [...bySku.keys()];
  const priced = ctx.marketing.price(it.shop, s, {
    at: it.at,
    visitorNo: it.visitorNo,
    buyerKey: person.nick,
    lines: skuIdxs.map((k) => ({ skuIdx: k, qty: bySku.get(k)! })),
  });
  const { totals } = priced.result;
  const goodsFen = totals.listFen;
  const discountFen = totals.discountFen;
  const shippingFen = totals.goodsFen >= s.t.freeShippingFen ? 0 : s.t.shippingFen;
  const paidFen = totals.goodsFen + shippingFen;
  const lines: SimOrderLine[] = skuIdxs.map((k, i) => {
    const { p, sku } = skus.list[k]!;
    const prod = w.products[p]!;
    const pl = priced.result.lines[i]!;
    return {
      id: ctx.ids.make('orl', it.at),
      lineNo: i + 1,
      skuId: sku.id,
      productId: prod.id,
      title: prod.title,
      specText: sku.specText,
      merchantCode: sku.code,
      channelItemId: s.itemIds[p]!,
      qty: pl.qty,
      unitPriceFen: pl.unitPriceFen,
      discountFen: pl.listFen - pl.finalFen,
      paidFen: pl.finalFen,
      refundFen: 0,
      refundedQty: 0,
      unitCostFen: sku.costFen,
    };
  });
  const { lines: pLines, applied, at: pricedAt } = priced.result;

  const ev: SimOrderEvent[] = [];
  const event: OrderEventFn = (type, from, to, note, at) => {
    ev.push({ id: ctx.ids.make('oev', at), type, fromStatus: from, toStatus: to, note, at });
  };
  event('status', null, 'pending_payment', `买家下单（${sourceLabel(it.source)}）`, it.at);

  // Reserve stock (an emergency receipt first if the shelf is short).
  for (const k of skuIdxs) {
    const q = bySku.get(k)!;
    ctx.purchasing.ensureAvailable(k, wh, q, it.at);
    ledger.move({
      skuIdx: k,
      wh,
      type: 'reserve',
      qty: q,
      at: it.at,
      refType: 'order',
      refId: id,
      note: `订单 ${orderNo} 预占`,
      immediate: true,
    });
    ledger.unitsToday[ledger.k(k, wh)]! += q;
  }

  const o: SimOrder = {
    id,
    shopId: s.id,
    channel: s.t.channel,
    orderNo,
    status: 'pending_payment',
    stockMode: 'reserved',
    warehouseId: w.warehouses[wh]!.id,
    buyerNick: person.nick,
    receiverName: person.name,
    receiverPhone: person.phone,
    receiverAddress: person.address,
    buyerNote: rng.chance(0.06) ? rng.pick(BUYER_NOTES) : '',
    sellerMemo: rng.chance(0.03) ? rng.pick(SELLER_MEMOS) : '',
    goodsFen,
    discountFen,
    shippingFen,
    paidFen,
    refundFen: 0,
    itemCount: lines.reduce((a, l) => a + l.qty, 0),
    isPresale,
    urgent: false,
    logisticsException: false,
    carrier: null,
    trackingNo: null,
    orderedAt: it.at,
    paidAt: null,
    shippedAt: null,
    deliveredAt: null,
    completedAt: null,
    cancelledAt: null,
    orderDay: day,
    paidDay: null,
    visitorId: it.visitorId,
    sourceCode: it.source,
    buyerEmail: person.email,
    updatedAt: it.at,
    lines,
    events: ev,
    refunds: [],
    pricing: applied.length ? { lines: pLines, applied, totals, at: pricedAt } : null,
  };
  const release = (at: number, note: string) => {
    for (const l of lines) {
      ledger.move({
        skuIdx: skus.indexOf(l.skuId),
        wh,
        type: 'release',
        qty: l.qty,
        at,
        refType: 'order',
        refId: id,
        note,
        immediate: false,
      });
    }
  };

  // Payment (a presale balance on the promotion's first day).
  const pays = rng.chance(isPresale ? 0.97 : 0.93);
  let paidAt: number | null = null;
  if (pays) {
    paidAt = isPresale
      ? dayStart(presaleFor!, tz) + Math.floor(rng.logNormal(1.5 * HOUR, 0.8))
      : it.at + Math.floor(rng.logNormal(60_000, 0.9));
  }
  if (paidAt === null || paidAt > w.now) {
    const cancelAt = isPresale ? dayStart(presaleFor!, tz) + DAY_MS : it.at + DAY_MS;
    if (cancelAt <= w.now) {
      o.status = 'cancelled';
      o.cancelledAt = cancelAt;
      o.stockMode = 'released';
      o.updatedAt = cancelAt;
      event('status', 'pending_payment', 'cancelled', isPresale ? '尾款超时未付，订单自动关闭' : '超时未付款，订单自动关闭', cancelAt);
      release(cancelAt, `订单 ${orderNo} 取消，释放预占`);
    }
    ctx.marketing.settle(it.shop, s, o, priced, it.visitorNo);
    return o;
  }
  o.status = 'paid';
  o.paidAt = paidAt;
  o.paidDay = dayOf(paidAt, tz);
  o.updatedAt = paidAt;
  event('status', 'pending_payment', 'paid', isPresale ? '买家支付尾款' : '买家付款', paidAt);
  ctx.paid.book(o, it.shop, it.visitorNo);
  s.buyers.add(it.visitorNo);
  ctx.marketing.settle(it.shop, s, o, priced, it.visitorNo);

  fulfil(ctx, { rng, o, shop: s, wh, paidAt, event, release });
  return o;
}

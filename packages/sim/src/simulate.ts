/**
 * The day-by-day simulation: visitors arrive by source with a weekday rhythm, an intraday curve,
 * promotions and the planted problems; their sessions produce tracker events; some of them order;
 * orders pay, ship, deliver, complete, cancel or come back as after-sales; the stock ledger moves
 * with them and purchase orders refill it. One day at a time, so a year never sits in memory.
 *
 * This file assembles a day; the parts live along their seams: traffic.ts (visitors, sessions,
 * order intents), orders.ts (lines, prices, reservation, payment), fulfilment.ts (shipping,
 * delivery, completion), aftersales.ts, purchasing.ts (demand estimate, POs), ledger.ts (stock
 * counters and ledger rows), stats.ts (statistics days), shops.ts (per-shop state, channels).
 * They share one SimContext. The order of random draws and of id-making is part of the output
 * (determinism.test.ts guards it), so a refactoring must keep every call in its place.
 */
import { addDays, dayStart } from '@yunying/core';
import { Aftersales } from './aftersales.js';
import { HOUR } from './calendar.js';
import type { SimContext } from './context.js';
import { Ledger, SkuTable } from './ledger.js';
import { MarketingBook } from './marketing.js';
import { placeOrder } from './orders.js';
import { IdMaker, Rng } from './prng.js';
import { Purchasing } from './purchasing.js';
import { buildShops } from './shops.js';
import { PaidBook, newStats, statRows } from './stats.js';
import { visitors, type Intent } from './traffic.js';
import type { SimDay, SimEvent, SimOrder, SimTrafficStat } from './types.js';
import type { WorldModel } from './world.js';

export class Simulator {
  private readonly ctx: SimContext;

  constructor(model: WorldModel) {
    const w = model.world;
    const models = model.productModels;
    const ids = new IdMaker(Rng.of(w.seed, 'ids'));
    const skus = new SkuTable(w.products);
    const ledger = new Ledger(w, skus);
    const purchasing = new Purchasing(w, models, skus, ids, ledger);
    this.ctx = {
      w,
      models,
      skus,
      ids,
      shops: buildShops(w, model.shopTemplates, models),
      ledger,
      purchasing,
      aftersales: new Aftersales(w, ids, skus, ledger),
      paid: new PaidBook(w, skus),
      marketing: new MarketingBook(w, skus),
    };
    purchasing.estimateDemand(model.shopTemplates);
  }

  *days(): Generator<SimDay> {
    const { w, purchasing } = this.ctx;
    // The first day also carries the opening stock bought before the window.
    purchasing.openingStock(dayStart(w.startDay, w.timezone));
    for (let i = 0; i < w.dayList.length; i++) yield this.runDay(i, w.dayList[i]!);
  }

  private runDay(index: number, day: string): SimDay {
    const ctx = this.ctx;
    const { w, ledger } = ctx;
    const tz = w.timezone;
    const t0 = dayStart(day, tz);
    const t1 = dayStart(addDays(day, 1), tz);
    const cutoff = Math.min(w.now, t1 - 1);
    const raw = day >= w.rawEventsFrom;
    ledger.flush(t0);
    if (t0 + 10 * HOUR <= w.now) ctx.purchasing.reorder(day, t0 + 10 * HOUR);
    ledger.unitsToday.fill(0);

    const events: SimEvent[] = [];
    const stats: SimTrafficStat[] = [];
    const intents: Intent[] = [];
    ctx.shops.forEach((s, si) => {
      const st = raw ? null : newStats();
      visitors(ctx, { si, index, day, t0, cutoff, events: raw ? events : null, st, intents });
      if (st) statRows(stats, s.id, day, st, w.products);
    });

    // Visitors who claim a shop coupon today without ordering (before the day's orders use them).
    ctx.shops.forEach((s, si) => ctx.marketing.claimsOfDay(si, s, day, t0, cutoff));
    intents.sort((a, b) => a.at - b.at || a.shop - b.shop);
    const orders: SimOrder[] = [];
    for (const it of intents) {
      ledger.flush(it.at);
      orders.push(placeOrder(ctx, it, day));
    }
    // Paying figures of statistics days (raw days are rolled up from the orders themselves).
    if (!raw) ctx.paid.addTo(stats, day, ctx.shops);
    else ctx.paid.drop(day);
    ledger.learnDemand();
    const last = index === w.dayList.length - 1;
    if (last) ledger.flush(w.now);
    return {
      day,
      index,
      events,
      trafficStats: stats,
      orders,
      aftersales: ctx.aftersales.takeCases(),
      purchaseOrders: ctx.purchasing.takePurchaseOrders(),
      movements: ledger.takeMovements(),
      coupons: ctx.marketing.take(t1, last),
    };
  }
}

/**
 * The day-by-day simulation: visitors arrive by source with a weekday rhythm, an intraday curve,
 * promotions and the planted problems; their sessions produce tracker events; some of them order;
 * orders pay, ship, deliver, complete, cancel or come back as after-sales; the stock ledger moves
 * with them and purchase orders refill it. One day at a time, so a year never sits in memory.
 */
import { addDays, allocate, dayStart } from '@yunying/core';
import type { ShopTemplate } from './catalog.js';
import { BUYER_NOTES, SELLER_MEMOS, personFor } from './names.js';
import { IdMaker, Rng, Weighted, hash32 } from './prng.js';
import type {
  SimAftersale,
  SimAftersaleStatus,
  SimAftersaleType,
  SimDay,
  SimEvent,
  SimEventType,
  SimMovement,
  SimMovementType,
  SimOrder,
  SimOrderEvent,
  SimOrderLine,
  SimOrderStatus,
  SimPurchaseOrder,
  SimSku,
  SimTrafficStat,
  SimWorld,
} from './types.js';
import type { ProductModel, WorldModel } from './world.js';

const HOUR = 3_600_000;
const DAY_MS = 24 * HOUR;

/** Visitors by hour of day (relative): quiet at night, peaks late morning, afternoon and 20–23 h. */
const HOURS = new Weighted(
  [2, 1.1, 0.6, 0.4, 0.3, 0.4, 0.8, 1.8, 3.2, 4.2, 5, 5.2, 4.6, 4.8, 5.2, 5, 4.6, 4.4, 4.6, 5.4, 6.4, 7, 6.2, 3.8].map(
    (w, h) => [h, w] as const,
  ),
);
/** Sunday = 0 (weekends busier for a home-goods shop, Friday the quietest). */
const WEEKDAY = [1.1, 1.0, 1.02, 0.98, 0.96, 0.9, 1.07];
const OWN_SOURCES = new Set(['shop', 'cart_fav', 'my_orders', 'direct']);
const BOUNCE: Record<string, number> = {
  search: 0.3,
  recommend: 0.38,
  activity: 0.33,
  content: 0.42,
  paid_search: 0.36,
  display: 0.5,
  affiliate: 0.45,
  feed_ads: 0.52,
  shop: 0.22,
  cart_fav: 0.15,
  my_orders: 0.25,
  direct: 0.28,
  social: 0.4,
  email_sms: 0.36,
  external: 0.52,
};
const SOURCE_CONV: Record<string, number> = {
  search: 1,
  recommend: 0.8,
  activity: 1.15,
  content: 0.9,
  paid_search: 1.05,
  display: 0.6,
  affiliate: 1.2,
  feed_ads: 0.6,
  shop: 1.2,
  cart_fav: 2.2,
  my_orders: 1.3,
  direct: 1.1,
  social: 1,
  email_sms: 1.1,
  external: 0.5,
};
/** Traffic multiplier by source on promotion days. */
const PROMO_TRAFFIC: Record<string, number> = {
  activity: 8,
  search: 1.8,
  recommend: 2,
  paid_search: 2.5,
  display: 2.5,
  affiliate: 2.2,
  content: 1.7,
  feed_ads: 2,
};
const PRODUCT_LANDING = new Set(['search', 'paid_search', 'affiliate', 'recommend', 'content', 'feed_ads', 'display', 'cart_fav']);
const TRACKING_PREFIX: Record<string, string> = {
  顺丰速运: 'SF',
  中通快递: '78',
  圆通速递: 'YT',
  韵达快递: '43',
  极兔速递: 'JT',
  京东物流: 'JDV',
};
/** Hours an after-sales case may sit in a status (mirrors the console's SLA table). */
const SLA_HOURS: Record<SimAftersaleType, Partial<Record<SimAftersaleStatus, number>>> = {
  refund_only: { pending: 48, processing: 24 },
  return_refund: { pending: 48, processing: 48, awaiting_return: 7 * 24, received: 48 },
  complaint: { pending: 24, processing: 72 },
};
const FAR = 100 * 365 * DAY_MS;

interface Pending {
  at: number;
  seq: number;
  k: number;
  dA: number;
  dR: number;
  dO: number;
  dD: number;
  onOrder: number;
}

/** Min-heap of future stock changes, applied when the clock passes them. */
class Heap {
  private a: Pending[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): Pending | undefined {
    return this.a[0];
  }
  push(x: Pending): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(a[p]!, a[i]!)) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): Pending | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
function less(x: Pending, y: Pending): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}

/** Visitor numbers seen recently (a ring), to draw returning visitors from. */
class Pool {
  private buf: Int32Array;
  private n = 0;
  private head = 0;
  constructor(cap: number) {
    this.buf = new Int32Array(Math.max(16, cap));
  }
  add(v: number): void {
    this.buf[this.head] = v;
    this.head = (this.head + 1) % this.buf.length;
    if (this.n < this.buf.length) this.n++;
  }
  get size(): number {
    return this.n;
  }
  pick(rng: Rng): number {
    return this.buf[Math.floor(rng.next() * this.n)]!;
  }
}

interface Intent {
  shop: number;
  visitorNo: number;
  visitorId: string;
  source: string;
  at: number;
  items: { p: number; s: number; qty: number }[];
  returning: boolean;
}

interface ShopState {
  t: ShopTemplate;
  id: string;
  pool: Pool;
  buyers: Pool;
  nextVisitor: number;
  mix: Weighted<string>;
  sources: string[];
  orderSeq: number;
  productWeights: Weighted<number>;
  itemIds: string[];
  urls: { item: (p: number) => string; home: string; list: string; activity: string; orders: string };
  /** Visitor id strings by number (only for this run of the day). */
}

interface DayStats {
  uv: Set<number>;
  pv: number;
  cart: Set<number>;
  fav: Set<number>;
  bySource: Map<string, { uv: Set<number>; pv: number; cart: Set<number>; fav: Set<number> }>;
  byProduct: Map<number, { uv: Set<number>; pv: number; cart: Set<number>; fav: Set<number> }>;
}

interface PaidRecord {
  shop: number;
  visitorNo: number;
  source: string;
  paidFen: number;
  lines: [number, number][];
}

export class Simulator {
  private readonly w: SimWorld;
  private readonly models: ProductModel[];
  private readonly skus: { p: number; sku: SimSku }[] = [];
  private readonly skuStart: number[] = [];
  private readonly nWh: number;
  private readonly avail: Float64Array;
  private readonly reserved: Float64Array;
  private readonly onHand: Float64Array;
  private readonly defective: Float64Array;
  private readonly onOrder: Float64Array;
  private readonly demand: Float64Array;
  private readonly unitsToday: Float64Array;
  private readonly heap = new Heap();
  private seq = 0;
  private readonly ids: IdMaker;
  private readonly shops: ShopState[];
  private poSeq = 0;
  private asSeq = 0;
  private readonly paidBook = new Map<string, PaidRecord[]>();
  private movements: SimMovement[] = [];
  private purchaseOrders: SimPurchaseOrder[] = [];
  private aftersales: SimAftersale[] = [];

  constructor(model: WorldModel) {
    this.w = model.world;
    this.models = model.productModels;
    this.ids = new IdMaker(Rng.of(this.w.seed, 'ids'));
    this.w.products.forEach((p, pi) => {
      this.skuStart.push(this.skus.length);
      for (const sku of p.skus) this.skus.push({ p: pi, sku });
    });
    this.skuStart.push(this.skus.length);
    this.nWh = this.w.warehouses.length;
    const n = this.skus.length * this.nWh;
    this.avail = new Float64Array(n);
    this.reserved = new Float64Array(n);
    this.onHand = new Float64Array(n);
    this.defective = new Float64Array(n);
    this.onOrder = new Float64Array(n);
    this.demand = new Float64Array(n);
    this.unitsToday = new Float64Array(n);
    const profile = this.w.profile;
    this.shops = model.shopTemplates.map((t, si) => {
      const shop = this.w.shops[si]!;
      const sources = Object.keys(t.mix);
      const itemIds = this.w.listings.filter((l) => l.shopId === shop.id).map((l) => l.channelItemId);
      const base = shopBase(t.channel);
      return {
        t,
        id: shop.id,
        pool: new Pool(t.baseUv[profile] * 30),
        buyers: new Pool(t.baseUv[profile] * 6),
        nextVisitor: 1,
        mix: new Weighted(sources.map((s) => [s, t.mix[s]!] as const)),
        sources,
        orderSeq: hash32(this.w.seed, t.key, 'orders') % 100_000,
        productWeights: new Weighted(this.models.map((m, i) => [i, m.popularity] as const)),
        itemIds,
        urls: {
          item: (p: number) => base.item(itemIds[p]!),
          home: base.home,
          list: base.list,
          activity: base.activity,
          orders: base.orders,
        },
      };
    });
    this.estimateDemand();
  }

  /** Rough expected units per SKU × warehouse per day, to size opening stock and reorders. */
  private estimateDemand(): void {
    const totalW = this.models.reduce((s, m) => s + m.popularity * m.convFactor, 0);
    for (const s of this.shops) {
      const orders = s.t.baseUv[this.w.profile] * 0.95 * s.t.conv;
      const wh = s.t.warehouse;
      this.models.forEach((m, p) => {
        const units = (orders * 1.4 * m.popularity * m.convFactor) / totalW;
        const sw = m.skuWeights.reduce((a, b) => a + b, 0);
        for (let j = this.skuStart[p]!; j < this.skuStart[p + 1]!; j++) {
          this.demand[j * this.nWh + wh]! += (units * m.skuWeights[j - this.skuStart[p]!]!) / sw;
        }
      });
    }
  }

  *days(): Generator<SimDay> {
    const w = this.w;
    const first = dayStart(w.startDay, w.timezone);
    this.openingStock(first);
    for (let i = 0; i < w.dayList.length; i++) yield this.runDay(i, w.dayList[i]!);
  }

  // ------------------------------------------------------------------ stock

  private k(skuIdx: number, wh: number): number {
    return skuIdx * this.nWh + wh;
  }

  private flush(until: number): void {
    for (let top = this.heap.peek(); top && top.at <= until; top = this.heap.peek()) {
      this.heap.pop();
      this.avail[top.k]! += top.dA;
      this.reserved[top.k]! += top.dR;
      this.onHand[top.k]! += top.dO;
      this.defective[top.k]! += top.dD;
      this.onOrder[top.k]! -= top.onOrder;
    }
  }

  private movement(
    skuIdx: number,
    wh: number,
    type: SimMovementType,
    qty: number,
    at: number,
    refType: SimMovement['refType'],
    refId: string,
    note: string,
    immediate: boolean,
  ): void {
    const d = {
      inbound: [qty, 0, qty, 0],
      reserve: [-qty, qty, 0, 0],
      release: [qty, -qty, 0, 0],
      ship: [0, -qty, -qty, 0],
      return: [qty, 0, qty, 0],
      defective: [0, 0, 0, qty],
    }[type] as [number, number, number, number];
    const kk = this.k(skuIdx, wh);
    if (immediate) {
      this.avail[kk]! += d[0];
      this.reserved[kk]! += d[1];
      this.onHand[kk]! += d[2];
      this.defective[kk]! += d[3];
    } else {
      this.heap.push({ at, seq: this.seq++, k: kk, dA: d[0], dR: d[1], dO: d[2], dD: d[3], onOrder: type === 'inbound' ? qty : 0 });
    }
    this.movements.push({
      skuId: this.skus[skuIdx]!.sku.id,
      warehouseId: this.w.warehouses[wh]!.id,
      type,
      dOnHand: d[2],
      dReserved: d[1],
      dAvailable: d[0],
      dDefective: d[3],
      refType,
      refId,
      note,
      at,
    });
  }

  private purchase(wh: number, skuIdxs: number[], qtys: number[], createdAt: number, receiveAt: number, note: string): void {
    const supplierOf = (skuIdx: number) => supplierIndex(this.models[this.skus[skuIdx]!.p]!.category);
    // One PO per supplier.
    const bySupplier = new Map<number, number[]>();
    skuIdxs.forEach((s, i) => {
      const sup = supplierOf(s);
      const list = bySupplier.get(sup) ?? [];
      list.push(i);
      bySupplier.set(sup, list);
    });
    for (const [sup, idx] of [...bySupplier.entries()].sort((a, b) => a[0] - b[0])) {
      const received = receiveAt <= this.w.now;
      const id = this.ids.make('po', createdAt);
      const code = `PO${compact(dayOf(createdAt, this.w.timezone))}${String(++this.poSeq).padStart(4, '0')}`;
      const po: SimPurchaseOrder = {
        id,
        code,
        supplierId: this.w.suppliers[sup]!.id,
        warehouseId: this.w.warehouses[wh]!.id,
        status: received ? 'received' : 'ordered',
        note,
        createdAt,
        expectedAt: receiveAt,
        receivedAt: received ? receiveAt : null,
        lines: idx.map((i) => {
          const sku = this.skus[skuIdxs[i]!]!.sku;
          return {
            id: this.ids.make('pol', createdAt),
            skuId: sku.id,
            qty: qtys[i]!,
            receivedQty: received ? qtys[i]! : 0,
            unitCostFen: sku.costFen,
          };
        }),
      };
      this.purchaseOrders.push(po);
      idx.forEach((i) => {
        const kk = this.k(skuIdxs[i]!, wh);
        if (received) {
          const immediate = receiveAt <= createdAt;
          this.movement(skuIdxs[i]!, wh, 'inbound', qtys[i]!, receiveAt, 'purchase_order', id, `采购单 ${code} 入库`, immediate);
          if (!immediate) this.onOrder[kk]! += qtys[i]!;
        } else {
          this.onOrder[kk]! += qtys[i]!; // never arrives within the window
        }
      });
    }
  }

  private openingStock(first: number): void {
    for (let wh = 0; wh < this.nWh; wh++) {
      const skus: number[] = [];
      const qtys: number[] = [];
      for (let s = 0; s < this.skus.length; s++) {
        const d = this.demand[this.k(s, wh)]!;
        if (d <= 0) continue;
        skus.push(s);
        qtys.push(roundUp(Math.max(30, d * 40), 10));
      }
      if (skus.length) this.purchase(wh, skus, qtys, first - 3 * DAY_MS, first - DAY_MS + 10 * HOUR, '期初备货');
    }
  }

  private reorder(day: string, t: number): void {
    for (let wh = 0; wh < this.nWh; wh++) {
      const skus: number[] = [];
      const qtys: number[] = [];
      for (let s = 0; s < this.skus.length; s++) {
        const kk = this.k(s, wh);
        const d = this.demand[kk]!;
        if (d <= 0) continue;
        if (this.avail[kk]! + this.onOrder[kk]! < d * 14) {
          skus.push(s);
          qtys.push(roundUp(Math.max(20, d * 30), 10));
        }
      }
      if (skus.length) this.purchase(wh, skus, qtys, t, dayStart(addDays(day, 3), this.w.timezone) + 15 * HOUR, '补货');
    }
  }

  // ------------------------------------------------------------------ a day

  private runDay(index: number, day: string): SimDay {
    const w = this.w;
    const tz = w.timezone;
    const t0 = dayStart(day, tz);
    const t1 = dayStart(addDays(day, 1), tz);
    const cutoff = Math.min(w.now, t1 - 1);
    const raw = day >= w.rawEventsFrom;
    // (The first day also carries the opening stock bought before the window.)
    this.flush(t0);
    if (t0 + 10 * HOUR <= w.now) this.reorder(day, t0 + 10 * HOUR);
    this.unitsToday.fill(0);

    const events: SimEvent[] = [];
    const stats: SimTrafficStat[] = [];
    const intents: Intent[] = [];
    this.shops.forEach((s, si) => {
      const st = raw ? null : newStats();
      this.visitors(si, index, day, t0, cutoff, raw ? events : null, st, intents);
      if (st) this.pushStats(stats, s.id, day, st, si);
    });

    intents.sort((a, b) => a.at - b.at || a.shop - b.shop);
    const orders: SimOrder[] = [];
    for (const it of intents) {
      this.flush(it.at);
      orders.push(this.order(it, day));
    }
    // Paying figures of statistics days (raw days are rolled up from the orders themselves).
    if (!raw) this.addPaidStats(stats, day);
    else this.paidBook.delete(day);
    // Learn demand (EWMA) for the next reorder.
    for (let kk = 0; kk < this.demand.length; kk++) this.demand[kk] = this.demand[kk]! * 0.93 + this.unitsToday[kk]! * 0.07;
    if (index === w.dayList.length - 1) this.flush(w.now);
    const out: SimDay = {
      day,
      index,
      events,
      trafficStats: stats,
      orders,
      aftersales: this.aftersales,
      purchaseOrders: this.purchaseOrders,
      movements: this.movements,
    };
    this.movements = [];
    this.purchaseOrders = [];
    this.aftersales = [];
    return out;
  }

  private promoOn(day: string): boolean {
    return this.w.promotions.some((p) => day >= p.fromDay && day <= p.toDay);
  }

  private presaleWindow(day: string): string | null {
    const p = this.w.promotions.find((x) => day >= x.presaleFromDay && day < x.fromDay);
    return p ? p.fromDay : null;
  }

  /** Conversion multiplier of the day: lift on promotion days, wait-and-see just before. */
  private dayConv(day: string): number {
    if (this.promoOn(day)) return 1.5;
    if (this.w.promotions.some((p) => day >= addDays(p.fromDay, -4) && day < p.fromDay)) return 0.8;
    if (this.w.promotions.some((p) => day > p.toDay && day <= addDays(p.toDay, 2))) return 0.85;
    return 1;
  }

  private visitors(
    si: number,
    index: number,
    day: string,
    t0: number,
    cutoff: number,
    events: SimEvent[] | null,
    st: DayStats | null,
    intents: Intent[],
  ): void {
    const w = this.w;
    const s = this.shops[si]!;
    const rng = Rng.of(w.seed, 'traffic', s.t.key, day);
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
    const growth = 1 + (0.12 * index) / w.dayList.length;
    const dayNoise = Math.exp(0.06 * rng.normal());
    const promo = this.promoOn(day);
    const before = this.w.promotions.some((p) => day >= addDays(p.fromDay, -2) && day < p.fromDay) ? 1.1 : 1;
    const conv = this.dayConv(day);
    const problems = w.problems;
    const convDrop = this.w.products.findIndex((p) => p.id === problems.conversionDrop.productId);
    const presaleFor = this.presaleWindow(day);
    const base = s.t.baseUv[w.profile];
    const total = s.sources.reduce((a, src) => a + s.t.mix[src]!, 0);

    for (const src of s.sources) {
      let mean = (base * s.t.mix[src]!) / total;
      mean *= WEEKDAY[dow]! * growth * dayNoise * before * Math.exp(0.05 * rng.normal());
      if (promo) mean *= PROMO_TRAFFIC[src] ?? 1.4;
      if (s.id === problems.trafficDrop.shopId && src === problems.trafficDrop.sourceCode && day >= problems.trafficDrop.fromDay) {
        mean *= problems.trafficDrop.factor;
      }
      const count = rng.poisson(mean);
      const pRet = OWN_SOURCES.has(src) ? 0.75 : 0.12;
      for (let v = 0; v < count; v++) {
        // Who: a returning visitor (sometimes a previous buyer) or a new one.
        let no: number;
        let returning = false;
        let buyer = false;
        if (s.pool.size > 50 && rng.chance(pRet)) {
          returning = true;
          if (s.buyers.size > 20 && rng.chance(0.3)) {
            no = s.buyers.pick(rng);
            buyer = true;
          } else no = s.pool.pick(rng);
        } else {
          no = s.nextVisitor++;
          s.pool.add(no);
        }
        const at = t0 + HOURS.pick(rng) * HOUR + Math.floor(rng.next() * 3_540_000);
        if (at > cutoff) continue;
        this.session(rng, si, day, at, cutoff, src, no, returning, buyer, promo, conv, convDrop, presaleFor, events, st, intents);
      }
    }
  }

  private session(
    rng: Rng,
    si: number,
    day: string,
    start: number,
    cutoff: number,
    src: string,
    no: number,
    returning: boolean,
    buyer: boolean,
    promo: boolean,
    conv: number,
    convDrop: number,
    presaleFor: string | null,
    events: SimEvent[] | null,
    st: DayStats | null,
    intents: Intent[],
  ): void {
    const s = this.shops[si]!;
    const w = this.w;
    const visitorId = visitorIdOf(w.seed, s.t.key, no);
    const sessionId = `s_${(hash32(w.seed, s.t.key, no, start) >>> 0).toString(36)}${(start % 1_000_000).toString(36)}`;
    const referrer = referrerOf(s.t.channel, src);
    const utm =
      OWN_SOURCES.has(src) || src === 'search' || src === 'recommend' ? '' : `${s.t.channel === 'own' ? '?' : '&'}utm_source=${src}`;
    let t = start;
    let prevUrl = referrer;
    const emit = (type: SimEventType, p: number | null, url: string, dwell = 0) => {
      if (t > cutoff) return false;
      if (events) {
        events.push({
          id: this.ids.make('evt', t),
          shopId: s.id,
          day,
          at: t,
          visitorId,
          sessionId,
          type,
          productId: p === null ? null : w.products[p]!.id,
          sourceCode: src,
          url,
          referrer: type === 'page_view' ? prevUrl : '',
          dwellMs: dwell,
        });
      }
      if (st) countStat(st, type, p, src, no);
      if (type === 'page_view') prevUrl = url;
      return true;
    };
    const bounce = rng.chance((BOUNCE[src] ?? 0.4) * (promo ? 0.85 : 1));
    const productLanding = PRODUCT_LANDING.has(src) ? rng.chance(0.75) : rng.chance(0.3);
    const viewed: number[] = [];
    let carted: number[] = [];
    if (!productLanding) {
      const url = src === 'activity' ? s.urls.activity : src === 'my_orders' ? s.urls.orders : rng.chance(0.6) ? s.urls.home : s.urls.list;
      emit('page_view', null, url + utm);
      t += Math.floor(rng.logNormal(12_000, 0.6));
      if (bounce) return;
    }
    const nViews = bounce ? 1 : Math.min(6, 1 + Math.floor(-Math.log(1 - rng.next()) / 0.8));
    let intent: Intent | null = null;
    for (let i = 0; i < nViews && t <= cutoff; i++) {
      const p = s.productWeights.pick(rng);
      const url = s.urls.item(p) + (i === 0 ? utm : '');
      emit('page_view', p, url);
      const m = this.models[p]!;
      let pOrder = s.t.conv * m.convFactor * (SOURCE_CONV[src] ?? 1) * conv * (returning ? 1.25 : 1) * (buyer ? 1.5 : 1);
      if (p === convDrop && day >= w.problems.conversionDrop.fromDay) pOrder *= w.problems.conversionDrop.factor;
      if (bounce) pOrder = 0;
      const willOrder = intent === null && rng.chance(pOrder);
      const dwell = Math.floor(rng.logNormal(willOrder ? 70_000 : 32_000, 0.7));
      if (!viewed.includes(p)) viewed.push(p);
      if (!bounce && rng.chance(0.05)) emit('favorite', p, url);
      const cart = !bounce && (rng.chance(0.09) || (willOrder && rng.chance(0.65)));
      t += Math.min(dwell, 600_000);
      if (cart) {
        emit('add_to_cart', p, url);
        carted.push(p);
      }
      emit('product_view', p, url, Math.min(dwell, 600_000));
      t += Math.floor(rng.logNormal(5_000, 0.5));
      if (bounce) return;
      if (willOrder) {
        const items = [p];
        carted = carted.filter((x) => x !== p);
        for (const c of carted) if (rng.chance(0.45)) items.push(c);
        emit('begin_checkout', p, s.urls.orders.replace('orders', 'confirm'));
        t += Math.floor(rng.logNormal(45_000, 0.4));
        if (t > cutoff) return;
        intent = {
          shop: si,
          visitorNo: no,
          visitorId,
          source: src,
          at: t,
          returning,
          items: items.map((pi) => ({ p: pi, s: this.pickSku(rng, pi), qty: qtyOf(rng, this.models[pi]!.category) })),
        };
        // The presale product can only be ordered as presale in the window before a promotion.
        if (presaleFor === null && items.some((pi) => w.products[pi]!.presale) && !promo) {
          intent.items = intent.items.filter((x) => !w.products[x.p]!.presale);
          if (intent.items.length === 0) intent = null;
        }
        if (intent) {
          intents.push(intent);
          break;
        }
      }
      if (rng.chance(0.35)) {
        t += Math.floor(rng.logNormal(8_000, 0.5));
        emit('page_view', null, s.urls.list);
      }
    }
  }

  private pickSku(rng: Rng, p: number): number {
    const ws = this.models[p]!.skuWeights;
    let x = rng.next() * ws.reduce((a, b) => a + b, 0);
    for (let j = 0; j < ws.length; j++) {
      x -= ws[j]!;
      if (x <= 0) return this.skuStart[p]! + j;
    }
    return this.skuStart[p]! + ws.length - 1;
  }

  // ------------------------------------------------------------------ orders

  private order(it: Intent, day: string): SimOrder {
    const w = this.w;
    const tz = w.timezone;
    const s = this.shops[it.shop]!;
    const rng = Rng.of(w.seed, 'order', s.t.key, it.at, it.visitorNo);
    const wh = s.t.warehouse;
    const promo = this.promoOn(day);
    const presaleFor = this.presaleWindow(day);
    const isPresale = presaleFor !== null && it.items.some((x) => w.products[x.p]!.presale);
    const person = personFor(w.seed, s.t.key, s.t.channel, it.visitorNo);
    const id = this.ids.make('ord', it.at);
    s.orderSeq += rng.int(1, 9);
    const orderNo = orderNoOf(s.t.channel, day, s.orderSeq, rng);

    // Lines: merge the same SKU, promotion price on promotion days.
    const bySku = new Map<number, number>();
    for (const x of it.items) bySku.set(x.s, (bySku.get(x.s) ?? 0) + x.qty);
    const skuIdxs = [...bySku.keys()];
    const units = skuIdxs.map((k) => {
      const sku = this.skus[k]!.sku;
      return promo ? Math.round((sku.priceFen * 0.85) / 100) * 100 : sku.priceFen;
    });
    const goods = skuIdxs.map((k, i) => units[i]! * bySku.get(k)!);
    const goodsFen = goods.reduce((a, b) => a + b, 0);
    const discountFen = promo
      ? Math.floor(goodsFen / 30_000) * 4_000
      : s.t.channel === 'jd'
        ? goodsFen >= 9_900
          ? 1_000
          : 0
        : goodsFen >= 19_900 && s.t.channel !== 'own'
          ? 1_500
          : 0;
    const discounts = allocate(discountFen, goods);
    const shippingFen = goodsFen - discountFen >= s.t.freeShippingFen ? 0 : s.t.shippingFen;
    const paidFen = goodsFen - discountFen + shippingFen;
    const lines: SimOrderLine[] = skuIdxs.map((k, i) => {
      const { p, sku } = this.skus[k]!;
      const prod = w.products[p]!;
      return {
        id: this.ids.make('orl', it.at),
        lineNo: i + 1,
        skuId: sku.id,
        productId: prod.id,
        title: prod.title,
        specText: sku.specText,
        merchantCode: sku.code,
        channelItemId: s.itemIds[p]!,
        qty: bySku.get(k)!,
        unitPriceFen: units[i]!,
        discountFen: discounts[i]!,
        paidFen: goods[i]! - discounts[i]!,
        refundFen: 0,
        refundedQty: 0,
        unitCostFen: sku.costFen,
      };
    });

    const ev: SimOrderEvent[] = [];
    const event = (type: SimOrderEvent['type'], from: string | null, to: string | null, note: string, at: number) =>
      ev.push({ id: this.ids.make('oev', at), type, fromStatus: from, toStatus: to, note, at });
    event('status', null, 'pending_payment', `买家下单（${sourceLabel(it.source)}）`, it.at);

    // Reserve stock (an emergency receipt first if the shelf is short).
    for (const k of skuIdxs) {
      const q = bySku.get(k)!;
      const kk = this.k(k, wh);
      if (this.avail[kk]! < q) {
        this.purchase(wh, [k], [roundUp(Math.max(q, this.demand[kk]! * 10, 10), 10)], it.at - 2 * HOUR, it.at - HOUR, '紧急补货');
        this.flush(it.at);
      }
      this.movement(k, wh, 'reserve', q, it.at, 'order', id, `订单 ${orderNo} 预占`, true);
      this.unitsToday[kk]! += q;
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
      updatedAt: it.at,
      lines,
      events: ev,
    };
    const release = (at: number, note: string) => {
      for (const l of lines) {
        this.movement(this.skuIndexOf(l.skuId), wh, 'release', l.qty, at, 'order', id, note, false);
      }
    };

    // Payment.
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
      return o;
    }
    o.status = 'paid';
    o.paidAt = paidAt;
    o.paidDay = dayOf(paidAt, tz);
    o.updatedAt = paidAt;
    event('status', 'pending_payment', 'paid', isPresale ? '买家支付尾款' : '买家付款', paidAt);
    this.bookPaid(o, it);
    s.buyers.add(it.visitorNo);

    // Shipping (slow for a week at the problem warehouse), delivery, completion.
    const pr = w.problems.shippingDelay;
    const median = { tmall: 20, jd: 9, own: 26, douyin: 30 }[s.t.channel as 'tmall'] ?? 20;
    let delay = Math.min(72, Math.max(1.5, rng.logNormal(isPresale ? 40 : median, 0.45))) * HOUR;
    if (o.warehouseId === pr.warehouseId && o.paidDay >= pr.fromDay && o.paidDay <= pr.toDay) delay *= pr.factor;
    const shipAt = paidAt + Math.floor(delay);

    // Refund requested before shipping (more of them when shipping is slow).
    const slow = delay > 60 * HOUR;
    if (rng.chance(slow ? 0.12 : 0.025)) {
      const askAt = paidAt + Math.floor(Math.min(delay * 0.8, rng.logNormal(6 * HOUR, 0.8)));
      if (askAt < shipAt && askAt <= w.now) {
        this.preShipRefund(rng, o, askAt, shipAt, slow, release);
        if ((o.status as SimOrderStatus) === 'refunded') return o;
      }
    }
    if (shipAt > w.now) {
      if (w.now - paidAt > 24 * HOUR && rng.chance(0.4)) {
        o.urgent = true;
        event('flag', null, null, '买家催发货', paidAt + 24 * HOUR + Math.floor(rng.next() * Math.max(1, w.now - paidAt - 24 * HOUR)));
      }
      return o;
    }
    o.status = 'shipped';
    o.stockMode = 'shipped';
    o.shippedAt = shipAt;
    o.carrier = rng.pick(s.t.carriers);
    o.trackingNo = (TRACKING_PREFIX[o.carrier] ?? 'YD') + rng.chars(12, '0123456789');
    o.updatedAt = shipAt;
    if (delay > 48 * HOUR) o.urgent = rng.chance(0.5);
    event('ship', 'paid', 'shipped', `发货：${o.carrier} ${o.trackingNo}`, shipAt);
    for (const l of lines) {
      this.movement(this.skuIndexOf(l.skuId), wh, 'ship', l.qty, shipAt, 'order', id, `订单 ${orderNo} 发货出库`, false);
    }
    const transit = Math.floor(Math.min(8 * DAY_MS, rng.logNormal(s.t.channel === 'jd' ? 26 * HOUR : 52 * HOUR, 0.35)));
    const deliverAt = shipAt + transit;
    if (deliverAt > w.now) {
      if (w.now - shipAt > 4 * DAY_MS || rng.chance(0.005)) o.logisticsException = true;
      return o;
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
    const line = lines[rng.int(0, lines.length - 1)]!;
    const m = this.models[this.skus[this.skuIndexOf(line.skuId)]!.p]!;
    if (rng.chance(m.returnRate)) this.postDeliveryCase(rng, o, line, m, deliverAt, wh);
    else if (rng.chance(0.004)) this.complaint(rng, o, deliverAt);
    return o;
  }

  private skuIndexCache = new Map<string, number>();
  private skuIndexOf(skuId: string): number {
    let i = this.skuIndexCache.get(skuId);
    if (i === undefined) {
      i = this.skus.findIndex((x) => x.sku.id === skuId);
      this.skuIndexCache.set(skuId, i);
    }
    return i;
  }

  private bookPaid(o: SimOrder, it: Intent): void {
    if (o.paidDay === null || o.paidDay < this.w.startDay || o.paidDay >= this.w.rawEventsFrom) return;
    const list = this.paidBook.get(o.paidDay) ?? [];
    list.push({
      shop: it.shop,
      visitorNo: it.visitorNo,
      source: o.sourceCode,
      paidFen: o.paidFen,
      lines: o.lines.map((l) => [this.skus[this.skuIndexOf(l.skuId)]!.p, l.paidFen]),
    });
    this.paidBook.set(o.paidDay, list);
  }

  private newCase(
    o: SimOrder,
    type: SimAftersaleType,
    reason: string,
    responsibility: SimAftersale['responsibility'],
    createdAt: number,
    lines: SimAftersale['lines'],
    note: string,
  ): SimAftersale {
    const c: SimAftersale = {
      id: this.ids.make('as', createdAt),
      shopId: o.shopId,
      orderId: o.id,
      code: `AS${compact(dayOf(createdAt, this.w.timezone))}${String(++this.asSeq).padStart(5, '0')}`,
      type,
      status: 'pending',
      reason,
      responsibility,
      refundFen: 0,
      note,
      slaDueAt: createdAt + (SLA_HOURS[type].pending ?? 48) * HOUR,
      resolvedAt: null,
      createdAt,
      updatedAt: createdAt,
      lines,
      events: [{ id: this.ids.make('ase', createdAt), fromStatus: null, toStatus: 'pending', note: '买家申请售后', at: createdAt }],
    };
    this.aftersales.push(c);
    o.events.push({
      id: this.ids.make('oev', createdAt),
      type: 'aftersale',
      fromStatus: null,
      toStatus: null,
      note: `售后单 ${c.code} 已创建`,
      at: createdAt,
    });
    return c;
  }

  /** Move a case on if the step is due before now; returns false when it stays put. */
  private step(c: SimAftersale, to: SimAftersaleStatus, at: number, note: string): boolean {
    if (at > this.w.now) return false;
    c.events.push({ id: this.ids.make('ase', at), fromStatus: c.status, toStatus: to, note, at });
    c.status = to;
    c.updatedAt = at;
    const h = SLA_HOURS[c.type][to];
    c.slaDueAt = h === undefined ? at + FAR : at + h * HOUR;
    if (to === 'completed' || to === 'closed') c.resolvedAt = at;
    return true;
  }

  private refundOrder(
    o: SimOrder,
    parts: { line: SimOrderLine; qty: number; amount: number }[],
    at: number,
    note: string,
    shippingFen = 0,
  ): number {
    let total = shippingFen;
    for (const x of parts) {
      x.line.refundFen += x.amount;
      x.line.refundedQty += x.qty;
      total += x.amount;
    }
    o.refundFen += total;
    o.updatedAt = Math.max(o.updatedAt, at);
    const full = o.refundFen >= o.paidFen || o.lines.every((l) => l.refundedQty >= l.qty && l.refundFen >= l.paidFen);
    o.events.push({
      id: this.ids.make('oev', at),
      type: 'refund',
      fromStatus: null,
      toStatus: null,
      note: `退款 ¥${(total / 100).toFixed(2)}（${note}），累计已退 ¥${(o.refundFen / 100).toFixed(2)}`,
      at,
    });
    if (full) {
      o.events.push({ id: this.ids.make('oev', at), type: 'status', fromStatus: o.status, toStatus: 'refunded', note: '全额退款', at });
      o.status = 'refunded';
    }
    return total;
  }

  private preShipRefund(
    rng: Rng,
    o: SimOrder,
    askAt: number,
    shipAt: number,
    slow: boolean,
    release: (at: number, note: string) => void,
  ): void {
    const reason = slow ? '未按约定时间发货' : rng.pick(['七天无理由', '其他', '七天无理由']);
    const c = this.newCase(
      o,
      'refund_only',
      reason,
      slow ? 'service' : 'buyer',
      askAt,
      o.lines.map((l) => ({ orderLineId: l.id, qty: l.qty, goodQty: 0, defectiveQty: 0 })),
      slow ? '买家反映迟迟未发货，申请退款' : '买家未发货前申请退款',
    );
    // Most are refunded within hours; some recent ones wait (and go overdue). Old ones were all handled.
    if (rng.chance(0.12) && this.recent(askAt)) return;
    const doneAt = askAt + Math.floor(rng.logNormal(3 * HOUR, 0.8));
    if (doneAt >= shipAt) {
      this.step(c, 'closed', shipAt, '商家已发货，买家撤销退款申请');
      return;
    }
    if (doneAt > this.w.now) return;
    c.refundFen = this.refundOrder(
      o,
      o.lines.map((l) => ({ line: l, qty: l.qty, amount: l.paidFen })),
      doneAt,
      `售后单 ${c.code}`,
      o.shippingFen,
    );
    this.step(c, 'completed', doneAt, `退款 ¥${(c.refundFen / 100).toFixed(2)}`);
    o.stockMode = 'released';
    release(doneAt, `订单 ${o.orderNo} 退款，释放预占`);
  }

  /** Cases still open today are recent: a shop does not leave a case unanswered for months. */
  private recent(at: number): boolean {
    return this.w.now - at < 14 * DAY_MS;
  }

  private postDeliveryCase(rng: Rng, o: SimOrder, line: SimOrderLine, m: ProductModel, deliverAt: number, wh: number): void {
    const askAt = deliverAt + Math.floor(rng.logNormal(1.5 * DAY_MS, 0.7));
    if (askAt > this.w.now) return;
    const apparel = ['T恤', '家居服', '内衣袜子'].includes(m.category);
    const x = rng.next();
    const reason = apparel && x < 0.45 ? '尺码不合适' : x < 0.65 ? '七天无理由' : x < 0.85 ? '质量问题' : x < 0.93 ? '物流破损' : '发错货';
    const responsibility = (
      { 尺码不合适: 'buyer', 七天无理由: 'buyer', 质量问题: 'product', 物流破损: 'logistics', 发错货: 'service' } as const
    )[reason];
    const partial = (reason === '质量问题' || reason === '物流破损') && rng.chance(0.35);
    const qty = partial ? 1 : line.qty;
    const c = this.newCase(
      o,
      partial ? 'refund_only' : 'return_refund',
      reason,
      responsibility,
      askAt,
      [{ orderLineId: line.id, qty, goodQty: 0, defectiveQty: 0 }],
      partial ? '买家反馈商品瑕疵，协商部分退款' : '买家申请退货退款',
    );
    const stuck = rng.chance(0.1) && this.recent(askAt);
    const t1 = askAt + Math.floor(rng.logNormal(8 * HOUR, 0.8));
    if (stuck || !this.step(c, 'processing', t1, '客服同意')) return;
    const share = allocate(
      line.paidFen,
      Array.from({ length: line.qty }, () => 1),
    );
    const full = share.slice(0, qty).reduce((a, b) => a + b, 0);
    if (partial) {
      const amount = Math.max(100, Math.round((full * (0.2 + rng.next() * 0.3)) / 100) * 100);
      const t2 = t1 + Math.floor(rng.logNormal(5 * HOUR, 0.6));
      if (t2 > this.w.now) return;
      c.refundFen = this.refundOrder(o, [{ line, qty: 0, amount: Math.min(amount, full) }], t2, `售后单 ${c.code} 部分退款`);
      this.step(c, 'completed', t2, `部分退款 ¥${(c.refundFen / 100).toFixed(2)}`);
      return;
    }
    if (!this.step(c, 'awaiting_return', t1 + 60_000, '等待买家寄回')) return;
    const t3 = t1 + Math.floor(rng.logNormal(3 * DAY_MS, 0.4));
    if (rng.chance(0.04)) {
      this.step(c, 'closed', t1 + 7 * DAY_MS, '买家超时未寄回，售后关闭');
      return;
    }
    if (!this.step(c, 'received', t3, '仓库验收')) return;
    const bad = reason === '质量问题' || reason === '物流破损' ? qty : rng.chance(0.08) ? 1 : 0;
    const good = qty - bad;
    c.lines[0]!.goodQty = good;
    c.lines[0]!.defectiveQty = bad;
    const k = this.skuIndexOf(line.skuId);
    if (good > 0) this.movement(k, wh, 'return', good, t3, 'aftersale', c.id, `售后 ${c.code} 退货验收良品入库`, false);
    if (bad > 0) this.movement(k, wh, 'defective', bad, t3, 'aftersale', c.id, `售后 ${c.code} 退货验收次品`, false);
    if (rng.chance(0.08) && this.recent(t3)) return; // waiting for finance: overdue after 48 h
    const t4 = t3 + Math.floor(rng.logNormal(10 * HOUR, 0.6));
    if (t4 > this.w.now) return;
    c.refundFen = this.refundOrder(o, [{ line, qty, amount: full }], t4, `售后单 ${c.code}`);
    this.step(c, 'completed', t4, `退款 ¥${(c.refundFen / 100).toFixed(2)}`);
  }

  private complaint(rng: Rng, o: SimOrder, deliverAt: number): void {
    const at = deliverAt + Math.floor(rng.logNormal(DAY_MS, 0.6));
    if (at > this.w.now) return;
    const c = this.newCase(o, 'complaint', '其他', 'logistics', at, [], '买家投诉快递员态度差、未送货上门');
    const t1 = at + Math.floor(rng.logNormal(6 * HOUR, 0.7));
    if (!this.step(c, 'processing', t1, '客服跟进')) return;
    this.step(c, 'completed', t1 + Math.floor(rng.logNormal(20 * HOUR, 0.5)), '已致歉并补偿优惠券');
  }

  // ------------------------------------------------------------------ statistics days

  private pushStats(out: SimTrafficStat[], shopId: string, day: string, st: DayStats, si: number): void {
    void si;
    const row = (productId: string, sourceCode: string, x: { uv: Set<number>; pv: number; cart: Set<number>; fav: Set<number> }) =>
      out.push({
        shopId,
        day,
        productId,
        sourceCode,
        uv: x.uv.size,
        pv: x.pv,
        cartUv: x.cart.size,
        favUv: x.fav.size,
        payingBuyers: 0,
        paidFen: 0,
      });
    row('', '', st);
    for (const [src, x] of [...st.bySource.entries()].sort()) row('', src, x);
    for (const [p, x] of [...st.byProduct.entries()].sort((a, b) => a[0] - b[0])) row(this.w.products[p]!.id, '', x);
  }

  private addPaidStats(out: SimTrafficStat[], day: string): void {
    const recs = this.paidBook.get(day) ?? [];
    this.paidBook.delete(day);
    const find = (shopId: string, productId: string, sourceCode: string) => {
      let r = out.find((x) => x.shopId === shopId && x.productId === productId && x.sourceCode === sourceCode);
      if (!r) {
        r = { shopId, day, productId, sourceCode, uv: 0, pv: 0, cartUv: 0, favUv: 0, payingBuyers: 0, paidFen: 0 };
        out.push(r);
      }
      return r;
    };
    const index = new Map<string, SimTrafficStat>();
    const get = (shopId: string, productId: string, sourceCode: string) => {
      const key = `${shopId}|${productId}|${sourceCode}`;
      let r = index.get(key);
      if (!r) index.set(key, (r = find(shopId, productId, sourceCode)));
      return r;
    };
    const buyers = new Set<string>();
    for (const r of recs) {
      const shopId = this.shops[r.shop]!.id;
      const add = (productId: string, sourceCode: string, fen: number) => {
        const row = get(shopId, productId, sourceCode);
        const key = `${shopId}|${productId}|${sourceCode}|${r.visitorNo}`;
        if (!buyers.has(key)) {
          buyers.add(key);
          row.payingBuyers++;
        }
        row.paidFen += fen;
      };
      add('', '', r.paidFen);
      add('', r.source, r.paidFen);
      for (const [p, fen] of r.lines) add(this.w.products[p]!.id, '', fen);
    }
  }
}

// ------------------------------------------------------------------ helpers

function newStats(): DayStats {
  return { uv: new Set(), pv: 0, cart: new Set(), fav: new Set(), bySource: new Map(), byProduct: new Map() };
}

function countStat(st: DayStats, type: SimEventType, p: number | null, src: string, no: number): void {
  let bs = st.bySource.get(src);
  if (!bs) st.bySource.set(src, (bs = { uv: new Set(), pv: 0, cart: new Set(), fav: new Set() }));
  st.uv.add(no);
  bs.uv.add(no);
  let bp: { uv: Set<number>; pv: number; cart: Set<number>; fav: Set<number> } | undefined;
  if (p !== null) {
    bp = st.byProduct.get(p);
    if (!bp) st.byProduct.set(p, (bp = { uv: new Set(), pv: 0, cart: new Set(), fav: new Set() }));
    bp.uv.add(no);
  }
  if (type === 'page_view') {
    st.pv++;
    bs.pv++;
    if (bp) bp.pv++;
  } else if (type === 'add_to_cart') {
    st.cart.add(no);
    bs.cart.add(no);
    bp?.cart.add(no);
  } else if (type === 'favorite') {
    st.fav.add(no);
    bs.fav.add(no);
    bp?.fav.add(no);
  }
}

function qtyOf(rng: Rng, category: string): number {
  const x = rng.next();
  if (['内衣袜子', '毛巾浴巾', '餐厨用品'].includes(category)) return x < 0.7 ? 1 : x < 0.92 ? 2 : 3;
  return x < 0.86 ? 1 : x < 0.97 ? 2 : 3;
}

function roundUp(n: number, step: number): number {
  return Math.ceil(n / step) * step;
}

function supplierIndex(category: string): number {
  if (category === '杯壶') return 1;
  if (['床品套件', '被子', '枕头', 'T恤', '家居服', '内衣袜子', '毛巾浴巾'].includes(category)) return 0;
  return 2;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
function dayOf(at: number, tz: string): string {
  let f = dayFormatters.get(tz);
  if (!f)
    dayFormatters.set(tz, (f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(new Date(at));
}

function compact(day: string): string {
  return day.replace(/-/g, '');
}

export function visitorIdOf(seed: number, shopKey: string, no: number): string {
  const a = hash32(seed, 'visitor', shopKey, no);
  const b = hash32(no, shopKey, seed, 'v');
  return `v_${a.toString(36).padStart(7, '0')}${b.toString(36).padStart(7, '0')}`;
}

function orderNoOf(channel: string, day: string, seq: number, rng: Rng): string {
  const n = String(seq).padStart(9, '0');
  switch (channel) {
    case 'tmall':
      return `${compact(day).slice(2)}${n}${rng.chars(4, '0123456789')}`;
    case 'jd':
      return `3${n}${rng.chars(2, '0123456789')}`;
    case 'douyin':
      return `69${compact(day).slice(2)}${n}${rng.chars(2, '0123456789')}`;
    default:
      return `QM${compact(day)}${n.slice(-6)}`;
  }
}

function shopBase(channel: string) {
  switch (channel) {
    case 'tmall':
      return {
        item: (id: string) => `https://detail.tmall.com/item.htm?id=${id}`,
        home: 'https://qimushenghuo.tmall.com/',
        list: 'https://qimushenghuo.tmall.com/search.htm',
        activity: 'https://qimushenghuo.tmall.com/p/promo.htm',
        orders: 'https://buyertrade.taobao.com/orders',
      };
    case 'jd':
      return {
        item: (id: string) => `https://item.jd.com/${id}.html`,
        home: 'https://mall.jd.com/index-1000396211.html',
        list: 'https://mall.jd.com/view_search-1000396211.html',
        activity: 'https://pro.jd.com/mall/active/qimu/index.html',
        orders: 'https://order.jd.com/orders',
      };
    case 'douyin':
      return {
        item: (id: string) => `https://haohuo.jinritemai.com/views/product/item2?id=${id}`,
        home: 'https://haohuo.jinritemai.com/views/shop/index?id=QMSH',
        list: 'https://haohuo.jinritemai.com/views/shop/search?id=QMSH',
        activity: 'https://haohuo.jinritemai.com/views/activity/qimu',
        orders: 'https://haohuo.jinritemai.com/views/orders',
      };
    default:
      return {
        item: (code: string) => `https://shop.qimu-life.cn/p/${code}`,
        home: 'https://shop.qimu-life.cn/',
        list: 'https://shop.qimu-life.cn/c/all',
        activity: 'https://shop.qimu-life.cn/promo',
        orders: 'https://shop.qimu-life.cn/my/orders',
      };
  }
}

function referrerOf(channel: string, src: string): string {
  switch (src) {
    case 'search':
      return channel === 'jd'
        ? 'https://search.jd.com/'
        : channel === 'own'
          ? 'https://www.baidu.com/'
          : channel === 'douyin'
            ? 'https://www.douyin.com/search'
            : 'https://s.taobao.com/';
    case 'social':
      return 'https://servicewechat.com/';
    case 'email_sms':
      return '';
    case 'content':
      return channel === 'own' ? 'https://www.xiaohongshu.com/' : 'https://live.taobao.com/';
    case 'external':
      return 'https://www.zhihu.com/';
    default:
      return '';
  }
}

function sourceLabel(code: string): string {
  return (
    (
      {
        search: '搜索',
        recommend: '推荐',
        activity: '活动',
        content: '内容/直播',
        paid_search: '直通车',
        display: '展位广告',
        affiliate: '淘宝客',
        feed_ads: '信息流',
        shop: '店铺页',
        cart_fav: '购物车/收藏',
        my_orders: '我的订单',
        direct: '直接访问',
        social: '社群',
        email_sms: '短信',
        external: '站外',
      } as Record<string, string>
    )[code] ?? code
  );
}

export type { SimOrderStatus };

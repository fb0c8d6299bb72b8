/**
 * Demand: visitors arrive per shop and source (weekday rhythm, intraday curve, promotions and the
 * planted traffic problem), and each session produces tracker events (or statistics counts) and
 * perhaps an order intent.
 */
import { addDays, DEFAULT_SOURCES } from '@yunying/core';
import { HOUR, dayConv, presaleWindow, promoOn } from './calendar.js';
import type { SimContext } from './context.js';
import { Rng, Weighted, hash32 } from './prng.js';
import { referrerOf, visitorIdOf, type ShopState } from './shops.js';
import { SessionCounter, type DayStats } from './stats.js';
import type { SimEvent, SimEventType } from './types.js';

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
/**
 * Each channel has its own sources (京东快车, 千川, 搜索引擎 …); the tables above are by the Taobao
 * source each corresponds to (its `kind`), so a JD shop's 京东快车 behaves like Tmall's 直通车.
 */
const KIND = new Map(DEFAULT_SOURCES.map((s) => [s.code, s.kind]));
export const kindOf = (src: string): string => KIND.get(src) ?? src;

/** A visitor about to order: what (product, SKU index, quantity), when, from where. */
export interface Intent {
  shop: number;
  visitorNo: number;
  visitorId: string;
  source: string;
  at: number;
  items: { p: number; s: number; qty: number }[];
  returning: boolean;
}

/** One shop's day: where its sessions write. */
export interface ShopDay {
  si: number;
  index: number;
  day: string;
  t0: number;
  /** Nothing after this instant (end of day, or now). */
  cutoff: number;
  /** Raw tracker events (raw days), else null. */
  events: SimEvent[] | null;
  /** Statistics counts (statistics days), else null. */
  st: DayStats | null;
  intents: Intent[];
}

/** What the day is like for every session of a shop. */
interface DayMood {
  s: ShopState;
  promo: boolean;
  conv: number;
  /** Product index of the planted conversion drop. */
  convDrop: number;
  presaleFor: string | null;
}

interface Visit {
  rng: Rng;
  start: number;
  src: string;
  no: number;
  returning: boolean;
  buyer: boolean;
}

export function visitors(ctx: SimContext, sd: ShopDay): void {
  const { w } = ctx;
  const { si, index, day, t0, cutoff } = sd;
  const s = ctx.shops[si]!;
  const rng = Rng.of(w.seed, 'traffic', s.t.key, day);
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  const growth = 1 + (0.12 * index) / w.dayList.length;
  const dayNoise = Math.exp(0.06 * rng.normal());
  const promo = promoOn(w, day);
  const before = w.promotions.some((p) => day >= addDays(p.fromDay, -2) && day < p.fromDay) ? 1.1 : 1;
  const problems = w.problems;
  const mood: DayMood = {
    s,
    promo,
    conv: dayConv(w, day),
    convDrop: w.products.findIndex((p) => p.id === problems.conversionDrop.productId),
    presaleFor: presaleWindow(w, day),
  };
  const base = s.t.baseUv[w.profile];
  const total = s.sources.reduce((a, src) => a + s.t.mix[src]!, 0);

  for (const src of s.sources) {
    let mean = (base * s.t.mix[src]!) / total;
    mean *= WEEKDAY[dow]! * growth * dayNoise * before * Math.exp(0.05 * rng.normal());
    if (promo) mean *= PROMO_TRAFFIC[kindOf(src)] ?? 1.4;
    if (s.id === problems.trafficDrop.shopId && src === problems.trafficDrop.sourceCode && day >= problems.trafficDrop.fromDay) {
      mean *= problems.trafficDrop.factor;
    }
    const count = rng.poisson(mean);
    const pRet = OWN_SOURCES.has(kindOf(src)) ? 0.75 : 0.12;
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
      session(ctx, sd, mood, { rng, start: at, src, no, returning, buyer });
    }
  }
}

function session(ctx: SimContext, sd: ShopDay, mood: DayMood, v: Visit): void {
  const { w, models } = ctx;
  const { si, day, cutoff, events, st, intents } = sd;
  const { s, promo, conv, convDrop, presaleFor } = mood;
  const { rng, start, src, no, returning, buyer } = v;
  const kind = kindOf(src);
  // The ids only go into raw events and order intents: a statistics day (most of the large
  // profile's year) hashes them only for the sessions that end in an order.
  const visitorId = events ? visitorIdOf(w.seed, s.t.key, no) : '';
  const sessionId = events ? `s_${(hash32(w.seed, s.t.key, no, start) >>> 0).toString(36)}${(start % 1_000_000).toString(36)}` : '';
  const referrer = referrerOf(s.t.channel, kind);
  const utm =
    OWN_SOURCES.has(kind) || kind === 'search' || kind === 'recommend' ? '' : `${s.t.channel === 'own' ? '?' : '&'}utm_source=${src}`;
  let t = start;
  let prevUrl = referrer;
  const counter = st ? new SessionCounter(st, src, no) : null;
  const emit = (type: SimEventType, p: number | null, url: string, dwell = 0) => {
    if (t > cutoff) return false;
    if (events) {
      events.push({
        id: ctx.ids.make('evt', t),
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
    if (counter) counter.count(type, p);
    if (type === 'page_view') prevUrl = url;
    return true;
  };
  const bounce = rng.chance((BOUNCE[kind] ?? 0.4) * (promo ? 0.85 : 1));
  const productLanding = PRODUCT_LANDING.has(kind) ? rng.chance(0.75) : rng.chance(0.3);
  const viewed: number[] = [];
  let carted: number[] = [];
  if (!productLanding) {
    const url = kind === 'activity' ? s.urls.activity : kind === 'my_orders' ? s.urls.orders : rng.chance(0.6) ? s.urls.home : s.urls.list;
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
    const m = models[p]!;
    let pOrder = s.t.conv * m.convFactor * (SOURCE_CONV[kind] ?? 1) * conv * (returning ? 1.25 : 1) * (buyer ? 1.5 : 1);
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
        visitorId: visitorId || visitorIdOf(w.seed, s.t.key, no),
        source: src,
        at: t,
        returning,
        items: items.map((pi) => ({ p: pi, s: ctx.skus.pick(rng, pi, models[pi]!), qty: qtyOf(rng, models[pi]!.category) })),
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

function qtyOf(rng: Rng, category: string): number {
  const x = rng.next();
  if (['内衣袜子', '毛巾浴巾', '餐厨用品'].includes(category)) return x < 0.7 ? 1 : x < 0.92 ? 2 : 3;
  return x < 0.86 ? 1 : x < 0.97 ? 2 : 3;
}

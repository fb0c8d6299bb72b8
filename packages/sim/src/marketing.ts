/**
 * Marketing of the demo shops, priced by @yunying/core's pricing engine: the plan (each shop's
 * promotions, coupon templates and calendar activities, placed relative to the window like the
 * sales spikes of world.ts) and, while the days run, the coupons buyers claim and redeem and each
 * order's engine price with its per-line explanation. Its random draws come from streams of its
 * own and its ids from an id stream of its own, so the traffic, the orders' other draws and every
 * other id stay where they were.
 */
import {
  addDays,
  compilePriceList,
  dayStart,
  priceCart,
  type Cart,
  type CompiledPriceList,
  type Coupon,
  type PriceResult,
  type Promotion as EnginePromotion,
} from '@yunying/core';
import { DAY_MS, HOUR, compact } from './calendar.js';
import type { SkuTable } from './ledger.js';
import { personFor } from './names.js';
import { IdMaker, Rng } from './prng.js';
import type { ShopState } from './shops.js';
import type {
  Promotion,
  SimActivity,
  SimCoupon,
  SimCouponTemplate,
  SimMarketing,
  SimOrder,
  SimProduct,
  SimPromotion,
  SimShop,
} from './types.js';

interface PlanInput {
  seed: number;
  timezone: string;
  startDay: string;
  endDay: string;
  now: number;
  shops: readonly SimShop[];
  products: readonly SimProduct[];
  promotions: readonly Promotion[];
  profile: 'small' | 'large';
}

const CODE_STEM: Record<string, string> = { tmall: 'TM', jd: 'JD', own: 'QM', douyin: 'DY' };

/** The checklist every demo activity was prepared with (done before it started). */
const CHECKLIST: readonly { title: string; roleName: string; before: number }[] = [
  { title: '核对活动商品库存，补货到预测销量', roleName: '仓储物流', before: 7 },
  { title: '活动主图、详情页和首页海报上线', roleName: '美工', before: 3 },
  { title: '客服快捷话术：活动规则、满减和优惠券说明', roleName: '客服', before: 2 },
  { title: '报名平台活动、设置优惠并预览价格', roleName: '店铺运营', before: 5 },
];

/** The marketing plan of the window: promotions, coupon templates and activities of every shop. */
export function buildMarketing(p: PlanInput): SimMarketing {
  const ids = new IdMaker(Rng.of(p.seed, 'marketing-static-ids'));
  const tz = p.timezone;
  const at = (day: string) => dayStart(day, tz);
  const promotions: SimPromotion[] = [];
  const couponTemplates: SimCouponTemplate[] = [];
  const activities: SimActivity[] = [];
  const open = at(addDays(p.startDay, -30));
  const farEnd = at(addDays(p.endDay, 90));

  const promo = (shop: SimShop, x: Omit<SimPromotion, 'id' | 'shopId' | 'createdAt' | 'weekdays' | 'priority'> & Partial<SimPromotion>) => {
    const createdAt = x.startsAt - 3 * DAY_MS;
    const row: SimPromotion = {
      id: ids.make('pmo', createdAt),
      shopId: shop.id,
      weekdays: [],
      priority: 100,
      createdAt,
      ...x,
    };
    promotions.push(row);
    return row;
  };
  const activity = (
    shop: SimShop,
    x: Pick<SimActivity, 'name' | 'kind' | 'platformEvent' | 'startDay' | 'endDay' | 'promotionIds' | 'skuIds' | 'note'>,
    baseline: { from: string; to: string },
  ) => {
    const createdAt = at(addDays(x.startDay, -10));
    const id = ids.make('act', createdAt);
    const ended = at(addDays(x.endDay, 1)) <= p.now;
    activities.push({
      id,
      shopId: shop.id,
      ...x,
      baselineFrom: baseline.from,
      baselineTo: baseline.to,
      status: ended ? 'ended' : 'planned',
      createdAt,
      tasks: CHECKLIST.map((c) => {
        const dueDay = addDays(x.startDay, -c.before);
        const doneAt = at(dueDay) + 15 * HOUR;
        return {
          id: ids.make('atk', createdAt),
          title: c.title,
          roleName: c.roleName,
          dueDay,
          done: doneAt <= p.now,
          doneAt: doneAt <= p.now ? doneAt : null,
        };
      }),
    });
  };

  const tee = new Set(p.products.filter((x) => x.key === 'tee' || x.key.startsWith('tee-')).map((x) => x.id));
  const teeSkus = p.products.filter((x) => tee.has(x.id)).flatMap((x) => x.skus.map((s) => s.id));
  // The most recent 双11 wholly inside the window and over before today.
  const y = Number(p.endDay.slice(0, 4));
  const d11 = [y, y - 1].map((yr) => ({ from: `${yr}-11-01`, to: `${yr}-11-11`, yr })).find((x) => x.from >= p.startDay && x.to < p.endDay);
  // The last Wednesday before today: the member day with an effect report.
  let memberDay = addDays(p.endDay, -1);
  while (new Date(`${memberDay}T00:00:00Z`).getUTCDay() !== 3) memberDay = addDays(memberDay, -1);

  for (const shop of p.shops) {
    const ch = shop.channel;
    // Every day: the shop's 满减 (the marketplaces' habit; the own site has none).
    if (ch !== 'own') {
      promo(shop, {
        name: ch === 'jd' ? '店铺满减 满99减10' : '店铺满减 满199减15',
        rule: {
          kind: 'full_reduction',
          tiers: [ch === 'jd' ? { thresholdFen: 9_900, offFen: 1_000 } : { thresholdFen: 19_900, offFen: 1_500 }],
          repeat: false,
        },
        scope: {},
        startsAt: open,
        endsAt: farEnd,
        exclusiveGroup: '满减',
      });
    }
    // The shop's big sales: 85 折 on everything (限时折扣, 6 units per buyer), 每满300减40, and a
    // shop coupon claimed by code from the presale on.
    for (const sale of p.promotions) {
      const s0 = at(sale.fromDay);
      const s1 = at(addDays(sale.toDay, 1));
      const flash = promo(shop, {
        name: `${sale.name} 全场85折`,
        rule: { kind: 'flash_sale', cut: { type: 'percent', offBp: 1_500 }, perBuyerLimit: 6 },
        scope: {},
        startsAt: s0,
        endsAt: s1,
        exclusiveGroup: null,
        priority: 50,
      });
      const full = promo(shop, {
        name: `${sale.name} 每满300减40`,
        rule: { kind: 'full_reduction', tiers: [{ thresholdFen: 30_000, offFen: 4_000 }], repeat: true },
        scope: {},
        startsAt: s0,
        endsAt: s1,
        exclusiveGroup: '满减',
      });
      const from = at(sale.presaleFromDay);
      couponTemplates.push({
        id: ids.make('cpt', from - 2 * DAY_MS),
        shopId: shop.id,
        name: `${sale.name} 店铺券 满199减20`,
        kind: 'amount',
        thresholdFen: 19_900,
        amountFen: 2_000,
        offBp: 0,
        capFen: null,
        validFrom: from,
        validTo: s1,
        validDays: null,
        totalLimit: p.profile === 'large' ? 60_000 : 3_000,
        perCustomerLimit: 1,
        code: `${CODE_STEM[ch] ?? 'QM'}${compact(sale.fromDay).slice(2)}`,
        returnOnRefund: true,
        issuedBy: 'code',
        createdAt: from - 2 * DAY_MS,
      });
      activity(
        shop,
        {
          name: sale.name,
          kind: 'own',
          platformEvent: null,
          startDay: sale.fromDay,
          endDay: sale.toDay,
          promotionIds: [flash.id, full.id],
          skuIds: [],
          note: '全场85折（每人限6件）+ 每满300减40，预售期起可领满199减20店铺券',
        },
        { from: addDays(sale.fromDay, -24), to: addDays(sale.fromDay, -11) },
      );
    }
    // 双11 on the marketplaces: 满300减40 for the eleven days.
    if (d11 && ch !== 'own') {
      const full = promo(shop, {
        name: '双11 满300减40',
        rule: { kind: 'full_reduction', tiers: [{ thresholdFen: 30_000, offFen: 4_000 }], repeat: false },
        scope: {},
        startsAt: at(d11.from),
        endsAt: at(addDays(d11.to, 1)),
        exclusiveGroup: '满减',
      });
      activity(
        shop,
        {
          name: `双 11 狂欢 ${d11.yr}`,
          kind: 'platform',
          platformEvent: `double11-${d11.yr}`,
          startDay: d11.from,
          endDay: d11.to,
          promotionIds: [full.id],
          skuIds: [],
          note: '平台大促期间全店满300减40（与店铺满减不同享，取优惠大者）',
        },
        { from: addDays(d11.from, -25), to: addDays(d11.from, -12) },
      );
    }
    // A 限时折扣 on the T-shirts only, two months back: its report counts the T-shirt lines.
    const f0 = addDays(p.endDay, -62);
    if (teeSkus.length && f0 > p.startDay) {
      const flash = promo(shop, {
        name: '限时折扣 长绒棉T恤8折',
        rule: { kind: 'flash_sale', cut: { type: 'percent', offBp: 2_000 }, perBuyerLimit: 3 },
        scope: { productIds: [...tee] },
        startsAt: at(f0),
        endsAt: at(addDays(f0, 3)),
        exclusiveGroup: null,
        priority: 40,
      });
      activity(
        shop,
        {
          name: '长绒棉T恤限时折扣',
          kind: 'own',
          platformEvent: null,
          startDay: f0,
          endDay: addDays(f0, 2),
          promotionIds: [flash.id],
          skuIds: teeSkus,
          note: '目标商品：长绒棉T恤（8折，每人限3件）；效果报告只统计这些商品的订单行',
        },
        { from: addDays(f0, -14), to: addDays(f0, -1) },
      );
    }
    // The own site's weekly member day (every own-site buyer is a signed-in member): 95 折 on Wednesdays.
    if (ch === 'own') {
      const member = promo(shop, {
        name: '会员日 每周三95折',
        rule: { kind: 'item_discount', cut: { type: 'percent', offBp: 500 } },
        scope: { channels: ['own'] },
        startsAt: open,
        endsAt: farEnd,
        weekdays: [3],
        exclusiveGroup: null,
        priority: 80,
      });
      if (memberDay > p.startDay)
        activity(
          shop,
          {
            name: `会员日 ${memberDay.slice(5)}`,
            kind: 'member_day',
            platformEvent: null,
            startDay: memberDay,
            endDay: memberDay,
            promotionIds: [member.id],
            skuIds: [],
            note: '每周三会员日，全场95折',
          },
          { from: addDays(memberDay, -7), to: addDays(memberDay, -7) },
        );
    }
    // A coupon handed to buyers after their paid orders (下单返券), valid 15 days.
    couponTemplates.push({
      id: ids.make('cpt', open),
      shopId: shop.id,
      name: '复购券 9折 最高减30',
      kind: 'percent',
      thresholdFen: 0,
      amountFen: 0,
      offBp: 1_000,
      capFen: 3_000,
      validFrom: null,
      validTo: null,
      validDays: 15,
      totalLimit: p.profile === 'large' ? 500_000 : 20_000,
      perCustomerLimit: 20,
      code: null,
      returnOnRefund: false,
      issuedBy: 'order',
      createdAt: open,
    });
  }
  return { promotions, couponTemplates, activities };
}

/** The engine's shape of a stored promotion (as the server's rowToEngine gives it). */
function toEngine(p: SimPromotion): EnginePromotion {
  return {
    id: p.id,
    name: p.name,
    status: 'active',
    startsAt: new Date(p.startsAt).toISOString(),
    endsAt: new Date(p.endsAt).toISOString(),
    ...(p.weekdays.length ? { weekdays: p.weekdays } : {}),
    scope: { ...p.scope, shopIds: [p.shopId] },
    ...(p.exclusiveGroup ? { exclusiveGroup: p.exclusiveGroup } : {}),
    priority: p.priority,
    rule: p.rule,
  };
}

/** A template as an engine coupon (priced under the template's id; the instance's window is checked here). */
function couponOf(t: SimCouponTemplate): Coupon {
  return {
    id: t.id,
    name: t.name,
    thresholdFen: t.thresholdFen,
    value:
      t.kind === 'amount'
        ? { type: 'amount', offFen: t.amountFen }
        : { type: 'percent', offBp: t.offBp, ...(t.capFen ? { capFen: t.capFen } : {}) },
    scope: { shopIds: [t.shopId] },
    exclusiveGroup: 'coupon',
  };
}

interface Held {
  c: SimCoupon;
  /** Usable from (a coupon back from a cancelled order is usable again from the cancel). */
  from: number;
}

export interface PricedOrder {
  result: PriceResult;
  /** The coupon the engine applied (its redemption is booked when the order settles). */
  coupon: Held | null;
}

/** Claims, coupons held, per-buyer promotion usage and the engine price of each order, while the days run. */
export class MarketingBook {
  private readonly lists: CompiledPriceList[];
  private readonly templates: SimCouponTemplate[][];
  private readonly ids: IdMaker;
  private readonly held = new Map<string, Held[]>();
  private readonly claimed = new Map<string, number>();
  private readonly issued = new Map<string, number>();
  private readonly usage = new Map<string, Record<string, number>>();
  private done: SimCoupon[] = [];

  constructor(
    private readonly w: {
      seed: number;
      profile: 'small' | 'large';
      shops: readonly SimShop[];
      products: readonly SimProduct[];
      marketing: SimMarketing;
    },
    private readonly skus: SkuTable,
  ) {
    this.ids = new IdMaker(Rng.of(w.seed, 'marketing-ids'));
    this.lists = w.shops.map((s) =>
      compilePriceList({
        promotions: w.marketing.promotions.filter((p) => p.shopId === s.id).map(toEngine),
        coupons: w.marketing.couponTemplates.filter((t) => t.shopId === s.id).map(couponOf),
        settings: { minMarginBp: 0 },
      }),
    );
    this.templates = w.shops.map((s) => w.marketing.couponTemplates.filter((t) => t.shopId === s.id));
  }

  private claim(si: number, t: SimCouponTemplate, buyerKey: string, at: number, source: SimCoupon['source']): Held | null {
    const ck = `${t.id}|${buyerKey}`;
    if ((this.claimed.get(ck) ?? 0) >= t.perCustomerLimit || (this.issued.get(t.id) ?? 0) >= t.totalLimit) return null;
    this.claimed.set(ck, (this.claimed.get(ck) ?? 0) + 1);
    this.issued.set(t.id, (this.issued.get(t.id) ?? 0) + 1);
    const c: SimCoupon = {
      id: this.ids.make('cpn', at),
      shopId: t.shopId,
      templateId: t.id,
      buyerKey,
      status: 'unused',
      source,
      validFrom: t.validDays !== null ? at : t.validFrom!,
      validTo: t.validDays !== null ? at + t.validDays * DAY_MS : t.validTo!,
      orderId: null,
      claimedAt: at,
      usedAt: null,
      redemptions: [],
    };
    const h: Held = { c, from: at };
    const k = `${si}|${buyerKey}`;
    const list = this.held.get(k);
    if (list) list.push(h);
    else this.held.set(k, [h]);
    return h;
  }

  private codeTemplates(si: number, at: number): SimCouponTemplate[] {
    return this.templates[si]!.filter((t) => t.issuedBy === 'code' && t.validFrom! <= at && at < t.validTo!);
  }

  /** Visitors of the day who claim a code coupon without ordering yet (some come back for it). */
  claimsOfDay(si: number, shop: ShopState, day: string, t0: number, cutoff: number): void {
    const ts = this.codeTemplates(si, t0 + 12 * HOUR);
    if (!ts.length || shop.pool.size === 0) return;
    const rng = Rng.of(this.w.seed, 'coupon-claims', shop.t.key, day);
    const n = rng.poisson(shop.t.baseUv[this.w.profile] * 0.04);
    for (let i = 0; i < n; i++) {
      const no = shop.pool.pick(rng);
      const at = t0 + Math.floor(rng.next() * 16 * HOUR) + 7 * HOUR;
      if (at > cutoff) continue;
      const t = rng.pick(ts);
      this.claim(si, t, personFor(this.w.seed, shop.t.key, shop.t.channel, no).nick, at, 'code');
    }
  }

  /** Price an order's lines with the engine: the shop's promotions at `at`, a coupon the buyer holds or claims now. */
  price(
    si: number,
    shop: ShopState,
    o: { at: number; visitorNo: number; buyerKey: string; lines: { skuIdx: number; qty: number }[] },
  ): PricedOrder {
    const rng = Rng.of(this.w.seed, 'coupon-order', shop.t.key, o.at, o.visitorNo);
    const k = `${si}|${o.buyerKey}`;
    // Buyers in a coupon window often claim it on the way to checkout.
    const ts = this.codeTemplates(si, o.at);
    if (ts.length && rng.chance(0.35)) this.claim(si, rng.pick(ts), o.buyerKey, o.at - Math.floor(rng.next() * 2 * HOUR), 'code');
    const mine = (this.held.get(k) ?? []).filter(
      (h) => h.c.status === 'unused' && h.from <= o.at && h.c.validFrom <= o.at && o.at < h.c.validTo,
    );
    // The one about to expire first.
    mine.sort((a, b) => a.c.validTo - b.c.validTo || (a.c.id < b.c.id ? -1 : 1));
    const tryCoupon = mine[0] ?? null;
    const cart: Cart = {
      shopId: shop.id,
      channel: shop.t.channel as Cart['channel'],
      buyerId: o.buyerKey,
      at: new Date(o.at).toISOString(),
      shippingFen: 0,
      lines: o.lines.map((l, i) => {
        const { p, sku } = this.skus.list[l.skuIdx]!;
        const prod = this.w.products[p]!;
        return {
          lineId: `L${i + 1}`,
          skuId: sku.id,
          productId: prod.id,
          categoryId: prod.categoryId,
          name: `${prod.title}${sku.specText ? ` ${sku.specText}` : ''}`.slice(0, 120),
          qty: l.qty,
          unitPriceFen: sku.priceFen,
          costFen: sku.costFen,
        };
      }),
      couponIds: tryCoupon ? [tryCoupon.c.templateId] : [],
      buyerUsage: this.usage.get(k) ?? {},
    };
    const result = priceCart(this.lists[si]!, cart, { at: o.at });
    const used = tryCoupon && result.applied.some((a) => a.source === 'coupon') ? tryCoupon : null;
    if (used) {
      // The engine priced the template; the order used this buyer's coupon of it.
      const swap = <T extends { source: string; sourceId: string }>(a: T): T => (a.source === 'coupon' ? { ...a, sourceId: used.c.id } : a);
      result.applied = result.applied.map(swap);
      for (const l of result.lines) l.adjustments = l.adjustments.map(swap);
    }
    result.refused = result.refused.filter((r) => r.source !== 'coupon');
    return { result, coupon: used };
  }

  /**
   * After the order is decided: book the coupon's redemption (returned when an unpaid order is
   * cancelled), count units bought at limited promotions' prices, and hand out a 复购券 after payment.
   */
  settle(si: number, shop: ShopState, o: SimOrder, priced: PricedOrder, visitorNo: number): void {
    const k = `${si}|${o.buyerNick}`;
    const h = priced.coupon;
    if (h) {
      const a = priced.result.applied.find((x) => x.source === 'coupon')!;
      // A cancelled order gives the coupon back only when its template says so (as the server's releaseCoupons).
      const back = o.cancelledAt !== null && this.templates[si]!.find((t) => t.id === h.c.templateId)!.returnOnRefund;
      h.c.redemptions.push({
        id: this.ids.make('cpr', o.orderedAt),
        orderId: o.id,
        discountFen: a.amountFen,
        goodsFen: priced.result.totals.goodsFen,
        at: o.orderedAt,
        releasedAt: back ? o.cancelledAt : null,
      });
      if (back) h.from = o.cancelledAt!;
      else {
        h.c.status = 'used';
        h.c.orderId = o.id;
        h.c.usedAt = o.orderedAt;
        this.finish(k, h);
      }
    }
    if (o.cancelledAt === null) {
      const units = priced.result.applied.filter((a) => a.units && a.kind === 'flash_sale');
      if (units.length) {
        const u = { ...(this.usage.get(k) ?? {}) };
        for (const a of units) u[a.sourceId] = (u[a.sourceId] ?? 0) + a.units!;
        this.usage.set(k, u);
      }
    }
    if (o.paidAt !== null) {
      const rng = Rng.of(this.w.seed, 'coupon-return', shop.t.key, o.orderedAt, visitorNo);
      const t = this.templates[si]!.find((x) => x.issuedBy === 'order');
      if (t && rng.chance(0.3)) this.claim(si, t, o.buyerNick, o.paidAt, 'order');
    }
  }

  private finish(k: string, h: Held): void {
    const list = this.held.get(k)!;
    list.splice(list.indexOf(h), 1);
    if (!list.length) this.held.delete(k);
    this.done.push(h.c);
  }

  /** Coupons whose story ended by `until` (expired unused), or all still held when `all`. */
  take(until: number, all: boolean): SimCoupon[] {
    for (const [k, list] of [...this.held]) {
      for (const h of [...list]) if (all || h.c.validTo <= until) this.finish(k, h);
    }
    const out = this.done;
    this.done = [];
    return out;
  }
}

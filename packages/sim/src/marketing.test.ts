import { compilePriceList, priceCart } from '@yunying/core';
import { describe, expect, it } from 'vitest';
import { generate, type SimCoupon, type SimOrder } from './index.js';

const NOW = Date.parse('2026-11-20T07:00:00Z'); // 15:00 in Shanghai
const g = generate({ profile: 'small', seed: 7, endDay: '2026-11-20', timezone: 'Asia/Shanghai', now: NOW });
const orders: SimOrder[] = [];
const coupons: SimCoupon[] = [];
for (const d of g.days()) {
  orders.push(...d.orders);
  coupons.push(...d.coupons);
}
const m = g.marketing;

describe('sim: marketing priced by the core engine', () => {
  it('plans past activities with their promotions: the big sale, 双11, a targeted 限时折扣 and a member day', () => {
    const names = m.activities.map((a) => a.name);
    expect(names).toContain('店铺周年庆大促');
    expect(names).toContain('双 11 狂欢 2026');
    expect(names).toContain('长绒棉T恤限时折扣');
    expect(m.activities.some((a) => a.kind === 'member_day')).toBe(true);
    const promoIds = new Set(m.promotions.map((p) => p.id));
    for (const a of m.activities) {
      expect(a.status).toBe('ended');
      expect(a.promotionIds.length).toBeGreaterThan(0);
      for (const id of a.promotionIds) expect(promoIds.has(id)).toBe(true);
      expect(a.baselineTo < a.startDay).toBe(true);
    }
    const targeted = m.activities.find((a) => a.name === '长绒棉T恤限时折扣')!;
    const tee = g.products.filter((p) => p.key.startsWith('tee')).flatMap((p) => p.skus.map((s) => s.id));
    expect(targeted.skuIds.sort()).toEqual(tee.sort());
  });

  it("orders pay the engine's result: lines, totals and explanations agree with the order", () => {
    let priced = 0;
    for (const o of orders) {
      if (!o.pricing) {
        expect(o.discountFen).toBe(0);
        continue;
      }
      priced++;
      const p = o.pricing;
      expect(p.totals.listFen).toBe(o.goodsFen);
      expect(p.totals.discountFen).toBe(o.discountFen);
      expect(p.totals.goodsFen + o.shippingFen).toBe(o.paidFen);
      p.lines.forEach((l, i) => {
        const line = o.lines[i]!;
        expect(l.lineId).toBe(`L${i + 1}`);
        expect(l.skuId).toBe(line.skuId);
        expect(l.finalFen).toBe(line.paidFen);
        expect(l.adjustments.reduce((a, x) => a + x.amountFen, 0)).toBe(line.discountFen);
        for (const a of l.adjustments) expect(a.note.length).toBeGreaterThan(0);
      });
      // Every applied promotion is the shop's and runs at the order's time.
      for (const a of p.applied.filter((x) => x.source === 'promotion')) {
        const promo = m.promotions.find((x) => x.id === a.sourceId)!;
        expect(promo.shopId).toBe(o.shopId);
        expect(o.orderedAt).toBeGreaterThanOrEqual(promo.startsAt);
        expect(o.orderedAt).toBeLessThan(promo.endsAt);
      }
    }
    expect(priced).toBeGreaterThan(orders.length * 0.2);
  });

  it('re-pricing an order without a coupon or a per-buyer limit gives the same totals', () => {
    const byShop = new Map(
      g.shops.map((s) => [
        s.id,
        compilePriceList({
          promotions: m.promotions
            .filter((p) => p.shopId === s.id)
            .map((p) => ({
              id: p.id,
              name: p.name,
              status: 'active' as const,
              startsAt: new Date(p.startsAt).toISOString(),
              endsAt: new Date(p.endsAt).toISOString(),
              ...(p.weekdays.length ? { weekdays: p.weekdays } : {}),
              scope: { ...p.scope, shopIds: [s.id] },
              ...(p.exclusiveGroup ? { exclusiveGroup: p.exclusiveGroup } : {}),
              priority: p.priority,
              rule: p.rule,
            })),
          coupons: [],
          settings: { minMarginBp: 0 },
        }),
      ]),
    );
    const products = new Map(g.products.map((p) => [p.id, p]));
    let checked = 0;
    for (const o of orders) {
      if (o.pricing?.applied.some((a) => a.source === 'coupon' || a.kind === 'flash_sale')) continue;
      const r = priceCart(
        byShop.get(o.shopId)!,
        {
          shopId: o.shopId,
          channel: o.channel as never,
          shippingFen: 0,
          couponIds: [],
          buyerUsage: {},
          lines: o.lines.map((l, i) => ({
            lineId: `L${i + 1}`,
            skuId: l.skuId,
            productId: l.productId,
            categoryId: products.get(l.productId)!.categoryId,
            qty: l.qty,
            unitPriceFen: l.unitPriceFen,
            costFen: l.unitCostFen,
          })),
        },
        { at: o.orderedAt },
      );
      expect(r.totals.goodsFen + o.shippingFen).toBe(o.paidFen);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('coupons: each once, limits held, every redemption is its order and adds up', () => {
    expect(new Set(coupons.map((c) => c.id)).size).toBe(coupons.length);
    const byId = new Map(orders.map((o) => [o.id, o]));
    const perBuyer = new Map<string, number>();
    for (const c of coupons) {
      const t = m.couponTemplates.find((x) => x.id === c.templateId)!;
      expect(t.shopId).toBe(c.shopId);
      const k = `${c.templateId}|${c.buyerKey}`;
      perBuyer.set(k, (perBuyer.get(k) ?? 0) + 1);
      expect(perBuyer.get(k)!).toBeLessThanOrEqual(t.perCustomerLimit);
      expect(c.claimedAt).toBeLessThanOrEqual(NOW);
      const live = c.redemptions.filter((r) => r.releasedAt === null);
      expect(live.length).toBe(c.status === 'used' ? 1 : 0);
      if (c.status === 'used') expect(live[0]!.orderId).toBe(c.orderId);
      for (const r of c.redemptions) {
        const o = byId.get(r.orderId)!;
        expect(o.buyerNick).toBe(c.buyerKey);
        const a = o.pricing!.applied.find((x) => x.source === 'coupon')!;
        expect(a.sourceId).toBe(c.id);
        expect(a.amountFen).toBe(r.discountFen);
        if (r.releasedAt !== null) expect(o.status).toBe('cancelled');
      }
    }
    for (const t of m.couponTemplates) expect(coupons.filter((c) => c.templateId === t.id).length).toBeLessThanOrEqual(t.totalLimit);
    // Usage statistics have something to show: claimed, used and still unused coupons.
    expect(coupons.filter((c) => c.status === 'used').length).toBeGreaterThan(50);
    expect(coupons.filter((c) => c.status === 'unused').length).toBeGreaterThan(50);
    expect(new Set(coupons.map((c) => c.source))).toEqual(new Set(['code', 'order']));
  });

  it('some buyers carry an email on reserved example domains, most on the own site', () => {
    const withEmail = orders.filter((o) => o.buyerEmail);
    expect(withEmail.length).toBeGreaterThan(50);
    for (const o of withEmail) expect(o.buyerEmail).toMatch(/^[a-z0-9]+@(example\.(com|net|org)|mail\.test)$/);
    const share = (ch: string) => {
      const xs = orders.filter((o) => o.channel === ch);
      return xs.filter((o) => o.buyerEmail).length / xs.length;
    };
    expect(share('own')).toBeGreaterThan(share('tmall'));
  });
});

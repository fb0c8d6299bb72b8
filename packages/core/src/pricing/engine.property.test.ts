/**
 * Properties of the pricing engine over random price lists and carts (fast-check): totals never
 * negative, lines always add up to the order total, the price floor always holds, and the result
 * does not depend on the order of the cart's lines.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePriceList, priceCart } from './engine.js';
import { CartSchema, PriceListSchema } from './types.js';
import type { CartInput, PriceCut, CouponInput, PriceListInput, PriceResult, PromotionInput } from './types.js';

const SKUS = ['A', 'B', 'C', 'D', 'E', 'F'];
const CATS = ['c1', 'c2'];
const LEVELS = ['VIP1', 'VIP2'];
const REGIONS = ['浙江', '新疆'];

const MEMBER_LEVELS: { level: string; cut: PriceCut }[] = [
  { level: 'VIP1', cut: { type: 'percent', offBp: 500 } },
  { level: 'VIP2', cut: { type: 'amount', offFen: 700 } },
];
const GIFTS: { skuId: string; qty: number }[] = [{ skuId: 'GIFT', qty: 1 }];

const fen = fc.integer({ min: 0, max: 60_000 });
const posFen = fc.integer({ min: 1, max: 20_000 });
const bp = fc.integer({ min: 1, max: 10_000 });
const cut = fc.oneof(
  fc.record({ type: fc.constant('percent' as const), offBp: bp }),
  fc.record({ type: fc.constant('amount' as const), offFen: posFen }),
  fc.record({ type: fc.constant('price' as const), priceFen: fen }),
);
const scope = fc.oneof(
  fc.constant({}),
  fc.record({ skuIds: fc.subarray(SKUS, { minLength: 1 }) }),
  fc.record({ categoryIds: fc.subarray(CATS, { minLength: 1 }), excludeSkuIds: fc.subarray(SKUS, { maxLength: 2 }) }),
  fc.record({ memberLevels: fc.subarray(LEVELS, { minLength: 1 }) }),
  fc.record({ regions: fc.subarray(REGIONS, { minLength: 1 }) }),
);
const rule = fc.oneof(
  fc.record({
    kind: fc.constantFrom('item_discount' as const, 'flash_sale' as const),
    cut,
    perBuyerLimit: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('member_price' as const),
    levels: fc.constant(MEMBER_LEVELS),
  }),
  fc.record({
    kind: fc.constant('bundle' as const),
    items: fc.uniqueArray(fc.record({ skuId: fc.constantFrom(...SKUS), qty: fc.integer({ min: 1, max: 2 }) }), {
      minLength: 2,
      maxLength: 3,
      selector: (x) => x.skuId,
    }),
    priceFen: fen,
  }),
  fc.record({
    kind: fc.constant('buy_x_get_y' as const),
    buyQty: fc.integer({ min: 1, max: 3 }),
    getQty: fc.integer({ min: 1, max: 2 }),
    getOffBp: bp,
    pool: fc.constantFrom('sku' as const, 'scope' as const),
  }),
  fc.record({
    kind: fc.constant('full_reduction' as const),
    tiers: fc.array(fc.record({ thresholdFen: fen, offFen: posFen }), { minLength: 1, maxLength: 3 }),
    repeat: fc.boolean(),
    capFen: fc.option(posFen, { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('full_discount' as const),
    tiers: fc.array(fc.record({ thresholdFen: fen, offBp: bp }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('qty_discount' as const),
    tiers: fc.array(fc.record({ minQty: fc.integer({ min: 1, max: 6 }), offBp: bp }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('gift' as const),
    thresholdFen: fen,
    gifts: fc.constant(GIFTS),
    repeat: fc.boolean(),
    maxSets: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('free_shipping' as const), thresholdFen: fen }),
);
const promotions = fc
  .array(
    fc.record({
      rule,
      scope,
      exclusiveGroup: fc.option(fc.constantFrom('g1', 'g2'), { nil: undefined }),
      priority: fc.integer({ min: 0, max: 3 }),
      weekdays: fc.option(fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }), { nil: undefined }),
    }),
    { maxLength: 8 },
  )
  .map((ps): PromotionInput[] => ps.map((p, i) => ({ ...p, id: `p${i}`, name: `活动${i}` })));
const coupons = fc
  .array(
    fc.record({
      thresholdFen: fen,
      value: fc.oneof(
        fc.record({ type: fc.constant('amount' as const), offFen: posFen }),
        fc.record({ type: fc.constant('percent' as const), offBp: bp, capFen: fc.option(posFen, { nil: undefined }) }),
      ),
      scope,
      exclusiveGroup: fc.constantFrom('coupon', 'other', 'g1'),
    }),
    { maxLength: 3 },
  )
  .map((cs): CouponInput[] => cs.map((c, i) => ({ ...c, id: `c${i}`, name: `券${i}` })));
const lines = fc.uniqueArray(
  fc.record({
    skuId: fc.constantFrom(...SKUS),
    categoryId: fc.constantFrom(...CATS),
    qty: fc.integer({ min: 1, max: 5 }),
    unitPriceFen: fc.integer({ min: 0, max: 30_000 }),
    costFen: fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: undefined }),
  }),
  { minLength: 1, maxLength: 6, selector: (l) => l.skuId },
);
const scenario = fc.record({
  promotions,
  coupons,
  minMarginBp: fc.integer({ min: 0, max: 6000 }),
  cart: fc.record({
    lines,
    memberLevel: fc.option(fc.constantFrom(...LEVELS), { nil: undefined }),
    region: fc.option(fc.constantFrom(...REGIONS), { nil: undefined }),
    shippingFen: fc.integer({ min: 0, max: 2000 }),
    couponIds: fc.subarray(['c0', 'c1', 'c2', 'c9']),
    buyerUsage: fc.record({ p0: fc.integer({ min: 0, max: 5 }), p1: fc.integer({ min: 0, max: 5 }) }),
  }),
  seed: fc.integer(),
  day: fc.integer({ min: 0, max: 6 }),
});

function price(
  s: { promotions: PromotionInput[]; coupons: CouponInput[]; minMarginBp: number; day: number },
  cart: CartInput,
): PriceResult {
  const list: PriceListInput = { promotions: s.promotions, coupons: s.coupons, settings: { minMarginBp: s.minMarginBp } };
  const at = Date.parse('2026-12-07T12:00:00+08:00') + s.day * 86_400_000;
  return priceCart(PriceListSchema.parse(list), CartSchema.parse(cart), { at });
}

function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let x = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const RUNS = { numRuns: 400 };

describe('pricing properties', () => {
  it('totals never negative; lines add up to the order total; every line explains its discount', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const r = price(s, s.cart);
        let goods = 0;
        for (const l of r.lines) {
          expect(l.finalFen).toBeGreaterThanOrEqual(0);
          expect(Number.isInteger(l.finalFen)).toBe(true);
          expect(l.listFen - l.adjustments.reduce((a, x) => a + x.amountFen, 0)).toBe(l.finalFen);
          for (const a of l.adjustments) expect(a.amountFen).toBeGreaterThan(0);
          goods += l.finalFen;
        }
        expect(r.totals.goodsFen).toBe(goods);
        expect(r.totals.payableFen).toBe(goods + r.totals.shippingFen - r.totals.shippingDiscountFen);
        expect(r.totals.payableFen).toBeGreaterThanOrEqual(0);
        expect(r.totals.itemDiscountFen + r.totals.orderDiscountFen + r.totals.couponDiscountFen).toBe(r.totals.listFen - goods);
        // what each applied promotion says it took is what the lines show
        for (const a of r.applied) {
          if (a.stage === 'shipping' || a.stage === 'gift') continue;
          const onLines = r.lines.flatMap((l) => l.adjustments).filter((x) => x.sourceId === a.sourceId);
          expect(onLines.reduce((t, x) => t + x.amountFen, 0)).toBe(a.amountFen);
        }
      }),
      RUNS,
    );
  });

  it('the price floor always holds', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const r = price(s, s.cart);
        for (const l of r.lines) if (l.floorFen !== undefined) expect(l.finalFen).toBeGreaterThanOrEqual(Math.min(l.listFen, l.floorFen));
      }),
      RUNS,
    );
  });

  it('a compiled price list reused for other carts prices each the same as a fresh one', () => {
    fc.assert(
      fc.property(scenario, lines, (s, otherLines) => {
        const list = PriceListSchema.parse({ promotions: s.promotions, coupons: s.coupons, settings: { minMarginBp: s.minMarginBp } });
        const compiled = compilePriceList(list);
        const at = Date.parse('2026-12-07T12:00:00+08:00') + s.day * 86_400_000;
        const a = CartSchema.parse(s.cart);
        const b = CartSchema.parse({ ...s.cart, lines: otherLines });
        const first = priceCart(compiled, a, { at });
        priceCart(compiled, b, { at });
        expect(priceCart(compiled, a, { at })).toEqual(first);
        expect(priceCart(compiled, b, { at })).toEqual(priceCart(list, b, { at }));
      }),
      { numRuns: 200 },
    );
  });

  it('the result does not depend on the order of the lines', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const a = price(s, s.cart);
        const b = price(s, { ...s.cart, lines: shuffled(s.cart.lines, s.seed) });
        const byId = (r: PriceResult) => [...r.lines].sort((x, y) => (x.lineId < y.lineId ? -1 : 1));
        expect(byId(b)).toEqual(byId(a));
        expect(b.totals).toEqual(a.totals);
        expect(b.applied).toEqual(a.applied);
        expect(b.refused).toEqual(a.refused);
        expect(b.hints).toEqual(a.hints);
      }),
      RUNS,
    );
  });
});

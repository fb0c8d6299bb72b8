/**
 * Worked examples of every promotion type and of stacking — each expected figure is worked out by
 * hand in the comment beside it (to the fen), not read back from the engine.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { allocateWithin, floorUnitPrice, priceCart } from './engine.js';
import { CartSchema, PriceListSchema } from './types.js';
import type { CartInput, PriceListInput, PriceResult, PromotionInput } from './types.js';

const WED_NOON = '2026-12-09T12:00:00+08:00'; // 2026-12-09 is a Wednesday (周三)
const THU_NOON = '2026-12-10T12:00:00+08:00';

function run(promotions: PromotionInput[], cart: CartInput, extra: Omit<PriceListInput, 'promotions'> = {}, at = WED_NOON): PriceResult {
  return priceCart(PriceListSchema.parse({ promotions, ...extra }), CartSchema.parse(cart), { at });
}
const finals = (r: PriceResult) => Object.fromEntries(r.lines.map((l) => [l.lineId, l.finalFen]));
const line = (skuId: string, unitPriceFen: number, qty = 1, more: Record<string, unknown> = {}) => ({ skuId, unitPriceFen, qty, ...more });

describe('单品折扣 / 限时折扣', () => {
  it('8 折 on one SKU: ¥100 × 2 → ¥80 × 2', () => {
    const r = run(
      [{ id: 'p', name: '8折', scope: { skuIds: ['A'] }, rule: { kind: 'item_discount', cut: { type: 'percent', offBp: 2000 } } }],
      {
        lines: [line('A', 10000, 2), line('B', 5000)],
      },
    );
    expect(finals(r)).toEqual({ A: 16000, B: 5000 }); // 2 × (10000 − 2000); B out of scope
    expect(r.totals).toMatchObject({ listFen: 25000, itemDiscountFen: 4000, goodsFen: 21000, payableFen: 21000 });
    expect(r.lines[0]!.adjustments[0]).toMatchObject({ sourceId: 'p', amountFen: 4000, units: 2 });
  });

  it('amount off and fixed price cuts, per-SKU prices', () => {
    const r = run(
      [
        {
          id: 'p',
          name: '立减',
          rule: {
            kind: 'item_discount',
            cut: { type: 'amount', offFen: 1500 },
            skuCuts: [{ skuId: 'B', cut: { type: 'price', priceFen: 3900 } }],
          },
        },
      ],
      { lines: [line('A', 10000), line('B', 5000), line('C', 1000)] },
    );
    // A: 10000 − 1500; B: its own price 3900; C: 1000 − 1500 → never below 0 → 0
    expect(finals(r)).toEqual({ A: 8500, B: 3900, C: 0 });
  });

  it('flash sale ¥59 within its window, per-buyer limit 2 with 1 bought before: 1 of 3 units at ¥59', () => {
    const flash: PromotionInput = {
      id: 'flash',
      name: '秒杀',
      startsAt: '2026-12-09T10:00:00+08:00',
      endsAt: '2026-12-09T14:00:00+08:00',
      scope: { skuIds: ['A'] },
      rule: { kind: 'flash_sale', cut: { type: 'price', priceFen: 5900 }, perBuyerLimit: 2 },
    };
    const cart = { lines: [line('A', 9900, 3)], buyerUsage: { flash: 1 } };
    const r = run([flash], cart);
    expect(finals(r)).toEqual({ A: 25700 }); // 5900 + 2 × 9900
    expect(r.applied[0]).toMatchObject({ sourceId: 'flash', amountFen: 4000, units: 1 });
    // After the window: full price 3 × 9900
    expect(finals(run([flash], cart, {}, '2026-12-09T15:00:00+08:00'))).toEqual({ A: 29700 });
    // Limit used up: refused with the reason, full price
    const used = run([flash], { ...cart, buyerUsage: { flash: 2 } });
    expect(finals(used)).toEqual({ A: 29700 });
    expect(used.refused[0]!.reason).toContain('每人限购 2 件');
  });

  it('a paused promotion prices nothing', () => {
    const r = run([{ id: 'p', name: '停', status: 'paused', rule: { kind: 'item_discount', cut: { type: 'percent', offBp: 5000 } } }], {
      lines: [line('A', 10000)],
    });
    expect(finals(r)).toEqual({ A: 10000 });
  });
});

describe('满减 / 满折 / 满件折', () => {
  const tiers = {
    kind: 'full_reduction' as const,
    tiers: [
      { thresholdFen: 30000, offFen: 4000 },
      { thresholdFen: 50000, offFen: 8000 },
    ],
  };

  it('满300减40 allocated by largest remainder', () => {
    const r = run([{ id: 'mj', name: '满300减40', rule: tiers }], { lines: [line('a', 11000), line('b', 9900), line('c', 10100)] });
    // 31000 ≥ 30000 → 4000. Exact shares 1419.35 / 1277.42 / 1303.23 → floors 1419 + 1277 + 1303 = 3999,
    // the last fen to the largest remainder (b, .42) → 1419 / 1278 / 1303.
    expect(finals(r)).toEqual({ a: 9581, b: 8622, c: 8797 });
    expect(r.totals.goodsFen).toBe(27000);
    expect(r.totals.orderDiscountFen).toBe(4000);
  });

  it('the highest tier reached applies; below the first tier a hint says what is missing', () => {
    expect(run([{ id: 'mj', name: 'x', rule: tiers }], { lines: [line('a', 52000)] }).totals.goodsFen).toBe(44000); // 满500减80
    const r = run([{ id: 'mj', name: 'x', rule: tiers }], { lines: [line('a', 28000)] });
    expect(r.totals.goodsFen).toBe(28000);
    expect(r.hints[0]!.message).toBe('还差 ¥20.00 可享满 ¥300.00 减 ¥40.00');
  });

  it('每满100减10, capped at ¥50', () => {
    const rule = { kind: 'full_reduction' as const, tiers: [{ thresholdFen: 10000, offFen: 1000 }], repeat: true, capFen: 5000 };
    expect(run([{ id: 'r', name: 'x', rule }], { lines: [line('a', 34500)] }).totals.orderDiscountFen).toBe(3000); // 3 × 10
    expect(run([{ id: 'r', name: 'x', rule }], { lines: [line('a', 72000)] }).totals.orderDiscountFen).toBe(5000); // 7 × 10 → cap 50
  });

  it('满200打9折', () => {
    const rule = { kind: 'full_discount' as const, tiers: [{ thresholdFen: 20000, offBp: 1000 }] };
    const r = run([{ id: 'mz', name: '满200打9折', rule }], { lines: [line('a', 15000), line('b', 8000)] });
    expect(finals(r)).toEqual({ a: 13500, b: 7200 }); // 10 % of 23000 = 2300 → 1500 / 800
    const short = run([{ id: 'mz', name: '满200打9折', rule }], { lines: [line('a', 19900)] });
    expect(short.totals.goodsFen).toBe(19900);
    expect(short.hints[0]!.message).toContain('还差 ¥1.00');
  });

  it('满2件9折 / 满3件8折 counts units', () => {
    const rule = {
      kind: 'qty_discount' as const,
      tiers: [
        { minQty: 2, offBp: 1000 },
        { minQty: 3, offBp: 2000 },
      ],
    };
    const r = run([{ id: 'mjz', name: '多买多折', rule }], { lines: [line('a', 3000, 2), line('b', 4000)] });
    // 3 units → 8 折: 20 % of 10000 = 2000, shares by amount 6000 : 4000 → 1200 / 800
    expect(finals(r)).toEqual({ a: 4800, b: 3200 });
  });
});

describe('买X送Y / 第二件半价', () => {
  const b1g1 = { kind: 'buy_x_get_y' as const, buyQty: 1, getQty: 1, getOffBp: 10000 };
  const second = { kind: 'buy_x_get_y' as const, buyQty: 1, getQty: 1, getOffBp: 5000 };

  it('买一送一: 3 units → 1 complete pair → 1 free', () => {
    expect(finals(run([{ id: 'b', name: '买一送一', rule: b1g1 }], { lines: [line('A', 5000, 3)] }))).toEqual({ A: 10000 });
  });

  it('第二件半价 per SKU: 4 units → 2 at half price', () => {
    expect(finals(run([{ id: 'h', name: '第二件半价', rule: second }], { lines: [line('A', 5000, 4)] }))).toEqual({ A: 15000 });
  });

  it('第二件半价 across the scope: the cheaper of each pair, most expensive first', () => {
    const r = run([{ id: 'h', name: '第二件半价', rule: { ...second, pool: 'scope' } }], {
      lines: [line('C', 4000), line('A', 10000), line('B', 6000)],
    });
    // sorted 100, 60, 40 → pair (100, 60): 60 at half = −3000; 40 left alone
    expect(finals(r)).toEqual({ A: 10000, B: 3000, C: 4000 });
  });
});

describe('包邮 / 满包邮 per region', () => {
  const free = {
    id: 'f',
    name: '江浙满99包邮',
    scope: { regions: ['浙江', '江苏'] },
    rule: { kind: 'free_shipping' as const, thresholdFen: 9900 },
  };
  it('reached in the region: shipping free', () => {
    const r = run([free], { region: '浙江', shippingFen: 1000, lines: [line('a', 10000)] });
    expect(r.totals).toMatchObject({ shippingFen: 1000, shippingDiscountFen: 1000, payableFen: 10000, discountFen: 1000 });
  });
  it('outside the region or below the threshold: shipping paid', () => {
    expect(run([free], { region: '新疆', shippingFen: 1000, lines: [line('a', 10000)] }).totals.payableFen).toBe(11000);
    const r = run([free], { region: '浙江', shippingFen: 1000, lines: [line('a', 9000)] });
    expect(r.totals.payableFen).toBe(10000);
    expect(r.hints[0]!.message).toBe('还差 ¥9.00 可包邮');
  });
});

describe('套餐 / 赠品', () => {
  it('A + B for ¥130: the saving is allocated by what the items cost alone', () => {
    const r = run(
      [
        {
          id: 'tc',
          name: '搭配套餐',
          rule: {
            kind: 'bundle',
            items: [
              { skuId: 'A', qty: 1 },
              { skuId: 'B', qty: 1 },
            ],
            priceFen: 13000,
          },
        },
      ],
      { lines: [line('A', 10000, 2), line('B', 6000)] },
    );
    // 1 set: 16000 − 13000 = 3000 → A 3000 × 10000/16000 = 1875, B 1125
    expect(finals(r)).toEqual({ A: 18125, B: 4875 });
    expect(r.totals.goodsFen).toBe(23000); // 10000 + 13000
  });

  it('满200赠 one gift line at ¥0 that takes stock; 每满100赠 capped at 2 sets', () => {
    const r = run(
      [{ id: 'g', name: '满赠', rule: { kind: 'gift', thresholdFen: 20000, gifts: [{ skuId: 'G', qty: 1, name: '帆布袋' }] } }],
      {
        lines: [line('a', 25000)],
      },
    );
    const gift = r.lines.find((l) => l.isGift)!;
    expect(gift).toMatchObject({ skuId: 'G', qty: 1, finalFen: 0, listFen: 0, stockRelevant: true, giftOf: 'g' });
    expect(r.totals.goodsFen).toBe(25000);
    const rep = run(
      [{ id: 'g', name: '满赠', rule: { kind: 'gift', thresholdFen: 10000, repeat: true, maxSets: 2, gifts: [{ skuId: 'G', qty: 1 }] } }],
      { lines: [line('a', 35000)] },
    );
    expect(rep.lines.find((l) => l.isGift)!.qty).toBe(2); // 3 multiples → cap 2
  });
});

describe('会员价 / 会员日', () => {
  const member: PromotionInput = {
    id: 'm',
    name: '会员价',
    rule: {
      kind: 'member_price',
      levels: [
        { level: 'VIP1', cut: { type: 'percent', offBp: 500 } },
        { level: 'VIP2', cut: { type: 'percent', offBp: 1000 } },
      ],
    },
  };
  it('by level: VIP2 9 折, VIP1 95 折, non-member full price', () => {
    expect(finals(run([member], { memberLevel: 'VIP2', lines: [line('A', 20000)] }))).toEqual({ A: 18000 });
    expect(finals(run([member], { memberLevel: 'VIP1', lines: [line('A', 20000)] }))).toEqual({ A: 19000 });
    expect(finals(run([member], { lines: [line('A', 20000)] }))).toEqual({ A: 20000 });
  });
  it('member day only on Wednesdays', () => {
    const day = { ...member, id: 'day', name: '周三会员日', weekdays: [3] };
    expect(finals(run([day], { memberLevel: 'VIP2', lines: [line('A', 20000)] }, {}, WED_NOON))).toEqual({ A: 18000 });
    expect(finals(run([day], { memberLevel: 'VIP2', lines: [line('A', 20000)] }, {}, THU_NOON))).toEqual({ A: 20000 });
  });
  it('member price and an item discount never combine on a unit: the lower price wins', () => {
    const fixed: PromotionInput = { id: 'i', name: '单品价', rule: { kind: 'item_discount', cut: { type: 'price', priceFen: 18500 } } };
    const r = run([member, fixed], { memberLevel: 'VIP2', lines: [line('A', 20000)] });
    expect(finals(r)).toEqual({ A: 18000 }); // min(18000, 18500)
    expect(r.applied.map((a) => a.sourceId)).toEqual(['m']);
  });
});

describe('优惠券', () => {
  const extra = (coupons: NonNullable<PriceListInput['coupons']>) => ({ coupons });
  it('满100减20 and 8 折 capped at ¥30', () => {
    const amount = { id: 'c20', name: '满100减20', thresholdFen: 10000, value: { type: 'amount' as const, offFen: 2000 } };
    expect(finals(run([], { couponIds: ['c20'], lines: [line('a', 12000)] }, extra([amount])))).toEqual({ a: 10000 });
    const pct = { id: 'c8', name: '8折券', value: { type: 'percent' as const, offBp: 2000, capFen: 3000 } };
    expect(finals(run([], { couponIds: ['c8'], lines: [line('a', 20000)] }, extra([pct])))).toEqual({ a: 17000 }); // 4000 → cap 3000
  });
  it('a category coupon takes only from its category', () => {
    const cp = {
      id: 'shoes',
      name: '鞋类券',
      thresholdFen: 10000,
      value: { type: 'amount' as const, offFen: 1500 },
      scope: { categoryIds: ['shoes'] },
    };
    const r = run(
      [],
      { couponIds: ['shoes'], lines: [line('s', 10000, 1, { categoryId: 'shoes' }), line('t', 10000, 1, { categoryId: 'tops' })] },
      extra([cp]),
    );
    expect(finals(r)).toEqual({ s: 8500, t: 10000 });
  });
  it('one coupon per order by default: the larger wins; expired, unknown and below-threshold coupons are refused with the reason', () => {
    const coupons = [
      { id: 'a', name: '减10', value: { type: 'amount' as const, offFen: 1000 } },
      { id: 'b', name: '减15', value: { type: 'amount' as const, offFen: 1500 } },
      { id: 'old', name: '过期券', endsAt: '2026-12-01T00:00:00+08:00', value: { type: 'amount' as const, offFen: 5000 } },
    ];
    const r = run([], { couponIds: ['a', 'b', 'old', 'nope'], lines: [line('x', 10000)] }, extra(coupons));
    expect(finals(r)).toEqual({ x: 8500 });
    const reasons = Object.fromEntries(r.refused.map((x) => [x.sourceId, x.reason]));
    expect(reasons.a).toContain('互斥组');
    expect(reasons.old).toContain('已过期');
    expect(reasons.nope).toContain('没有这张优惠券');
    const low = run(
      [],
      { couponIds: ['h'], lines: [line('x', 5000)] },
      extra([{ id: 'h', name: '满100减10', thresholdFen: 10000, value: { type: 'amount', offFen: 1000 } }]),
    );
    expect(low.refused[0]!.reason).toBe('未达使用门槛：适用商品 ¥50.00，需满 ¥100.00（还差 ¥50.00）');
  });
});

describe('stacking', () => {
  it('item → order → coupon → shipping, to the fen', () => {
    const r = run(
      [
        { id: 'p1', name: '单品9折', scope: { skuIds: ['A'] }, rule: { kind: 'item_discount', cut: { type: 'percent', offBp: 1000 } } },
        { id: 'p2', name: '满300减30', rule: { kind: 'full_reduction', tiers: [{ thresholdFen: 30000, offFen: 3000 }] } },
        { id: 'p3', name: '满99包邮', rule: { kind: 'free_shipping', thresholdFen: 9900 } },
      ],
      { shippingFen: 800, couponIds: ['c1'], lines: [line('B', 10000, 2), line('A', 20000)] },
      { coupons: [{ id: 'c1', name: '满300减20', thresholdFen: 30000, value: { type: 'amount', offFen: 2000 } }] },
    );
    // Item: A 20000 → 18000. Order: 38000 ≥ 30000 → 3000 over 18000 : 20000 = 1421.05 / 1578.95 → 1421 / 1579
    //   → A 16579, B 18421 (35000). Coupon: 35000 ≥ 30000 → 2000 over 16579 : 18421 = 947.37 / 1052.63
    //   → 947 / 1053 → A 15632, B 17368. Shipping 800 free (33000 ≥ 9900).
    expect(finals(r)).toEqual({ A: 15632, B: 17368 });
    expect(r.totals).toEqual({
      listFen: 40000,
      itemDiscountFen: 2000,
      orderDiscountFen: 3000,
      couponDiscountFen: 2000,
      goodsFen: 33000,
      shippingFen: 800,
      shippingDiscountFen: 800,
      payableFen: 33000,
      discountFen: 7800,
    });
    const a = r.lines.find((l) => l.lineId === 'A')!;
    expect(a.adjustments.map((x) => [x.sourceId, x.amountFen])).toEqual([
      ['p1', 2000],
      ['p2', 1421],
      ['c1', 947],
    ]);
    expect(r.applied.map((x) => x.sourceId)).toEqual(['p1', 'p2', 'c1', 'p3']);
  });

  it('order-level promotions stack in priority order; thresholds on the amount after the item stage', () => {
    const r = run(
      [
        { id: 'z', name: '满200打9折', priority: 2, rule: { kind: 'full_discount', tiers: [{ thresholdFen: 20000, offBp: 1000 }] } },
        { id: 'j', name: '满200减20', priority: 1, rule: { kind: 'full_reduction', tiers: [{ thresholdFen: 20000, offFen: 2000 }] } },
      ],
      { lines: [line('a', 30000)] },
    );
    // 满减 first: 30000 − 2000 = 28000; then 9 折 on 28000: −2800 → 25200
    expect(r.totals.goodsFen).toBe(25200);
  });

  it('exclusive group: the member saving most wins, the other is refused with the reason', () => {
    const r = run(
      [
        {
          id: 'j',
          name: '满200减20',
          exclusiveGroup: 'shop',
          rule: { kind: 'full_reduction', tiers: [{ thresholdFen: 20000, offFen: 2000 }] },
        },
        {
          id: 'z',
          name: '满200打9折',
          exclusiveGroup: 'shop',
          rule: { kind: 'full_discount', tiers: [{ thresholdFen: 20000, offBp: 1000 }] },
        },
      ],
      { lines: [line('a', 30000)] },
    );
    expect(r.totals.goodsFen).toBe(27000); // 9 折 saves 3000 > 2000
    expect(r.refused).toEqual([expect.objectContaining({ sourceId: 'j', reason: expect.stringContaining('互斥组「shop」') })]);
  });

  it('a group used at the item stage shuts its coupon out', () => {
    const r = run(
      [{ id: 'f', name: '秒杀', exclusiveGroup: 'g', rule: { kind: 'flash_sale', cut: { type: 'percent', offBp: 3000 } } }],
      { couponIds: ['c'], lines: [line('a', 10000)] },
      { coupons: [{ id: 'c', name: '券', exclusiveGroup: 'g', value: { type: 'amount', offFen: 500 } }] },
    );
    expect(r.totals.goodsFen).toBe(7000);
    expect(r.refused[0]!.reason).toContain('与已生效的「秒杀」');
  });
});

describe('exclusive groups at the item stage', () => {
  it('two item discounts in one group: the one saving more over the whole cart wins', () => {
    const r = run(
      [
        {
          id: 'p1',
          name: 'A 9折',
          exclusiveGroup: 'g',
          scope: { skuIds: ['A'] },
          rule: { kind: 'item_discount', cut: { type: 'percent', offBp: 1000 } },
        },
        {
          id: 'p2',
          name: 'B 8折',
          exclusiveGroup: 'g',
          scope: { skuIds: ['B'] },
          rule: { kind: 'item_discount', cut: { type: 'percent', offBp: 2000 } },
        },
      ],
      { lines: [line('A', 10000), line('B', 5000, 2)] },
    );
    // p1 alone saves 1000, p2 alone 2 × 1000 = 2000 → p2; A keeps its price
    expect(finals(r)).toEqual({ A: 10000, B: 8000 });
    expect(r.refused.map((x) => x.sourceId)).toEqual(['p1']);
  });
});

describe('price floor by minimum margin', () => {
  // cost ¥60, min margin 20 % → floor ⌈6000 ÷ 0.8⌉ = 7500 per unit
  const settings = { settings: { minMarginBp: 2000 } };
  it('floor arithmetic', () => {
    expect(floorUnitPrice(6000, 2000)).toBe(7500);
    expect(floorUnitPrice(1000, 3000)).toBe(1429); // 1428.57 → up
    expect(floorUnitPrice(1000, 0)).toBe(1000);
  });
  it('a 7 折 that would sell at ¥70 is refused with the reason', () => {
    const r = run(
      [{ id: 'p', name: '7折', rule: { kind: 'item_discount', cut: { type: 'percent', offBp: 3000 } } }],
      { lines: [line('A', 10000, 1, { costFen: 6000 })] },
      settings,
    );
    expect(finals(r)).toEqual({ A: 10000 });
    expect(r.refused[0]).toMatchObject({ sourceId: 'p', lineId: 'A' });
    expect(r.refused[0]!.reason).toBe('活动价 ¥70.00 低于保底价 ¥75.00/件（成本 ¥60.00，最低毛利率 20%），该商品不参加');
    expect(r.lines[0]!.floorFen).toBe(7500);
  });
  it('an order discount is refused when the room above the floors is too small', () => {
    const r = run(
      [{ id: 'j', name: '满100减30', rule: { kind: 'full_reduction', tiers: [{ thresholdFen: 10000, offFen: 3000 }] } }],
      { lines: [line('A', 10000, 1, { costFen: 6000 })] },
      settings,
    );
    expect(r.totals.goodsFen).toBe(10000); // room 2500 < 3000
    expect(r.refused[0]!.reason).toContain('保底价');
  });
  it('…and allocated within the room when proportion alone would break a floor', () => {
    const r = run(
      [{ id: 'j', name: '满200减60', rule: { kind: 'full_reduction', tiers: [{ thresholdFen: 20000, offFen: 6000 }] } }],
      { lines: [line('A', 10000, 1, { costFen: 6000 }), line('B', 10000)] },
      settings,
    );
    // proportion 3000 / 3000 would put A at 7000 < 7500 → A takes its room 2500, B the other 3500
    expect(finals(r)).toEqual({ A: 7500, B: 6500 });
  });
  it('a bundle whose saving exceeds the room above the floors is refused; a smaller one fits', () => {
    const bundle = (priceFen: number): PromotionInput => ({
      id: 'tc',
      name: '套餐',
      rule: {
        kind: 'bundle',
        items: [
          { skuId: 'A', qty: 1 },
          { skuId: 'B', qty: 1 },
        ],
        priceFen,
      },
    });
    const cart = { lines: [line('A', 10000, 1, { costFen: 8000 }), line('B', 6000, 1, { costFen: 5000 })] };
    // floors at margin 0 = cost: rooms 2000 + 1000 = 3000 < 16000 − 12000 = 4000 → refused
    const refused = run([bundle(12000)], cart);
    expect(finals(refused)).toEqual({ A: 10000, B: 6000 });
    expect(refused.refused).toHaveLength(1);
    expect(refused.refused[0]!.reason).toContain('保底价');
    // saving 2500: 2500 × 10000/16000 = 1562.5, × 6000/16000 = 937.5 → tie on .5 → the first line (A) → 1563 / 937
    expect(finals(run([bundle(13500)], cart))).toEqual({ A: 8437, B: 5063 });
  });
  it('allocateWithin', () => {
    expect(allocateWithin(100, [1, 1, 1], [100, 100, 100])).toEqual([34, 33, 33]);
    expect(allocateWithin(100, [1, 1, 1], [10, 100, 100])).toEqual([10, 45, 45]);
    expect(allocateWithin(100, [1, 1], [10, 20])).toBeNull();
  });
});

describe('input', () => {
  it('duplicate line ids are rejected in Chinese, naming both lines', () => {
    expect(() => run([], { lines: [line('A', 100), line('B', 100), line('A', 100)] })).toThrow(AppError);
    expect(() => run([], { lines: [line('A', 100), line('B', 100), line('A', 100)] })).toThrow('购物车第 3 行与第 1 行的行 ID「A」重复');
  });
  it('schema messages are Chinese and name the field', () => {
    const r = CartSchema.safeParse({ lines: [{ skuId: 'A', qty: 0, unitPriceFen: 1.5 }] });
    expect(r.success).toBe(false);
    const msgs = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(msgs).toContain('lines.0.qty: 数量至少为 1');
    expect(msgs).toContain('lines.0.unitPriceFen: 单价应为整数（单位：分）');
  });
});

import { describe, expect, it } from 'vitest';
import type { DayPoint, Totals } from './analytics.js';
import {
  aov,
  basePeriod,
  baseDayOf,
  isMonthEnd,
  shiftCalendarMonths,
  cartRate,
  daysBetween,
  emptyTotals,
  favRate,
  funnel,
  grossMargin,
  grossProfit,
  lmdi,
  lmdiFen,
  logMean,
  meanOfDaily,
  orderConversion,
  orderConversionAll,
  payConversion,
  paymentRate,
  periodLength,
  previousPeriod,
  rate,
  shiftMonths,
  sumTotals,
  viewConversion,
  visitorValue,
} from './metrics.js';

const t = (x: Partial<Totals>): Totals => ({ ...emptyTotals(), ...x });
const day = (d: string, x: Partial<DayPoint>): DayPoint => ({
  ...emptyTotals(),
  day: d,
  bounceRate: null,
  pvPerVisitor: null,
  avgDwellMs: null,
  ...x,
});

describe('metric formulas (glossary §2)', () => {
  it('gives null, not 0 or NaN, when the denominator is 0', () => {
    expect(rate(3, 0)).toBeNull();
    expect(rate(0, 5)).toBe(0);
    expect(payConversion(t({}))).toBeNull();
    expect(aov(t({ paidFen: 0, payingBuyers: 0 }))).toBeNull();
  });

  it('computes the core formula S = UV × CR × AOV exactly (AOV per buyer, not per order)', () => {
    // 1 000 visitors, 20 buyers paying ¥2 000 in 25 orders.
    const x = t({ uv: 1000, payingBuyers: 20, paidFen: 200_000, paidOrders: 25, detailUv: 400, orderUv: 25, cartUv: 80, favUv: 30 });
    expect(payConversion(x)).toBe(0.02);
    expect(aov(x)).toBe(10_000); // ¥100 per buyer (¥80 per order would break the identity)
    expect(x.uv * payConversion(x)! * aov(x)!).toBeCloseTo(x.paidFen, 6);
    expect(visitorValue(x)).toBe(200);
    expect(orderConversion(x)).toBe(25 / 400);
    expect(orderConversionAll(x)).toBe(25 / 1000);
    expect(paymentRate(x)).toBe(20 / 25);
    expect(viewConversion(x)).toBe(0.4);
    expect(cartRate(x)).toBe(0.08);
    expect(favRate(x)).toBe(0.03);
  });

  it('gross profit is paid − cost of goods − shipping cost; margin over paid', () => {
    expect(grossProfit(t({ paidFen: 10_000, costFen: 6_000 }))).toBe(4_000);
    expect(grossProfit(t({ paidFen: 10_000, costFen: 6_000 }), 800)).toBe(3_200);
    expect(grossMargin(t({ paidFen: 10_000, costFen: 6_000 }))).toBe(0.4);
    expect(grossMargin(t({}))).toBeNull();
  });

  it('sums multi-day totals (UV of several days is the sum of daily UV)', () => {
    const s = sumTotals([t({ uv: 100, paidFen: 500, units: 2 }), t({ uv: 80, paidFen: 250, refundFen: 10 })]);
    expect(s).toEqual(t({ uv: 180, paidFen: 750, units: 2, refundFen: 10 }));
  });

  it('takes the mean of daily values for bounce rate, views per visitor and dwell, skipping days without a value', () => {
    const days = [
      day('2026-03-01', { bounceRate: 0.5, pvPerVisitor: 2, avgDwellMs: 1000 }),
      day('2026-03-02', { bounceRate: 0.3, pvPerVisitor: 4, avgDwellMs: null }),
      day('2026-03-03', {}),
    ];
    expect(meanOfDaily(days, 'bounceRate')).toBeCloseTo(0.4, 12);
    expect(meanOfDaily(days, 'pvPerVisitor')).toBe(3);
    expect(meanOfDaily(days, 'avgDwellMs')).toBe(1000);
    expect(meanOfDaily([], 'bounceRate')).toBeNull();
  });

  it('builds the visitor funnel with step-over-step rates', () => {
    expect(funnel(t({ uv: 1000, detailUv: 500, cartUv: 100, orderUv: 40, payingBuyers: 30 }))).toEqual([
      { step: 'visit', visitors: 1000, rate: null },
      { step: 'detail', visitors: 500, rate: 0.5 },
      { step: 'cart', visitors: 100, rate: 0.2 },
      { step: 'order', visitors: 40, rate: 0.4 },
      { step: 'pay', visitors: 30, rate: 0.75 },
    ]);
    expect(funnel(t({}))[1]!.rate).toBeNull();
  });
});

describe('periods', () => {
  it('lists days and measures periods', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(periodLength('2026-02-27', '2026-03-02')).toBe(4);
    expect(periodLength('2026-03-05', '2026-03-05')).toBe(1);
  });

  it('finds the base period for each comparison mode', () => {
    expect(previousPeriod('2026-03-08', '2026-03-14')).toEqual({ from: '2026-03-01', to: '2026-03-07' });
    expect(basePeriod('2026-03-08', '2026-03-14', 'wow')).toEqual({ from: '2026-03-01', to: '2026-03-07' });
    expect(basePeriod('2026-03-01', '2026-03-31', 'mom')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(basePeriod('2024-03-01', '2024-03-31', 'mom')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(basePeriod('2024-02-29', '2024-02-29', 'yoy')).toEqual({ from: '2023-02-28', to: '2023-02-28' });
    expect(basePeriod('2026-01-10', '2026-01-20', 'mom')).toEqual({ from: '2025-12-10', to: '2025-12-20' });
    expect(basePeriod('2026-03-10', '2026-03-12', 'previous')).toEqual({ from: '2026-03-07', to: '2026-03-09' });
    expect(shiftMonths('2026-05-31', -1)).toBe('2026-04-30');
  });

  it('compares by calendar month: a whole month with the whole previous month, a running month with the same days', () => {
    // A 30-day month against a 31-day one, and the reverse.
    expect(basePeriod('2026-11-01', '2026-11-30', 'mom')).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(basePeriod('2026-10-01', '2026-10-31', 'mom')).toEqual({ from: '2026-09-01', to: '2026-09-30' });
    expect(basePeriod('2026-12-01', '2026-12-31', 'mom')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(basePeriod('2026-01-01', '2026-01-31', 'mom')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    // February: leap and common years, both ways.
    expect(basePeriod('2024-03-01', '2024-03-31', 'mom')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(basePeriod('2025-02-01', '2025-02-28', 'yoy')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(basePeriod('2024-02-01', '2024-02-29', 'yoy')).toEqual({ from: '2023-02-01', to: '2023-02-28' });
    // Several whole months.
    expect(basePeriod('2026-10-01', '2026-11-30', 'mom')).toEqual({ from: '2026-09-01', to: '2026-10-31' });
    // A running month (本月 to yesterday) against the same elapsed days; clamped when the base month is shorter.
    expect(basePeriod('2026-11-01', '2026-11-20', 'mom')).toEqual({ from: '2026-10-01', to: '2026-10-20' });
    expect(basePeriod('2026-03-01', '2026-03-30', 'mom')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    // A running week (本周 Monday…Wednesday) against last Monday…Wednesday.
    expect(basePeriod('2026-11-16', '2026-11-18', 'wow')).toEqual({ from: '2026-11-09', to: '2026-11-11' });
    // Trend pairing: each day to its base day, the month's last day to the base month's last day.
    expect(baseDayOf('2026-11-30', 'mom', '2026-11-01', '2026-11-30')).toBe('2026-10-31');
    expect(baseDayOf('2026-11-29', 'mom', '2026-11-01', '2026-11-30')).toBe('2026-10-29');
    expect(shiftCalendarMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(shiftCalendarMonths('2026-02-28', -1)).toBe('2026-01-31');
    expect(isMonthEnd('2024-02-29')).toBe(true);
    expect(isMonthEnd('2024-02-28')).toBe(false);
  });
});

describe('LMDI decomposition of paid amount S = UV × CR × AOV', () => {
  it('logarithmic mean', () => {
    expect(logMean(5, 5)).toBe(5);
    expect(logMean(270_000, 200_000)).toBeCloseTo(70_000 / Math.log(1.35), 6);
  });

  it('worked example: UV 1000→1200, CR 2%→2.5%, AOV ¥100→¥90', () => {
    const base = { uv: 1000, payingBuyers: 20, paidFen: 200_000 }; // ¥2 000
    const cur = { uv: 1200, payingBuyers: 30, paidFen: 270_000 }; // ¥2 700
    const e = lmdi(base, cur);
    // L = 70 000 / ln 1.35 = 233 252.012; effects = L·ln 1.2, L·ln 1.25, L·ln 0.9
    expect(e.deltaFen).toBe(70_000);
    expect(e.uvEffect).toBeCloseTo(42_526.87, 2);
    expect(e.conversionEffect).toBeCloseTo(52_048.68, 2);
    expect(e.aovEffect).toBeCloseTo(-24_575.55, 2);
    expect(e.uvEffect + e.conversionEffect + e.aovEffect).toBeCloseTo(70_000, 8);
    expect(lmdiFen(base, cur)).toEqual({ deltaFen: 70_000, uvEffect: 42_527, conversionEffect: 52_049, aovEffect: -24_576 });
  });

  it('puts the rounding remainder in one effect so whole fen add up', () => {
    // Effects ≈ 0.5 each: rounding all three up would give 2 fen for a delta of 1.
    for (const [b, c] of [
      [
        { uv: 3, payingBuyers: 1, paidFen: 7 },
        { uv: 4, payingBuyers: 2, paidFen: 8 },
      ],
      [
        { uv: 997, payingBuyers: 13, paidFen: 123_457 },
        { uv: 1013, payingBuyers: 11, paidFen: 123_458 },
      ],
      [
        { uv: 50, payingBuyers: 5, paidFen: 99_999 },
        { uv: 49, payingBuyers: 6, paidFen: 1 },
      ],
    ] as const) {
      const e = lmdiFen(b, c);
      expect(e.uvEffect + e.conversionEffect + e.aovEffect).toBe(c.paidFen - b.paidFen);
      for (const v of [e.uvEffect, e.conversionEffect, e.aovEffect]) expect(Number.isInteger(v)).toBe(true);
    }
  });

  it('treats zeros by the limit rule: the first zero factor of the chain takes the whole change', () => {
    // No visitors in the base period: all growth comes from traffic.
    expect(lmdiFen({ uv: 0, payingBuyers: 0, paidFen: 0 }, { uv: 100, payingBuyers: 2, paidFen: 5_000 })).toEqual({
      deltaFen: 5_000,
      uvEffect: 5_000,
      conversionEffect: 0,
      aovEffect: 0,
    });
    // Visitors but no buyers now: the loss is a conversion effect.
    expect(lmdiFen({ uv: 100, payingBuyers: 2, paidFen: 5_000 }, { uv: 120, payingBuyers: 0, paidFen: 0 })).toEqual({
      deltaFen: -5_000,
      uvEffect: 0,
      conversionEffect: -5_000,
      aovEffect: 0,
    });
    // Buyers who paid ¥0 (fully discounted): the AOV effect.
    expect(lmdiFen({ uv: 10, payingBuyers: 1, paidFen: 0 }, { uv: 10, payingBuyers: 1, paidFen: 300 }).aovEffect).toBe(300);
    // Nothing changed.
    expect(lmdiFen({ uv: 0, payingBuyers: 0, paidFen: 0 }, { uv: 5, payingBuyers: 0, paidFen: 0 })).toEqual({
      deltaFen: 0,
      uvEffect: 0,
      conversionEffect: 0,
      aovEffect: 0,
    });
  });

  it('agrees with the small-value replacement it is the limit of', () => {
    const eps = 1e-12;
    const base = { uv: 100, payingBuyers: eps, paidFen: eps * 3000 };
    const cur = { uv: 120, payingBuyers: 3, paidFen: 9_000 };
    const approx = lmdi(base, cur);
    const exact = lmdi({ uv: 100, payingBuyers: 0, paidFen: 0 }, cur);
    expect(approx.conversionEffect / exact.conversionEffect).toBeGreaterThan(0.9);
    expect(exact.conversionEffect).toBe(9_000);
  });
});

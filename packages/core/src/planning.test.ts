import { describe, expect, it } from 'vitest';
import {
  activityBand,
  criticalPath,
  decomposeTarget,
  logLogElasticity,
  ols,
  paceCurve,
  paceStatus,
  quantileSorted,
  seededRandom,
  semiLogElasticity,
  withinLogLogElasticity,
  whatIf,
} from './planning.js';

describe('decomposeTarget', () => {
  it('multiplies back to the target exactly and keeps the basis ratios within a buyer', () => {
    for (const [target, conversion, aovFen] of [
      [100_000_000, 0.025, 15_800],
      [12_345_678, 0.0137, 9_999],
      [500, 0.5, 100_000], // a target below one basis AOV still needs one buyer
      [987_654_321, 0.0008, 31_415],
    ] as const) {
      const s = decomposeTarget(target, { conversion, aovFen });
      expect(Math.round(s.visitors * s.conversion * s.aovFen)).toBe(target);
      expect(Number.isInteger(s.visitors) && Number.isInteger(s.buyers)).toBe(true);
      expect(s.buyers).toBeGreaterThanOrEqual(1);
      expect(Math.abs(s.buyers - target / aovFen)).toBeLessThanOrEqual(0.5 + (target < aovFen ? 1 : 0));
      expect(Math.abs(s.visitors - s.buyers / conversion)).toBeLessThanOrEqual(0.5);
    }
  });
  it('worked example: ¥1,000,000 at 2.5% and ¥158 needs 6,329 buyers from 253,160 visitors', () => {
    const s = decomposeTarget(100_000_000, { conversion: 0.025, aovFen: 15_800 });
    expect(s.buyers).toBe(6329);
    expect(s.visitors).toBe(253_160);
    expect(s.aovFen).toBeCloseTo(15_800.284, 2);
  });
  it('rejects a zero target or ratios out of range', () => {
    expect(() => decomposeTarget(0, { conversion: 0.02, aovFen: 100 })).toThrow(RangeError);
    expect(() => decomposeTarget(100, { conversion: 0, aovFen: 100 })).toThrow(RangeError);
    expect(() => decomposeTarget(100, { conversion: 0.1, aovFen: 0 })).toThrow(RangeError);
  });
});

describe('paceCurve', () => {
  it('is a straight line without history and ends at exactly 1', () => {
    const p = paceCurve([], 30);
    expect(p.shaped).toBe(false);
    expect(p.cumulative[14]).toBeCloseTo(0.5);
    expect(p.cumulative[29]).toBe(1);
  });
  it('follows past months whose sales peak at the end (not a straight line)', () => {
    // Two 30-day months: flat, then the last 5 days sell as much as the first 25.
    const month = [...Array(25).fill(100), ...Array(5).fill(500)];
    const p = paceCurve([month, month], 30);
    expect(p.shaped).toBe(true);
    expect(p.months).toBe(2);
    expect(p.cumulative[24]).toBeCloseTo(0.5, 10);
    expect(p.cumulative[29]).toBe(1);
    // A 31-day month read at the same relative positions: monotone and below the line mid-month.
    const q = paceCurve([month], 31);
    for (let i = 1; i < 31; i++) expect(q.cumulative[i]!).toBeGreaterThanOrEqual(q.cumulative[i - 1]!);
    expect(q.cumulative[15]!).toBeLessThan(16 / 31);
  });
  it('skips a past month without sales', () => {
    expect(paceCurve([[0, 0, 0]], 3).shaped).toBe(false);
  });
  it('pace status: expected by today, the gap and the month-end forecast', () => {
    const { cumulative } = paceCurve([[1, 1, 2]], 3); // 25%, 50%, 100%
    expect(paceStatus(1000_00, cumulative, 300_00, 2)).toEqual({ expectedFen: 500_00, gapFen: -200_00, ratio: 0.6, forecastFen: 600_00 });
    expect(paceStatus(1000_00, cumulative, 0, 0).ratio).toBeNull();
  });
});

describe('criticalPath', () => {
  it('worked example: a 双11 preparation plan', () => {
    // A 选品 3d → B 拍照 4d → D 详情页 3d → F 上线检查 1d
    //          ↘ C 报名 2d → E 备货 5d ↗
    const s = criticalPath([
      { id: 'A', durationDays: 3, dependsOn: [] },
      { id: 'B', durationDays: 4, dependsOn: ['A'] },
      { id: 'C', durationDays: 2, dependsOn: ['A'] },
      { id: 'D', durationDays: 3, dependsOn: ['B'] },
      { id: 'E', durationDays: 5, dependsOn: ['C'] },
      { id: 'F', durationDays: 1, dependsOn: ['D', 'E'] },
      { id: 'G', durationDays: 2, dependsOn: [] }, // 客服话术, independent
    ]);
    if (!s.ok) throw new Error('expected a schedule');
    expect(s.durationDays).toBe(11);
    const t = Object.fromEntries(s.tasks.map((x) => [x.id, x]));
    expect(t.A).toMatchObject({ es: 0, ef: 3, slack: 0, critical: true });
    expect(t.B).toMatchObject({ es: 3, ef: 7, ls: 3, slack: 0 });
    expect(t.C).toMatchObject({ es: 3, ef: 5, ls: 3, lf: 5, slack: 0 });
    expect(t.D).toMatchObject({ es: 7, ef: 10, slack: 0 });
    expect(t.E).toMatchObject({ es: 5, ef: 10, slack: 0 });
    expect(t.F).toMatchObject({ es: 10, ef: 11, slack: 0 });
    expect(t.G).toMatchObject({ es: 0, ef: 2, ls: 9, slack: 9, critical: false });
    expect(s.criticalPath).toEqual(['A', 'B', 'D', 'F']);
  });
  it('gives slack to the shorter branch', () => {
    const s = criticalPath([
      { id: 'a', durationDays: 2, dependsOn: [] },
      { id: 'b', durationDays: 1, dependsOn: [] },
      { id: 'c', durationDays: 1, dependsOn: ['a', 'b'] },
    ]);
    if (!s.ok) throw new Error('expected a schedule');
    expect(s.tasks.find((x) => x.id === 'b')!.slack).toBe(1);
    expect(s.criticalPath).toEqual(['a', 'c']);
  });
  it('reports a cycle and an unknown dependency', () => {
    expect(
      criticalPath([
        { id: 'x', durationDays: 1, dependsOn: ['y'] },
        { id: 'y', durationDays: 1, dependsOn: ['x'] },
        { id: 'z', durationDays: 1, dependsOn: [] },
      ]),
    ).toEqual({ ok: false, error: 'cycle', ids: ['x', 'y'] });
    expect(criticalPath([{ id: 'x', durationDays: 1, dependsOn: ['nope'] }])).toEqual({
      ok: false,
      error: 'unknown_dependency',
      ids: ['x'],
    });
  });
});

describe('elasticities', () => {
  it('ols recovers a known line and its slope interval holds the truth', () => {
    const rand = seededRandom(7);
    const pts = Array.from({ length: 200 }, (_, i) => ({ x: i / 10, y: 3 + 2 * (i / 10) + (rand() - 0.5) }));
    const f = ols(pts)!;
    expect(f.slope).toBeCloseTo(2, 1);
    expect(f.low).toBeLessThan(2);
    expect(f.high).toBeGreaterThan(2);
    expect(f.r2).toBeGreaterThan(0.99);
    expect(
      ols([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
        { x: 1, y: 3 },
      ]),
    ).toBeNull();
    expect(ols([{ x: 1, y: 1 }])).toBeNull();
  });
  it('log-log and semi-log fits', () => {
    const ll = logLogElasticity([1, 2, 4, 8, 16].map((x) => ({ x, y: 5 * Math.pow(x, 0.6) })))!;
    expect(ll.slope).toBeCloseTo(0.6, 10);
    const sl = semiLogElasticity([0, 0.1, 0.2, 0.3].map((x) => ({ x, y: 0.02 * Math.exp(1.5 * x) })))!;
    expect(sl.slope).toBeCloseTo(1.5, 10);
  });
});

describe('whatIf', () => {
  const base = {
    days: 30,
    visitorsBySource: { search: 60_000, paid: 40_000 },
    buyers: 2_000,
    salesFen: 30_000_000,
    costFen: 15_000_000,
    adSpendFen: 2_000_000,
    discount: 0.1,
  };
  const none = { discountOnConversion: null, adOnVisitors: null };
  it('no change gives the base back', () => {
    const r = whatIf(base, {}, none);
    expect(r.scenario).toEqual(r.base);
    expect(r.base).toMatchObject({ salesFen: 30_000_000, grossProfitFen: 15_000_000, profitFen: 13_000_000, grossMargin: 0.5 });
  });
  it('traffic from one source +50% raises sales by its share; conversion and AOV multiply', () => {
    const r = whatIf(base, { trafficBySource: { paid: 0.5 } }, none);
    expect(r.scenario.visitors).toBe(120_000);
    expect(r.scenario.salesFen).toBe(36_000_000);
    const m = whatIf(base, { conversion: 0.1, aov: -0.1 }, none);
    expect(m.scenario.salesFen).toBe(Math.round(30_000_000 * 1.1 * 0.9));
  });
  it('a deeper discount lowers AOV, raises conversion by the fitted semi-elasticity, and keeps unit cost', () => {
    const fit = { slope: 2, intercept: 0, se: 0.5, low: 1.02, high: 2.98, n: 60, r2: 0.4 };
    const r = whatIf(base, { discount: 0.2 }, { discountOnConversion: fit, adOnVisitors: null });
    const conv = Math.exp(2 * 0.1);
    expect(r.scenario.buyers).toBe(Math.round(2000 * conv));
    expect(r.scenario.salesFen).toBe(Math.round(2000 * conv * 15_000 * (0.8 / 0.9)));
    expect(r.scenario.costFen).toBe(Math.round(2000 * conv * 7_500));
    expect(r.scenario.grossMargin!).toBeLessThan(0.5);
    expect(r.low.salesFen).toBeLessThan(r.scenario.salesFen);
    expect(r.high.salesFen).toBeGreaterThan(r.scenario.salesFen);
  });
  it('ad budget moves visitors by the ad elasticity and spend with the budget; cost of goods +10% cuts margin', () => {
    const fit = { slope: 0.5, intercept: 0, se: 0.1, low: 0.3, high: 0.7, n: 30, r2: 0.5 };
    const r = whatIf(base, { adBudget: 1 }, { discountOnConversion: null, adOnVisitors: fit });
    expect(r.scenario.visitors).toBe(Math.round(100_000 * Math.SQRT2));
    expect(r.scenario.adSpendFen).toBe(4_000_000);
    const c = whatIf(base, { cost: 0.1 }, none);
    expect(c.scenario.costFen).toBe(16_500_000);
    expect(c.scenario.profitFen).toBe(30_000_000 - 16_500_000 - 2_000_000);
  });
});

describe('Monte Carlo', () => {
  it('a seeded PRNG repeats and is uniform enough', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
  it('quantiles interpolate between ranks', () => {
    expect(quantileSorted([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantileSorted([0, 10], 0.1)).toBe(1);
  });
  it('activity band: ordered, centred on baseline × uplift, repeatable, wider with a less certain uplift', () => {
    const history = Array.from({ length: 30 }, (_, i) => ({ salesFen: 100_000 + (i % 5) * 10_000, units: 10 + (i % 5) }));
    const band = activityBand({ history, days: 3, uplift: 2, upliftSd: 0.2, seed: 5 })!;
    expect(band.salesFen.p10).toBeLessThan(band.salesFen.p50);
    expect(band.salesFen.p50).toBeLessThan(band.salesFen.p90);
    // mean daily sales 120,000 × 3 days × 2 = 720,000
    expect(Math.abs(band.salesFen.p50 - 720_000) / 720_000).toBeLessThan(0.05);
    expect(band.units.p90).toBeGreaterThan(band.units.p50);
    expect(activityBand({ history, days: 3, uplift: 2, upliftSd: 0.2, seed: 5 })).toEqual(band);
    const wide = activityBand({ history, days: 3, uplift: 2, upliftSd: 0.6, seed: 5 })!;
    expect(wide.salesFen.p90 - wide.salesFen.p10).toBeGreaterThan(band.salesFen.p90 - band.salesFen.p10);
    expect(activityBand({ history: [], days: 3, uplift: 1, upliftSd: 0 })).toBeNull();
  });
});

describe('ad sales response (within-plan log-log)', () => {
  // Two plans of very different size, each selling adSales = k · spend^0.6 with ±5% noise.
  const rand = seededRandom(3);
  const points = ['big', 'small'].flatMap((group, gi) =>
    Array.from({ length: 40 }, (_, i) => {
      const spend = (gi === 0 ? 50_000 : 2_000) * (0.5 + (i % 10) / 6);
      const k = gi === 0 ? 30 : 8;
      return { group, x: spend, y: k * Math.pow(spend, 0.6) * (1 + 0.05 * (rand() * 2 - 1)) };
    }),
  );
  it('recovers the planted elasticity with an interval that covers it', () => {
    const fit = withinLogLogElasticity(points)!;
    expect(fit.n).toBe(80);
    expect(fit.slope).toBeCloseTo(0.6, 1);
    expect(fit.low).toBeLessThan(0.6);
    expect(fit.high).toBeGreaterThan(0.6);
    expect(fit.high - fit.low).toBeLessThan(0.1);
  });
  it('does not read plan size as a response (pooled log-log would)', () => {
    // Within each plan sales do not move with spend at all; the big plan just sells more.
    const flat = ['a', 'b'].flatMap((group, gi) =>
      Array.from({ length: 10 }, (_, i) => ({
        group,
        x: (gi ? 100_000 : 1_000) * (1 + i / 10),
        y: (gi ? 500_000 : 5_000) * (1 + (i % 2) / 100),
      })),
    );
    expect(logLogElasticity(flat)!.slope).toBeGreaterThan(0.9);
    expect(Math.abs(withinLogLogElasticity(flat)!.slope)).toBeLessThan(0.05);
  });
  it('is null without enough days or spread, and leaves out days without spend or sales', () => {
    expect(withinLogLogElasticity([])).toBeNull();
    expect(
      withinLogLogElasticity([
        { group: 'a', x: 1, y: 1 },
        { group: 'a', x: 2, y: 2 },
      ]),
    ).toBeNull();
    expect(withinLogLogElasticity(Array.from({ length: 5 }, () => ({ group: 'a', x: 100, y: 300 })))).toBeNull();
    const withZeros = [...points, { group: 'big', x: 0, y: 10 }, { group: 'big', x: 10, y: 0 }];
    expect(withinLogLogElasticity(withZeros)!.n).toBe(80);
  });
  it('in whatIf, moves only the ad share of sales by (1 + budget)^β, with the interval from β', () => {
    const base = {
      days: 30,
      visitorsBySource: { search: 60_000, paid: 40_000 },
      buyers: 2_000,
      salesFen: 30_000_000,
      costFen: 15_000_000,
      adSpendFen: 2_000_000,
      adSalesFen: 6_000_000,
      discount: 0.1,
    };
    const fit = { slope: 0.6, intercept: 0, se: 0.05, low: 0.5, high: 0.7, n: 80, r2: 0.9 };
    const r = whatIf(base, { adBudget: 1 }, { discountOnConversion: null, adOnVisitors: null, adOnAdSales: fit });
    expect(r.scenario.salesFen).toBe(Math.round(30_000_000 + 6_000_000 * (Math.pow(2, 0.6) - 1)));
    expect(r.low.salesFen).toBe(Math.round(30_000_000 + 6_000_000 * (Math.pow(2, 0.5) - 1)));
    expect(r.high.salesFen).toBe(Math.round(30_000_000 + 6_000_000 * (Math.pow(2, 0.7) - 1)));
    expect(r.scenario.adSpendFen).toBe(4_000_000);
    // Diminishing returns: doubling the budget less than doubles the ad sales.
    expect(r.scenario.salesFen - 30_000_000).toBeLessThan(6_000_000);
    // Without a fit (null) the old visitor elasticity applies.
    const old = whatIf(base, { adBudget: 1 }, { discountOnConversion: null, adOnVisitors: null, adOnAdSales: null });
    expect(old.scenario.salesFen).toBe(30_000_000);
  });
});

import { describe, expect, it } from 'vitest';
import {
  averageThresholds,
  expectedRepurchase,
  lifecycleOf,
  median,
  purchaseCycle,
  quintileScores,
  RFM_SEGMENTS,
  scoreRfm,
  segmentMigration,
  segmentOf,
  summariseSegments,
  type RfmInput,
} from './customers.js';
import { dayDiff } from './time.js';

describe('RFM', () => {
  // Four customers as of 2026-11-30: R = 0, 10, 29, 60 (mean 24.75); F = 5, 1, 2, 1 (mean 2.25);
  // M = ¥1000, ¥80, ¥300, ¥20 (mean ¥350).
  const input: RfmInput[] = [
    { customerId: 'a', lastPaidDay: '2026-11-30', paidOrders: 5, netPaidFen: 100_000 },
    { customerId: 'b', lastPaidDay: '2026-11-20', paidOrders: 1, netPaidFen: 8_000 },
    { customerId: 'c', lastPaidDay: '2026-11-01', paidOrders: 2, netPaidFen: 30_000 },
    { customerId: 'd', lastPaidDay: '2026-10-01', paidOrders: 1, netPaidFen: 2_000 },
  ];

  it('uses the means as thresholds and puts each customer in the worked-out segment', () => {
    const res = scoreRfm('2026-11-30', input);
    expect(res.thresholds).toEqual({ recencyDays: 24.75, frequency: 2.25, monetaryFen: 35_000 });
    expect(res.thresholdsAreAverages).toBe(true);
    const seg = Object.fromEntries(res.customers.map((c) => [c.customerId, c.segment]));
    expect(seg).toEqual({ a: 'important_value', b: 'general_develop', c: 'general_retain', d: 'general_retain' });
    expect(res.customers.find((c) => c.customerId === 'c')).toMatchObject({ r: 29, f: 2, m: 30_000 });
  });

  it('a value equal to the threshold counts as high (R ≤, F ≥, M ≥)', () => {
    const res = scoreRfm('2026-11-30', input, { recencyDays: 29, frequency: 2, monetaryFen: 30_000 });
    expect(res.thresholdsAreAverages).toBe(false);
    expect(res.customers.find((c) => c.customerId === 'c')!.segment).toBe('important_value');
    expect(res.customers.find((c) => c.customerId === 'd')!.segment).toBe('general_retain');
  });

  it('negative net amounts (refunded more than paid) count as 0', () => {
    const res = scoreRfm('2026-11-30', [{ customerId: 'x', lastPaidDay: '2026-11-30', paidOrders: 1, netPaidFen: -5 }]);
    expect(res.customers[0]!.m).toBe(0);
  });

  it('maps the eight R/F/M combinations to the eight segments, each once', () => {
    const seen = new Set<string>();
    for (const r of [true, false]) for (const f of [true, false]) for (const m of [true, false]) seen.add(segmentOf(r, f, m));
    expect([...seen].sort()).toEqual([...RFM_SEGMENTS].sort());
    expect(segmentOf(false, false, true)).toBe('important_retain');
    expect(segmentOf(true, true, false)).toBe('general_value');
  });

  it('summaries list all eight segments; counts and revenue add up to the whole', () => {
    const res = scoreRfm('2026-11-30', input);
    const sum = summariseSegments(res.customers);
    expect(sum.map((s) => s.segment)).toEqual([...RFM_SEGMENTS]);
    expect(sum.reduce((s, x) => s + x.customers, 0)).toBe(4);
    expect(sum.reduce((s, x) => s + x.revenueFen, 0)).toBe(140_000);
    const retain = sum.find((s) => s.segment === 'general_retain')!;
    expect(retain).toMatchObject({ customers: 2, share: 0.5, revenueFen: 32_000, avgR: 44.5, avgF: 1.5, avgMFen: 16_000 });
    expect(retain.revenueShare).toBeCloseTo(32_000 / 140_000, 12);
  });

  it('agrees with a brute-force recount on random shops', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 50; round++) {
      const n = 1 + Math.floor(rnd() * 40);
      const rows: RfmInput[] = Array.from({ length: n }, (_, i) => ({
        customerId: `c${i}`,
        lastPaidDay: `2026-${String(1 + Math.floor(rnd() * 11)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`,
        paidOrders: 1 + Math.floor(rnd() * 6),
        netPaidFen: Math.floor(rnd() * 100_000),
      }));
      const res = scoreRfm('2026-12-01', rows);
      const rs = rows.map((x) => dayDiff(x.lastPaidDay, '2026-12-01'));
      const meanR = rs.reduce((a, b) => a + b, 0) / n;
      const meanF = rows.reduce((a, b) => a + b.paidOrders, 0) / n;
      const meanM = rows.reduce((a, b) => a + b.netPaidFen, 0) / n;
      rows.forEach((x, i) => {
        const bits = `${rs[i]! <= meanR ? 1 : 0}${x.paidOrders >= meanF ? 1 : 0}${x.netPaidFen >= meanM ? 1 : 0}`;
        expect(res.customers[i]!.segment).toBe(
          {
            '111': 'important_value',
            '011': 'important_keep',
            '101': 'important_develop',
            '001': 'important_retain',
            '110': 'general_value',
            '010': 'general_keep',
            '100': 'general_develop',
            '000': 'general_retain',
          }[bits],
        );
      });
      expect(summariseSegments(res.customers).reduce((s, x) => s + x.customers, 0)).toBe(n);
    }
  });

  it('averages of nothing are zero', () => {
    expect(averageThresholds([])).toEqual({ recencyDays: 0, frequency: 0, monetaryFen: 0 });
    expect(summariseSegments([]).every((s) => s.customers === 0 && s.share === 0)).toBe(true);
  });
});

describe('quintile scores', () => {
  it('splits ten distinct values into five groups of two; recency scores fewer days higher', () => {
    const v = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(quintileScores(v, true)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(quintileScores(v, false)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
  });
  it('gives ties the same score', () => {
    expect(quintileScores([1, 1, 1, 1, 5], true)).toEqual([1, 1, 1, 1, 5]);
    expect(new Set(quintileScores([3, 3, 3], true)).size).toBe(1);
  });
});

describe('segment migration', () => {
  it('counts from → to, new customers from null', () => {
    const before = scoreRfm('2026-10-31', [
      { customerId: 'a', lastPaidDay: '2026-10-30', paidOrders: 3, netPaidFen: 9_000 },
      { customerId: 'b', lastPaidDay: '2026-08-01', paidOrders: 1, netPaidFen: 1_000 },
    ]).customers;
    // Two months on, a's 93 days since the last order exceed the new mean R (92.3): it lapses.
    const after = scoreRfm('2027-01-31', [
      { customerId: 'a', lastPaidDay: '2026-10-30', paidOrders: 3, netPaidFen: 9_000 },
      { customerId: 'b', lastPaidDay: '2026-08-01', paidOrders: 1, netPaidFen: 1_000 },
      { customerId: 'c', lastPaidDay: '2027-01-30', paidOrders: 1, netPaidFen: 500 },
    ]).customers;
    const m = segmentMigration(before, after);
    expect(m.reduce((s, x) => s + x.customers, 0)).toBe(3);
    expect(m.find((x) => x.from === null)).toMatchObject({ to: 'general_develop', customers: 1 });
    expect(m.find((x) => x.from === 'important_value')).toMatchObject({ to: 'important_keep', customers: 1 });
  });
});

describe('lifecycle and repurchase', () => {
  it('median and cycle: own median gap, else the shop’s', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([1, 2, 3, 10])).toBe(3); // (2 + 3) / 2 rounded
    expect(purchaseCycle(['2026-01-01', '2026-01-11', '2026-01-31'], 99)).toBe(15);
    expect(purchaseCycle(['2026-01-01', '2026-01-01'], 30)).toBe(30); // same-day repeat gives no cycle
    expect(purchaseCycle(['2026-01-01'], null)).toBeNull();
    expect(expectedRepurchase('2026-01-31', 15)).toBe('2026-02-15');
  });

  it('types: none, 咨询 with enquiries, 购买, 忠诚 within the cycle, 复买 once it passed', () => {
    expect(lifecycleOf({ paidDays: [], asOf: '2026-03-01', shopMedianCycle: 30 })).toBeNull();
    expect(lifecycleOf({ paidDays: [], asOf: '2026-03-01', shopMedianCycle: 30, hasEnquiries: true })).toBe('enquirer');
    expect(lifecycleOf({ paidDays: ['2026-02-01'], asOf: '2026-03-01', shopMedianCycle: 30 })).toBe('buyer');
    const days = ['2026-01-01', '2026-01-21']; // cycle 20 → due 2026-02-10
    expect(lifecycleOf({ paidDays: days, asOf: '2026-02-10', shopMedianCycle: null })).toBe('loyal');
    expect(lifecycleOf({ paidDays: days, asOf: '2026-02-11', shopMedianCycle: null })).toBe('repeat');
    expect(lifecycleOf({ paidDays: [...days, '2026-03-05'], asOf: '2026-01-25', shopMedianCycle: null })).toBe('loyal');
  });
});

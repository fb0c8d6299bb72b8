import { describe, expect, it } from 'vitest';
import {
  adRates,
  adviseAds,
  breakEvenRoi,
  compileAdRowParser,
  emptyAdTotals,
  marginRateOf,
  matchAdHeaders,
  profitAfterAdsFen,
  twoProportionTest,
  type AdvicePlanInput,
} from './ads.js';

describe('ad figures', () => {
  it('computes the glossary figures and break-even', () => {
    const t = { ...emptyAdTotals(), impressions: 10_000, clicks: 250, spendFen: 50_000, orders: 10, salesFen: 150_000 };
    const r = adRates(t);
    expect(r.ctr).toBe(0.025);
    expect(r.cpcFen).toBe(200);
    expect(r.cpmFen).toBe(5000);
    expect(r.cvr).toBe(0.04);
    expect(r.roi).toBe(3);
    expect(r.acos).toBeCloseTo(1 / 3, 12);
    expect(r.costPerOrderFen).toBe(5000);
    expect(adRates(emptyAdTotals()).roi).toBeNull();
    const m = marginRateOf([
      { priceFen: 10_000, costFen: 6_000 },
      { priceFen: 10_000, costFen: 4_000 },
    ]);
    expect(m).toBe(0.5);
    expect(breakEvenRoi(m)).toBe(2);
    expect(breakEvenRoi(0)).toBeNull();
    expect(profitAfterAdsFen(t, m)).toBe(25_000);
  });
});

describe('two-proportion test', () => {
  it('matches a hand-computed example', () => {
    // 200/10000 vs 150/10000: pooled 0.0175, se = √(0.0175·0.9825·0.0002) = 0.0018544,
    // z = 0.005 / 0.0018544 = 2.6963, p = 2(1 − Φ(2.6963)) = 0.00701;
    // n = (1.96·√(2·0.0175·0.9825) + 0.8416·√(0.02·0.98 + 0.015·0.985))² / 0.005² = 10 795 per group.
    const t = twoProportionTest(200, 10_000, 150, 10_000);
    expect(t.z).toBeCloseTo(2.6963, 3);
    expect(t.pValue).toBeCloseTo(0.00701, 4);
    expect(t.requiredPerGroup).toBe(10_795);
    expect(t.significant).toBe(true);
    expect(t.sufficient).toBe(false);
    const same = twoProportionTest(30, 1000, 30, 1000);
    expect(same.pValue).toBeCloseTo(1, 6);
    expect(same.requiredPerGroup).toBeNull();
    expect(twoProportionTest(0, 0, 1, 10).pValue).toBeNull();
  });
});

describe('report rows', () => {
  it('matches a preset and refuses bad cells naming the fix', () => {
    const m = matchAdHeaders(['日期', '推广计划名称', '关键词', '展现量', '点击量', '花费(元)', '总成交笔数', '总成交金额(元)'], 'ztc');
    expect(m.missing).toEqual([]);
    expect(m.level).toBe('k');
    const parse = compileAdRowParser(m);
    const ok = parse(['2026-11-20', '爆款', '连衣裙', '1,000', '30', '45.50', '2', '199.00']);
    expect(ok).toEqual({
      ok: true,
      row: {
        day: '2026-11-20',
        plan: '爆款',
        unit: '',
        keyword: '连衣裙',
        creative: '',
        impressions: 1000,
        clicks: 30,
        spendFen: 4550,
        orders: 2,
        salesFen: 19900,
        favs: 0,
        carts: 0,
      },
    });
    expect(parse(['合计', '', '', '1', '1', '1', '0', '0'])).toEqual({ ok: true, row: null });
    const bad = parse(['2026-11-20', '', '连衣裙', '10', '30', 'abc', '2', '1']);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors.map((e) => e.column)).toEqual(['推广计划名称', '花费(元)']);
      expect(bad.errors[1]!.reason).toContain('元');
    }
    expect(matchAdHeaders(['日期', '展现量'], 'generic').missing).toEqual(['plan']);
  });
});

describe('advice', () => {
  const days = (n: number, f: (i: number) => Partial<ReturnType<typeof emptyAdTotals>>) =>
    Array.from({ length: n }, (_, i) => ({ ...emptyAdTotals(), ...f(i), day: `2026-11-${String(14 + i).padStart(2, '0')}` }));
  const plan = (o: Partial<AdvicePlanInput>): AdvicePlanInput => ({
    planId: 'p',
    name: 'P',
    dailyBudgetFen: 10_000,
    breakEvenRoi: 2,
    status: 'active',
    days: [],
    keywords: [],
    ...o,
  });
  it('fires on the planted cases and not on a healthy plan', () => {
    const winner = plan({ planId: 'w', days: days(7, () => ({ spendFen: 10_000, salesFen: 50_000, clicks: 100 })) });
    const loser = plan({
      planId: 'l',
      dailyBudgetFen: null,
      days: days(7, (i) => ({ spendFen: 10_000, salesFen: i < 4 ? 30_000 : 15_000 })),
    });
    const healthy = plan({ planId: 'h', days: days(7, () => ({ spendFen: 8_000, salesFen: 30_000 })) });
    const a = adviseAds('2026-11-20', [winner, loser, healthy]);
    expect(a.map((x) => [x.planId, x.kind])).toEqual([
      ['w', 'raise_budget'],
      ['l', 'cut_plan'],
    ]);
    expect(a[0]!.evidence.suggestedBudgetFen).toBe(12_000);
    const paused = adviseAds('2026-11-20', [{ ...winner, status: 'paused' }]);
    expect(paused).toEqual([]);
    // The latest day not below break-even: no cut.
    expect(adviseAds('2026-11-21', [loser])).toEqual([]);
  });
  it('sorts keywords into the quadrants', () => {
    const k = (keyword: string, impressions: number, clicks: number, orders: number) => ({
      ...emptyAdTotals(),
      unit: '',
      keyword,
      impressions,
      clicks,
      orders,
    });
    const p = plan({
      dailyBudgetFen: null,
      keywords: [
        k('avg', 10_000, 300, 15),
        k('clickbait', 2_000, 120, 2),
        k('hidden', 4_000, 40, 6),
        k('dud', 5_000, 40, 0),
        k('tiny', 100, 5, 0),
      ],
    });
    expect(adviseAds('2026-11-20', [p]).map((x) => [x.target, x.kind])).toEqual([
      ['clickbait', 'keyword_check_page'],
      ['hidden', 'keyword_raise_bid'],
      ['dud', 'keyword_drop'],
    ]);
  });
});

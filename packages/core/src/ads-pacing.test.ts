import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEND_CURVE_PERMILLE, expectedShareAt, minuteOfShare, pacePlan, parseClock, spendCurve } from './ads.js';

const base = { planId: 'p', name: '计划', roi: 3, breakEvenRoi: 2 };
const def = spendCurve(null);

describe('budget pacing', () => {
  it('the default curve sums to the whole day', () => {
    expect(DEFAULT_SPEND_CURVE_PERMILLE.reduce((a, x) => a + x, 0)).toBe(1000);
    expect(def.source).toBe('default');
  });

  it('reads the cumulative curve linearly within an hour', () => {
    // hours 0–11: 20+10+5+5+5+10+20+30+45+55+60+55 = 320 ‰
    expect(expectedShareAt(def.shares, 12 * 60)).toBeCloseTo(0.32, 10);
    // + hour 12 (50 ‰) half way: 0.345
    expect(expectedShareAt(def.shares, 12 * 60 + 30)).toBeCloseTo(0.345, 10);
    expect(expectedShareAt(def.shares, 1440)).toBeCloseTo(1, 10);
    // 0.5333… falls in hour 16 (0.53 → 0.58): (0.53333 − 0.53) / 0.05 h = 4 min
    expect(minuteOfShare(def.shares, 0.32 / 0.6)).toBe(16 * 60 + 4);
  });

  it('ahead and profitable: raise the budget to the projected spend, with the cap time', () => {
    const p = pacePlan({ ...base, dailyBudgetFen: 100000, spendFen: 60000, minute: 12 * 60 }, def);
    expect(p.status).toBe('ahead');
    expect(p.expectedFen).toBe(32000); // ¥1000 × 32%
    expect(p.projectedFen).toBe(187500); // ¥600 ÷ 0.32
    expect(p.capClock).toBe('16:04');
    expect(p.advice?.kind).toBe('pace_ahead');
    expect(p.advice?.evidence).toMatchObject({ action: 'raise_budget', suggestedBudgetFen: 187500 });
  });

  it('ahead below break-even: lower the bid, no budget raise', () => {
    const p = pacePlan({ ...base, roi: 1.5, dailyBudgetFen: 100000, spendFen: 60000, minute: 12 * 60 }, def);
    expect(p.advice?.evidence).toMatchObject({ action: 'lower_bid', suggestedBudgetFen: null });
    expect(p.advice?.message).toContain('降低出价');
  });

  it('behind: the budget will not be spent', () => {
    // 16:00: 530 ‰ expected; ¥50 of ¥500 = 10% ≤ 0.5 × 53%
    const p = pacePlan({ ...base, dailyBudgetFen: 50000, spendFen: 5000, minute: 16 * 60 }, def);
    expect(p.status).toBe('behind');
    expect(p.expectedFen).toBe(26500);
    expect(p.projectedFen).toBe(9434); // 5000 / 0.53 = 9433.96
    expect(p.capClock).toBeNull();
    expect(p.advice?.kind).toBe('pace_behind');
  });

  it('on track and too early give no advice', () => {
    // 16:00, ¥270 of ¥500 = 54% vs 53% expected
    expect(pacePlan({ ...base, dailyBudgetFen: 50000, spendFen: 27000, minute: 16 * 60 }, def).status).toBe('on_track');
    // 05:00: 45 ‰ expected < 10%
    expect(pacePlan({ ...base, dailyBudgetFen: 50000, spendFen: 0, minute: 5 * 60 }, def).status).toBe('too_early');
  });

  it('uses the shop curve from paid visitors by hour once there are enough', () => {
    const counts = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 12 ? 25 : 0)); // 100 visitors, 08–12
    const c = spendCurve(counts);
    expect(c.source).toBe('traffic');
    expect(expectedShareAt(c.shares, 10 * 60)).toBeCloseTo(0.5, 10);
    expect(spendCurve(counts.map((x) => (x ? 24 : 0))).source).toBe('default'); // 96 < 100
  });

  it('parses times of day and refuses bad hours', () => {
    expect(parseClock('14:30')).toBe(870);
    expect(parseClock('24:00')).toBeNull();
    expect(parseClock('9:75')).toBeNull();
  });
});

describe('hour column of an hourly report', () => {
  it('reads the hour in the usual spellings and refuses the rest', async () => {
    const { parseHourCell } = await import('./ads.js');
    for (const [s, h] of [
      ['0', 0],
      ['14', 14],
      ['14时', 14],
      ['14点', 14],
      ['14:00', 14],
      ['14:00-15:00', 14],
      ['23:00~24:00', 23],
      ['9-10', 9],
    ] as const)
      expect(parseHourCell(s)).toBe(h);
    for (const s of ['24', '-1', '', 'x', '14.5', '14:30']) expect(parseHourCell(s)).toBeNull();
  });
});

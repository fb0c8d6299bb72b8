import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, offeredLoad, queueFigures, scheduledStaff, staffing, staffingInputProblem } from './staffing.js';

describe('Erlang B / C', () => {
  it('matches the factorial formula on a case small enough to do by hand', () => {
    // A = 2 Erlangs, N = 3 agents.
    // Erlang B: B(1) = 2/(1+2) = 2/3; B(2) = (2·2/3)/(2 + 4/3) = 2/5; B(3) = (2·2/5)/(3 + 4/5) = 4/19.
    // Erlang C by factorials: Σ_{k<3} A^k/k! = 1 + 2 + 2 = 5; A^N/N! · N/(N−A) = 8/6 · 3/1 = 4;
    //   C = 4 / (5 + 4) = 4/9 = 0.4444…   From B: N·B/(N − A(1−B)) = (12/19)/(3 − 30/19) = 12/27 = 4/9.
    expect(erlangB(3, 2)).toBeCloseTo(4 / 19, 14);
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 14);
    expect(erlangB(0, 5)).toBe(1);
  });

  it('reproduces the published call-centre worked example (360 calls per half hour, AHT 240 s, 80 % in 20 s)', () => {
    // λ = 720/h, AHT 240 s → A = 720·240/3600 = 48 Erlangs.
    // The worked example (Call Centre Helper, "Erlang C formula – made simple") evaluates N = 55:
    //   P(wait) = 0.2387, SL = 1 − 0.2387·e^(−(55−48)·20/240) = 1 − 0.2387·0.5580 = 0.8668,
    //   ASA = 0.2387·240/7 = 8.18 s, occupancy 48/55 = 87.3 %, and with 30 % shrinkage 55/0.7 = 78.6 → 79.
    const f = queueFigures(55, 720, 240, 20);
    expect(f.pWait).toBeCloseTo(0.2387, 4);
    expect(f.serviceLevel).toBeCloseTo(0.8668, 4);
    expect(f.asaSeconds!).toBeCloseTo(8.18, 2);
    expect(f.occupancy).toBeCloseTo(0.8727, 4);
    expect(scheduledStaff(55, 0.3)).toBe(79);
    // The fewest agents reaching 80 %: 54 give 1 − 0.3013·e^(−6·20/240) = 1 − 0.3013·0.6065 = 0.8172 ≥ 0.8,
    // 53 give 1 − 0.3765·e^(−5/12) = 1 − 0.3765·0.6592 = 0.7518 < 0.8 (exact rational Erlang C, checked offline).
    const r = staffing({ perHour: 720, ahtSeconds: 240, target: 0.8, withinSeconds: 20, shrinkage: 0.3 });
    expect(r.load).toBe(48);
    expect(r.agents).toBe(54);
    expect(r.pWait).toBeCloseTo(0.3013, 4);
    expect(r.serviceLevel).toBeCloseTo(0.8172, 4);
    expect(r.asaSeconds).toBeCloseTo(12.05, 2);
    expect(r.occupancy).toBeCloseTo(48 / 54, 10);
    expect(r.scheduled).toBe(Math.ceil(54 / 0.7)); // 77.14 → 78
  });

  it('second worked example: 100 enquiries/h, 6 min handling, 80 % in 20 s needs 14 agents', () => {
    // A = 100·360/3600 = 10. N = 13: C = 0.2853, SL = 1 − 0.2853·e^(−3·20/360) = 1 − 0.2853·0.8465 = 0.7585 < 0.8.
    // N = 14: C = 0.1741, SL = 1 − 0.1741·e^(−4·20/360) = 1 − 0.1741·0.8007 = 0.8606 ≥ 0.8; ASA = 0.1741·360/4 = 15.67 s.
    const r = staffing({ perHour: 100, ahtSeconds: 360, target: 0.8, withinSeconds: 20 });
    expect(r.agents).toBe(14);
    expect(r.pWait).toBeCloseTo(0.1741, 4);
    expect(r.asaSeconds).toBeCloseTo(15.67, 2);
    expect(r.scheduled).toBe(14);
  });

  it('stays finite and monotone at λ = 20,000/h (thousands of agents)', () => {
    for (const aht of [30, 180, 900]) {
      const r = staffing({ perHour: 20_000, ahtSeconds: aht, target: 0.9, withinSeconds: 20, shrinkage: 0.35 });
      for (const v of Object.values(r)) expect(Number.isFinite(v)).toBe(true);
      expect(r.load).toBeCloseTo((20_000 * aht) / 3600, 9);
      expect(r.agents).toBeGreaterThan(r.load);
      expect(r.serviceLevel).toBeGreaterThanOrEqual(0.9);
      // One agent fewer misses the target: the answer is the minimum.
      expect(queueFigures(r.agents - 1, 20_000, aht, 20).serviceLevel).toBeLessThan(0.9);
      expect(r.occupancy).toBeLessThan(1);
      expect(r.scheduled).toBe(Math.ceil(r.agents / 0.65 - 1e-9));
    }
    // At 5,000 Erlangs the recursion still gives a probability, not NaN/Infinity.
    const c = erlangC(5100, 5000);
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThan(1);
  });

  it('handles the edges: no enquiries, an unstable queue, bad input', () => {
    expect(staffing({ perHour: 0, ahtSeconds: 120, target: 0.8, withinSeconds: 20 }).agents).toBe(0);
    const unstable = queueFigures(4, 100, 180, 20); // A = 5 > 4 agents
    expect(unstable).toEqual({ pWait: 1, serviceLevel: 0, asaSeconds: null, occupancy: 1 });
    expect(offeredLoad(3600, 1)).toBe(1);
    expect(staffingInputProblem({ perHour: 10, ahtSeconds: 0, target: 0.8, withinSeconds: 20 })).toMatch(/aht/);
    expect(staffingInputProblem({ perHour: 10, ahtSeconds: 60, target: 1.2, withinSeconds: 20 })).toMatch(/target/);
    expect(staffingInputProblem({ perHour: 10, ahtSeconds: 60, target: 0.8, withinSeconds: 20, shrinkage: 1 })).toMatch(/shrinkage/);
    expect(() => staffing({ perHour: -1, ahtSeconds: 60, target: 0.8, withinSeconds: 20 })).toThrow(/per-hour/);
    expect(scheduledStaff(12, 0.25)).toBe(16);
  });
});

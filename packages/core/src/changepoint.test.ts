import { describe, expect, it } from 'vitest';
import { changePoints, lastRateShift, lastShift, noiseSigma, peakSegment, rateChangePoints, segmentsOf } from './changepoint.js';

/** A deterministic pseudo-random noise (LCG), so the worked examples are stable. */
function noise(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}
const series = (n: number, level: (i: number) => number, amp: number, seed = 7) => {
  const r = noise(seed);
  return Array.from({ length: n }, (_, i) => level(i) + amp * 2 * r());
};

describe('change points (binary segmentation)', () => {
  it('a flat noisy series has none', () => {
    for (const seed of [1, 2, 3, 4, 5]) expect(changePoints(series(60, () => 100, 10, seed))).toEqual([]);
    expect(changePoints([5, 5, 5, 5, 5, 5, 5, 5])).toEqual([]);
    expect(lastShift(series(60, () => 100, 10))).toBeNull();
  });

  it('finds a step down on its day, with the before and after levels', () => {
    for (const seed of [1, 2, 3]) {
      const xs = series(63, (i) => (i < 43 ? 100 : 60), 10, seed);
      const s = lastShift(xs)!;
      expect(Math.abs(s.index - 43)).toBeLessThanOrEqual(1);
      expect(s.beforeMean).toBeGreaterThan(90);
      expect(s.afterMean).toBeLessThan(70);
    }
  });

  it('a 3-day promotion spike before the step is its own segment and left out of the comparison', () => {
    const xs = series(63, (i) => (i >= 20 && i < 23 ? 300 : i < 50 ? 100 : 55), 8, 11);
    const cps = changePoints(xs);
    expect(cps).toEqual(expect.arrayContaining([20, 23]));
    const s = lastShift(xs)!;
    expect(Math.abs(s.index - 50)).toBeLessThanOrEqual(1);
    expect(s.before.some((j) => j >= 20 && j < 23)).toBe(false);
    expect(s.beforeMean).toBeLessThan(110);
  });

  it('a shift shorter than minAfter days is not yet a shift', () => {
    const xs = [...Array(40).fill(100), 10, 10, 10];
    expect(lastShift(xs, { minAfter: 5 })).toBeNull();
    expect(lastShift(xs)!.index).toBe(40);
  });

  it('an episode that ended is the peak segment, with its start and end', () => {
    const xs = series(63, (i) => (i >= 11 && i < 18 ? 0.6 : 0.05), 0.04, 3);
    const p = peakSegment(xs)!;
    expect(Math.abs(p.segment.start - 11)).toBeLessThanOrEqual(1);
    expect(Math.abs(p.segment.end - 18)).toBeLessThanOrEqual(1);
    expect(p.baseline).toBeLessThan(0.1);
  });

  it('noise level is robust to a level shift; segment means are exact', () => {
    expect(noiseSigma([1, 1, 1, 1, 9, 9, 9, 9])).toBe(0);
    expect(segmentsOf([1, 1, 3, 3, 3], [2])).toEqual([
      { start: 0, end: 2, mean: 1 },
      { start: 2, end: 5, mean: 3 },
    ]);
  });

  it('dates a drop of a low-count rate (3 → 1 buyer a day of 80 visitors) by binomial likelihood', () => {
    const r = noise(5);
    const uv = Array.from({ length: 63 }, () => 80);
    // Deterministic "Poisson-like" counts: the expected number rounded with a jitter.
    const buyers = uv.map((u, i) => Math.max(0, Math.round((i < 43 ? 0.04 : 0.012) * u + 2 * r())));
    const s = lastRateShift(buyers, uv)!;
    expect(Math.abs(s.index - 43)).toBeLessThanOrEqual(2);
    expect(s.beforeMean).toBeGreaterThan(0.03);
    expect(s.afterMean).toBeLessThan(0.02);
    // A steady rate has no change; a single odd day is not one either.
    const steady = uv.map((u, i) => Math.round(0.04 * u + 2 * r()) + (i === 30 ? 3 : 0));
    expect(rateChangePoints(steady, uv)).toEqual([]);
  });
});

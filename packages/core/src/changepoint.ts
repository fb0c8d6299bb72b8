/**
 * Change-point detection on a daily series (shop diagnosis, issue 15): where did the level of a
 * metric change? Pure and browser-safe.
 *
 * Method: binary segmentation for changes in the mean (Scott & Knott 1974; Killick & Eckley,
 * "changepoint: An R Package for Changepoint Analysis", J. Stat. Softw. 58(3), 2014, §2). The
 * cost of a segment is its sum of squared deviations from its mean; a segment is split at the
 * position that lowers the cost most, when the gain exceeds a penalty, and both halves are
 * searched again. The penalty is `penaltyFactor · σ² · ln n` (BIC-like, factor 3 by default, a
 * little stricter than BIC's 2 because daily shop data is not Gaussian), where σ is estimated
 * robustly from the median absolute first difference (MAD / 0.6745 / √2), so level shifts and a
 * few promotion days barely move it.
 *
 * Rates (buyers of visitors, refunds of orders) with few events a day use the same search with the
 * binomial log-likelihood as the cost (`rateChangePoints`): a day weighs by its visitors, and a split
 * must gain more than `penaltyFactor · ln n` (default 2, i.e. BIC for the two parameters a change
 * adds) — no noise estimate needed.
 */

export interface ChangeOptions {
  /** Fewest days a segment may have (default 3: a 3-day promotion is its own segment). */
  minSize?: number;
  /** Multiplies σ² · ln n (default 3). */
  penaltyFactor?: number;
  /** At most this many change points (default 8). */
  maxChanges?: number;
}

export interface Segment {
  /** First index (inclusive). */
  start: number;
  /** Last index + 1. */
  end: number;
  mean: number;
}

function median(xs: readonly number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Robust noise level: MAD of the first differences / 0.6745 / √2. */
export function noiseSigma(xs: readonly number[]): number {
  if (xs.length < 3) return 0;
  const d: number[] = [];
  for (let i = 1; i < xs.length; i++) d.push(xs[i]! - xs[i - 1]!);
  const m = median(d);
  return median(d.map((x) => Math.abs(x - m))) / 0.6745 / Math.SQRT2;
}

/** Indexes where a new level starts (ascending), by binary segmentation. */
export function changePoints(xs: readonly number[], opts: ChangeOptions = {}): number[] {
  const n = xs.length;
  const minSize = Math.max(1, opts.minSize ?? 3);
  const maxChanges = opts.maxChanges ?? 8;
  if (n < 2 * minSize) return [];
  let sigma = noiseSigma(xs);
  if (sigma === 0) {
    // A series flat most days (e.g. zeros with a few sales): fall back to the plain deviation.
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    sigma = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n) || 0;
    if (sigma === 0) return [];
  }
  const penalty = (opts.penaltyFactor ?? 3) * sigma * sigma * Math.log(n);
  const s1 = [0];
  const s2 = [0];
  for (let i = 0; i < n; i++) {
    s1.push(s1[i]! + xs[i]!);
    s2.push(s2[i]! + xs[i]! * xs[i]!);
  }
  const cost = (a: number, b: number) => {
    const m = b - a;
    const s = s1[b]! - s1[a]!;
    return s2[b]! - s2[a]! - (s * s) / m;
  };
  return binarySegmentation(n, cost, penalty, minSize, maxChanges);
}

/** The segments between change points, with their means. */
export function segmentsOf(xs: readonly number[], cps: readonly number[]): Segment[] {
  const bounds = [0, ...cps, xs.length];
  const out: Segment[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i]!;
    const end = bounds[i + 1]!;
    let s = 0;
    for (let j = start; j < end; j++) s += xs[j]!;
    out.push({ start, end, mean: end > start ? s / (end - start) : 0 });
  }
  return out;
}

/** Binary segmentation with any additive segment cost (lower is better). */
function binarySegmentation(
  n: number,
  cost: (a: number, b: number) => number,
  penalty: number,
  minSize: number,
  maxChanges: number,
): number[] {
  const found: number[] = [];
  const queue: [number, number][] = [[0, n]];
  while (queue.length && found.length < maxChanges) {
    let best: { qi: number; at: number; gain: number } | null = null;
    for (let qi = 0; qi < queue.length; qi++) {
      const [a, b] = queue[qi]!;
      if (b - a < 2 * minSize) continue;
      const whole = cost(a, b);
      for (let k = a + minSize; k <= b - minSize; k++) {
        const gain = whole - cost(a, k) - cost(k, b);
        if (!best || gain > best.gain) best = { qi, at: k, gain };
      }
    }
    if (!best || best.gain <= penalty) break;
    const [a, b] = queue.splice(best.qi, 1)[0]!;
    found.push(best.at);
    queue.push([a, best.at], [best.at, b]);
  }
  return found.sort((x, y) => x - y);
}

/** Change points of a daily rate k[i] / n[i] (events of trials), by binomial likelihood. */
export function rateChangePoints(k: readonly number[], n: readonly number[], opts: ChangeOptions = {}): number[] {
  const len = k.length;
  const minSize = Math.max(1, opts.minSize ?? 3);
  if (len < 2 * minSize) return [];
  const K = [0];
  const N = [0];
  for (let i = 0; i < len; i++) {
    const ki = Math.max(0, k[i]!);
    K.push(K[i]! + ki);
    N.push(N[i]! + Math.max(ki, n[i]!)); // a day may refund more than it sold: count them as trials too
  }
  const negLogLik = (a: number, b: number) => {
    const kk = K[b]! - K[a]!;
    const nn = N[b]! - N[a]!;
    if (nn <= 0 || kk <= 0 || kk >= nn) return 0;
    const p = kk / nn;
    return -(kk * Math.log(p) + (nn - kk) * Math.log(1 - p));
  };
  return binarySegmentation(len, negLogLik, (opts.penaltyFactor ?? 2) * Math.log(len), minSize, opts.maxChanges ?? 8);
}

/** Like `lastShift`, for a rate: the pooled rates Σk / Σn before and after the latest change. */
export function lastRateShift(
  k: readonly number[],
  n: readonly number[],
  opts: ChangeOptions & { minAfter?: number; minBefore?: number } = {},
): Shift | null {
  const cps = rateChangePoints(k, n, opts);
  const rates = k.map((x, i) => (n[i]! > 0 ? x / n[i]! : 0));
  const s = shiftFrom(rates, cps, opts);
  if (!s) return null;
  const pooled = (ix: number[]) => {
    const kk = ix.reduce((a, j) => a + k[j]!, 0);
    const nn = ix.reduce((a, j) => a + n[j]!, 0);
    return nn > 0 ? kk / nn : 0;
  };
  return { ...s, beforeMean: pooled(s.before), afterMean: pooled(s.after) };
}

export interface Shift {
  /** Index of the first day of the new level. */
  index: number;
  /** Indexes of the comparison days before it: the segment just before when it is long enough, else every earlier day outside short segments (promotions). */
  before: number[];
  /** Indexes from the change to the end. */
  after: number[];
  beforeMean: number;
  afterMean: number;
}

/**
 * The latest level shift that lasts to the end of the series (at least `minAfter` days), compared
 * with the days before it. Null when the series has no change point.
 */
export function lastShift(xs: readonly number[], opts: ChangeOptions & { minAfter?: number; minBefore?: number } = {}): Shift | null {
  return shiftFrom(xs, changePoints(xs, opts), opts);
}

function shiftFrom(xs: readonly number[], cps: number[], opts: { minAfter?: number; minBefore?: number }): Shift | null {
  if (!cps.length) return null;
  const segs = segmentsOf(xs, cps);
  const last = segs[segs.length - 1]!;
  if (last.end - last.start < (opts.minAfter ?? 3)) return null;
  const minBefore = opts.minBefore ?? 7;
  const prev = segs[segs.length - 2]!;
  let before: number[] = [];
  if (prev.end - prev.start >= minBefore) {
    for (let j = prev.start; j < prev.end; j++) before.push(j);
  } else {
    for (const s of segs.slice(0, -1)) if (s.end - s.start >= minBefore) for (let j = s.start; j < s.end; j++) before.push(j);
    if (!before.length) before = Array.from({ length: last.start }, (_, j) => j);
  }
  const after = Array.from({ length: last.end - last.start }, (_, j) => last.start + j);
  const mean = (ix: number[]) => ix.reduce((a, j) => a + xs[j]!, 0) / ix.length;
  return { index: last.start, before, after, beforeMean: mean(before), afterMean: mean(after) };
}

/**
 * An episode: the one stretch [start, end) whose level differs most from the rest of the series
 * (the "epidemic" change model, Levin & Kline 1985: the level goes to a new value and comes back,
 * or is still there at the end). Every stretch of at least `minSize` days is tried (O(n²)); the
 * gain over one level must exceed the same penalty as `changePoints`, with σ from the first
 * differences, or — when most days are equal — from the residuals of the fit. Returns the stretch
 * with the higher level only (a week of slow shipping, not a week of fast shipping).
 */
export function peakSegment(
  xs: readonly number[],
  opts: ChangeOptions = {},
): { segment: Segment; baseline: number; baselineIdx: number[] } | null {
  const n = xs.length;
  const minSize = Math.max(1, opts.minSize ?? 3);
  if (n < minSize + 3) return null;
  const s1 = [0];
  const s2 = [0];
  for (let i = 0; i < n; i++) {
    s1.push(s1[i]! + xs[i]!);
    s2.push(s2[i]! + xs[i]! * xs[i]!);
  }
  const total = s2[n]! - (s1[n]! * s1[n]!) / n;
  let best: { a: number; b: number; cost: number } | null = null;
  for (let a = 0; a < n; a++) {
    for (let b = a + minSize; b <= n; b++) {
      const m = b - a;
      const rest = n - m;
      if (rest < 3) continue;
      const sIn = s1[b]! - s1[a]!;
      const qIn = s2[b]! - s2[a]!;
      const sOut = s1[n]! - sIn;
      const qOut = s2[n]! - qIn;
      if (sIn / m <= sOut / rest) continue;
      const cost = qIn - (sIn * sIn) / m + qOut - (sOut * sOut) / rest;
      if (!best || cost < best.cost) best = { a, b, cost };
    }
  }
  if (!best) return null;
  let sigma = noiseSigma(xs);
  if (sigma === 0) sigma = Math.sqrt(Math.max(0, best.cost) / (n - 2));
  const gain = total - best.cost;
  if (gain <= 0 || gain <= (opts.penaltyFactor ?? 3) * sigma * sigma * Math.log(n)) return null;
  const { a, b } = best;
  const idx: number[] = [];
  for (let j = 0; j < n; j++) if (j < a || j >= b) idx.push(j);
  const baseline = idx.reduce((acc, j) => acc + xs[j]!, 0) / idx.length;
  return { segment: { start: a, end: b, mean: (s1[b]! - s1[a]!) / (b - a) }, baseline, baselineIdx: idx };
}

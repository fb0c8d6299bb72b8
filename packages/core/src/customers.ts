/**
 * Customers (用户运营): RFM segments, quintile scores, lifecycle types and repurchase timing —
 * pure functions over a shop's customers as of a date (domain §4, issue 11). The server feeds
 * them the per-customer figures it aggregates from orders; tests recount from raw orders.
 *
 * Definitions (as of day D, per shop, over customers with ≥ 1 paid order on or before D):
 *   R = days from the last paid order's day to D (0 when they paid on D);
 *   F = paid orders;
 *   M = paid amount net of successful refunds (fen, never below 0).
 * Default thresholds are the means over those customers: R is high (good) when R ≤ mean R, F high
 * when F ≥ mean F, M high when M ≥ mean M. A shop may set its own thresholds instead.
 */
import { addDays, dayDiff } from './time.js';

export interface RfmInput {
  customerId: string;
  /** Business day (YYYY-MM-DD) of the last paid order on or before the as-of day. */
  lastPaidDay: string;
  /** Paid orders on or before the as-of day (≥ 1). */
  paidOrders: number;
  /** Paid amount net of successful refunds, in fen. */
  netPaidFen: number;
}

export interface RfmThresholds {
  /** High recency when R ≤ this many days. */
  recencyDays: number;
  /** High frequency when F ≥ this many orders. */
  frequency: number;
  /** High monetary when M ≥ this amount (fen). */
  monetaryFen: number;
}

export const RFM_SEGMENTS = [
  'important_value',
  'important_keep',
  'important_develop',
  'important_retain',
  'general_value',
  'general_keep',
  'general_develop',
  'general_retain',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export const RFM_SEGMENT_LABELS: Record<RfmSegment, { zh: string; en: string; rfm: string; advice: string }> = {
  important_value: { zh: '重要价值客户', en: 'Champions', rfm: 'R↑ F↑ M↑', advice: '保持：VIP 权益、优先发货、专属优惠' },
  important_keep: { zh: '重要保持客户', en: 'Loyal, lapsing', rfm: 'R↓ F↑ M↑', advice: '唤回：久未购买的老客，主动关怀与回购券' },
  important_develop: { zh: '重要发展客户', en: 'Big spenders, new', rfm: 'R↑ F↓ M↑', advice: '培养复购：推荐关联商品，提高购买频次' },
  important_retain: { zh: '重要挽留客户', en: 'Big spenders at risk', rfm: 'R↓ F↓ M↑', advice: '挽留：了解流失原因，重点召回' },
  general_value: { zh: '一般价值客户', en: 'Frequent, low spend', rfm: 'R↑ F↑ M↓', advice: '提客单：满减、搭配套餐' },
  general_keep: { zh: '一般保持客户', en: 'Frequent, lapsing', rfm: 'R↓ F↑ M↓', advice: '唤回：低成本触达' },
  general_develop: { zh: '一般发展客户', en: 'New, low spend', rfm: 'R↑ F↓ M↓', advice: '促二次购买：新客回购券' },
  general_retain: { zh: '一般挽留客户', en: 'Hibernating', rfm: 'R↓ F↓ M↓', advice: '低优先级：批量低成本触达或放弃' },
};

const SEGMENT_BY_BITS: Record<string, RfmSegment> = {
  '111': 'important_value',
  '011': 'important_keep',
  '101': 'important_develop',
  '001': 'important_retain',
  '110': 'general_value',
  '010': 'general_keep',
  '100': 'general_develop',
  '000': 'general_retain',
};

export interface RfmScored {
  customerId: string;
  r: number;
  f: number;
  m: number;
  rHigh: boolean;
  fHigh: boolean;
  mHigh: boolean;
  segment: RfmSegment;
  /** 1–5 quintile scores (5 best: most recent, most frequent, highest spend). */
  rScore: number;
  fScore: number;
  mScore: number;
}

/** The means over the customers (R in days, F in orders, M in fen), unrounded. */
export function averageThresholds(rows: readonly { r: number; f: number; m: number }[]): RfmThresholds {
  if (!rows.length) return { recencyDays: 0, frequency: 0, monetaryFen: 0 };
  let r = 0;
  let f = 0;
  let m = 0;
  for (const x of rows) {
    r += x.r;
    f += x.f;
    m += x.m;
  }
  return { recencyDays: r / rows.length, frequency: f / rows.length, monetaryFen: m / rows.length };
}

/** The segments indexed by the bits r·4 + f·2 + m (no string built per customer: a million are scored at once). */
const SEGMENT_BY_INDEX: readonly RfmSegment[] = [0, 1, 2, 3, 4, 5, 6, 7].map(
  (i) => SEGMENT_BY_BITS[`${(i >> 2) & 1}${(i >> 1) & 1}${i & 1}`]!,
);

export function segmentOf(rHigh: boolean, fHigh: boolean, mHigh: boolean): RfmSegment {
  return SEGMENT_BY_INDEX[(rHigh ? 4 : 0) + (fHigh ? 2 : 0) + (mHigh ? 1 : 0)]!;
}

/**
 * Quintile scores 1–5 by rank: values are ranked (ties share the score of their first rank) and
 * split into five equal-sized groups; `higherIsBetter` false for recency (fewer days = 5).
 */
export function quintileScores(values: readonly number[], higherIsBetter: boolean): number[] {
  const n = values.length;
  // Sort positions (a typed array, not n objects) by value; ties keep any order, they share a score.
  const v = Float64Array.from(values);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort(higherIsBetter ? (a, b) => v[a]! - v[b]! : (a, b) => v[b]! - v[a]!);
  const out = new Array<number>(n);
  let k = 0;
  while (k < n) {
    let j = k;
    const at = v[order[k]!]!;
    while (j + 1 < n && v[order[j + 1]!] === at) j++;
    const score = 1 + Math.floor((k * 5) / n);
    for (let t = k; t <= j; t++) out[order[t]!] = score;
    k = j + 1;
  }
  return out;
}

export interface RfmResult {
  asOf: string;
  thresholds: RfmThresholds;
  /** true when the thresholds are the means (not the shop's own). */
  thresholdsAreAverages: boolean;
  customers: RfmScored[];
}

/** Score every customer as of `asOf` (customers without a paid order must not be passed). */
export function scoreRfm(asOf: string, input: readonly RfmInput[], custom?: RfmThresholds | null): RfmResult {
  // Days since the last paid day, once per distinct day (a million customers share a few hundred days).
  const since = new Map<string, number>();
  const recency = (day: string) => {
    let d = since.get(day);
    if (d === undefined) since.set(day, (d = dayDiff(day, asOf)));
    return d;
  };
  const base = input.map((c) => ({
    customerId: c.customerId,
    r: recency(c.lastPaidDay),
    f: c.paidOrders,
    m: Math.max(0, c.netPaidFen),
  }));
  const thresholds = custom ?? averageThresholds(base);
  const rS = quintileScores(
    base.map((b) => b.r),
    false,
  );
  const fS = quintileScores(
    base.map((b) => b.f),
    true,
  );
  const mS = quintileScores(
    base.map((b) => b.m),
    true,
  );
  const customers = base.map((b, i) => {
    const rHigh = b.r <= thresholds.recencyDays;
    const fHigh = b.f >= thresholds.frequency;
    const mHigh = b.m >= thresholds.monetaryFen;
    return {
      customerId: b.customerId,
      r: b.r,
      f: b.f,
      m: b.m,
      rHigh,
      fHigh,
      mHigh,
      segment: segmentOf(rHigh, fHigh, mHigh),
      rScore: rS[i]!,
      fScore: fS[i]!,
      mScore: mS[i]!,
    };
  });
  return { asOf, thresholds, thresholdsAreAverages: !custom, customers };
}

export interface SegmentSummary {
  segment: RfmSegment;
  customers: number;
  /** Share of customers (0–1). */
  share: number;
  /** Net paid fen of the segment and its share of the shop's. */
  revenueFen: number;
  revenueShare: number;
  avgR: number;
  avgF: number;
  avgMFen: number;
}

/** The eight segments (all of them, empty ones included) in the standard order. */
export function summariseSegments(scored: readonly RfmScored[]): SegmentSummary[] {
  const total = scored.length;
  const revenue = scored.reduce((s, c) => s + c.m, 0);
  return RFM_SEGMENTS.map((segment) => {
    const members = scored.filter((c) => c.segment === segment);
    const n = members.length;
    const sum = (pick: (c: RfmScored) => number) => members.reduce((s, c) => s + pick(c), 0);
    const revenueFen = sum((c) => c.m);
    return {
      segment,
      customers: n,
      share: total ? n / total : 0,
      revenueFen,
      revenueShare: revenue ? revenueFen / revenue : 0,
      avgR: n ? sum((c) => c.r) / n : 0,
      avgF: n ? sum((c) => c.f) / n : 0,
      avgMFen: n ? Math.round(sum((c) => c.m) / n) : 0,
    };
  });
}

/**
 * Segment migration between two dates: counts[from][to] over customers scored on both dates;
 * customers new by the second date are counted under `from: null`.
 */
export function segmentMigration(
  before: readonly RfmScored[],
  after: readonly RfmScored[],
): { from: RfmSegment | null; to: RfmSegment; customers: number }[] {
  const was = new Map(before.map((c) => [c.customerId, c.segment]));
  const counts = new Map<string, number>();
  for (const c of after) {
    const k = `${was.get(c.customerId) ?? ''}>${c.segment}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([k, customers]) => {
      const [from, to] = k.split('>') as [string, RfmSegment];
      return { from: (from || null) as RfmSegment | null, to, customers };
    })
    .sort((a, b) => b.customers - a.customers);
}

// ------------------------------------------------------------------ lifecycle and repurchase

export const LIFECYCLE_TYPES = ['enquirer', 'buyer', 'repeat', 'loyal'] as const;
export type LifecycleType = (typeof LIFECYCLE_TYPES)[number];
export const LIFECYCLE_LABELS: Record<LifecycleType, { zh: string; en: string }> = {
  enquirer: { zh: '咨询用户', en: 'Enquirer' },
  buyer: { zh: '购买用户', en: 'One-time buyer' },
  repeat: { zh: '复买用户', en: 'Repeat buyer' },
  loyal: { zh: '忠诚用户', en: 'Loyal' },
};

/** Median of positive whole numbers (the lower middle for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = (s.length - 1) >> 1;
  return s.length % 2 ? s[mid]! : Math.round((s[mid]! + s[mid + 1]!) / 2);
}

/** Days between consecutive paid-order days (sorted ascending; same-day orders give 0). */
export function purchaseGaps(paidDays: readonly string[]): number[] {
  const s = [...paidDays].sort();
  const gaps: number[] = [];
  for (let i = 1; i < s.length; i++) gaps.push(dayDiff(s[i - 1]!, s[i]!));
  return gaps;
}

/**
 * The customer's purchase cycle: the median gap between their paid orders (same-day repeats
 * ignored), else the shop's median cycle; null when neither is known.
 */
export function purchaseCycle(paidDays: readonly string[], shopMedianCycle: number | null): number | null {
  const own = median(purchaseGaps(paidDays).filter((g) => g > 0));
  return own ?? shopMedianCycle;
}

/** Expected repurchase day: last paid day + cycle; null without a cycle. */
export function expectedRepurchase(lastPaidDay: string, cycleDays: number | null): string | null {
  return cycleDays === null ? null : addDays(lastPaidDay, cycleDays);
}

/**
 * Lifecycle type as of `asOf`: 忠诚 = repeat buyer (≥ 2 paid orders) whose expected repurchase day
 * has not passed (still buying within the cycle); 复买 = other ≥ 2; 购买 = 1 paid order;
 * 咨询 = enquired but never paid (only when enquiries are known); null otherwise.
 */
export function lifecycleOf(opts: {
  paidDays: readonly string[];
  asOf: string;
  shopMedianCycle: number | null;
  hasEnquiries?: boolean;
}): LifecycleType | null {
  const days = opts.paidDays.filter((d) => d <= opts.asOf);
  if (days.length === 0) return opts.hasEnquiries ? 'enquirer' : null;
  if (days.length === 1) return 'buyer';
  const last = [...days].sort().at(-1)!;
  const due = expectedRepurchase(last, purchaseCycle(days, opts.shopMedianCycle));
  return due !== null && due >= opts.asOf ? 'loyal' : 'repeat';
}

/** One customer in the customers list and the base of its profile (phone, email, name masked without customers.pii.read). */
export interface CustomerSummary {
  id: string;
  shopId: string;
  channel: string;
  nick: string;
  name: string;
  phone: string;
  email: string;
  orderCount: number;
  paidOrders: number;
  paidFen: number;
  refundFen: number;
  netFen: number;
  aovFen: number;
  firstPaidAt: number | null;
  lastPaidAt: number | null;
  lastPaidDay: string | null;
  cycleDays: number | null;
  mergedInto: string | null;
  tags: string[];
  /** The member level's name (会员等级), when membership is on and the customer reached one. */
  memberLevel?: string | null;
}

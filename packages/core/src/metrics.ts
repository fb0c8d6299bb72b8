/**
 * Metric formulas (domain §1–§2): every rate the console shows is computed here from the additive
 * figures of `Totals` / `DayPoint`, so the server, the web app and the tests agree on one
 * definition. A rate whose denominator is 0 is `null` ("—" on screen), never 0 or NaN.
 */
import type { CompareMode, DayPoint, FunnelStep, Totals } from './analytics.js';
import { addDays } from './time.js';

/** num ÷ den, or null when den is 0. */
export function rate(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}

/** 支付转化率: paying buyers ÷ visitors. */
export const payConversion = (t: Pick<Totals, 'payingBuyers' | 'uv'>) => rate(t.payingBuyers, t.uv);
/** 客单价: paid amount ÷ paying buyers (per buyer, so S = UV × CR × AOV holds exactly). Fen, not rounded. */
export const aov = (t: Pick<Totals, 'paidFen' | 'payingBuyers'>) => rate(t.paidFen, t.payingBuyers);
/** 访客价值: paid amount ÷ visitors (fen, not rounded). */
export const visitorValue = (t: Pick<Totals, 'paidFen' | 'uv'>) => rate(t.paidFen, t.uv);
/** 下单转化率 (handbook): ordering visitors ÷ visitors who viewed a detail page. */
export const orderConversion = (t: Pick<Totals, 'orderUv' | 'detailUv'>) => rate(t.orderUv, t.detailUv);
/** 下单转化率 (marketplace tools): ordering buyers ÷ all visitors. */
export const orderConversionAll = (t: Pick<Totals, 'orderUv' | 'uv'>) => rate(t.orderUv, t.uv);
/** 付款转化率: paying visitors ÷ ordering visitors. */
export const paymentRate = (t: Pick<Totals, 'payingBuyers' | 'orderUv'>) => rate(t.payingBuyers, t.orderUv);
/** 浏览转化率: detail-page visitors ÷ visitors. */
export const viewConversion = (t: Pick<Totals, 'detailUv' | 'uv'>) => rate(t.detailUv, t.uv);
/** 收藏率. */
export const favRate = (t: Pick<Totals, 'favUv' | 'uv'>) => rate(t.favUv, t.uv);
/** 加购率. */
export const cartRate = (t: Pick<Totals, 'cartUv' | 'uv'>) => rate(t.cartUv, t.uv);
/**
 * 毛利: paid amount − cost of goods − shipping cost (fen). `costFen` is the cost of goods; the
 * shipping cost is passed separately when known (the order data carries none yet, so 0).
 */
export function grossProfit(t: Pick<Totals, 'paidFen' | 'costFen'>, shippingCostFen = 0): number {
  return t.paidFen - t.costFen - shippingCostFen;
}
/** 毛利率: gross profit ÷ paid amount. */
export function grossMargin(t: Pick<Totals, 'paidFen' | 'costFen'>, shippingCostFen = 0): number | null {
  return rate(grossProfit(t, shippingCostFen), t.paidFen);
}
/** 退款率 (amount): refunds that succeeded in the period ÷ the period's paid amount. */
export const refundRate = (t: Pick<Totals, 'refundFen' | 'paidFen'>) => rate(t.refundFen, t.paidFen);

export const TOTAL_KEYS = [
  'uv',
  'pv',
  'detailUv',
  'favUv',
  'cartUv',
  'orderUv',
  'payingBuyers',
  'paidFen',
  'orders',
  'paidOrders',
  'units',
  'refundFen',
  'refundOrders',
  'costFen',
] as const satisfies readonly (keyof Totals)[];

export function emptyTotals(): Totals {
  return {
    uv: 0,
    pv: 0,
    detailUv: 0,
    favUv: 0,
    cartUv: 0,
    orderUv: 0,
    payingBuyers: 0,
    paidFen: 0,
    orders: 0,
    paidOrders: 0,
    units: 0,
    refundFen: 0,
    refundOrders: 0,
    costFen: 0,
  };
}

/**
 * Sum of additive figures. Visitor counts of several days add up (the glossary's multi-day UV is
 * the sum of daily UV), so a period's totals are the sum of its days.
 */
export function sumTotals(items: readonly Totals[]): Totals {
  const t = emptyTotals();
  for (const x of items) for (const k of TOTAL_KEYS) t[k] += x[k];
  return t;
}

/** Only the Totals fields of a wider object (e.g. a DayPoint). */
export function pickTotals(x: Totals): Totals {
  const t = emptyTotals();
  for (const k of TOTAL_KEYS) t[k] = x[k];
  return t;
}

/**
 * Multi-day value of a daily rate (bounce rate, views per visitor, dwell): the mean of the daily
 * values, over the days on which the rate is defined (a day without visitors has no bounce rate
 * and does not pull the mean towards 0). null when no day has a value.
 */
export function meanOfDaily(days: readonly DayPoint[], key: 'bounceRate' | 'pvPerVisitor' | 'avgDwellMs'): number | null {
  let sum = 0;
  let n = 0;
  for (const d of days) {
    const v = d[key];
    if (v !== null) {
      sum += v;
      n += 1;
    }
  }
  return n === 0 ? null : sum / n;
}

/** The daily-rate figures of a period: means of daily values. */
export function dailyMeans(days: readonly DayPoint[]): {
  bounceRate: number | null;
  pvPerVisitor: number | null;
  avgDwellMs: number | null;
} {
  return {
    bounceRate: meanOfDaily(days, 'bounceRate'),
    pvPerVisitor: meanOfDaily(days, 'pvPerVisitor'),
    avgDwellMs: meanOfDaily(days, 'avgDwellMs'),
  };
}

/** Visitor-based funnel: visit → detail → cart → order → pay; each rate is the share of the previous step. */
export function funnel(t: Pick<Totals, 'uv' | 'detailUv' | 'cartUv' | 'orderUv' | 'payingBuyers'>): FunnelStep[] {
  const steps: [FunnelStep['step'], number][] = [
    ['visit', t.uv],
    ['detail', t.detailUv],
    ['cart', t.cartUv],
    ['order', t.orderUv],
    ['pay', t.payingBuyers],
  ];
  return steps.map(([step, visitors], i) => ({ step, visitors, rate: i === 0 ? null : rate(visitors, steps[i - 1]![1]) }));
}

// ---------------------------------------------------------------- periods

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Number of days of an inclusive period. */
export function periodLength(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The same day `months` months away, clamped to the end of a shorter month (03-31 − 1 month = 02-28/29). */
export function shiftMonths(day: string, months: number): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  const d = Number(day.slice(8, 10));
  const idx = y * 12 + (m - 1) + months;
  const ny = Math.floor(idx / 12);
  const nm = (idx % 12) + 1;
  const nd = Math.min(d, daysInMonth(ny, nm));
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(nd).padStart(2, '0')}`;
}

/** True when `day` is the last day of its calendar month. */
export function isMonthEnd(day: string): boolean {
  return Number(day.slice(8, 10)) === daysInMonth(Number(day.slice(0, 4)), Number(day.slice(5, 7)));
}

/**
 * The same day `months` calendar months away, where a month's last day maps to the other month's
 * last day (11-30 → 10-31, 03-31 → 02-28, 02-28 of 2025 → 02-29 of 2024) and any other day keeps
 * its day of month, clamped to a shorter month (03-30 → 02-28). This is the month base of every
 * month-over-month and year-over-year comparison (交易分析, reports, dashboard): a whole calendar
 * month is compared with the whole previous calendar month (2026-11-01…30 with 2026-10-01…31),
 * a running month (1st…20th) with the same days of the previous one (1st…20th).
 */
export function shiftCalendarMonths(day: string, months: number): string {
  const d = shiftMonths(day, months);
  if (!isMonthEnd(day)) return d;
  return `${d.slice(0, 8)}${String(daysInMonth(Number(d.slice(0, 4)), Number(d.slice(5, 7)))).padStart(2, '0')}`;
}

/**
 * Map a day of the current period to its base day: previous = the period of equal length just
 * before; wow = 7 days earlier; mom / yoy = one calendar month / year earlier by
 * `shiftCalendarMonths` (a month's last day to the base month's last day, else the same day of
 * month clamped). In a trend, each current day is paired with its base day; a longer base month
 * has days no current day pairs with (10-30 when November is compared with October) — they count in
 * the base period's totals (`basePeriod`) but have no point of their own.
 */
export function baseDayOf(day: string, mode: CompareMode, from: string, to: string): string {
  switch (mode) {
    case 'previous':
      return addDays(day, -periodLength(from, to));
    case 'wow':
      return addDays(day, -7);
    case 'mom':
      return shiftCalendarMonths(day, -1);
    case 'yoy':
      return shiftCalendarMonths(day, -12);
  }
}

/**
 * The base period of a comparison: both ends mapped by `baseDayOf`. 本周 (Monday…yesterday) with
 * wow is the same elapsed span of the previous week; 本月 (1st…yesterday) with mom the same days of
 * the previous month; a whole month with mom the whole previous month.
 */
export function basePeriod(from: string, to: string, mode: CompareMode): { from: string; to: string } {
  return { from: baseDayOf(from, mode, from, to), to: baseDayOf(to, mode, from, to) };
}

/** The period of equal length just before [from, to]. */
export const previousPeriod = (from: string, to: string) => basePeriod(from, to, 'previous');

// ---------------------------------------------------------------- LMDI

/** Logarithmic mean L(a, b) = (a − b) / (ln a − ln b), L(a, a) = a (a, b > 0). */
export function logMean(a: number, b: number): number {
  if (a === b) return a;
  const d = Math.log(a) - Math.log(b);
  // a and b so close that the logs are equal in floating point: the limit is a.
  if (d === 0) return a;
  return (a - b) / d;
}

export interface LmdiInput {
  uv: number;
  payingBuyers: number;
  paidFen: number;
}

export interface LmdiEffects {
  deltaFen: number;
  uvEffect: number;
  conversionEffect: number;
  aovEffect: number;
}

/**
 * Additive LMDI split of ΔS, S = UV × CR × AOV (CR = buyers ÷ UV, AOV = paid ÷ buyers), between a
 * base period 0 and a current period 1: effect_x = L(S₁, S₀) · ln(x₁ / x₀). With S₀, S₁ > 0 the
 * three effects add up to ΔS with no residual.
 *
 * Zeros (when S₀ or S₁ is 0 the logarithms are undefined). The rule is the limit of the
 * small-value replacement (Ang & Liu 2007), applied per factor in the chain UV → CR → AOV:
 * - a factor that is undefined in one period (CR when UV = 0, AOV when buyers = 0) takes its
 *   value from the other period, so it contributes nothing;
 * - a factor that is 0 is replaced by ε → 0; in the limit L(S₁, S₀)·ln(x₁/ε) / ln(S₁/ε) → 1, so
 *   the whole change goes to that factor.
 * Hence: S₀ = S₁ → all effects 0; otherwise if one side has no visitors, all of ΔS is the UV
 * effect; else if it has no buyers, all of ΔS is the conversion effect; else (buyers who paid
 * ¥0) all of ΔS is the AOV effect. The effects are real numbers here; `lmdiFen` rounds them.
 */
export function lmdi(base: LmdiInput, current: LmdiInput): LmdiEffects {
  const deltaFen = current.paidFen - base.paidFen;
  const zero = { deltaFen, uvEffect: 0, conversionEffect: 0, aovEffect: 0 };
  if (deltaFen === 0) return zero;
  const s0 = base.paidFen;
  const s1 = current.paidFen;
  if (s0 > 0 && s1 > 0) {
    const l = logMean(s1, s0);
    const cr0 = base.payingBuyers / base.uv;
    const cr1 = current.payingBuyers / current.uv;
    const aov0 = base.paidFen / base.payingBuyers;
    const aov1 = current.paidFen / current.payingBuyers;
    return {
      deltaFen,
      uvEffect: l * Math.log(current.uv / base.uv),
      conversionEffect: l * Math.log(cr1 / cr0),
      aovEffect: l * Math.log(aov1 / aov0),
    };
  }
  if (s0 < 0 || s1 < 0) throw new RangeError('paid amounts must not be negative');
  // One side is 0: the first factor of the chain that is 0 on that side takes the whole change.
  const zeroSide = s0 === 0 ? base : current;
  if (zeroSide.uv === 0) return { ...zero, uvEffect: deltaFen };
  if (zeroSide.payingBuyers === 0) return { ...zero, conversionEffect: deltaFen };
  return { ...zero, aovEffect: deltaFen };
}

/**
 * LMDI effects in whole fen that add up to ΔS exactly: each effect is rounded to the nearest fen
 * and the rounding remainder (at most a fen or two) goes to the effect of largest magnitude.
 */
export function lmdiFen(base: LmdiInput, current: LmdiInput): LmdiEffects {
  const e = lmdi(base, current);
  const keys = ['uvEffect', 'conversionEffect', 'aovEffect'] as const;
  const r = { deltaFen: e.deltaFen, uvEffect: 0, conversionEffect: 0, aovEffect: 0 };
  for (const k of keys) r[k] = Math.round(e[k]) + 0;
  const rest = e.deltaFen - r.uvEffect - r.conversionEffect - r.aovEffect;
  if (rest !== 0) {
    const biggest = keys.reduce((a, b) => (Math.abs(e[b]) > Math.abs(e[a]) ? b : a));
    r[biggest] += rest;
  }
  return r;
}

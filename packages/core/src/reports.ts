/**
 * Operations reports (运营日报 / 周报 / 月报, domain §9): which days a report covers, which
 * periods it is compared with, and the figures it shows — the additive `Totals` of a period plus
 * every rate derived from them by the formulas of metrics.ts, under the glossary's METRICS keys.
 * The 全店运营数据汇总表 is one row of these figures per day plus a total row.
 */
import type { ShopAdLines } from './ads.js';
import type { MetricFormat, MetricKey, Totals } from './analytics.js';
import { METRICS } from './analytics.js';
import {
  aov,
  basePeriod,
  cartRate,
  favRate,
  grossMargin,
  grossProfit,
  orderConversion,
  orderConversionAll,
  payConversion,
  paymentRate,
  rate,
  refundRate,
  shiftMonths,
  viewConversion,
  visitorValue,
} from './metrics.js';
import { addDays } from './time.js';

export const REPORT_KINDS = ['daily', 'weekly', 'monthly'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_KIND_LABELS: Record<ReportKind, { zh: string; en: string; file: string }> = {
  daily: { zh: '日报', en: 'Daily report', file: '运营日报' },
  weekly: { zh: '周报', en: 'Weekly report', file: '运营周报' },
  monthly: { zh: '月报', en: 'Monthly report', file: '运营月报' },
};

/** The comparison periods: daily → previous day and same weekday last week; weekly → last week and the week before; monthly → previous month and the same month last year. */
export type ReportCompareKey = 'previousDay' | 'lastWeekSameDay' | 'lastWeek' | 'weekBefore' | 'previousMonth' | 'lastYear';

export const REPORT_COMPARE_LABELS: Record<ReportCompareKey, { zh: string; en: string }> = {
  previousDay: { zh: '前一日', en: 'Previous day' },
  lastWeekSameDay: { zh: '上周同日', en: 'Same day last week' },
  lastWeek: { zh: '上周', en: 'Last week' },
  weekBefore: { zh: '上上周', en: 'Week before last' },
  previousMonth: { zh: '上月', en: 'Previous month' },
  lastYear: { zh: '去年同月', en: 'Same month last year' },
};

/** A figure of the reports that the METRICS glossary does not list under a key of its own. */
export const REPORT_EXTRA_METRICS = {
  refundRate: {
    zh: '退款率',
    en: 'Refund rate',
    defZh: '统计期内成功退款金额 ÷ 同期支付金额（退款按退款成功日期，支付按支付日期，两者不一定是同一批订单）。',
    defEn:
      'Refunds that succeeded in the period ÷ paid amount of the period (refunds by refund day, payments by payment day — not necessarily the same orders).',
    format: 'percent',
  },
} as const satisfies Record<string, { zh: string; en: string; defZh: string; defEn: string; format: MetricFormat }>;

export type ReportMetricKey = MetricKey | keyof typeof REPORT_EXTRA_METRICS;

/** The name, definition and format of a report figure. */
export function reportMetric(key: ReportMetricKey): { zh: string; en: string; defZh: string; defEn: string; format: MetricFormat } {
  return key in REPORT_EXTRA_METRICS ? REPORT_EXTRA_METRICS[key as keyof typeof REPORT_EXTRA_METRICS] : METRICS[key as MetricKey];
}

/**
 * The figures of a period (or a day): the additive totals plus the derived rates. Money rates (aov,
 * visitorValue) are rounded to whole fen as the analytics API shows them; other rates are fractions;
 * a rate without a denominator is null. Over several days bounceRate, pvPerVisitor and avgDwellMs
 * are means of the daily values (days without visitors skipped).
 */
export interface ReportFigures extends Totals {
  pvPerVisitor: number | null;
  avgDwellMs: number | null;
  bounceRate: number | null;
  viewConversion: number | null;
  cartRate: number | null;
  favRate: number | null;
  orderConversion: number | null;
  orderConversionAll: number | null;
  paymentRate: number | null;
  payConversion: number | null;
  aov: number | null;
  visitorValue: number | null;
  grossProfitFen: number;
  grossMargin: number | null;
  refundRate: number | null;
}

export interface ReportDay extends ReportFigures {
  day: string;
}

export interface ReportPeriod {
  key: 'current' | ReportCompareKey;
  from: string;
  to: string;
  figures: ReportFigures;
  /** The ad lines of the period (ads.ts `shopAdLines`); null = 无推广数据 (no ad report row nor 淘宝客 order). */
  ads: ShopAdLines | null;
}

/** One row of the per-product table. */
export interface ReportProductRow {
  productId: string;
  title: string;
  uv: number;
  pv: number;
  detailUv: number;
  payingBuyers: number;
  paidOrders: number;
  units: number;
  paidFen: number;
  payConversion: number | null;
  /** 下单转化率: shown for presale items, whose payment conversion is misleading until the balance is paid. */
  orderConversion: number | null;
  refundFen: number;
  refundRate: number | null;
  grossProfitFen: number;
  grossMargin: number | null;
}

export interface ReportResponse {
  kind: ReportKind;
  /** The day asked for; the report covers the period containing it. */
  date: string;
  /** The business day today in the shops' zone. */
  today: string;
  /** false while the period is still running (it then ends today, and comparisons cover the same days). */
  complete: boolean;
  shopIds: string[];
  /** The shop's name, or null for all shops the user may see. */
  shopName: string | null;
  current: ReportPeriod;
  comparisons: ReportPeriod[];
  /** 全店运营数据汇总表: one row per day of the current period (its total row is `current.figures`). */
  days: ReportDay[];
  /** Every product with figures in the period, by paid amount (highest first). */
  products: ReportProductRow[];
}

/** The summary (KPI) figures in display order. */
export const REPORT_SUMMARY_METRICS: readonly ReportMetricKey[] = [
  'paidFen',
  'uv',
  'payConversion',
  'aov',
  'payingBuyers',
  'paidOrders',
  'orders',
  'units',
  'pv',
  'pvPerVisitor',
  'avgDwellMs',
  'bounceRate',
  'viewConversion',
  'cartRate',
  'favRate',
  'orderConversion',
  'orderConversionAll',
  'paymentRate',
  'visitorValue',
  'refundFen',
  'refundOrders',
  'refundRate',
  'grossProfitFen',
  'grossMargin',
];

/** The columns of the 全店运营数据汇总表 after the day. */
export const REPORT_DAILY_METRICS: readonly ReportMetricKey[] = [
  'uv',
  'pv',
  'pvPerVisitor',
  'avgDwellMs',
  'bounceRate',
  'payingBuyers',
  'payConversion',
  'paidOrders',
  'paidFen',
  'aov',
  'units',
  'visitorValue',
  'refundFen',
  'refundRate',
  'grossProfitFen',
  'grossMargin',
];

/** The columns of the per-product table after the product. */
export const REPORT_PRODUCT_METRICS = [
  'uv',
  'payingBuyers',
  'units',
  'paidFen',
  'payConversion',
  'orderConversion',
  'refundFen',
  'refundRate',
  'grossProfitFen',
  'grossMargin',
] as const satisfies readonly (ReportMetricKey & keyof ReportProductRow)[];

const roundFen = (x: number | null) => (x === null ? null : Math.round(x) + 0);

/** The derived figures of a period from its totals and its daily means. */
export function reportFigures(
  t: Totals,
  means: { bounceRate: number | null; pvPerVisitor: number | null; avgDwellMs: number | null },
): ReportFigures {
  return {
    ...t,
    pvPerVisitor: means.pvPerVisitor,
    avgDwellMs: means.avgDwellMs,
    bounceRate: means.bounceRate,
    viewConversion: viewConversion(t),
    cartRate: cartRate(t),
    favRate: favRate(t),
    orderConversion: orderConversion(t),
    orderConversionAll: orderConversionAll(t),
    paymentRate: paymentRate(t),
    payConversion: payConversion(t),
    aov: roundFen(aov(t)),
    visitorValue: roundFen(visitorValue(t)),
    grossProfitFen: grossProfit(t),
    grossMargin: grossMargin(t),
    refundRate: refundRate(t),
  };
}

/** The figures of a product row from its totals. */
export function reportProductRow(productId: string, title: string, t: Totals): ReportProductRow {
  return {
    productId,
    title,
    uv: t.uv,
    pv: t.pv,
    detailUv: t.detailUv,
    payingBuyers: t.payingBuyers,
    paidOrders: t.paidOrders,
    units: t.units,
    paidFen: t.paidFen,
    payConversion: payConversion(t),
    orderConversion: rate(t.orderUv, t.detailUv),
    refundFen: t.refundFen,
    refundRate: refundRate(t),
    grossProfitFen: grossProfit(t),
    grossMargin: grossMargin(t),
  };
}

// ---------------------------------------------------------------- periods

/** 0 = Monday … 6 = Sunday. */
function weekdayIndex(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** The Monday of the (Monday–Sunday) week containing day. */
export function weekStart(day: string): string {
  return addDays(day, -weekdayIndex(day));
}

export function monthStart(day: string): string {
  return `${day.slice(0, 8)}01`;
}

export function monthEnd(day: string): string {
  return addDays(shiftMonths(monthStart(day), 1), -1);
}

export interface ReportPeriods {
  from: string;
  to: string;
  /** The full period's last day (to < end while the period is running). */
  end: string;
  complete: boolean;
  comparisons: { key: ReportCompareKey; from: string; to: string }[];
}

/**
 * The period of a report containing `date` (day; week Monday–Sunday; calendar month), cut at
 * `today` while it is running, and its comparison periods. A running period is compared with the
 * same days of the comparison periods (Monday–Wednesday with Monday–Wednesday; the 1st–20th with
 * the 1st–20th); a complete one with the whole comparison periods. `date` must not be after today.
 */
export function reportPeriods(kind: ReportKind, date: string, today: string): ReportPeriods {
  switch (kind) {
    case 'daily':
      return {
        from: date,
        to: date,
        end: date,
        complete: date < today,
        comparisons: [
          { key: 'previousDay', from: addDays(date, -1), to: addDays(date, -1) },
          { key: 'lastWeekSameDay', from: addDays(date, -7), to: addDays(date, -7) },
        ],
      };
    case 'weekly': {
      const from = weekStart(date);
      const end = addDays(from, 6);
      const to = end < today ? end : today;
      return {
        from,
        to,
        end,
        complete: end < today,
        comparisons: [
          { key: 'lastWeek', from: addDays(from, -7), to: addDays(to, -7) },
          { key: 'weekBefore', from: addDays(from, -14), to: addDays(to, -14) },
        ],
      };
    }
    case 'monthly': {
      const from = monthStart(date);
      const end = monthEnd(date);
      const to = end < today ? end : today;
      // The month base of core (basePeriod): a whole month against the whole previous month, a
      // running one against the same days.
      return {
        from,
        to,
        end,
        complete: end < today,
        comparisons: [
          { key: 'previousMonth', ...basePeriod(from, to, 'mom') },
          { key: 'lastYear', ...basePeriod(from, to, 'yoy') },
        ],
      };
    }
  }
}

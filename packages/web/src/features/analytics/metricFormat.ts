/**
 * The one formatter of analytics figures: every metric is shown by its `METRICS[key].format`
 * (money through core `formatFen`, percentages with 2 decimals, durations as 1分23秒 / 1m23s,
 * counts with thousands separators), and every change against a comparison period the same way.
 */
import { formatFen, METRICS, type MetricFormat, type MetricKey } from '@yunying/core';
import i18n from '../../i18n';

export const NO_VALUE = '—';

function locale(): string {
  return i18n.language === 'en' ? 'en-US' : 'zh-CN';
}

function isEn(): boolean {
  return i18n.language === 'en';
}

export function fmtCount(n: number): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(Math.round(n));
}

export function fmtDecimal(n: number, digits = 2): string {
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
}

/** `ratio` is a fraction: 0.12345 → 12.35% */
export function fmtPercent(ratio: number, digits = 2): string {
  return new Intl.NumberFormat(locale(), {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(ratio);
}

/** Fen (possibly fractional, e.g. a decomposition effect) as ¥1,234.56. */
export function fmtMoney(fen: number): string {
  return formatFen(Math.round(fen));
}

/** Fen as yuan without the symbol, for chart axes: 12345 → 123.45 */
export function fenToYuan(fen: number): number {
  return Math.round(fen) / 100;
}

/** Compact yuan for chart axes: ¥1.2万 / ¥12k. */
export function fmtYuanShort(yuan: number): string {
  const abs = Math.abs(yuan);
  if (isEn()) {
    if (abs >= 1e6) return `¥${(yuan / 1e6).toFixed(1)}M`;
    if (abs >= 1e3) return `¥${(yuan / 1e3).toFixed(1)}k`;
    return `¥${yuan.toFixed(0)}`;
  }
  if (abs >= 1e8) return `¥${(yuan / 1e8).toFixed(1)}${i18n.t('analytics.units.yi')}`;
  if (abs >= 1e4) return `¥${(yuan / 1e4).toFixed(1)}${i18n.t('analytics.units.wan')}`;
  return `¥${yuan.toFixed(0)}`;
}

/** Milliseconds as 1分23秒 / 1m23s (hours when needed). */
export function fmtDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const [hu, mu, su] = [i18n.t('analytics.units.h'), i18n.t('analytics.units.m'), i18n.t('analytics.units.s')];
  if (h > 0) return `${h}${hu}${m}${mu}${s}${su}`;
  if (m > 0) return `${m}${mu}${s}${su}`;
  return `${s}${su}`;
}

export function formatByFormat(format: MetricFormat, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  switch (format) {
    case 'money':
      return fmtMoney(value);
    case 'percent':
      return fmtPercent(value);
    case 'duration':
      return fmtDuration(value);
    case 'decimal':
      return fmtDecimal(value);
    case 'count':
      return fmtCount(value);
  }
}

export function formatMetric(metric: MetricKey, value: number | null | undefined): string {
  return formatByFormat(METRICS[metric].format, value);
}

/** a ÷ b, or null when b is 0 (a rate with no base has no value, not 0). */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return a / b;
}

/**
 * Metrics where a rise is bad news. Colour convention of the console: for business metrics green
 * means good and red means bad (a rise in refunds or bounce rate is red). We deliberately do not
 * use the Chinese securities convention (red = up, green = down): an operator reading the dashboard
 * wants to see at a glance what needs attention, and "red = problem" is also how antd's status
 * colours read everywhere else in the console.
 */
const LOWER_IS_BETTER = new Set<string>(['refundFen', 'refundOrders', 'bounceRate']);

export function higherIsBetter(metric: string): boolean {
  return !LOWER_IS_BETTER.has(metric);
}

export interface Change {
  /** Relative change (0.12 = +12%), or null when there is no base to compare with. */
  rel: number | null;
  direction: 'up' | 'down' | 'flat' | 'none';
}

export function change(current: number | null | undefined, base: number | null | undefined): Change {
  if (current === null || current === undefined || base === null || base === undefined || base === 0) {
    return { rel: null, direction: 'none' };
  }
  const rel = (current - base) / Math.abs(base);
  if (Math.abs(rel) < 0.00005) return { rel: 0, direction: 'flat' };
  return { rel, direction: rel > 0 ? 'up' : 'down' };
}

/**
 * Metric → format: every analytics metric is shown by its `METRICS[key].format` (money, percent
 * with 2 decimals, duration, decimal, count) through the one formatter `components/format.ts`,
 * and every change against a comparison period the same way.
 */
import { METRICS, type MetricFormat, type MetricKey } from '@yunying/core';
import { formatCount, formatDecimal, formatDuration, formatMoney, formatPercent, NO_VALUE } from '../../components/format';

export function formatByFormat(format: MetricFormat, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  switch (format) {
    case 'money':
      return formatMoney(value);
    case 'percent':
      return formatPercent(value);
    case 'duration':
      return formatDuration(value);
    case 'decimal':
      return formatDecimal(value);
    case 'count':
      return formatCount(value);
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

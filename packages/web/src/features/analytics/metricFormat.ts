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

// Changes (and their colours: a rise red, a fall green) are components/Change.tsx.

/**
 * The one formatter of the console: dates, counts, decimals, percentages, durations and money
 * (fen → ¥1,234.56 through core `formatFen`). Numbers follow the current language's separators.
 * Metric-specific choices (which metric is money, which is a percentage) live in
 * `features/analytics/metricFormat.ts`, which calls these.
 */
import dayjs from 'dayjs';
import { COUNT_CAP, formatFen, isCappedCount } from '@yunying/core';
import i18n from '../i18n';

/** Shown where a figure has no value (no data, or a rate without a base). */
export const NO_VALUE = '—';

export function formatDateTime(ms: number | null | undefined, fallback = NO_VALUE): string {
  if (ms === null || ms === undefined) return fallback;
  return dayjs(ms).format('YYYY-MM-DD HH:mm:ss');
}

export function formatDate(ms: number | null | undefined, fallback = NO_VALUE): string {
  if (ms === null || ms === undefined) return fallback;
  return dayjs(ms).format('YYYY-MM-DD');
}

function isEn(): boolean {
  return i18n.language === 'en';
}

function numberLocale(): string {
  return isEn() ? 'en-US' : 'zh-CN';
}

/** A whole number with thousands separators: 12345 → 12,345 (fractions are rounded). */
export function formatCount(n: number): string {
  return new Intl.NumberFormat(numberLocale(), { maximumFractionDigits: 0 }).format(Math.round(n));
}

/**
 * A list count as the server answers it: counts stop at COUNT_CAP (lists at a million rows), so a
 * count above it reads 10,000+ instead of a made-up exact figure.
 */
export function formatListCount(n: number): string {
  return isCappedCount(n) ? `${formatCount(COUNT_CAP)}+` : formatCount(n);
}

/** A number with a fixed count of decimals: 1.5 → 1.50 */
export function formatDecimal(n: number, digits = 2): string {
  return new Intl.NumberFormat(numberLocale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
}

/** `ratio` is a fraction: 0.12345 → 12.35% */
export function formatPercent(ratio: number, digits = 2): string {
  return new Intl.NumberFormat(numberLocale(), {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(ratio);
}

/** Fen as ¥1,234.56 (a fractional fen, e.g. a decomposition effect, is rounded first). */
export function formatMoney(fen: number): string {
  return formatFen(Math.round(fen));
}

/** Fen as yuan text for an input field, no symbol or separators: 7990 → "79.90". */
export function fenToYuanText(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '';
  return formatFen(Math.round(fen), { symbol: false }).replace(/,/g, '');
}

/** Fen as a yuan number, for chart values: 12345 → 123.45 */
export function fenToYuan(fen: number): number {
  return Math.round(fen) / 100;
}

/** Compact yuan for chart axes: ¥1.2万 / ¥12k. */
export function formatYuanShort(yuan: number): string {
  const abs = Math.abs(yuan);
  if (isEn()) {
    if (abs >= 1e6) return `¥${(yuan / 1e6).toFixed(1)}M`;
    if (abs >= 1e3) return `¥${(yuan / 1e3).toFixed(1)}k`;
    return `¥${yuan.toFixed(0)}`;
  }
  if (abs >= 1e8) return `¥${(yuan / 1e8).toFixed(1)}${i18n.t('common.units.yi')}`;
  if (abs >= 1e4) return `¥${(yuan / 1e4).toFixed(1)}${i18n.t('common.units.wan')}`;
  return `¥${yuan.toFixed(0)}`;
}

/** Milliseconds as 1分23秒 / 1m23s (hours when needed). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const [hu, mu, su] = [i18n.t('common.units.h'), i18n.t('common.units.m'), i18n.t('common.units.s')];
  if (h > 0) return `${h}${hu}${m}${mu}${s}${su}`;
  if (m > 0) return `${m}${mu}${s}${su}`;
  return `${s}${su}`;
}

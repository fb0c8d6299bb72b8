/** Formatting at the edge: one place for dates, counts, percentages and money. */
import dayjs from 'dayjs';
import { formatFen } from '@yunying/core';
import i18n from '../i18n';

export function formatDateTime(ms: number | null | undefined, fallback = '—'): string {
  if (ms === null || ms === undefined) return fallback;
  return dayjs(ms).format('YYYY-MM-DD HH:mm:ss');
}

export function formatDate(ms: number | null | undefined, fallback = '—'): string {
  if (ms === null || ms === undefined) return fallback;
  return dayjs(ms).format('YYYY-MM-DD');
}

function numberLocale(): string {
  return i18n.language === 'en' ? 'en-US' : 'zh-CN';
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat(numberLocale()).format(n);
}

/** `ratio` is a fraction: 0.125 → 12.5% */
export function formatPercent(ratio: number, digits = 1): string {
  return new Intl.NumberFormat(numberLocale(), {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(ratio);
}

export function formatMoney(fen: number): string {
  return formatFen(fen);
}

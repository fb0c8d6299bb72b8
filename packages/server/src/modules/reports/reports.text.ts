/** A report as plain Chinese text tables for the terminal (`yunying report …`). */
import {
  formatFen,
  REPORT_COMPARE_LABELS,
  REPORT_KIND_LABELS,
  REPORT_SUMMARY_METRICS,
  reportMetric,
  SHOP_AD_LINE_KEYS,
  SHOP_AD_LINE_LABELS,
  type ReportMetricKey,
  type ShopAdLineKey,
  type ShopAdLines,
  type ReportResponse,
} from '@yunying/core';
import { NO_AD_DATA, relChange } from './reports.export.js';

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

/** Terminal columns of a string (CJK and full-width characters take two). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += WIDE.test(ch) ? 2 : 1;
  return w;
}

function pad(s: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
}

/** Columns separated by two spaces; the first column left-aligned, the others right-aligned. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]!, i > 0))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function fmt(key: ReportMetricKey, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  switch (reportMetric(key).format) {
    case 'money':
      return formatFen(Math.round(v));
    case 'percent':
      return `${(v * 100).toFixed(2)}%`;
    case 'decimal':
      return v.toFixed(2);
    case 'duration': {
      const s = Math.round(v / 1000);
      return s >= 60 ? `${Math.floor(s / 60)}分${s % 60}秒` : `${s}秒`;
    }
    case 'count':
      return Math.round(v).toLocaleString('en-US');
  }
}

function fmtAd(lines: ShopAdLines | null, k: ShopAdLineKey): string {
  if (!lines) return NO_AD_DATA;
  const v = lines[k];
  if (v === null) return '—';
  const f = SHOP_AD_LINE_LABELS[k].format;
  return f === 'money' ? formatFen(v) : f === 'percent' ? `${(v * 100).toFixed(2)}%` : v.toFixed(2);
}

function fmtChange(c: number | null): string {
  if (c === null) return '—';
  if (Math.abs(c) < 0.00005) return '0.00%';
  return `${c > 0 ? '↑' : '↓'}${(Math.abs(c) * 100).toFixed(2)}%`;
}

const get = (f: object, k: ReportMetricKey): number | null => (f as Record<string, number | null>)[k] ?? null;
const range = (from: string, to: string) => (from === to ? from : `${from} ~ ${to}`);

const DAILY_COLS: ReportMetricKey[] = ['uv', 'pv', 'payingBuyers', 'payConversion', 'paidFen', 'aov', 'refundFen', 'grossProfitFen'];
const PRODUCT_COLS = ['uv', 'payingBuyers', 'units', 'paidFen', 'payConversion', 'refundFen', 'grossProfitFen'] as const;
const PRODUCTS_SHOWN = 10;

export function formatReportText(r: ReportResponse): string {
  const out: string[] = [];
  const status = r.complete ? '' : `（进行中，截至 ${r.today}）`;
  out.push(`运营${REPORT_KIND_LABELS[r.kind].zh} · ${r.shopName ?? '全部店铺'} · ${range(r.current.from, r.current.to)}${status}`, '');

  const head = ['指标', '本期'];
  for (const c of r.comparisons) {
    const label = REPORT_COMPARE_LABELS[c.key as keyof typeof REPORT_COMPARE_LABELS].zh;
    head.push(`${label}（${range(c.from, c.to)}）`, `较${label}`);
  }
  const kpi = REPORT_SUMMARY_METRICS.map((k) => {
    const cur = get(r.current.figures, k);
    const row = [reportMetric(k).zh, fmt(k, cur)];
    for (const c of r.comparisons) row.push(fmt(k, get(c.figures, k)), fmtChange(relChange(cur, get(c.figures, k))));
    return row;
  });
  for (const k of SHOP_AD_LINE_KEYS) {
    const m = SHOP_AD_LINE_LABELS[k];
    const cur = r.current.ads?.[k] ?? null;
    const row = [m.zh, fmtAd(r.current.ads, k)];
    for (const c of r.comparisons) row.push(fmtAd(c.ads, k), fmtChange(relChange(cur, c.ads?.[k] ?? null)));
    kpi.push(row);
  }
  out.push(textTable(head, kpi), '');

  if (r.kind !== 'daily') {
    out.push('全店运营数据汇总表');
    const rows = r.days.map((d) => [d.day, ...DAILY_COLS.map((k) => fmt(k, get(d, k)))]);
    rows.push(['合计', ...DAILY_COLS.map((k) => fmt(k, get(r.current.figures, k)))]);
    out.push(textTable(['日期', ...DAILY_COLS.map((k) => reportMetric(k).zh)], rows), '');
  }

  out.push(
    r.products.length > PRODUCTS_SHOWN
      ? `商品（按支付金额前 ${PRODUCTS_SHOWN} 个，共 ${r.products.length} 个）`
      : `商品（${r.products.length} 个）`,
  );
  if (r.products.length === 0) out.push('  本期没有商品数据');
  else {
    const rows = r.products
      .slice(0, PRODUCTS_SHOWN)
      .map((p) => [p.title.length > 24 ? `${p.title.slice(0, 23)}…` : p.title, ...PRODUCT_COLS.map((k) => fmt(k, p[k]))]);
    out.push(textTable(['商品', ...PRODUCT_COLS.map((k) => reportMetric(k).zh)], rows));
  }
  return out.join('\n') + '\n';
}

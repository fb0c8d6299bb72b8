/**
 * A report as a spreadsheet. XLSX: three sheets — 汇总 (every figure of the period against its
 * comparison periods, with the relative changes), 每日明细 (the 全店运营数据汇总表: one row per day
 * and a 合计 row) and 商品 (the per-product table) — with Chinese headers, a frozen header row and
 * real numbers carrying number formats (money in yuan as ¥#,##0.00, rates 0.00%, counts #,##0,
 * dwell in seconds). CSV: the 全店运营数据汇总表 only (UTF-8 with BOM).
 */
import {
  REPORT_COMPARE_LABELS,
  REPORT_DAILY_METRICS,
  REPORT_KIND_LABELS,
  REPORT_PRODUCT_METRICS,
  REPORT_SUMMARY_METRICS,
  reportMetric,
  SHOP_AD_LINE_KEYS,
  SHOP_AD_LINE_LABELS,
  type MetricFormat,
  type ShopAdLineKey,
  type ShopAdLines,
  type ReportFigures,
  type ReportMetricKey,
  type ReportResponse,
} from '@yunying/core';
import { toCsv, toXlsxBook, type Cell } from '../../lib/sheets.js';

export const NUM_FMT: Record<MetricFormat, string> = {
  money: '¥#,##0.00',
  percent: '0.00%',
  count: '#,##0',
  decimal: '0.00',
  duration: '0.0',
};
const CHANGE_FMT = '0.00%';

const fmtOf = (key: ReportMetricKey) => reportMetric(key).format;

/** The column title of a figure (dwell is written in seconds). */
export function columnTitle(key: ReportMetricKey): string {
  const m = reportMetric(key);
  return m.format === 'duration' ? `${m.zh}（秒）` : m.format === 'money' ? `${m.zh}（元）` : m.zh;
}

/** A figure as a spreadsheet number: money fen → yuan, dwell ms → seconds, rates stay fractions. */
export function sheetValue(key: ReportMetricKey, v: number | null): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  switch (fmtOf(key)) {
    case 'money':
      return v / 100;
    case 'duration':
      return v / 1000;
    default:
      return v;
  }
}

/** A figure as CSV text: ¥ amounts with 2 decimals (no symbol), rates as 12.34%, counts as integers. */
function csvValue(key: ReportMetricKey, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '';
  switch (fmtOf(key)) {
    case 'money':
      return (v / 100).toFixed(2);
    case 'percent':
      return `${(v * 100).toFixed(2)}%`;
    case 'decimal':
      return v.toFixed(2);
    case 'duration':
      return (v / 1000).toFixed(1);
    case 'count':
      return String(Math.round(v));
  }
}

/** Relative change (0.12 = +12%), null without a base. */
export function relChange(cur: number | null, base: number | null): number | null {
  if (cur === null || base === null || base === 0) return null;
  return (cur - base) / Math.abs(base);
}

const get = (f: ReportFigures | object, k: ReportMetricKey): number | null => (f as Record<string, number | null>)[k] ?? null;
const range = (from: string, to: string) => (from === to ? from : `${from}~${to}`);

export function summaryTable(r: ReportResponse): {
  header: string[];
  rows: Cell[][];
  fmt: (row: number, col: number) => string | undefined;
} {
  const header = ['指标', `本期（${range(r.current.from, r.current.to)}）`];
  for (const c of r.comparisons) {
    const label = REPORT_COMPARE_LABELS[c.key as keyof typeof REPORT_COMPARE_LABELS].zh;
    header.push(`${label}（${range(c.from, c.to)}）`, `较${label}`);
  }
  const rows = REPORT_SUMMARY_METRICS.map((k) => {
    const cur = get(r.current.figures, k);
    const row: Cell[] = [columnTitle(k), sheetValue(k, cur)];
    for (const c of r.comparisons) {
      const base = get(c.figures, k);
      row.push(sheetValue(k, base), relChange(cur, base));
    }
    return row;
  });
  const ad = adRows(r);
  const formatOf = (row: number) =>
    row < REPORT_SUMMARY_METRICS.length
      ? fmtOf(REPORT_SUMMARY_METRICS[row]!)
      : SHOP_AD_LINE_LABELS[SHOP_AD_LINE_KEYS[row - REPORT_SUMMARY_METRICS.length]!].format;
  return {
    header,
    rows: [...rows, ...ad],
    // columns: 指标, 本期, then (comparison value, change) per comparison
    fmt: (row, col) => (col === 0 ? undefined : col === 1 || col % 2 === 0 ? NUM_FMT[formatOf(row)] : CHANGE_FMT),
  };
}

/** Written where a period has no ad report row nor 淘宝客 order (never 0). */
export const NO_AD_DATA = '无推广数据';

/** An ad line as a sheet value: money fen → yuan; null → 无推广数据 (no data) or empty (no denominator). */
export function adLineValue(lines: ShopAdLines | null, k: ShopAdLineKey): Cell {
  if (!lines) return NO_AD_DATA;
  const v = lines[k];
  if (v === null) return null;
  return SHOP_AD_LINE_LABELS[k].format === 'money' ? v / 100 : v;
}

/** The ad lines of the summary: 推广花费, 推广成交金额, ROI, 推广占比, 扣除推广后毛利 per period. */
export function adRows(r: ReportResponse): Cell[][] {
  return SHOP_AD_LINE_KEYS.map((k) => {
    const m = SHOP_AD_LINE_LABELS[k];
    const cur = r.current.ads?.[k] ?? null;
    const row: Cell[] = [m.format === 'money' ? `${m.zh}（元）` : m.zh, adLineValue(r.current.ads, k)];
    for (const c of r.comparisons) row.push(adLineValue(c.ads, k), relChange(cur, c.ads?.[k] ?? null));
    return row;
  });
}

/** 全店运营数据汇总表: one row per day and a 合计 row. */
export function dailyTable(r: ReportResponse): { header: string[]; rows: Cell[][] } {
  const header = ['日期', ...REPORT_DAILY_METRICS.map(columnTitle)];
  const rows: Cell[][] = r.days.map((d) => [d.day, ...REPORT_DAILY_METRICS.map((k) => sheetValue(k, get(d, k)))]);
  rows.push(['合计', ...REPORT_DAILY_METRICS.map((k) => sheetValue(k, get(r.current.figures, k)))]);
  return { header, rows };
}

export function productTable(r: ReportResponse): { header: string[]; rows: Cell[][] } {
  const header = ['商品ID', '商品', ...REPORT_PRODUCT_METRICS.map(columnTitle)];
  const rows: Cell[][] = r.products.map((p) => [p.productId, p.title, ...REPORT_PRODUCT_METRICS.map((k) => sheetValue(k, p[k]))]);
  return { header, rows };
}

export async function reportXlsx(r: ReportResponse): Promise<Buffer> {
  const s = summaryTable(r);
  const d = dailyTable(r);
  const p = productTable(r);
  const colFmt = (keys: readonly ReportMetricKey[], lead: number) => (_row: number, col: number) =>
    col < lead ? undefined : NUM_FMT[fmtOf(keys[col - lead]!)];
  return toXlsxBook([
    { sheetName: '汇总', header: s.header, rows: s.rows, numFmt: s.fmt, widths: { 0: 22, 1: 26 } },
    { sheetName: '每日明细', header: d.header, rows: d.rows, numFmt: colFmt(REPORT_DAILY_METRICS, 1), widths: { 0: 12 } },
    { sheetName: '商品', header: p.header, rows: p.rows, numFmt: colFmt(REPORT_PRODUCT_METRICS, 2), widths: { 0: 30, 1: 36 } },
  ]);
}

export function reportCsv(r: ReportResponse): Buffer {
  const header = ['日期', ...REPORT_DAILY_METRICS.map(columnTitle)];
  const rows = r.days.map((d) => [d.day, ...REPORT_DAILY_METRICS.map((k) => csvValue(k, get(d, k)))]);
  rows.push(['合计', ...REPORT_DAILY_METRICS.map((k) => csvValue(k, get(r.current.figures, k)))]);
  return toCsv(header, rows);
}

/** 运营日报_天猫旗舰店_2026-11-21.xlsx / 运营周报_…_2026-11-16~2026-11-22 / 运营月报_…_2026-11 */
export function reportFileName(r: ReportResponse, format: 'xlsx' | 'csv'): string {
  const shop = (r.shopName ?? '全部店铺').replace(/[\\/:*?"<>|\s]+/g, '_');
  const when =
    r.kind === 'daily' ? r.current.from : r.kind === 'monthly' ? r.current.from.slice(0, 7) : range(r.current.from, r.current.to);
  return `${REPORT_KIND_LABELS[r.kind].file}_${shop}_${when}.${format}`;
}

/** Content-Disposition with an ASCII fallback and the real name RFC 5987-encoded. */
export function contentDisposition(r: ReportResponse, format: 'xlsx' | 'csv'): string {
  const ascii = `report-${r.kind}-${r.current.from}.${format}`;
  const encoded = encodeURIComponent(reportFileName(r, format)).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Paid promotion (推广, issue 13; domain.md §8): the ad tools and their report headers, the cell
 * parsing of a report row, the figures (CTR, CPC, CVR, ROI, ACoS, cost per order, break-even ROI,
 * profit after ads), the daily advice rules and the two-proportion test of an A/B comparison.
 * Pure: the server imports, stores and reads; everything computed is computed here.
 */
import { z } from 'zod';
import { PageQuery } from './api.js';
import { cleanCell, isBlankRow, isEmptyCell, normalizeHeader, parseLongId, parseMoneyCell, toHalfWidth } from './import.js';
import { fenSchema, type Fen } from './money.js';
import { isBusinessDay } from './time.js';
import { isTotalCell, parseCountCell, parseDayCell, parseRateCell } from './trafficImport.js';

// ---------------------------------------------------------------------------------------------
// Tools and presets

export const AD_TOOLS = ['ztc', 'ylmf', 'taoke', 'kuaiche', 'pdd', 'qianchuan', 'other'] as const;
export type AdTool = (typeof AD_TOOLS)[number];
export const AD_TOOL_LABELS: Record<AdTool, { zh: string; en: string }> = {
  ztc: { zh: '直通车', en: 'Taobao Zhitongche (search ads)' },
  ylmf: { zh: '引力魔方/万相台', en: 'Yinli Mofang / Wanxiangtai (display)' },
  taoke: { zh: '淘宝客', en: 'Taobaoke (affiliate)' },
  kuaiche: { zh: '京东快车', en: 'JD Kuaiche' },
  pdd: { zh: '多多搜索/场景', en: 'PDD search / scene ads' },
  qianchuan: { zh: '巨量千川', en: 'Juliang Qianchuan' },
  other: { zh: '其他推广', en: 'Other ads' },
};

export const AD_FORMATS = ['ztc', 'ylmf', 'kuaiche', 'pdd', 'qianchuan', 'generic'] as const;
export type AdFormat = (typeof AD_FORMATS)[number];

export const AD_FIELDS = [
  'day',
  'plan',
  'unit',
  'keyword',
  'creative',
  'impressions',
  'clicks',
  'spend',
  'orders',
  'sales',
  'favs',
  'carts',
  'hour',
] as const;
export type AdField = (typeof AD_FIELDS)[number];
export const AD_FIELD_LABELS: Record<AdField, { zh: string; en: string }> = {
  day: { zh: '日期', en: 'Date' },
  plan: { zh: '计划名称', en: 'Plan' },
  unit: { zh: '推广单元', en: 'Unit' },
  keyword: { zh: '关键词', en: 'Keyword' },
  creative: { zh: '创意', en: 'Creative' },
  impressions: { zh: '展现量', en: 'Impressions' },
  clicks: { zh: '点击量', en: 'Clicks' },
  spend: { zh: '花费(元)', en: 'Spend (yuan)' },
  orders: { zh: '成交笔数', en: 'Orders' },
  sales: { zh: '成交金额(元)', en: 'Sales (yuan)' },
  favs: { zh: '收藏数', en: 'Favourites' },
  carts: { zh: '加购数', en: 'Add-to-carts' },
  hour: { zh: '小时', en: 'Hour' },
};
const METRICS = ['impressions', 'clicks', 'spend', 'orders', 'sales', 'favs', 'carts'] as const;

/** The generic format's headers: the canonical names (docs/import-formats.md). */
const GENERIC: Record<AdField, readonly string[]> = {
  day: ['日期', '时间', '统计日期'],
  plan: ['计划名称', '推广计划', '计划名', '推广计划名称'],
  unit: ['推广单元', '单元名称', '推广单元名称'],
  keyword: ['关键词', '关键字'],
  creative: ['创意', '创意名称', '创意标题'],
  impressions: ['展现量', '展现数', '曝光量'],
  clicks: ['点击量', '点击数'],
  spend: ['花费(元)', '花费', '消耗(元)', '消耗'],
  orders: ['成交笔数', '成交订单数'],
  sales: ['成交金额(元)', '成交金额'],
  favs: ['收藏数'],
  carts: ['加购数'],
  // 分时报表: the hour of the day 0–23 (docs/import-formats.md; an hourly file feeds budget pacing).
  hour: ['小时', '时段', '分时', '小时段'],
};

/** Each preset's headers, as the tool's daily report export names them (tried before the generic names). */
export const AD_PRESETS: Record<AdFormat, { tool: AdTool | null; zh: string; headers: Partial<Record<AdField, readonly string[]>> }> = {
  ztc: {
    tool: 'ztc',
    zh: '直通车（计划/单元/关键词/创意报表）',
    headers: {
      day: ['日期'],
      plan: ['推广计划名称', '计划名字'],
      unit: ['推广单元名称', '宝贝名称'],
      keyword: ['关键词'],
      creative: ['创意标题'],
      impressions: ['展现量'],
      clicks: ['点击量'],
      spend: ['花费(元)', '花费'],
      orders: ['总成交笔数'],
      sales: ['总成交金额(元)', '总成交金额'],
      favs: ['总收藏数'],
      carts: ['总购物车数'],
    },
  },
  ylmf: {
    tool: 'ylmf',
    zh: '引力魔方/万相台（计划/单元/创意报表）',
    headers: {
      day: ['日期'],
      plan: ['计划名称'],
      unit: ['单元名称'],
      keyword: ['定向人群', '人群名称'],
      creative: ['创意名称'],
      impressions: ['展现量'],
      clicks: ['点击量'],
      spend: ['消耗(元)', '消耗'],
      orders: ['成交订单量', '总成交笔数'],
      sales: ['成交订单金额(元)', '成交订单金额', '总成交金额'],
      favs: ['收藏宝贝量'],
      carts: ['添加购物车量'],
    },
  },
  kuaiche: {
    tool: 'kuaiche',
    zh: '京东快车（计划/单元/关键词/创意报表）',
    headers: {
      day: ['日期'],
      plan: ['计划名称'],
      unit: ['单元名称'],
      keyword: ['关键词'],
      creative: ['创意名称'],
      impressions: ['展现数'],
      clicks: ['点击数'],
      spend: ['总花费', '花费'],
      orders: ['总订单行', '总订单数'],
      sales: ['总订单金额'],
      favs: ['总收藏数', '商品关注数'],
      carts: ['总加购数'],
    },
  },
  pdd: {
    tool: 'pdd',
    zh: '多多搜索/场景（推广计划/单元/关键词报表）',
    headers: {
      day: ['日期'],
      plan: ['推广计划'],
      unit: ['推广单元', '商品名称'],
      keyword: ['关键词'],
      creative: ['创意'],
      impressions: ['曝光量'],
      clicks: ['点击量'],
      spend: ['花费(元)', '花费'],
      orders: ['成交笔数'],
      sales: ['交易额(元)', '交易额'],
      favs: ['商品收藏数'],
      carts: ['加购数'],
    },
  },
  qianchuan: {
    tool: 'qianchuan',
    zh: '巨量千川（计划/素材报表）',
    headers: {
      day: ['日期', '时间'],
      plan: ['计划名称'],
      unit: ['推广商品', '商品名称'],
      keyword: ['搜索词'],
      creative: ['素材名称', '素材'],
      impressions: ['展示次数', '整体展示次数'],
      clicks: ['点击次数', '整体点击次数'],
      spend: ['消耗(元)', '整体消耗'],
      orders: ['成交订单数', '直接成交订单数'],
      sales: ['成交订单金额(元)', '直接成交金额'],
    },
  },
  generic: { tool: null, zh: '通用格式（任选列）', headers: GENERIC },
};

/** The tool a preset imports into (generic: the one chosen, else 其他推广). */
export function toolOfFormat(format: AdFormat, tool?: AdTool | null): AdTool {
  return AD_PRESETS[format].tool ?? tool ?? 'other';
}

export interface AdHeaderMatch {
  columns: Partial<Record<AdField, number>>;
  headers: Partial<Record<AdField, string>>;
  /** The dimension columns present: '' (plan level), or some of u (unit), k (keyword), c (creative). */
  level: string;
  missing: AdField[];
}

/** Match a header row: the preset's names first, then the generic ones; one column per field. */
export function matchAdHeaders(cells: readonly string[], format: AdFormat, dayGiven = false): AdHeaderMatch {
  const norm = cells.map(normalizeHeader);
  const used = new Set<number>();
  const columns: AdHeaderMatch['columns'] = {};
  const headers: AdHeaderMatch['headers'] = {};
  const preset = AD_PRESETS[format].headers;
  for (const f of AD_FIELDS) {
    const names = [...(preset[f] ?? []), ...GENERIC[f]];
    for (const n of names) {
      const idx = norm.findIndex((h, i) => !used.has(i) && h === normalizeHeader(n));
      if (idx >= 0) {
        columns[f] = idx;
        headers[f] = cells[idx]!.replace(/^\uFEFF/, '').trim();
        used.add(idx);
        break;
      }
    }
  }
  const missing: AdField[] = [];
  if (columns.day === undefined && !dayGiven) missing.push('day');
  if (columns.plan === undefined) missing.push('plan');
  if (!METRICS.some((m) => columns[m] !== undefined)) missing.push('spend');
  const level = `${columns.unit !== undefined ? 'u' : ''}${columns.keyword !== undefined ? 'k' : ''}${columns.creative !== undefined ? 'c' : ''}`;
  return { columns, headers, level, missing };
}

export function adMissingColumnsMessage(missing: readonly AdField[], format: AdFormat): string {
  const names = missing.map((f) => `「${AD_FIELD_LABELS[f].zh}」`).join('、');
  const p = AD_PRESETS[format].headers;
  const alts = missing
    .map((f) => `${AD_FIELD_LABELS[f].zh}（可写：${[...new Set([...(p[f] ?? []), ...GENERIC[f]])].join('/')}）`)
    .join('；');
  return `推广报表缺少必需的列 ${names}：请确认选择了正确的报表格式（${AD_PRESETS[format].zh}），并按“日”导出含这些列的报表。可识别的列名：${alts}。至少要有一个数据列（展现量、点击量、花费、成交笔数、成交金额、收藏数或加购数）。`;
}

export interface AdRow {
  day: string;
  plan: string;
  unit: string;
  keyword: string;
  creative: string;
  impressions: number;
  clicks: number;
  spendFen: Fen;
  orders: number;
  salesFen: Fen;
  favs: number;
  carts: number;
  /** The hour of the day 0–23 of an hourly file (分时报表); absent in a daily file. */
  hour?: number;
}
export interface AdCellError {
  column: string;
  value: string;
  reason: string;
}
export type AdRowResult = { ok: true; row: AdRow | null } | { ok: false; errors: AdCellError[] };

const MAX_TEXT = 200;

/** Parse the rows of a matched file: null row = a total row (合计) to skip. */
export function compileAdRowParser(match: AdHeaderMatch, opts: { day?: string | null } = {}): (cells: readonly string[]) => AdRowResult {
  const col = match.columns;
  const label = (f: AdField) => match.headers[f] ?? AD_FIELD_LABELS[f].zh;
  return (cells) => {
    const errors: AdCellError[] = [];
    const cell = (f: AdField) => (col[f] === undefined ? '' : (cells[col[f]!] ?? ''));
    if ((col.day !== undefined && isTotalCell(cell('day'))) || isTotalCell(cell('plan'))) return { ok: true, row: null };
    let day = opts.day ?? null;
    if (col.day !== undefined) {
      const d = parseDayCell(cell('day'));
      if (!d.ok) errors.push({ column: label('day'), value: cell('day'), reason: d.reason });
      else if (d.value) day = d.value;
      else if (!day) errors.push({ column: label('day'), value: '', reason: '日期为空：请填写这一行的日期（如 2026-11-20）' });
    }
    const text = (f: AdField, required: boolean) => {
      const v = toHalfWidth(cleanCell(cell(f)))
        .replace(/\s+/g, ' ')
        .trim();
      const s = isEmptyCell(v) ? '' : v;
      if (required && !s)
        errors.push({ column: label(f), value: '', reason: `${AD_FIELD_LABELS[f].zh}为空：每行都要写明属于哪个推广计划` });
      if (s.length > MAX_TEXT) errors.push({ column: label(f), value: s.slice(0, 40), reason: `超过 ${MAX_TEXT} 个字，请缩短` });
      return s.slice(0, MAX_TEXT);
    };
    let hour: number | undefined;
    if (col.hour !== undefined) {
      const h = parseHourCell(cell('hour'));
      if (h === null)
        errors.push({
          column: label('hour'),
          value: cell('hour'),
          reason: '小时应为 0–23 的整数（如 14、14时 或 14:00-15:00）：分时报表每行是一天中的一个小时，请检查时段列',
        });
      else hour = h;
    }
    const plan = text('plan', true);
    const unit = col.unit !== undefined ? text('unit', false) : '';
    const keyword = col.keyword !== undefined ? text('keyword', false) : '';
    const creative = col.creative !== undefined ? text('creative', false) : '';
    const count = (f: AdField) => {
      if (col[f] === undefined) return 0;
      const r = parseCountCell(cell(f));
      if (!r.ok) {
        errors.push({ column: label(f), value: cell(f), reason: `${r.reason}（${AD_FIELD_LABELS[f].zh}）` });
        return 0;
      }
      return r.value ?? 0;
    };
    const money = (f: AdField) => {
      if (col[f] === undefined) return 0;
      const r = parseMoneyCell(cell(f));
      if (!r.ok) {
        errors.push({ column: label(f), value: cell(f), reason: `${r.reason}（单位：元）` });
        return 0;
      }
      if ((r.value ?? 0) < 0) {
        errors.push({ column: label(f), value: cell(f), reason: '金额不能为负数：请检查是否导出了退款或调整行' });
        return 0;
      }
      return r.value ?? 0;
    };
    const row: AdRow = {
      day: day ?? '',
      plan,
      unit,
      keyword,
      creative,
      impressions: count('impressions'),
      clicks: count('clicks'),
      spendFen: money('spend'),
      orders: count('orders'),
      salesFen: money('sales'),
      favs: count('favs'),
      carts: count('carts'),
      ...(hour === undefined ? {} : { hour }),
    };
    if (col.impressions !== undefined && col.clicks !== undefined && row.clicks > row.impressions && !errors.length)
      errors.push({
        column: label('clicks'),
        value: String(row.clicks),
        reason: `点击量 ${row.clicks} 大于展现量 ${row.impressions}：请检查这两列是否对应正确`,
      });
    if (errors.length) return { ok: false, errors };
    return { ok: true, row };
  };
}

/**
 * The hour of an hourly report's row: 14, 14时, 14点, 14:00, 14:00-15:00, 14-15 (the hour it starts);
 * null when it is not an hour 0–23.
 */
export function parseHourCell(raw: string): number | null {
  const s = toHalfWidth(cleanCell(raw)).replace(/\s+/g, '');
  const m = /^(\d{1,2})(?:(?:时|点|:00|:00:00)?(?:[-~至到—](?:\d{1,2})(?::00|:00:00|时|点)?)?)$/.exec(s);
  if (!m) return null;
  const h = Number(m[1]);
  return h >= 0 && h <= 23 ? h : null;
}

/** Does this row look like a report header (names the plan column and one metric)? */
export function looksLikeAdHeader(cells: readonly string[], format: AdFormat, dayGiven = false): boolean {
  return !isBlankRow(cells) && matchAdHeaders(cells, format, dayGiven).missing.length === 0;
}

// ---------------------------------------------------------------------------------------------
// 淘宝客 commission orders

export const TAOKE_FIELDS = ['orderNo', 'product', 'itemId', 'rate', 'commission', 'paid', 'day'] as const;
export type TaokeField = (typeof TAOKE_FIELDS)[number];
export const TAOKE_HEADERS: Record<TaokeField, { zh: string; names: readonly string[]; required: boolean }> = {
  orderNo: { zh: '订单编号', names: ['订单编号', '淘宝订单编号', '订单号', '淘宝父订单编号'], required: true },
  product: { zh: '商品信息', names: ['商品信息', '商品名称', '商品标题'], required: false },
  itemId: { zh: '商品ID', names: ['商品ID', '商品id', '宝贝ID'], required: false },
  rate: { zh: '佣金比率', names: ['佣金比率', '佣金比例', '收入比率'], required: false },
  commission: { zh: '佣金金额(元)', names: ['佣金金额(元)', '佣金金额', '预估佣金', '付款预估收入', '结算预估收入'], required: true },
  paid: { zh: '付款金额(元)', names: ['付款金额(元)', '付款金额', '实际付款金额', '成交金额'], required: true },
  day: { zh: '付款日期', names: ['付款日期', '付款时间', '创建时间', '日期'], required: true },
};

export interface TaokeRow {
  orderNo: string;
  product: string;
  itemId: string;
  ratePpm: number | null;
  commissionFen: Fen;
  paidFen: Fen;
  day: string;
}

export function matchTaokeHeaders(cells: readonly string[]) {
  const norm = cells.map(normalizeHeader);
  const columns: Partial<Record<TaokeField, number>> = {};
  const used = new Set<number>();
  for (const f of TAOKE_FIELDS) {
    for (const n of TAOKE_HEADERS[f].names) {
      const idx = norm.findIndex((h, i) => !used.has(i) && h === normalizeHeader(n));
      if (idx >= 0) {
        columns[f] = idx;
        used.add(idx);
        break;
      }
    }
  }
  const missing = TAOKE_FIELDS.filter((f) => TAOKE_HEADERS[f].required && columns[f] === undefined);
  return { columns, missing };
}

export function parseTaokeRow(
  cells: readonly string[],
  columns: Partial<Record<TaokeField, number>>,
): { ok: true; row: TaokeRow } | { ok: false; errors: AdCellError[] } {
  const errors: AdCellError[] = [];
  const cell = (f: TaokeField) => (columns[f] === undefined ? '' : (cells[columns[f]!] ?? ''));
  const lbl = (f: TaokeField) => TAOKE_HEADERS[f].zh;
  const id = parseLongId(cell('orderNo'));
  const orderNo = id.ok ? id.value : '';
  if (!id.ok) errors.push({ column: lbl('orderNo'), value: cell('orderNo'), reason: id.reason });
  else if (!orderNo) errors.push({ column: lbl('orderNo'), value: '', reason: '订单编号为空：请从淘宝联盟重新导出含订单编号的明细' });
  const money = (f: TaokeField): Fen => {
    const r = parseMoneyCell(cell(f));
    if (!r.ok) errors.push({ column: lbl(f), value: cell(f), reason: `${r.reason}（单位：元）` });
    else if ((r.value ?? 0) < 0) errors.push({ column: lbl(f), value: cell(f), reason: '金额不能为负数' });
    return r.ok ? Math.max(0, r.value ?? 0) : 0;
  };
  const commissionFen = money('commission');
  const paidFen = money('paid');
  let ratePpm: number | null = null;
  if (columns.rate !== undefined) {
    const r = parseRateCell(cell('rate'));
    if (!r.ok) errors.push({ column: lbl('rate'), value: cell('rate'), reason: `${r.reason}：应为 5.00% 或 0.05` });
    else ratePpm = r.value;
  }
  const rawDay =
    toHalfWidth(cleanCell(cell('day')))
      .trim()
      .split(/[ T]/)[0] ?? '';
  const d = parseDayCell(rawDay);
  if (!d.ok || !d.value) errors.push({ column: lbl('day'), value: cell('day'), reason: d.ok ? '付款日期为空' : d.reason });
  if (errors.length) return { ok: false, errors };
  const text = (f: TaokeField) =>
    toHalfWidth(cleanCell(cell(f)))
      .trim()
      .slice(0, MAX_TEXT);
  return {
    ok: true,
    row: {
      orderNo,
      product: text('product'),
      itemId: text('itemId'),
      ratePpm,
      commissionFen,
      paidFen,
      day: (d as { value: string }).value,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Figures

export interface AdTotals {
  impressions: number;
  clicks: number;
  spendFen: Fen;
  orders: number;
  salesFen: Fen;
  favs: number;
  carts: number;
}
export const emptyAdTotals = (): AdTotals => ({ impressions: 0, clicks: 0, spendFen: 0, orders: 0, salesFen: 0, favs: 0, carts: 0 });
export function addAdTotals(a: AdTotals, b: AdTotals): AdTotals {
  a.impressions += b.impressions;
  a.clicks += b.clicks;
  a.spendFen += b.spendFen;
  a.orders += b.orders;
  a.salesFen += b.salesFen;
  a.favs += b.favs;
  a.carts += b.carts;
  return a;
}

export interface AdRates {
  /** clicks / impressions */
  ctr: number | null;
  /** spend / clicks, whole fen */
  cpcFen: number | null;
  /** spend / impressions × 1000, whole fen */
  cpmFen: number | null;
  /** orders / clicks */
  cvr: number | null;
  /** sales / spend (投入产出比) */
  roi: number | null;
  /** spend / sales */
  acos: number | null;
  /** spend / orders, whole fen */
  costPerOrderFen: number | null;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const fenRatio = (a: number, b: number): number | null => (b > 0 ? Math.round(a / b) : null);

/** The glossary's figures of some totals (null where the denominator is zero). */
export function adRates(t: AdTotals): AdRates {
  return {
    ctr: ratio(t.clicks, t.impressions),
    cpcFen: fenRatio(t.spendFen, t.clicks),
    cpmFen: fenRatio(t.spendFen * 1000, t.impressions),
    cvr: ratio(t.orders, t.clicks),
    roi: ratio(t.salesFen, t.spendFen),
    acos: ratio(t.spendFen, t.salesFen),
    costPerOrderFen: fenRatio(t.spendFen, t.orders),
  };
}

/**
 * Gross margin rate of promoted products from list prices and costs: Σ(price − cost) / Σ price
 * over their SKUs (null without a priced SKU).
 */
export function marginRateOf(skus: readonly { priceFen: number; costFen: number }[]): number | null {
  let price = 0;
  let margin = 0;
  for (const s of skus) {
    if (s.priceFen <= 0) continue;
    price += s.priceFen;
    margin += s.priceFen - s.costFen;
  }
  return price > 0 ? margin / price : null;
}

/** Break-even ROI = 1 / gross margin rate (null when the margin is unknown or not positive). */
export function breakEvenRoi(marginRate: number | null): number | null {
  return marginRate !== null && marginRate > 0 ? 1 / marginRate : null;
}

/** Profit after ads: the gross margin the attributed sales earn, less the spend (whole fen). */
export function profitAfterAdsFen(t: Pick<AdTotals, 'salesFen' | 'spendFen'>, marginRate: number | null): number | null {
  return marginRate === null ? null : Math.round(t.salesFen * marginRate) - t.spendFen;
}

// ---------------------------------------------------------------------------------------------
// Ad spend in the shop's figures (reports, 交易分析, 流量分析)

/**
 * A period's ad totals of some shops as the shop's figures see them: the ad tools' reports
 * (plan-days by the coarsest level stored) plus the 淘宝客 commission orders. `hasData` is false
 * when the period has neither a report row nor a commission order: the lines then read 无推广数据,
 * never 0.
 */
export interface ShopAdTotals {
  hasData: boolean;
  /** The ad tools' spend (花费). */
  spendFen: Fen;
  /** The ad tools' attributed sales (成交金额). */
  salesFen: Fen;
  clicks: number;
  taokeCommissionFen: Fen;
  taokePaidFen: Fen;
}

export const emptyShopAdTotals = (): ShopAdTotals => ({
  hasData: false,
  spendFen: 0,
  salesFen: 0,
  clicks: 0,
  taokeCommissionFen: 0,
  taokePaidFen: 0,
});

/**
 * The ad lines of the whole-shop summary and of 交易分析:
 * - 推广花费 = the ad tools' spend + 淘宝客 commission (the period's cost of paid promotion);
 * - 推广成交金额 = the ad tools' attributed sales + 淘宝客 orders' paid amount;
 * - ROI = 推广成交金额 ÷ 推广花费 (null without spend);
 * - 推广占比 = 推广成交金额 ÷ the shop's paid amount (null without payments; the platforms'
 *   attribution windows may credit a sale to an ad on another day, so it can pass 100 %);
 * - 扣除推广后毛利 = gross profit − 推广花费.
 */
export interface ShopAdLines {
  spendFen: Fen;
  salesFen: Fen;
  roi: number | null;
  adSalesShare: number | null;
  profitAfterAdsFen: Fen;
  /** Of which: 淘宝客 commission (in spendFen) and 淘宝客 paid amount (in salesFen). */
  taokeCommissionFen: Fen;
  taokePaidFen: Fen;
}

export const SHOP_AD_LINE_KEYS = ['spendFen', 'salesFen', 'roi', 'adSalesShare', 'profitAfterAdsFen'] as const;
export type ShopAdLineKey = (typeof SHOP_AD_LINE_KEYS)[number];
export const SHOP_AD_LINE_LABELS: Record<
  ShopAdLineKey,
  { zh: string; en: string; defZh: string; defEn: string; format: 'money' | 'percent' | 'decimal' }
> = {
  spendFen: {
    zh: '推广花费',
    en: 'Ad spend',
    defZh: '推广工具报表的花费 + 淘宝客佣金',
    defEn: "The ad tools' spend + affiliate (淘宝客) commission",
    format: 'money',
  },
  salesFen: {
    zh: '推广成交金额',
    en: 'Ad sales',
    defZh: '推广工具报表的成交金额 + 淘宝客订单付款金额（按平台的归因口径）',
    defEn: "The ad tools' attributed sales + affiliate orders' paid amount (the platforms' attribution)",
    format: 'money',
  },
  roi: { zh: 'ROI', en: 'ROI', defZh: '推广成交金额 ÷ 推广花费', defEn: 'Ad sales ÷ ad spend', format: 'decimal' },
  adSalesShare: {
    zh: '推广占比',
    en: 'Ad sales share',
    defZh: '推广成交金额 ÷ 全店支付金额',
    defEn: "Ad sales ÷ the shop's paid amount",
    format: 'percent',
  },
  profitAfterAdsFen: {
    zh: '扣除推广后毛利',
    en: 'Gross profit after ads',
    defZh: '毛利 − 推广花费',
    defEn: 'Gross profit − ad spend',
    format: 'money',
  },
};

/** The ad lines of a period (null = 无推广数据). */
export function shopAdLines(ad: ShopAdTotals, shop: { paidFen: Fen; grossProfitFen: Fen }): ShopAdLines | null {
  if (!ad.hasData) return null;
  const spendFen = ad.spendFen + ad.taokeCommissionFen;
  const salesFen = ad.salesFen + ad.taokePaidFen;
  return {
    spendFen,
    salesFen,
    roi: ratio(salesFen, spendFen),
    adSalesShare: ratio(salesFen, shop.paidFen),
    profitAfterAdsFen: shop.grossProfitFen - spendFen,
    taokeCommissionFen: ad.taokeCommissionFen,
    taokePaidFen: ad.taokePaidFen,
  };
}

/**
 * Paid traffic of 流量分析: visitors of the paid first-level groups (each channel's tree; the
 * sources a user files under 付费流量 count) over all visitors, and 访客成本 = the ad tools' spend ÷
 * paid visitors (null without ad data or paid visitors).
 */
export interface PaidTraffic {
  uv: number;
  share: number | null;
  /** true when uv is a sum of sources' visitors on some day (imported statistics). */
  uvIsSum: boolean;
  /** null = 无推广数据. */
  spendFen: Fen | null;
  visitorCostFen: Fen | null;
}

// ---------------------------------------------------------------------------------------------
// Two-proportion test (A/B creatives)

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 via erf; absolute error < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

export interface ProportionTest {
  p1: number | null;
  p2: number | null;
  /** z statistic with the pooled proportion (null when undefined: no trials or pooled 0/1). */
  z: number | null;
  /** Two-sided p-value. */
  pValue: number | null;
  /** Trials per group needed to detect the observed difference at α = 0.05 with 80 % power. */
  requiredPerGroup: number | null;
  /** Both groups have at least the required trials. */
  sufficient: boolean;
  significant: boolean;
}

const Z_ALPHA = 1.959964; // two-sided α = 0.05
const Z_BETA = 0.841621; // power 0.8

/**
 * Two-proportion z-test of x1/n1 against x2/n2: pooled p̂ = (x1+x2)/(n1+n2),
 * z = (p1 − p2) / √(p̂(1−p̂)(1/n1 + 1/n2)), p = 2(1 − Φ(|z|)). The sample size per group for the
 * observed p1, p2: n = (z_α/2·√(2p̄q̄) + z_β·√(p1q1 + p2q2))² / (p1 − p2)², p̄ = (p1 + p2)/2.
 */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): ProportionTest {
  const p1 = n1 > 0 ? x1 / n1 : null;
  const p2 = n2 > 0 ? x2 / n2 : null;
  if (p1 === null || p2 === null) return { p1, p2, z: null, pValue: null, requiredPerGroup: null, sufficient: false, significant: false };
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = se > 0 ? (p1 - p2) / se : null;
  const pValue = z === null ? null : Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  let requiredPerGroup: number | null = null;
  if (p1 !== p2) {
    const pb = (p1 + p2) / 2;
    const num = Z_ALPHA * Math.sqrt(2 * pb * (1 - pb)) + Z_BETA * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
    requiredPerGroup = Math.ceil((num * num) / ((p1 - p2) * (p1 - p2)));
  }
  const sufficient = requiredPerGroup !== null && n1 >= requiredPerGroup && n2 >= requiredPerGroup;
  return { p1, p2, z, pValue, requiredPerGroup, sufficient, significant: pValue !== null && pValue < 0.05 };
}

// ---------------------------------------------------------------------------------------------
// Advice

export const AD_ADVICE_KINDS = [
  'raise_budget',
  'cut_plan',
  'pause_plan',
  'keyword_check_page',
  'keyword_raise_bid',
  'keyword_drop',
  'budget_underspent',
  'pace_ahead',
  'pace_behind',
] as const;
export type AdAdviceKind = (typeof AD_ADVICE_KINDS)[number];
export const AD_ADVICE_LABELS: Record<AdAdviceKind, { zh: string; en: string }> = {
  raise_budget: { zh: '提高日预算', en: 'Raise the daily budget' },
  cut_plan: { zh: '降低出价', en: 'Lower the bid' },
  pause_plan: { zh: '暂停计划', en: 'Pause the plan' },
  keyword_check_page: { zh: '检查详情页或价格', en: 'Check the detail page or price' },
  keyword_raise_bid: { zh: '提高出价或优化创意', en: 'Raise the bid or improve the creative' },
  keyword_drop: { zh: '删除关键词', en: 'Drop the keyword' },
  budget_underspent: { zh: '预算花不完', en: 'Budget not spent' },
  pace_ahead: { zh: '今日花得太快', en: 'Spending too fast today' },
  pace_behind: { zh: '今日花得太慢', en: 'Spending too slowly today' },
};

/** The rules' thresholds (docs/decisions.md, 推广建议). */
export const AD_ADVICE_RULES = {
  /** Days looked back from the advice day. */
  windowDays: 7,
  /** A day is budget-capped when its spend reaches this share of the daily budget. */
  cappedShare: 0.95,
  /** Capped days in the window for 提高日预算. */
  cappedDays: 3,
  /** Consecutive latest days below break-even for 降低出价. */
  belowDays: 3,
  /** ROI below this share of break-even over those days: 暂停 instead. */
  pauseShare: 0.5,
  /** Suggested budget raise. */
  raiseBy: 0.2,
  /** A keyword is judged with at least this many impressions and clicks in the window. */
  minImpressions: 500,
  minClicks: 20,
  /** High ≥ 1.2 × the plan's keyword average, low ≤ 0.8 ×. */
  high: 1.2,
  low: 0.8,
  /** Average spend below this share of the budget over ≥ 5 days with data: 预算花不完. */
  underspentShare: 0.5,
  underspentDays: 5,
} as const;

export interface AdvicePlanInput {
  planId: string;
  name: string;
  dailyBudgetFen: number | null;
  breakEvenRoi: number | null;
  status: 'active' | 'paused';
  /** Per-day totals of the window (days without data absent). */
  days: (AdTotals & { day: string })[];
  keywords: (AdTotals & { unit: string; keyword: string })[];
}

export interface AdAdvice {
  planId: string;
  kind: AdAdviceKind;
  /** '' for a plan's advice, else `unit / keyword`. */
  target: string;
  /** Chinese, one sentence with the numbers. */
  message: string;
  evidence: Record<string, unknown>;
}

const r2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)}%`);
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** The day's advice for the active plans, each with its evidence (the window ends on `day`). */
export function adviseAds(day: string, plans: readonly AdvicePlanInput[]): AdAdvice[] {
  const R = AD_ADVICE_RULES;
  const out: AdAdvice[] = [];
  for (const p of plans) {
    if (p.status !== 'active') continue;
    const days = [...p.days].filter((d) => d.day <= day).sort((a, b) => (a.day < b.day ? -1 : 1));
    const total = days.reduce((a, d) => addAdTotals(a, d), emptyAdTotals());
    const roi = adRates(total).roi;
    const be = p.breakEvenRoi;
    // 提高日预算: capped on enough days while earning above break-even.
    if (p.dailyBudgetFen && p.dailyBudgetFen > 0 && be !== null && roi !== null && roi > be) {
      const capped = days.filter((d) => d.spendFen >= p.dailyBudgetFen! * R.cappedShare);
      if (capped.length >= R.cappedDays) {
        const suggested = Math.round((p.dailyBudgetFen * (1 + R.raiseBy)) / 100) * 100;
        out.push({
          planId: p.planId,
          kind: 'raise_budget',
          target: '',
          message: `「${p.name}」近 ${R.windowDays} 天有 ${capped.length} 天花满日预算 ${yuan(p.dailyBudgetFen)}，ROI ${r2(roi)} 高于保本 ROI ${r2(be)}：建议日预算提高到 ${yuan(suggested)}`,
          evidence: {
            dailyBudgetFen: p.dailyBudgetFen,
            suggestedBudgetFen: suggested,
            cappedDays: capped.map((d) => ({ day: d.day, spendFen: d.spendFen })),
            roi: r2(roi),
            breakEvenRoi: r2(be),
            spendFen: total.spendFen,
            salesFen: total.salesFen,
          },
        });
      }
    }
    // 降低出价 / 暂停: the latest days, consecutive, all below break-even.
    if (be !== null && days.length >= R.belowDays) {
      const last = days.slice(-R.belowDays);
      const consecutive = last.every((d, i) => i === 0 || daysBetween(last[i - 1]!.day, d.day) === 1) && last[last.length - 1]!.day === day;
      const rois = last.map((d) => adRates(d).roi);
      if (consecutive && last.every((d, i) => d.spendFen > 0 && (rois[i] ?? 0) < be)) {
        const lt = last.reduce((a, d) => addAdTotals(a, d), emptyAdTotals());
        const lroi = adRates(lt).roi ?? 0;
        const pause = lroi < be * R.pauseShare;
        out.push({
          planId: p.planId,
          kind: pause ? 'pause_plan' : 'cut_plan',
          target: '',
          message: pause
            ? `「${p.name}」连续 ${R.belowDays} 天 ROI 低于保本 ROI ${r2(be)}（合计 ${r2(lroi)}，不到一半）：建议暂停计划，检查商品和人群后再开`
            : `「${p.name}」连续 ${R.belowDays} 天 ROI 低于保本 ROI ${r2(be)}（合计 ${r2(lroi)}）：建议降低出价约 20% 或删减低效关键词`,
          evidence: {
            breakEvenRoi: r2(be),
            roi: r2(lroi),
            days: last.map((d, i) => ({ day: d.day, spendFen: d.spendFen, salesFen: d.salesFen, roi: r2(rois[i] ?? null) })),
          },
        });
      }
    }
    // 预算花不完: the budget is not what limits the plan.
    if (p.dailyBudgetFen && p.dailyBudgetFen > 0 && days.length >= R.underspentDays) {
      const avg = total.spendFen / days.length;
      if (avg < p.dailyBudgetFen * R.underspentShare) {
        out.push({
          planId: p.planId,
          kind: 'budget_underspent',
          target: '',
          message: `「${p.name}」近 ${days.length} 天日均花费 ${yuan(Math.round(avg))}，不到日预算 ${yuan(p.dailyBudgetFen)} 的一半：预算不是瓶颈，可适当提高出价或增加关键词/人群`,
          evidence: { dailyBudgetFen: p.dailyBudgetFen, avgSpendFen: Math.round(avg), days: days.length },
        });
      }
    }
    // Keyword quadrants against the plan's keyword average.
    const kwTotal = p.keywords.reduce((a, k) => addAdTotals(a, k), emptyAdTotals());
    const avg = adRates(kwTotal);
    if (avg.ctr === null || avg.cvr === null || avg.ctr === 0) continue;
    for (const k of p.keywords) {
      if (k.impressions < R.minImpressions || k.clicks < R.minClicks) continue;
      const r = adRates(k);
      const ctrHigh = r.ctr! >= avg.ctr * R.high;
      const ctrLow = r.ctr! <= avg.ctr * R.low;
      const cvrHigh = avg.cvr > 0 ? r.cvr! >= avg.cvr * R.high : false;
      const cvrLow = r.cvr! <= avg.cvr * R.low;
      let kind: AdAdviceKind | null = null;
      let message = '';
      const what = `关键词「${k.keyword}」点击率 ${pct(r.ctr)}（计划平均 ${pct(avg.ctr)}），转化率 ${pct(r.cvr)}（计划平均 ${pct(avg.cvr)}）`;
      if (ctrHigh && cvrLow) {
        kind = 'keyword_check_page';
        message = `${what}：点得多、买得少，检查落地商品的详情页、价格和评价`;
      } else if (ctrLow && cvrHigh) {
        kind = 'keyword_raise_bid';
        message = `${what}：买的人多、点的人少，提高出价争取靠前位置或换更吸引人的创意`;
      } else if (ctrLow && cvrLow) {
        kind = 'keyword_drop';
        message = `${what}：点击和转化都低，建议删除这个词`;
      }
      if (!kind) continue;
      out.push({
        planId: p.planId,
        kind,
        target: k.unit ? `${k.unit} / ${k.keyword}` : k.keyword,
        message,
        evidence: {
          keyword: k.keyword,
          unit: k.unit,
          impressions: k.impressions,
          clicks: k.clicks,
          orders: k.orders,
          spendFen: k.spendFen,
          ctr: r.ctr,
          cvr: r.cvr,
          planCtr: avg.ctr,
          planCvr: avg.cvr,
        },
      });
    }
  }
  return out;
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

// ---------------------------------------------------------------------------------------------
// Request shapes

const DayField = (what: string) => z.string().refine(isBusinessDay, `${what}应为 YYYY-MM-DD`);
const ShopField = z.string({ message: '请选择店铺' }).min(1, '请选择店铺');

export const AdPeriodQuery = z.object({ shopId: ShopField, from: DayField('开始日期'), to: DayField('结束日期') });
export type AdPeriodInput = z.output<typeof AdPeriodQuery>;

export const AdPlanListQuery = PageQuery.extend({
  shopId: ShopField,
  from: DayField('开始日期'),
  to: DayField('结束日期'),
  tool: z.enum(AD_TOOLS, { message: '未知的推广工具' }).optional(),
  status: z.enum(['active', 'paused'], { message: '状态应为 active 或 paused' }).optional(),
  q: z.string().max(80).optional(),
  /** 'below' = ROI below break-even in the period. */
  health: z.enum(['below', 'above', 'unknown']).optional(),
  sortBy: z.enum(['spend', 'roi', 'name']).default('spend'),
});
export type AdPlanListInput = z.output<typeof AdPlanListQuery>;

const budget = fenSchema('日预算', { min: 0 }).nullable();
const bid = fenSchema('出价', { min: 0 }).nullable();

export const CreateAdPlanBody = z.object({
  shopId: ShopField,
  tool: z.enum(AD_TOOLS, { message: `推广工具应为 ${AD_TOOLS.join(' / ')} 之一` }),
  name: z.string({ message: '请填写计划名称' }).trim().min(1, '请填写计划名称').max(MAX_TEXT, `计划名称最多 ${MAX_TEXT} 字`),
  dailyBudgetFen: budget.default(null),
  bidFen: bid.default(null),
  productIds: z.array(z.string().min(1)).max(200, '一个计划最多关联 200 个商品').default([]),
});
export type CreateAdPlanInput = z.output<typeof CreateAdPlanBody>;

export const UpdateAdPlanBody = z.object({
  dailyBudgetFen: budget.optional(),
  bidFen: bid.optional(),
  status: z.enum(['active', 'paused'], { message: '状态应为 active 或 paused' }).optional(),
  productIds: z.array(z.string().min(1)).max(200, '一个计划最多关联 200 个商品').optional(),
});
export type UpdateAdPlanInput = z.output<typeof UpdateAdPlanBody>;

export const AdPlanBatchBody = z.object({
  ids: z.array(z.string().min(1)).min(1, '请至少选择一个计划').max(200, '一次最多 200 个计划'),
  status: z.enum(['active', 'paused'], { message: '状态应为 active 或 paused' }),
});

export const AdIdParams = z.object({ id: z.string().min(1) });

export const AdAdviceQuery = PageQuery.extend({
  shopId: ShopField,
  day: DayField('建议日期').optional(),
  status: z.enum(['open', 'accepted', 'dismissed']).optional(),
});
export type AdAdviceInput = z.output<typeof AdAdviceQuery>;

export const AdAdviceDecisionBody = z.object({
  decision: z.enum(['accepted', 'dismissed'], { message: '请选择采纳或忽略' }),
  note: z.string().max(200, '备注最多 200 字').default(''),
});

export const AdAbQuery = z.object({
  shopId: ShopField,
  planId: z.string({ message: '请选择计划' }).min(1, '请选择计划'),
  a: z.string({ message: '请选择创意 A' }).min(1, '请选择创意 A'),
  b: z.string({ message: '请选择创意 B' }).min(1, '请选择创意 B'),
  from: DayField('开始日期'),
  to: DayField('结束日期'),
});
export type AdAbInput = z.output<typeof AdAbQuery>;

/** The console's request types (what it sends; the server parses with the schemas above). */
export type AdPeriodRequest = z.input<typeof AdPeriodQuery>;
export type AdPlanListRequest = z.input<typeof AdPlanListQuery>;
export type CreateAdPlanRequest = z.input<typeof CreateAdPlanBody>;
export type UpdateAdPlanRequest = z.input<typeof UpdateAdPlanBody>;
export type AdAdviceRequest = z.input<typeof AdAdviceQuery>;
export type AdAbRequest = z.input<typeof AdAbQuery>;

/** One plan-day entered by hand (a plan-level row: replaces the plan's own row of that day). */
export const AdDayBody = z.object({
  day: DayField('日期'),
  impressions: z.number({ message: '展现量应为整数' }).int('展现量应为整数').min(0, '展现量不能为负数').max(1e12, '展现量过大'),
  clicks: z.number({ message: '点击量应为整数' }).int('点击量应为整数').min(0, '点击量不能为负数').max(1e12, '点击量过大'),
  spendFen: fenSchema('花费'),
  orders: z.number({ message: '成交笔数应为整数' }).int('成交笔数应为整数').min(0, '成交笔数不能为负数').max(1e9, '成交笔数过大'),
  salesFen: fenSchema('成交金额'),
});
export type AdDayInput = z.output<typeof AdDayBody>;
export type AdDayRequest = z.input<typeof AdDayBody>;

// ---------------------------------------------------------------------------------------------
// Intraday budget pacing (预算节奏): spend so far today against the day's curve

/**
 * The default curve of a day's ad spend by hour (permille of the day, hours 0–23, sum 1000), used
 * when the shop has too little paid traffic by hour to draw its own: quiet at night, a morning
 * rise to 10:00, a flat afternoon and the evening peak 20:00–22:00, the usual shape of the
 * marketplaces' 分时 reports. Shown labelled 「默认曲线」 wherever it is used.
 */
export const DEFAULT_SPEND_CURVE_PERMILLE: readonly number[] = [
  20, 10, 5, 5, 5, 10, 20, 30, 45, 55, 60, 55, 50, 50, 55, 55, 50, 45, 45, 55, 70, 80, 75, 50,
];

export const AD_PACING_RULES = {
  /** Paid visitors by hour needed (over the look-back) before the shop's own curve is used. */
  minCurveVisitors: 100,
  /** Days of paid traffic the shop's curve is drawn from (the days before the pacing day). */
  curveDays: 14,
  /** Judged only once this share of the day's curve has passed (too early to tell before). */
  minExpectedShare: 0.1,
  /** Ahead: spent share ≥ 1.2 × the expected share and the projection reaches the budget. */
  aheadRatio: 1.2,
  /** Behind: spent share ≤ 0.5 × the expected share. */
  behindRatio: 0.5,
} as const;

export type SpendCurveSource = 'hourly' | 'traffic' | 'default';
export interface SpendCurve {
  source: SpendCurveSource;
  /** Share of the day's spend in each hour 0–23 (sums to 1). */
  shares: number[];
  /** Paid visitors the curve was drawn from (0 for the default curve). */
  visitors: number;
}

/**
 * The day's curve, first found of: the shop's own ad spend by hour (imported 分时报表 of the days
 * before, any spend), its paid visitors by hour (enough of them), the default curve.
 */
export function spendCurve(paidVisitorsByHour: readonly number[] | null, hourlySpendFen: readonly number[] | null = null): SpendCurve {
  const spend = hourlySpendFen && hourlySpendFen.length === 24 ? hourlySpendFen.reduce((a, x) => a + x, 0) : 0;
  if (hourlySpendFen && spend > 0) return { source: 'hourly', shares: hourlySpendFen.map((x) => x / spend), visitors: 0 };
  const total = paidVisitorsByHour ? paidVisitorsByHour.reduce((a, x) => a + x, 0) : 0;
  if (paidVisitorsByHour && paidVisitorsByHour.length === 24 && total >= AD_PACING_RULES.minCurveVisitors)
    return { source: 'traffic', shares: paidVisitorsByHour.map((x) => x / total), visitors: total };
  return { source: 'default', shares: DEFAULT_SPEND_CURVE_PERMILLE.map((x) => x / 1000), visitors: 0 };
}

/** The share of the day's spend expected by minute `m` of the day (0–1440), linear within an hour. */
export function expectedShareAt(shares: readonly number[], minute: number): number {
  const m = Math.max(0, Math.min(1440, minute));
  const h = Math.floor(m / 60);
  let s = 0;
  for (let i = 0; i < h && i < 24; i++) s += shares[i] ?? 0;
  if (h < 24) s += ((shares[h] ?? 0) * (m - h * 60)) / 60;
  return Math.min(1, s);
}

/** The first minute at which the cumulative curve reaches `share` (null if it never does). */
export function minuteOfShare(shares: readonly number[], share: number): number | null {
  let s = 0;
  for (let h = 0; h < 24; h++) {
    const x = shares[h] ?? 0;
    if (s + x >= share - 1e-12 && x > 0) return Math.round(h * 60 + (60 * Math.max(0, share - s)) / x);
    s += x;
  }
  return null;
}

/** Minute of the day → HH:mm. */
export const minuteClock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** HH:mm → minute of the day, or null when it is not a time of day 00:00–23:59. */
export function parseClock(s: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h <= 23 && min <= 59 ? h * 60 + min : null;
}

export type PaceStatus = 'ahead' | 'behind' | 'on_track' | 'too_early';
export interface PaceInput {
  planId: string;
  name: string;
  dailyBudgetFen: number;
  /** Spend so far today and the minute of the day it was read. */
  spendFen: number;
  minute: number;
  /** The plan's recent ROI and break-even ROI (null when unknown). */
  roi: number | null;
  breakEvenRoi: number | null;
}
export interface Pace {
  planId: string;
  status: PaceStatus;
  spendFen: number;
  dailyBudgetFen: number;
  clock: string;
  spentShare: number;
  expectedShare: number;
  /** Expected spend by now: budget × expected share. */
  expectedFen: number;
  /** Spend so far ÷ expected share: the day's spend if the rest of the day follows the curve. */
  projectedFen: number | null;
  /** When the budget runs out at this pace (HH:mm), null when it lasts the day. */
  capClock: string | null;
  advice: AdAdvice | null;
}

/**
 * Judge one plan's pace: ahead (will hit the budget cap before midnight → raise the budget when
 * ROI ≥ break-even, else lower the bid), behind (budget will not be spent → raise bid / widen
 * keywords), on track, or too early in the day to tell. The rules: docs/import-formats.md (预算节奏).
 */
export function pacePlan(p: PaceInput, curve: SpendCurve): Pace {
  const R = AD_PACING_RULES;
  const expectedShare = expectedShareAt(curve.shares, p.minute);
  const spentShare = p.dailyBudgetFen > 0 ? p.spendFen / p.dailyBudgetFen : 0;
  const expectedFen = Math.round(p.dailyBudgetFen * expectedShare);
  const projectedFen = expectedShare > 0 ? Math.round(p.spendFen / expectedShare) : null;
  let capClock: string | null = null;
  if (p.spendFen >= p.dailyBudgetFen) capClock = minuteClock(p.minute);
  else if (p.spendFen > 0 && expectedShare > 0) {
    const m = minuteOfShare(curve.shares, (expectedShare * p.dailyBudgetFen) / p.spendFen);
    if (m !== null && m < 1440) capClock = minuteClock(Math.max(m, p.minute));
  }
  const clock = minuteClock(p.minute);
  const base = {
    planId: p.planId,
    spendFen: p.spendFen,
    dailyBudgetFen: p.dailyBudgetFen,
    clock,
    spentShare,
    expectedShare,
    expectedFen,
    projectedFen,
    capClock,
  };
  const curveName = curve.source === 'hourly' ? '本店分时花费曲线' : curve.source === 'traffic' ? '本店付费流量的分时曲线' : '默认分时曲线';
  const evidence = {
    clock,
    spendFen: p.spendFen,
    dailyBudgetFen: p.dailyBudgetFen,
    spentShare: r4(spentShare),
    expectedShare: r4(expectedShare),
    expectedFen,
    projectedFen,
    capClock,
    curve: curve.source,
    roi: r2(p.roi),
    breakEvenRoi: r2(p.breakEvenRoi),
  };
  const head = `「${p.name}」到 ${clock} 已花 ${yuan(p.spendFen)}（日预算 ${yuan(p.dailyBudgetFen)} 的 ${pct(spentShare)}），按${curveName}此时应花 ${pct(expectedShare)}（${yuan(expectedFen)}）`;
  if (expectedShare < R.minExpectedShare && p.spendFen < p.dailyBudgetFen) return { ...base, status: 'too_early', advice: null };
  const ahead = capClock !== null && (p.spendFen >= p.dailyBudgetFen || spentShare >= expectedShare * R.aheadRatio);
  if (ahead) {
    const profitable = p.roi !== null && p.breakEvenRoi !== null && p.roi >= p.breakEvenRoi;
    const suggested = projectedFen !== null ? Math.ceil(projectedFen / 100) * 100 : null;
    const tail = `；照此速度全天约花 ${projectedFen === null ? '—' : yuan(projectedFen)}，约 ${capClock} 花满日预算`;
    const message = profitable
      ? `${head}${tail}。ROI ${r2(p.roi)} 不低于保本 ROI ${r2(p.breakEvenRoi)}：建议日预算提高到 ${yuan(suggested ?? p.dailyBudgetFen)}，免得晚高峰前下线`
      : `${head}${tail}。ROI ${p.roi === null || p.breakEvenRoi === null ? '或保本 ROI 未知' : `${r2(p.roi)} 低于保本 ROI ${r2(p.breakEvenRoi)}`}：不要加预算，建议降低出价约 20%，让预算撑到晚上`;
    return {
      ...base,
      status: 'ahead',
      advice: {
        planId: p.planId,
        kind: 'pace_ahead',
        target: '',
        message,
        evidence: { ...evidence, action: profitable ? 'raise_budget' : 'lower_bid', suggestedBudgetFen: profitable ? suggested : null },
      },
    };
  }
  if (spentShare <= expectedShare * R.behindRatio) {
    return {
      ...base,
      status: 'behind',
      advice: {
        planId: p.planId,
        kind: 'pace_behind',
        target: '',
        message: `${head}；照此速度全天约花 ${projectedFen === null ? '—' : yuan(projectedFen)}，日预算花不完：建议提高出价或放宽关键词/人群`,
        evidence: { ...evidence, action: 'raise_bid' },
      },
    };
  }
  return { ...base, status: 'on_track', advice: null };
}

const r4 = (x: number) => Math.round(x * 10000) / 10000;

/** Spend so far entered by hand on the plan detail page (当前花费). */
export const AdSpendNowBody = z.object({
  day: DayField('日期').optional(),
  time: z
    .string({ message: '请填写时间（HH:mm）' })
    .refine((s) => parseClock(s) !== null, '时间应为 HH:mm，小时 0–23、分钟 0–59，例如 14:30'),
  spendFen: fenSchema('当前花费'),
});
export type AdSpendNowInput = z.output<typeof AdSpendNowBody>;
export type AdSpendNowRequest = z.input<typeof AdSpendNowBody>;

export const AdPacingQuery = z.object({ shopId: ShopField, day: DayField('日期').optional(), planId: z.string().min(1).optional() });
export type AdPacingInput = z.output<typeof AdPacingQuery>;

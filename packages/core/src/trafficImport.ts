/**
 * Traffic statistics import: a marketplace's own daily analytics export (生意参谋-style 商品效果 /
 * 流量来源 / 店铺整体 files, and any similar sheet with a user mapping). Pure: field specs with the
 * header aliases of the export versions, header-row detection, cell parsing (counts like "1,234"
 * or "1.2万", rates like "12.3%", money through `parseMoneyCell`/`parseYuan`) and the mapping of
 * the platforms' 流量来源 names onto our source codes. The server streams the file and writes rows.
 *
 * Header matching, cell cleaning, long ids and money reuse the order import (`import.ts`).
 */
import {
  cleanCell,
  isEmptyCell,
  matchHeaders,
  missingColumnsMessage,
  parseLongId,
  parseMoneyCell,
  toHalfWidth,
  type CellError,
  type CellResult,
  type FieldSpec,
  type FileSpec,
} from './import.js';
import type { Fen } from './money.js';

export const TRAFFIC_IMPORT_FIELDS = [
  'day',
  'channelItemId',
  'merchantCode',
  'title',
  'source',
  'sourceGroup',
  'uv',
  'pv',
  'cartUv',
  'favUv',
  'payingBuyers',
  'paidAmount',
  'payRate',
] as const;
export type TrafficImportField = (typeof TRAFFIC_IMPORT_FIELDS)[number];

export type TrafficFieldKind = 'day' | 'id' | 'text' | 'count' | 'money' | 'rate';

export interface TrafficFieldSpec {
  field: TrafficImportField;
  /** Chinese name shown in messages and on the mapping screen. */
  label: string;
  en: string;
  kind: TrafficFieldKind;
  /** Header texts across export versions, best first. */
  aliases: readonly string[];
  required?: boolean;
}

const tf = (
  field: TrafficImportField,
  label: string,
  en: string,
  kind: TrafficFieldKind,
  aliases: readonly string[],
  required = false,
): TrafficFieldSpec => ({ field, label, en, kind, aliases, required });

/**
 * The fields, in matching order: `source` is matched before `sourceGroup` so that a file with both
 * 流量来源 (first level) and 来源明细 (second level) takes the detail as the source.
 */
export const TRAFFIC_FIELDS: readonly TrafficFieldSpec[] = [
  tf('day', '日期', 'Date', 'day', ['日期', '统计日期', '数据日期', '统计时间', '时间', '日期时间', 'date'], true),
  tf('channelItemId', '商品ID', 'Item ID', 'id', ['商品ID', '商品id', '宝贝ID', '商品编号', '宝贝编号', '平台商品ID', 'item_id', 'itemid']),
  tf('merchantCode', '商家编码', 'Merchant code', 'text', ['商家编码', '商品编码', '货号', '商家货号', '款号']),
  tf('title', '商品名称', 'Item title', 'text', ['商品名称', '商品标题', '宝贝名称', '宝贝标题', '商品']),
  tf('source', '流量来源', 'Traffic source', 'text', [
    '来源明细',
    '二级来源',
    '二级流量来源',
    '流量来源',
    '来源名称',
    '访客来源',
    '来源',
    '渠道',
  ]),
  tf('sourceGroup', '来源分类', 'Source group', 'text', ['一级来源', '一级流量来源', '流量来源', '来源分类', '来源类型', '流量类型']),
  tf('uv', '访客数', 'Visitors (UV)', 'count', ['访客数', '商品访客数', '访客人数', '访客数(UV)', 'UV', '店铺访客数'], true),
  tf('pv', '浏览量', 'Page views (PV)', 'count', ['浏览量', '商品浏览量', '浏览次数', '浏览量(PV)', 'PV', '店铺浏览量']),
  tf('cartUv', '加购人数', 'Add-to-cart visitors', 'count', ['加购人数', '商品加购人数', '加购买家数', '加购访客数', '加购人数(人)']),
  tf('favUv', '收藏人数', 'Favourite visitors', 'count', ['收藏人数', '商品收藏人数', '收藏买家数', '商品收藏买家数', '收藏访客数']),
  tf('payingBuyers', '支付买家数', 'Paying buyers', 'count', ['支付买家数', '支付人数', '成交人数', '成交买家数', '支付访客数', '买家数']),
  tf('paidAmount', '支付金额', 'Paid amount', 'money', ['支付金额', '支付金额(元)', '成交金额', '销售额', '支付总金额', 'GMV']),
  tf('payRate', '支付转化率', 'Payment conversion', 'rate', ['支付转化率', '转化率', '成交转化率']),
];

const FIELD_BY_NAME = new Map(TRAFFIC_FIELDS.map((s) => [s.field, s]));
export function trafficFieldSpec(field: TrafficImportField): TrafficFieldSpec {
  return FIELD_BY_NAME.get(field)!;
}

/** The order import's matcher works on any field list; this adapts ours to its `FileSpec` shape. */
const MATCH_SPEC = {
  format: 'generic',
  file: 'orders',
  lineRows: true,
  paidScope: 'order',
  fields: TRAFFIC_FIELDS as unknown as readonly FieldSpec[],
} as FileSpec;

export interface TrafficHeaderMatch {
  /** Field → column index. */
  columns: Partial<Record<TrafficImportField, number>>;
  /** Field → the header text it was matched to. */
  headers: Partial<Record<TrafficImportField, string>>;
  /** Required fields without a column. */
  missing: TrafficFieldSpec[];
  /** Level of the file: with a product column the rows are per product, with a source column per source. */
  perProduct: boolean;
  perSource: boolean;
}

/**
 * Match a header row. With `columns` (the user's mapping, `{ field: header }`) the user's choice
 * wins; other fields fall back to the aliases. `dayGiven`: the day comes from the request (a file
 * without a date column).
 */
export function matchTrafficHeaders(
  headers: readonly string[],
  columns?: Partial<Record<string, string>> | null,
  opts: { dayGiven?: boolean } = {},
): TrafficHeaderMatch {
  const m = matchHeaders(headers, MATCH_SPEC, columns ?? null);
  const cols = m.columns as Partial<Record<TrafficImportField, number>>;
  const missing = (m.missing as unknown as TrafficFieldSpec[]).filter((s) => !(s.field === 'day' && opts.dayGiven));
  return {
    columns: cols,
    headers: m.headers as Partial<Record<TrafficImportField, string>>,
    missing,
    perProduct: cols.channelItemId !== undefined || cols.merchantCode !== undefined,
    perSource: cols.source !== undefined || cols.sourceGroup !== undefined,
  };
}

/** Whether a row looks like the header (enough to start reading there): a day and a visitors column. */
export function looksLikeTrafficHeader(
  cells: readonly string[],
  columns?: Partial<Record<string, string>> | null,
  dayGiven = false,
): boolean {
  const m = matchTrafficHeaders(cells, columns, { dayGiven });
  return m.missing.length === 0;
}

export function trafficMissingColumnsMessage(missing: readonly TrafficFieldSpec[]): string {
  return missingColumnsMessage(missing as unknown as FieldSpec[], '流量数据文件');
}

// ---------------------------------------------------------------------------------------------
// Cells

/** Total rows (合计/汇总) in a date or product column: skipped, the platform's own sums. */
const TOTAL_CELLS = new Set(['合计', '总计', '汇总', '全部', '总体', '总计:', '合计:', 'total']);
export function isTotalCell(raw: string): boolean {
  return TOTAL_CELLS.has(toHalfWidth(cleanCell(raw)).replace(/\s+/g, '').toLowerCase());
}

/** A source cell that stands for all sources (a per-source file's day total). */
const ALL_SOURCE_CELLS = new Set(['汇总', '合计', '总计', '全部', '全部来源', '所有来源', '全店', '整体', '总体', 'all']);

const DAY_RE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+0{1,2}[:：]0{1,2}(?:[:：]0{1,2})?(?:\.0+)?)?$/;
const COMPACT_DAY_RE = /^(\d{4})(\d{2})(\d{2})$/;

function validDay(y: string, mo: string, d: string): string | null {
  const Y = Number(y);
  const M = Number(mo);
  const D = Number(d);
  const probe = new Date(Date.UTC(Y, M - 1, D));
  if (probe.getUTCFullYear() !== Y || probe.getUTCMonth() !== M - 1 || probe.getUTCDate() !== D) return null;
  return `${y}-${String(M).padStart(2, '0')}-${String(D).padStart(2, '0')}`;
}

/**
 * A statistics day: '2026-11-20', '2026/11/20', '20261120', '2026年11月20日', a midnight time from a
 * spreadsheet date cell, or a one-day range '2026-11-20~2026-11-20' (生意参谋's 统计日期). A range of
 * several days is refused: the figures must be per day.
 */
export function parseDayCell(raw: string): CellResult<string | null> {
  const s = toHalfWidth(cleanCell(raw)).trim();
  if (isEmptyCell(s)) return { ok: true, value: null };
  const parts = s.split(/\s*(?:~|～|至|到|—|--)\s*/).filter((p) => p !== '');
  if (parts.length === 2) {
    const a = parseDayCell(parts[0]!);
    const b = parseDayCell(parts[1]!);
    if (a.ok && b.ok && a.value && b.value) {
      if (a.value === b.value) return a;
      return { ok: false, reason: `这是 ${a.value} 至 ${b.value} 的多天汇总：请在平台按“日”导出，每行一天` };
    }
  }
  const m = DAY_RE.exec(s) ?? COMPACT_DAY_RE.exec(s);
  if (m) {
    const day = validDay(m[1]!, m[2]!, m[3]!);
    if (day) return { ok: true, value: day };
    return { ok: false, reason: '日期不存在（月或日超出范围）' };
  }
  return { ok: false, reason: '不是有效日期：应为 2026-11-20、2026/11/20 或 20261120 这样的格式' };
}

/**
 * A count (visitors, views, buyers): '1,234', '1 234', '1234.0', '1.2万' (exactly 12000), '-'
 * (the platforms' zero). Empty is null. A percentage or a fraction is refused.
 */
export function parseCountCell(raw: string): CellResult<number | null> {
  const s = toHalfWidth(cleanCell(raw)).replace(/[,\s人次个]/g, '');
  if (isEmptyCell(s)) return { ok: true, value: s === '' ? null : 0 };
  if (/%$/.test(s)) return { ok: false, reason: '这是百分比，不是人数/次数：请检查这一列是否对应正确' };
  const wan = /^(\d+)(?:\.(\d{1,4}))?万$/.exec(s);
  if (wan) {
    const v = Number(wan[1]) * 10_000 + Number((wan[2] ?? '').padEnd(4, '0'));
    return Number.isSafeInteger(v) ? { ok: true, value: v } : { ok: false, reason: '数字太大' };
  }
  const m = /^(-)?(\d+)(?:\.0+)?$/.exec(s);
  if (!m) return { ok: false, reason: '不是有效的整数：人数、次数应为 1234 或 1,234 这样的整数' };
  if (m[1] && Number(m[2]) !== 0) return { ok: false, reason: '不能为负数' };
  const v = Number(m[2]);
  if (!Number.isSafeInteger(v)) return { ok: false, reason: '数字太大' };
  return { ok: true, value: v };
}

/**
 * A rate as exported: '12.3%', '0.123' (a fraction) or '-' (zero) → the rate as a fraction in
 * parts per million (integer), so no floating point reaches a stored figure.
 */
export function parseRateCell(raw: string): CellResult<number | null> {
  const s = toHalfWidth(cleanCell(raw)).replace(/\s+/g, '');
  if (isEmptyCell(s)) return { ok: true, value: s === '' ? null : 0 };
  const pct = /^(\d+)(?:\.(\d{1,4}))?%$/.exec(s);
  if (pct) {
    const ppm = Number(pct[1]) * 10_000 + Number((pct[2] ?? '').padEnd(4, '0'));
    if (ppm > 1_000_000) return { ok: false, reason: '比率不能超过 100%' };
    return { ok: true, value: ppm };
  }
  const frac = /^(0|1)(?:\.(\d{1,6}))?$/.exec(s);
  if (frac) {
    const ppm = Number(frac[1]) * 1_000_000 + Number((frac[2] ?? '').padEnd(6, '0'));
    if (ppm > 1_000_000) return { ok: false, reason: '比率不能超过 100%' };
    return { ok: true, value: ppm };
  }
  return { ok: false, reason: '不是有效比率：应为 12.3% 或 0.123' };
}

// ---------------------------------------------------------------------------------------------
// Sources

/** Exact platform names (normalised) → source code. */
const SOURCE_NAMES: Record<string, string> = {
  // 淘内免费
  手淘搜索: 'search',
  淘宝搜索: 'search',
  天猫搜索: 'search',
  手淘淘宝搜索: 'search',
  搜索: 'search',
  关键词搜索: 'search',
  京东搜索: 'search',
  拼多多搜索: 'search',
  抖音搜索: 'search',
  商城搜索: 'search',
  手淘推荐: 'recommend',
  猜你喜欢: 'recommend',
  手淘首页: 'recommend',
  手淘首页猜你喜欢: 'recommend',
  首页推荐: 'recommend',
  推荐: 'recommend',
  购后推荐: 'recommend',
  手淘其他推荐: 'recommend',
  推荐feed: 'recommend',
  商城推荐: 'recommend',
  聚划算: 'activity',
  天天特价: 'activity',
  淘抢购: 'activity',
  淘金币: 'activity',
  百亿补贴: 'activity',
  官方活动: 'activity',
  大促会场: 'activity',
  活动: 'activity',
  营销活动: 'activity',
  淘宝直播: 'content',
  直播: 'content',
  直播间: 'content',
  逛逛: 'content',
  微淘: 'content',
  短视频: 'content',
  内容: 'content',
  有好货: 'content',
  订阅: 'content',
  // 付费流量
  直通车: 'paid_search',
  淘宝直通车: 'paid_search',
  关键词推广: 'paid_search',
  京东快车: 'paid_search',
  多多搜索: 'paid_search',
  搜索推广: 'paid_search',
  引力魔方: 'display',
  钻展: 'display',
  钻石展位: 'display',
  超级推荐: 'display',
  万相台: 'display',
  万相台无界: 'display',
  品销宝: 'display',
  精准人群推广: 'display',
  京东展位: 'display',
  淘宝客: 'affiliate',
  淘客: 'affiliate',
  淘宝联盟: 'affiliate',
  京挑客: 'affiliate',
  多多进宝: 'affiliate',
  精选联盟: 'affiliate',
  信息流: 'feed_ads',
  信息流广告: 'feed_ads',
  巨量千川: 'feed_ads',
  千川: 'feed_ads',
  巨量引擎: 'feed_ads',
  // 自主访问
  店铺首页: 'shop',
  店铺页: 'shop',
  店铺: 'shop',
  店铺其他: 'shop',
  店内: 'shop',
  自主访问: 'shop',
  购物车: 'cart_fav',
  我的收藏: 'cart_fav',
  收藏夹: 'cart_fav',
  收藏: 'cart_fav',
  我的淘宝: 'my_orders',
  已买到: 'my_orders',
  已买到的宝贝: 'my_orders',
  我的订单: 'my_orders',
  直接访问: 'direct',
  直接打开: 'direct',
  直达: 'direct',
  // 淘外流量
  淘外流量: 'external',
  淘外: 'external',
  站外: 'external',
  站外流量: 'external',
  外部网站: 'external',
  其他站外: 'external',
  站外广告: 'external',
  微信: 'social',
  朋友圈: 'social',
  微博: 'social',
  qq: 'social',
  社群: 'social',
  私域: 'social',
  小红书: 'social',
  短信: 'email_sms',
  短信营销: 'email_sms',
  邮件: 'email_sms',
  // 其他
  其他: 'unknown',
  其它: 'unknown',
  其他来源: 'unknown',
  淘内免费其他: 'unknown',
  付费流量其他: 'unknown',
};

/** Keywords for names the table does not list (newer export versions add detail names), first hit wins. */
const SOURCE_KEYWORDS: readonly (readonly [string, string])[] = [
  ['直通车', 'paid_search'],
  ['引力魔方', 'display'],
  ['钻展', 'display'],
  ['钻石展位', 'display'],
  ['万相台', 'display'],
  ['超级推荐', 'display'],
  ['淘宝客', 'affiliate'],
  ['淘客', 'affiliate'],
  ['联盟', 'affiliate'],
  ['信息流', 'feed_ads'],
  ['千川', 'feed_ads'],
  ['聚划算', 'activity'],
  ['天天特价', 'activity'],
  ['淘抢购', 'activity'],
  ['会场', 'activity'],
  ['活动', 'activity'],
  ['直播', 'content'],
  ['逛逛', 'content'],
  ['视频', 'content'],
  ['搜索', 'search'],
  ['猜你喜欢', 'recommend'],
  ['推荐', 'recommend'],
  ['购物车', 'cart_fav'],
  ['收藏', 'cart_fav'],
  ['已买到', 'my_orders'],
  ['我的淘宝', 'my_orders'],
  ['店铺', 'shop'],
  ['微信', 'social'],
  ['短信', 'email_sms'],
  ['站外', 'external'],
  ['淘外', 'external'],
];

/** A first-level name alone (a file without detail, or an unknown detail under it) → source code. */
const GROUP_FALLBACK: Record<string, string> = {
  淘外流量: 'external',
  站外流量: 'external',
  其他: 'unknown',
  其它: 'unknown',
  其他来源: 'unknown',
};

export function normalizeSourceName(s: string): string {
  return toHalfWidth(cleanCell(s))
    .replace(/[\s\-_/·・|>＞]+/g, '')
    .toLowerCase();
}

const SOURCE_KEYS = new Map(Object.entries(SOURCE_NAMES).map(([k, v]) => [normalizeSourceName(k), v]));
const GROUP_KEYS = new Map(Object.entries(GROUP_FALLBACK).map(([k, v]) => [normalizeSourceName(k), v]));

export interface SourceCatalog {
  /** The organisation's source tree: code and display name (user-edited names match too). */
  sources: readonly { code: string; name: string; kind?: string }[];
  /** The user's own overrides from the mapping (`{ 平台来源名: code }`), checked first. */
  overrides?: Readonly<Record<string, string>> | null;
}

export type SourceResolution = { ok: true; code: string } | { ok: false; reason: string };

/** Build the resolver once per file: platform name (+ first-level name) → source code ('' = all sources). */
export function compileSourceResolver(catalog: SourceCatalog): (detail: string | null, group: string | null) => SourceResolution {
  const overrides = new Map(Object.entries(catalog.overrides ?? {}).map(([k, v]) => [normalizeSourceName(k), v]));
  const byName = new Map<string, string>();
  const codes = new Set<string>();
  for (const s of catalog.sources) {
    byName.set(normalizeSourceName(s.name), s.code);
    // '推荐/猜你喜欢' also answers to each half.
    for (const part of s.name.split(/[/／、,，（）()]/))
      if (part.trim()) byName.set(normalizeSourceName(part), byName.get(normalizeSourceName(part)) ?? s.code);
    codes.add(s.code);
  }
  // The tables below speak Taobao's codes; a shop on another channel gets its own tree's source of
  // the same kind (京东快车 → paid_search → jd_kuaiche), never a Taobao source.
  const byKind = new Map<string, string>();
  for (const s of catalog.sources) if (s.kind && !byKind.has(s.kind)) byKind.set(s.kind, s.code);
  const inTree = (code: string | null | undefined): string | null =>
    code === null || code === undefined ? null : codes.has(code) || byKind.size === 0 ? code : (byKind.get(code) ?? null);
  const one = (raw: string): string | null => {
    const n = normalizeSourceName(raw);
    if (!n) return null;
    // The user's choices first (mapping, then the names in their own source tree), then ours.
    return overrides.get(n) ?? byName.get(n) ?? inTree(SOURCE_KEYS.get(n)) ?? (codes.has(n) ? n : null);
  };
  const keyword = (raw: string): string | null => {
    const n = normalizeSourceName(raw);
    for (const [k, code] of SOURCE_KEYWORDS) if (n.includes(k) && inTree(code)) return inTree(code);
    return null;
  };
  return (detail, group) => {
    const d = detail && !isEmptyCell(cleanCell(detail)) ? cleanCell(detail) : null;
    const g = group && !isEmptyCell(cleanCell(group)) ? cleanCell(group) : null;
    if (!d && !g) return { ok: true, code: '' };
    if (d && ALL_SOURCE_CELLS.has(normalizeSourceName(d))) return { ok: true, code: '' };
    if (d) {
      const hit = one(d) ?? keyword(d);
      if (hit) return { ok: true, code: hit };
    }
    if (g && (!d || d === g)) {
      if (ALL_SOURCE_CELLS.has(normalizeSourceName(g))) return { ok: true, code: '' };
      const hit = one(g) ?? inTree(GROUP_KEYS.get(normalizeSourceName(g)));
      if (hit) return { ok: true, code: hit };
    } else if (g) {
      // An unknown detail under a first level that has one obvious bucket (淘外流量 → 其他站外).
      const hit = inTree(GROUP_KEYS.get(normalizeSourceName(g)));
      if (hit) return { ok: true, code: hit };
    }
    const name = d ?? g ?? '';
    return {
      ok: false,
      reason: `无法识别的流量来源「${name}」：请在 流量设置 → 来源与规则 中新建（或改名为）名称是「${name}」的来源，或在列对应方案的 sources 中指定它对应的来源代码，然后重新导入`,
    };
  };
}

// ---------------------------------------------------------------------------------------------
// Rows

export interface TrafficRow {
  day: string;
  /** The platform item id as in the file ('' = whole shop). */
  channelItemId: string;
  merchantCode: string;
  title: string;
  /** Our source code ('' = all sources). */
  sourceCode: string;
  /** The source text as in the file (for duplicate detection and messages). */
  sourceText: string;
  uv: number;
  pv: number;
  cartUv: number;
  favUv: number;
  payingBuyers: number;
  paidFen: Fen;
}

export type TrafficRowResult = { ok: true; row: TrafficRow } | { ok: false; errors: CellError[] } | { ok: true; row: null; skipped: true };

/**
 * Parse the data rows of one file. Any bad cell refuses the row (reported with its column, value
 * and the fix). Rows whose date or product cell is 合计/汇总 are the platform's sums: skipped.
 */
export function compileTrafficRowParser(
  match: TrafficHeaderMatch,
  resolveSource: (detail: string | null, group: string | null) => SourceResolution,
  opts: { day?: string | null | undefined } = {},
): (cells: readonly string[]) => TrafficRowResult {
  let cells: readonly string[] = [];
  let errors: CellError[] = [];
  const label = (field: TrafficImportField) => match.headers[field] ?? trafficFieldSpec(field).label;
  const raw = (field: TrafficImportField): string | undefined => {
    const i = match.columns[field];
    return i === undefined ? undefined : (cells[i] ?? '');
  };
  const fail = (field: TrafficImportField, value: string, reason: string) => {
    errors.push({ column: label(field), value: value.length > 200 ? `${value.slice(0, 200)}…` : value, reason });
  };
  const text = (field: TrafficImportField): string => {
    const r = raw(field);
    if (r === undefined) return '';
    const s = cleanCell(r);
    return isEmptyCell(s) ? '' : s;
  };
  const count = (field: TrafficImportField): number | null => {
    const r = raw(field);
    if (r === undefined) return null;
    const res = parseCountCell(r);
    if (!res.ok) fail(field, r, res.reason);
    else return res.value;
    return null;
  };
  return (row) => {
    cells = row;
    errors = [];
    const dayRaw = raw('day');
    const itemRaw = raw('channelItemId');
    if ((dayRaw !== undefined && isTotalCell(dayRaw)) || (itemRaw !== undefined && isTotalCell(itemRaw))) {
      return { ok: true, row: null, skipped: true };
    }
    let day: string | null = null;
    if (dayRaw !== undefined) {
      const r = parseDayCell(dayRaw);
      if (!r.ok) fail('day', dayRaw, r.reason);
      else day = r.value;
    }
    if (day === null && !errors.length) {
      if (opts.day) day = opts.day;
      else fail('day', dayRaw ?? '', `${label('day')}为空：每一行都需要统计日期`);
    }
    let channelItemId = '';
    if (itemRaw !== undefined) {
      const r = parseLongId(itemRaw);
      if (!r.ok) fail('channelItemId', itemRaw, r.reason);
      else channelItemId = isEmptyCell(r.value) ? '' : r.value;
    }
    const merchantCode = text('merchantCode');
    if (match.perProduct && !channelItemId && !merchantCode && !errors.some((e) => e.column === label('channelItemId'))) {
      const field = match.columns.channelItemId !== undefined ? 'channelItemId' : 'merchantCode';
      fail(field, raw(field) ?? '', `${label(field)}为空：按商品统计的文件每一行都需要商品ID（整店数据请用不含商品ID列的店铺文件）`);
    }
    const srcDetail = raw('source') ?? null;
    const srcGroup = raw('sourceGroup') ?? null;
    let sourceCode = '';
    if (match.perSource) {
      const r = resolveSource(srcDetail, srcGroup);
      if (!r.ok) fail(match.columns.source !== undefined ? 'source' : 'sourceGroup', cleanCell(srcDetail ?? srcGroup ?? ''), r.reason);
      else sourceCode = r.code;
    }
    const uv = count('uv');
    if (uv === null && !errors.some((e) => e.column === label('uv'))) fail('uv', raw('uv') ?? '', `${label('uv')}为空`);
    const pv = count('pv');
    const cartUv = count('cartUv');
    const favUv = count('favUv');
    let payingBuyers = count('payingBuyers');
    let paidFen: Fen | null = null;
    const paidRaw = raw('paidAmount');
    if (paidRaw !== undefined) {
      const r = parseMoneyCell(paidRaw);
      if (!r.ok) fail('paidAmount', paidRaw, r.reason);
      else if (r.value !== null && r.value < 0) fail('paidAmount', paidRaw, '金额不能为负数');
      else paidFen = r.value;
    }
    const rateRaw = raw('payRate');
    if (payingBuyers === null && rateRaw !== undefined && uv !== null) {
      // No buyers column: buyers = visitors × the exported conversion (rounded to a whole buyer).
      const r = parseRateCell(rateRaw);
      if (!r.ok) fail('payRate', rateRaw, r.reason);
      else if (r.value !== null) payingBuyers = Math.round((uv * r.value) / 1_000_000);
    }
    if (errors.length) return { ok: false, errors };
    return {
      ok: true,
      row: {
        day: day!,
        channelItemId,
        merchantCode,
        title: text('title'),
        sourceCode,
        sourceText: cleanCell(srcDetail ?? srcGroup ?? ''),
        uv: uv ?? 0,
        pv: pv ?? 0,
        cartUv: cartUv ?? 0,
        favUv: favUv ?? 0,
        payingBuyers: payingBuyers ?? 0,
        paidFen: paidFen ?? 0,
      },
    };
  };
}

/** The mapping a generic import sends: `{ columns: { field: header }, sources: { 平台来源名: code } }`, or a bare `{ field: header }`. */
export interface TrafficMapping {
  columns?: Partial<Record<TrafficImportField, string>>;
  sources?: Record<string, string>;
}

/** Accept both shapes; unknown field names are refused so a typo is not silently ignored. */
export function normalizeTrafficMapping(raw: unknown): CellResult<TrafficMapping> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: '列对应（mapping）应为 JSON 对象' };
  const o = raw as Record<string, unknown>;
  const nested = 'columns' in o || 'sources' in o;
  const cols = (nested ? o.columns : o) ?? {};
  const srcs = nested ? (o.sources ?? {}) : {};
  if (typeof cols !== 'object' || Array.isArray(cols) || typeof srcs !== 'object' || Array.isArray(srcs))
    return { ok: false, reason: 'columns 与 sources 都应为 { 名称: 值 } 对象' };
  const columns: Partial<Record<TrafficImportField, string>> = {};
  for (const [k, v] of Object.entries(cols as Record<string, unknown>)) {
    if (!(TRAFFIC_IMPORT_FIELDS as readonly string[]).includes(k))
      return { ok: false, reason: `未知字段「${k}」：可用 ${TRAFFIC_IMPORT_FIELDS.join(' / ')}` };
    if (typeof v !== 'string') return { ok: false, reason: `字段「${k}」应对应一个表头文字` };
    // '' = the user chose "not imported": the field is then not matched by its aliases either.
    columns[k as TrafficImportField] = v.trim();
  }
  const sources: Record<string, string> = {};
  for (const [k, v] of Object.entries(srcs as Record<string, unknown>)) {
    if (typeof v !== 'string' || !v.trim()) return { ok: false, reason: `来源「${k}」应对应一个来源代码` };
    sources[k] = v.trim();
  }
  return { ok: true, value: { columns, sources } };
}

// ---- what an import answers (server and console) ----

export interface TrafficImportError {
  rowNo: number;
  column: string;
  value: string;
  reason: string;
}

export interface TrafficImportSummary {
  shopId: string;
  fileName: string;
  encoding: string;
  /** Days written, ascending. */
  days: string[];
  /** Data rows read (blank rows not counted). */
  rows: number;
  /** Rows imported. */
  imported: number;
  /** traffic_stats rows written (rows on the same key are added up). */
  stored: number;
  /** 合计/汇总 rows skipped. */
  skipped: number;
  perProduct: boolean;
  perSource: boolean;
  /** Header row number and the matched columns (field → header). */
  headerRow: number;
  columns: Partial<Record<TrafficImportField, string>>;
  errorCount: number;
  errors: TrafficImportError[];
  warnings: string[];
}

/** One past import (GET /traffic/imports), from the audit log. */
export interface TrafficImportLogItem {
  id: string;
  shopId: string | null;
  at: number;
  actorName: string;
  fileName: string;
  days: string[];
  rows: number;
  imported: number;
  stored: number;
  errorCount: number;
}

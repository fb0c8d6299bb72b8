/**
 * Reviews (评价) and the small column-matching kit shared by the review and chat imports.
 * Pure: header tables, cell parsers, keyword tagging, the follow-up state machine and DSR maths.
 */
import { z } from 'zod';
import {
  cleanCell,
  isEmptyCell,
  normalizeHeader,
  parseIntCell,
  parseLongId,
  parseTimeCell,
  toHalfWidth,
  type CellError,
} from './import.js';
import { DEFAULT_TIMEZONE } from './time.js';

// ---------------------------------------------------------------- column matching (reviews + chats)

export interface ColumnSpec<F extends string> {
  field: F;
  /** Chinese label used in messages. */
  label: string;
  /** Header texts the platforms use, most specific first. */
  aliases: readonly string[];
  required?: boolean;
}

export interface ColumnMatch<F extends string> {
  columns: Partial<Record<F, number>>;
  headers: Partial<Record<F, string>>;
  missing: ColumnSpec<F>[];
}

/** Match a header row against a field table (exact normalised header, first alias wins). */
export function matchColumns<F extends string>(cells: readonly string[], specs: readonly ColumnSpec<F>[]): ColumnMatch<F> {
  const norm = cells.map((c) => normalizeHeader(c ?? ''));
  const columns: Partial<Record<F, number>> = {};
  const headers: Partial<Record<F, string>> = {};
  const taken = new Set<number>();
  for (const s of specs) {
    for (const a of s.aliases) {
      const i = norm.findIndex((h, k) => !taken.has(k) && h === normalizeHeader(a));
      if (i >= 0) {
        columns[s.field] = i;
        headers[s.field] = cells[i]!.replace(/^\uFEFF/, '').trim();
        taken.add(i);
        break;
      }
    }
  }
  const missing = specs.filter((s) => s.required && columns[s.field] === undefined);
  return { columns, headers, missing };
}

export function missingColumnsText<F extends string>(missing: readonly ColumnSpec<F>[], what: string): string {
  return `${what}缺少必需的列：${missing.map((m) => `「${m.label}」（可写作 ${m.aliases.slice(0, 3).join('、')}）`).join('；')}。请检查表头行，或改用「通用」格式按模板表头整理后再导入。`;
}

export type Cell<T> = { ok: true; value: T } | { ok: false; reason: string };

// ---------------------------------------------------------------- review import

export const REVIEW_FORMATS = ['taobao', 'jd', 'pdd', 'douyin', 'generic'] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];
export const REVIEW_FORMAT_LABELS: Record<ReviewFormat, string> = {
  taobao: '淘宝/天猫',
  jd: '京东',
  pdd: '拼多多',
  douyin: '抖音',
  generic: '通用',
};

export type ReviewField =
  | 'reviewKey'
  | 'orderNo'
  | 'productTitle'
  | 'skuText'
  | 'buyerNick'
  | 'rating'
  | 'content'
  | 'imageCount'
  | 'appendContent'
  | 'dsrDesc'
  | 'dsrService'
  | 'dsrLogistics'
  | 'reviewedAt';

const common = (f: ReviewField, label: string, aliases: string[], required = false): ColumnSpec<ReviewField> => ({
  field: f,
  label,
  aliases,
  required,
});

/** The union of the four platforms' review-export headers (each platform's own words first) and the generic template's. */
const BASE_REVIEW_COLUMNS: ColumnSpec<ReviewField>[] = [
  common('reviewKey', '评价ID', ['评价ID', '评价编号', '评论ID', '评价id', 'review_id']),
  common('orderNo', '订单编号', ['订单编号', '订单号', '子订单编号', '主订单编号', '订单ID', 'order_no']),
  common('productTitle', '商品名称', ['宝贝标题', '商品名称', '商品标题', '宝贝名称', 'product']),
  common('skuText', '商品规格', ['宝贝属性', '商品规格', '商品属性', 'SKU', '规格', 'sku']),
  common('buyerNick', '买家昵称', ['买家昵称', '会员名', '用户昵称', '评价人', '买家', 'buyer']),
  common('rating', '评分', ['评分', '商品评分', '评价星级', '星级', '评价等级', '评价结果', 'rating'], true),
  common('content', '评价内容', ['评价内容', '初评内容', '评论内容', '评价', 'content']),
  common('imageCount', '图片数', ['图片数', '晒图数量', '图片数量', '晒图', '评价图片', '图片', 'images']),
  common('appendContent', '追评内容', ['追评内容', '追加评论', '追评', 'append']),
  common('dsrDesc', '描述相符', ['描述相符', '商品描述相符', '描述相符评分', '宝贝与描述相符', 'dsr_desc']),
  common('dsrService', '服务态度', ['服务态度', '卖家服务', '卖家服务态度', '服务态度评分', 'dsr_service']),
  common('dsrLogistics', '物流服务', ['物流服务', '物流服务评分', '物流速度', '卖家发货速度', 'dsr_logistics']),
  common('reviewedAt', '评价时间', ['评价时间', '评论时间', '初评时间', '创建时间', '时间', 'reviewed_at'], true),
];

/** Columns per preset; the presets differ in the words they put first (all accept the others' words). */
export function reviewColumns(format: ReviewFormat): ColumnSpec<ReviewField>[] {
  const first: Partial<Record<ReviewFormat, Partial<Record<ReviewField, string[]>>>> = {
    jd: { rating: ['评分', '商品评分'], content: ['评价内容'], productTitle: ['商品名称'] },
    pdd: { rating: ['评价星级', '商品评分'], content: ['评论内容'], buyerNick: ['用户昵称'] },
    douyin: { rating: ['商品评分', '评价等级'], content: ['评价内容'], dsrLogistics: ['物流服务'] },
  };
  const f = first[format] ?? {};
  return BASE_REVIEW_COLUMNS.map((c) => (f[c.field] ? { ...c, aliases: [...f[c.field]!, ...c.aliases] } : c));
}

/** A rating: 1–5 (星, ★), or the Taobao levels 好评 = 5, 中评 = 3, 差评 = 1. */
export function parseRatingCell(raw: string): Cell<number> {
  const s = toHalfWidth(cleanCell(raw)).replace(/\s+/g, '');
  if (isEmptyCell(s)) return { ok: false, reason: '评分为空：应为 1–5 的星级，或 好评/中评/差评' };
  if (/^★+$/.test(s) && s.length <= 5) return { ok: true, value: s.length };
  if (s === '好评') return { ok: true, value: 5 };
  if (s === '中评') return { ok: true, value: 3 };
  if (s === '差评') return { ok: true, value: 1 };
  const m = /^([1-5])(?:\.0+)?(?:星|分)?$/.exec(s);
  if (m) return { ok: true, value: Number(m[1]) };
  return { ok: false, reason: '评分不正确：应为 1–5 的整数星级（如 5 或 5星），或 好评/中评/差评' };
}

/** A DSR sub-score: empty, or 1–5. */
export function parseDsrCell(raw: string): Cell<number | null> {
  const s = toHalfWidth(cleanCell(raw)).replace(/\s+/g, '');
  if (isEmptyCell(s)) return { ok: true, value: null };
  const r = parseRatingCell(s);
  return r.ok ? r : { ok: false, reason: '动态评分应为 1–5 的整数或留空' };
}

/** Images: a count, or a list of image links separated by commas/semicolons/blanks (counted). */
export function parseImageCount(raw: string): Cell<number> {
  const s = cleanCell(raw);
  if (isEmptyCell(s)) return { ok: true, value: 0 };
  const n = parseIntCell(s);
  if (n.ok) return { ok: true, value: Math.min(n.value ?? 0, 99) };
  const links = s.split(/[,，;；\s]+/).filter((x) => /^https?:\/\//i.test(x) || /\.(jpe?g|png|webp|gif)$/i.test(x));
  if (links.length) return { ok: true, value: links.length };
  return { ok: false, reason: '图片数应为整数，或以逗号分隔的图片链接' };
}

export interface ParsedReview {
  reviewKey: string | null;
  orderNo: string;
  productTitle: string;
  skuText: string;
  buyerNick: string;
  rating: number;
  content: string;
  imageCount: number;
  appendContent: string;
  dsrDesc: number | null;
  dsrService: number | null;
  dsrLogistics: number | null;
  reviewedAt: number;
}

const MAX_TEXT = 2000;

export function parseReviewRow(
  cells: readonly string[],
  match: ColumnMatch<ReviewField>,
  timeZone: string = DEFAULT_TIMEZONE,
): { ok: true; row: ParsedReview } | { ok: false; errors: CellError[] } {
  const errors: CellError[] = [];
  const label = (f: ReviewField) => match.headers[f] ?? BASE_REVIEW_COLUMNS.find((c) => c.field === f)!.label;
  const raw = (f: ReviewField) => {
    const i = match.columns[f];
    return i === undefined ? '' : (cells[i] ?? '');
  };
  const text = (f: ReviewField, max = 300) => cleanCell(raw(f)).slice(0, max);
  const fail = (f: ReviewField, reason: string) => errors.push({ column: label(f), value: raw(f), reason });

  const rating = parseRatingCell(raw('rating'));
  if (!rating.ok) fail('rating', rating.reason);
  const at = parseTimeCell(raw('reviewedAt'), timeZone);
  if (!at.ok) fail('reviewedAt', at.reason);
  else if (at.value === null) fail('reviewedAt', '评价时间为空：请填写如 2026-11-11 10:30:00');
  const dsr = (f: ReviewField) => {
    const r = parseDsrCell(raw(f));
    if (!r.ok) fail(f, r.reason);
    return r.ok ? r.value : null;
  };
  const dsrDesc = dsr('dsrDesc');
  const dsrService = dsr('dsrService');
  const dsrLogistics = dsr('dsrLogistics');
  const images = parseImageCount(raw('imageCount'));
  if (!images.ok) fail('imageCount', images.reason);
  const key = raw('reviewKey') ? parseLongId(raw('reviewKey')) : { ok: true as const, value: '' };
  if (!key.ok) fail('reviewKey', key.reason);
  const order = raw('orderNo') ? parseLongId(raw('orderNo')) : { ok: true as const, value: '' };
  if (!order.ok) fail('orderNo', order.reason);
  if (errors.length) return { ok: false, errors };
  const k = key.ok ? key.value : '';
  return {
    ok: true,
    row: {
      reviewKey: k && !isEmptyCell(k) ? k.slice(0, 120) : null,
      orderNo: order.ok && !isEmptyCell(order.value) ? order.value.slice(0, 80) : '',
      productTitle: text('productTitle'),
      skuText: text('skuText'),
      buyerNick: text('buyerNick', 100),
      rating: (rating as { value: number }).value,
      content: isEmptyCell(text('content', MAX_TEXT)) ? '' : text('content', MAX_TEXT),
      imageCount: (images as { value: number }).value,
      appendContent: isEmptyCell(text('appendContent', MAX_TEXT)) ? '' : text('appendContent', MAX_TEXT),
      dsrDesc,
      dsrService,
      dsrLogistics,
      reviewedAt: (at as { value: number }).value,
    },
  };
}

// ---------------------------------------------------------------- ratings, tags, DSR

/** 差评 = 1–2 stars, 中评 = 3, 好评 = 4–5 (domain §2). */
export type ReviewLevel = 'good' | 'neutral' | 'bad';
export function reviewLevel(rating: number): ReviewLevel {
  return rating <= 2 ? 'bad' : rating === 3 ? 'neutral' : 'good';
}
export const REVIEW_LEVEL_LABELS: Record<ReviewLevel, string> = { good: '好评', neutral: '中评', bad: '差评' };
/** 中差评: a review needing follow-up. */
export const isNegativeReview = (rating: number): boolean => rating <= 3;

/** The starting dictionary of an organisation (editable on the reviews page). */
export const DEFAULT_REVIEW_KEYWORDS: readonly { tag: string; keywords: string[] }[] = [
  { tag: '物流慢', keywords: ['物流慢', '物流有点慢', '快递慢', '发货慢', '太慢', '等了', '迟迟', '还没到', '好几天'] },
  { tag: '质量', keywords: ['质量', '做工', '破损', '坏了', '开线', '起球', '掉色', '劣质', '瑕疵'] },
  { tag: '色差', keywords: ['色差', '颜色不一样', '颜色不对', '和图片不', '与图片不', '跟图片不'] },
  { tag: '尺码', keywords: ['尺码', '偏大', '偏小', '太大', '太小', '不合身', '码数'] },
  { tag: '服务', keywords: ['客服', '态度差', '不理人', '不回复', '服务差'] },
  { tag: '包装', keywords: ['包装', '压坏', '漏了', '盒子'] },
];

/**
 * The complaint tags of a 中差评 (rating ≤ 3): the dictionary's tags whose keywords occur in the
 * text or the append review, in dictionary order. A 好评 gets none — "质量很好" is no complaint.
 */
export function tagReview(rating: number, text: string, dictionary: readonly { tag: string; keywords: readonly string[] }[]): string[] {
  if (!isNegativeReview(rating)) return [];
  const t = toHalfWidth(text).toLowerCase();
  if (!t) return [];
  return dictionary.filter((d) => d.keywords.some((k) => k && t.includes(toHalfWidth(k).toLowerCase()))).map((d) => d.tag);
}

export const DSR_WINDOW_DAYS = 180;

export interface DsrInput {
  dsrDesc: number | null;
  dsrService: number | null;
  dsrLogistics: number | null;
}
export interface DsrScores {
  desc: number | null;
  service: number | null;
  logistics: number | null;
  /** Reviews carrying each score. */
  counts: { desc: number; service: number; logistics: number };
}

/** Mean of each sub-score over the reviews that carry it (null when none does). */
export function dsrAverage(rows: readonly DsrInput[]): DsrScores {
  const acc = { desc: [0, 0], service: [0, 0], logistics: [0, 0] } as Record<'desc' | 'service' | 'logistics', [number, number]>;
  for (const r of rows) {
    const add = (a: [number, number], v: number | null) => {
      if (v === null) return;
      a[0] += v;
      a[1]++;
    };
    add(acc.desc, r.dsrDesc);
    add(acc.service, r.dsrService);
    add(acc.logistics, r.dsrLogistics);
  }
  const avg = ([s, n]: [number, number]) => (n ? s / n : null);
  return {
    desc: avg(acc.desc),
    service: avg(acc.service),
    logistics: avg(acc.logistics),
    counts: { desc: acc.desc[1], service: acc.service[1], logistics: acc.logistics[1] },
  };
}

// ---------------------------------------------------------------- follow-up workflow

/** none: a 好评 nobody has to handle. open → steps in any order → closed with an outcome. */
export const REVIEW_STATUSES = ['none', 'open', 'contacted', 'compensating', 'revision_requested', 'replied', 'closed'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export const REVIEW_STATUS_LABELS: Record<ReviewStatus, string> = {
  none: '无需跟进',
  open: '待跟进',
  contacted: '已联系',
  compensating: '补偿中',
  revision_requested: '已请求修改',
  replied: '已回复',
  closed: '已结束',
};

export const FOLLOWUP_ACTIONS = ['contact', 'compensate', 'request_revision', 'reply', 'close', 'reopen'] as const;
export type FollowupAction = (typeof FOLLOWUP_ACTIONS)[number];
export const FOLLOWUP_ACTION_LABELS: Record<FollowupAction, string> = {
  contact: '联系买家',
  compensate: '补偿（售后）',
  request_revision: '请求修改评价',
  reply: '公开回复',
  close: '结束跟进',
  reopen: '重新打开',
};

/** The status a step leaves the review in; null = not allowed from that status. */
export function followupNext(status: ReviewStatus, action: FollowupAction): ReviewStatus | null {
  if (action === 'reopen') return status === 'closed' ? 'open' : null;
  if (status === 'closed') return null;
  switch (action) {
    case 'contact':
      return 'contacted';
    case 'compensate':
      return 'compensating';
    case 'request_revision':
      return 'revision_requested';
    case 'reply':
      return 'replied';
    case 'close':
      return 'closed';
  }
  return null;
}

export const REVIEW_OUTCOMES = ['revised', 'compensated', 'replied_only', 'no_response'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];
export const REVIEW_OUTCOME_LABELS: Record<ReviewOutcome, string> = {
  revised: '买家已修改/追评好评',
  compensated: '已补偿，评价未改',
  replied_only: '仅公开回复',
  no_response: '买家未回应',
};

/** Hours to settle a 中差评 before it is overdue (platform rules give about 30 days to revise; the team aims at 24 h). */
export const REVIEW_SLA_HOURS = 24;

export const REPLY_TEMPLATES: readonly { key: string; title: string; text: string }[] = [
  {
    key: 'logistics',
    title: '物流慢致歉',
    text: '亲，非常抱歉让您久等了！我们已与快递公司核实并加急处理，后续会优先安排发货。给您带来不便，再次致歉，感谢您的耐心。',
  },
  {
    key: 'quality',
    title: '质量问题',
    text: '亲，很抱歉商品没有让您满意！我们已联系您处理退换，质检团队也在排查这批货品。如有任何问题请随时联系客服，我们一定负责到底。',
  },
  {
    key: 'size',
    title: '尺码建议',
    text: '亲，感谢您的反馈！每款商品详情页都有尺码表，下次可以联系客服帮您推荐尺码。本次不合适可以免费换码，我们会尽快为您处理。',
  },
  {
    key: 'color',
    title: '色差说明',
    text: '亲，商品图片均为实物拍摄，不同屏幕显示会有少许差异。给您带来困扰很抱歉，如不满意可申请退换，我们承担运费。',
  },
  { key: 'thanks', title: '通用感谢', text: '亲，感谢您的评价和支持！您的意见我们会认真改进，期待再次为您服务。' },
];

// ---------------------------------------------------------------- request shapes

const shopId = z.string().min(1, '请选择店铺').max(64);
const text = (max: number) => z.string().max(max, `不超过 ${max} 个字`);

export const ReviewListQuery = z.object({
  shopId: z.string().max(64).optional(),
  level: z.enum(['good', 'neutral', 'bad', 'negative']).optional(),
  status: z.enum(REVIEW_STATUSES).optional(),
  overdue: z.enum(['1', 'true']).optional(),
  tag: z.string().max(40).optional(),
  q: z.string().max(100).optional(),
  from: z.string().max(10).optional(),
  to: z.string().max(10).optional(),
  productTitle: z.string().max(300).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
  cursor: z.string().max(200).optional(),
});

export const CreateReviewBody = z.object({
  shopId,
  rating: z.number().int().min(1, '评分为 1–5').max(5, '评分为 1–5'),
  content: text(MAX_TEXT).default(''),
  imageCount: z.number().int().min(0).max(99).default(0),
  appendContent: text(MAX_TEXT).default(''),
  dsrDesc: z.number().int().min(1).max(5).nullable().default(null),
  dsrService: z.number().int().min(1).max(5).nullable().default(null),
  dsrLogistics: z.number().int().min(1).max(5).nullable().default(null),
  productTitle: text(300).default(''),
  skuText: text(300).default(''),
  orderNo: text(80).default(''),
  buyerNick: text(100).default(''),
  reviewedAt: z.number().int().positive().optional(),
});

export const FollowupBody = z.object({
  action: z.enum(FOLLOWUP_ACTIONS),
  note: text(1000).default(''),
  /** reply: the public reply text (from a template, edited). */
  reply: text(1000).optional(),
  /** compensate: the after-sales case created for it. */
  aftersaleId: z.string().max(64).optional(),
  /** close: the outcome. */
  outcome: z.enum(REVIEW_OUTCOMES).optional(),
});

export const BatchFollowupBody = FollowupBody.extend({ ids: z.array(z.string().max(64)).min(1, '请至少勾选一条评价').max(200) });

export const ReviewKeywordsBody = z.object({
  items: z
    .array(
      z.object({ tag: z.string().trim().min(1, '标签名不能为空').max(40), keywords: z.array(z.string().trim().min(1).max(40)).max(50) }),
    )
    .max(50),
});

export const DsrQuery = z.object({ shopId, days: z.coerce.number().int().min(7).max(730).default(180) });
export const DsrBenchmarkBody = z.object({
  shopId,
  month: z.string().regex(/^\d{4}-\d{2}$/, '月份格式应为 YYYY-MM'),
  dsrDesc: z.number().min(1).max(5),
  dsrService: z.number().min(1).max(5),
  dsrLogistics: z.number().min(1).max(5),
});
export const RepeatedComplaintsQuery = z.object({
  shopId: z.string().max(64).optional(),
  days: z.coerce.number().int().min(1).max(365).default(90),
  min: z.coerce.number().int().min(2).max(100).default(2),
});

// What the console sends (z.input) for each request shape above.
export type ReviewListRequest = z.input<typeof ReviewListQuery>;
export type CreateReviewRequest = z.input<typeof CreateReviewBody>;
export type FollowupRequest = z.input<typeof FollowupBody>;
export type BatchFollowupRequest = z.input<typeof BatchFollowupBody>;
export type ReviewKeywordsRequest = z.input<typeof ReviewKeywordsBody>;
export type DsrBenchmarkRequest = z.input<typeof DsrBenchmarkBody>;

/** A review as the API answers it (server) and the console shows it (web). */
export interface ReviewDto {
  id: string;
  shopId: string;
  platform: string;
  reviewKey: string;
  orderNo: string;
  productTitle: string;
  skuText: string;
  buyerNick: string;
  rating: number;
  level: 'good' | 'neutral' | 'bad';
  content: string;
  imageCount: number;
  appendContent: string;
  dsrDesc: number | null;
  dsrService: number | null;
  dsrLogistics: number | null;
  tags: string[];
  reviewedAt: number;
  reviewDay: string;
  status: ReviewStatus;
  slaDueAt: number | null;
  overdue: boolean;
  outcome: string | null;
  reply: string;
  aftersaleId: string | null;
  closedAt: number | null;
}

export interface FollowupDto {
  id: string;
  action: string;
  note: string;
  userName: string;
  at: number;
}

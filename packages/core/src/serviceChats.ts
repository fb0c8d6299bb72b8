/**
 * Customer-service conversations (客服接待): the chat-export columns, their parsing, and the
 * figures per agent and shop — enquiries, 询单转化率, first response, resolution time, 客单价.
 */
import { z } from 'zod';
import { cleanCell, isEmptyCell, parseIntCell, parseLongId, parseTimeCell, toHalfWidth, type CellError } from './import.js';
import type { Cell, ColumnMatch, ColumnSpec } from './reviews.js';
import { addDays, businessDay, dayStart, DEFAULT_TIMEZONE } from './time.js';

export const CHAT_FORMATS = ['qianniu', 'jd', 'pdd', 'douyin', 'generic'] as const;
export type ChatFormat = (typeof CHAT_FORMATS)[number];
export const CHAT_FORMAT_LABELS: Record<ChatFormat, string> = {
  qianniu: '千牛（淘宝/天猫）',
  jd: '京麦/咚咚（京东）',
  pdd: '拼多多商家客服',
  douyin: '飞鸽（抖音）',
  generic: '通用',
};

export type ChatField = 'chatKey' | 'agent' | 'customer' | 'startedAt' | 'firstResponse' | 'messages' | 'endedAt' | 'orderNo';

const col = (field: ChatField, label: string, aliases: string[], required = false): ColumnSpec<ChatField> => ({
  field,
  label,
  aliases,
  required,
});

/** One table for every tool: the tools' own words (千牛's 接待客服/买家, 京东's 咨询客户, 飞鸽's 用户昵称 …) and the generic template's. */
export const CHAT_COLUMNS: readonly ColumnSpec<ChatField>[] = [
  col('chatKey', '会话ID', ['会话ID', '会话编号', '会话id', '咨询编号', 'chat_id']),
  col('agent', '客服', ['接待客服', '客服昵称', '客服账号', '子账号', '客服', 'agent'], true),
  col('customer', '买家', ['买家昵称', '买家', '咨询客户', '顾客', '用户昵称', '客户', 'customer'], true),
  col('startedAt', '开始时间', ['会话开始时间', '开始时间', '咨询时间', '接入时间', '进线时间', 'started_at'], true),
  col('firstResponse', '首次响应时长', [
    '首次响应时长(秒)',
    '首次响应时长',
    '首响时长',
    '首次响应时间',
    '首响时间',
    '首响(秒)',
    'first_response_s',
  ]),
  col('messages', '消息数', ['消息数', '消息条数', '聊天条数', '总消息数', '客服消息数', 'messages']),
  col('endedAt', '结束时间', ['会话结束时间', '结束时间', 'ended_at']),
  col('orderNo', '关联订单', ['关联订单', '关联订单号', '订单编号', '订单号', 'order_no']),
];

/** Seconds: 12, 12秒, 1分5秒, 1:05, 00:01:05, 12.4 (rounded). */
export function parseDurationCell(raw: string): Cell<number | null> {
  const s = toHalfWidth(cleanCell(raw)).replace(/\s+/g, '');
  if (isEmptyCell(s)) return { ok: true, value: null };
  let m = /^(\d+(?:\.\d+)?)(?:s|秒)?$/i.exec(s);
  if (m) return { ok: true, value: Math.round(Number(m[1])) };
  m = /^(?:(\d+)(?:小时|时))?(?:(\d+)分(?:钟)?)?(?:(\d+)秒)?$/.exec(s);
  if (m && (m[1] || m[2] || m[3])) return { ok: true, value: Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) };
  m = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(s);
  if (m) return { ok: true, value: Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) };
  return { ok: false, reason: '时长不正确：应为秒数（如 12 或 12秒），或 1分5秒、00:01:05' };
}

export interface ParsedChat {
  chatKey: string | null;
  agent: string;
  customer: string;
  startedAt: number;
  firstResponseS: number | null;
  messages: number;
  endedAt: number | null;
  orderNo: string;
}

export function parseChatRow(
  cells: readonly string[],
  match: ColumnMatch<ChatField>,
  timeZone: string = DEFAULT_TIMEZONE,
): { ok: true; row: ParsedChat } | { ok: false; errors: CellError[] } {
  const errors: CellError[] = [];
  const label = (f: ChatField) => match.headers[f] ?? CHAT_COLUMNS.find((c) => c.field === f)!.label;
  const raw = (f: ChatField) => {
    const i = match.columns[f];
    return i === undefined ? '' : (cells[i] ?? '');
  };
  const fail = (f: ChatField, reason: string) => errors.push({ column: label(f), value: raw(f), reason });
  const agent = cleanCell(raw('agent')).slice(0, 100);
  if (isEmptyCell(agent)) fail('agent', '客服为空：请填写接待客服的账号或昵称');
  const customer = cleanCell(raw('customer')).slice(0, 100);
  if (isEmptyCell(customer)) fail('customer', '买家为空：请填写买家昵称');
  const start = parseTimeCell(raw('startedAt'), timeZone);
  if (!start.ok) fail('startedAt', start.reason);
  else if (start.value === null) fail('startedAt', '开始时间为空：请填写如 2026-11-11 10:30:00');
  const end = parseTimeCell(raw('endedAt'), timeZone);
  if (!end.ok) fail('endedAt', end.reason);
  else if (start.ok && start.value !== null && end.value !== null && end.value < start.value)
    fail('endedAt', '结束时间早于开始时间：请检查这两列是否对调');
  const first = parseDurationCell(raw('firstResponse'));
  if (!first.ok) fail('firstResponse', first.reason);
  const msgs = parseIntCell(raw('messages'));
  if (!msgs.ok) fail('messages', '消息数应为整数');
  const key = raw('chatKey') ? parseLongId(raw('chatKey')) : { ok: true as const, value: '' };
  if (!key.ok) fail('chatKey', key.reason);
  const order = raw('orderNo') ? parseLongId(raw('orderNo')) : { ok: true as const, value: '' };
  if (!order.ok) fail('orderNo', order.reason);
  if (errors.length) return { ok: false, errors };
  const k = (key as { value: string }).value;
  const o = (order as { value: string }).value;
  return {
    ok: true,
    row: {
      chatKey: k && !isEmptyCell(k) ? k.slice(0, 120) : null,
      agent,
      customer,
      startedAt: (start as { value: number }).value,
      firstResponseS: (first as { value: number | null }).value,
      messages: (msgs as { value: number | null }).value ?? 0,
      endedAt: (end as { value: number | null }).value,
      orderNo: o && !isEmptyCell(o) ? o.slice(0, 80) : '',
    },
  };
}

// ---------------------------------------------------------------- local time of many instants

/**
 * The shop's local day and hour of instants, cached per quarter hour (every zone's offset is a
 * multiple of 15 minutes), so an import of many rows formats each quarter hour once instead of
 * building Intl formatters per row.
 */
export function localClock(timeZone: string = DEFAULT_TIMEZONE): (at: number) => { day: string; hour: number } {
  const cache = new Map<number, { day: string; hour: number }>();
  return (at) => {
    const key = Math.floor(at / 900_000);
    let v = cache.get(key);
    if (!v) {
      const day = businessDay(at, timeZone);
      // The elapsed hours since the day's start (a DST day's extra hour counts as 23).
      v = { day, hour: Math.min(23, Math.floor((key * 900_000 - dayStart(day, timeZone)) / 3_600_000)) };
      if (cache.size > 50_000) cache.clear();
      cache.set(key, v);
    }
    return v;
  };
}

// ---------------------------------------------------------------- figures

/** Answered within this many seconds counts as a fast first response. */
export const FAST_RESPONSE_SECONDS = 30;
/** Default 询单 window: the enquiry's day plus one more day. */
export const DEFAULT_CONVERSION_DAYS = 1;

export interface ChatFact {
  agent: string;
  customer: string;
  startedAt: number;
  startDay: string;
  firstResponseS: number | null;
  endedAt: number | null;
}
export interface PaidFact {
  buyer: string;
  paidAt: number;
  paidDay: string;
  paidFen: number;
}

export interface ServiceFigures {
  agent: string | null; // null = the whole shop
  enquiries: number;
  buyers: number;
  convertedBuyers: number;
  /** 询单转化率: converted / enquiring buyers (null when none). */
  conversion: number | null;
  convertedPaidFen: number;
  /** 客单价 of the converted buyers (fen, rounded). */
  convertedAovFen: number | null;
  answered: number;
  avgFirstResponseS: number | null;
  /** Share of all enquiries answered within 30 s. */
  within30s: number | null;
  avgResolutionS: number | null;
}

/**
 * Figures for a group of chats. A buyer counts once per group (per agent, or once for the shop)
 * from their first enquiry in the group: converted when they paid an order at or after that
 * enquiry's start and on or before its day + `windowDays` (1 = same day + next day). The paid
 * amount is the sum of those orders.
 */
export function serviceFigures(
  agent: string | null,
  chats: readonly ChatFact[],
  paidByBuyer: ReadonlyMap<string, readonly PaidFact[]>,
  windowDays: number,
): ServiceFigures {
  const first = new Map<string, ChatFact>();
  let answered = 0;
  let frSum = 0;
  let fast = 0;
  let resolved = 0;
  let resSum = 0;
  for (const c of chats) {
    const f = first.get(c.customer);
    if (!f || c.startedAt < f.startedAt) first.set(c.customer, c);
    if (c.firstResponseS !== null) {
      answered++;
      frSum += c.firstResponseS;
      if (c.firstResponseS <= FAST_RESPONSE_SECONDS) fast++;
    }
    if (c.endedAt !== null) {
      resolved++;
      resSum += (c.endedAt - c.startedAt) / 1000;
    }
  }
  let converted = 0;
  let paidFen = 0;
  for (const [buyer, c] of first) {
    const last = addDays(c.startDay, windowDays);
    const hits = (paidByBuyer.get(buyer) ?? []).filter((p) => p.paidAt >= c.startedAt && p.paidDay <= last);
    if (hits.length) {
      converted++;
      for (const p of hits) paidFen += p.paidFen;
    }
  }
  const n = chats.length;
  return {
    agent,
    enquiries: n,
    buyers: first.size,
    convertedBuyers: converted,
    conversion: first.size ? converted / first.size : null,
    convertedPaidFen: paidFen,
    convertedAovFen: converted ? Math.round(paidFen / converted) : null,
    answered,
    avgFirstResponseS: answered ? frSum / answered : null,
    within30s: n ? fast / n : null,
    avgResolutionS: resolved ? resSum / resolved : null,
  };
}

// ---------------------------------------------------------------- request shapes

const shopId = z.string().min(1, '请选择店铺').max(64);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

export const ServiceFiguresQuery = z.object({ shopId, from: day, to: day });
export const ChatListQuery = z.object({
  shopId,
  agent: z.string().max(100).optional(),
  from: day.optional(),
  to: day.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
  cursor: z.string().max(200).optional(),
});
export const QaSampleBody = z.object({
  shopId,
  from: day,
  to: day,
  perAgent: z.number().int().min(1, '每位客服至少抽 1 条').max(50, '每位客服最多抽 50 条').default(5),
});
export const QaScoreBody = z.object({
  score: z.number().int().min(0, '分数为 0–100').max(100, '分数为 0–100'),
  note: z.string().max(1000).default(''),
});
export const QaListQuery = z.object({ shopId, agent: z.string().max(100).optional(), pending: z.enum(['1', 'true']).optional() });
export const ServiceSettingsBody = z.object({
  shopId,
  conversionDays: z.number().int().min(0, '询单窗口为 0–7 天').max(7, '询单窗口为 0–7 天'),
  ahtSeconds: z.number().int().min(1).max(7200),
  target: z.number().gt(0).lt(1),
  withinSeconds: z.number().int().min(0).max(3600),
  shrinkage: z.number().min(0).lt(1),
});
export const StaffingPlanQuery = z.object({
  shopId,
  /** The day to plan. */
  day,
  /** History to average by hour of day (days before `day`). */
  historyDays: z.coerce.number().int().min(1).max(90).default(28),
  /** Peak multiplier on the history (双11: e.g. 5). */
  multiplier: z.coerce.number().min(0.1).max(100).default(1),
  ahtSeconds: z.coerce.number().int().min(1).max(7200).optional(),
  target: z.coerce.number().gt(0).lt(1).optional(),
  withinSeconds: z.coerce.number().int().min(0).max(3600).optional(),
  shrinkage: z.coerce.number().min(0).lt(1).optional(),
});

// What the console sends (z.input) for each request shape above.
export type ServiceFiguresRequest = z.input<typeof ServiceFiguresQuery>;
export type ChatListRequest = z.input<typeof ChatListQuery>;
export type QaSampleRequest = z.input<typeof QaSampleBody>;
export type QaScoreRequest = z.input<typeof QaScoreBody>;
export type ServiceSettingsRequest = z.input<typeof ServiceSettingsBody>;
export type StaffingPlanRequest = z.input<typeof StaffingPlanQuery>;

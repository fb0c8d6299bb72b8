/**
 * Customer service: imported conversations (千牛 and the other tools' exports, idempotent by the
 * tool's conversation id), the figures per agent and shop (询单转化率 against the shop's paid
 * orders, first response, resolution, 客单价), QA sampling with scores, the shop's settings and the
 * Erlang C staffing plan from enquiries by hour of day.
 */
import { createHash } from 'node:crypto';
import {
  addDays,
  AppError,
  CHAT_COLUMNS,
  CHAT_FORMAT_LABELS,
  controlCharCell,
  CHAT_FORMATS,
  localClock,
  dayDiff,
  DEFAULT_CONVERSION_DAYS,
  DEFAULT_TIMEZONE,
  newId,
  parseChatRow,
  queueFigures,
  serviceFigures,
  staffing,
  staffingInputProblem,
  type CellError,
  type ChatFact,
  type ChatField,
  type ChatFormat,
  type ChatListQuery,
  type PaidFact,
  type ParsedChat,
  type QaListQuery,
  type QaSampleBody,
  type QaScoreBody,
  type ServiceFiguresQuery,
  type ServiceSettingsBody,
  type StaffingPlanQuery,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import { cappedCount, cursorPageOf, inChunks, keysetPage, scopeToShops } from '../../db/kit.js';
import type { DB, ServiceSettingsTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as customers from '../customers/index.js';
import { openTable } from '../reviews/index.js';
import * as shops from '../shops/index.js';

// ---------------------------------------------------------------- settings

export interface ServiceSettings {
  shopId: string;
  conversionDays: number;
  ahtSeconds: number;
  target: number;
  withinSeconds: number;
  shrinkage: number;
}
export const DEFAULT_SETTINGS: Omit<ServiceSettings, 'shopId'> = {
  conversionDays: DEFAULT_CONVERSION_DAYS,
  ahtSeconds: 180,
  target: 0.8,
  withinSeconds: 30,
  shrinkage: 0.3,
};

const settingsOf = (shopId: string, r: ServiceSettingsTable | undefined): ServiceSettings =>
  r
    ? {
        shopId,
        conversionDays: r.conversion_days,
        ahtSeconds: r.aht_seconds,
        target: Number(r.target),
        withinSeconds: r.within_seconds,
        shrinkage: Number(r.shrinkage),
      }
    : { shopId, ...DEFAULT_SETTINGS };

export async function getSettings(db: Kysely<DB>, actor: Actor, shopId: string): Promise<ServiceSettings> {
  const shop = await shops.getVisible(db, actor, shopId);
  return settingsOf(shop.id, await db.selectFrom('service_settings').selectAll().where('shop_id', '=', shop.id).executeTakeFirst());
}

export async function putSettings(trx: Transaction<DB>, actor: Actor, b: z.output<typeof ServiceSettingsBody>): Promise<ServiceSettings> {
  const shop = await shops.getVisible(trx, actor, b.shopId);
  const row = {
    shop_id: shop.id,
    org_id: actor.orgId,
    conversion_days: b.conversionDays,
    aht_seconds: b.ahtSeconds,
    target: b.target,
    within_seconds: b.withinSeconds,
    shrinkage: b.shrinkage,
    updated_at: Date.now(),
  };
  await trx.deleteFrom('service_settings').where('shop_id', '=', shop.id).execute();
  await trx.insertInto('service_settings').values(row).execute();
  await audit.record(trx, actor, 'service.settings', { shopId: shop.id, entityType: 'shop', entityId: shop.id, after: b });
  return settingsOf(shop.id, row);
}

// ---------------------------------------------------------------- import

export interface ChatImportSummary {
  format: ChatFormat;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  errorRows: (CellError & { rowNo: number })[];
}

const CHUNK = 500;

function chatKeyOf(c: ParsedChat): string {
  return c.chatKey ?? `h:${createHash('sha256').update([c.agent, c.customer, c.startedAt].join('\u0000')).digest('hex').slice(0, 32)}`;
}

export async function importChatsFile(
  db: Kysely<DB>,
  actor: Actor,
  opts: { shopId: string; format: string; file: string; fileName: string; now?: number },
): Promise<ChatImportSummary> {
  if (!(CHAT_FORMATS as readonly string[]).includes(opts.format))
    throw new AppError(
      'validation_failed',
      `聊天记录格式应为 ${CHAT_FORMATS.map((f) => `${f}（${CHAT_FORMAT_LABELS[f]}）`).join('、')} 之一`,
      {},
      [{ path: 'format', message: '格式不正确' }],
    );
  const shop = await shops.getVisible(db, actor, opts.shopId);
  const tz = shop.timezone || DEFAULT_TIMEZONE;
  const now = opts.now ?? Date.now();
  const table = await openTable(opts.file, opts.fileName, CHAT_COLUMNS, '聊天记录');
  const local = localClock(tz);
  const s: ChatImportSummary = {
    format: opts.format as ChatFormat,
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    errors: 0,
    errorRows: [],
  };
  // The whole file is read before anything is stored, then stored in one transaction: a file that
  // breaks after some good rows (a cell too long, a broken encoding) stores none of them.
  const chunks: Map<string, ParsedChat>[] = [];
  let pending = new Map<string, ParsedChat>();
  const cut = () => {
    if (!pending.size) return;
    chunks.push(pending);
    pending = new Map();
  };
  const store = async (trx: Transaction<DB>, batch: Map<string, ParsedChat>) => {
    const existing = await inChunks([...batch.keys()], (keys) =>
      trx.selectFrom('service_chats').selectAll().where('shop_id', '=', shop.id).where('chat_key', 'in', keys).execute(),
    );
    const known = new Map(existing.map((e) => [e.chat_key, e]));
    const fresh = [];
    for (const [key, c] of batch) {
      const row = {
        agent: c.agent,
        customer: c.customer,
        started_at: c.startedAt,
        start_day: local(c.startedAt).day,
        start_hour: local(c.startedAt).hour,
        first_response_s: c.firstResponseS,
        messages: c.messages,
        ended_at: c.endedAt,
        order_no: c.orderNo,
      };
      const e = known.get(key);
      if (!e) {
        fresh.push({ id: newId('cht'), org_id: actor.orgId, shop_id: shop.id, chat_key: key, created_at: now, ...row });
        continue;
      }
      const same = (Object.keys(row) as (keyof typeof row)[]).every(
        (k) => (e[k] === null ? null : typeof row[k] === 'number' ? Number(e[k]) : e[k]) === row[k],
      );
      if (same) s.unchanged++;
      else {
        await trx.updateTable('service_chats').set(row).where('id', '=', e.id).execute();
        s.updated++;
      }
    }
    if (fresh.length) await trx.insertInto('service_chats').values(fresh).execute();
    s.created += fresh.length;
  };
  for (let it = await table.rows.next(); !it.done; it = await table.rows.next()) {
    const { rowNo, cells } = it.value;
    if (cells.every((c) => !c || !c.trim())) continue;
    s.rows++;
    // PostgreSQL cannot store U+0000 and the other controls are invisible: reported on the row.
    const control = controlCharCell(cells, table.match.columns, (f) => table.match.headers[f as ChatField] ?? f);
    if (control) {
      s.errors++;
      if (s.errorRows.length < 500) s.errorRows.push({ rowNo, ...control });
      continue;
    }
    const res = parseChatRow(cells, table.match, tz);
    let errs: CellError[] = res.ok ? [] : res.errors;
    if (res.ok && res.row.startedAt > now + 5 * 60_000)
      errs = [
        {
          column: table.match.headers.startedAt ?? '开始时间',
          value: cells[table.match.columns.startedAt!] ?? '',
          reason: '开始时间在未来：请检查日期',
        },
      ];
    if (errs.length || !res.ok) {
      s.errors++;
      for (const e of errs) if (s.errorRows.length < 500) s.errorRows.push({ rowNo, ...e });
      continue;
    }
    pending.set(chatKeyOf(res.row), res.row);
    if (pending.size >= CHUNK) cut();
  }
  cut();
  if (chunks.length)
    await db.transaction().execute(async (trx) => {
      for (const batch of chunks) await store(trx, batch);
    });
  // The enquirers become customers of the shop (咨询 lifecycle), through the customers module.
  if (s.created || s.updated) await customers.syncEnquiries(db, actor.orgId, shop.id);
  await audit.record(db, actor, 'service.import', {
    shopId: shop.id,
    entityType: 'shop',
    entityId: shop.id,
    after: { file: opts.fileName, format: opts.format, rows: s.rows, created: s.created, updated: s.updated, errors: s.errors },
  });
  return s;
}

// ---------------------------------------------------------------- figures

/** The shop's paid orders of these buyers paid between two days (the allowlisted read of `orders`). */
async function paidOrders(db: Kysely<DB>, shopId: string, buyers: string[], from: string, to: string): Promise<Map<string, PaidFact[]>> {
  const rows = await inChunks(buyers, (chunk) =>
    db
      .selectFrom('orders')
      .select(['buyer_nick', 'paid_at', 'paid_day', 'paid_fen'])
      .where('shop_id', '=', shopId)
      .where('paid_day', '>=', from)
      .where('paid_day', '<=', to)
      .where('status', '!=', 'cancelled')
      .where('buyer_nick', 'in', chunk)
      .execute(),
  );
  const m = new Map<string, PaidFact[]>();
  for (const r of rows) {
    if (r.paid_at === null || r.paid_day === null) continue;
    const list = m.get(r.buyer_nick) ?? [];
    list.push({ buyer: r.buyer_nick, paidAt: Number(r.paid_at), paidDay: r.paid_day, paidFen: Number(r.paid_fen) });
    m.set(r.buyer_nick, list);
  }
  return m;
}

export async function figures(db: Kysely<DB>, actor: Actor, q: z.output<typeof ServiceFiguresQuery>) {
  if (q.from > q.to)
    throw new AppError('validation_failed', '开始日期晚于结束日期', {}, [{ path: 'from', message: '开始日期晚于结束日期' }]);
  if (dayDiff(q.from, q.to) > 366)
    throw new AppError('validation_failed', '一次最多统计 366 天', {}, [{ path: 'to', message: '区间过长' }]);
  const settings = await getSettings(db, actor, q.shopId);
  const rows = await db
    .selectFrom('service_chats')
    .select(['agent', 'customer', 'started_at', 'start_day', 'first_response_s', 'ended_at'])
    .where('shop_id', '=', settings.shopId)
    .where('start_day', '>=', q.from)
    .where('start_day', '<=', q.to)
    .execute();
  const chats: ChatFact[] = rows.map((r) => ({
    agent: r.agent,
    customer: r.customer,
    startedAt: Number(r.started_at),
    startDay: r.start_day,
    firstResponseS: r.first_response_s === null ? null : Number(r.first_response_s),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
  }));
  const paid = await paidOrders(
    db,
    settings.shopId,
    [...new Set(chats.map((c) => c.customer))],
    q.from,
    addDays(q.to, settings.conversionDays),
  );
  const byAgent = new Map<string, ChatFact[]>();
  for (const c of chats) byAgent.set(c.agent, [...(byAgent.get(c.agent) ?? []), c]);
  const qa = await db
    .selectFrom('service_qa')
    .select(['agent', (eb) => eb.fn.avg<number>('score').as('avg'), (eb) => eb.fn.count<number>('score').as('n')])
    .where('shop_id', '=', settings.shopId)
    .groupBy('agent')
    .execute();
  const qaOf = new Map(qa.map((x) => [x.agent, { avg: x.avg === null ? null : Number(x.avg), n: Number(x.n) }]));
  return {
    shopId: settings.shopId,
    from: q.from,
    to: q.to,
    conversionDays: settings.conversionDays,
    shop: serviceFigures(null, chats, paid, settings.conversionDays),
    agents: [...byAgent.entries()]
      .map(([agent, list]) => ({
        ...serviceFigures(agent, list, paid, settings.conversionDays),
        qaAvg: qaOf.get(agent)?.avg ?? null,
        qaScored: qaOf.get(agent)?.n ?? 0,
      }))
      .sort((a, b) => b.enquiries - a.enquiries || a.agent!.localeCompare(b.agent!)),
  };
}

export async function listChats(db: Kysely<DB>, actor: Actor, q: z.output<typeof ChatListQuery>) {
  const shop = await shops.getVisible(db, actor, q.shopId);
  let s = db.selectFrom('service_chats').where('shop_id', '=', shop.id);
  if (q.agent) s = s.where('agent', '=', q.agent);
  if (q.from) s = s.where('start_day', '>=', q.from);
  if (q.to) s = s.where('start_day', '<=', q.to);
  const total = await cappedCount(db, s);
  const { rows, nextCursor } = await keysetPage(
    s.selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc'),
    { columns: ['started_at', 'id'], desc: true, kinds: ['number', 'string'], of: (r) => [Number(r.started_at), r.id] },
    q,
  );
  return cursorPageOf(rows.map(chatDto), total, q, nextCursor);
}

function chatDto(r: DB['service_chats']) {
  return {
    id: r.id,
    chatKey: r.chat_key,
    agent: r.agent,
    customer: r.customer,
    startedAt: Number(r.started_at),
    firstResponseS: r.first_response_s,
    messages: r.messages,
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
    orderNo: r.order_no,
  };
}

// ---------------------------------------------------------------- QA sampling

/**
 * Sample up to `perAgent` not yet sampled conversations per agent from the period (spread evenly
 * over each agent's conversations in time order, so a sample is not all from one busy hour).
 */
export async function sampleQa(trx: Transaction<DB>, actor: Actor, b: z.output<typeof QaSampleBody>) {
  const shop = await shops.getVisible(trx, actor, b.shopId);
  const rows = await trx
    .selectFrom('service_chats')
    .leftJoin('service_qa', 'service_qa.chat_id', 'service_chats.id')
    .select(['service_chats.id', 'service_chats.agent'])
    .where('service_chats.shop_id', '=', shop.id)
    .where('service_chats.start_day', '>=', b.from)
    .where('service_chats.start_day', '<=', b.to)
    .where('service_qa.id', 'is', null)
    .orderBy('service_chats.agent')
    .orderBy('service_chats.started_at')
    .execute();
  const byAgent = new Map<string, string[]>();
  for (const r of rows) byAgent.set(r.agent, [...(byAgent.get(r.agent) ?? []), r.id]);
  const now = Date.now();
  const picks: {
    id: string;
    chat_id: string;
    org_id: string;
    shop_id: string;
    agent: string;
    score: null;
    note: string;
    reviewer: string;
    sampled_at: number;
    scored_at: null;
  }[] = [];
  for (const [agent, ids] of byAgent) {
    const n = Math.min(b.perAgent, ids.length);
    for (let i = 0; i < n; i++) {
      const chatId = ids[Math.floor(((i + 0.5) * ids.length) / n)]!;
      picks.push({
        id: newId('qa'),
        chat_id: chatId,
        org_id: actor.orgId,
        shop_id: shop.id,
        agent,
        score: null,
        note: '',
        reviewer: '',
        sampled_at: now,
        scored_at: null,
      });
    }
  }
  for (let i = 0; i < picks.length; i += CHUNK)
    await trx
      .insertInto('service_qa')
      .values(picks.slice(i, i + CHUNK))
      .execute();
  await audit.record(trx, actor, 'service.qa_sample', {
    shopId: shop.id,
    entityType: 'shop',
    entityId: shop.id,
    after: { from: b.from, to: b.to, sampled: picks.length },
  });
  return { sampled: picks.length, agents: byAgent.size };
}

export async function listQa(db: Kysely<DB>, actor: Actor, q: z.output<typeof QaListQuery>) {
  const shop = await shops.getVisible(db, actor, q.shopId);
  let s = db
    .selectFrom('service_qa')
    .innerJoin('service_chats', 'service_chats.id', 'service_qa.chat_id')
    .selectAll('service_chats')
    .select([
      'service_qa.id as qa_id',
      'service_qa.score',
      'service_qa.note',
      'service_qa.reviewer',
      'service_qa.scored_at',
      'service_qa.sampled_at',
    ])
    .where('service_qa.shop_id', '=', shop.id);
  if (q.agent) s = s.where('service_qa.agent', '=', q.agent);
  if (q.pending) s = s.where('service_qa.score', 'is', null);
  const rows = await s.orderBy('service_qa.sampled_at', 'desc').orderBy('service_qa.id').limit(500).execute();
  return {
    items: rows.map((r) => ({
      id: r.qa_id,
      chat: chatDto(r),
      score: r.score,
      note: r.note,
      reviewer: r.reviewer,
      scoredAt: r.scored_at === null ? null : Number(r.scored_at),
    })),
  };
}

export async function scoreQa(trx: Transaction<DB>, actor: Actor, id: string, b: z.output<typeof QaScoreBody>) {
  let q = trx.selectFrom('service_qa').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId);
  q = scopeToShops(q, actor, 'shop_id');
  const r = await q.executeTakeFirst();
  if (!r) throw new AppError('not_found', `质检记录 ${id} 不存在或无权访问`, { id });
  const reviewer = actor.displayName || actor.username;
  await trx
    .updateTable('service_qa')
    .set({ score: b.score, note: b.note.trim(), reviewer, scored_at: Date.now() })
    .where('id', '=', id)
    .execute();
  await audit.record(trx, actor, 'service.qa_score', {
    shopId: r.shop_id,
    entityType: 'service_qa',
    entityId: id,
    before: { score: r.score },
    after: { score: b.score },
  });
  return { id, score: b.score, note: b.note.trim(), reviewer };
}

// ---------------------------------------------------------------- staffing plan

/**
 * The hourly plan for a day: the mean enquiries per hour of day over the `historyDays` days before
 * it (same shop, local hours), times the peak multiplier, each hour through Erlang C.
 */
export async function staffingPlan(db: Kysely<DB>, actor: Actor, q: z.output<typeof StaffingPlanQuery>) {
  const settings = await getSettings(db, actor, q.shopId);
  const input = {
    ahtSeconds: q.ahtSeconds ?? settings.ahtSeconds,
    target: q.target ?? settings.target,
    withinSeconds: q.withinSeconds ?? settings.withinSeconds,
    shrinkage: q.shrinkage ?? settings.shrinkage,
  };
  const problem = staffingInputProblem({ perHour: 0, ...input });
  if (problem) throw new AppError('validation_failed', problem);
  const from = addDays(q.day, -q.historyDays);
  const to = addDays(q.day, -1);
  const rows = await db
    .selectFrom('service_chats')
    .select(['start_hour', (eb) => eb.fn.countAll<number>().as('n')])
    .where('shop_id', '=', settings.shopId)
    .where('start_day', '>=', from)
    .where('start_day', '<=', to)
    .groupBy('start_hour')
    .execute();
  const byHour = new Map(rows.map((r) => [Number(r.start_hour), Number(r.n)]));
  const hours = Array.from({ length: 24 }, (_, hour) => {
    const history = (byHour.get(hour) ?? 0) / q.historyDays;
    const perHour = Math.round(history * q.multiplier * 10) / 10;
    const r = staffing({ perHour, ...input });
    return { hour, historyPerHour: Math.round(history * 10) / 10, ...r, perHour };
  });
  const peak = hours.reduce((a, b) => (b.agents > a.agents ? b : a), hours[0]!);
  return {
    shopId: settings.shopId,
    day: q.day,
    history: { from, to, days: q.historyDays, enquiries: [...byHour.values()].reduce((a, b) => a + b, 0) },
    multiplier: q.multiplier,
    ...input,
    hours,
    totals: {
      enquiries: Math.round(hours.reduce((a, h) => a + h.perHour, 0)),
      agentHours: hours.reduce((a, h) => a + h.agents, 0),
      scheduledHours: hours.reduce((a, h) => a + h.scheduled, 0),
      peakHour: peak.hour,
      peakAgents: peak.agents,
      peakScheduled: peak.scheduled,
    },
    /** What one agent fewer at the peak hour would give (the what-if's other side). */
    peakOneFewer: peak.agents > 0 ? queueFigures(peak.agents - 1, peak.perHour, input.ahtSeconds, input.withinSeconds) : null,
  };
}

// ---------------------------------------------------------------- for the customers module

/** Enquiries per buyer nick of a shop (all time or since a day): the 咨询 lifecycle's input. */
export async function enquiriesByCustomer(
  db: Kysely<DB>,
  shopId: string,
  sinceDay?: string,
): Promise<Map<string, { enquiries: number; lastDay: string }>> {
  let q = db
    .selectFrom('service_chats')
    .select(['customer', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('start_day').as('last')])
    .where('shop_id', '=', shopId);
  if (sinceDay) q = q.where('start_day', '>=', sinceDay);
  const rows = await q.groupBy('customer').execute();
  return new Map(rows.map((r) => [r.customer, { enquiries: Number(r.n), lastDay: String(r.last) }]));
}

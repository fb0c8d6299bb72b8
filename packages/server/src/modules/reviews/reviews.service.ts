/**
 * Reviews: import (presets per platform + generic, idempotent by the platform's review id), entry by
 * hand, keyword tags from the organisation's dictionary, the 中差评 alert (raised in the transaction
 * that stores the review, once per review), the follow-up workflow with its SLA and outcome.
 */
import { createHash } from 'node:crypto';
import {
  AppError,
  controlCharCell,
  DEFAULT_REVIEW_KEYWORDS,
  localClock,
  followupNext,
  isNegativeReview,
  newId,
  parseReviewRow,
  REVIEW_FORMAT_LABELS,
  REVIEW_SLA_HOURS,
  REVIEW_STATUS_LABELS,
  reviewColumns,
  reviewLevel,
  tagReview,
  FOLLOWUP_ACTION_LABELS,
  type BatchFollowupBody,
  type CellError,
  type CreateReviewBody,
  type FollowupBody,
  type ParsedReview,
  type ReviewField,
  type ReviewFormat,
  type ReviewKeywordsBody,
  type ReviewListQuery,
  type FollowupDto,
  type ReviewDto,
  type ReviewStatus,
  REVIEW_FORMATS,
} from '@yunying/core';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import {
  assertShopVisible,
  cappedCount,
  cursorPageOf,
  inChunks,
  keysetPage,
  scopeToShops,
  searchTerm,
  anyTextMatch,
  textMatch,
  insertBatched,
} from '../../db/kit.js';
import type { DB, ReviewsTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as aftersales from '../aftersales/index.js';
import * as audit from '../audit/index.js';
import * as notifications from '../notifications/index.js';
import * as shops from '../shops/index.js';
import { openTable } from './reviews.file.js';

const OPEN_STATUSES: ReviewStatus[] = ['open', 'contacted', 'compensating', 'revision_requested', 'replied'];

export function reviewRowToDto(r: ReviewsTable, now = Date.now()): ReviewDto {
  const status = r.status as ReviewStatus;
  const due = r.sla_due_at === null ? null : Number(r.sla_due_at);
  return {
    id: r.id,
    shopId: r.shop_id,
    platform: r.platform,
    reviewKey: r.review_key,
    orderNo: r.order_no,
    productTitle: r.product_title,
    skuText: r.sku_text,
    buyerNick: r.buyer_nick,
    rating: r.rating,
    level: reviewLevel(r.rating),
    content: r.content,
    imageCount: r.image_count,
    appendContent: r.append_content,
    dsrDesc: r.dsr_desc,
    dsrService: r.dsr_service,
    dsrLogistics: r.dsr_logistics,
    tags: r.tags ? r.tags.split('|') : [],
    reviewedAt: Number(r.reviewed_at),
    reviewDay: r.review_day,
    status,
    slaDueAt: due,
    overdue: due !== null && OPEN_STATUSES.includes(status) && due < now,
    outcome: r.outcome,
    reply: r.reply,
    aftersaleId: r.aftersale_id,
    closedAt: r.closed_at === null ? null : Number(r.closed_at),
  };
}

// ---------------------------------------------------------------- keyword dictionary

export type Dictionary = { tag: string; keywords: string[] }[];

export async function dictionary(db: Kysely<DB> | Transaction<DB>, orgId: string): Promise<Dictionary> {
  const rows = await db.selectFrom('review_keywords').select(['tag', 'keywords']).where('org_id', '=', orgId).orderBy('position').execute();
  if (!rows.length) return DEFAULT_REVIEW_KEYWORDS.map((d) => ({ tag: d.tag, keywords: [...d.keywords] }));
  return rows.map((r) => ({ tag: r.tag, keywords: r.keywords ? r.keywords.split('|') : [] }));
}

/** Replace the dictionary and re-tag the organisation's reviews with it. */
export async function setDictionary(trx: Transaction<DB>, actor: Actor, body: z.output<typeof ReviewKeywordsBody>): Promise<Dictionary> {
  const seen = new Set<string>();
  for (const [i, it] of body.items.entries()) {
    if (seen.has(it.tag))
      throw new AppError('validation_failed', `标签「${it.tag}」重复：每个标签只写一行`, {}, [
        { path: `items.${i}.tag`, message: '标签重复' },
      ]);
    seen.add(it.tag);
    if (it.keywords.some((k) => k.includes('|')))
      throw new AppError('validation_failed', `标签「${it.tag}」的关键词不能含有竖线 |`, {}, [
        { path: `items.${i}.keywords`, message: '关键词含 |' },
      ]);
  }
  await trx.deleteFrom('review_keywords').where('org_id', '=', actor.orgId).execute();
  if (body.items.length)
    await trx
      .insertInto('review_keywords')
      .values(
        body.items.map((it, i) => ({
          id: newId('rkw'),
          org_id: actor.orgId,
          tag: it.tag,
          keywords: [...new Set(it.keywords)].join('|'),
          position: i,
        })),
      )
      .execute();
  const dict = body.items.map((d) => ({ tag: d.tag, keywords: d.keywords }));
  // Re-tag: the reviews' texts against the new words (a page of ids at a time, only changed rows written).
  let after = '';
  for (;;) {
    const page = await trx
      .selectFrom('reviews')
      .select(['id', 'rating', 'content', 'append_content', 'tags'])
      .where('org_id', '=', actor.orgId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(1000)
      .execute();
    if (!page.length) break;
    for (const r of page) {
      const tags = tagReview(r.rating, `${r.content}\n${r.append_content}`, dict).join('|');
      if (tags !== r.tags) await trx.updateTable('reviews').set({ tags }).where('id', '=', r.id).execute();
    }
    after = page[page.length - 1]!.id;
  }
  await audit.record(trx, actor, 'review.keywords', {
    entityType: 'review_keywords',
    entityId: actor.orgId,
    after: { tags: dict.map((d) => d.tag) },
  });
  return dict;
}

// ---------------------------------------------------------------- storing reviews

interface NewReview extends ParsedReview {
  platform: string;
  key: string;
}

/** A review without a platform id is known by its content: order, buyer, time and text. */
function contentKey(r: ParsedReview): string {
  const h = createHash('sha256').update([r.orderNo, r.buyerNick, r.reviewedAt, r.rating, r.content].join('\u0000')).digest('hex');
  return `h:${h.slice(0, 32)}`;
}

function raiseAlert(trx: Transaction<DB>, orgId: string, shop: { id: string; timezone: string }, id: string, r: ParsedReview) {
  const shopId = shop.id;
  const level = reviewLevel(r.rating);
  const what = level === 'bad' ? '差评' : '中评';
  const snippet = r.content.length > 60 ? `${r.content.slice(0, 60)}…` : r.content || '（无文字）';
  const title = `新${what}（${r.rating} 星）：${r.productTitle || r.orderNo || '未知商品'}`;
  const body = `买家 ${r.buyerNick || '匿名'}：${snippet}。请在 ${REVIEW_SLA_HOURS} 小时内跟进（联系买家、补偿或公开回复）。`;
  return notifications.raise(trx, {
    orgId,
    shopId,
    type: 'review_negative',
    level: level === 'bad' ? 'error' : 'warning',
    title,
    body,
    permission: 'reviews.read',
    entityType: 'review',
    entityId: id,
    dedupeKey: `review:${id}`,
    // Mailed after the import commits, by the notifications' email job (at most once per person).
    email: {
      subject: `【${what}提醒】${title}`,
      text: [
        body,
        '',
        `评分：${r.rating} 星${r.orderNo ? `，订单号：${r.orderNo}` : ''}`,
        `评价时间：${new Date(r.reviewedAt).toLocaleString('zh-CN', { timeZone: shop.timezone || 'Asia/Shanghai', hour12: false })}`,
        `在运营台处理：评价 → 评价管理 → 跟进（/reviews/${id}）`,
        '',
        '——',
        '不想收到中差评提醒邮件？在运营台 个人设置 → 邮件提醒 中关闭。',
      ].join('\n'),
    },
  });
}

/**
 * Insert the new reviews and update the known ones (same shop, platform and key). A new 中差评
 * opens a follow-up with its SLA and raises its alert in this transaction; a known review never
 * raises again. Returns the counts.
 */
async function storeReviews(
  trx: Transaction<DB>,
  orgId: string,
  shop: { id: string; timezone: string },
  rows: NewReview[],
  dict: Dictionary,
  now: number,
): Promise<{ created: number; updated: number; unchanged: number; alerts: number }> {
  const out = { created: 0, updated: 0, unchanged: 0, alerts: 0 };
  const local = localClock(shop.timezone);
  const byPlatform = new Map<string, NewReview[]>();
  for (const r of rows) byPlatform.set(r.platform, [...(byPlatform.get(r.platform) ?? []), r]);
  for (const [platform, list] of byPlatform) {
    const existing = await inChunks(
      list.map((r) => r.key),
      (keys) =>
        trx
          .selectFrom('reviews')
          .selectAll()
          .where('shop_id', '=', shop.id)
          .where('platform', '=', platform)
          .where('review_key', 'in', keys)
          .execute(),
    );
    const known = new Map(existing.map((e) => [e.review_key, e]));
    const fresh: Insertable<ReviewsTable>[] = [];
    const alerts: { id: string; r: NewReview }[] = [];
    for (const r of list) {
      const tags = tagReview(r.rating, `${r.content}\n${r.appendContent}`, dict).join('|');
      const e = known.get(r.key);
      if (e) {
        const patch = {
          order_no: r.orderNo || e.order_no,
          product_title: r.productTitle || e.product_title,
          sku_text: r.skuText || e.sku_text,
          buyer_nick: r.buyerNick || e.buyer_nick,
          rating: r.rating,
          content: r.content,
          image_count: r.imageCount,
          append_content: r.appendContent || e.append_content,
          dsr_desc: r.dsrDesc ?? e.dsr_desc,
          dsr_service: r.dsrService ?? e.dsr_service,
          dsr_logistics: r.dsrLogistics ?? e.dsr_logistics,
          tags,
        };
        const changed = (Object.keys(patch) as (keyof typeof patch)[]).some((k) => patch[k] !== e[k]);
        if (!changed) {
          out.unchanged++;
          continue;
        }
        await trx
          .updateTable('reviews')
          .set({ ...patch, updated_at: now })
          .where('id', '=', e.id)
          .execute();
        out.updated++;
        continue;
      }
      const id = newId('rev');
      const negative = isNegativeReview(r.rating);
      fresh.push({
        id,
        org_id: orgId,
        shop_id: shop.id,
        platform,
        review_key: r.key === '' ? id : r.key,
        order_no: r.orderNo,
        product_title: r.productTitle,
        sku_text: r.skuText,
        buyer_nick: r.buyerNick,
        rating: r.rating,
        content: r.content,
        image_count: r.imageCount,
        append_content: r.appendContent,
        dsr_desc: r.dsrDesc,
        dsr_service: r.dsrService,
        dsr_logistics: r.dsrLogistics,
        tags,
        reviewed_at: r.reviewedAt,
        review_day: local(r.reviewedAt).day,
        status: negative ? 'open' : 'none',
        sla_due_at: negative ? now + REVIEW_SLA_HOURS * 3600_000 : null,
        outcome: null,
        reply: '',
        aftersale_id: null,
        closed_at: null,
        created_at: now,
        updated_at: now,
      });
      known.set(r.key, { id } as ReviewsTable);
      if (negative) alerts.push({ id, r });
    }
    await insertBatched(trx, 'reviews', fresh);
    out.created += fresh.length;
    for (const a of alerts) await raiseAlert(trx, orgId, shop, a.id, a.r);
    out.alerts += alerts.length;
  }
  return out;
}

export interface ReviewImportError extends CellError {
  rowNo: number;
}
export interface ReviewImportSummary {
  format: ReviewFormat;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  alerts: number;
  errors: number;
  errorRows: ReviewImportError[];
}

const IMPORT_CHUNK = 500;
const MAX_REPORTED = 500;

export async function importReviewsFile(
  db: Kysely<DB>,
  actor: Actor,
  opts: { shopId: string; format: string; file: string; fileName: string; now?: number },
): Promise<ReviewImportSummary> {
  if (!(REVIEW_FORMATS as readonly string[]).includes(opts.format))
    throw new AppError(
      'validation_failed',
      `评价导入格式应为 ${REVIEW_FORMATS.map((f) => `${f}（${REVIEW_FORMAT_LABELS[f]}）`).join('、')} 之一`,
      {},
      [{ path: 'format', message: '格式不正确' }],
    );
  const format = opts.format as ReviewFormat;
  const shop = await shops.getVisible(db, actor, opts.shopId);
  const now = opts.now ?? Date.now();
  const table = await openTable(opts.file, opts.fileName, reviewColumns(format), '评价');
  const dict = await dictionary(db, actor.orgId);
  const summary: ReviewImportSummary = { format, rows: 0, created: 0, updated: 0, unchanged: 0, alerts: 0, errors: 0, errorRows: [] };
  const platform = format === 'generic' ? 'generic' : format;
  // The whole file is read before anything is stored, then stored in one transaction: a file that
  // breaks after some good rows (a cell too long, a broken encoding) stores none of them.
  const chunks: NewReview[][] = [];
  let pending = new Map<string, NewReview>();
  const cut = () => {
    if (!pending.size) return;
    chunks.push([...pending.values()]);
    pending = new Map();
  };
  for (let it = await table.rows.next(); !it.done; it = await table.rows.next()) {
    const { rowNo, cells } = it.value;
    if (cells.every((c) => !c || !c.trim())) continue;
    summary.rows++;
    // PostgreSQL cannot store U+0000 and the other controls are invisible: reported on the row.
    const control = controlCharCell(cells, table.match.columns, (f) => table.match.headers[f as ReviewField] ?? f);
    if (control) {
      summary.errors++;
      if (summary.errorRows.length < MAX_REPORTED) summary.errorRows.push({ rowNo, ...control });
      continue;
    }
    const res = parseReviewRow(cells, table.match, shop.timezone);
    if (!res.ok) {
      summary.errors++;
      for (const e of res.errors) if (summary.errorRows.length < MAX_REPORTED) summary.errorRows.push({ rowNo, ...e });
      continue;
    }
    if (res.row.reviewedAt > now + 5 * 60_000) {
      summary.errors++;
      if (summary.errorRows.length < MAX_REPORTED)
        summary.errorRows.push({
          rowNo,
          column: table.match.headers.reviewedAt ?? '评价时间',
          value: String(cells[table.match.columns.reviewedAt!] ?? ''),
          reason: '评价时间在未来：请检查日期',
        });
      continue;
    }
    const key = res.row.reviewKey ?? contentKey(res.row);
    // The same review twice in one file: the later row is the newer state.
    pending.set(key, { ...res.row, platform, key });
    if (pending.size >= IMPORT_CHUNK) cut();
  }
  cut();
  if (chunks.length)
    await db.transaction().execute(async (trx) => {
      for (const rows of chunks) {
        const r = await storeReviews(trx, actor.orgId, shop, rows, dict, now);
        summary.created += r.created;
        summary.updated += r.updated;
        summary.unchanged += r.unchanged;
        summary.alerts += r.alerts;
      }
    });
  await audit.record(db, actor, 'review.import', {
    shopId: shop.id,
    entityType: 'shop',
    entityId: shop.id,
    after: {
      file: opts.fileName,
      format,
      rows: summary.rows,
      created: summary.created,
      updated: summary.updated,
      errors: summary.errors,
      alerts: summary.alerts,
    },
  });
  return summary;
}

export async function createReview(
  trx: Transaction<DB>,
  actor: Actor,
  body: z.output<typeof CreateReviewBody>,
  now = Date.now(),
): Promise<ReviewDto> {
  const shop = await shops.getVisible(trx, actor, body.shopId);
  const reviewedAt = body.reviewedAt ?? now;
  if (reviewedAt > now + 5 * 60_000)
    throw new AppError('validation_failed', '评价时间在未来', {}, [{ path: 'reviewedAt', message: '时间在未来' }]);
  const key = newId('mrv');
  const row: NewReview = {
    reviewKey: key,
    key,
    platform: 'manual',
    orderNo: body.orderNo.trim(),
    productTitle: body.productTitle.trim(),
    skuText: body.skuText.trim(),
    buyerNick: body.buyerNick.trim(),
    rating: body.rating,
    content: body.content.trim(),
    imageCount: body.imageCount,
    appendContent: body.appendContent.trim(),
    dsrDesc: body.dsrDesc,
    dsrService: body.dsrService,
    dsrLogistics: body.dsrLogistics,
    reviewedAt,
  };
  await storeReviews(trx, actor.orgId, shop, [row], await dictionary(trx, actor.orgId), now);
  const r = await trx
    .selectFrom('reviews')
    .selectAll()
    .where('shop_id', '=', shop.id)
    .where('platform', '=', 'manual')
    .where('review_key', '=', key)
    .executeTakeFirstOrThrow();
  await audit.record(trx, actor, 'review.create', { shopId: shop.id, entityType: 'review', entityId: r.id, after: { rating: r.rating } });
  return reviewRowToDto(r, now);
}

// ---------------------------------------------------------------- reading

export async function listReviews(db: Kysely<DB>, actor: Actor, f: z.output<typeof ReviewListQuery>, now = Date.now()) {
  let q = db.selectFrom('reviews').where('reviews.org_id', '=', actor.orgId);
  q = scopeToShops(q, actor, 'reviews.shop_id');
  if (f.shopId) q = q.where('reviews.shop_id', '=', f.shopId);
  if (f.level === 'bad') q = q.where('reviews.rating', '<=', 2);
  else if (f.level === 'neutral') q = q.where('reviews.rating', '=', 3);
  else if (f.level === 'good') q = q.where('reviews.rating', '>=', 4);
  else if (f.level === 'negative') q = q.where('reviews.rating', '<=', 3);
  if (f.status) q = q.where('reviews.status', '=', f.status);
  if (f.overdue) q = q.where('reviews.status', 'in', OPEN_STATUSES).where('reviews.sla_due_at', '<', now);
  if (f.tag) q = q.where(textMatch('reviews.tags', f.tag, 'contains'));
  if (f.from) q = q.where('reviews.review_day', '>=', f.from);
  if (f.to) q = q.where('reviews.review_day', '<=', f.to);
  if (f.productTitle) q = q.where('reviews.product_title', '=', f.productTitle);
  const term = searchTerm(f.q);
  if (term)
    q = q.where(
      anyTextMatch(
        ['reviews.content', 'reviews.append_content', 'reviews.order_no', 'reviews.buyer_nick', 'reviews.product_title'],
        term,
        'contains',
      ),
    );
  const total = await cappedCount(db, q);
  const { rows, nextCursor } = await keysetPage(
    q.selectAll('reviews').orderBy('reviews.reviewed_at', 'desc').orderBy('reviews.id', 'desc'),
    { columns: ['reviews.reviewed_at', 'reviews.id'], desc: true, kinds: ['number', 'string'], of: (r) => [Number(r.reviewed_at), r.id] },
    f,
  );
  return cursorPageOf(
    rows.map((r) => reviewRowToDto(r, now)),
    total,
    f,
    nextCursor,
  );
}

async function mustReview(db: Kysely<DB> | Transaction<DB>, actor: Actor, id: string): Promise<ReviewsTable> {
  const r = await db.selectFrom('reviews').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!r) throw new AppError('not_found', `评价 ${id} 不存在或无权访问`, { id });
  assertShopVisible(actor, r.shop_id, `评价 ${id} 不存在或无权访问`, { id });
  return r;
}

export async function getReview(db: Kysely<DB>, actor: Actor, id: string): Promise<ReviewDto & { followups: FollowupDto[] }> {
  const r = await mustReview(db, actor, id);
  const f = await db.selectFrom('review_followups').selectAll().where('review_id', '=', id).orderBy('at').orderBy('id').execute();
  return {
    ...reviewRowToDto(r),
    followups: f.map((x) => ({ id: x.id, action: x.action, note: x.note, userName: x.user_name, at: Number(x.at) })),
  };
}

// ---------------------------------------------------------------- follow-up

export async function followup(trx: Transaction<DB>, actor: Actor, id: string, body: z.output<typeof FollowupBody>, now = Date.now()) {
  const r = await mustReview(trx, actor, id);
  const from = r.status as ReviewStatus;
  if (from === 'none' && body.action !== 'reply')
    throw new AppError('invalid_state', '这是好评，无需跟进；可以直接公开回复', { id, status: from });
  const next = from === 'none' ? 'none' : followupNext(from, body.action);
  if (next === null)
    throw new AppError('invalid_state', `评价当前「${REVIEW_STATUS_LABELS[from]}」，不能「${FOLLOWUP_ACTION_LABELS[body.action]}」`, {
      id,
      status: from,
      action: body.action,
    });
  const patch: Partial<ReviewsTable> = { status: next, updated_at: now };
  let note = body.note.trim();
  if (body.action === 'reply') {
    const reply = (body.reply ?? '').trim();
    if (!reply)
      throw new AppError('validation_failed', '请填写公开回复的内容（可从模板选择后修改）', {}, [
        { path: 'reply', message: '回复不能为空' },
      ]);
    patch.reply = reply;
    note = note || reply;
  }
  if (body.action === 'compensate') {
    if (body.aftersaleId) {
      const c = await aftersales.getCase(trx, actor, body.aftersaleId);
      if (c.shopId !== r.shop_id)
        throw new AppError('validation_failed', `售后单 ${c.code} 不属于这条评价的店铺`, {}, [
          { path: 'aftersaleId', message: '店铺不一致' },
        ]);
      patch.aftersale_id = c.id;
      note = `${note ? `${note}；` : ''}售后单 ${c.code}`;
    } else if (!note) {
      throw new AppError('validation_failed', '请关联补偿的售后单，或写明补偿方式（如 小额打款 10 元）', {}, [
        { path: 'aftersaleId', message: '请关联售后单或写明补偿' },
      ]);
    }
  }
  if (body.action === 'close') {
    if (!body.outcome) throw new AppError('validation_failed', '结束跟进前请选择结果', {}, [{ path: 'outcome', message: '请选择结果' }]);
    patch.outcome = body.outcome;
    patch.closed_at = now;
  }
  if (body.action === 'reopen') {
    patch.outcome = null;
    patch.closed_at = null;
    patch.sla_due_at = now + REVIEW_SLA_HOURS * 3600_000;
  }
  const res = await trx.updateTable('reviews').set(patch).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  if (res.numUpdatedRows !== 1n) throw new AppError('conflict', '这条评价刚被别人处理过，请刷新后再试', { id });
  await trx
    .insertInto('review_followups')
    .values({
      id: newId('rfu'),
      review_id: id,
      action: body.action,
      note,
      user_id: actor.userId || null,
      user_name: actor.displayName || actor.username,
      at: now,
    })
    .execute();
  if (body.action === 'close') await notifications.resolve(trx, actor.orgId, `review:${id}`);
  await audit.record(trx, actor, `review.${body.action}`, {
    shopId: r.shop_id,
    entityType: 'review',
    entityId: id,
    before: { status: from },
    after: { status: next },
  });
  return reviewRowToDto({ ...r, ...patch } as ReviewsTable, now);
}

/** The same step on many reviews; each in its own transaction, failures reported per review. */
export async function batchFollowup(db: Kysely<DB>, actor: Actor, body: z.output<typeof BatchFollowupBody>) {
  const { ids, ...step } = body;
  const done: string[] = [];
  const failed: { id: string; reason: string }[] = [];
  for (const id of [...new Set(ids)]) {
    try {
      await db.transaction().execute((trx) => followup(trx, actor, id, step));
      done.push(id);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      failed.push({ id, reason: err.message });
    }
  }
  return { done: done.length, failed };
}

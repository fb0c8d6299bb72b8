/**
 * Reviews in bulk for the demo loader: the simulated reviews written as given (tags from the
 * organisation's dictionary; 中差评 of the last three days still open, with their SLA and alert;
 * older ones closed with an outcome and a public reply), and removing a shop's reviews again.
 */
import { businessDay, isNegativeReview, newId, REPLY_TEMPLATES, REVIEW_OUTCOMES, REVIEW_SLA_HOURS, tagReview } from '@yunying/core';
import type { Kysely } from 'kysely';
import { IN_CHUNK, chunk, insertBatched } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';
import * as notifications from '../notifications/index.js';
import { dictionary } from './reviews.service.js';

export interface BulkReview {
  shopId: string;
  platform: string;
  reviewKey: string;
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

const OPEN_FOR_MS = 3 * 86_400_000;

/** A small stable number from the review key (FNV-1a), to vary the demo's outcomes and replies. */
function keyHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export async function insertReviews(
  trx: Kysely<DB>,
  opts: { orgId: string; timezone: string; now: number; actorName: string; reviews: readonly BulkReview[] },
): Promise<{ reviews: number; open: number }> {
  const dict = await dictionary(trx, opts.orgId);
  const rows = [];
  const steps = [];
  const open: { id: string; r: BulkReview }[] = [];
  for (const r of opts.reviews) {
    const id = newId('rev');
    const negative = isNegativeReview(r.rating);
    const stillOpen = negative && opts.now - r.reviewedAt < OPEN_FOR_MS;
    const h = keyHash(r.reviewKey);
    const outcome = negative && !stillOpen ? REVIEW_OUTCOMES[h % REVIEW_OUTCOMES.length]! : null;
    const reply = outcome ? REPLY_TEMPLATES[h % REPLY_TEMPLATES.length]!.text : '';
    const closedAt = outcome ? Math.min(opts.now, r.reviewedAt + ((h % 20) + 2) * 3_600_000) : null;
    rows.push({
      id,
      org_id: opts.orgId,
      shop_id: r.shopId,
      platform: r.platform,
      review_key: r.reviewKey,
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
      tags: tagReview(r.rating, `${r.content}\n${r.appendContent}`, dict).join('|'),
      reviewed_at: r.reviewedAt,
      review_day: businessDay(r.reviewedAt, opts.timezone),
      status: !negative ? 'none' : stillOpen ? 'open' : 'closed',
      sla_due_at: negative ? r.reviewedAt + REVIEW_SLA_HOURS * 3_600_000 : null,
      outcome,
      reply,
      aftersale_id: null,
      closed_at: closedAt,
      created_at: r.reviewedAt,
      updated_at: closedAt ?? r.reviewedAt,
    });
    if (outcome && closedAt) {
      steps.push(
        { id: newId('rfu'), review_id: id, action: 'reply', note: reply, user_id: null, user_name: opts.actorName, at: closedAt - 60_000 },
        { id: newId('rfu'), review_id: id, action: 'close', note: '', user_id: null, user_name: opts.actorName, at: closedAt },
      );
    }
    if (stillOpen) open.push({ id, r });
  }
  await insertBatched(trx, 'reviews', rows);
  await insertBatched(trx, 'review_followups', steps);
  for (const { id, r } of open) {
    await notifications.raise(trx, {
      orgId: opts.orgId,
      shopId: r.shopId,
      type: 'review_negative',
      level: r.rating <= 2 ? 'error' : 'warning',
      title: `新${r.rating <= 2 ? '差评' : '中评'}（${r.rating} 星）：${r.productTitle || r.orderNo}`,
      body: `买家 ${r.buyerNick}：${r.content}。请在 ${REVIEW_SLA_HOURS} 小时内跟进（联系买家、补偿或公开回复）。`,
      permission: 'reviews.read',
      entityType: 'review',
      entityId: id,
      dedupeKey: `review:${id}`,
    });
  }
  return { reviews: rows.length, open: open.length };
}

/** Delete the reviews (and their follow-up steps and category averages) of these shops. */
export async function removeShopReviews(trx: Kysely<DB>, shopIds: readonly string[]): Promise<void> {
  for (const c of chunk(shopIds, IN_CHUNK)) {
    await trx
      .deleteFrom('review_followups')
      .where('review_id', 'in', (eb) => eb.selectFrom('reviews').select('id').where('shop_id', 'in', c))
      .execute();
    await trx.deleteFrom('reviews').where('shop_id', 'in', c).execute();
    await trx.deleteFrom('review_dsr_benchmarks').where('shop_id', 'in', c).execute();
  }
}

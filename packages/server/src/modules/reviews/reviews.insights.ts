/**
 * What the reviews say over time: the DSR (rolling 180-day mean of each sub-score, domain §2) per
 * shop with the category average when one was entered, and repeated complaints per product (the
 * keyword tags of 中差评 counted per product).
 */
import {
  addDays,
  businessDay,
  dayDiff,
  DEFAULT_TIMEZONE,
  DSR_WINDOW_DAYS,
  type DsrBenchmarkBody,
  type DsrQuery,
  type RepeatedComplaintsQuery,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import { scopeToShops } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as shops from '../shops/index.js';

type Trio = { desc: number | null; service: number | null; logistics: number | null };
export interface DsrPoint extends Trio {
  day: string;
  reviews: number;
}

const round2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

export async function dsrTrend(db: Kysely<DB>, actor: Actor, q: z.output<typeof DsrQuery>, now = Date.now()) {
  const shop = await shops.getVisible(db, actor, q.shopId);
  const today = businessDay(now, shop.timezone || DEFAULT_TIMEZONE);
  const firstPoint = addDays(today, -q.days + 1);
  const from = addDays(firstPoint, -(DSR_WINDOW_DAYS - 1));
  const rows = await db
    .selectFrom('reviews')
    .select(['review_day', 'dsr_desc', 'dsr_service', 'dsr_logistics'])
    .where('shop_id', '=', shop.id)
    .where('review_day', '>=', from)
    .where('review_day', '<=', today)
    .execute();
  // Per-day sums, then a sliding 180-day window over the days.
  const perDay = new Map<string, number[]>(); // [sD, nD, sS, nS, sL, nL, reviews]
  for (const r of rows) {
    const a = perDay.get(r.review_day) ?? [0, 0, 0, 0, 0, 0, 0];
    [r.dsr_desc, r.dsr_service, r.dsr_logistics].forEach((v, k) => {
      if (v === null) return;
      a[2 * k]! += v;
      a[2 * k + 1]! += 1;
    });
    a[6]! += 1;
    perDay.set(r.review_day, a);
  }
  const win = [0, 0, 0, 0, 0, 0, 0];
  const points: DsrPoint[] = [];
  const step = q.days > 90 ? 7 : 1;
  for (let d = from; d <= today; d = addDays(d, 1)) {
    const add = perDay.get(d);
    if (add) for (let k = 0; k < 7; k++) win[k]! += add[k]!;
    const drop = perDay.get(addDays(d, -DSR_WINDOW_DAYS));
    if (drop) for (let k = 0; k < 7; k++) win[k]! -= drop[k]!;
    if (d < firstPoint) continue;
    if (dayDiff(d, today) % step !== 0) continue;
    points.push({
      day: d,
      desc: round2(win[1] ? win[0]! / win[1] : null),
      service: round2(win[3] ? win[2]! / win[3] : null),
      logistics: round2(win[5] ? win[4]! / win[5] : null),
      reviews: win[6]!,
    });
  }
  const benchmarks = await db
    .selectFrom('review_dsr_benchmarks')
    .select(['month', 'dsr_desc', 'dsr_service', 'dsr_logistics'])
    .where('shop_id', '=', shop.id)
    .orderBy('month', 'desc')
    .limit(24)
    .execute();
  const current = points[points.length - 1] ?? { day: today, desc: null, service: null, logistics: null, reviews: 0 };
  const bench = benchmarks.find((b) => b.month <= today.slice(0, 7)) ?? null;
  const diff = (a: number | null, b: number) => (a === null ? null : round2(a - b));
  return {
    shopId: shop.id,
    today,
    windowDays: DSR_WINDOW_DAYS,
    current,
    points,
    benchmark: bench
      ? { month: bench.month, desc: Number(bench.dsr_desc), service: Number(bench.dsr_service), logistics: Number(bench.dsr_logistics) }
      : null,
    vsCategory: bench
      ? {
          desc: diff(current.desc, Number(bench.dsr_desc)),
          service: diff(current.service, Number(bench.dsr_service)),
          logistics: diff(current.logistics, Number(bench.dsr_logistics)),
        }
      : null,
    benchmarks: benchmarks.map((b) => ({
      month: b.month,
      desc: Number(b.dsr_desc),
      service: Number(b.dsr_service),
      logistics: Number(b.dsr_logistics),
    })),
  };
}

/** Enter (or replace) a month's category average DSR for a shop (from the platform's 店铺评分 page). */
export async function setBenchmark(trx: Transaction<DB>, actor: Actor, b: z.output<typeof DsrBenchmarkBody>) {
  const shop = await shops.getVisible(trx, actor, b.shopId);
  await trx.deleteFrom('review_dsr_benchmarks').where('shop_id', '=', shop.id).where('month', '=', b.month).execute();
  await trx
    .insertInto('review_dsr_benchmarks')
    .values({
      shop_id: shop.id,
      month: b.month,
      org_id: actor.orgId,
      dsr_desc: b.dsrDesc,
      dsr_service: b.dsrService,
      dsr_logistics: b.dsrLogistics,
    })
    .execute();
  await audit.record(trx, actor, 'review.dsr_benchmark', { shopId: shop.id, entityType: 'shop', entityId: shop.id, after: b });
  return { ok: true };
}

export interface RepeatedComplaint {
  shopId: string;
  productTitle: string;
  tag: string;
  reviews: number;
  lastDay: string;
}

/** Products with the same complaint (tag) in at least `min` 中差评 within the last `days` days, most first. */
export async function repeatedComplaints(db: Kysely<DB>, actor: Actor, q: z.output<typeof RepeatedComplaintsQuery>, now = Date.now()) {
  const since = addDays(businessDay(now), -q.days + 1);
  let s = db
    .selectFrom('reviews')
    .select(['shop_id', 'product_title', 'tags', 'review_day'])
    .where('org_id', '=', actor.orgId)
    .where('rating', '<=', 3)
    .where('tags', '!=', '')
    .where('review_day', '>=', since);
  s = scopeToShops(s, actor, 'shop_id');
  if (q.shopId) s = s.where('shop_id', '=', q.shopId);
  const rows = await s.execute();
  const acc = new Map<string, RepeatedComplaint>();
  for (const r of rows) {
    for (const tag of r.tags.split('|')) {
      const k = `${r.shop_id}\u0000${r.product_title}\u0000${tag}`;
      const a = acc.get(k) ?? { shopId: r.shop_id, productTitle: r.product_title, tag, reviews: 0, lastDay: r.review_day };
      a.reviews++;
      if (r.review_day > a.lastDay) a.lastDay = r.review_day;
      acc.set(k, a);
    }
  }
  return {
    since,
    items: [...acc.values()]
      .filter((a) => a.reviews >= q.min)
      .sort((a, b) => b.reviews - a.reviews || b.lastDay.localeCompare(a.lastDay))
      .slice(0, 200),
  };
}

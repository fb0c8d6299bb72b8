/**
 * Saved segments (客户分群, issue 11 §3): the filter builder's rules evaluated per shop. The profile
 * conditions (search, channel, tags, product bought, paid days, orders, amount, contact) are one SQL
 * query on `customers` through the kit (indexes on shop + paid amount / last / first paid day /
 * paid orders), counted with the kit's capped count; the conditions judged as of today (RFM segment,
 * lifecycle type, the lists, member level) narrow that query's ids in memory, like the lists do.
 * Other modules reach a segment's members through index.ts `segmentMembers`.
 */
import {
  AppError,
  COUNT_CAP,
  lifecycleOf,
  newId,
  SegmentRules,
  type SavedSegment,
  type SaveSegmentInput,
  type SegmentPreviewInput,
  type SegmentRulesInput,
} from '@yunying/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import {
  anyTextMatch,
  cappedCount,
  inChunks,
  insertOrConflict,
  pageOf,
  scopeToShops,
  searchTerm,
  textMatch,
  withPage,
} from '../../db/kit.js';
import type { CustomerSegmentsTable, CustomersTable, DB } from '../../db/schema.js';
import { systemActor, type Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import { levelIdsOf } from './customers.members.js';
import { idsOf, openShop, paidDaysOf, scoreShop, shopMedianCycle } from './customers.rfm.js';
import { canSeePii, customerRowToSummary, tagsOf } from './customers.service.js';

/** The SQL part of the rules: standalone customers of the shop matching the profile conditions. */
function profileQuery(db: Kysely<DB>, orgId: string, r: SegmentRulesInput, pii: boolean) {
  let q = db.selectFrom('customers').where('org_id', '=', orgId).where('shop_id', '=', r.shopId).where('merged_into', 'is', null);
  const term = searchTerm(r.q);
  if (term) q = q.where(anyTextMatch(pii ? ['nick', 'name', 'phone', 'email'] : ['nick'], term, 'contains'));
  if (r.channels?.length) q = q.where('channel', 'in', r.channels);
  if (r.tags?.length) {
    const tags = r.tags;
    q = q.where('id', 'in', (eb) => eb.selectFrom('customer_tags').select('customer_id').where('tag', 'in', tags));
  }
  if (r.excludeTags?.length) {
    const tags = r.excludeTags;
    q = q.where('id', 'not in', (eb) => eb.selectFrom('customer_tags').select('customer_id').where('tag', 'in', tags));
  }
  const product = searchTerm(r.product);
  if (product)
    q = q.where('id', 'in', (eb) =>
      eb
        .selectFrom('customer_orders as co')
        .innerJoin('customers as c2', 'c2.id', 'co.customer_id')
        .innerJoin('order_lines as ol', 'ol.order_id', 'co.order_id')
        .select(sql<string>`coalesce(c2.merged_into, c2.id)`.as('cid'))
        .where('c2.org_id', '=', orgId)
        .where('co.paid', '=', 1)
        .where((w) => w.or([textMatch('ol.title', product), textMatch('ol.spec_text', product)])),
    );
  if (r.lastPaidFrom) q = q.where('last_paid_day', '>=', r.lastPaidFrom);
  if (r.lastPaidTo) q = q.where('last_paid_day', '<=', r.lastPaidTo);
  if (r.firstPaidFrom) q = q.where('first_paid_day', '>=', r.firstPaidFrom);
  if (r.firstPaidTo) q = q.where('first_paid_day', '<=', r.firstPaidTo);
  if (r.paidOrdersMin !== undefined) q = q.where('paid_orders', '>=', r.paidOrdersMin);
  if (r.paidOrdersMax !== undefined) q = q.where('paid_orders', '<=', r.paidOrdersMax);
  if (r.netFenMin !== undefined) q = q.where(sql<number>`paid_fen - refund_fen`, '>=', r.netFenMin);
  if (r.netFenMax !== undefined) q = q.where(sql<number>`paid_fen - refund_fen`, '<=', r.netFenMax);
  if (r.hasPhone !== undefined) q = q.where('phone', r.hasPhone ? '!=' : '=', '');
  if (r.hasEmail !== undefined) q = q.where('email', r.hasEmail ? '!=' : '=', '');
  return q;
}

/** The ids the as-of conditions allow (null: no such condition). */
async function asOfIds(db: Kysely<DB>, r: SegmentRulesInput, asOf: string): Promise<Set<string> | null> {
  let ids: Set<string> | null = null;
  const narrow = (next: Iterable<string>) => {
    const n = new Set(next);
    ids = ids === null ? n : new Set([...ids].filter((x) => n.has(x)));
  };
  if (r.rfmSegments?.length) {
    const want = new Set<string>(r.rfmSegments);
    narrow((await scoreShop(db, r.shopId, asOf)).customers.filter((c) => want.has(c.segment)).map((c) => c.customerId));
  }
  if (r.list) narrow(await idsOf(db, r.shopId, asOf, { list: r.list }));
  if (r.lifecycles?.length) {
    const want = new Set<string>(r.lifecycles);
    const days = await paidDaysOf(db, r.shopId, asOf);
    const shopCycle = shopMedianCycle(days);
    const keep: string[] = [];
    for (const [cid, paidDays] of days) {
      const type = lifecycleOf({ paidDays, asOf, shopMedianCycle: shopCycle });
      if (type && want.has(type)) keep.push(cid);
    }
    // 咨询: enquired (a merged member's enquiries count for its target) and no paid order by then.
    if (want.has('enquirer')) for (const cid of await enquirerIdsOf(db, r.shopId)) if (!days.has(cid)) keep.push(cid);
    narrow(keep);
  }
  if (r.levels?.length) narrow(await levelIdsOf(db, r.shopId, r.levels));
  return ids;
}

/** The customers of a shop (merge targets for merged members) who enquired at least once. */
async function enquirerIdsOf(db: Kysely<DB>, shopId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('customers')
    .select(sql<string>`coalesce(merged_into, id)`.as('cid'))
    .where('shop_id', '=', shopId)
    .where('enquiries', '>', 0)
    .execute();
  return new Set(rows.map((x) => x.cid));
}

export interface SegmentMatch {
  asOf: string;
  /** Exact up to COUNT_CAP; COUNT_CAP + 1 = more (SQL-only rules are counted capped). */
  total: number;
  totalCapped: boolean;
  rows: CustomersTable[];
}

/** One page of a rules' members (sorted by paid amount, largest first) and their capped count. */
async function matchPage(db: Kysely<DB>, actor: Actor, r: SegmentRulesInput, p: { page: number; pageSize: number }): Promise<SegmentMatch> {
  const shop = await openShop(db, actor, r.shopId);
  const pii = canSeePii(actor);
  const base = scopeToShops(profileQuery(db, actor.orgId, r, pii), actor, 'shop_id');
  const keep = await asOfIds(db, r, shop.today);
  if (keep === null) {
    const total = await cappedCount(db, base);
    const rows = await withPage(base.selectAll().orderBy('paid_fen', 'desc').orderBy('id'), p).execute();
    return { asOf: shop.today, total, totalCapped: total > COUNT_CAP, rows };
  }
  const ids = (await base.select('id').orderBy('paid_fen', 'desc').orderBy('id').execute()).map((x) => x.id).filter((id) => keep.has(id));
  const pageIds = ids.slice((p.page - 1) * p.pageSize, p.page * p.pageSize);
  const got = pageIds.length ? await db.selectFrom('customers').selectAll().where('id', 'in', pageIds).execute() : [];
  const byId = new Map(got.map((x) => [x.id, x]));
  return { asOf: shop.today, total: ids.length, totalCapped: false, rows: pageIds.map((id) => byId.get(id)!).filter(Boolean) };
}

/** Every member id of the rules (largest spend first), up to `limit`. */
export async function matchIds(db: Kysely<DB>, actor: Actor, r: SegmentRulesInput, limit = 200_000): Promise<string[]> {
  const shop = await openShop(db, actor, r.shopId);
  const base = scopeToShops(profileQuery(db, actor.orgId, r, canSeePii(actor)), actor, 'shop_id');
  const keep = await asOfIds(db, r, shop.today);
  let ids = (await base.select('id').orderBy('paid_fen', 'desc').orderBy('id').execute()).map((x) => x.id);
  if (keep) ids = ids.filter((id) => keep.has(id));
  if (ids.length > limit) throw new AppError('validation_failed', `分群有 ${ids.length} 位客户，超过 ${limit} 位上限，请增加筛选条件`);
  return ids;
}

async function summaries(db: Kysely<DB>, actor: Actor, m: SegmentMatch, p: { page: number; pageSize: number }) {
  const pii = canSeePii(actor);
  const tags = await tagsOf(
    db,
    m.rows.map((x) => x.id),
  );
  return {
    ...pageOf(
      m.rows.map((x) => customerRowToSummary(x, pii, tags.get(x.id) ?? [])),
      m.total,
      p,
    ),
    totalCapped: m.totalCapped,
    asOf: m.asOf,
  };
}

/** The builder's live preview: count and first page of unsaved rules. */
export async function previewSegment(db: Kysely<DB>, actor: Actor, input: SegmentPreviewInput) {
  const m = await matchPage(db, actor, input.rules, input);
  return summaries(db, actor, m, input);
}

function rowToSegment(row: CustomerSegmentsTable): SavedSegment {
  return {
    id: row.id,
    shopId: row.shop_id,
    name: row.name,
    description: row.description,
    rules: SegmentRules.parse(JSON.parse(row.rules)),
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

async function mustFindSegment(db: Kysely<DB> | Transaction<DB>, actor: Actor, id: string): Promise<CustomerSegmentsTable> {
  const missing = `客户分群 ${id} 不存在或无权访问`;
  const q = scopeToShops(
    db.selectFrom('customer_segments').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId),
    actor,
    'shop_id',
  );
  const row = await q.executeTakeFirst();
  if (!row) throw new AppError('not_found', missing, { segmentId: id });
  return row;
}

export async function getSegment(db: Kysely<DB>, actor: Actor, id: string): Promise<SavedSegment> {
  return rowToSegment(await mustFindSegment(db, actor, id));
}

/** Saved segments of the visible shops (or one shop), each with its live capped count. */
export async function listSegments(db: Kysely<DB>, actor: Actor, shopId?: string) {
  let q = scopeToShops(db.selectFrom('customer_segments').selectAll().where('org_id', '=', actor.orgId), actor, 'shop_id');
  if (shopId) q = q.where('shop_id', '=', shopId);
  const rows = await q.orderBy('updated_at', 'desc').limit(200).execute();
  const items = [];
  for (const row of rows) {
    const seg = rowToSegment(row);
    const m = await matchPage(db, actor, seg.rules, { page: 1, pageSize: 1 });
    items.push({ ...seg, count: m.total, countCapped: m.totalCapped });
  }
  return { items };
}

export async function segmentPage(db: Kysely<DB>, actor: Actor, id: string, p: { page: number; pageSize: number }) {
  const seg = await getSegment(db, actor, id);
  return { segment: seg, ...(await summaries(db, actor, await matchPage(db, actor, seg.rules, p), p)) };
}

const taken = (name: string) => `本店已有名为「${name}」的分群，请换一个名称`;

export async function createSegment(trx: Transaction<DB>, actor: Actor, input: SaveSegmentInput): Promise<SavedSegment> {
  await openShop(trx, actor, input.rules.shopId);
  const now = Date.now();
  const row: CustomerSegmentsTable = {
    id: newId('seg'),
    org_id: actor.orgId,
    shop_id: input.rules.shopId,
    name: input.name,
    description: input.description,
    rules: JSON.stringify(input.rules),
    created_by: actor.userId || null,
    created_at: now,
    updated_at: now,
  };
  const clash = await trx
    .selectFrom('customer_segments')
    .select('id')
    .where('shop_id', '=', row.shop_id)
    .where('name', '=', row.name)
    .executeTakeFirst();
  if (clash) throw new AppError('conflict', taken(row.name), { field: 'name' });
  await insertOrConflict(trx.insertInto('customer_segments').values(row).execute(), taken(row.name));
  await audit.record(trx, actor, 'customer.segment_create', {
    entityType: 'customer_segment',
    entityId: row.id,
    shopId: row.shop_id,
    after: { name: row.name, rules: input.rules },
  });
  return rowToSegment(row);
}

export async function updateSegment(trx: Transaction<DB>, actor: Actor, id: string, input: SaveSegmentInput): Promise<SavedSegment> {
  const before = await mustFindSegment(trx, actor, id);
  await openShop(trx, actor, input.rules.shopId);
  const clash = await trx
    .selectFrom('customer_segments')
    .select('id')
    .where('shop_id', '=', input.rules.shopId)
    .where('name', '=', input.name)
    .where('id', '!=', id)
    .executeTakeFirst();
  if (clash) throw new AppError('conflict', taken(input.name), { field: 'name' });
  const patch = {
    shop_id: input.rules.shopId,
    name: input.name,
    description: input.description,
    rules: JSON.stringify(input.rules),
    updated_at: Date.now(),
  };
  await insertOrConflict(trx.updateTable('customer_segments').set(patch).where('id', '=', id).execute(), taken(input.name));
  await audit.record(trx, actor, 'customer.segment_update', {
    entityType: 'customer_segment',
    entityId: id,
    shopId: patch.shop_id,
    before: { name: before.name, rules: JSON.parse(before.rules) as unknown },
    after: { name: patch.name, rules: input.rules },
  });
  return rowToSegment({ ...before, ...patch });
}

export async function deleteSegment(trx: Transaction<DB>, actor: Actor, id: string) {
  const before = await mustFindSegment(trx, actor, id);
  await trx.deleteFrom('customer_segments').where('id', '=', id).execute();
  await audit.record(trx, actor, 'customer.segment_delete', {
    entityType: 'customer_segment',
    entityId: id,
    shopId: before.shop_id,
    before: { name: before.name, rules: JSON.parse(before.rules) as unknown },
  });
  return { id };
}

/** A member of a segment as other modules see it (contact details unmasked: sending needs them). */
export interface SegmentMember {
  id: string;
  shopId: string;
  channel: string;
  nick: string;
  name: string;
  phone: string;
  email: string;
}

/**
 * The current members of a saved segment (for coupons, outreach): evaluated now, as the system,
 * largest spend first. Unknown segment → 404.
 */
export async function segmentMembers(
  db: Kysely<DB>,
  orgId: string,
  segmentId: string,
): Promise<{ segment: SavedSegment; members: SegmentMember[] }> {
  const actor = systemActor(orgId, '客户分群');
  const segment = await getSegment(db, actor, segmentId);
  const ids = await matchIds(db, actor, segment.rules);
  const rows = await inChunks(ids, (chunk) =>
    db.selectFrom('customers').select(['id', 'shop_id', 'channel', 'nick', 'name', 'phone', 'email']).where('id', 'in', chunk).execute(),
  );
  const byId = new Map(rows.map((x) => [x.id, x]));
  return {
    segment,
    members: ids.flatMap((id) => {
      const x = byId.get(id);
      return x ? [{ id: x.id, shopId: x.shop_id, channel: x.channel, nick: x.nick, name: x.name, phone: x.phone, email: x.email }] : [];
    }),
  };
}

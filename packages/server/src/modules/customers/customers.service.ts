/**
 * Customers: the list (search, lists, segments, tags), the profile, edits and tags, RFM
 * thresholds, merge suggestions, merge and split. Every read first brings the shops it reads up to
 * date with their orders (customers.sync.ts).
 */
import {
  AppError,
  businessDay,
  DEFAULT_TIMEZONE,
  expectedRepurchase,
  lifecycleOf,
  maskEmail,
  maskName,
  maskPhone,
  purchaseCycle,
  summariseSegments,
  type CustomerFilter,
  type CustomerListInput,
  type CustomerSummary,
  type MergeCustomersInput,
  type PointsInput,
  type RfmThresholdsInput,
  type TagCustomersInput,
  type UpdateCustomerInput,
} from '@yunying/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import { anyTextMatch, assertShopVisible, inChunks, pageOf, scopeToShops, searchTerm, withPage } from '../../db/kit.js';
import type { CustomersTable, DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as shops from '../shops/index.js';
import { idsOf, openShop, paidDaysOf, scoreShop, shopMedianCycle, shopThresholds } from './customers.rfm.js';
import { recomputeFigures, refreshShops } from './customers.sync.js';
import { expiryOutlook } from './customers.expiry.js';
import { changePoints, levelNamesOf, pointsOf } from './customers.members.js';

export function canSeePii(actor: Actor): boolean {
  return actor.via === 'system' || actor.permissions.has('customers.pii.read');
}

export function customerRowToSummary(r: CustomersTable, pii: boolean, tags: string[] = []): CustomerSummary {
  const paid = Number(r.paid_fen);
  const refund = Number(r.refund_fen);
  const paidOrders = Number(r.paid_orders);
  return {
    id: r.id,
    shopId: r.shop_id,
    channel: r.channel,
    nick: r.nick,
    name: pii ? r.name : (maskName(r.name) ?? ''),
    phone: pii ? r.phone : (maskPhone(r.phone) ?? ''),
    email: pii ? r.email : (maskEmail(r.email) ?? ''),
    orderCount: Number(r.order_count),
    paidOrders,
    paidFen: paid,
    refundFen: refund,
    netFen: Math.max(0, paid - refund),
    aovFen: paidOrders ? Math.round(paid / paidOrders) : 0,
    firstPaidAt: r.first_paid_at === null ? null : Number(r.first_paid_at),
    lastPaidAt: r.last_paid_at === null ? null : Number(r.last_paid_at),
    lastPaidDay: r.last_paid_day,
    cycleDays: r.cycle_days,
    mergedInto: r.merged_into,
    tags,
  };
}

export async function tagsOf(db: Kysely<DB> | Transaction<DB>, ids: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await inChunks([...ids], (chunk) =>
    db.selectFrom('customer_tags').select(['customer_id', 'tag']).where('customer_id', 'in', chunk).orderBy('created_at').execute(),
  );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.customer_id, [...(out.get(r.customer_id) ?? []), r.tag]);
  return out;
}

const SORT_COLUMNS = {
  paidFen: 'paid_fen',
  lastPaidAt: 'last_paid_at',
  paidOrders: 'paid_orders',
  createdAt: 'created_at',
} as const;

/** The standalone customers a filter selects (SQL part: shop, search, tag). */
function filtered(db: Kysely<DB>, actor: Actor, f: CustomerFilter) {
  let q = db.selectFrom('customers').where('org_id', '=', actor.orgId).where('merged_into', 'is', null);
  q = scopeToShops(q, actor, 'shop_id');
  if (f.shopId) q = q.where('shop_id', '=', f.shopId);
  const term = searchTerm(f.q);
  if (term) {
    // Phone and email are searched only by those allowed to see them.
    const cols = canSeePii(actor) ? ['nick', 'name', 'phone', 'email'] : ['nick'];
    q = q.where(anyTextMatch(cols, term, 'contains'));
  }
  if (f.tag) {
    const tag = f.tag;
    q = q.where('id', 'in', (eb) => eb.selectFrom('customer_tags').select('customer_id').where('tag', '=', tag));
  }
  return q;
}

/** The shop (required for lists and segments) and the as-of day of a filter. */
async function listScope(db: Kysely<DB>, actor: Actor, f: CustomerFilter): Promise<{ shopId: string; asOf: string } | null> {
  if (f.list === 'all' && !f.segment) {
    if (f.shopId) await openShop(db, actor, f.shopId);
    else
      await refreshShops(
        db,
        (await shops.listVisible(db, actor)).map((s) => s.id),
      );
    return null;
  }
  if (!f.shopId)
    throw new AppError('validation_failed', '名单与 RFM 分群按店铺计算，请先选择店铺', {
      fields: [{ path: 'shopId', message: '请选择店铺' }],
    });
  const shop = await openShop(db, actor, f.shopId);
  return { shopId: shop.id, asOf: f.asOf ?? shop.today };
}

/** The ids of every customer a filter selects (lists, segments, search, tag), up to `limit`. */
export async function selectIds(db: Kysely<DB>, actor: Actor, f: CustomerFilter, limit = 50_000): Promise<string[]> {
  const scope = await listScope(db, actor, f);
  const rows = await filtered(db, actor, f).select('id').orderBy('paid_fen', 'desc').orderBy('id').execute();
  let ids = rows.map((r) => r.id);
  if (scope) {
    const keep = await idsOf(db, scope.shopId, scope.asOf, { list: f.list, segment: f.segment });
    ids = ids.filter((id) => keep.has(id));
  }
  if (ids.length > limit) throw new AppError('validation_failed', `筛选出 ${ids.length} 位客户，超过 ${limit} 位上限，请缩小筛选范围`);
  return ids;
}

export async function listCustomers(db: Kysely<DB>, actor: Actor, f: CustomerListInput) {
  const scope = await listScope(db, actor, f);
  const pii = canSeePii(actor);
  const col = SORT_COLUMNS[f.sort];
  let rows: CustomersTable[];
  let total: number;
  if (!scope) {
    const count = await filtered(db, actor, f)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst();
    total = Number(count?.n ?? 0);
    rows = await withPage(filtered(db, actor, f).selectAll().orderBy(col, f.order).orderBy('id', f.order), f).execute();
  } else {
    const keep = await idsOf(db, scope.shopId, scope.asOf, { list: f.list, segment: f.segment });
    const all = await filtered(db, actor, f)
      .select(['id', sql<number>`${sql.ref(col)}`.as('k')])
      .execute();
    const ids = all
      .filter((r) => keep.has(r.id))
      .sort((a, b) => (Number(a.k ?? -1) - Number(b.k ?? -1) || (a.id < b.id ? -1 : 1)) * (f.order === 'asc' ? 1 : -1))
      .map((r) => r.id);
    total = ids.length;
    const pageIds = ids.slice((f.page - 1) * f.pageSize, f.page * f.pageSize);
    const got = pageIds.length ? await db.selectFrom('customers').selectAll().where('id', 'in', pageIds).execute() : [];
    const byId = new Map(got.map((r) => [r.id, r]));
    rows = pageIds.map((id) => byId.get(id)!).filter(Boolean);
  }
  const tags = await tagsOf(
    db,
    rows.map((r) => r.id),
  );
  const levels = await levelNamesOf(
    db,
    actor.orgId,
    rows.map((r) => r.id),
  );
  return {
    ...pageOf(
      rows.map((r) => ({ ...customerRowToSummary(r, pii, tags.get(r.id) ?? []), memberLevel: levels.get(r.id) ?? null })),
      total,
      f,
    ),
    asOf: scope?.asOf ?? null,
  };
}

export async function mustFind(db: Kysely<DB> | Transaction<DB>, actor: Actor, id: string): Promise<CustomersTable> {
  const row = await db.selectFrom('customers').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  const missing = `客户 ${id} 不存在或无权访问`;
  if (!row) throw new AppError('not_found', missing, { customerId: id });
  assertShopVisible(actor, row.shop_id, missing, { customerId: id });
  return row;
}

export async function getCustomer(db: Kysely<DB>, actor: Actor, id: string) {
  const first = await mustFind(db, actor, id);
  const shop = await openShop(db, actor, first.shop_id);
  const row = await mustFind(db, actor, id);
  const pii = canSeePii(actor);
  const members = await db.selectFrom('customers').selectAll().where('merged_into', '=', row.id).orderBy('created_at').execute();
  const group = [row.id, ...members.map((m) => m.id)];
  const orders = await inChunks(group, (chunk) => db.selectFrom('customer_orders').selectAll().where('customer_id', 'in', chunk).execute());
  orders.sort((a, b) => Number(b.ordered_at) - Number(a.ordered_at));
  const paid = orders.filter((o) => Number(o.paid) === 1 && o.paid_day);
  const paidDays = paid.map((o) => o.paid_day!);
  const shopCycle = shopMedianCycle(await paidDaysOf(db, row.shop_id, shop.today));
  const cycle = paidDays.length ? purchaseCycle(paidDays, shopCycle) : null;
  const lastPaid = paid[0] ?? null;
  const firstPaid = paid.at(-1) ?? null;
  // Products bought: the lines of the paid orders, per product title and spec.
  const lines = await inChunks(
    paid.map((o) => o.order_id),
    (chunk) =>
      db
        .selectFrom('order_lines')
        .select([
          'sku_id',
          'title',
          'spec_text',
          sql<number | string>`sum(qty)`.as('qty'),
          sql<number | string>`sum(paid_fen)`.as('paid_fen'),
        ])
        .where('order_id', 'in', chunk)
        .groupBy(['sku_id', 'title', 'spec_text'])
        .execute(),
  );
  const products = new Map<string, { skuId: string | null; title: string; specText: string; qty: number; paidFen: number }>();
  for (const l of lines) {
    const k = `${l.sku_id ?? ''}\u0000${l.title}\u0000${l.spec_text}`;
    const p = products.get(k) ?? { skuId: l.sku_id, title: l.title, specText: l.spec_text, qty: 0, paidFen: 0 };
    p.qty += Number(l.qty);
    p.paidFen += Number(l.paid_fen);
    products.set(k, p);
  }
  const rfm = row.merged_into
    ? null
    : ((await scoreShop(db, row.shop_id, shop.today)).customers.find((c) => c.customerId === row.id) ?? null);
  const tags = await tagsOf(db, [row.id]);
  const points = await pointsOf(db, actor.orgId, group, { page: 1, pageSize: 20 });
  const membership = { ...points, expiry: await expiryOutlook(db, actor.orgId, group, points.balance, shop.today, shop.tz) };
  const shopNames = new Map((await shops.listVisible(db, actor)).map((s) => [s.id, s.name]));
  return {
    ...customerRowToSummary(row, pii, tags.get(row.id) ?? []),
    memberLevel: membership.level?.name ?? null,
    membership,
    shopName: shop.name,
    note: row.note,
    asOf: shop.today,
    purchaseCycleDays: cycle,
    ownCycle: row.cycle_days !== null,
    expectedRepurchaseDay: lastPaid ? expectedRepurchase(lastPaid.paid_day!, cycle) : null,
    lifecycle: lifecycleOf({
      paidDays,
      asOf: shop.today,
      shopMedianCycle: shopCycle,
      hasEnquiries: [row, ...members].some((m) => Number(m.enquiries) > 0),
    }),
    enquiries: [row, ...members].reduce((n, m) => n + Number(m.enquiries), 0),
    firstPaidOrder: firstPaid ? { orderId: firstPaid.order_id, orderNo: firstPaid.order_no, paidDay: firstPaid.paid_day } : null,
    lastPaidOrder: lastPaid ? { orderId: lastPaid.order_id, orderNo: lastPaid.order_no, paidDay: lastPaid.paid_day } : null,
    rfm,
    products: [...products.values()].sort((a, b) => b.paidFen - a.paidFen).slice(0, 100),
    orders: orders.slice(0, 200).map((o) => ({
      orderId: o.order_id,
      orderNo: o.order_no,
      shopId: o.shop_id,
      shopName: shopNames.get(o.shop_id) ?? '',
      channel: o.channel,
      status: o.status,
      paid: Number(o.paid) === 1,
      paidDay: o.paid_day,
      paidFen: Number(o.paid_fen),
      refundFen: Number(o.refund_fen),
      orderedAt: Number(o.ordered_at),
      viaCustomerId: o.customer_id,
    })),
    members: members.map((m) => ({ ...customerRowToSummary(m, pii), shopName: shopNames.get(m.shop_id) ?? '' })),
  };
}

export async function updateCustomer(trx: Transaction<DB>, actor: Actor, id: string, input: UpdateCustomerInput) {
  const row = await mustFind(trx, actor, id);
  const patch: Partial<CustomersTable> = {};
  if (input.note !== undefined) patch.note = input.note;
  if (input.email !== undefined) patch.email = input.email;
  if (Object.keys(patch).length) await trx.updateTable('customers').set(patch).where('id', '=', id).execute();
  if (input.tags) {
    await trx.deleteFrom('customer_tags').where('customer_id', '=', id).execute();
    const now = Date.now();
    const uniq = [...new Set(input.tags)];
    if (uniq.length)
      await trx
        .insertInto('customer_tags')
        .values(uniq.map((tag, i) => ({ customer_id: id, tag, created_at: now + i })))
        .execute();
  }
  await audit.record(trx, actor, 'customer.update', {
    entityType: 'customer',
    entityId: id,
    shopId: row.shop_id,
    before: { note: row.note, email: row.email ? '(已填写)' : '' },
    after: { note: input.note, email: input.email === undefined ? undefined : input.email ? '(已填写)' : '', tags: input.tags },
  });
  return { id };
}

/** Tag the given customers or a filter's customers; returns how many got the tag. */
export async function tagCustomers(db: Kysely<DB>, actor: Actor, input: TagCustomersInput): Promise<{ tagged: number; tag: string }> {
  let ids: string[];
  if (input.customerIds?.length) {
    ids = [...new Set(input.customerIds)];
    const rows = await inChunks(ids, (chunk) =>
      scopeToShops(
        db.selectFrom('customers').select('id').where('org_id', '=', actor.orgId).where('id', 'in', chunk),
        actor,
        'shop_id',
      ).execute(),
    );
    if (rows.length !== ids.length) throw new AppError('not_found', `有 ${ids.length - rows.length} 位客户不存在或无权访问，请刷新后重试`);
  } else ids = await selectIds(db, actor, input.filter!);
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < ids.length; i += 2000)
      await trx
        .insertInto('customer_tags')
        .values(ids.slice(i, i + 2000).map((customer_id) => ({ customer_id, tag: input.tag, created_at: now })))
        .onConflict((oc) => oc.columns(['customer_id', 'tag']).doNothing())
        .execute();
    await audit.record(trx, actor, 'customer.tag', {
      entityType: 'customer',
      shopId: input.filter?.shopId ?? null,
      after: { tag: input.tag, customers: ids.length, filter: input.filter ?? null },
    });
  });
  return { tagged: ids.length, tag: input.tag };
}

/** The eight segments of a shop as of a day, with the thresholds used. */
export async function rfmSummary(db: Kysely<DB>, actor: Actor, q: { shopId: string; asOf?: string | undefined }) {
  const shop = await openShop(db, actor, q.shopId);
  const asOf = q.asOf ?? shop.today;
  const res = await scoreShop(db, shop.id, asOf);
  const scores = new Map<string, number>();
  for (const c of res.customers)
    scores.set(`${c.rScore}${c.fScore}${c.mScore}`, (scores.get(`${c.rScore}${c.fScore}${c.mScore}`) ?? 0) + 1);
  return {
    shopId: shop.id,
    asOf,
    thresholds: res.thresholds,
    thresholdsAreAverages: res.thresholdsAreAverages,
    customers: res.customers.length,
    segments: summariseSegments(res.customers),
    quintiles: {
      r: [1, 2, 3, 4, 5].map((s) => res.customers.filter((c) => c.rScore === s).length),
      f: [1, 2, 3, 4, 5].map((s) => res.customers.filter((c) => c.fScore === s).length),
      m: [1, 2, 3, 4, 5].map((s) => res.customers.filter((c) => c.mScore === s).length),
    },
  };
}

export async function setThresholds(trx: Transaction<DB>, actor: Actor, input: RfmThresholdsInput) {
  await shops.getVisible(trx, actor, input.shopId);
  const before = await shopThresholds(trx, input.shopId);
  await trx.deleteFrom('customer_rfm_settings').where('shop_id', '=', input.shopId).execute();
  if (input.thresholds)
    await trx
      .insertInto('customer_rfm_settings')
      .values({
        shop_id: input.shopId,
        recency_days: input.thresholds.recencyDays,
        frequency: input.thresholds.frequency,
        monetary_fen: input.thresholds.monetaryFen,
        updated_at: Date.now(),
      })
      .execute();
  await audit.record(trx, actor, 'customer.rfm_thresholds', {
    entityType: 'shop',
    entityId: input.shopId,
    shopId: input.shopId,
    before,
    after: input.thresholds,
  });
  return { shopId: input.shopId, thresholds: input.thresholds };
}

/** Standalone customers of visible shops sharing a phone or email: candidates to merge. */
export async function mergeSuggestions(db: Kysely<DB>, actor: Actor, shopId?: string) {
  await refreshShops(db, shopId ? [shopId] : (await shops.listVisible(db, actor)).map((s) => s.id));
  const pii = canSeePii(actor);
  const groups: { by: 'phone' | 'email'; customers: CustomerSummary[] }[] = [];
  for (const by of ['phone', 'email'] as const) {
    let q = db
      .selectFrom('customers')
      .select([by, sql<number | string>`count(*)`.as('n')])
      .where('org_id', '=', actor.orgId)
      .where('merged_into', 'is', null)
      .where(by, '!=', '');
    q = scopeToShops(q, actor, 'shop_id');
    if (shopId) q = q.where(by, 'in', (eb) => eb.selectFrom('customers as s').select(`s.${by}`).where('s.shop_id', '=', shopId));
    const keys = (
      await q
        .groupBy(by)
        .having(sql`count(*)`, '>', 1)
        .orderBy(by)
        .limit(100)
        .execute()
    ).map((r) => r[by]);
    if (!keys.length) continue;
    let m = db.selectFrom('customers').selectAll().where('org_id', '=', actor.orgId).where('merged_into', 'is', null).where(by, 'in', keys);
    m = scopeToShops(m, actor, 'shop_id');
    const rows = await m.orderBy('created_at').execute();
    for (const k of keys)
      groups.push({
        by,
        customers: rows.filter((r) => r[by] === k).map((r) => customerRowToSummary(r, pii)),
      });
  }
  return { items: groups };
}

export async function mergeCustomers(trx: Transaction<DB>, actor: Actor, input: MergeCustomersInput) {
  const sources = [...new Set(input.sourceIds)];
  if (sources.includes(input.targetId)) throw new AppError('validation_failed', '保留的客户不能同时被合并，请从合并列表中去掉它');
  const target = await mustFind(trx, actor, input.targetId);
  if (target.merged_into) throw new AppError('invalid_state', `客户 ${target.nick || target.id} 已被合并到其他客户，请选择合并后的客户`);
  const rows = [];
  for (const id of sources) {
    const r = await mustFind(trx, actor, id);
    if (r.merged_into) throw new AppError('invalid_state', `客户 ${r.nick || r.id} 已被合并，请先拆分`, { customerId: id });
    const has = await trx.selectFrom('customers').select('id').where('merged_into', '=', id).executeTakeFirst();
    if (has)
      throw new AppError('invalid_state', `客户 ${r.nick || r.id} 下已合并了其他客户，请先拆分它们，或把它作为保留的客户`, {
        customerId: id,
      });
    rows.push(r);
  }
  const res = await trx
    .updateTable('customers')
    .set({ merged_into: target.id, updated_at: Date.now() })
    .where('id', 'in', sources)
    .where('merged_into', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== sources.length) throw new AppError('conflict', '客户刚被其他人合并或拆分，请刷新后重试');
  await recomputeFigures(trx, [target.id, ...sources]);
  await audit.record(trx, actor, 'customer.merge', {
    entityType: 'customer',
    entityId: target.id,
    shopId: target.shop_id,
    after: { targetId: target.id, sourceIds: sources, sources: rows.map((r) => ({ id: r.id, shopId: r.shop_id, nick: r.nick })) },
  });
  return { targetId: target.id, merged: sources.length };
}

export async function splitCustomer(trx: Transaction<DB>, actor: Actor, id: string) {
  const row = await mustFind(trx, actor, id);
  if (!row.merged_into) throw new AppError('invalid_state', `客户 ${row.nick || row.id} 没有被合并，无需拆分`);
  const target = row.merged_into;
  const res = await trx
    .updateTable('customers')
    .set({ merged_into: null, updated_at: Date.now() })
    .where('id', '=', id)
    .where('merged_into', '=', target)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new AppError('conflict', '客户刚被其他人拆分，请刷新后重试');
  await recomputeFigures(trx, [id, target]);
  await audit.record(trx, actor, 'customer.split', {
    entityType: 'customer',
    entityId: id,
    shopId: row.shop_id,
    before: { mergedInto: target },
  });
  return { id, from: target };
}

/** Today's business day in a shop's zone (for the CLI). */
export function todayIn(tz: string | null | undefined): string {
  return businessDay(Date.now(), tz || DEFAULT_TIMEZONE);
}

/** Redeem or adjust a customer's points (the customer must be visible and standalone). */
export async function changeCustomerPoints(trx: Transaction<DB>, actor: Actor, id: string, input: PointsInput) {
  return changePoints(trx, actor, await mustFind(trx, actor, id), input);
}

/** A customer's points ledger page (with its merged members'). */
export async function customerPoints(db: Kysely<DB>, actor: Actor, id: string, p: { page: number; pageSize: number }) {
  const shop = await openShop(db, actor, (await mustFind(db, actor, id)).shop_id);
  const row = await mustFind(db, actor, id);
  const members = await db.selectFrom('customers').select('id').where('merged_into', '=', row.id).execute();
  const group = [row.id, ...members.map((m) => m.id)];
  const points = await pointsOf(db, actor.orgId, group, p);
  return { ...points, expiry: await expiryOutlook(db, actor.orgId, group, points.balance, shop.today, shop.tz) };
}

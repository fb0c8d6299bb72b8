/**
 * Membership (会员, issue 11 §4): levels reached by net paid amount or paid orders, and a points
 * ledger. Points are settled from the module's own order facts whenever customers are refreshed
 * (customers.sync.ts calls `settleOrders` / `settleShop` in the transaction that writes the facts):
 * each order's points are floor(net paid yuan × points per yuan × level multiplier × member-day
 * multiplier); `member_order_points` keeps what the order has earned so far, so a payment earns,
 * and a refund or cancellation reverses exactly the difference — never below a zero balance (the
 * shortfall is written in the ledger row's reason). Every balance change is one guarded UPDATE
 * (`balance + Δ >= 0`, plus the CHECK) and one ledger row in the same transaction, so the balance is
 * always the ledger sum. Points stay on the identity that earned them; a merged profile shows the
 * group's sum, and its level follows the group's figures.
 */
import {
  AppError,
  levelFor,
  levelRank,
  newId,
  orderPoints,
  POINTS_EXPIRY_MODES,
  type PointsExpiryMode,
  type MemberLevel,
  type MemberLevelInput,
  type MemberSettings,
  type MemberSettingsInput,
  type PointsInput,
} from '@yunying/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import { forUpdate, inChunks, insertOrConflict, pageOf, withPage } from '../../db/kit.js';
import type { DB, MemberLevelsTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';

type Db = Kysely<DB> | Transaction<DB>;

const DEFAULTS: MemberSettings = {
  enabled: false,
  pointsPerYuan: 1,
  memberDay: null,
  memberDayMultiplier: 200,
  pointsExpiry: 'none',
  pointsExpiryN: 1,
};

export async function settingsOf(db: Db, orgId: string): Promise<MemberSettings> {
  const r = await db.selectFrom('member_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  if (!r) return DEFAULTS;
  return {
    enabled: Number(r.enabled) === 1,
    pointsPerYuan: Number(r.points_per_yuan),
    memberDay: r.member_day === null ? null : Number(r.member_day),
    memberDayMultiplier: Number(r.member_day_multiplier),
    pointsExpiry: (POINTS_EXPIRY_MODES as readonly string[]).includes(r.points_expiry) ? (r.points_expiry as PointsExpiryMode) : 'none',
    pointsExpiryN: Number(r.points_expiry_n),
  };
}

function levelRow(r: MemberLevelsTable): MemberLevel {
  return {
    id: r.id,
    name: r.name,
    minNetFen: r.min_net_fen === null ? null : Number(r.min_net_fen),
    minOrders: r.min_orders === null ? null : Number(r.min_orders),
    pointsMultiplier: Number(r.points_multiplier),
    discountPct: Number(r.discount_pct),
    freeShipping: Number(r.free_shipping) === 1,
  };
}

export async function levelsOf(db: Db, orgId: string): Promise<MemberLevel[]> {
  const rows = await db.selectFrom('member_levels').selectAll().where('org_id', '=', orgId).execute();
  return rows.map(levelRow).sort((a, b) => levelRank(a) - levelRank(b));
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a business day. */
function isoWeekday(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Add Δ points to an account (created at 0 when missing) with its ledger row; refused below 0. */
export async function applyPoints(
  trx: Transaction<DB>,
  a: { orgId: string; shopId: string; customerId: string },
  delta: number,
  row: { kind: string; orderId?: string | null; reason: string; actorId?: string | null },
): Promise<number> {
  const now = Date.now();
  await trx
    .insertInto('member_accounts')
    .values({
      customer_id: a.customerId,
      org_id: a.orgId,
      shop_id: a.shopId,
      balance: 0,
      level_id: null,
      level_since: null,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('customer_id').doNothing())
    .execute();
  const updated = await trx
    .updateTable('member_accounts')
    .set({ balance: sql<number>`balance + ${delta}`, updated_at: now })
    .where('customer_id', '=', a.customerId)
    .where(sql<boolean>`balance + ${delta} >= 0`)
    .returning('balance')
    .executeTakeFirst();
  if (!updated) {
    const cur = await trx.selectFrom('member_accounts').select('balance').where('customer_id', '=', a.customerId).executeTakeFirst();
    throw new AppError('conflict', `积分不足：当前 ${Number(cur?.balance ?? 0)} 分，本次需要扣除 ${-delta} 分`, {
      field: 'points',
    });
  }
  await trx
    .insertInto('member_points')
    .values({
      id: newId('mpt'),
      org_id: a.orgId,
      customer_id: a.customerId,
      kind: row.kind,
      points: delta,
      balance_after: Number(updated.balance),
      order_id: row.orderId ?? null,
      reason: row.reason,
      actor_id: row.actorId ?? null,
      created_at: now,
    })
    .execute();
  return Number(updated.balance);
}

/** Settle the points of these orders (after their facts changed) and the levels of their customers. */
export async function settleOrders(trx: Transaction<DB>, orderIds: readonly string[]): Promise<void> {
  if (!orderIds.length) return;
  const facts = await inChunks([...orderIds], (chunk) =>
    trx
      .selectFrom('customer_orders as co')
      .innerJoin('customers as c', 'c.id', 'co.customer_id')
      .select([
        'co.order_id',
        'co.customer_id',
        'co.order_no',
        'co.paid',
        'co.paid_day',
        'co.paid_fen',
        'co.refund_fen',
        'c.org_id',
        'c.shop_id',
        sql<string>`coalesce(c.merged_into, c.id)`.as('eff'),
      ])
      .where('co.order_id', 'in', chunk)
      .execute(),
  );
  const earned = await inChunks([...orderIds], (chunk) =>
    trx.selectFrom('member_order_points').selectAll().where('order_id', 'in', chunk).execute(),
  );
  const orgIds = [...new Set(facts.map((f) => f.org_id))];
  if (!orgIds.length && !earned.length) return;
  const settings = new Map<string, MemberSettings>();
  const levels = new Map<string, MemberLevel[]>();
  for (const org of orgIds) {
    settings.set(org, await settingsOf(trx, org));
    levels.set(org, await levelsOf(trx, org));
  }
  const effIds = [...new Set(facts.map((f) => f.eff))];
  const accountLevels = new Map(
    (
      await inChunks(effIds, (chunk) =>
        trx.selectFrom('member_accounts').select(['customer_id', 'level_id']).where('customer_id', 'in', chunk).execute(),
      )
    ).map((r) => [r.customer_id, r.level_id]),
  );
  const before = new Map(earned.map((e) => [e.order_id, { customerId: e.customer_id, points: Number(e.points) }]));
  const seen = new Set<string>();
  for (const f of facts) {
    seen.add(f.order_id);
    const s = settings.get(f.org_id)!;
    if (!s.enabled && !before.has(f.order_id)) continue;
    const level = levels.get(f.org_id)!.find((l) => l.id === accountLevels.get(f.eff));
    const net = Number(f.paid) === 1 ? Number(f.paid_fen) - Number(f.refund_fen) : 0;
    const target = s.enabled
      ? orderPoints({
          netFen: net,
          pointsPerYuan: s.pointsPerYuan,
          levelMultiplierPct: level?.pointsMultiplier ?? 100,
          memberDayPct: s.memberDay !== null && f.paid_day && isoWeekday(f.paid_day) === s.memberDay ? s.memberDayMultiplier : 100,
        })
      : (before.get(f.order_id)?.points ?? 0);
    await settleOne(
      trx,
      { orgId: f.org_id, shopId: f.shop_id, customerId: f.customer_id },
      f.order_id,
      f.order_no,
      before.get(f.order_id),
      target,
    );
  }
  // Orders whose facts are gone (no longer a buyer's order): their points go back.
  for (const e of earned)
    if (!seen.has(e.order_id)) {
      const c = await trx.selectFrom('customers').select(['org_id', 'shop_id']).where('id', '=', e.customer_id).executeTakeFirst();
      if (c)
        await settleOne(
          trx,
          { orgId: c.org_id, shopId: c.shop_id, customerId: e.customer_id },
          e.order_id,
          e.order_id,
          before.get(e.order_id),
          0,
        );
    }
  await settleLevels(trx, effIds);
}

async function settleOne(
  trx: Transaction<DB>,
  a: { orgId: string; shopId: string; customerId: string },
  orderId: string,
  orderNo: string,
  prev: { customerId: string; points: number } | undefined,
  target: number,
): Promise<void> {
  const had = prev?.points ?? 0;
  // An order now counted for another identity (re-keyed): its points leave the old account first.
  if (prev && prev.customerId !== a.customerId && had > 0) {
    await reverse(trx, { ...a, customerId: prev.customerId }, orderId, orderNo, had);
    await trx.updateTable('member_order_points').set({ customer_id: a.customerId, points: 0 }).where('order_id', '=', orderId).execute();
    return settleOne(trx, a, orderId, orderNo, { customerId: a.customerId, points: 0 }, target);
  }
  const delta = target - had;
  if (delta === 0) return;
  let applied = delta;
  if (delta > 0) await applyPoints(trx, a, delta, { kind: 'earn', orderId, reason: `订单 ${orderNo} 付款获得积分` });
  else applied = -(await reverse(trx, a, orderId, orderNo, -delta));
  if (prev)
    await trx
      .updateTable('member_order_points')
      .set({ customer_id: a.customerId, points: had + applied })
      .where('order_id', '=', orderId)
      .execute();
  else await trx.insertInto('member_order_points').values({ order_id: orderId, customer_id: a.customerId, points: applied }).execute();
}

/** Take back up to `points` for an order (never below zero); returns how many were taken. */
async function reverse(
  trx: Transaction<DB>,
  a: { orgId: string; shopId: string; customerId: string },
  orderId: string,
  orderNo: string,
  points: number,
): Promise<number> {
  const acc = await forUpdate(
    trx,
    trx.selectFrom('member_accounts').select('balance').where('customer_id', '=', a.customerId),
  ).executeTakeFirst();
  const balance = Number(acc?.balance ?? 0);
  const take = Math.min(points, balance);
  if (take <= 0) return 0;
  const short = points - take;
  await applyPoints(trx, a, -take, {
    kind: 'reverse',
    orderId,
    reason: `订单 ${orderNo} 退款或取消，扣回积分${short > 0 ? `（余额不足，少扣 ${short} 分）` : ''}`,
  });
  return take;
}

/** Settle every order of a shop (after a whole-shop rebuild) — only where membership is on or points exist. */
export async function settleShop(trx: Transaction<DB>, shopId: string): Promise<void> {
  const org = await trx.selectFrom('customers').select('org_id').where('shop_id', '=', shopId).limit(1).executeTakeFirst();
  const hasPoints = await trx.selectFrom('member_accounts').select('customer_id').where('shop_id', '=', shopId).limit(1).executeTakeFirst();
  if (!org || (!(await settingsOf(trx, org.org_id)).enabled && !hasPoints)) return;
  const ids = (await trx.selectFrom('customer_orders').select('order_id').where('shop_id', '=', shopId).execute()).map((r) => r.order_id);
  const earned = (
    await trx
      .selectFrom('member_order_points as m')
      .innerJoin('customers as c', 'c.id', 'm.customer_id')
      .select('m.order_id')
      .where('c.shop_id', '=', shopId)
      .execute()
  ).map((r) => r.order_id);
  const all = [...new Set([...ids, ...earned])];
  for (let i = 0; i < all.length; i += 5000) await settleOrders(trx, all.slice(i, i + 5000));
}

/** Re-judge the level of these customers (the ones their orders count for) from their figures. */
export async function settleLevels(trx: Transaction<DB>, customerIds: readonly string[]): Promise<void> {
  if (!customerIds.length) return;
  const rows = await inChunks([...customerIds], (chunk) =>
    trx
      .selectFrom('customers as c')
      .leftJoin('member_accounts as a', 'a.customer_id', 'c.id')
      .select(['c.id', 'c.org_id', 'c.shop_id', 'c.paid_fen', 'c.refund_fen', 'c.paid_orders', 'c.merged_into', 'a.level_id'])
      .where('c.id', 'in', chunk)
      .execute(),
  );
  // Levels of organisations with membership off stay as they were (frozen), like their points.
  const byOrg = new Map<string, MemberLevel[] | null>();
  const now = Date.now();
  for (const r of rows) {
    if (r.merged_into) continue;
    if (!byOrg.has(r.org_id)) byOrg.set(r.org_id, (await settingsOf(trx, r.org_id)).enabled ? await levelsOf(trx, r.org_id) : null);
    const levels = byOrg.get(r.org_id);
    if (!levels) continue;
    const net = Math.max(0, Number(r.paid_fen) - Number(r.refund_fen));
    const to = levelFor(levels, net, Number(r.paid_orders));
    const from = r.level_id ?? null;
    if ((to?.id ?? null) === from) continue;
    if (from === null && to === null) continue;
    await trx
      .insertInto('member_accounts')
      .values({ customer_id: r.id, org_id: r.org_id, shop_id: r.shop_id, balance: 0, level_id: null, level_since: null, updated_at: now })
      .onConflict((oc) => oc.column('customer_id').doNothing())
      .execute();
    await trx
      .updateTable('member_accounts')
      .set({ level_id: to?.id ?? null, level_since: now, updated_at: now })
      .where('customer_id', '=', r.id)
      .execute();
    const fromName = levels.find((l) => l.id === from)?.name ?? (from ? '已删除的等级' : '非会员等级');
    const reason = to
      ? `累计净消费 ¥${(net / 100).toFixed(2)}、付款 ${Number(r.paid_orders)} 单，达到「${to.name}」门槛（原「${fromName}」）`
      : `累计净消费 ¥${(net / 100).toFixed(2)}、付款 ${Number(r.paid_orders)} 单，未达任何等级门槛（原「${fromName}」）`;
    await trx
      .insertInto('member_level_changes')
      .values({ id: newId('mlc'), customer_id: r.id, from_level: from, to_level: to?.id ?? null, reason, created_at: now })
      .execute();
  }
}

/** Re-judge every customer of an organisation (after its levels or settings changed). */
async function settleOrg(trx: Transaction<DB>, orgId: string): Promise<void> {
  const ids = (
    await trx
      .selectFrom('customers')
      .select('id')
      .where('org_id', '=', orgId)
      .where('merged_into', 'is', null)
      .where((eb) =>
        eb.or([
          eb('paid_orders', '>', 0),
          eb('id', 'in', eb.selectFrom('member_accounts').select('customer_id').where('org_id', '=', orgId)),
        ]),
      )
      .execute()
  ).map((r) => r.id);
  for (let i = 0; i < ids.length; i += 5000) await settleLevels(trx, ids.slice(i, i + 5000));
}

// ------------------------------------------------------------------ the API's operations

export async function membershipOf(db: Kysely<DB>, actor: Actor) {
  return { settings: await settingsOf(db, actor.orgId), levels: await levelsOf(db, actor.orgId) };
}

export async function saveSettings(trx: Transaction<DB>, actor: Actor, input: MemberSettingsInput) {
  const before = await settingsOf(trx, actor.orgId);
  const row = {
    org_id: actor.orgId,
    enabled: input.enabled ? 1 : 0,
    points_per_yuan: input.pointsPerYuan,
    member_day: input.memberDay,
    member_day_multiplier: input.memberDayMultiplier,
    points_expiry: input.pointsExpiry,
    points_expiry_n: input.pointsExpiryN,
    updated_at: Date.now(),
  };
  await trx
    .insertInto('member_settings')
    .values(row)
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ ...row }))
    .execute();
  await audit.record(trx, actor, 'customer.membership_settings', { entityType: 'membership', before, after: input });
  // Turning points on settles the orders already there (each shop with customers).
  if (input.enabled && !before.enabled) {
    const shopIds = (await trx.selectFrom('customers').select('shop_id').distinct().where('org_id', '=', actor.orgId).execute()).map(
      (r) => r.shop_id,
    );
    for (const s of shopIds) await settleShop(trx, s);
  }
  await settleOrg(trx, actor.orgId);
  return settingsOf(trx, actor.orgId);
}

const levelTaken = (name: string) => `已有名为「${name}」的会员等级，请换一个名称`;

export async function saveLevel(trx: Transaction<DB>, actor: Actor, id: string | null, input: MemberLevelInput) {
  const now = Date.now();
  const values = {
    name: input.name,
    min_net_fen: input.minNetFen,
    min_orders: input.minOrders,
    points_multiplier: input.pointsMultiplier,
    discount_pct: input.discountPct,
    free_shipping: input.freeShipping ? 1 : 0,
    updated_at: now,
  };
  const clash = await trx
    .selectFrom('member_levels')
    .select('id')
    .where('org_id', '=', actor.orgId)
    .where('name', '=', input.name)
    .where('id', '!=', id ?? '')
    .executeTakeFirst();
  if (clash) throw new AppError('conflict', levelTaken(input.name), { field: 'name' });
  let levelId = id;
  if (id) {
    const before = await trx
      .selectFrom('member_levels')
      .selectAll()
      .where('id', '=', id)
      .where('org_id', '=', actor.orgId)
      .executeTakeFirst();
    if (!before) throw new AppError('not_found', `会员等级 ${id} 不存在`);
    await trx.updateTable('member_levels').set(values).where('id', '=', id).execute();
    await audit.record(trx, actor, 'customer.member_level_update', {
      entityType: 'member_level',
      entityId: id,
      before: levelRow(before),
      after: input,
    });
  } else {
    levelId = newId('mlv');
    await insertOrConflict(
      trx
        .insertInto('member_levels')
        .values({ id: levelId, org_id: actor.orgId, created_at: now, ...values })
        .execute(),
      levelTaken(input.name),
    );
    await audit.record(trx, actor, 'customer.member_level_create', { entityType: 'member_level', entityId: levelId, after: input });
  }
  await settleOrg(trx, actor.orgId);
  return (await levelsOf(trx, actor.orgId)).find((l) => l.id === levelId)!;
}

export async function deleteLevel(trx: Transaction<DB>, actor: Actor, id: string) {
  const before = await trx
    .selectFrom('member_levels')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', actor.orgId)
    .executeTakeFirst();
  if (!before) throw new AppError('not_found', `会员等级 ${id} 不存在`);
  await trx.deleteFrom('member_levels').where('id', '=', id).execute();
  await audit.record(trx, actor, 'customer.member_level_delete', { entityType: 'member_level', entityId: id, before: levelRow(before) });
  await settleOrg(trx, actor.orgId);
  return { id };
}

/** A customer's (and its merged members') balance, level and ledger page. */
export async function pointsOf(db: Kysely<DB>, orgId: string, group: readonly string[], p: { page: number; pageSize: number }) {
  const accounts = await db
    .selectFrom('member_accounts')
    .selectAll()
    .where('customer_id', 'in', [...group])
    .execute();
  const balance = accounts.reduce((s, a) => s + Number(a.balance), 0);
  const own = accounts.find((a) => a.customer_id === group[0]);
  const levels = await levelsOf(db, orgId);
  const level = levels.find((l) => l.id === own?.level_id) ?? null;
  const base = db.selectFrom('member_points').where('customer_id', 'in', [...group]);
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const rows = await withPage(base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'), p).execute();
  const changes = await db
    .selectFrom('member_level_changes')
    .selectAll()
    .where('customer_id', '=', group[0]!)
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
  const name = (id: string | null) => (id ? (levels.find((l) => l.id === id)?.name ?? '已删除的等级') : null);
  return {
    balance,
    level,
    levelSince: own?.level_since === null || own?.level_since === undefined ? null : Number(own.level_since),
    ledger: pageOf(
      rows.map((r) => ({
        id: r.id,
        customerId: r.customer_id,
        kind: r.kind,
        points: Number(r.points),
        balanceAfter: Number(r.balance_after),
        orderId: r.order_id,
        reason: r.reason,
        createdAt: Number(r.created_at),
      })),
      total,
      p,
    ),
    levelChanges: changes.map((c) => ({ from: name(c.from_level), to: name(c.to_level), reason: c.reason, at: Number(c.created_at) })),
  };
}

/** Redeem (spend) or adjust a customer's points, with the reason in the ledger and the audit log. */
export async function changePoints(
  trx: Transaction<DB>,
  actor: Actor,
  customer: { id: string; shop_id: string; merged_into: string | null; nick: string },
  input: PointsInput,
) {
  if (customer.merged_into) throw new AppError('invalid_state', '该客户已被合并，请在合并后的客户档案中操作积分');
  if (input.kind === 'redeem' && input.points < 0) throw new AppError('validation_failed', '兑换积分应为正数', { field: 'points' });
  const delta = input.kind === 'redeem' ? -input.points : input.points;
  const balance = await applyPoints(trx, { orgId: actor.orgId, shopId: customer.shop_id, customerId: customer.id }, delta, {
    kind: input.kind,
    reason: input.reason,
    actorId: actor.userId || null,
  });
  await audit.record(trx, actor, `customer.points_${input.kind}`, {
    entityType: 'customer',
    entityId: customer.id,
    shopId: customer.shop_id,
    after: { points: delta, balance, reason: input.reason },
  });
  return { customerId: customer.id, points: delta, balance };
}

/** The member level of a customer (the one its orders count for), for member prices (会员价); null when none. */
export async function memberLevelOf(db: Kysely<DB>, customerId: string): Promise<MemberLevel | null> {
  const c = await db.selectFrom('customers').select(['id', 'org_id', 'merged_into']).where('id', '=', customerId).executeTakeFirst();
  if (!c) return null;
  if (!(await settingsOf(db, c.org_id)).enabled) return null;
  const acc = await db
    .selectFrom('member_accounts')
    .select('level_id')
    .where('customer_id', '=', c.merged_into ?? c.id)
    .executeTakeFirst();
  if (!acc?.level_id) return null;
  return (await levelsOf(db, c.org_id)).find((l) => l.id === acc.level_id) ?? null;
}

/** Level names of customers (list rows), by customer id. */
export async function levelNamesOf(db: Kysely<DB>, orgId: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await inChunks([...ids], (chunk) =>
    db
      .selectFrom('member_accounts as a')
      .innerJoin('member_levels as l', 'l.id', 'a.level_id')
      .select(['a.customer_id', 'l.name'])
      .where('a.org_id', '=', orgId)
      .where('a.customer_id', 'in', chunk)
      .execute(),
  );
  return new Map(rows.map((r) => [r.customer_id, r.name]));
}

/** Customers of a shop at these levels (segment builder). */
export async function levelIdsOf(db: Kysely<DB>, shopId: string, levelIds: readonly string[]): Promise<string[]> {
  return (
    await db
      .selectFrom('member_accounts')
      .select('customer_id')
      .where('shop_id', '=', shopId)
      .where('level_id', 'in', [...levelIds])
      .execute()
  ).map((r) => r.customer_id);
}

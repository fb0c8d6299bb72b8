import { AppError, newId, type Channel, type CreateShopInput, type Shop, type UpdateShopInput } from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { isUniqueViolation } from '../../db/dialect.js';
import { assertShopVisible, scopeToShops, seesAllShops } from '../../db/kit.js';
import type { DB, ShopsTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as analytics from '../analytics/index.js';
import * as audit from '../audit/index.js';
import * as orders from '../orders/index.js';
import * as traffic from '../traffic/index.js';
import * as users from '../users/index.js';

export function shopRowToShop(r: ShopsTable): Shop {
  return {
    id: r.id,
    name: r.name,
    channel: r.channel as Channel,
    timezone: r.timezone,
    status: r.status as Shop['status'],
    isDemo: r.is_demo === 1,
    createdAt: r.created_at,
  };
}

/** The shops this actor may see, in name order. */
export async function listVisible(db: Kysely<DB>, actor: Actor): Promise<Shop[]> {
  let q = db.selectFrom('shops').selectAll().where('org_id', '=', actor.orgId);
  q = scopeToShops(q, actor, 'id');
  const rows = await q.orderBy('created_at').orderBy('name').execute();
  return rows.map(shopRowToShop);
}

export async function getVisible(db: Kysely<DB>, actor: Actor, id: string): Promise<ShopsTable> {
  const row = await db.selectFrom('shops').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!row) throw new AppError('not_found', `店铺 ${id} 不存在或无权访问`, { shopId: id });
  assertShopVisible(actor, id, undefined, { shopId: id });
  return row;
}

/**
 * Shop names are stored in Unicode NFC, so「Café」typed with a combining accent and with a
 * precomposed é are one name (the unique index on org + name then catches the duplicate).
 */
export function normalizeShopName(name: string): string {
  return name.trim().normalize('NFC');
}

/** Find a shop by id or unique name (the CLI accepts either). */
export async function findByIdOrName(db: Kysely<DB>, orgId: string, ref: string): Promise<ShopsTable> {
  const name = normalizeShopName(ref);
  const rows = await db
    .selectFrom('shops')
    .selectAll()
    .where('org_id', '=', orgId)
    .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', name)]))
    .execute();
  const byId = rows.find((r) => r.id === ref);
  if (byId) return byId;
  if (rows.length === 1) return rows[0]!;
  throw new AppError('not_found', `找不到店铺「${ref}」：请用 yunying shop list 查看店铺的 id 或名称`, { shop: ref });
}

export async function createShop(trx: Transaction<DB>, actor: Actor, input: CreateShopInput): Promise<Shop> {
  const now = Date.now();
  const row: ShopsTable = {
    id: newId('shop'),
    org_id: actor.orgId,
    name: normalizeShopName(input.name),
    channel: input.channel,
    timezone: input.timezone,
    status: 'active',
    is_demo: 0,
    created_at: now,
    updated_at: now,
  };
  try {
    await trx.insertInto('shops').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
  // A user limited to some shops who creates one should see it.
  if (!seesAllShops(actor) && actor.userId) {
    await users.grantShop(trx, actor.userId, row.id);
  }
  const shop = shopRowToShop(row);
  await audit.record(trx, actor, 'shop.create', { entityType: 'shop', entityId: row.id, shopId: row.id, after: shop });
  return shop;
}

function nameTaken(name: string): AppError {
  return new AppError('conflict', `已有名为「${name}」的店铺，请换一个名称`, { name }, [{ path: 'name', message: '店铺名称已存在' }]);
}

export async function updateShop(trx: Transaction<DB>, actor: Actor, id: string, input: UpdateShopInput): Promise<Shop> {
  const before = await getVisible(trx, actor, id);
  const patch: Partial<ShopsTable> = { updated_at: Date.now() };
  if (input.name !== undefined) patch.name = normalizeShopName(input.name);
  if (input.timezone !== undefined) patch.timezone = input.timezone;
  if (input.status !== undefined) patch.status = input.status;
  try {
    await trx.updateTable('shops').set(patch).where('id', '=', id).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name ?? '');
    throw err;
  }
  const after = await trx.selectFrom('shops').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  if (after.timezone !== before.timezone) await rezone(trx, id, after.timezone);
  await audit.record(trx, actor, 'shop.update', {
    entityType: 'shop',
    entityId: id,
    shopId: id,
    before: shopRowToShop(before),
    after: shopRowToShop(after),
  });
  return shopRowToShop(after);
}

/**
 * The shop's business days follow its zone: a new zone recomputes the stored days of its orders,
 * refunds and events (each by its owner) in the same transaction, and marks every day touched
 * (before and after) for a rollup rebuild, so the analytics show the days of the new zone.
 */
async function rezone(trx: Transaction<DB>, shopId: string, timeZone: string): Promise<void> {
  const days = new Set([...(await orders.rezoneOrderDays(trx, shopId, timeZone)), ...(await traffic.rezoneEvents(trx, shopId, timeZone))]);
  await analytics.markOrderDaysDirty(trx, shopId, [...days]);
}

/** The ids among `shopIds` that are shops of this organisation. */
export async function existingIds(db: Kysely<DB>, orgId: string, shopIds: readonly string[]): Promise<string[]> {
  if (shopIds.length === 0) return [];
  const rows = await db
    .selectFrom('shops')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', [...shopIds])
    .execute();
  return rows.map((r) => r.id);
}

/** The organisation of this installation (the first one created), if any yet. */
export async function firstOrgId(db: Kysely<DB>): Promise<string | undefined> {
  return (await db.selectFrom('orgs').select('id').orderBy('created_at').executeTakeFirst())?.id;
}

/** Create the organisation (first start). Returns its id. */
export async function createOrg(trx: Kysely<DB>, name: string): Promise<string> {
  const id = newId('org');
  await trx.insertInto('orgs').values({ id, name, created_at: Date.now() }).execute();
  return id;
}

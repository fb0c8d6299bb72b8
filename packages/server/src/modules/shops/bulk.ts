/**
 * Shops in bulk: the demo loader's shop rows, the reads it needs (which shops are the demo's, which
 * names are taken, is the installation empty) and removing shops once their rows elsewhere are gone.
 * Writes run in the caller's transaction.
 */
import type { Shop } from '@yunying/core';
import type { Kysely } from 'kysely';
import { IN_CHUNK, chunk, inChunks, insertBatched } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';
import { shopRowToShop } from './shops.service.js';

export interface BulkShop {
  id: string;
  name: string;
  channel: string;
  createdAt: number;
}

/** Insert active shops as given (ids included), all in one time zone. */
export async function insertShops(
  trx: Kysely<DB>,
  opts: { orgId: string; timezone: string; isDemo: boolean; shops: readonly BulkShop[] },
): Promise<void> {
  await insertBatched(
    trx,
    'shops',
    opts.shops.map((s) => ({
      id: s.id,
      org_id: opts.orgId,
      name: s.name,
      channel: s.channel,
      timezone: opts.timezone,
      status: 'active',
      is_demo: opts.isDemo ? 1 : 0,
      created_at: s.createdAt,
      updated_at: s.createdAt,
    })),
  );
}

/** The organisation's demo shops, oldest first. */
export async function demoShops(db: Kysely<DB>, orgId: string): Promise<Shop[]> {
  const rows = await db
    .selectFrom('shops')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('is_demo', '=', 1)
    .orderBy('created_at')
    .execute();
  return rows.map(shopRowToShop);
}

/** Which of `names` already name a shop of the organisation. */
export async function takenShopNames(db: Kysely<DB>, orgId: string, names: readonly string[]): Promise<string[]> {
  const rows = await inChunks(names, (c) =>
    db.selectFrom('shops').select('name').where('org_id', '=', orgId).where('name', 'in', c).execute(),
  );
  return rows.map((r) => r.name);
}

/** Whether the installation has any shop at all (first start). */
export async function anyShop(db: Kysely<DB>): Promise<boolean> {
  return !!(await db.selectFrom('shops').select('id').limit(1).executeTakeFirst());
}

/** Delete the shop rows themselves: every module's rows of these shops must be gone first. */
export async function removeShops(trx: Kysely<DB>, shopIds: readonly string[]): Promise<void> {
  for (const c of chunk(shopIds, IN_CHUNK)) await trx.deleteFrom('shops').where('id', 'in', c).execute();
}

/** Rollups in bulk: removing the rollups of shops that are being deleted (the demo remover). */
import type { Kysely } from 'kysely';
import { IN_CHUNK, chunk } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

/** Delete the daily rollups and dirty marks of these shops, in the caller's transaction. */
export async function removeShopRollups(trx: Kysely<DB>, shopIds: readonly string[]): Promise<void> {
  for (const c of chunk(shopIds, IN_CHUNK)) {
    await trx.deleteFrom('rollup_daily').where('shop_id', 'in', c).execute();
    await trx.deleteFrom('rollup_dirty').where('shop_id', 'in', c).execute();
  }
}

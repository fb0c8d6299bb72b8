/** Jobs in bulk: removing the jobs of shops that are being deleted (the demo remover). */
import type { Kysely } from 'kysely';
import { IN_CHUNK, chunk } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

/** Delete the jobs of these shops, whatever their status, in the caller's transaction. */
export async function removeShopJobs(trx: Kysely<DB>, shopIds: readonly string[]): Promise<void> {
  for (const c of chunk(shopIds, IN_CHUNK)) await trx.deleteFrom('jobs').where('shop_id', 'in', c).execute();
}

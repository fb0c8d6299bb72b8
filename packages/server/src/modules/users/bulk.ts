/** Users in bulk: removing the shop grants of shops that are being deleted (the demo remover). */
import type { Kysely } from 'kysely';
import { IN_CHUNK, chunk } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

/** Delete every user's grant to these shops, in the caller's transaction. */
export async function removeShopGrants(trx: Kysely<DB>, shopIds: readonly string[]): Promise<void> {
  for (const c of chunk(shopIds, IN_CHUNK)) await trx.deleteFrom('user_shops').where('shop_id', 'in', c).execute();
}

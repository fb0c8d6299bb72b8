/** Notifications in bulk: removing those of deleted shops or entities, with their read marks. */
import type { Kysely } from 'kysely';
import { IN_CHUNK, chunk } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

/** Delete the notifications of these shops (and who read them), in the caller's transaction. */
export async function removeShopNotifications(trx: Kysely<DB>, shopIds: readonly string[]): Promise<void> {
  for (const c of chunk(shopIds, IN_CHUNK)) {
    const notes = trx.selectFrom('notifications').select('id').where('shop_id', 'in', c);
    await trx.deleteFrom('notification_reads').where('notification_id', 'in', notes).execute();
    await trx.deleteFrom('notifications').where('shop_id', 'in', c).execute();
  }
}

/** Delete the notifications about these entities (e.g. low stock of SKUs being deleted). */
export async function removeEntityNotifications(
  trx: Kysely<DB>,
  opts: { entityType: string; entityIds: readonly string[] },
): Promise<void> {
  for (const c of chunk(opts.entityIds, IN_CHUNK)) {
    const notes = trx.selectFrom('notifications').select('id').where('entity_type', '=', opts.entityType).where('entity_id', 'in', c);
    await trx.deleteFrom('notification_reads').where('notification_id', 'in', notes).execute();
    await trx.deleteFrom('notifications').where('entity_type', '=', opts.entityType).where('entity_id', 'in', c).execute();
  }
}

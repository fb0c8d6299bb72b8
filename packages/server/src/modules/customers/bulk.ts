/**
 * Bulk work on the customers module's tables for the demo loader and its removal.
 */
import type { Transaction } from 'kysely';
import { inChunks } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';
import { markShopDirty } from './customers.sync.js';

/**
 * Remove every customer row of these shops (customers, order facts, tags, thresholds, marks).
 * Customers of other shops merged into a removed customer become standalone again, and their
 * shops are marked for a rebuild.
 */
export async function removeShopCustomers(trx: Transaction<DB>, shopIds: readonly string[]): Promise<number> {
  if (!shopIds.length) return 0;
  const ids = (
    await trx
      .selectFrom('customers')
      .select('id')
      .where('shop_id', 'in', [...shopIds])
      .execute()
  ).map((r) => r.id);
  const orphans = await inChunks(ids, (chunk) =>
    trx
      .selectFrom('customers')
      .select(['id', 'shop_id'])
      .where('merged_into', 'in', chunk)
      .where('shop_id', 'not in', [...shopIds])
      .execute(),
  );
  await inChunks(ids, async (chunk) => {
    await trx.deleteFrom('customer_tags').where('customer_id', 'in', chunk).execute();
    return [];
  });
  await trx
    .deleteFrom('customer_orders')
    .where('shop_id', 'in', [...shopIds])
    .execute();
  await trx
    .deleteFrom('customers')
    .where('shop_id', 'in', [...shopIds])
    .execute();
  await trx
    .deleteFrom('customer_rfm_settings')
    .where('shop_id', 'in', [...shopIds])
    .execute();
  await trx
    .deleteFrom('customer_dirty')
    .where('shop_id', 'in', [...shopIds])
    .execute();
  if (orphans.length) {
    await inChunks(
      orphans.map((o) => o.id),
      async (chunk) => {
        await trx.updateTable('customers').set({ merged_into: null }).where('id', 'in', chunk).execute();
        return [];
      },
    );
    for (const shopId of new Set(orphans.map((o) => o.shop_id))) await markShopDirty(trx, shopId);
  }
  return ids.length;
}

/**
 * Contact emails the demo's buyers left (shop → nick → email), set on their customer records where
 * none is recorded yet; a few hundred rows per UPDATE (one CASE over the nicks).
 */
export async function setEmails(trx: Transaction<DB>, byShop: ReadonlyMap<string, ReadonlyMap<string, string>>): Promise<void> {
  for (const [shopId, emails] of byShop) {
    const entries = [...emails];
    for (let i = 0; i < entries.length; i += 300) {
      const part = entries.slice(i, i + 300);
      await trx
        .updateTable('customers')
        .set((eb) => {
          let c = eb.case().when('nick', '=', part[0]![0]).then(part[0]![1]);
          for (const [nick, email] of part.slice(1)) c = c.when('nick', '=', nick).then(email);
          return { email: c.else(eb.ref('email')).end() };
        })
        .where('shop_id', '=', shopId)
        .where('email', '=', '')
        .where(
          'nick',
          'in',
          part.map(([n]) => n),
        )
        .execute();
    }
  }
}

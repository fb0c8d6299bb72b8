import type { Kysely } from 'kysely';

/**
 * Each priced order's buyer (marketing): a per-buyer limit of a flash sale (限时折扣每人限购) counts
 * the units the buyer already bought at that promotion's price in earlier orders of the shop.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('order_pricings')
    .addColumn('buyer_key', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('order_pricings_buyer_idx').on('order_pricings').columns(['shop_id', 'buyer_key']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('order_pricings_buyer_idx').execute();
  await db.schema.alterTable('order_pricings').dropColumn('buyer_key').execute();
}

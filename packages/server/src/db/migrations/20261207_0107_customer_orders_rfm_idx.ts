import type { Kysely } from 'kysely';

/**
 * RFM at scale (issue 11): the grouped R/F/M query reads a shop's paid order facts grouped by
 * customer. This index holds every column it needs in group order (shop, paid, customer, day,
 * amounts), so the query is one index range read with no table lookups and no sort.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('customer_orders_rfm_idx')
    .on('customer_orders')
    .columns(['shop_id', 'paid', 'customer_id', 'paid_day', 'paid_fen', 'refund_fen'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('customer_orders_rfm_idx').execute();
}

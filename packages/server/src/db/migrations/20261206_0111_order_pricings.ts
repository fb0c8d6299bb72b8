import type { Kysely } from 'kysely';

/**
 * How the engine priced an order that a promotion or coupon touched (marketing): each line's
 * adjustments with their Chinese explanation, the promotions applied and the totals — the order
 * page shows them line by line, and the effect report can attribute cost to each promotion.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('order_pricings')
    .addColumn('order_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('result_json', 'text', (c) => c.notNull())
    .addColumn('discount_fen', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('order_pricings').execute();
}

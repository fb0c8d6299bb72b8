import type { Kysely } from 'kysely';

/**
 * Saved customer segments (issue 11 §3): a name and the filter builder's rules (JSON) per shop.
 * Indexes for the builder's range conditions on the customer list (last / first paid day,
 * paid orders) within a shop.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('customer_segments')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(60)', (c) => c.notNull())
    .addColumn('description', 'varchar(500)', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('created_by', 'varchar(40)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('customer_segments_shop_name_uq', ['shop_id', 'name'])
    .execute();
  await db.schema.createIndex('customer_segments_org_idx').on('customer_segments').columns(['org_id', 'updated_at']).execute();
  await db.schema.createIndex('customers_shop_last_paid_idx').on('customers').columns(['shop_id', 'last_paid_day']).execute();
  await db.schema.createIndex('customers_shop_first_paid_idx').on('customers').columns(['shop_id', 'first_paid_day']).execute();
  await db.schema.createIndex('customers_shop_orders_idx').on('customers').columns(['shop_id', 'paid_orders']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['customers_shop_orders_idx', 'customers_shop_first_paid_idx', 'customers_shop_last_paid_idx'])
    await db.schema.dropIndex(i).execute();
  await db.schema.dropTable('customer_segments').execute();
}

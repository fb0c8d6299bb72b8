import { sql, type Kysely } from 'kysely';

/**
 * Customers (issue 11): one row per buyer identity per shop, built from orders by the customers
 * module. `customer_orders` is the module's own copy of the order facts RFM needs (one row per
 * order), `customer_dirty` the marks orders leave for it (order id, or '*' = rebuild the whole
 * shop), `customer_tags` the tags, `customer_rfm_settings` a shop's own RFM thresholds.
 * Every existing shop is marked for a whole rebuild, so customers appear on the first read.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('identity_key', 'varchar(200)', (c) => c.notNull()) // nick:<buyer nick> | phone:<phone>
    .addColumn('channel', 'varchar(20)', (c) => c.notNull())
    .addColumn('nick', 'varchar(100)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('phone', 'varchar(40)', (c) => c.notNull()) // '' when unknown or masked by the platform
    .addColumn('email', 'varchar(200)', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('merged_into', 'varchar(40)') // the customer this one was merged into (null = standalone)
    .addColumn('order_count', 'integer', (c) => c.notNull())
    .addColumn('paid_orders', 'integer', (c) => c.notNull())
    .addColumn('paid_fen', 'bigint', (c) => c.notNull())
    .addColumn('refund_fen', 'bigint', (c) => c.notNull())
    .addColumn('first_paid_at', 'bigint')
    .addColumn('last_paid_at', 'bigint')
    .addColumn('first_paid_day', 'varchar(10)')
    .addColumn('last_paid_day', 'varchar(10)')
    .addColumn('cycle_days', 'integer') // median gap between the customer's paid days (null: < 2 days)
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('customers_shop_identity_uq', ['shop_id', 'identity_key'])
    .execute();
  await db.schema.createIndex('customers_shop_paid_idx').on('customers').columns(['shop_id', 'paid_fen']).execute();
  await db.schema.createIndex('customers_phone_idx').on('customers').columns(['phone']).execute();
  await db.schema.createIndex('customers_merged_idx').on('customers').columns(['merged_into']).execute();

  await db.schema
    .createTable('customer_orders')
    .addColumn('order_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('customer_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('order_no', 'varchar(80)', (c) => c.notNull())
    .addColumn('channel', 'varchar(20)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('paid', 'integer', (c) => c.notNull()) // 1: paid and not cancelled (counts for RFM)
    .addColumn('paid_day', 'varchar(10)')
    .addColumn('paid_at', 'bigint')
    .addColumn('paid_fen', 'bigint', (c) => c.notNull())
    .addColumn('refund_fen', 'bigint', (c) => c.notNull())
    .addColumn('ordered_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('customer_orders_customer_idx').on('customer_orders').columns(['customer_id', 'ordered_at']).execute();
  await db.schema.createIndex('customer_orders_shop_day_idx').on('customer_orders').columns(['shop_id', 'paid_day']).execute();

  await db.schema
    .createTable('customer_tags')
    .addColumn('customer_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('tag', 'varchar(40)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_tags_pk', ['customer_id', 'tag'])
    .execute();
  await db.schema.createIndex('customer_tags_tag_idx').on('customer_tags').columns(['tag']).execute();

  await db.schema
    .createTable('customer_rfm_settings')
    .addColumn('shop_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('recency_days', 'integer', (c) => c.notNull())
    .addColumn('frequency', 'integer', (c) => c.notNull())
    .addColumn('monetary_fen', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('customer_dirty')
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('order_id', 'varchar(40)', (c) => c.notNull()) // '*' = the whole shop
    .addColumn('mark', 'varchar(40)', (c) => c.notNull()) // changes on every re-mark, so a rebuild deletes only what it read
    .addColumn('marked_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_dirty_pk', ['shop_id', 'order_id'])
    .execute();
  await sql`insert into customer_dirty (shop_id, order_id, mark, marked_at) select id, '*', 'init', 0 from shops`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['customer_dirty', 'customer_rfm_settings', 'customer_tags', 'customer_orders', 'customers'])
    await db.schema.dropTable(t).execute();
}

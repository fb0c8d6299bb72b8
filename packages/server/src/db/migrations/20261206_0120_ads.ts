import type { Kysely } from 'kysely';

/**
 * Paid promotion (issue 13): ad plans (imported or entered by hand, with daily budget and bid),
 * the promoted products of each plan (break-even ROI), the daily report rows by level (plan, unit,
 * keyword, creative — `level` names the dimension columns the file had: '', 'u', 'k', 'uk', …),
 * 淘宝客 commission orders, and the daily advice with its decision.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ad_plans')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('tool', 'varchar(20)', (c) => c.notNull())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('daily_budget_fen', 'bigint')
    .addColumn('bid_fen', 'bigint')
    .addColumn('status', 'varchar(10)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('ad_plans_shop_tool_name_uq', ['shop_id', 'tool', 'name'])
    .execute();
  await db.schema.createIndex('ad_plans_shop_name_idx').on('ad_plans').columns(['shop_id', 'name']).execute();

  await db.schema
    .createTable('ad_plan_products')
    .addColumn('plan_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('product_id', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('ad_plan_products_pk', ['plan_id', 'product_id'])
    .execute();

  await db.schema
    .createTable('ad_daily')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('plan_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('tool', 'varchar(20)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('level', 'varchar(3)', (c) => c.notNull())
    .addColumn('unit', 'varchar(200)', (c) => c.notNull())
    .addColumn('keyword', 'varchar(200)', (c) => c.notNull())
    .addColumn('creative', 'varchar(200)', (c) => c.notNull())
    .addColumn('impressions', 'bigint', (c) => c.notNull())
    .addColumn('clicks', 'bigint', (c) => c.notNull())
    .addColumn('spend_fen', 'bigint', (c) => c.notNull())
    .addColumn('orders', 'bigint', (c) => c.notNull())
    .addColumn('sales_fen', 'bigint', (c) => c.notNull())
    .addColumn('favs', 'bigint', (c) => c.notNull())
    .addColumn('carts', 'bigint', (c) => c.notNull())
    .addColumn('imported_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ad_daily_shop_day_idx').on('ad_daily').columns(['shop_id', 'day']).execute();
  await db.schema.createIndex('ad_daily_plan_day_idx').on('ad_daily').columns(['plan_id', 'day', 'level']).execute();

  await db.schema
    .createTable('ad_taoke_orders')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('order_no', 'varchar(80)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('product', 'varchar(200)', (c) => c.notNull())
    .addColumn('item_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('rate_ppm', 'integer')
    .addColumn('commission_fen', 'bigint', (c) => c.notNull())
    .addColumn('paid_fen', 'bigint', (c) => c.notNull())
    .addColumn('imported_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('ad_taoke_orders_shop_order_uq', ['shop_id', 'order_no'])
    .execute();
  await db.schema.createIndex('ad_taoke_orders_shop_day_idx').on('ad_taoke_orders').columns(['shop_id', 'day']).execute();

  await db.schema
    .createTable('ad_advice')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('plan_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('kind', 'varchar(30)', (c) => c.notNull())
    .addColumn('target', 'varchar(420)', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(10)', (c) => c.notNull()) // open | accepted | dismissed
    .addColumn('decided_by', 'varchar(40)')
    .addColumn('decided_at', 'bigint')
    .addColumn('note', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('ad_advice_day_uq', ['shop_id', 'day', 'plan_id', 'kind', 'target'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['ad_advice', 'ad_taoke_orders', 'ad_daily', 'ad_plan_products', 'ad_plans']) await db.schema.dropTable(t).execute();
}

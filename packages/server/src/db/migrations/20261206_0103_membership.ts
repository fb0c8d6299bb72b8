import { sql, type Kysely } from 'kysely';

/**
 * Membership (issue 11 §4): per organisation settings (points per yuan, weekly member day), levels
 * with thresholds and benefits, one points account per customer (balance ≥ 0, always the sum of its
 * ledger), the points ledger, the points each order has earned so far (so a refund or a
 * cancellation reverses exactly the difference) and the level changes with their reasons.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('member_settings')
    .addColumn('org_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('points_per_yuan', 'integer', (c) => c.notNull())
    .addColumn('member_day', 'integer') // ISO weekday 1 (Mon) … 7 (Sun); null = none
    .addColumn('member_day_multiplier', 'integer', (c) => c.notNull()) // percent: 200 = double points
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('member_levels')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(40)', (c) => c.notNull())
    .addColumn('min_net_fen', 'bigint') // reached at this net paid amount …
    .addColumn('min_orders', 'integer') // … or at this many paid orders
    .addColumn('points_multiplier', 'integer', (c) => c.notNull()) // percent
    .addColumn('discount_pct', 'integer', (c) => c.notNull()) // member price: 95 = 95% of the price
    .addColumn('free_shipping', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('member_levels_org_name_uq', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('member_accounts')
    .addColumn('customer_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('balance', 'bigint', (c) => c.notNull().check(sql`balance >= 0`))
    .addColumn('level_id', 'varchar(40)')
    .addColumn('level_since', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('member_accounts_level_idx').on('member_accounts').columns(['shop_id', 'level_id']).execute();

  await db.schema
    .createTable('member_points')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('customer_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull()) // earn | reverse | redeem | adjust
    .addColumn('points', 'bigint', (c) => c.notNull()) // signed
    .addColumn('balance_after', 'bigint', (c) => c.notNull())
    .addColumn('order_id', 'varchar(40)')
    .addColumn('reason', 'varchar(200)', (c) => c.notNull())
    .addColumn('actor_id', 'varchar(40)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('member_points_customer_idx').on('member_points').columns(['customer_id', 'created_at']).execute();

  await db.schema
    .createTable('member_order_points')
    .addColumn('order_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('customer_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('points', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('member_level_changes')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('customer_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('from_level', 'varchar(40)')
    .addColumn('to_level', 'varchar(40)')
    .addColumn('reason', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('member_level_changes_customer_idx')
    .on('member_level_changes')
    .columns(['customer_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['member_level_changes', 'member_order_points', 'member_points', 'member_accounts', 'member_levels', 'member_settings'])
    await db.schema.dropTable(t).execute();
}

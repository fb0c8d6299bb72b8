import type { Kysely } from 'kysely';

/**
 * Hourly ad report rows (分时报表, issue 13 budget pacing): a plan's figures in one hour of a day,
 * summed over the file's units/keywords/creatives. An hourly import also stores the plan-day sum in
 * ad_daily at level 'h', read only when no plan-level daily report holds that plan-day (so the two
 * never add up); the hours themselves feed the day's curve and the spend so far.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ad_hourly')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('plan_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('tool', 'varchar(20)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('hour', 'integer', (c) => c.notNull())
    .addColumn('impressions', 'bigint', (c) => c.notNull())
    .addColumn('clicks', 'bigint', (c) => c.notNull())
    .addColumn('spend_fen', 'bigint', (c) => c.notNull())
    .addColumn('orders', 'bigint', (c) => c.notNull())
    .addColumn('sales_fen', 'bigint', (c) => c.notNull())
    .addColumn('imported_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('ad_hourly_plan_day_hour_uq', ['plan_id', 'day', 'hour'])
    .execute();
  await db.schema.createIndex('ad_hourly_shop_day_idx').on('ad_hourly').columns(['shop_id', 'day']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ad_hourly').execute();
}

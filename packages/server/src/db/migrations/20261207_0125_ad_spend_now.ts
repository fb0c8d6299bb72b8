import type { Kysely } from 'kysely';

/**
 * Intraday budget pacing (issue 13): a plan's spend so far on a day, read at a time of day
 * (minute 0–1439) from the ad tool's real-time view and entered by hand (当前花费). One row per
 * plan, day and minute; the latest minute of a day is the plan's spend so far. Not a report row:
 * the daily figures (ad_daily) never read it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ad_spend_now')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('plan_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('minute', 'integer', (c) => c.notNull())
    .addColumn('spend_fen', 'bigint', (c) => c.notNull())
    .addColumn('entered_by', 'varchar(40)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('ad_spend_now_plan_day_minute_uq', ['plan_id', 'day', 'minute'])
    .execute();
  await db.schema.createIndex('ad_spend_now_shop_day_idx').on('ad_spend_now').columns(['shop_id', 'day']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ad_spend_now').execute();
}

import type { Kysely } from 'kysely';

/**
 * Points expiry (issue 11 §4): per organisation, points earned expire `none`, at the end of the
 * `n`-th year after the year they were earned (`years`; n = 1 is the common 次年年底清零), or
 * `n` months after the day they were earned (`months`). A daily job writes `expire` ledger rows;
 * `member_expiry_runs` records each shop's run per business day (one run a day, with its totals).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('member_settings')
    .addColumn('points_expiry', 'varchar(10)', (c) => c.notNull().defaultTo('none'))
    .execute();
  await db.schema
    .alterTable('member_settings')
    .addColumn('points_expiry_n', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createTable('member_expiry_runs')
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('customers', 'integer', (c) => c.notNull())
    .addColumn('points', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_expiry_runs_pk', ['shop_id', 'day'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('member_expiry_runs').execute();
  await db.schema.alterTable('member_settings').dropColumn('points_expiry_n').execute();
  await db.schema.alterTable('member_settings').dropColumn('points_expiry').execute();
}

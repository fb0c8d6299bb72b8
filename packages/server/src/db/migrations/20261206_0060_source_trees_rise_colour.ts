import type { Kysely } from 'kysely';

/**
 * Issue 9 items 3 and 1:
 * - `traffic_sources.family`: which channel's tree a source belongs to (taobao | jd | pdd | douyin
 *   | web, or all for 其他). Sources that existed before are Taobao's, as they were named.
 * - `rollup_daily.untracked_buyers`: paying buyers of the row without a tracked visit in it that
 *   day (manual or imported orders); product and source conversion counts them as visitors too.
 * - `users.rise_color`: the personal colour of a rise, red (the Chinese convention) or green.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('traffic_sources')
    .addColumn('family', 'varchar(10)', (c) => c.notNull().defaultTo('taobao'))
    .execute();
  await db.updateTable('traffic_sources').set({ family: 'all' }).where('code', '=', 'unknown').execute();
  await db.schema
    .alterTable('rollup_daily')
    .addColumn('untracked_buyers', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('rise_color', 'varchar(8)', (c) => c.notNull().defaultTo('red'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('rise_color').execute();
  await db.schema.alterTable('rollup_daily').dropColumn('untracked_buyers').execute();
  await db.schema.alterTable('traffic_sources').dropColumn('family').execute();
}

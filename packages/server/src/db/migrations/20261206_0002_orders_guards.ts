import type { Kysely } from 'kysely';

/**
 * Guards for manual orders (issue 17):
 * - `order_no_counters`: one row per organisation and business day whose `seq` is incremented in
 *   the transaction that creates a manual order, so manual order numbers are unique by
 *   construction (M + day + sequence) across the organisation's shops, instead of six random
 *   digits that collide as a day's orders grow.
 * - `idempotency_keys.request_hash`: the SHA-256 of the canonical request body stored with the
 *   key, so the same key sent with a different body is refused instead of answered with the first
 *   order. Rows stored before this migration have '' and are replayed as before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('order_no_counters')
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull()) // YYYY-MM-DD, the shop's business day
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_no_counters_pk', ['org_id', 'day'])
    .execute();
  await db.schema
    .alterTable('idempotency_keys')
    .addColumn('request_hash', 'varchar(64)', (c) => c.notNull().defaultTo(''))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').dropColumn('request_hash').execute();
  await db.schema.dropTable('order_no_counters').execute();
}

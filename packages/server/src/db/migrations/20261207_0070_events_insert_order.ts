import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The insertion order of tracker events, so today's rollup can grow from the events stored since
 * its last refresh instead of re-reading the whole day (issue 10 item 2; rollup-today.ts).
 *
 * - PostgreSQL: `ins_xid`, the inserting transaction's id (`pg_current_xact_id()`, an xid8 that
 *   never wraps). Transactions commit out of id order, so a plain sequence cannot tell a reader
 *   which rows it has already seen; a transaction id can, against the snapshot of the previous
 *   read (`pg_visible_in_snapshot`). Rows stored before this migration keep NULL (they are read
 *   whole the first time a day is built). The partial index (shop, ins_xid) serves the "rows
 *   since" read; existing rows are not in it, so adding it to a large table is cheap.
 * - SQLite: the rowid is the insertion order (one writer at a time: rowid order is commit order).
 *   The column exists there too, unused, so a logical backup of either database restores into the
 *   other (backups copy every column).
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table events add column ins_xid xid8`.execute(db);
    await sql`alter table events alter column ins_xid set default pg_current_xact_id()`.execute(db);
    await sql`create index events_shop_xid_idx on events (shop_id, ins_xid) where ins_xid is not null`.execute(db);
  } else {
    await db.schema.alterTable('events').addColumn('ins_xid', 'integer').execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) await sql`drop index if exists events_shop_xid_idx`.execute(db);
  await db.schema.alterTable('events').dropColumn('ins_xid').execute();
}

/**
 * Row locking. PostgreSQL takes `SELECT … FOR UPDATE` row locks; SQLite has no such clause and
 * needs none: Kysely runs SQLite on one connection and its transactions one after another, so
 * nothing else reads or writes between a transaction's read and its write.
 */
import { PostgresAdapter, type Kysely, type Transaction } from 'kysely';

export function isPostgres(db: Kysely<any> | Transaction<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

interface Lockable<QB> {
  forUpdate(): QB;
}

/** `qb.forUpdate()` on PostgreSQL; `qb` unchanged on SQLite. */
export function forUpdate<QB extends Lockable<QB>>(db: Kysely<any> | Transaction<any>, qb: QB): QB {
  return isPostgres(db) ? qb.forUpdate() : qb;
}

/**
 * Row locking. PostgreSQL takes `SELECT … FOR UPDATE` row locks; SQLite has no such clause and
 * needs none: Kysely runs SQLite on one connection and its transactions one after another, so
 * nothing else reads or writes between a transaction's read and its write.
 */
import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';

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

/**
 * Run `fn` while this process holds the PostgreSQL advisory lock named by (`space`, `key`): one
 * process at a time runs it across every server process on the database (YUNYING_WORKERS, several
 * `yunying start`). The holder keeps one pooled connection for the lock while `fn` uses others; a
 * process that finds the lock taken waits without holding a connection (it tries again every
 * `pollMs`), so waiting work cannot use up the pool. A process that dies releases its lock with its
 * session. SQLite: one process writes a database file (several workers are refused), so `fn` runs.
 */
export async function withAdvisoryLock<T>(db: Kysely<any>, space: number, key: string, fn: () => Promise<T>, pollMs = 50): Promise<T> {
  if (!isPostgres(db)) return fn();
  for (;;) {
    const done = await db.connection().execute(async (conn) => {
      const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${space}::int4, hashtext(${key})) as ok`.execute(conn);
      if (!got.rows[0]?.ok) return null;
      try {
        return { value: await fn() };
      } finally {
        await sql`select pg_advisory_unlock(${space}::int4, hashtext(${key}))`.execute(conn);
      }
    });
    if (done) return done.value;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

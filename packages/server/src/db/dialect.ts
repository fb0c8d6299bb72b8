/**
 * Every difference between SQLite and PostgreSQL lives in this file: connecting, type parsing,
 * error-code translation, backup. The rest of the code base writes one Kysely query path.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.js';
import { QueryCountPlugin } from './query-count.js';
import { FairSqliteDialect, FifoLock } from './sqlite-fair.js';
import { startSqliteWorker, type SqliteWorker } from './sqlite-worker.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  dialect: DialectName;
  url: string;
  /** SQLite only: the file path (or ':memory:'). */
  file?: string;
  close(): Promise<void>;
}

export const DEFAULT_DATABASE_URL = 'sqlite:data/yunying.db';

export function parseDatabaseUrl(url: string): { dialect: DialectName; target: string } {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { dialect: 'postgres', target: url };
  if (url.startsWith('sqlite:')) {
    const target = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!target) throw new Error('DATABASE_URL sqlite: 后面需要文件路径，例如 sqlite:data/yunying.db');
    return { dialect: 'sqlite', target };
  }
  throw new Error(`无法识别的 DATABASE_URL：${url}（应为 sqlite:<文件路径> 或 postgres://…）`);
}

/** int8 (20) and numeric (1700) come back from pg as strings; we want numbers on both dialects. */
const INT8_OID = 20;
const NUMERIC_OID = 1700;
function pgTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => (v === null ? null : Number(v));
      return pg.types.getTypeParser(oid, format as 'text');
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

export function openDatabase(url: string = DEFAULT_DATABASE_URL, opts: { poolSize?: number } = {}): Database {
  const { dialect, target } = parseDatabaseUrl(url);
  if (dialect === 'sqlite') {
    if (target !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
    const raw = new SQLite(target);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 5000');
    // 32 MB page cache (default 2 MB): big imports otherwise re-read hot index pages from disk.
    raw.pragma('cache_size = -32000');
    // Planner statistics for tables that grew since they were last gathered (a bulk load, an
    // import): without them SQLite may walk the amount index to count one status tab of a
    // million orders instead of the (org, status, …) index. Cheap when nothing changed.
    if (target !== ':memory:') raw.pragma('optimize = 0x10002');
    // One FIFO of write turns for the request connection and the worker (sqlite-fair.ts).
    const turns = new FifoLock();
    const worker = target === ':memory:' ? null : startSqliteWorker(raw, target, turns);
    const db = new Kysely<DB>({ dialect: new FairSqliteDialect(withStatementCache(raw), turns), plugins: [new QueryCountPlugin()] });
    if (worker) sqliteWorkers.set(db, worker);
    return {
      db,
      dialect,
      url,
      file: target,
      close: async () => {
        await worker?.stop();
        await db.destroy();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: target, max: opts.poolSize ?? 10, types: pgTypes() });
  // An idle connection the server closes (restart, failover, a dropped database) is emitted as an
  // 'error' on the pool; unhandled, it would crash the process. The pool replaces the connection.
  pool.on('error', (err: Error & { code?: string }) => {
    if (err.code !== '57P01') process.emitWarning(`PostgreSQL idle connection error: ${err.message}`);
  });
  // A connection that dies while checked out between two queries of a transaction (PostgreSQL
  // restarting under a background rebuild) emits 'error' on the client itself, where the pool's
  // idle listener is not attached: unhandled, the whole server would crash. The transaction's next
  // query fails with the connection error (a 503 to the caller) and the pool drops the client
  // when it is released (it is no longer queryable). faults-pg-restart.test.ts.
  pool.on('connect', (client) => {
    client.on('error', (err: Error & { code?: string }) => {
      if (err.code !== '57P01') process.emitWarning(`PostgreSQL connection error: ${err.message}`);
    });
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new QueryCountPlugin()] });
  return { db, dialect, url, close: () => db.destroy() };
}

/**
 * Kysely prepares every query it runs; SQLite's prepare costs as much as running a small query
 * (and far more than running a big multi-row INSERT's plan again). Keep the most recent prepared
 * statements by SQL text. Kysely runs one query at a time on its single SQLite connection; a
 * statement still busy (an unfinished iterator) is never handed out again.
 */
function withStatementCache(raw: SQLite.Database, max = 256): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => raw.close(),
    prepare(text: string) {
      // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR…); the
      // ROLLBACK Kysely then sends would fail with "no transaction is active" and replace the real
      // error (a full disk would be reported as an internal error). Roll back only what is open.
      if (text === 'rollback') {
        const stmt = raw.prepare(text);
        return {
          reader: false,
          all: () => [],
          iterate: () => [][Symbol.iterator](),
          run: () => (raw.inTransaction ? stmt.run() : { changes: 0, lastInsertRowid: 0 }),
        } as unknown as SQLite.Statement;
      }
      const hit = cache.get(text);
      if (hit && !hit.busy) {
        // Move to the back: the map's first key is the least recently used.
        cache.delete(text);
        cache.set(text, hit);
        return hit;
      }
      const stmt = raw.prepare(text);
      if (!hit) {
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(text, stmt);
      }
      return stmt;
    },
  };
}

const sqliteWorkers = new WeakMap<Kysely<DB>, SqliteWorker>();

/** The write/checkpoint worker of a SQLite file database (undefined for PostgreSQL and :memory:). */
export function sqliteWorkerFor(db: Kysely<DB>): SqliteWorker | undefined {
  return sqliteWorkers.get(db);
}

/** Translate a driver error into our vocabulary: unique violations become conflicts. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return e?.code === '23503' || e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Ping for /readyz. */
export async function ping(database: Database): Promise<void> {
  await sql`select 1`.execute(database.db);
}

export function isSqliteFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    fs.readSync(fd, buf, 0, 16, 0);
    return buf.toString('latin1') === 'SQLite format 3\u0000';
  } finally {
    fs.closeSync(fd);
  }
}

/** Names of the application tables present in the database (migration bookkeeping excluded). */
export async function listTables(database: Database): Promise<string[]> {
  const tables = await database.db.introspection.getTables();
  return tables
    .map((t) => t.name)
    .filter((n) => !n.startsWith('kysely_'))
    .sort();
}

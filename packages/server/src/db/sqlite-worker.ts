/**
 * A worker thread beside every SQLite file database, with its own connection, for two jobs that
 * should not run on the request thread:
 *
 * - WAL checkpoints. By default the connection that commits past 1,000 WAL pages copies them back
 *   into the database file and fsyncs inside that commit; on a busy collector that was about
 *   40 % of an event's insert cost. The worker runs a PASSIVE checkpoint (it never blocks readers
 *   or the writer) every 200 ms; the main connection keeps an automatic checkpoint at 10,000
 *   pages (40 MB) only as a fallback, restored to SQLite's 1,000 if the worker dies.
 * - Bulk appends (collected events): the main thread compiles the statements with Kysely as
 *   usual and hands them over; the worker runs each group in one IMMEDIATE transaction. SQLite
 *   allows one writer at a time: the two connections take turns from one FIFO queue in the
 *   request thread (sqlite-fair.ts), and the HTTP thread keeps parsing, validating and reading
 *   while the worker writes.
 *
 * The worker is plain CommonJS evaluated from a string, so it needs no build step or loader.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';
import type { FifoLock } from './sqlite-fair.js';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 30000');
db.pragma('cache_size = -32000');
db.pragma('wal_autocheckpoint = 0');
const statements = new Map();
function prepare(sql) {
  let s = statements.get(sql);
  if (!s) {
    if (statements.size >= 64) statements.clear();
    s = db.prepare(sql);
    statements.set(sql, s);
  }
  return s;
}
const begin = db.prepare('BEGIN IMMEDIATE');
const commit = db.prepare('COMMIT');
const rollback = db.prepare('ROLLBACK');
function checkpoint() {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: next round */ }
}
const timer = setInterval(checkpoint, workerData.checkpointMs);
parentPort.on('message', (m) => {
  if (m.type === 'stop') {
    clearInterval(timer);
    checkpoint();
    db.close();
    parentPort.close();
    return;
  }
  try {
    for (const group of m.groups) {
      begin.run();
      try {
        for (const q of group) prepare(q.sql).run(q.parameters);
        commit.run();
      } catch (err) {
        if (db.inTransaction) rollback.run();
        throw err;
      }
    }
    parentPort.postMessage({ id: m.id, ok: true });
  } catch (err) {
    parentPort.postMessage({ id: m.id, ok: false, message: String(err && err.message), code: err && err.code });
  }
});
`;

export interface SqliteWorker {
  /** False once the worker has failed or stopped: callers then write on the main connection. */
  readonly alive: boolean;
  /** Run each group of statements in its own transaction, in order; resolves after the last commit. */
  run(groups: readonly (readonly CompiledQuery[])[]): Promise<void>;
  stop(): Promise<void>;
}

interface Reply {
  id: number;
  ok: boolean;
  message?: string;
  code?: string;
}

/**
 * `turns`: the process's FIFO of write turns (sqlite-fair.ts); each `run` takes one before its
 * groups are posted and gives it back when the worker answers, so the worker never waits for the
 * request connection's write lock inside SQLite, nor the request connection for the worker's.
 */
export function startSqliteWorker(raw: SQLite.Database, file: string, turns: FifoLock): SqliteWorker {
  raw.pragma('wal_autocheckpoint = 10000');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file: path.resolve(file), checkpointMs: 200 },
  });
  worker.unref();
  let alive = true;
  let nextId = 1;
  const pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      alive = false;
      if (raw.open) raw.pragma('wal_autocheckpoint = 1000');
      failAll(new Error('SQLite worker exited'));
      resolve();
    }),
  );
  worker.on('error', (err) => {
    alive = false;
    process.emitWarning(`SQLite worker stopped: ${err.message}`);
  });
  worker.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    // Only keep the process alive while someone waits for an answer.
    if (!pending.size) worker.unref();
    if (m.ok) p.resolve();
    else p.reject(Object.assign(new Error(m.message ?? 'SQLite worker error'), { code: m.code }));
  });
  return {
    get alive() {
      return alive;
    },
    async run(groups) {
      if (!alive) throw new Error('SQLite worker is not running');
      const message = { type: 'run', id: 0, groups: groups.map((g) => g.map((q) => ({ sql: q.sql, parameters: q.parameters }))) };
      await turns.acquire();
      try {
        if (!alive) throw new Error('SQLite worker is not running');
        const id = (message.id = nextId++);
        await new Promise<void>((resolve, reject) => {
          pending.set(id, { resolve, reject });
          if (pending.size === 1) worker.ref();
          worker.postMessage(message);
        });
      } finally {
        turns.release();
      }
    },
    async stop() {
      if (!alive) return exited;
      alive = false;
      // Keep the process alive until the worker has closed its connection (else a CLI whose only
      // remaining work is this would exit early, with code 0, in the middle of closing).
      worker.ref();
      worker.postMessage({ type: 'stop' });
      await exited;
    },
  };
}

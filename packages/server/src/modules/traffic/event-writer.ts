/**
 * Group commit for collected events. Every POST /collect hands its rows to the writer of its
 * database and waits; the writer takes whatever has queued up within a few milliseconds and
 * stores it in one transaction, then marks the touched (shop, day)s dirty once. A request is
 * answered only after its rows have committed, so nothing acknowledged can be lost, but a busy
 * collector pays one commit (and one dirty mark) per flush instead of per request. The first
 * request of a flush waits FLUSH_DELAY_MS for company; up to MAX_IN_FLIGHT flushes are under
 * way at once.
 *
 * The INSERTs are compiled by Kysely once per chunk size (powers of two up to 256 rows) and run
 * again with fresh parameters: building and compiling a 50-row insert cost more than storing it.
 * On a SQLite file they run on the database's worker thread (db/sqlite-worker.ts), so the request
 * thread keeps serving while rows are written. If a flush fails, each request of it is retried
 * alone, so one bad batch cannot fail the others.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import { sqliteWorkerFor } from '../../db/dialect.js';
import type { DB, EventsTable } from '../../db/schema.js';
import * as analytics from '../analytics/rollup.service.js';

/** Column order of the compiled INSERTs and of the parameter arrays built for them. */
const COLUMNS = [
  'id',
  'shop_id',
  'day',
  'at',
  'visitor_id',
  'session_id',
  'type',
  'product_id',
  'source_code',
  'url',
  'referrer',
  'dwell_ms',
] as const satisfies readonly (keyof EventsTable)[];

const MAX_CHUNK = 256;
/**
 * How long the first queued request waits for others to join its commit. A few milliseconds on
 * a beacon nobody waits for; under load each commit then carries several requests' events.
 */
const FLUSH_DELAY_MS = 4;
/** Rows per transaction; more waiting rows go in the next one straight after. */
const MAX_FLUSH_ROWS = 4096;
/**
 * Flushes under way at once. The next flush is handed over while the previous one is still being
 * written (the worker runs them in order), so a request waits for its own commit, not also for
 * the one before it.
 */
const MAX_IN_FLIGHT = 3;

interface Pending {
  rows: EventsTable[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

class EventWriter {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private readonly sqlBySize = new Map<number, string>();

  constructor(private readonly db: Kysely<DB>) {}

  write(rows: EventsTable[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queuedRows += rows.length;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || !this.queue.length || this.inFlight >= MAX_IN_FLIGHT) return;
    // A full flush's worth goes at once; otherwise wait a moment for more requests to join.
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.flush();
      },
      this.queuedRows >= MAX_FLUSH_ROWS ? 0 : FLUSH_DELAY_MS,
    );
  }

  private flush(): void {
    const batch: Pending[] = [];
    let n = 0;
    while (this.queue.length && (batch.length === 0 || n + this.queue[0]!.rows.length <= MAX_FLUSH_ROWS)) {
      const p = this.queue.shift()!;
      batch.push(p);
      n += p.rows.length;
    }
    this.queuedRows -= n;
    if (!batch.length) return;
    this.inFlight++;
    void this.storeBatch(batch).finally(() => {
      this.inFlight--;
      this.schedule();
    });
    this.schedule();
  }

  private async storeBatch(batch: Pending[]): Promise<void> {
    try {
      await this.store(batch.flatMap((p) => p.rows));
      for (const p of batch) p.resolve();
    } catch (err) {
      if (batch.length === 1) batch[0]!.reject(err);
      else
        for (const p of batch) {
          try {
            await this.store(p.rows);
            p.resolve();
          } catch (e) {
            p.reject(e);
          }
        }
    }
  }

  /**
   * One transaction for the rows, then the dirty marks in another (after the commit: see
   * rollup.service). On a SQLite file the worker thread runs both; elsewhere this connection.
   */
  private async store(rows: EventsTable[]): Promise<void> {
    const inserts = insertQueries(this.db, rows, this.sqlBySize);
    const marks = markQueries(this.db, rows);
    const worker = sqliteWorkerFor(this.db);
    if (worker?.alive) {
      await worker.run([inserts, marks]);
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      for (const q of inserts) await trx.executeQuery(q);
    });
    for (const q of marks) await this.db.executeQuery(q);
  }
}

function markQueries(db: Kysely<DB>, rows: readonly EventsTable[]): CompiledQuery[] {
  const days = new Map<string, Set<string>>();
  for (const r of rows) {
    let s = days.get(r.shop_id);
    if (!s) days.set(r.shop_id, (s = new Set()));
    s.add(r.day);
  }
  return [...days].flatMap(([shopId, set]) => analytics.markDirtyQuery(db, shopId, [...set]) ?? []);
}

function insertSql(db: Kysely<DB>, size: number, cache: Map<number, string>): string {
  let text = cache.get(size);
  if (text === undefined) {
    // Kysely lists the columns in the first row's key order: built from COLUMNS, it matches the params.
    const template = Object.fromEntries(COLUMNS.map((c) => [c, c === 'at' || c === 'dwell_ms' ? 0 : ''])) as unknown as EventsTable;
    const compiled = db
      .insertInto('events')
      .values(Array.from({ length: size }, () => template))
      .compile();
    if (compiled.parameters.length !== size * COLUMNS.length) throw new Error('events insert: unexpected parameter count');
    text = compiled.sql;
    cache.set(size, text);
  }
  return text;
}

/** The rows as INSERTs of 256, 128, … 1 rows (a handful of statement texts, each compiled once). */
function insertQueries(db: Kysely<DB>, rows: readonly EventsTable[], cache: Map<number, string>): CompiledQuery[] {
  const out: CompiledQuery[] = [];
  let i = 0;
  while (i < rows.length) {
    let size = MAX_CHUNK;
    while (size > rows.length - i) size >>= 1;
    const params: unknown[] = new Array(size * COLUMNS.length);
    let k = 0;
    for (let j = i; j < i + size; j++) {
      const r = rows[j]!;
      for (const c of COLUMNS) params[k++] = r[c];
    }
    out.push(CompiledQuery.raw(insertSql(db, size, cache), params));
    i += size;
  }
  return out;
}

const writers = new WeakMap<Kysely<DB>, EventWriter>();

/**
 * Store events and mark their days dirty; resolves once they have committed. Inside a
 * transaction the rows and the marks are written straight into it.
 */
export async function writeEvents(db: Kysely<DB>, rows: EventsTable[]): Promise<void> {
  if (!rows.length) return;
  if (db.isTransaction) {
    for (const q of [...insertQueries(db, rows, new Map()), ...markQueries(db, rows)]) await db.executeQuery(q);
    return;
  }
  let w = writers.get(db);
  if (!w) writers.set(db, (w = new EventWriter(db)));
  await w.write(rows);
}

/**
 * Fair SQLite writes (issue 10 item 3): writers are served in the order they arrived.
 *
 * SQLite has one writer at a time. Before, the process had two writing connections — the request
 * thread's (Kysely's one connection) and the worker thread's (collected events, sqlite-worker.ts) —
 * that met only inside SQLite: a statement finding the other one's write lock slept and retried
 * (busy_timeout), and on the request thread that sleep blocks the whole event loop, so a request
 * could wait seconds while later ones, luckier in their retries, went through.
 *
 * Now every write of the process takes a turn from one FIFO queue (`FifoLock`, handed over to
 * exactly the next waiter) before it touches SQLite:
 * - a transaction on the request connection takes the turn before `BEGIN IMMEDIATE` (the write
 *   lock from the first statement, so a transaction that reads first never fails to upgrade) and
 *   gives it back when the connection is released, after COMMIT or ROLLBACK;
 * - a single writing statement outside a transaction takes it around that statement;
 * - each group the worker writes takes it in the request thread before being posted, and gives
 *   it back when the worker answers.
 * So no write of this process ever waits inside SQLite for another write of this process;
 * busy_timeout remains only for other processes (the CLI, a backup). Reads do not take the turn:
 * WAL lets them run beside the writer. The request connection itself is also handed over in
 * FIFO order (Kysely's own mutex wakes every waiter on each release and lets them race again).
 */
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type SqliteDatabase,
  type TransactionSettings,
} from 'kysely';

/** A lock handed over in arrival order: one waiter woken per release. */
export class FifoLock {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Hand the lock to the longest waiter (it stays held), or free it. */
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }

  /** Run `fn` holding the lock. */
  async with<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  get waiting(): number {
    return this.waiters.length;
  }
}

class FairConnection implements DatabaseConnection {
  /** The write turn is held from BEGIN IMMEDIATE until the connection is released. */
  holdsTurn = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly database: SqliteDatabase,
    private readonly turns: FifoLock,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.holdsTurn || this.isReadOnly(query)) return this.inner.executeQuery<R>(query);
    return this.turns.with(() => this.inner.executeQuery<R>(query));
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }

  /** better-sqlite3 tells from the prepared statement (cached by SQL text, see dialect.ts) whether it writes. */
  private isReadOnly(query: CompiledQuery): boolean {
    try {
      return (this.database.prepare(query.sql) as unknown as { readonly: boolean }).readonly;
    } catch {
      return true; // it will fail the same way when run; no turn needed for that
    }
  }
}

class FairSqliteDriver implements Driver {
  private readonly inner: SqliteDriver;
  private readonly connectionTurns = new FifoLock();
  private connection: FairConnection | null = null;

  constructor(
    private readonly database: SqliteDatabase,
    private readonly turns: FifoLock,
  ) {
    this.inner = new SqliteDriver({ database });
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.connectionTurns.acquire();
    // Uncontended: the FIFO above lets one caller at a time through.
    const inner = await this.inner.acquireConnection();
    this.connection ??= new FairConnection(inner, this.database, this.turns);
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    const c = connection as FairConnection;
    await this.turns.acquire();
    c.holdsTurn = true;
    await c.inner.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction((connection as FairConnection).inner);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction((connection as FairConnection).inner);
  }

  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.savepoint((connection as FairConnection).inner, name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.rollbackToSavepoint((connection as FairConnection).inner, name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.releaseSavepoint((connection as FairConnection).inner, name, compile);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as FairConnection;
    if (c.holdsTurn) {
      c.holdsTurn = false;
      this.turns.release();
    }
    await this.inner.releaseConnection();
    this.connectionTurns.release();
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** Kysely's SQLite dialect with the fair driver above. */
export class FairSqliteDialect extends SqliteDialect {
  constructor(
    private readonly database: SqliteDatabase,
    private readonly turns: FifoLock,
  ) {
    super({ database });
  }

  override createDriver(): Driver {
    return new FairSqliteDriver(this.database, this.turns);
  }
}

/**
 * Backup and restore.
 * - SQLite: the online backup API copies the database file while the server runs; the backup is
 *   itself an SQLite file.
 * - Any dialect: a logical export, one JSON object per line: a header, `{t, r}` rows in
 *   foreign-key order, and a trailer with the row count of every table and the SHA-256 of all the
 *   bytes before it. It restores into an empty database of either dialect, so it is also the way
 *   to move from SQLite to PostgreSQL.
 *
 * Guarantees (docs/security.md):
 * - A backup is a snapshot: the export reads every table in one REPEATABLE READ transaction on
 *   PostgreSQL, and in one read transaction on a connection of its own on SQLite; the .db copy is
 *   made in a single step of the backup API, i.e. one read transaction.
 * - A backup only ever appears complete at its name: it is written under a temporary name in the
 *   same directory, synced to disk, then linked to its name (never overwriting a file); a backup
 *   that fails or is killed leaves no file at that name.
 * - Backups hold password hashes and customer data: they are created readable by the owner only
 *   (0600).
 * - Restore reads and checks the whole file (trailer, counts, checksum) before it touches the
 *   target, and then loads it in one transaction that is rolled back on any error.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@yunying/core';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { isSqliteFile, listTables, openDatabase, parseDatabaseUrl, type Database } from './dialect.js';
import { MIGRATION_NAMES, migrateToLatest } from './migrate.js';
import { DERIVED_TABLES, TABLE_KEYS, TABLE_ORDER, type DB } from './schema.js';

const FORMAT = 'yunying-backup';
/** 1: no trailer (refused now: its completeness cannot be checked). 2: trailer with counts and SHA-256. */
const VERSION = 2;
const BATCH = 2000;
const FLUSH_BYTES = 1 << 20;
/** The most pages better-sqlite3 accepts per backup step: the whole database in one step. */
const ALL_PAGES = 0x7fffffff;
const TABLES: readonly string[] = TABLE_ORDER;

export interface BackupSummary {
  format: 'sqlite' | 'jsonl';
  tables: Record<string, number>;
}

export interface BackupOptions {
  format?: 'sqlite' | 'jsonl';
  /** Logical export: called after each table is written (progress; tests also use it to write concurrently or fail). */
  onTable?: (table: string, rows: number) => void | Promise<void>;
}

interface Header {
  format: typeof FORMAT;
  version: number;
  dialect: string;
  migrations: string[];
  createdAt: number;
  tables: readonly string[];
}

interface Trailer {
  end: typeof FORMAT;
  rows: Record<string, number>;
  sha256: string;
}

export async function backup(database: Database, file: string, opts: BackupOptions = {}): Promise<BackupSummary> {
  const format = opts.format ?? (database.dialect === 'sqlite' && !file.endsWith('.jsonl') ? 'sqlite' : 'jsonl');
  const target = path.resolve(file);
  if (fs.existsSync(target)) throw new AppError('conflict', `备份文件已存在：${file}（请换一个文件名，不会覆盖已有文件）`, { file });
  // Like the exports, a missing directory is created (`yunying backup backups/2026-11-22.db` works as the README writes it).
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (format === 'sqlite') {
    if (database.dialect !== 'sqlite' || !database.file || database.file === ':memory:')
      throw new AppError('validation_failed', 'PostgreSQL 数据库请使用 .jsonl 逻辑备份，或 pg_dump（见 docs/operations.md）');
    return writeAtomically(target, (tmp) => sqliteFileBackup(database.file!, tmp));
  }
  await assertKnownTables(database);
  return writeAtomically(target, (tmp) => logicalExport(database, tmp, opts));
}

// ---------------------------------------------------------------------------------------------
// Files: temporary name, owner-only mode, sync, no-clobber publish.

/**
 * Create `target` only once it is complete: `write` fills a temporary file (already 0600) in the
 * same directory; on success it is synced and hard-linked to `target` (which fails rather than
 * overwrite a file created meanwhile), then the directory is synced. On failure nothing is left.
 */
async function writeAtomically<T>(target: string, write: (tmp: string) => Promise<T>): Promise<T> {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);
  const created = await fsp.open(tmp, 'wx', 0o600);
  try {
    await created.chmod(0o600); // the umask can only narrow the mode; make it exact
  } finally {
    await created.close();
  }
  try {
    const result = await write(tmp);
    await fsyncFile(tmp);
    publish(tmp, target);
    await fsyncDir(dir);
    return result;
  } finally {
    removeSqliteFiles(tmp);
  }
}

function publish(tmp: string, target: string): void {
  try {
    fs.linkSync(tmp, target);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new AppError('conflict', `备份文件已存在：${target}（备份期间有人创建了同名文件；请换一个文件名）`);
    // A file system without hard links: rename, after checking the name is still free.
    if (fs.existsSync(target)) throw new AppError('conflict', `备份文件已存在：${target}（请换一个文件名）`);
    fs.renameSync(tmp, target);
  }
}

async function fsyncFile(file: string): Promise<void> {
  const fh = await fsp.open(file, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    // Some platforms cannot open or sync a directory; the file itself is already synced.
  } finally {
    await fh?.close();
  }
}

function removeSqliteFiles(file: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
}

// ---------------------------------------------------------------------------------------------
// SQLite online backup (.db).

async function sqliteFileBackup(sourceFile: string, tmp: string): Promise<BackupSummary> {
  const src = new SQLite(sourceFile, { readonly: true, fileMustExist: true });
  try {
    src.pragma('busy_timeout = 5000');
    // The backup API restarts from the first page whenever another connection writes between
    // two steps; in steps of 100 pages (the default) a busy database took ~15 minutes. One step
    // copies every page inside one read transaction: a snapshot no writer can restart.
    await src.backup(tmp, { progress: () => ALL_PAGES });
  } finally {
    src.close();
  }
  const copy = new SQLite(tmp, { fileMustExist: true });
  // A self-contained file (no -wal beside it), checked before it gets its name.
  copy.pragma('journal_mode = DELETE');
  assertSqliteIntact(copy, tmp);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: copy }) });
  try {
    return { format: 'sqlite', tables: await countRows(db) };
  } finally {
    await db.destroy();
  }
}

function assertSqliteIntact(raw: SQLite.Database, file: string): void {
  let problems: string[];
  try {
    problems = (raw.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check).filter((m) => m !== 'ok');
  } catch (err) {
    problems = [err instanceof Error ? err.message : String(err)];
  }
  if (problems.length)
    throw new AppError('validation_failed', `SQLite 备份文件已损坏（完整性检查未通过：${problems.slice(0, 3).join('；')}）：${file}`, {
      file,
    });
}

async function countRows(db: Kysely<DB>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLE_ORDER) {
    const r = await db
      .selectFrom(t)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = Number(r.n);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Logical export (.jsonl).

/**
 * Run `fn` on one consistent snapshot of the database. PostgreSQL: a REPEATABLE READ, read-only
 * transaction (READ COMMITTED would show each table at a different moment). SQLite: a read
 * transaction on a connection of its own, so the server's connection (and the worker thread's,
 * which writes collected events) keep writing meanwhile; WAL keeps the snapshot.
 */
async function inSnapshot<T>(database: Database, fn: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  if (database.dialect === 'postgres') {
    return database.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn);
  }
  if (!database.file || database.file === ':memory:') return database.db.transaction().execute(fn);
  const raw = new SQLite(database.file, { readonly: true, fileMustExist: true });
  raw.pragma('busy_timeout = 5000');
  const reader = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) });
  try {
    return await reader.transaction().execute(fn);
  } finally {
    await reader.destroy();
  }
}

/** Appends lines to the file in large writes, hashing exactly the bytes written. */
class LineWriter {
  private readonly hash = createHash('sha256');
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly fh: fsp.FileHandle) {}

  async line(obj: unknown): Promise<void> {
    const s = JSON.stringify(obj) + '\n';
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= FLUSH_BYTES) await this.flush(true);
  }

  /** Write what is buffered; `hashed` false for the trailer, which is not part of its own checksum. */
  async flush(hashed: boolean): Promise<void> {
    if (!this.parts.length) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    if (hashed) this.hash.update(buf);
    for (let off = 0; off < buf.length;) off += (await this.fh.write(buf, off)).bytesWritten;
  }

  async finish(rows: Record<string, number>): Promise<void> {
    await this.flush(true);
    const trailer: Trailer = { end: FORMAT, rows, sha256: this.hash.digest('hex') };
    this.parts.push(JSON.stringify(trailer) + '\n');
    await this.flush(false);
  }
}

async function logicalExport(database: Database, tmp: string, opts: BackupOptions): Promise<BackupSummary> {
  const fh = await fsp.open(tmp, 'w');
  try {
    const out = new LineWriter(fh);
    const header: Header = {
      format: FORMAT,
      version: VERSION,
      dialect: database.dialect,
      migrations: MIGRATION_NAMES,
      createdAt: Date.now(),
      tables: TABLE_ORDER,
    };
    await out.line(header);
    const tables = await inSnapshot(database, async (trx) => {
      const counts: Record<string, number> = {};
      for (const t of TABLE_ORDER) {
        counts[t] = await exportTable(trx, t, out);
        await opts.onTable?.(t, counts[t]);
      }
      return counts;
    });
    await out.finish(tables);
    return { format: 'jsonl', tables };
  } finally {
    await fh.close();
  }
}

/** One table in key order, by keyset pages (OFFSET would re-read the table for every page). */
async function exportTable(trx: Kysely<DB>, t: (typeof TABLE_ORDER)[number], out: LineWriter): Promise<number> {
  const keys = TABLE_KEYS[t] ?? ['id'];
  const db = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
  let after: unknown[] | null = null;
  let n = 0;
  for (;;) {
    let q = db.selectFrom(t).selectAll();
    if (after) {
      const last = after;
      q = q.where(sql<boolean>`(${sql.join(keys.map((k) => sql.ref(k)))}) > (${sql.join(last)})`);
    }
    for (const k of keys) q = q.orderBy(k);
    const rows = await q.limit(BATCH).execute();
    for (const r of rows) await out.line({ t, r });
    n += rows.length;
    if (rows.length < BATCH) break;
    const lastRow = rows[rows.length - 1]!;
    after = keys.map((k) => lastRow[k]);
  }
  const total = await db
    .selectFrom(t)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(total.n) !== n) throw new AppError('internal', `备份失败：表 ${t} 导出了 ${n} 行，但快照中有 ${total.n} 行；请报告此问题`);
  return n;
}

async function assertKnownTables(database: Database): Promise<void> {
  const present = await listTables(database);
  // Trigger-derived tables are rebuilt by restoring their sources (schema.ts DERIVED_TABLES).
  const unknown = present.filter((t) => !TABLES.includes(t) && !DERIVED_TABLES.includes(t));
  if (unknown.length) throw new AppError('internal', `备份清单缺少这些表：${unknown.join(', ')}（请把它们加入 TABLE_ORDER）`);
}

// ---------------------------------------------------------------------------------------------
// Reading a logical backup.

interface Line {
  no: number;
  bytes: Buffer;
  /** False for a last line the file ends in the middle of. */
  terminated: boolean;
}

async function* readLines(file: string): AsyncGenerator<Line> {
  let rest: Buffer = Buffer.alloc(0);
  let no = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    let buf = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let nl: number;
    while ((nl = buf.indexOf(0x0a)) >= 0) {
      yield { no: ++no, bytes: buf.subarray(0, nl), terminated: true };
      buf = buf.subarray(nl + 1);
    }
    rest = Buffer.from(buf);
  }
  if (rest.length) yield { no: ++no, bytes: rest, terminated: false };
}

const NEWLINE = Buffer.from('\n');

function invalid(file: string, why: string): AppError {
  return new AppError('validation_failed', `备份文件不可用：${why}。恢复已取消，目标数据库未改变。请改用一份完整的备份文件：${file}`, {
    file,
  });
}

function parseJson(line: Line): unknown {
  try {
    return JSON.parse(line.bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

function isTrailer(v: unknown): v is Trailer {
  const t = v as Partial<Trailer> | undefined;
  return (
    !!t &&
    t.end === FORMAT &&
    typeof t.sha256 === 'string' &&
    !!t.rows &&
    typeof t.rows === 'object' &&
    Object.values(t.rows).every((n) => Number.isSafeInteger(n))
  );
}

interface Manifest {
  header: Header;
  rows: Record<string, number>;
  sha256: string;
  /** Line number of the trailer (the last line). */
  trailerLine: number;
}

/**
 * Read the whole file and check it before anything is written: a header of this format, every row
 * line whole and of a known table, a trailer as the last line whose counts and SHA-256 match.
 */
export async function verifyBackup(file: string): Promise<Manifest> {
  const hash = createHash('sha256');
  const counts: Record<string, number> = {};
  let header: Header | undefined;
  let pending: Line | undefined;
  const consume = (line: Line) => {
    hash.update(line.bytes);
    hash.update(NEWLINE);
    const v = parseJson(line);
    if (line.no === 1) {
      header = v as Header;
      if (header?.format !== FORMAT) throw invalid(file, '第 1 行不是运营台备份文件头（这不是运营台的备份文件）');
      if (!(header.version <= VERSION)) throw invalid(file, `备份格式 ${header.version} 来自更新版本的运营台，请先升级运营台`);
      const unknown = (header.migrations ?? []).filter((m) => !MIGRATION_NAMES.includes(m));
      if (unknown.length) throw invalid(file, `备份来自更新版本的运营台（未知迁移：${unknown.join(', ')}），请先升级运营台`);
      return;
    }
    const rec = v as { t?: unknown; r?: unknown } | undefined;
    if (isTrailer(v)) throw invalid(file, `第 ${line.no} 行是结尾校验行，但它后面还有内容（文件被拼接或改动过）`);
    if (!rec || typeof rec.t !== 'string' || !rec.r || typeof rec.r !== 'object') throw invalid(file, `第 ${line.no} 行已损坏`);
    if (!TABLES.includes(rec.t)) throw invalid(file, `第 ${line.no} 行属于未知的表 ${rec.t}`);
    counts[rec.t] = (counts[rec.t] ?? 0) + 1;
  };
  for await (const line of readLines(file)) {
    if (pending) consume(pending);
    pending = line;
  }
  if (!pending) throw invalid(file, '文件是空的');
  if (pending.no === 1) {
    consume(pending);
    throw invalid(file, '只有文件头，没有数据和结尾校验行（备份没有写完）');
  }
  const trailer = pending.terminated ? parseJson(pending) : undefined;
  if (!isTrailer(trailer)) {
    if (header!.version < VERSION)
      throw invalid(file, `这是旧版本（格式 ${header!.version}）的备份，没有结尾校验行，无法确认它是完整的；请用当前版本重新备份`);
    throw invalid(file, `文件在第 ${pending.no} 行处结束，缺少结尾校验行（备份没有写完，或文件被截断）`);
  }
  const actual = hash.digest('hex');
  if (actual !== trailer.sha256) throw invalid(file, '校验和不符（文件内容在备份后被改动或已损坏）');
  const names = new Set([...Object.keys(trailer.rows), ...Object.keys(counts)]);
  const wrong = [...names].filter((t) => (trailer.rows[t] ?? 0) !== (counts[t] ?? 0));
  if (wrong.length) {
    const list = wrong.map((t) => `${t} 应有 ${trailer.rows[t] ?? 0} 行、实有 ${counts[t] ?? 0} 行`).join('；');
    throw invalid(file, `行数与结尾校验行不符（${list}）`);
  }
  return { header: header!, rows: trailer.rows, sha256: actual, trailerLine: pending.no };
}

// ---------------------------------------------------------------------------------------------
// Restore.

/** Restore a backup file into the database at `url`; refuses a database that already holds data unless `force`. */
export async function restore(url: string, file: string, opts: { force?: boolean } = {}): Promise<BackupSummary> {
  if (!fs.existsSync(file)) throw new AppError('not_found', `找不到备份文件：${file}`, { file });
  const target = parseDatabaseUrl(url);
  if (isSqliteFile(file)) {
    if (target.dialect !== 'sqlite')
      throw new AppError('validation_failed', 'SQLite 备份文件只能恢复到 SQLite；要迁移到 PostgreSQL，请先用 .jsonl 格式备份');
    return restoreSqliteFile(target.target, file, opts);
  }
  return logicalImport(url, file, opts);
}

async function restoreSqliteFile(targetFile: string, file: string, opts: { force?: boolean }): Promise<BackupSummary> {
  const existing = fs.existsSync(targetFile) && fs.statSync(targetFile).size > 0;
  if (existing && !opts.force)
    throw new AppError(
      'conflict',
      `目标数据库文件已存在：${targetFile}。恢复会覆盖它：确认无误后加 --force，或先停止服务并换一个 DATABASE_URL`,
    );
  // Check the backup before anything else.
  const src = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    assertSqliteIntact(src, file);
    const hasMigrations = src.prepare(`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`).get();
    if (!hasMigrations) throw invalid(file, '这个 SQLite 文件不是运营台的数据库备份');
    const names = (src.prepare('select name from kysely_migration').all() as { name: string }[]).map((r) => r.name);
    const unknown = names.filter((m) => !MIGRATION_NAMES.includes(m));
    if (unknown.length) throw invalid(file, `备份来自更新版本的运营台（未知迁移：${unknown.join(', ')}），请先升级运营台`);
  } finally {
    src.close();
  }
  // Build the restored database beside the target, then swap it in.
  const dir = path.dirname(path.resolve(targetFile));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(targetFile)}.restore-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await fsp.writeFile(tmp, '', { mode: 0o600, flag: 'wx' });
    const from = new SQLite(file, { readonly: true, fileMustExist: true });
    try {
      await from.backup(tmp, { progress: () => ALL_PAGES });
    } finally {
      from.close();
    }
    const database = openDatabase(`sqlite:${tmp}`);
    let tables: Record<string, number>;
    try {
      await migrateToLatest(database);
      tables = await countRows(database.db);
    } finally {
      await database.close();
    }
    const raw = new SQLite(tmp, { fileMustExist: true });
    raw.pragma('journal_mode = DELETE');
    raw.close();
    await fsyncFile(tmp);
    if (existing) settleSqliteTarget(targetFile);
    fs.renameSync(tmp, targetFile);
    await fsyncDir(dir);
    return { format: 'sqlite', tables };
  } finally {
    removeSqliteFiles(tmp);
  }
}

/** Fold the old target's WAL into its file and drop it, so the swapped-in file is not paired with a stale WAL. */
function settleSqliteTarget(targetFile: string): void {
  const raw = new SQLite(targetFile, { fileMustExist: true });
  try {
    raw.pragma('busy_timeout = 5000');
    const [r] = raw.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (r?.busy) throw new AppError('conflict', `目标数据库正在被使用：${targetFile}。请先停止运营台服务，再恢复`);
    raw.pragma('journal_mode = DELETE');
  } finally {
    raw.close();
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(targetFile + suffix, { force: true });
}

async function logicalImport(url: string, file: string, opts: { force?: boolean }): Promise<BackupSummary> {
  const manifest = await verifyBackup(file);
  const database = openDatabase(url);
  try {
    await migrateToLatest(database);
    const counts = await countRows(database.db);
    const nonEmpty = Object.entries(counts).filter(([, n]) => n > 0);
    if (nonEmpty.length && !opts.force) {
      throw new AppError('conflict', `目标数据库已有数据（${nonEmpty.map(([t, n]) => `${t}:${n}`).join(', ')}）。确认要覆盖请加 --force`);
    }
    const tables: Record<string, number> = Object.fromEntries(TABLE_ORDER.map((t) => [t, 0]));
    await database.db.transaction().execute(async (trx) => {
      for (const t of [...TABLE_ORDER].reverse()) await trx.deleteFrom(t).execute();
      const hash = createHash('sha256');
      let batch: Record<string, unknown>[] = [];
      let current: string | null = null;
      let firstLine = 0;
      const flush = async () => {
        if (current && batch.length) {
          try {
            await trx
              .insertInto(current as keyof DB)
              .values(batch as never)
              .execute();
          } catch (err) {
            const why = err instanceof Error ? err.message : String(err);
            const where = `第 ${firstLine}–${firstLine + batch.length - 1} 行（表 ${current}）`;
            throw new AppError(
              'validation_failed',
              `恢复失败：备份文件${where}无法写入目标数据库（${why}）。恢复已取消，目标数据库未改变`,
              {
                file,
                table: current,
              },
            );
          }
        }
        batch = [];
      };
      for await (const line of readLines(file)) {
        if (line.no >= manifest.trailerLine) break;
        hash.update(line.bytes);
        hash.update(NEWLINE);
        if (line.no === 1) continue;
        const rec = JSON.parse(line.bytes.toString('utf8')) as { t: string; r: Record<string, unknown> };
        if (rec.t !== current || batch.length >= 200) {
          await flush();
          current = rec.t;
          firstLine = line.no;
        }
        batch.push(rec.r);
        tables[rec.t] = (tables[rec.t] ?? 0) + 1;
      }
      await flush();
      // The file was checked before; this catches it being changed while it was loaded.
      if (hash.digest('hex') !== manifest.sha256) throw invalid(file, '文件在恢复过程中被改动');
    });
    // PostgreSQL plans from table statistics, which still describe the tables as they were before
    // the restore (often empty, from the migrations): refresh them before anyone queries.
    if (database.dialect === 'postgres') await sql`analyze`.execute(database.db);
    return { format: 'jsonl', tables };
  } finally {
    await database.close();
  }
}

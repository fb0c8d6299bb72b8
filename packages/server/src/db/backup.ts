/**
 * Backup and restore.
 * - SQLite: the online backup API copies a consistent snapshot while the server runs; the backup
 *   is itself an SQLite file.
 * - Any dialect: a logical export, one JSON object per line (a header, then `{t, r}` rows in
 *   foreign-key order). It restores into an empty database of either dialect, so it is also the
 *   way to move from SQLite to PostgreSQL.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { isSqliteFile, listTables, openDatabase, parseDatabaseUrl, sqliteBackup, type Database } from './dialect.js';
import { MIGRATION_NAMES, migrateToLatest } from './migrate.js';
import { TABLE_KEYS, TABLE_ORDER, type DB } from './schema.js';

const FORMAT = 'yunying-backup';
const BATCH = 2000;

export interface BackupSummary {
  format: 'sqlite' | 'jsonl';
  tables: Record<string, number>;
}

export async function backup(database: Database, file: string, opts: { format?: 'sqlite' | 'jsonl' } = {}): Promise<BackupSummary> {
  const format = opts.format ?? (database.dialect === 'sqlite' && !file.endsWith('.jsonl') ? 'sqlite' : 'jsonl');
  if (fs.existsSync(file)) throw new Error(`备份文件已存在：${file}（请换一个文件名，不会覆盖已有文件）`);
  if (format === 'sqlite') {
    if (database.dialect !== 'sqlite') throw new Error('PostgreSQL 数据库请使用 .jsonl 逻辑备份，或 pg_dump（见 docs/operations.md）');
    await sqliteBackup(database, file);
    const copy = openDatabase(`sqlite:${file}`);
    try {
      return { format, tables: await countRows(copy.db) };
    } finally {
      await copy.close();
    }
  }
  return logicalExport(database, file);
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

async function logicalExport(database: Database, file: string): Promise<BackupSummary> {
  await assertKnownTables(database);
  const out = fs.createWriteStream(file, { flags: 'wx' });
  const write = (obj: unknown) =>
    new Promise<void>((resolve, reject) => {
      out.write(JSON.stringify(obj) + '\n', (err) => (err ? reject(err) : resolve()));
    });
  const tables: Record<string, number> = {};
  // One transaction so the export is a consistent snapshot.
  await database.db.transaction().execute(async (trx) => {
    await write({
      format: FORMAT,
      version: 1,
      dialect: database.dialect,
      migrations: MIGRATION_NAMES,
      createdAt: Date.now(),
      tables: TABLE_ORDER,
    });
    for (const t of TABLE_ORDER) {
      let n = 0;
      for (let offset = 0; ; offset += BATCH) {
        let q = trx.selectFrom(t).selectAll();
        for (const k of TABLE_KEYS[t] ?? ['id']) q = q.orderBy(k as any);
        const rows = await q.limit(BATCH).offset(offset).execute();
        for (const r of rows) await write({ t, r });
        n += rows.length;
        if (rows.length < BATCH) break;
      }
      tables[t] = n;
    }
  });
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { format: 'jsonl', tables };
}

async function assertKnownTables(database: Database): Promise<void> {
  const present = await listTables(database);
  const unknown = present.filter((t) => !(TABLE_ORDER as readonly string[]).includes(t));
  if (unknown.length) throw new Error(`备份清单缺少这些表：${unknown.join(', ')}（请把它们加入 TABLE_ORDER）`);
}

/** Restore a backup file into the database at `url`; refuses a database that already holds data unless `force`. */
export async function restore(url: string, file: string, opts: { force?: boolean } = {}): Promise<BackupSummary> {
  if (!fs.existsSync(file)) throw new Error(`找不到备份文件：${file}`);
  const target = parseDatabaseUrl(url);
  if (isSqliteFile(file)) {
    if (target.dialect !== 'sqlite') throw new Error('SQLite 备份文件只能恢复到 SQLite；要迁移到 PostgreSQL，请先用 .jsonl 格式备份');
    return restoreSqliteFile(target.target, file, opts);
  }
  return logicalImport(url, file, opts);
}

async function restoreSqliteFile(targetFile: string, file: string, opts: { force?: boolean }): Promise<BackupSummary> {
  if (fs.existsSync(targetFile) && fs.statSync(targetFile).size > 0) {
    if (!opts.force)
      throw new Error(`目标数据库文件已存在：${targetFile}。恢复会覆盖它：确认无误后加 --force，或先停止服务并换一个 DATABASE_URL`);
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(targetFile + suffix, { force: true });
  }
  const src = new SQLite(file, { readonly: true });
  try {
    await src.backup(targetFile);
  } finally {
    src.close();
  }
  const database = openDatabase(`sqlite:${targetFile}`);
  try {
    await migrateToLatest(database);
    return { format: 'sqlite', tables: await countRows(database.db) };
  } finally {
    await database.close();
  }
}

async function logicalImport(url: string, file: string, opts: { force?: boolean }): Promise<BackupSummary> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const it = lines[Symbol.asyncIterator]();
  const first = await it.next();
  let header: { format?: string; migrations?: string[] };
  try {
    header = JSON.parse(String(first.value ?? ''));
  } catch {
    throw new Error(`${file} 不是运营台备份文件（第 1 行不是 JSON 头）`);
  }
  if (header.format !== FORMAT) throw new Error(`${file} 不是运营台备份文件`);
  const unknown = (header.migrations ?? []).filter((m) => !MIGRATION_NAMES.includes(m));
  if (unknown.length) throw new Error(`备份来自更新版本的运营台（未知迁移：${unknown.join(', ')}），请先升级`);

  const database = openDatabase(url);
  try {
    await migrateToLatest(database);
    const counts = await countRows(database.db);
    const nonEmpty = Object.entries(counts).filter(([, n]) => n > 0);
    if (nonEmpty.length && !opts.force) {
      throw new Error(`目标数据库已有数据（${nonEmpty.map(([t, n]) => `${t}:${n}`).join(', ')}）。确认要覆盖请加 --force`);
    }
    const tables: Record<string, number> = {};
    await database.db.transaction().execute(async (trx) => {
      for (const t of [...TABLE_ORDER].reverse()) await trx.deleteFrom(t).execute();
      let batch: Record<string, unknown>[] = [];
      let current: string | null = null;
      const flush = async () => {
        if (current && batch.length)
          await trx
            .insertInto(current as keyof DB)
            .values(batch as never)
            .execute();
        batch = [];
      };
      let lineNo = 1;
      for (let next = await it.next(); !next.done; next = await it.next()) {
        lineNo++;
        if (!next.value.trim()) continue;
        let rec: { t: string; r: Record<string, unknown> };
        try {
          rec = JSON.parse(next.value);
        } catch {
          throw new Error(`备份文件第 ${lineNo} 行已损坏，恢复已取消，目标数据库未改变`);
        }
        if (!(TABLE_ORDER as readonly string[]).includes(rec.t)) throw new Error(`备份文件第 ${lineNo} 行：未知的表 ${rec.t}`);
        if (rec.t !== current || batch.length >= 200) {
          await flush();
          current = rec.t;
        }
        batch.push(rec.r);
        tables[rec.t] = (tables[rec.t] ?? 0) + 1;
      }
      await flush();
    });
    return { format: 'jsonl', tables };
  } finally {
    await database.close();
  }
}

/**
 * Test databases: every integration test file runs once per dialect, each run on its own fresh
 * database (a temp SQLite file, or a newly created PostgreSQL database dropped afterwards).
 * PostgreSQL missing is loud; under CI=true it fails the run instead of skipping.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe } from 'vitest';
import { openDatabase, type Database, type DialectName } from '../src/db/dialect.js';
import { migrateToLatest } from '../src/db/migrate.js';

export const PG_ADMIN_URL = process.env.YUNYING_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let pgCheck: Promise<string | null> | undefined;
/** null when PostgreSQL answers, otherwise the reason. */
export function pgUnavailable(): Promise<string | null> {
  pgCheck ??= (async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('select 1');
      return null;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    } finally {
      await c.end().catch(() => {});
    }
  })();
  return pgCheck;
}

export interface TestDatabase {
  dialect: DialectName;
  url: string;
  database: Database;
  drop(): Promise<void>;
}

/** A URL for a brand-new empty database of the dialect (the caller opens and drops it). */
export async function freshDatabaseUrl(dialect: DialectName, pgTemplate?: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `yy_t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-test-'));
    return { url: `sqlite:${path.join(dir, `${name}.db`)}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  // Creating from a template fails while another session is connected to it (a builder's
  // last statements): try again briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(pgTemplate ? `create database ${name} template ${pgTemplate}` : `create database ${name}`);
      break;
    } catch (err) {
      if (attempt >= 20 || !/being accessed by other users/.test(String(err))) {
        await admin.end();
        throw err;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      // Let the closed pool's connections finish leaving first: forcing them out while they
      // close would surface as errors in the test process.
      for (let i = 0; i < 50; i++) {
        const { rows } = await a.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (rows[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

// ---------------------------------------------------------------- migrated copies
//
// Migrating a new database runs every migration (1–2 s on PostgreSQL, about 1 s on SQLite on this
// machine), and the suite makes a few hundred. A test that needs a migrated database gets a copy
// of one migrated once per migration set: a SQLite file copied, or a PostgreSQL database created
// with TEMPLATE. The set is named by a hash of the migration sources, so an edited migration
// makes a new template (and old PostgreSQL templates are dropped). Tests of migrating itself use
// `freshDatabaseUrl`, which stays empty.

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/db');

function migrationHash(): string {
  const h = crypto.createHash('sha256');
  const files = [
    path.join(MIGRATIONS_DIR, 'migrate.ts'),
    ...fs
      .readdirSync(path.join(MIGRATIONS_DIR, 'migrations'))
      .sort()
      .map((f) => path.join(MIGRATIONS_DIR, 'migrations', f)),
  ];
  for (const f of files) h.update(f).update(fs.readFileSync(f));
  return h.digest('hex').slice(0, 16);
}

let sqliteTemplate: Promise<string> | undefined;
function sqliteTemplateFile(): Promise<string> {
  sqliteTemplate ??= (async () => {
    const dir = path.join(os.tmpdir(), 'yy-test-templates');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `migrated-${migrationHash()}.db`);
    if (fs.existsSync(file)) return file;
    // Built under a private name and renamed into place: a file at the final name is complete.
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    const database = openDatabase(`sqlite:${tmp}`);
    try {
      await migrateToLatest(database);
    } finally {
      await database.close();
    }
    for (const ext of ['-wal', '-shm']) fs.rmSync(tmp + ext, { force: true });
    fs.renameSync(tmp, file);
    return file;
  })();
  return sqliteTemplate;
}

let pgTemplate: Promise<string> | undefined;
function pgTemplateName(): Promise<string> {
  pgTemplate ??= (async () => {
    const name = `yy_tpl_${migrationHash()}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      // One builder at a time across the suite's worker processes.
      await admin.query('select pg_advisory_lock(727274)');
      const { rows } = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (rows.length === 0) {
        const old = await admin.query("select datname from pg_database where datname like 'yy_tpl_%'");
        for (const r of old.rows as { datname: string }[]) await admin.query(`drop database if exists ${r.datname} with (force)`);
        const building = `${name}_b${process.pid}`;
        await admin.query(`drop database if exists ${building} with (force)`);
        await admin.query(`create database ${building}`);
        const u = new URL(PG_ADMIN_URL);
        u.pathname = `/${building}`;
        const database = openDatabase(u.toString());
        try {
          await migrateToLatest(database);
        } finally {
          await database.close();
        }
        await admin.query(`alter database ${building} rename to ${name}`);
      }
    } finally {
      await admin.query('select pg_advisory_unlock(727274)').catch(() => {});
      await admin.end();
    }
    return name;
  })();
  return pgTemplate;
}

/** A URL for a new database already migrated to the latest schema (the caller opens and drops it). */
export async function migratedDatabaseUrl(dialect: DialectName): Promise<{ url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const template = await sqliteTemplateFile();
    const f = await freshDatabaseUrl('sqlite');
    fs.copyFileSync(template, f.url.slice('sqlite:'.length));
    return f;
  }
  const template = await pgTemplateName();
  return freshDatabaseUrl('postgres', template);
}

export async function createTestDatabase(dialect: DialectName, opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const { url, drop } = opts.migrated ? await migratedDatabaseUrl(dialect) : await freshDatabaseUrl(dialect);
  const database = openDatabase(url);
  return {
    dialect,
    url,
    database,
    drop: async () => {
      await database.close();
      await drop();
    },
  };
}

const pgReason = await pgUnavailable();
if (pgReason) {
  const msg = `\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!! PostgreSQL 不可用，PostgreSQL 测试${process.env.CI === 'true' ? '失败' : '被跳过'}: ${pgReason}\n!! PostgreSQL is not reachable at ${PG_ADMIN_URL}\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n`;
  console.warn(msg);
}

/** Declare a suite once per dialect; `fn` receives the dialect name. */
export function describeEachDialect(name: string, fn: (dialect: DialectName) => void): void {
  describe(`${name} [sqlite]`, () => fn('sqlite'));
  if (pgReason && process.env.CI !== 'true') {
    describe.skip(`${name} [postgres] — PostgreSQL unavailable`, () => fn('postgres'));
  } else {
    describe(`${name} [postgres]`, () => fn('postgres'));
  }
}

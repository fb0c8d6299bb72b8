/**
 * Test databases: every integration test file runs once per dialect, each run on its own fresh
 * database (a temp SQLite file, or a newly created PostgreSQL database dropped afterwards).
 * PostgreSQL missing is loud; under CI=true it fails the run instead of skipping.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';
import { openDatabase, type Database, type DialectName } from '../src/db/dialect.js';

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
export async function freshDatabaseUrl(dialect: DialectName): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `yy_t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-test-'));
    return { url: `sqlite:${path.join(dir, `${name}.db`)}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
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

export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  const { url, drop } = await freshDatabaseUrl(dialect);
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

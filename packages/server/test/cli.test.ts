import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../src/db/dialect.js';
import { TABLE_ORDER } from '../src/db/schema.js';
import { describeEachDialect, freshDatabaseUrl } from './dialects.js';

const run = promisify(execFile);
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/yunying.mjs');

async function yunying(url: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, DATABASE_URL: url, YUNYING_ADMIN_PASSWORD: 'Admin12345' },
    });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

async function dump(url: string): Promise<Record<string, unknown[]>> {
  const database = openDatabase(url);
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of TABLE_ORDER) {
      const rows = await database.db.selectFrom(t).selectAll().execute();
      out[t] = rows.map((r) => JSON.stringify(r)).sort();
    }
    return out;
  } finally {
    await database.close();
  }
}

describeEachDialect('yunying CLI', (dialect) => {
  let url: string;
  const drops: (() => Promise<void>)[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-cli-'));
  beforeAll(async () => {
    const f = await freshDatabaseUrl(dialect);
    url = f.url;
    drops.push(f.drop);
  });
  afterAll(async () => {
    for (const d of drops) await d();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('migrates, creates shops (printing only the id) and lists them', async () => {
    const m = await yunying(url, ['migrate']);
    expect(m.code).toBe(0);
    const created = await yunying(url, ['shop', 'create', '--name', '抖音小店', '--channel', 'douyin']);
    expect(created.code).toBe(0);
    expect(created.stdout.trim()).toMatch(/^shp_[0-9A-Z]{26}$/);
    const bad = await yunying(url, ['shop', 'create', '--name', '坏店', '--channel', 'amazon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--channel');
    const list = await yunying(url, ['shop', 'list']);
    expect(list.stdout).toContain(created.stdout.trim());
    expect(list.stdout).toContain('抖音小店');
  });

  it('creates a user limited to a shop named by its name, and resets a password', async () => {
    const c = await yunying(url, [
      'user',
      'create',
      '--username',
      'kefu',
      '--name',
      '客服小李',
      '--role',
      'service',
      '--shop',
      '抖音小店',
      '--password',
      'Kefu12345',
    ]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toContain('已创建用户 kefu');
    const missingShop = await yunying(url, ['user', 'create', '--username', 'k2', '--role', 'service', '--shop', '不存在的店']);
    expect(missingShop.code).toBe(1);
    expect(missingShop.stderr).toContain('找不到店铺');
    const r = await yunying(url, ['user', 'reset-password', '--username', 'kefu']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/新密码：\S{16}/);
  });

  it('backup then restore into a new database round-trips every table', async () => {
    const file = path.join(tmp, dialect === 'sqlite' ? 'backup.db' : 'backup.jsonl');
    const b = await yunying(url, ['backup', file]);
    expect(b.code, b.stderr).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
    const again = await yunying(url, ['backup', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('已存在');

    const target = await freshDatabaseUrl(dialect);
    drops.push(target.drop);
    const r = await yunying(target.url, ['restore', file]);
    expect(r.code, r.stderr).toBe(0);
    const [before, after] = [await dump(url), await dump(target.url)];
    expect(Object.values(before).reduce((n, rows) => n + rows.length, 0)).toBeGreaterThan(20);
    expect(after).toEqual(before);
    // Restoring over data needs --force.
    const over = await yunying(target.url, ['restore', file]);
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/--force/);
  });

  it('a logical (.jsonl) backup restores on the other dialect too', async () => {
    const file = path.join(tmp, 'portable.jsonl');
    expect((await yunying(url, ['backup', file])).code).toBe(0);
    const other = await freshDatabaseUrl(dialect === 'sqlite' ? 'postgres' : 'sqlite');
    drops.push(other.drop);
    const r = await yunying(other.url, ['restore', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(await dump(other.url)).toEqual(await dump(url));
  });
});

/**
 * Backups: a snapshot even while orders are written, never a half file at the backup's name,
 * owner-only, and a restore that refuses anything incomplete or changed and leaves the target as
 * it was.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { newId } from '@yunying/core';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { backup, restore } from '../src/db/backup.js';
import { listTables, openDatabase, type DialectName } from '../src/db/dialect.js';
import { TABLE_ORDER } from '../src/db/schema.js';
import { systemActor } from '../src/http/actor.js';
import * as inventory from '../src/modules/inventory/index.js';
import { describeEachDialect, freshDatabaseUrl } from './dialects.js';
import { useTestApp, type Client } from './harness.js';
import { makeShop, makeSku, orderBody } from './fixtures.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/yunying.mjs');
const run = promisify(execFile);

describeEachDialect('backup and restore', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  let skus: string[];
  const drops: (() => Promise<void>)[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-backup-'));
  let seq = 0;
  const dirFor = () => {
    const d = path.join(tmp, `d${++seq}`);
    fs.mkdirSync(d);
    return d;
  };
  const fresh = async (d: DialectName = dialect) => {
    const f = await freshDatabaseUrl(d);
    drops.push(f.drop);
    return f.url;
  };

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin);
    skus = [];
    for (let i = 0; i < 3; i++) skus.push(await makeSku(ctx, { code: `BK-${i}`, priceFen: 1990 + i, stock: 100_000 }));
    for (let i = 0; i < 5; i++) await createOrder(i);
  });
  afterAll(async () => {
    for (const d of drops) await d();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function createOrder(i: number): Promise<void> {
    const lines = [
      { skuId: skus[i % 3]!, qty: 1 + (i % 2) },
      { skuId: skus[(i + 1) % 3]!, qty: 1 },
    ];
    const res = await admin.post('/api/v1/orders', orderBody(shopId, lines));
    if (res.statusCode !== 201) throw new Error(`order failed: ${res.body}`);
  }

  /** Create orders one after another until `stop()`; `more(k)` resolves once k more have been created. */
  function orderWriter(max = Infinity) {
    let stopped = false;
    let created = 0;
    const waiters: { at: number; resolve: () => void }[] = [];
    const done = (async () => {
      while (!stopped && created < max) {
        await createOrder(created);
        created++;
        for (const w of waiters.filter((x) => x.at <= created)) w.resolve();
        // Give timers and other callbacks (the backup's own steps) their turn.
        await new Promise((r) => setImmediate(r));
      }
    })();
    return {
      get created() {
        return created;
      },
      more: (k: number) => new Promise<void>((resolve) => waiters.push({ at: created + k, resolve })),
      stop: async () => {
        stopped = true;
        await done;
        return created;
      },
    };
  }

  /** The books of a database: orphan order lines, stock rows that differ from their ledger sums. */
  async function books(url: string) {
    const database = openDatabase(url);
    try {
      const db = database.db;
      const orphans = await db
        .selectFrom('order_lines as l')
        .leftJoin('orders as o', 'o.id', 'l.order_id')
        .where('o.id', 'is', null)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const { checked, mismatches } = await inventory.ledgerCheck(db, systemActor(ctx.orgId, 'test'));
      expect(checked, 'the restored database has stock to check').toBeGreaterThan(0);
      const count = async (t: 'orders' | 'order_lines') =>
        Number(
          (
            await db
              .selectFrom(t)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return {
        orphanLines: Number(orphans.n),
        stockOffLedger: mismatches,
        orders: await count('orders'),
        lines: await count('order_lines'),
      };
    } finally {
      await database.close();
    }
  }

  async function dump(url: string): Promise<Record<string, string[]>> {
    const database = openDatabase(url);
    try {
      const out: Record<string, string[]> = {};
      for (const t of await listTables(database)) {
        const rows = await database.db
          .selectFrom(t as (typeof TABLE_ORDER)[number])
          .selectAll()
          .execute();
        out[t] = rows.map((r) => JSON.stringify(r)).sort();
      }
      return out;
    } finally {
      await database.close();
    }
  }

  const trailerOf = (file: string) => {
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return JSON.parse(lines[lines.length - 1]!) as { end: string; rows: Record<string, number>; sha256: string };
  };

  it('a .jsonl backup taken while orders are written is one snapshot: it restores with every line’s order and stock equal to the ledger', async () => {
    const file = path.join(dirFor(), 'live.jsonl');
    const writer = orderWriter();
    const seen: boolean[] = [];
    const s = await backup(ctx.tdb.database, file, {
      onTable: async (t) => {
        seen.push(fs.existsSync(file));
        // Make sure orders (and their stock moves) land between the tables that must agree.
        if (t === 'stock' || t === 'stock_movements' || t === 'orders') await writer.more(2);
      },
    });
    const during = await writer.stop();
    expect(during).toBeGreaterThanOrEqual(6);
    expect(seen.length).toBe(TABLE_ORDER.length);
    expect(seen.every((exists) => !exists)).toBe(true);

    const source = await books(ctx.tdb.url);
    const trailer = trailerOf(file);
    expect(trailer.end).toBe('yunying-backup');
    expect(trailer.rows).toEqual(s.tables);
    // The writes during the backup are not in it (else it would not be one moment).
    expect(trailer.rows.orders).toBeLessThan(source.orders);

    for (const target of [await fresh(), await fresh(dialect === 'sqlite' ? 'postgres' : 'sqlite')]) {
      const r = await restore(target, file);
      expect(r.tables).toEqual(trailer.rows);
      const b = await books(target);
      expect(b).toEqual({ orphanLines: 0, stockOffLedger: 0, orders: trailer.rows.orders, lines: trailer.rows.order_lines });
    }
  });

  it('refuses a truncated (at a line end or mid-line), changed or trailer-less backup and leaves the target unchanged', async () => {
    const dir = dirFor();
    const good = path.join(dir, 'good.jsonl');
    await backup(ctx.tdb.database, good);
    const text = fs.readFileSync(good, 'utf8');
    const lines = text.slice(0, -1).split('\n');
    const trailer = JSON.parse(lines[lines.length - 1]!) as { rows: Record<string, number> };
    const variants: Record<string, string> = {
      'cut at a line end': lines.slice(0, Math.floor(lines.length * 0.6)).join('\n') + '\n',
      'cut mid-line': text.slice(0, text.lastIndexOf('\n', text.length - 2) - 7),
      'no trailer': lines.slice(0, -1).join('\n') + '\n',
      'header only': lines[0] + '\n',
      'a row changed': text.replace('测试商品 BK-1', '测试商品 BK-7'),
      'a row dropped': [...lines.slice(0, 3), ...lines.slice(4)].join('\n') + '\n',
      'a count changed in the trailer':
        [...lines.slice(0, -1), JSON.stringify({ ...trailer, rows: { ...trailer.rows, orders: trailer.rows.orders! + 1 } })].join('\n') +
        '\n',
      empty: '',
    };
    // A target with data (restoring with --force would replace it) and an empty one.
    const full = await fresh();
    await restore(full, good);
    const before = await dump(full);
    const empty = await fresh();
    for (const [name, content] of Object.entries(variants)) {
      expect(content, name).not.toBe(text);
      const bad = path.join(dir, `${name.replace(/\W+/g, '-')}.jsonl`);
      fs.writeFileSync(bad, content);
      await expect(restore(full, bad, { force: true }), name).rejects.toThrow(/备份文件不可用：.+恢复已取消，目标数据库未改变/);
      await expect(restore(empty, bad), name).rejects.toThrow(/备份文件不可用/);
    }
    expect(await dump(full)).toEqual(before);
    // Not even the tables were created in the empty target.
    const e = openDatabase(empty);
    try {
      expect(await listTables(e)).toEqual([]);
    } finally {
      await e.close();
    }

    // The command line: a Chinese message and a failing exit code.
    const cut = path.join(dir, 'cut-at-a-line-end.jsonl');
    const cli = await run(process.execPath, [BIN, 'restore', cut, '--force'], { env: { ...process.env, DATABASE_URL: full } }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(/缺少结尾校验行/);
    expect(await dump(full)).toEqual(before);
  });

  it('loads a checked file in one transaction: a row the database rejects rolls everything back', async () => {
    const dir = dirFor();
    const good = path.join(dir, 'good.jsonl');
    await backup(ctx.tdb.database, good);
    const lines = fs.readFileSync(good, 'utf8').slice(0, -1).split('\n');
    const trailer = JSON.parse(lines.pop()!) as { end: string; rows: Record<string, number>; sha256: string };
    // The same order twice, last in the file: its checksum and counts are right, the insert fails.
    lines.push(lines.find((l) => l.startsWith('{"t":"orders"'))!);
    const body = lines.join('\n') + '\n';
    const rows = { ...trailer.rows, orders: trailer.rows.orders! + 1 };
    const dup = path.join(dir, 'dup.jsonl');
    fs.writeFileSync(dup, body + JSON.stringify({ ...trailer, rows, sha256: createHash('sha256').update(body).digest('hex') }) + '\n');
    const target = await fresh();
    await restore(target, good);
    const before = await dump(target);
    await expect(restore(target, dup, { force: true })).rejects.toThrow(
      /恢复失败：备份文件第 \d+–\d+ 行（表 orders）无法写入.*目标数据库未改变/,
    );
    expect(await dump(target)).toEqual(before);
  });

  it('refuses an export of the old format, which has no trailer to check', async () => {
    const dir = dirFor();
    const good = path.join(dir, 'good.jsonl');
    await backup(ctx.tdb.database, good);
    const lines = fs.readFileSync(good, 'utf8').slice(0, -1).split('\n');
    const header = { ...JSON.parse(lines[0]!), version: 1 };
    const old = path.join(dir, 'old.jsonl');
    fs.writeFileSync(old, [JSON.stringify(header), ...lines.slice(1, -1)].join('\n') + '\n');
    await expect(restore(await fresh(), old)).rejects.toThrow(/旧版本.*没有结尾校验行/);
  });

  it('writes backups readable by the owner only (0600), whatever the umask', async () => {
    const dir = dirFor();
    const previous = process.umask(0o022);
    try {
      const files = [path.join(dir, 'b.jsonl')];
      await backup(ctx.tdb.database, files[0]!);
      if (dialect === 'sqlite') {
        files.push(path.join(dir, 'b.db'));
        await backup(ctx.tdb.database, files[1]!);
      }
      for (const f of files) expect((fs.statSync(f).mode & 0o777).toString(8), f).toBe('600');
      // Nothing else is left in the directory (no temporary file, no -wal/-journal).
      expect(fs.readdirSync(dir).sort()).toEqual(files.map((f) => path.basename(f)).sort());
    } finally {
      process.umask(previous);
    }
  });

  it('never shows a file at the backup’s name before it is complete; a failed backup leaves nothing behind', async () => {
    const dir = dirFor();
    const file = path.join(dir, 'fails.jsonl');
    const seen: string[][] = [];
    await expect(
      backup(ctx.tdb.database, file, {
        onTable: (t) => {
          seen.push(fs.readdirSync(dir));
          if (t === 'orders') throw new Error('injected: disk gone');
        },
      }),
    ).rejects.toThrow('injected: disk gone');
    expect(seen.length).toBeGreaterThan(5);
    // While it ran, only a temporary (hidden) name existed, never the backup's own.
    for (const names of seen) {
      expect(names).not.toContain('fails.jsonl');
      expect(names).toHaveLength(1);
    }
    expect(fs.readdirSync(dir)).toEqual([]);
    // And a backup never overwrites a file.
    fs.writeFileSync(file, 'mine');
    await expect(backup(ctx.tdb.database, file)).rejects.toThrow(/备份文件已存在/);
    expect(fs.readFileSync(file, 'utf8')).toBe('mine');
  });

  it.runIf(dialect === 'sqlite')(
    'the SQLite online backup finishes while orders keep coming, as a consistent file that restores',
    async () => {
      // Make the database several hundred pages, so a copy in small steps would be restarted by
      // every write in between.
      const db = ctx.tdb.database.db;
      const now = Date.now();
      for (let i = 0; i < 2000; i++) {
        await db
          .insertInto('products')
          .values({
            id: newId('product'),
            org_id: ctx.orgId,
            code: null,
            title: `填充商品 ${i}`,
            selling_points: '',
            description: '详情'.repeat(1500),
            category_id: null,
            brand_id: null,
            tags: '[]',
            spec_dims: '[]',
            status: 'on_sale',
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      const dir = dirFor();
      const file = path.join(dir, 'live.db');
      const LIMIT = 200;
      const writer = orderWriter(LIMIT);
      await writer.more(1);
      await backup(ctx.tdb.database, file);
      const created = await writer.stop();
      // The backup finished while the writer was still writing (it did not have to wait for quiet).
      expect(created).toBeLessThan(LIMIT);

      const copy = new SQLite(file, { readonly: true });
      try {
        expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
        expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      } finally {
        copy.close();
      }
      expect(fs.readdirSync(dir)).toEqual(['live.db']);
      const target = await fresh();
      await restore(target, file);
      const b = await books(target);
      expect(b.orphanLines).toBe(0);
      expect(b.stockOffLedger).toBe(0);
      expect(b.orders).toBeGreaterThan(5);
    },
  );

  it.runIf(dialect === 'sqlite')('refuses a truncated SQLite backup and keeps the target database', async () => {
    const dir = dirFor();
    const file = path.join(dir, 'whole.db');
    await backup(ctx.tdb.database, file);
    const target = await fresh();
    await restore(target, file);
    const before = await dump(target);
    const cut = path.join(dir, 'cut.db');
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(restore(target, cut, { force: true })).rejects.toThrow(/SQLite 备份文件已损坏|备份文件不可用/);
    expect(await dump(target)).toEqual(before);
    // A whole .db backup does replace it with --force, in one swap (no stale WAL beside it).
    const database = openDatabase(target);
    try {
      await sql`delete from order_events`.execute(database.db);
    } finally {
      await database.close();
    }
    await restore(target, file, { force: true });
    expect(await dump(target)).toEqual(before);
  });
});

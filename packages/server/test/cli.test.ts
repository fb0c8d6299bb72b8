import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { openDatabase } from '../src/db/dialect.js';
import { TABLE_ORDER } from '../src/db/schema.js';
import { cliBundle, SHIPPED_BIN } from './cli-bin.js';
import { describeEachDialect, freshDatabaseUrl } from './dialects.js';

const run = promisify(execFile);
// Each command is a fresh Node process compiling the CLI through tsx (~3 s idle, ~10 s on a busy
// 2-core machine); a test runs several, so the default 60 s is too tight under load.
vi.setConfig({ testTimeout: 240_000 });

/** `shipped`: through bin/yunying.mjs (tsx) instead of the bundled sources (see cli-bin.ts). */
async function yunying(url: string, args: string[], shipped = false): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(process.execPath, [shipped ? SHIPPED_BIN : await cliBundle(), ...args], {
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
    const m = await yunying(url, ['migrate'], true);
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

  it('imports and exports products, orders and stock from the command line', async () => {
    const products = path.join(tmp, 'products.csv');
    fs.writeFileSync(
      products,
      '\uFEFF商品标题,商家编码(SPU),类目,品牌,规格(颜色:红;尺码:M),SKU商家编码,条码,售价(元),成本(元),重量(克),状态,标签\n' +
        '纯棉T恤,TS01,,,颜色:白;尺码:M,TS01-W-M,,59.00,21.50,180,在售,\n' +
        '纯棉T恤,TS01,,,颜色:白;尺码:L,TS01-W-L,,59.00,21.50,190,在售,\n',
    );
    const ip = await yunying(url, ['import', 'products', products]);
    expect(ip.code, ip.stderr + ip.stdout).toBe(0);
    expect(ip.stdout).toContain('新建 2');
    const exported = path.join(tmp, 'products-out.csv');
    expect((await yunying(url, ['export', 'products', exported])).code).toBe(0);
    const text = fs.readFileSync(exported, 'utf8');
    expect(text).toContain('TS01-W-L');
    expect(text).toContain('21.50');

    const orders = path.join(tmp, 'jd.csv');
    fs.writeFileSync(
      orders,
      '\uFEFF订单号,商品名称,订购数量,京东价,应付金额,下单时间,付款时间,订单状态,商家SKUID\n' +
        '="300000000000123",纯棉T恤 白 M,2,59.00,118.00,2026-11-20 10:00:00,2026-11-20 10:01:00,等待出库,TS01-W-M\n',
    );
    const io = await yunying(url, ['import', 'orders', '--shop', '抖音小店', '--format', 'jd', orders]);
    expect(io.code, io.stderr + io.stdout).toBe(0);
    expect(io.stderr).toContain('导入订单');
    expect(io.stdout).toContain('新建订单 1，更新 0，未变 0');
    expect(io.stdout).toContain('被拒绝的行 0。');
    const again = await yunying(url, ['import', 'orders', '--shop', '抖音小店', '--format', 'jd', '--json', orders]);
    expect(JSON.parse(again.stdout)).toMatchObject({ ordersCreated: 0, ordersUnchanged: 1, errors: 0 });
    // Rows refused: a Chinese summary, the bad rows with row, column, value and reason, exit 2; the good row is kept.
    const mixed = path.join(tmp, 'jd-mixed.csv');
    fs.writeFileSync(
      mixed,
      '\uFEFF订单号,商品名称,订购数量,京东价,应付金额,下单时间,付款时间,订单状态,商家SKUID\n' +
        '="300000000000124",纯棉T恤 白 M,1,59.00,59.00,2026-11-21 10:00:00,2026-11-21 10:01:00,等待出库,TS01-W-M\n' +
        '="300000000000125",纯棉T恤 白 M,1,59.00,59.00,不是时间,2026-11-21 10:01:00,等待出库,TS01-W-M\n',
    );
    const partly = await yunying(url, ['import', 'orders', '--shop', '抖音小店', '--format', 'jd', mixed]);
    expect(partly.code, partly.stderr + partly.stdout).toBe(2);
    expect(partly.stdout).toContain('新建订单 1');
    expect(partly.stdout).toContain('被拒绝的行 1。');
    expect(partly.stdout).toMatch(/订单文件 第 3 行 下单时间「不是时间」：/);
    const bad = await yunying(url, ['import', 'orders', '--shop', '抖音小店', '--format', 'amazon', orders]);
    expect(bad.code).toBe(2);

    const ordersOut = path.join(tmp, 'orders.xlsx');
    const eo = await yunying(url, ['export', 'orders', '--shop', '抖音小店', '--from', '2026-11-01', '--to', '2026-11-30', ordersOut]);
    expect(eo.code, eo.stderr).toBe(0);
    expect(eo.stdout).toContain('已导出 2 行'); // the JD order and the good row of the mixed file
    // Money as numbers: numeric XLSX cells with the ¥ format, plain two-decimal numbers in CSV.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(ordersOut);
    const ws = wb.getWorksheet('订单')!;
    const heads = (ws.getRow(1).values as unknown[]).slice(1);
    const col = (h: string) => heads.indexOf(h) + 1;
    const jdRow = [2, 3].map((r) => ws.getRow(r)).find((r) => r.getCell(1).value === '300000000000123')!;
    for (const [h, v] of [
      ['订单实付', 118],
      ['单价', 59],
      ['实付', 118],
      ['运费', 0],
    ] as const) {
      expect(jdRow.getCell(col(h)).value, h).toBe(v);
      expect(jdRow.getCell(col(h)).numFmt, h).toBe('¥#,##0.00');
    }
    const ordersCsv = path.join(tmp, 'orders.csv');
    expect((await yunying(url, ['export', 'orders', '--shop', '抖音小店', ordersCsv])).code).toBe(0);
    const csvLines = fs
      .readFileSync(ordersCsv, 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    const csvHeads = csvLines[0]!.split(',');
    const csvJd = csvLines.find((l) => l.startsWith('300000000000123,'))!.split(',');
    expect(csvJd[csvHeads.indexOf('订单实付')]).toBe('118.00');
    expect(csvJd[csvHeads.indexOf('单价')]).toBe('59.00');
    expect((await yunying(url, ['export', 'orders', '--shop', '抖音小店', '--from', '11/01', ordersOut + '.csv'])).code).toBe(2);
    const stock = path.join(tmp, 'stock.csv');
    expect((await yunying(url, ['export', 'stock', stock])).code).toBe(0);
    expect(fs.existsSync(stock)).toBe(true);
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

/**
 * Storage faults against the real server process on SQLite: the disk fills up, then the database
 * file becomes read-only. Each time writes get a Chinese 503 saying what to do, nothing is
 * half-written, the server keeps answering (no crash, so no crash loop), and once the cause is
 * gone the same request succeeds. The disk is a 48 MB tmpfs mounted by the test (needs root, as
 * on CI); read-only is the file system remounted read-only.
 *
 * Long: runs when YUNYING_LONG_TESTS=1 (`.ci/run` sets it).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/dialect.js';
import { HttpSession, startServerProcess, type ServerProcess } from './proc.js';

const LONG = process.env.YUNYING_LONG_TESTS === '1';

function suite() {
  let dir: string;
  let mounted = false;
  let server: ServerProcess | undefined;
  let s: HttpSession;
  let shopId: string;
  let skuId: string;
  const filler = () => path.join(dir, 'filler.bin');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', dir]);
    mounted = true;
    const url = `sqlite:${path.join(dir, 'yunying.db')}`;
    server = await startServerProcess(url);
    s = new HttpSession(server.base);
    await s.login();
    shopId = (await s.send('POST', '/api/v1/shops', { name: '磁盘演练店', channel: 'own', timezone: 'Asia/Shanghai' })).body.id;
    const product = await s.send('POST', '/api/v1/products', {
      title: '磁盘演练商品',
      specDims: [{ name: '颜色', values: ['黑'] }],
      skus: [{ spec: { 颜色: '黑' }, code: 'DISK-1', priceFen: 1000, costFen: 400 }],
    });
    expect(product.status, JSON.stringify(product.body)).toBe(201);
    skuId = product.body.skus[0].id;
    const wh = (await s.send('GET', '/api/v1/warehouses')).body.items[0].id;
    expect((await s.send('POST', '/api/v1/stock/adjust', { skuId, warehouseId: wh, qty: 1000, reason: '期初' })).status).toBeLessThan(300);
  }, 180_000);

  afterAll(async () => {
    await server?.kill('SIGKILL');
    if (mounted) execFileSync('umount', ['-l', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const order = (i: number) =>
    s.send('POST', '/api/v1/orders', {
      shopId,
      lines: [{ skuId, qty: 1 }],
      buyerNick: `disk_${i}_${'x'.repeat(200)}`.slice(0, 60),
      receiverName: '王五',
      receiverPhone: '13900001111',
      receiverAddress: '北京市朝阳区建国路 1 号'.repeat(5),
      buyerNote: '备注'.repeat(200),
    });

  /** The stored books, read through a connection opened for the purpose (closed again, so the file system can be remounted). */
  async function books() {
    const database: Database = openDatabase(`sqlite:${path.join(dir, 'yunying.db')}`);
    try {
      return await readBooks(database);
    } finally {
      await database.close();
    }
  }

  async function readBooks(database: Database) {
    const db = database.db;
    const orders = await db.selectFrom('orders').select(['id']).where('shop_id', '=', shopId).execute();
    const lines = await db.selectFrom('order_lines').select(['order_id']).execute();
    const withLines = new Set(lines.map((l) => l.order_id));
    const stock = await db.selectFrom('stock').select(['on_hand', 'reserved', 'available']).where('sku_id', '=', skuId).execute();
    const ledger = await db
      .selectFrom('stock_movements')
      .select((eb) => [eb.fn.sum<number>('d_on_hand').as('onHand'), eb.fn.sum<number>('d_reserved').as('reserved')])
      .where('sku_id', '=', skuId)
      .executeTakeFirstOrThrow();
    return {
      orders: orders.length,
      ordersWithoutLines: orders.filter((o) => !withLines.has(o.id)).length,
      stockEqualsLedger:
        stock.reduce((a, r) => a + Number(r.on_hand), 0) === Number(ledger.onHand) &&
        stock.reduce((a, r) => a + Number(r.reserved), 0) === Number(ledger.reserved),
    };
  }

  it('a full disk: writes get a Chinese 503, nothing is half-written, the server keeps answering, and writes work again once space is freed', async () => {
    expect((await order(0)).status).toBe(201);
    // Fill the disk, leaving no room for the next pages.
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler()}`, 'bs=1M', 'count=100'], { stdio: 'ignore' });
    } catch {
      // dd stops with "No space left on device": the disk is full, as wanted.
    }
    const answers: { status: number; body: any }[] = [];
    for (let i = 1; i <= 200; i++) {
      const r = await order(i);
      answers.push(r);
      if (r.status === 503) break;
    }
    const refused = answers.find((a) => a.status === 503);
    expect(refused, `${JSON.stringify(answers.slice(-2).map((a) => [a.status, a.body]))}\n${server!.stderr()}`).toBeDefined();
    expect(refused!.body.code).toBe('unavailable');
    expect(refused!.body.detail).toMatch(/磁盘空间已满/);
    expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    // Still answering: reads work, health says the process lives.
    expect((await s.send('GET', `/api/v1/orders?shopId=${shopId}`)).status).toBe(200);
    expect(server!.child.exitCode).toBeNull();

    fs.rmSync(filler());
    const after = await order(999);
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    const b = await books();
    expect(b.ordersWithoutLines).toBe(0);
    expect(b.stockEqualsLedger).toBe(true);
    expect(b.orders).toBe(answers.filter((a) => a.status === 201).length + 2);
  }, 300_000);

  it('a read-only database file system: the server refuses to start with a Chinese reason (no crash loop), and starts with every order once it is writable', async () => {
    const before = await books();
    await server!.kill('SIGTERM');
    server = undefined;
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    let failure = '';
    try {
      await startServerProcess(`sqlite:${path.join(dir, 'yunying.db')}`, { YUNYING_RESTART: '0' });
    } catch (err) {
      failure = String(err);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', dir]);
    }
    expect(failure).toMatch(/server exited with 1/);
    expect(failure).toMatch(/数据库当前只读|无法打开数据库文件/);
    server = await startServerProcess(`sqlite:${path.join(dir, 'yunying.db')}`);
    s = new HttpSession(server.base);
    await s.login();
    const after = await order(2001);
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    const b = await books();
    expect(b.orders).toBe(before.orders + 1);
    expect(b.ordersWithoutLines).toBe(0);
    expect(b.stockEqualsLedger).toBe(true);
  }, 300_000);
}

if (LONG && process.getuid?.() === 0) describe('storage faults (SQLite on a tmpfs: full disk, read-only)', suite);
else if (LONG) describe('storage faults', () => it('needs root to mount a small tmpfs', () => expect(process.getuid?.()).toBe(0)));
else describe.skip('storage faults — set YUNYING_LONG_TESTS=1', () => it('skipped', () => {}));

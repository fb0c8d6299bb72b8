/**
 * Crash faults against the real server process, on both databases: SIGKILL in the middle of an
 * order burst and of a collect burst, restart, and check what was promised. Every acknowledged
 * order exists with all its lines, clients retrying with their Idempotency-Keys create no
 * duplicate, stock equals its ledger; every acknowledged tracker batch is stored whole.
 *
 * Long: runs when YUNYING_LONG_TESTS=1 (`.ci/run` sets it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DialectName } from '../src/db/dialect.js';
import { createTestDatabase, describeEachDialect, type TestDatabase } from './dialects.js';
import { HttpSession, startServerProcess, type ServerProcess } from './proc.js';

const LONG = process.env.YUNYING_LONG_TESTS === '1';
const ORDERS = 300;
const BATCHES = 300;
const PER_BATCH = 5;

/** Run `tasks` with at most `width` in flight; stop starting new ones once `stop()` says so. */
async function pool<T>(tasks: (() => Promise<T>)[], width: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        try {
          results[i] = { status: 'fulfilled', value: await tasks[i]!() };
        } catch (reason) {
          results[i] = { status: 'rejected', reason };
        }
      }
    }),
  );
  return results;
}

function suite(dialect: DialectName) {
  let tdb: TestDatabase;
  let server: ServerProcess;
  let shopId: string;
  let skuId: string;
  const db = () => tdb.database.db;

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    server = await startServerProcess(tdb.url);
    const s = new HttpSession(server.base);
    await s.login();
    shopId = (await s.send('POST', '/api/v1/shops', { name: '故障演练店', channel: 'own', timezone: 'Asia/Shanghai' })).body.id;
    const product = await s.send('POST', '/api/v1/products', {
      title: '故障演练商品',
      specDims: [{ name: '颜色', values: ['黑'] }],
      skus: [{ spec: { 颜色: '黑' }, code: 'FAULT-1', priceFen: 1000, costFen: 400 }],
    });
    expect(product.status, JSON.stringify(product.body)).toBe(201);
    skuId = product.body.skus[0].id;
    const wh = (await s.send('GET', '/api/v1/warehouses')).body.items[0].id;
    expect((await s.send('POST', '/api/v1/stock/adjust', { skuId, warehouseId: wh, qty: 10_000, reason: '期初' })).status).toBeLessThan(
      300,
    );
  }, 180_000);

  afterAll(async () => {
    await server?.kill();
    await tdb?.drop();
  });

  const orderBody = (i: number) => ({
    shopId,
    lines: [{ skuId, qty: 1 }],
    buyerNick: `fault_${i}`,
    receiverName: '王五',
    receiverPhone: '13900001111',
    receiverAddress: '北京市朝阳区建国路 1 号',
  });

  it('SIGKILL mid order burst: acknowledged orders survive whole, retries make no duplicates, stock = ledger', async () => {
    const s = new HttpSession(server.base);
    await s.login();
    const acked = new Map<number, string>();
    let killed = false;
    const tasks = Array.from({ length: ORDERS }, (_, i) => async () => {
      const r = await s.send('POST', '/api/v1/orders', orderBody(i), { 'idempotency-key': `fault-order-${i}` });
      if (r.status === 201 || r.status === 200) acked.set(i, r.body.id);
      if (acked.size >= ORDERS / 4 && !killed) {
        killed = true;
        await server.kill('SIGKILL');
      }
    });
    await pool(tasks, 16);
    expect(killed).toBe(true);
    expect(acked.size).toBeGreaterThanOrEqual(ORDERS / 4);
    expect(acked.size).toBeLessThan(ORDERS);

    server = await startServerProcess(tdb.url);
    const again = new HttpSession(server.base);
    await again.login();
    // Every client retries what it sent, with the same key.
    const retried = await pool(
      Array.from(
        { length: ORDERS },
        (_, i) => () => again.send('POST', '/api/v1/orders', orderBody(i), { 'idempotency-key': `fault-order-${i}` }),
      ),
      8,
    );
    for (const [i, r] of retried.entries()) {
      expect(r.status, `retry ${i}`).toBe('fulfilled');
      const v = (r as PromiseFulfilledResult<{ status: number; body: { id: string } }>).value;
      expect([200, 201], `retry ${i}: ${JSON.stringify(v.body)}`).toContain(v.status);
      if (acked.has(i)) expect(v.body.id, `order ${i} acknowledged before the crash`).toBe(acked.get(i));
    }
    const orders = await db().selectFrom('orders').select(['id', 'buyer_nick']).where('shop_id', '=', shopId).execute();
    expect(orders).toHaveLength(ORDERS);
    expect(new Set(orders.map((o) => o.buyer_nick)).size).toBe(ORDERS);
    const withoutLines = await db()
      .selectFrom('orders')
      .leftJoin('order_lines', 'order_lines.order_id', 'orders.id')
      .select('orders.id')
      .where('orders.shop_id', '=', shopId)
      .where('order_lines.id', 'is', null)
      .execute();
    expect(withoutLines).toEqual([]);
    const check = await again.send('GET', '/api/v1/stock/ledger-check');
    expect(check.body.mismatches).toBe(0);
    const stock = await again.send('GET', `/api/v1/stock?q=FAULT-1`);
    expect(JSON.stringify(stock.body)).toContain('"reserved":300');
  });

  it('SIGKILL mid collect burst: every acknowledged batch is stored whole', async () => {
    const s = new HttpSession(server.base);
    await s.login();
    const key = (await s.send('POST', '/api/v1/traffic/keys', { shopId, allowedOrigins: [] })).body.key as string;
    const acked: string[] = [];
    let killed = false;
    const tasks = Array.from({ length: BATCHES }, (_, i) => async () => {
      const visitorId = `fv_${i}`;
      const now = Date.now();
      const r = await fetch(`${server.base}/api/v1/collect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          key,
          events: Array.from({ length: PER_BATCH }, (_, j) => ({
            type: 'page_view',
            at: now + j,
            visitorId,
            sessionId: `s_${i}`,
            url: `/p/${j}`,
          })),
        }),
      });
      if (r.status < 300) acked.push(visitorId);
      if (acked.length >= BATCHES / 4 && !killed) {
        killed = true;
        await server.kill('SIGKILL');
      }
    });
    await pool(tasks, 16);
    expect(killed).toBe(true);
    expect(acked.length).toBeGreaterThanOrEqual(BATCHES / 4);

    server = await startServerProcess(tdb.url);
    const rows = await db().selectFrom('events').select('visitor_id').where('shop_id', '=', shopId).execute();
    const per = new Map<string, number>();
    for (const r of rows) per.set(r.visitor_id, (per.get(r.visitor_id) ?? 0) + 1);
    for (const v of acked) expect(per.get(v), `acknowledged batch of ${v}`).toBe(PER_BATCH);
    // Nothing half-stored either: a batch is all of its events or none.
    for (const [v, n] of per) expect(n, `batch of ${v}`).toBe(PER_BATCH);
  });
}

if (LONG) describeEachDialect('crash faults (server process, SIGKILL)', suite);
else describe.skip('crash faults (server process, SIGKILL) — set YUNYING_LONG_TESTS=1', () => it('skipped', () => {}));

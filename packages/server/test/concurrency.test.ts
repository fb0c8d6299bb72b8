/**
 * Guarantees under concurrency, on both databases: a flash sale never oversells, one
 * Idempotency-Key makes one order however many times it arrives at once, one after-sales case
 * refunds once however many operators press the button, and a stocktake applied while stock moves
 * leaves stock equal to its ledger.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { useTestApp, type Client } from './harness.js';
import { ledgerOf, makeOrder, makeShop, makeSku, orderBody, stockOf } from './fixtures.js';

describeEachDialect('concurrency', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  const db = () => ctx.tdb.database.db;

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '秒杀专营店');
  });

  it('1,000 concurrent buyers for 100 units: exactly 100 orders, stock 0 available, ledger equal', async () => {
    const sku = await makeSku(ctx, { code: 'SECKILL-1', priceFen: 1990, stock: 100 });
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        admin.post('/api/v1/orders', orderBody(shopId, [{ skuId: sku, qty: 1 }], { buyerNick: `buyer_${i}` })),
      ),
    );
    const codes = new Map<number, number>();
    for (const r of results) codes.set(r.statusCode, (codes.get(r.statusCode) ?? 0) + 1);
    expect(Object.fromEntries(codes)).toEqual({ 201: 100, 409: 900 });
    expect(await stockOf(ctx, sku)).toEqual({ onHand: 100, reserved: 100, available: 0, defective: 0 });
    expect(await ledgerOf(ctx, sku)).toEqual(await stockOf(ctx, sku));
    const lines = await db()
      .selectFrom('order_lines')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sku_id', '=', sku)
      .executeTakeFirstOrThrow();
    expect(Number(lines.n)).toBe(100);
  });

  it('the same Idempotency-Key sent 50 times at once makes one order, and every answer is that order', async () => {
    const sku = await makeSku(ctx, { code: 'IDEM-50', priceFen: 5000, stock: 100 });
    const body = orderBody(shopId, [{ skuId: sku, qty: 2 }], { buyerNick: 'idem_buyer' });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => admin.request('POST', '/api/v1/orders', body, { 'idempotency-key': 'same-key-50' })),
    );
    const ok = results.filter((r) => r.statusCode === 200 || r.statusCode === 201);
    // Every answer is the one order (a request racing the first may be told to retry, never a second order).
    for (const r of results) expect([200, 201, 409], r.body).toContain(r.statusCode);
    const ids = new Set(ok.map((r) => r.json().id as string));
    expect(ids.size).toBe(1);
    const orders = await db().selectFrom('orders').select('id').where('buyer_nick', '=', 'idem_buyer').execute();
    expect(orders.map((o) => o.id)).toEqual([...ids]);
    expect(await stockOf(ctx, sku)).toMatchObject({ reserved: 2, available: 98 });
  });

  it('50 concurrent refunds of one after-sales case refund once', async () => {
    const sku = await makeSku(ctx, { code: 'REFUND-50', priceFen: 3000, stock: 10 });
    const o = await makeOrder(admin, shopId, [{ skuId: sku, qty: 1 }]);
    expect((await admin.post(`/api/v1/orders/${o.id}/ship`, { carrier: '圆通速递', trackingNo: 'YT50' })).statusCode).toBe(200);
    const order = (await admin.get(`/api/v1/orders/${o.id}`)).json();
    const c = await admin.post('/api/v1/aftersales', {
      orderId: order.id,
      type: 'refund_only',
      lines: [{ orderLineId: order.lines[0].id, qty: 1 }],
    });
    expect(c.statusCode, c.body).toBe(201);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => admin.post(`/api/v1/aftersales/${c.json().id}/refund`, { amountFen: 3000 })),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    for (const r of results) expect([200, 409], r.body).toContain(r.statusCode);
    expect((await admin.get(`/api/v1/orders/${order.id}`)).json().refundFen).toBe(3000);
  });

  it('a stocktake applied while stock is adjusted leaves stock equal to its ledger and never negative', async () => {
    const sku = await makeSku(ctx, { code: 'COUNT-1', priceFen: 1000, stock: 50 });
    const wh = (await admin.get('/api/v1/warehouses')).json().items[0].id as string;
    const st = (await admin.post('/api/v1/stocktakes', { warehouseId: wh, skuIds: [sku] })).json();
    expect((await admin.patch(`/api/v1/stocktakes/${st.id}/lines`, { lines: [{ skuId: sku, counted: 45 }] })).statusCode).toBe(200);
    const adjustments = Array.from({ length: 20 }, (_, i) =>
      admin.post('/api/v1/stock/adjust', { skuId: sku, warehouseId: wh, qty: i % 2 === 0 ? 3 : -2, reason: '并发调整' }),
    );
    const [applied, ...adjusted] = await Promise.all([admin.post(`/api/v1/stocktakes/${st.id}/apply`, {}), ...adjustments]);
    expect(applied!.statusCode, applied!.body).toBe(200);
    for (const r of adjusted) expect([200, 201], r.body).toContain(r.statusCode);
    const stock = await stockOf(ctx, sku);
    expect(stock!.onHand).toBeGreaterThanOrEqual(0);
    expect(await ledgerOf(ctx, sku)).toEqual(stock);
    const check = (await admin.get('/api/v1/stock/ledger-check')).json();
    expect(check.mismatches).toBe(0);
  });
});

/**
 * The order list's status tabs at a million orders (issue 10): the per-shop × status counters kept
 * by triggers equal a brute-force GROUP BY after creations, payments, cancellations, bulk inserts
 * and a shop's orders removed; a page filtered by shop and status answers from them; a filtered
 * page (amount) counts, and counts again once an order of its shop changes status.
 */
import { beforeAll, expect, it } from 'vitest';
import * as orders from '../src/modules/orders/index.js';
import { describeEachDialect } from './dialects.js';
import { makeBackdatedOrders, makeOrder, makeShop, makeSku, type BackdatedOrder } from './fixtures.js';
import type { Client } from './harness.js';
import { useTestApp } from './harness.js';

describeEachDialect('order status counters', (dialect) => {
  const ctx = useTestApp(dialect, { queryCount: true });
  let admin: Client;
  let shopA: string;
  let shopB: string;
  let sku: string;

  beforeAll(async () => {
    admin = await ctx.admin();
    shopA = await makeShop(ctx, admin, '计数店 A');
    shopB = await makeShop(ctx, admin, '计数店 B');
    sku = await makeSku(ctx, { code: 'CNT-1', priceFen: 8000, stock: 1000 });
  });

  /** Brute force: the orders per shop and status. */
  async function recount(): Promise<Record<string, number>> {
    const rows = await ctx.tdb.database.db
      .selectFrom('orders')
      .select(['shop_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['shop_id', 'status'])
      .execute();
    return Object.fromEntries(rows.map((r) => [`${r.shop_id}/${r.status}`, Number(r.n)]));
  }
  async function maintained(): Promise<Record<string, number>> {
    const rows = await ctx.tdb.database.db.selectFrom('order_status_counts').selectAll().where('n', '!=', 0).execute();
    return Object.fromEntries(rows.map((r) => [`${r.shop_id}/${r.status}`, Number(r.n)]));
  }

  /** One order written by the orders module's bulk writer (the fixture for backdated orders), paid `paidFen`. */
  const bulkOrder = (shopId: string, status: string, paidFen: number): BackdatedOrder => ({
    shopId,
    day: '2026-11-01',
    paidDay: status === 'pending_payment' ? null : '2026-11-01',
    status,
    visitorId: null,
    nick: 'tb_计数',
    sourceCode: null,
    shippingFen: 0,
    lines: [{ skuId: null, qty: 1, unitPriceFen: paidFen, unitCostFen: 0 }],
  });

  it('equal the brute-force count after creations, payment, cancellation, bulk inserts and a removed shop', async () => {
    const made = [];
    for (let i = 0; i < 4; i++) made.push(await makeOrder(admin, shopA, [{ skuId: sku, qty: 1 }], { paid: i % 2 === 0 }));
    await makeOrder(admin, shopB, [{ skuId: sku, qty: 2 }], { paid: true });
    expect(await maintained()).toEqual(await recount());

    const pending = made.find((o) => o.status === 'pending_payment');
    expect((await admin.post(`/api/v1/orders/${pending.id}/pay`)).statusCode).toBe(200);
    expect((await admin.post(`/api/v1/orders/${made[0].id}/cancel`, { reason: '买家不要了' })).statusCode).toBe(200);
    expect(await maintained()).toEqual(await recount());

    await makeBackdatedOrders(ctx, [
      ...Array.from({ length: 30 }, (_, i) => bulkOrder(shopA, i % 3 ? 'paid' : 'shipped', 1000 + i * 300)),
      ...Array.from({ length: 7 }, () => bulkOrder(shopB, 'completed', 9900)),
    ]);
    expect(await maintained()).toEqual(await recount());

    const shopC = await makeShop(ctx, admin, '计数店 C');
    await makeBackdatedOrders(
      ctx,
      Array.from({ length: 5 }, () => bulkOrder(shopC, 'paid', 100)),
    );
    await ctx.tdb.database.db.transaction().execute((trx) => orders.bulk.removeShopOrders(trx, [shopC]));
    expect(await maintained()).toEqual(await recount());
  });

  it('a page filtered by shop and status reads its tabs from the counters; an amount filter counts, and again after a status change', async () => {
    const byShop = await admin.get(`/api/v1/orders?page=1&pageSize=5&shopId=${shopA}&status=paid`);
    expect(byShop.statusCode, byShop.body).toBe(200);
    const want = await recount();
    const body = byShop.json() as { total: number; counts: Record<string, number> };
    expect(body.counts.paid).toBe(want[`${shopA}/paid`]);
    expect(body.counts.all).toBe(Object.entries(want).reduce((s, [k, n]) => (k.startsWith(`${shopA}/`) ? s + n : s), 0));
    expect(body.total).toBe(want[`${shopA}/paid`]);

    // Brute force for the amount filter (实付 ≥ ¥50) per status in shop A.
    const filtered = async () => {
      const rows = await ctx.tdb.database.db
        .selectFrom('orders')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('shop_id', '=', shopA)
        .where('paid_fen', '>=', 5000)
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    };
    const url = `/api/v1/orders?page=1&pageSize=5&shopId=${shopA}&status=paid&minPaid=50`;
    const first = (await admin.get(url)).json() as { total: number; counts: Record<string, number> };
    const expected = await filtered();
    expect(first.counts.paid).toBe(expected.paid);
    expect(first.counts.shipped).toBe(expected.shipped);
    expect(first.total).toBe(expected.paid);
    // Again: the same counts (reused), and the page's rows are read fresh.
    expect(((await admin.get(url)).json() as { counts: unknown }).counts).toEqual(first.counts);

    // One paid order of ≥ ¥50 is cancelled: the next page counts again.
    const list = (await admin.get(url)).json() as { items: { id: string }[] };
    expect((await admin.post(`/api/v1/orders/${list.items[0]!.id}/cancel`, { reason: '测试计数' })).statusCode).toBe(200);
    const after = (await admin.get(url)).json() as { total: number; counts: Record<string, number> };
    const expectedAfter = await filtered();
    expect(after.counts.paid).toBe(expectedAfter.paid);
    expect(after.counts.cancelled).toBe(expectedAfter.cancelled);
    expect(after.total).toBe(first.total - 1);
  });
});

/**
 * Coupon limits under concurrency, on both databases: guarded UPDATEs decide every race, so 500
 * buyers claiming a coupon limited to 100 get exactly 100, and 200 orders at once redeeming a
 * coupon limited to one per customer leave no customer over the limit; an order refunded in full by
 * two after-sales cases pressed 25 times each at once gives its coupon back exactly once.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { useTestApp, type Client } from './harness.js';
import { makeSku, orderBody, stockOf } from './fixtures.js';

describeEachDialect('marketing concurrency', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  const db = () => ctx.tdb.database.db;

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = (await admin.post('/api/v1/shops', { name: '抢券店', channel: 'tmall', timezone: 'Asia/Shanghai' })).json().id;
  });

  const template = async (name: string, code: string, totalLimit: number, perCustomerLimit: number) => {
    const t = await admin.post('/api/v1/marketing/coupon-templates', {
      shopId,
      name,
      kind: 'amount',
      thresholdFen: 0,
      amountFen: 500,
      validity: { type: 'relative', days: 3 },
      totalLimit,
      perCustomerLimit,
      code,
    });
    expect(t.statusCode, t.body).toBe(201);
    return t.json().id as string;
  };

  it('500 concurrent claims of a coupon limited to 100: exactly 100 coupons', async () => {
    const id = await template('限量 100 张', 'LIMIT100', 100, 1);
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        admin.post('/api/v1/marketing/coupons/claim', { shopId, code: 'LIMIT100', buyerNick: `抢券_${i}` }),
      ),
    );
    const codes = new Map<number, number>();
    for (const r of results) codes.set(r.statusCode, (codes.get(r.statusCode) ?? 0) + 1);
    expect(Object.fromEntries(codes)).toEqual({ 201: 100, 409: 400 });
    const held = await db()
      .selectFrom('coupons')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('template_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(Number(held.n)).toBe(100);
    expect((await admin.get(`/api/v1/marketing/coupon-templates/${id}`)).json().issued).toBe(100);
    const refusal = results.find((r) => r.statusCode === 409)!.json();
    expect(refusal.detail).toContain('已发完');
  });

  it('200 concurrent orders redeeming a one-per-customer coupon: no customer over the limit', async () => {
    const id = await template('每人 1 张', 'ONEEACH', 10_000, 1);
    const sku = await makeSku(ctx, { code: 'RUSH-1', priceFen: 5000, stock: 500 });
    const buyers = Array.from({ length: 20 }, (_, i) => `买家_${i}`);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        admin.post('/api/v1/orders', orderBody(shopId, [{ skuId: sku, qty: 1 }], { buyerNick: buyers[i % 20], couponCode: 'ONEEACH' })),
      ),
    );
    for (const r of results) expect([201, 409], r.body).toContain(r.statusCode);
    const ok = results.filter((r) => r.statusCode === 201).map((r) => r.json());
    // Each buyer's first order won its coupon; every other order of that buyer was refused whole.
    expect(ok).toHaveLength(20);
    expect(new Set(ok.map((o) => o.buyerNick)).size).toBe(20);
    for (const o of ok) expect(o.paidFen).toBe(4500);
    const perBuyer = await db()
      .selectFrom('coupon_redemptions')
      .select((eb) => ['buyer_key', eb.fn.countAll<number>().as('n')])
      .where('template_id', '=', id)
      .groupBy('buyer_key')
      .execute();
    expect(perBuyer).toHaveLength(20);
    for (const r of perBuyer) expect(Number(r.n)).toBe(1);
    // Refused orders left nothing behind: 20 units reserved, 20 coupons, each used.
    expect((await stockOf(ctx, sku))!.reserved).toBe(20);
    const coupons = await db().selectFrom('coupons').select(['status']).where('template_id', '=', id).execute();
    expect(coupons.map((c) => c.status)).toEqual(Array(20).fill('used'));
  });

  it('two orders racing for one coupon held by the buyer: exactly one redeems it', async () => {
    await template('手动发放', 'MANUAL1', 10, 1);
    const t = (await admin.get(`/api/v1/marketing/coupon-templates?shopId=${shopId}`)).json().items.find((x: any) => x.code === 'MANUAL1');
    expect((await admin.post(`/api/v1/marketing/coupon-templates/${t.id}/issue`, { buyers: ['老客_甲'] })).json().issued).toBe(1);
    const coupon = (await admin.get(`/api/v1/marketing/coupons?templateId=${t.id}`)).json().items[0];
    const sku = await makeSku(ctx, { code: 'RACE-1', priceFen: 3000, stock: 100 });
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        admin.post('/api/v1/orders', orderBody(shopId, [{ skuId: sku, qty: 1 }], { buyerNick: '老客_甲', couponIds: [coupon.id] })),
      ),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    for (const r of results) expect([201, 409], r.body).toContain(r.statusCode);
  });

  it('two after-sales cases of one coupon order refunded 25 times each at once: refunded once, the coupon back exactly once', async () => {
    const t = await admin.post('/api/v1/marketing/coupon-templates', {
      shopId,
      name: '退款退券',
      kind: 'amount',
      thresholdFen: 0,
      amountFen: 500,
      validity: { type: 'relative', days: 3 },
      totalLimit: 10,
      perCustomerLimit: 1,
      code: 'BACKRACE',
      returnOnRefund: true,
    });
    expect(t.statusCode, t.body).toBe(201);
    const id = t.json().id as string;
    const sku = await makeSku(ctx, { code: 'REFUND-RACE', priceFen: 3000, stock: 10 });
    const made = await admin.post(
      '/api/v1/orders',
      orderBody(shopId, [{ skuId: sku, qty: 2 }], { buyerNick: '退款买家', couponCode: 'BACKRACE' }),
    );
    expect(made.statusCode, made.body).toBe(201);
    const order = made.json();
    expect(order.paidFen).toBe(5500);
    expect((await admin.post(`/api/v1/orders/${order.id}/ship`, { carrier: '顺丰速运', trackingNo: 'SFRACE1' })).statusCode).toBe(200);
    const cases: string[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await admin.post('/api/v1/aftersales', {
        orderId: order.id,
        type: 'refund_only',
        lines: [{ orderLineId: order.lines[0].id, qty: 1 }],
      });
      expect(c.statusCode, c.body).toBe(201);
      cases.push(c.json().id);
    }
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => admin.post(`/api/v1/aftersales/${cases[i % 2]}/refund`, { amountFen: 2750 })),
    );
    for (const r of results) expect([200, 409], r.body).toContain(r.statusCode);
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(2); // one per case
    const after = (await admin.get(`/api/v1/orders/${order.id}`)).json();
    expect(after.refundFen).toBe(5500);
    expect(after.status).toBe('refunded');
    const coupons = await db().selectFrom('coupons').select(['status', 'order_id']).where('template_id', '=', id).execute();
    expect(coupons).toEqual([{ status: 'unused', order_id: null }]);
    const redemptions = await db().selectFrom('coupon_redemptions').select('released_at').where('template_id', '=', id).execute();
    expect(redemptions).toHaveLength(1);
    expect(redemptions[0]!.released_at).not.toBeNull();
  });
});

import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { useTestApp } from './harness.js';
import { makeOrder, makeShop, makeSku, orderBody } from './fixtures.js';

/** Orders written through the API reach the dashboards: their days are marked stale and rebuilt. */
describeEachDialect('analytics follow order changes', (dialect) => {
  const ctx = useTestApp(dialect);

  it('a manual paid order, its cancellation and a refund show on the dashboard at once', async () => {
    const admin = await ctx.admin();
    const shopId = await makeShop(ctx, admin, '鲜度测试店');
    const sku = await makeSku(ctx, { code: 'FRESH-1', priceFen: 5_000, stock: 10 });
    const card = async (metric: string) => {
      const d = (await admin.get(`/api/v1/analytics/dashboard?shopId=${shopId}`)).json();
      return d.cards.find((c: { metric: string }) => c.metric === metric).today as number;
    };
    expect(await card('paidFen')).toBe(0);

    const first = (await admin.post('/api/v1/orders', { ...orderBody(shopId, [{ skuId: sku, qty: 2 }]), shippingFen: 800 })).json();
    expect(first.paidFen).toBe(10_800);
    expect(await card('paidFen')).toBe(10_800);
    expect(await card('orders')).toBe(1);

    const second = await makeOrder(admin, shopId, [{ skuId: sku, qty: 1 }]);
    expect(second).toMatchObject({ status: 'paid', paidFen: 5_000 });
    expect(await card('orders')).toBe(2);
    expect(await card('paidFen')).toBe(15_800);
    // An unpaid order is an order of the day but no payment (rollup.service.ts: status not pending_payment).
    const unpaid = await admin.post('/api/v1/orders', orderBody(shopId, [{ skuId: sku, qty: 1 }], { paid: false }));
    expect(unpaid.json().status, unpaid.body).toBe('pending_payment');
    expect(await card('orders')).toBe(3);
    expect(await card('paidFen')).toBe(15_800);
    expect((await admin.post(`/api/v1/orders/${second.id}/cancel`, { reason: '买家不想要了' })).statusCode).toBe(200);
    // A cancelled order stays an order of its day, and what it paid stays that day's payment:
    // paid_fen counts the orders paid that day whatever happened to them later.
    expect(await card('orders')).toBe(3);
    expect(await card('paidFen')).toBe(15_800);

    const ship = await admin.post(`/api/v1/orders/${first.id}/ship`, { carrier: '顺丰速运', trackingNo: 'SF0001' });
    expect(ship.statusCode, ship.body).toBe(200);
    // Cancelling the paid second order refunded it in full, today.
    expect(await card('refundFen')).toBe(5_000);
    const detail = (await admin.get(`/api/v1/orders/${first.id}`)).json();
    const reasons = (await admin.get('/api/v1/aftersales/reasons')).json().items;
    const c = (
      await admin.post('/api/v1/aftersales', {
        orderId: first.id,
        type: 'refund_only',
        reasonId: reasons[0].id,
        lines: [{ orderLineId: detail.lines[0].id, qty: 1 }],
        note: '',
      })
    ).json();
    await admin.post(`/api/v1/aftersales/${c.id}/transition`, { to: 'processing' });
    const refund = await admin.post(`/api/v1/aftersales/${c.id}/refund`, { amountFen: 5_000 });
    expect(refund.statusCode, refund.body).toBe(200);
    // The refund shows on the day it succeeded (today), beside the cancellation's, and is not taken off what was paid.
    expect(await card('refundFen')).toBe(10_000);
    expect(await card('paidFen')).toBe(15_800);
  });
});

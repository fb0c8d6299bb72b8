import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import type { Client } from './harness.js';
import { useTestApp } from './harness.js';
import { ledgerOf, makeOrder, makeShop, makeSku, stockOf } from './fixtures.js';

describeEachDialect('after-sales', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '抖音小店');
  });

  async function shippedOrder(code: string, qty: number, priceFen = 5000) {
    const sku = await makeSku(ctx, { code, priceFen, stock: 10 });
    const o = await makeOrder(admin, shopId, [{ skuId: sku, qty }], { shippingFen: 1000 });
    expect((await admin.post(`/api/v1/orders/${o.id}/ship`, { carrier: '圆通速递', trackingNo: `YT${code}` })).statusCode).toBe(200);
    return { sku, order: (await admin.get(`/api/v1/orders/${o.id}`)).json() };
  }

  it('seeds the starter reasons on first use and lets them be edited', async () => {
    const reasons = (await admin.get('/api/v1/aftersales/reasons')).json().items;
    expect(reasons.map((r: { name: string }) => r.name)).toEqual([
      '尺码不合适',
      '质量问题',
      '发错货',
      '物流破损',
      '七天无理由',
      '未按约定时间发货',
      '其他',
    ]);
    expect(reasons.find((r: { name: string }) => r.name === '物流破损').responsibility).toBe('logistics');
    const add = await admin.post('/api/v1/aftersales/reasons', { name: '颜色与图片不符', responsibility: 'product' });
    expect(add.statusCode).toBe(201);
    expect((await admin.post('/api/v1/aftersales/reasons', { name: '质量问题', responsibility: 'product' })).statusCode).toBe(409);
    const off = await admin.patch(`/api/v1/aftersales/reasons/${add.json().id}`, { enabled: false });
    expect(off.json().enabled).toBe(false);
  });

  it('return & refund: inspect 1 good + 1 defective, refund flows to the order, ledger balances', async () => {
    const { sku, order } = await shippedOrder('RR-1', 2);
    expect(await stockOf(ctx, sku)).toEqual({ onHand: 8, reserved: 0, available: 8, defective: 0 });
    const reason = (await admin.get('/api/v1/aftersales/reasons')).json().items.find((r: { name: string }) => r.name === '质量问题');
    const created = await admin.post('/api/v1/aftersales', {
      orderId: order.id,
      type: 'return_refund',
      reasonId: reason.id,
      lines: [{ orderLineId: order.lines[0].id, qty: 2 }],
      note: '衣服开线',
    });
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json();
    expect(c).toMatchObject({ status: 'pending', responsibility: 'product', nextStatuses: ['processing', 'rejected', 'closed'] });
    expect((await admin.get(`/api/v1/orders/${order.id}`)).json().status).toBe('refunding');

    // Refund before the goods are back is refused; so is inspecting more than the case quantity.
    expect((await admin.post(`/api/v1/aftersales/${c.id}/refund`, { amountFen: 100 })).statusCode).toBe(409);
    expect((await admin.post(`/api/v1/aftersales/${c.id}/transition`, { to: 'processing' })).json().status).toBe('processing');
    expect((await admin.post(`/api/v1/aftersales/${c.id}/transition`, { to: 'awaiting_return', note: '请寄回' })).json().status).toBe(
      'awaiting_return',
    );
    const tooMany = await admin.post(`/api/v1/aftersales/${c.id}/inspect`, {
      lines: [{ orderLineId: order.lines[0].id, goodQty: 2, defectiveQty: 1 }],
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().detail).toContain('超过售后数量 2 件');

    const inspected = await admin.post(`/api/v1/aftersales/${c.id}/inspect`, {
      lines: [{ orderLineId: order.lines[0].id, goodQty: 1, defectiveQty: 1 }],
    });
    expect(inspected.statusCode, inspected.body).toBe(200);
    expect(inspected.json()).toMatchObject({ status: 'received', canRefund: true, lines: [{ goodQty: 1, defectiveQty: 1 }] });
    expect(await stockOf(ctx, sku)).toEqual({ onHand: 9, reserved: 0, available: 9, defective: 1 });
    expect(await ledgerOf(ctx, sku)).toEqual(await stockOf(ctx, sku));
    const moves = await ctx.tdb.database.db.selectFrom('stock_movements').select(['type']).where('ref_id', '=', c.id).execute();
    expect(moves.map((m) => m.type).sort()).toEqual(['defective', 'return']);

    // Over-refund is refused: the goods were ¥100.00; shipping is not part of this case.
    const over = await admin.post(`/api/v1/aftersales/${c.id}/refund`, { amountFen: 10001 });
    expect(over.statusCode).toBe(400);
    expect(over.json().detail).toContain('超过本售后单可退金额 ¥100.00');
    expect((await admin.get(`/api/v1/orders/${order.id}`)).json().refundFen).toBe(0);

    const refunded = await admin.post(`/api/v1/aftersales/${c.id}/refund`, { amountFen: 10000 });
    expect(refunded.statusCode, refunded.body).toBe(200);
    expect(refunded.json()).toMatchObject({ status: 'completed', refundFen: 10000 });
    const after = (await admin.get(`/api/v1/orders/${order.id}`)).json();
    expect(after.refundFen).toBe(10000);
    expect(after.lines[0]).toMatchObject({ refundFen: 10000, refundedQty: 2 });
    // All goods refunded: the order is fully refunded (shipping stays with the seller).
    expect(after.status).toBe('refunded');
    expect(after.events.map((e: { type: string }) => e.type)).toContain('refund');
    const audit = (await admin.get(`/api/v1/audit?entityType=order&entityId=${order.id}&action=order.refund`)).json().items;
    expect(audit[0].after).toMatchObject({ refundFen: 10000 });
  });

  it('refund only, partial: the order goes back to its status; refunds never exceed what was paid', async () => {
    const { order } = await shippedOrder('RO-1', 2, 3000);
    const c = (
      await admin.post('/api/v1/aftersales', {
        orderId: order.id,
        type: 'refund_only',
        lines: [{ orderLineId: order.lines[0].id, qty: 1 }],
      })
    ).json();
    expect((await admin.get(`/api/v1/orders/${order.id}`)).json().status).toBe('refunding');
    expect((await admin.post(`/api/v1/aftersales/${c.id}/refund`, { amountFen: 3001 })).statusCode).toBe(400);
    const ok = await admin.post(`/api/v1/aftersales/${c.id}/refund`, { amountFen: 1500 });
    expect(ok.statusCode, ok.body).toBe(200);
    const o = (await admin.get(`/api/v1/orders/${order.id}`)).json();
    expect(o).toMatchObject({ status: 'shipped', refundFen: 1500 });
    // What the case already refunded is no longer refundable.
    expect((await admin.get(`/api/v1/aftersales/${c.id}`)).json().refundableFen).toBe(1500);
    // A finished case takes no second refund.
    expect((await admin.post(`/api/v1/aftersales/${c.id}/refund`, { amountFen: 1 })).statusCode).toBe(409);
    // Not legal from a terminal status.
    const illegal = await admin.post(`/api/v1/aftersales/${c.id}/transition`, { to: 'processing' });
    expect(illegal.statusCode).toBe(409);
    expect(illegal.json().detail).toBe('售后单状态为「已完成」，不能改为「处理中」');
  });

  it('closing a refund case without refund restores the order status', async () => {
    const { order } = await shippedOrder('CL-1', 1);
    const c = (
      await admin.post('/api/v1/aftersales', {
        orderId: order.id,
        type: 'refund_only',
        lines: [{ orderLineId: order.lines[0].id, qty: 1 }],
      })
    ).json();
    expect((await admin.post(`/api/v1/aftersales/${c.id}/transition`, { to: 'closed', note: '买家撤销' })).json().status).toBe('closed');
    expect((await admin.get(`/api/v1/orders/${order.id}`)).json().status).toBe('shipped');
  });

  it('refuses 拒绝 without a reason the buyer will read, and rejects with one', async () => {
    const { order } = await shippedOrder('RJ-1', 1);
    const c = (
      await admin.post('/api/v1/aftersales', {
        orderId: order.id,
        type: 'refund_only',
        lines: [{ orderLineId: order.lines[0].id, qty: 1 }],
      })
    ).json();
    const bare = await admin.post(`/api/v1/aftersales/${c.id}/transition`, { to: 'rejected', note: '  ' });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().detail).toContain('拒绝理由');
    expect((await admin.get(`/api/v1/aftersales/${c.id}`)).json().status).toBe('pending');
    const ok = await admin.post(`/api/v1/aftersales/${c.id}/transition`, { to: 'rejected', note: '商品已签收超过 7 天' });
    expect(ok.json().status).toBe('rejected');
    expect((await admin.get(`/api/v1/orders/${order.id}`)).json().status).toBe('shipped');
  });

  it('lists cases past their SLA in the overdue queue and raises an alert once', async () => {
    const { order } = await shippedOrder('OD-1', 1);
    const c = (
      await admin.post('/api/v1/aftersales', { orderId: order.id, type: 'complaint', lines: [{ orderLineId: order.lines[0].id, qty: 1 }] })
    ).json();
    expect(c.overdue).toBe(false);
    const fresh = (await admin.get('/api/v1/aftersales?overdue=1')).json();
    expect(fresh.items.map((x: { id: string }) => x.id)).not.toContain(c.id);
    await ctx.tdb.database.db
      .updateTable('aftersales')
      .set({ sla_due_at: Date.now() - 3 * 3600_000 })
      .where('id', '=', c.id)
      .execute();
    const late = (await admin.get('/api/v1/aftersales?overdue=1')).json();
    expect(late.items.map((x: { id: string }) => x.id)).toContain(c.id);
    expect(late.items.find((x: { id: string }) => x.id === c.id).overdue).toBe(true);
    await admin.get('/api/v1/aftersales?overdue=1');
    const alerts = await ctx.tdb.database.db
      .selectFrom('notifications')
      .selectAll()
      .where('dedupe_key', '=', `aftersale_overdue:${c.id}`)
      .execute();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: 'aftersale_overdue', resolved_at: null });
    // Handling it restarts the clock and resolves the alert.
    await admin.post(`/api/v1/aftersales/${c.id}/transition`, { to: 'processing' });
    expect((await admin.get('/api/v1/aftersales?overdue=1')).json().items.map((x: { id: string }) => x.id)).not.toContain(c.id);
    const resolved = await ctx.tdb.database.db
      .selectFrom('notifications')
      .select('resolved_at')
      .where('dedupe_key', '=', `aftersale_overdue:${c.id}`)
      .executeTakeFirstOrThrow();
    expect(resolved.resolved_at).not.toBeNull();
  });

  it('needs orders.refund to refund and aftersales.write to open a case', async () => {
    const { order } = await shippedOrder('PRM-1', 1);
    const op = (await ctx.userWithRoles('op_as', ['operator'])).client;
    expect(
      (await op.post('/api/v1/aftersales', { orderId: order.id, type: 'refund_only', lines: [{ orderLineId: order.lines[0].id, qty: 1 }] }))
        .statusCode,
    ).toBe(403);
    const c = (
      await admin.post('/api/v1/aftersales', {
        orderId: order.id,
        type: 'refund_only',
        lines: [{ orderLineId: order.lines[0].id, qty: 1 }],
      })
    ).json();
    const wh = (await ctx.userWithRoles('wh_as', ['warehouse'])).client;
    expect((await wh.post(`/api/v1/aftersales/${c.id}/refund`, { amountFen: 100 })).statusCode).toBe(403);
  });

  it('proposes 申请金额 from the chosen lines and refuses more than they paid', async () => {
    const sku = await makeSku(ctx, { code: 'REQ-1', priceFen: 3333, stock: 10 });
    const o = await makeOrder(admin, shopId, [{ skuId: sku, qty: 3 }], { discountFen: 1000, shippingFen: 800 });
    const line = o.lines[0];
    // Paid for the goods 9,999 − 1,000 = 8,999; two of three units: round(8,999 × 2 / 3) = 5,999.
    const proposed = await admin.post('/api/v1/aftersales', {
      orderId: o.id,
      type: 'refund_only',
      lines: [{ orderLineId: line.id, qty: 2 }],
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    expect(proposed.json()).toMatchObject({ requestedFen: 5_999, refundableFen: 5_999 });
    expect(proposed.json().events[0].note).toContain('申请 ¥59.99');
    await admin.post(`/api/v1/aftersales/${proposed.json().id}/transition`, { to: 'closed', note: '买家撤销' });

    const tooMuch = await admin.post('/api/v1/aftersales', {
      orderId: o.id,
      type: 'refund_only',
      lines: [{ orderLineId: line.id, qty: 1 }],
      requestedFen: 3_001,
    });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().detail).toContain('超过所选商品可退金额 ¥30.00');
    const asked = await admin.post('/api/v1/aftersales', {
      orderId: o.id,
      type: 'refund_only',
      lines: [{ orderLineId: line.id, qty: 1 }],
      requestedFen: 2_000,
    });
    expect(asked.json()).toMatchObject({ requestedFen: 2_000 });
    const listed = (await admin.get(`/api/v1/aftersales?orderId=${o.id}`)).json().items;
    expect(listed.map((c: { requestedFen: number }) => c.requestedFen).sort()).toEqual([2_000, 5_999]);
    // A complaint asks for no money.
    const complaint = await admin.post('/api/v1/aftersales', {
      orderId: o.id,
      type: 'complaint',
      lines: [{ orderLineId: line.id, qty: 1 }],
      requestedFen: 100,
    });
    expect(complaint.statusCode).toBe(400);
    expect(complaint.json().detail).toContain('不涉及退款');
  });

  it('补发 creates one zero-price replacement order that reserves stock and is not a sale', async () => {
    const { sku, order } = await shippedOrder('RESEND-1', 2, 4000);
    const card = async (metric: string) =>
      (await admin.get(`/api/v1/analytics/dashboard?shopId=${shopId}`)).json().cards.find((c: { metric: string }) => c.metric === metric)
        .today as number;
    const ordersBefore = await card('orders');
    const paidBefore = await card('paidFen');
    const c = (
      await admin.post('/api/v1/aftersales', { orderId: order.id, type: 'resend', lines: [{ orderLineId: order.lines[0].id, qty: 1 }] })
    ).json();
    expect(c).toMatchObject({ requestedFen: 0, canReship: true, replacementOrderId: null });
    // 完成 comes only with the replacement order.
    expect((await admin.post(`/api/v1/aftersales/${c.id}/transition`, { to: 'processing' })).statusCode).toBe(200);
    expect((await admin.post(`/api/v1/aftersales/${c.id}/transition`, { to: 'completed' })).statusCode).toBe(409);
    const tooMany = await admin.post(`/api/v1/aftersales/${c.id}/reship`, { lines: [{ orderLineId: order.lines[0].id, qty: 2 }] });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().detail).toContain('最多补发 1 件');

    const done = await admin.post(`/api/v1/aftersales/${c.id}/reship`, { note: '外包装破损' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'completed', canReship: false });
    const replacement = (await admin.get(`/api/v1/orders/${done.json().replacementOrderId}`)).json();
    expect(replacement).toMatchObject({ status: 'paid', paidFen: 0, goodsFen: 0, source: 'replacement', buyerNick: order.buyerNick });
    expect(replacement.orderNo).toMatch(/^B\d{14}$/);
    expect(replacement.lines).toMatchObject([{ skuId: sku, qty: 1, paidFen: 0, unitPriceFen: 0 }]);
    expect(replacement.sellerMemo).toContain(order.orderNo);
    expect(
      (await admin.get(`/api/v1/orders/${order.id}`))
        .json()
        .events.map((e: { note: string }) => e.note)
        .join('\n'),
    ).toContain(replacement.orderNo);
    // Stock: 10 − 2 shipped − 1 reserved for the replacement; the ledger agrees.
    expect(await stockOf(ctx, sku)).toEqual({ onHand: 8, reserved: 1, available: 7, defective: 0 });
    expect(await ledgerOf(ctx, sku)).toEqual(await stockOf(ctx, sku));
    // Not a sale: today's orders and payments are unchanged.
    expect(await card('orders')).toBe(ordersBefore);
    expect(await card('paidFen')).toBe(paidBefore);
    // Once per case.
    expect((await admin.post(`/api/v1/aftersales/${c.id}/reship`, {})).statusCode).toBe(409);
    const ship = await admin.post(`/api/v1/orders/${replacement.id}/ship`, { carrier: '顺丰速运', trackingNo: 'SF-RESEND-1' });
    expect(ship.statusCode, ship.body).toBe(200);
    expect(await stockOf(ctx, sku)).toEqual({ onHand: 7, reserved: 0, available: 7, defective: 0 });
  });
});

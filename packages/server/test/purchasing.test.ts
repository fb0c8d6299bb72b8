import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { makeSku as makeSkuFixture } from './fixtures.js';
import { useTestApp, type Client, type TestContext } from './harness.js';

/** A SKU at ¥99 with the given cost and no stock, through the shared catalogue fixture. */
function makeSku(ctx: TestContext, code: string, costFen: number): Promise<string> {
  return makeSkuFixture(ctx, { code, priceFen: 9900, stock: 0, costFen, title: `商品 ${code}` });
}

async function costOf(ctx: TestContext, skuId: string): Promise<number> {
  const r = await ctx.tdb.database.db.selectFrom('skus').select('cost_fen').where('id', '=', skuId).executeTakeFirstOrThrow();
  return Number(r.cost_fen);
}

describeEachDialect('purchasing', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let wh: string;
  let skuA: string;
  let skuB: string;
  let skuC: string;
  let supplierId: string;

  beforeAll(async () => {
    admin = await ctx.admin();
    wh = (await admin.get('/api/v1/warehouses')).json().items[0].id;
    skuA = await makeSku(ctx, 'PA-1', 4000);
    skuB = await makeSku(ctx, 'PB-1', 1000);
    skuC = await makeSku(ctx, 'PC-1', 9999);
    await admin.post('/api/v1/stock/adjust', { skuId: skuA, warehouseId: wh, qty: 10, reason: '期初' });
    await admin.post('/api/v1/stock/adjust', { skuId: skuB, warehouseId: wh, qty: 3, reason: '期初' });
  });

  it('manages suppliers with unique names', async () => {
    const r = await admin.post('/api/v1/suppliers', { name: '义乌宏达服饰', contact: '王经理', phone: '13800000000' });
    expect(r.statusCode).toBe(201);
    supplierId = r.json().id;
    const dup = await admin.post('/api/v1/suppliers', { name: '义乌宏达服饰' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().errors[0].path).toBe('name');
    const upd = await admin.patch(`/api/v1/suppliers/${supplierId}`, { contact: '李经理' });
    expect(upd.json().contact).toBe('李经理');
    expect((await admin.get('/api/v1/suppliers?q=宏达')).json().total).toBe(1);
  });

  it('receives partially then fully: status, stock and moving-average cost in whole fen', async () => {
    const created = await admin.post('/api/v1/purchase-orders', {
      supplierId,
      warehouseId: wh,
      lines: [
        { skuId: skuA, qty: 8, unitCostFen: 4600 },
        { skuId: skuB, qty: 4, unitCostFen: 1100 },
      ],
    });
    expect(created.statusCode).toBe(201);
    const po = created.json();
    expect(po).toMatchObject({ status: 'draft', totalQty: 12, totalFen: 8 * 4600 + 4 * 1100 });
    expect(po.code).toMatch(/^PO\d{8}-001$/);
    // edit the draft: A becomes 10 units
    const edited = await admin.patch(`/api/v1/purchase-orders/${po.id}`, {
      lines: [
        { skuId: skuA, qty: 10, unitCostFen: 4600 },
        { skuId: skuB, qty: 4, unitCostFen: 1100 },
        { skuId: skuC, qty: 2, unitCostFen: 500 },
      ],
    });
    expect(edited.statusCode).toBe(200);
    const lines = edited.json().lines as { id: string; skuCode: string }[];
    const line = (code: string) => lines.find((l) => l.skuCode === code)!.id;

    const early = await admin.post(`/api/v1/purchase-orders/${po.id}/receive`, { lines: [{ lineId: line('PA-1'), qty: 1 }] });
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toContain('请先确认下单');

    expect((await admin.post(`/api/v1/purchase-orders/${po.id}/order`)).json().status).toBe('ordered');
    expect((await admin.patch(`/api/v1/purchase-orders/${po.id}`, { note: 'x' })).statusCode).toBe(409);

    // 10 on hand at 40.00 + 5 at 46.00 → 42.00; 3 at 10.00 + 4 at 11.00 → 10.571… → 10.57
    const first = await admin.post(`/api/v1/purchase-orders/${po.id}/receive`, {
      lines: [
        { lineId: line('PA-1'), qty: 5 },
        { lineId: line('PB-1'), qty: 4 },
      ],
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().status).toBe('partial');
    expect(await costOf(ctx, skuA)).toBe(4200);
    expect(await costOf(ctx, skuB)).toBe(1057);
    const stock = (await admin.get(`/api/v1/stock?skuId=${skuA}`)).json().items[0];
    expect(stock).toMatchObject({ onHand: 15, available: 15 });

    // over-receive: A has 5 left
    const before = (await admin.get(`/api/v1/stock/movements?refType=purchase_order&refId=${po.id}`)).json().total;
    const over = await admin.post(`/api/v1/purchase-orders/${po.id}/receive`, {
      lines: [
        { lineId: line('PC-1'), qty: 1 },
        { lineId: line('PA-1'), qty: 6 },
      ],
    });
    expect(over.statusCode).toBe(400);
    expect(over.json().detail).toContain('PA-1');
    expect(over.json().detail).toContain('未收数量 5 件');
    expect(over.json().errors).toEqual([{ path: 'lines.1.qty', message: '最多还能收 5 件' }]);
    expect((await admin.get(`/api/v1/stock/movements?refType=purchase_order&refId=${po.id}`)).json().total).toBe(before);
    expect(await costOf(ctx, skuC)).toBe(9999);

    // the rest: 15 at 42.00 + 5 at 46.00 → 43.00; C had nothing on hand → takes 5.00
    const warehouseUser = await ctx.userWithRoles('cangku', ['warehouse']);
    const rest = await warehouseUser.client.post(`/api/v1/purchase-orders/${po.id}/receive`, {
      lines: [
        { lineId: line('PA-1'), qty: 5 },
        { lineId: line('PC-1'), qty: 2 },
      ],
    });
    expect(rest.statusCode).toBe(200);
    expect(rest.json()).toMatchObject({ status: 'received', receivedQty: 16, totalQty: 16 });
    expect(await costOf(ctx, skuA)).toBe(4300);
    expect(await costOf(ctx, skuC)).toBe(500);
    expect((await admin.get(`/api/v1/stock?skuId=${skuA}`)).json().items[0].onHand).toBe(20);

    const mv = (await admin.get(`/api/v1/stock/movements?refType=purchase_order&refId=${po.id}`)).json();
    expect(mv.total).toBe(4);
    expect(mv.items.every((m: { type: string }) => m.type === 'inbound')).toBe(true);
    const costAudit = (await admin.get(`/api/v1/audit?action=sku.cost&entityId=${skuA}`)).json().items;
    expect(costAudit.map((a: { before: { costFen: number }; after: { costFen: number } }) => [a.before.costFen, a.after.costFen])).toEqual([
      [4200, 4300],
      [4000, 4200],
    ]);
    const statusAudit = (await admin.get(`/api/v1/audit?entityType=purchase_order&entityId=${po.id}`))
      .json()
      .items.map((a: { action: string }) => a.action);
    expect(statusAudit).toEqual([
      'purchase_order.receive',
      'purchase_order.receive',
      'purchase_order.status',
      'purchase_order.update',
      'purchase_order.create',
    ]);
    expect((await admin.post(`/api/v1/purchase-orders/${po.id}/receive`, { lines: [{ lineId: line('PA-1'), qty: 1 }] })).statusCode).toBe(
      409,
    );
    expect((await admin.post(`/api/v1/purchase-orders/${po.id}/cancel`)).statusCode).toBe(409);
    expect((await admin.get('/api/v1/stock/ledger-check')).json().mismatches).toBe(0);
  });

  it('lets the warehouse role receive and refuses customer service', async () => {
    const po = (
      await admin.post('/api/v1/purchase-orders', { supplierId, warehouseId: wh, lines: [{ skuId: skuA, qty: 3, unitCostFen: 4300 }] })
    ).json();
    expect(po.code).toMatch(/-002$/);
    await admin.post(`/api/v1/purchase-orders/${po.id}/order`);
    const { client: service } = await ctx.userWithRoles('kefu', ['service']);
    const denied = await service.post(`/api/v1/purchase-orders/${po.id}/receive`, { lines: [{ lineId: po.lines[0].id, qty: 1 }] });
    expect(denied.statusCode).toBe(403);
    expect((await service.get('/api/v1/purchase-orders')).statusCode).toBe(403);
    const { client: wh2 } = await ctx.userWithRoles('cangku2', ['warehouse']);
    const ok = await wh2.post(`/api/v1/purchase-orders/${po.id}/receive`, { lines: [{ lineId: po.lines[0].id, qty: 1 }] });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().status).toBe('partial');
    expect((await admin.post(`/api/v1/purchase-orders/${po.id}/cancel`)).json().detail).toContain('已收货 1 件');
  });

  it('cancels an order that has received nothing and refuses deleting a supplier in use', async () => {
    const po = (
      await admin.post('/api/v1/purchase-orders', { supplierId, warehouseId: wh, lines: [{ skuId: skuB, qty: 1, unitCostFen: 100 }] })
    ).json();
    const c = await admin.post(`/api/v1/purchase-orders/${po.id}/cancel`);
    expect(c.json().status).toBe('cancelled');
    expect((await admin.post(`/api/v1/purchase-orders/${po.id}/order`)).statusCode).toBe(409);
    expect((await admin.delete(`/api/v1/suppliers/${supplierId}`)).statusCode).toBe(409);
    const bad = await admin.post('/api/v1/purchase-orders', {
      supplierId,
      warehouseId: wh,
      lines: [{ skuId: 'sku_missing', qty: 1, unitCostFen: 1 }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('lines.0.skuId');
    const list = (await admin.get('/api/v1/purchase-orders?status=cancelled')).json();
    expect(list.items.map((p: { id: string }) => p.id)).toEqual([po.id]);
  });
});

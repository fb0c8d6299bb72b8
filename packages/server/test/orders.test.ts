import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, expect, it } from 'vitest';
import { systemActor } from '../src/http/actor.js';
import { exportOrdersFile } from '../src/modules/orders/index.js';
import { describeEachDialect } from './dialects.js';
import type { Client } from './harness.js';
import { useTestApp } from './harness.js';
import { ledgerOf, makeOrder, makeShop, makeSku, orderBody, stockOf } from './fixtures.js';

describeEachDialect('orders', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin);
  });

  it('sells exactly the stock under 200 concurrent order creations, never below zero', async () => {
    const sku = await makeSku(ctx, { code: 'FLASH-1', priceFen: 9900, stock: 50 });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => admin.post('/api/v1/orders', orderBody(shopId, [{ skuId: sku, qty: 1 }]))),
    );
    const created = results.filter((r) => r.statusCode === 201);
    const refused = results.filter((r) => r.statusCode === 409);
    expect(created).toHaveLength(50);
    expect(refused).toHaveLength(150);
    expect(refused.every((r) => String(r.json().detail).startsWith('库存不足'))).toBe(true);
    expect(new Set(created.map((r) => r.json().orderNo)).size).toBe(50);
    expect(await stockOf(ctx, sku)).toEqual({ onHand: 50, reserved: 50, available: 0, defective: 0 });
    expect(await ledgerOf(ctx, sku)).toEqual(await stockOf(ctx, sku));
    const orders = await ctx.tdb.database.db
      .selectFrom('order_lines')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sku_id', '=', sku)
      .executeTakeFirstOrThrow();
    expect(Number(orders.n)).toBe(50);
  });

  it('creates a manual order at catalogue prices, allocates the discount and reserves stock; cancel releases it', async () => {
    const a = await makeSku(ctx, { code: 'A-1', priceFen: 10000, stock: 10, title: '纯棉T恤' });
    const b = await makeSku(ctx, { code: 'B-1', priceFen: 3333, stock: 10 });
    const res = await admin.post(
      '/api/v1/orders',
      orderBody(
        shopId,
        [
          { skuId: a, qty: 2 },
          { skuId: b, qty: 1 },
        ],
        { discountFen: 1001, shippingFen: 800, buyerNote: '请尽快发货' },
      ),
    );
    expect(res.statusCode, res.body).toBe(201);
    const o = res.json();
    expect(o.orderNo).toMatch(/^M\d{8}\d{6}$/);
    expect(o).toMatchObject({
      status: 'paid',
      stockMode: 'reserved',
      goodsFen: 23333,
      discountFen: 1001,
      shippingFen: 800,
      paidFen: 23132,
    });
    expect(o.lines.map((l: { discountFen: number }) => l.discountFen).reduce((s: number, x: number) => s + x, 0)).toBe(1001);
    expect(o.lines[0]).toMatchObject({ title: '纯棉T恤', merchantCode: 'A-1', qty: 2, unitPriceFen: 10000, specText: '颜色:黑' });
    expect(o.lines.reduce((s: number, l: { paidFen: number }) => s + l.paidFen, 0) + 800).toBe(o.paidFen);
    expect(await stockOf(ctx, a)).toMatchObject({ available: 8, reserved: 2, onHand: 10 });
    expect(o.events[0]).toMatchObject({ type: 'status', toStatus: 'paid' });

    const cancel = await admin.post(`/api/v1/orders/${o.id}/cancel`, { reason: '买家不要了' });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json()).toMatchObject({ status: 'cancelled', stockMode: 'released' });
    expect(await stockOf(ctx, a)).toMatchObject({ available: 10, reserved: 0, onHand: 10 });
    expect(await stockOf(ctx, b)).toMatchObject({ available: 10, reserved: 0 });
    expect(await ledgerOf(ctx, a)).toEqual(await stockOf(ctx, a));
    const audit = (await admin.get(`/api/v1/audit?entityType=order&entityId=${o.id}`))
      .json()
      .items.map((x: { action: string }) => x.action);
    expect(audit).toEqual(expect.arrayContaining(['order.create', 'order.cancel']));

    // A short line leaves nothing behind.
    const before = await stockOf(ctx, a);
    const short = await admin.post(
      '/api/v1/orders',
      orderBody(shopId, [
        { skuId: a, qty: 1 },
        { skuId: b, qty: 99 },
      ]),
    );
    expect(short.statusCode).toBe(409);
    expect(short.json().detail).toContain('库存不足：B-1');
    expect(await stockOf(ctx, a)).toEqual(before);
  });

  it('an order that takes a SKU below its low-stock threshold raises the alert, in the same transaction as the reservation', async () => {
    const low = await makeSku(ctx, { code: 'LOW-1', priceFen: 3000, stock: 5 });
    const other = await makeSku(ctx, { code: 'LOW-2', priceFen: 3000, stock: 5 });
    expect((await admin.patch(`/api/v1/stock/skus/${low}/thresholds`, { lowStock: 3, overStock: null })).statusCode).toBe(200);
    const alerts = async () =>
      (await admin.get('/api/v1/notifications'))
        .json()
        .items.filter(
          (n: { type: string; entityId: string; resolved: boolean }) => n.type === 'low_stock' && n.entityId === low && !n.resolved,
        );
    await makeOrder(admin, shopId, [{ skuId: low, qty: 1 }]);
    expect(await alerts()).toHaveLength(0);
    // A refused order (its other line short) raises nothing: the alert is rolled back with it.
    const short = await admin.post(
      '/api/v1/orders',
      orderBody(shopId, [
        { skuId: low, qty: 2 },
        { skuId: other, qty: 6 },
      ]),
    );
    expect(short.statusCode).toBe(409);
    expect(short.json().detail).toContain('库存不足：LOW-2');
    expect(await alerts()).toHaveLength(0);
    await makeOrder(admin, shopId, [
      { skuId: low, qty: 2 },
      { skuId: other, qty: 1 },
    ]);
    expect(await alerts()).toMatchObject([{ title: '库存不足：LOW-1' }]);
    expect(await stockOf(ctx, low)).toEqual({ onHand: 5, reserved: 3, available: 2, defective: 0 });
    expect(await ledgerOf(ctx, low)).toEqual(await stockOf(ctx, low));
  });

  it('ships reserved stock out; an illegal transition is refused with a clear message', async () => {
    const s = await makeSku(ctx, { code: 'S-1', priceFen: 5000, stock: 5 });
    const o = await makeOrder(admin, shopId, [{ skuId: s, qty: 3 }]);
    const bad = await admin.post(`/api/v1/orders/${o.id}/ship`, { carrier: '', trackingNo: 'SF1' });
    expect(bad.statusCode).toBe(400);
    const ship = await admin.post(`/api/v1/orders/${o.id}/ship`, { carrier: '顺丰速运', trackingNo: 'SF1234567890' });
    expect(ship.statusCode, ship.body).toBe(200);
    expect(ship.json()).toMatchObject({ status: 'shipped', stockMode: 'shipped', carrier: '顺丰速运', trackingNo: 'SF1234567890' });
    expect(await stockOf(ctx, s)).toEqual({ onHand: 2, reserved: 0, available: 2, defective: 0 });
    expect(await ledgerOf(ctx, s)).toEqual(await stockOf(ctx, s));
    const moves = await ctx.tdb.database.db
      .selectFrom('stock_movements')
      .select(['type', 'd_on_hand'])
      .where('ref_id', '=', o.id)
      .execute();
    expect(moves.map((m) => m.type).sort()).toEqual(['reserve', 'ship']);

    const cancel = await admin.post(`/api/v1/orders/${o.id}/cancel`, {});
    expect(cancel.statusCode).toBe(409);
    expect(cancel.json().detail).toBe('订单状态为「已发货」，不能取消');
    const again = await admin.post(`/api/v1/orders/${o.id}/ship`, { carrier: '顺丰速运', trackingNo: 'SF999' });
    expect(again.statusCode).toBe(409);
    expect((await admin.post(`/api/v1/orders/${o.id}/deliver`)).json().status).toBe('delivered');
    expect((await admin.post(`/api/v1/orders/${o.id}/complete`)).json().status).toBe('completed');
    const timeline = (await admin.get(`/api/v1/orders/${o.id}`)).json().events.map((e: { toStatus: string }) => e.toStatus);
    expect(timeline).toEqual(['paid', 'shipped', 'delivered', 'completed']);
  });

  it('skips an order number already taken (an old one) and leaves a gap after a refused order', async () => {
    const sku = await makeSku(ctx, { code: 'NO-SKIP', priceFen: 500, stock: 5 });
    const a = (await admin.post('/api/v1/orders', orderBody(shopId, [{ skuId: sku, qty: 1 }]))).json();
    const seqOf = (no: string) => Number(no.slice(9));
    // Put the day's counter one back, as if a.orderNo had been given out before the counter: the
    // next creation must skip it.
    await ctx.tdb.database.db
      .updateTable('order_no_counters')
      .set((eb) => ({ seq: eb('seq', '-', 1) }))
      .where('day', '=', `${a.orderNo.slice(1, 5)}-${a.orderNo.slice(5, 7)}-${a.orderNo.slice(7, 9)}`)
      .execute();
    const b = (await admin.post('/api/v1/orders', orderBody(shopId, [{ skuId: sku, qty: 1 }]))).json();
    expect(b.orderNo).not.toBe(a.orderNo);
    expect(seqOf(b.orderNo)).toBe(seqOf(a.orderNo) + 1);
    // A refused order (short of stock) may use up a number; numbers stay unique and increasing.
    expect((await admin.post('/api/v1/orders', orderBody(shopId, [{ skuId: sku, qty: 99 }]))).statusCode).toBe(409);
    const c = (await admin.post('/api/v1/orders', orderBody(shopId, [{ skuId: sku, qty: 1 }]))).json();
    expect(seqOf(c.orderNo)).toBeGreaterThan(seqOf(b.orderNo));
  });

  it('returns the same order for a repeated Idempotency-Key and creates no second one', async () => {
    const s = await makeSku(ctx, { code: 'IDEM-1', priceFen: 1000, stock: 10 });
    const body = orderBody(shopId, [{ skuId: s, qty: 1 }]);
    const first = await admin.request('POST', '/api/v1/orders', body, { 'idempotency-key': 'abc-123' });
    const second = await admin.request('POST', '/api/v1/orders', body, { 'idempotency-key': 'abc-123' });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().id).toBe(first.json().id);
    expect(await stockOf(ctx, s)).toMatchObject({ reserved: 1, available: 9 });
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => admin.request('POST', '/api/v1/orders', body, { 'idempotency-key': 'xyz-9' })),
    );
    expect(concurrent.every((r) => r.statusCode === 201)).toBe(true);
    expect(new Set(concurrent.map((r) => r.json().id)).size).toBe(1);
    expect(await stockOf(ctx, s)).toMatchObject({ reserved: 2, available: 8 });
  });

  it('masks the receiver for a role without customers.pii.read and refuses phone search', async () => {
    const s = await makeSku(ctx, { code: 'PII-1', priceFen: 1000, stock: 10 });
    const o = await makeOrder(admin, shopId, [{ skuId: s, qty: 1 }], { receiverPhone: '13912345678' });
    expect(o.receiverPhone).toBe('13912345678');
    const op = (await ctx.userWithRoles('op1', ['operator'])).client;
    const seen = (await op.get(`/api/v1/orders/${o.id}`)).json();
    expect(seen).toMatchObject({ receiverPhone: '139****5678', receiverName: '李**', masked: true });
    expect(seen.receiverAddress).not.toContain('100 号');
    const listed = (await op.get(`/api/v1/orders?orderNo=${o.orderNo}`)).json();
    expect(listed.items[0].receiverPhone).toBe('139****5678');
    expect((await op.get('/api/v1/orders?receiverPhone=5678')).statusCode).toBe(403);
    const wh = (await ctx.userWithRoles('wh1', ['warehouse'])).client;
    expect((await wh.get(`/api/v1/orders/${o.id}`)).json().receiverPhone).toBe('13912345678');
    const found = (await wh.get('/api/v1/orders?receiverPhone=12345678')).json();
    expect(found.items.map((x: { id: string }) => x.id)).toContain(o.id);
    // The operator cannot ship (orders.ship).
    expect((await op.post(`/api/v1/orders/${o.id}/ship`, { carrier: '中通快递', trackingNo: 'ZT1' })).statusCode).toBe(403);
  });

  it('filters, counts statuses, flags, memo, notes and saved views', async () => {
    const s = await makeSku(ctx, { code: 'FLT-9', priceFen: 20000, stock: 10 });
    const o = await makeOrder(admin, shopId, [{ skuId: s, qty: 1 }], { buyerNick: 'jd_特别的买家' });
    const list = (await admin.get('/api/v1/orders?skuCode=FLT-9&minPaid=199.99&maxPaid=200')).json();
    expect(list.items.map((x: { id: string }) => x.id)).toEqual([o.id]);
    expect(list.counts.paid).toBe(1);
    expect((await admin.get('/api/v1/orders?buyerNick=特别')).json().total).toBe(1);
    expect((await admin.get('/api/v1/orders?minPaid=abc')).statusCode).toBe(400);
    expect((await admin.get('/api/v1/orders?status=shipped&skuCode=FLT-9')).json().total).toBe(0);

    const flag = await admin.post(`/api/v1/orders/${o.id}/flags`, { urgent: true, note: '买家催了三次' });
    expect(flag.json().urgent).toBe(true);
    const queue = (await admin.get('/api/v1/orders?flag=exception')).json();
    expect(queue.items.map((x: { id: string }) => x.id)).toContain(o.id);
    const memo = await admin.patch(`/api/v1/orders/${o.id}/memo`, { sellerMemo: '送小样' });
    expect(memo.json().sellerMemo).toBe('送小样');
    const note = await admin.post(`/api/v1/orders/${o.id}/notes`, { note: '已电话联系' });
    expect(note.json().events.map((e: { type: string }) => e.type)).toEqual(['status', 'flag', 'memo', 'note']);
    const audit = (await admin.get(`/api/v1/audit?action=order.memo&entityId=${o.id}`)).json().items[0];
    expect(audit).toMatchObject({ before: { sellerMemo: '' }, after: { sellerMemo: '送小样' } });

    const v = await admin.post('/api/v1/orders/views', { name: '待发货大单', query: 'status=paid&minPaid=100' });
    expect(v.statusCode).toBe(201);
    expect((await admin.post('/api/v1/orders/views', { name: '待发货大单', query: 'x=1' })).statusCode).toBe(409);
    expect((await admin.get('/api/v1/orders/views')).json().items).toEqual([
      expect.objectContaining({ name: '待发货大单', query: 'status=paid&minPaid=100' }),
    ]);
    expect((await admin.patch(`/api/v1/orders/views/${v.json().id}`, { name: '大单' })).json().name).toBe('大单');
    expect((await admin.delete(`/api/v1/orders/views/${v.json().id}`)).statusCode).toBe(204);
    expect((await admin.get('/api/v1/orders/views')).json().items).toEqual([]);
  });

  it('batch ships from a CSV and reports per-row errors', async () => {
    const s = await makeSku(ctx, { code: 'BATCH-1', priceFen: 1000, stock: 10 });
    const o1 = await makeOrder(admin, shopId, [{ skuId: s, qty: 1 }]);
    const o2 = await makeOrder(admin, shopId, [{ skuId: s, qty: 1 }]);
    const csv = `\uFEFF订单编号,物流公司,物流单号\r\n${o1.orderNo},中通快递,ZT100\r\nNOPE,中通快递,ZT101\r\n${o2.orderNo},,ZT102\r\n`;
    const boundary = '----yy';
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ship.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`;
    const res = await admin.request('POST', '/api/v1/orders/batch-ship', payload, {
      'content-type': `multipart/form-data; boundary=${boundary}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ total: 3, shipped: 1, failed: 2 });
    expect(res.json().errors.map((e: { row: number }) => e.row)).toEqual([3, 4]);
    expect((await admin.get(`/api/v1/orders/${o1.id}`)).json()).toMatchObject({ status: 'shipped', trackingNo: 'ZT100' });
    expect((await admin.get(`/api/v1/orders/${o2.id}`)).json().status).toBe('paid');
  });

  it('exports one row per order line to CSV (BOM, escaped formulas) and XLSX', async () => {
    const s = await makeSku(ctx, { code: 'EXP-1', priceFen: 1234, stock: 10, title: '=HYPERLINK("x")' });
    await admin.post('/api/v1/orders', orderBody(shopId, [{ skuId: s, qty: 2 }], { sellerMemo: '+86 备注' }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-exp-'));
    const actor = systemActor(ctx.orgId, 'cli');
    const csvFile = path.join(dir, 'o.csv');
    const { rows } = await exportOrdersFile(ctx.tdb.database.db, actor, csvFile, { shopId });
    expect(rows).toBeGreaterThan(50);
    const text = fs.readFileSync(csvFile, 'utf8');
    expect(text.startsWith('\uFEFF订单编号,店铺')).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(text).toContain("'+86 备注");
    const xlsx = path.join(dir, 'o.xlsx');
    expect((await exportOrdersFile(ctx.tdb.database.db, actor, xlsx, { shopId })).rows).toBe(rows);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.worksheets[0]!.getRow(1).getCell(1).value).toBe('订单编号');
    expect(wb.worksheets[0]!.rowCount).toBe(rows + 1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

/**
 * Batch actions on selected orders (issue 9 item 5): the ship template → preview → ship round
 * trip with per-row Chinese errors, flags / memos / 催单 by customer service, the export of the
 * selection with money as numbers, and the list's thumbnail — on every dialect.
 */
import ExcelJS from 'exceljs';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import type { Client } from './harness.js';
import { useTestApp } from './harness.js';
import { addStock, makeOrder, makeProduct, makeShop, makeSku, multipart, stockOf } from './fixtures.js';

const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

async function readXlsx(buf: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb.worksheets[0]!;
}

function rowsOf(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  ws.eachRow((r) => out.push((r.values as unknown[]).slice(1)));
  return out;
}

describeEachDialect('order batch actions', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  let otherShop: string;
  let sku: string;

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin);
    otherShop = await makeShop(ctx, admin, '乙店');
    sku = await makeSku(ctx, { code: 'BAT-1', priceFen: 12345, stock: 100, title: '批量测试T恤' });
  });

  const upload = (client: Client, url: string, name: string, data: Buffer) => {
    const mp = multipart({}, { file: { name, data } });
    return client.request('POST', url, mp.body, { 'content-type': mp.type });
  };

  it('ships from the downloaded template: only awaiting-shipment orders listed, preview judges each row, ship moves stock', async () => {
    const a = await makeOrder(admin, shopId, [{ skuId: sku, qty: 2 }]);
    const b = await makeOrder(admin, shopId, [{ skuId: sku, qty: 1 }]);
    const c = await makeOrder(admin, shopId, [{ skuId: sku, qty: 1 }]);
    const unpaid = await makeOrder(admin, shopId, [{ skuId: sku, qty: 1 }], { paid: false });
    const before = (await stockOf(ctx, sku))!;

    const onlyUnpaid = await admin.get(`/api/v1/orders/ship-template?ids=${unpaid.id}`);
    expect(onlyUnpaid.statusCode).toBe(409);
    expect(onlyUnpaid.json().detail).toContain('待发货');

    const tpl = await admin.get(`/api/v1/orders/ship-template?ids=${[a.id, b.id, c.id, unpaid.id].join(',')}`);
    expect(tpl.statusCode, tpl.body).toBe(200);
    expect(tpl.headers['content-disposition']).toContain('ship-template.xlsx');
    const ws = await readXlsx(tpl.rawPayload);
    const rows = rowsOf(ws);
    expect(rows[0]).toEqual([
      '订单编号',
      '店铺',
      '付款时间',
      '买家昵称',
      '收货人',
      '联系电话',
      '收货地址',
      '商品',
      '买家留言',
      '卖家备注',
      '物流公司',
      '运单号',
    ]);
    // The three paid orders, not the unpaid one; the carrier and tracking columns empty.
    expect(rows.slice(1).map((r) => r[0])).toEqual([a.orderNo, b.orderNo, c.orderNo]);
    expect(rows.slice(1).every((r) => !r[10] && !r[11])).toBe(true);
    expect(String(rows[1]![7])).toContain('批量测试T恤');
    expect(String(rows[1]![7])).toContain('×2');

    // Fill: a good row, a tracking number with a space, and c left blank (not shipped, no error).
    ws.getCell(2, 11).value = '中通快递';
    ws.getCell(2, 12).value = 'ZT7788990011';
    ws.getCell(3, 11).value = '顺丰速运';
    ws.getCell(3, 12).value = 'SF 123';
    const wb = ws.workbook;
    const filled = Buffer.from(await wb.xlsx.writeBuffer());

    const preview = await upload(admin, '/api/v1/orders/batch/ship-preview', '发货模板.xlsx', filled);
    expect(preview.statusCode, preview.body).toBe(200);
    const p = preview.json();
    expect(p).toMatchObject({ ready: 1, failed: 1 });
    expect(p.rows).toHaveLength(2);
    expect(p.rows[0]).toMatchObject({ row: 2, orderNo: a.orderNo, orderId: a.id, error: null });
    expect(p.rows[1]).toMatchObject({ row: 3, orderNo: b.orderNo });
    expect(p.rows[1].error).toMatch(/运单号「SF 123」有误：.*字母、数字和短横线/);
    // The preview shipped nothing.
    expect((await admin.get(`/api/v1/orders/${a.id}`)).json().status).toBe('paid');

    const shipped = await upload(admin, '/api/v1/orders/batch/ship', '发货模板.xlsx', filled);
    expect(shipped.statusCode, shipped.body).toBe(200);
    expect(shipped.json()).toMatchObject({ total: 2, shipped: 1, failed: 1 });
    expect(shipped.json().errors).toEqual([{ row: 3, orderNo: b.orderNo, message: p.rows[1].error }]);
    expect((await admin.get(`/api/v1/orders/${a.id}`)).json()).toMatchObject({
      status: 'shipped',
      carrier: '中通快递',
      trackingNo: 'ZT7788990011',
    });
    expect((await admin.get(`/api/v1/orders/${b.id}`)).json().status).toBe('paid');
    expect((await admin.get(`/api/v1/orders/${c.id}`)).json().status).toBe('paid');
    // The shipped order's two reserved units left the warehouse.
    const after = await stockOf(ctx, sku);
    expect(after).toMatchObject({ onHand: before.onHand - 2, reserved: before.reserved - 2, available: before.available });

    // The same file again: the shipped row is now refused with the status rule, in Chinese.
    const again = (await upload(admin, '/api/v1/orders/batch/ship-preview', 'x.xlsx', filled)).json();
    expect(again.rows[0].error).toContain('已发货');

    // Without a selection the template holds every order awaiting shipment, oldest payment first.
    const all = rowsOf(await readXlsx((await admin.get(`/api/v1/orders/ship-template?shopId=${shopId}`)).rawPayload));
    const listed = all.slice(1).map((r) => r[0]);
    expect(listed).toContain(b.orderNo);
    expect(listed).toContain(c.orderNo);
    expect(listed).not.toContain(a.orderNo);
    expect(listed).not.toContain(unpaid.orderNo);
  });

  it('refuses a file without the template columns, and a file with nothing filled, in Chinese', async () => {
    const csv = Buffer.from('\uFEFF订单编号,备注\r\nX1,abc\r\n');
    const bad = await upload(admin, '/api/v1/orders/batch/ship-preview', 'a.csv', csv);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain('缺少列：物流公司、运单号');
    const empty = Buffer.from('\uFEFF订单编号,物流公司,运单号\r\nX1,,\r\n');
    const none = await upload(admin, '/api/v1/orders/batch/ship-preview', 'a.csv', empty);
    expect(none.statusCode).toBe(400);
    expect(none.json().detail).toContain('没有填写');
    // The older batch-ship header 物流单号 is read too; an unknown order number is named.
    const old = Buffer.from('\uFEFF订单编号,物流公司,物流单号\r\nNOPE-1,中通快递,ZT1\r\n');
    const r = (await upload(admin, '/api/v1/orders/batch/ship-preview', 'a.csv', old)).json();
    expect(r.rows[0].error).toContain('找不到订单 NOPE-1');
  });

  it('customer service flags, memos and chases selected orders but cannot ship; other shops stay out of reach', async () => {
    const roles = (await admin.get('/api/v1/roles')).json().items as { id: string; code: string; permissions: string[] }[];
    const service = roles.find((r) => r.code === 'service')!;
    expect(service.permissions).toContain('orders.memo');
    expect(service.permissions).not.toContain('orders.write');
    const made = await admin.post('/api/v1/users', {
      username: 'kefu_a',
      displayName: '客服小A',
      password: 'Passw0rd!',
      roleIds: [service.id],
      allShops: false,
      shopIds: [shopId],
    });
    expect(made.statusCode, made.body).toBe(201);
    const cs = ctx.client();
    expect((await cs.login('kefu_a', 'Passw0rd!')).statusCode).toBe(200);

    const o1 = await makeOrder(admin, shopId, [{ skuId: sku, qty: 1 }], { sellerMemo: '已核对地址' });
    const o2 = await makeOrder(admin, shopId, [{ skuId: sku, qty: 1 }]);
    const foreign = await makeOrder(admin, otherShop, [{ skuId: sku, qty: 1 }]);

    const flag = await cs.post('/api/v1/orders/batch/flag', { ids: [o1.id, o2.id, foreign.id], color: 'red' });
    expect(flag.statusCode, flag.body).toBe(200);
    expect(flag.json()).toMatchObject({ changed: 2, unchanged: 0 });
    expect(flag.json().errors).toEqual([{ orderId: foreign.id, orderNo: '', message: expect.stringContaining('不存在或无权访问') }]);
    const foreignRes = await admin.get(`/api/v1/orders/${foreign.id}`);
    expect(foreignRes.json().flagColor, foreignRes.body).toBeNull();
    // Flagging again with the same colour changes nothing; a bad colour is refused in Chinese.
    expect((await cs.post('/api/v1/orders/batch/flag', { ids: [o1.id], color: 'red' })).json()).toMatchObject({ changed: 0, unchanged: 1 });
    const badColour = await cs.post('/api/v1/orders/batch/flag', { ids: [o1.id], color: 'pink' });
    expect(badColour.statusCode).toBe(400);
    expect(badColour.body).toContain('旗帜颜色');

    const memo = await cs.post('/api/v1/orders/batch/memo', { ids: [o1.id, o2.id], sellerMemo: '买家要求周六送达' });
    expect(memo.json()).toMatchObject({ changed: 2 });
    const d1 = (await admin.get(`/api/v1/orders/${o1.id}`)).json();
    expect(d1.sellerMemo).toBe('已核对地址\n买家要求周六送达');
    expect(d1.flagColor).toBe('red');
    expect(d1.events.map((e: { note: string }) => e.note)).toEqual(
      expect.arrayContaining(['插旗：红旗', '追加卖家备注：买家要求周六送达']),
    );
    const replace = await cs.post('/api/v1/orders/batch/memo', { ids: [o1.id], sellerMemo: '改为周日', mode: 'replace' });
    expect(replace.json().changed).toBe(1);
    expect((await admin.get(`/api/v1/orders/${o1.id}`)).json().sellerMemo).toBe('改为周日');

    const urge = await cs.post('/api/v1/orders/batch/urgent', { ids: [o2.id], urgent: true, note: '旺旺催发货' });
    expect(urge.json().changed).toBe(1);
    expect((await admin.get(`/api/v1/orders/${o2.id}`)).json().urgent).toBe(true);
    // One order's memo and 催单 through the single-order routes too.
    expect((await cs.patch(`/api/v1/orders/${o2.id}/memo`, { sellerMemo: '单独备注' })).statusCode).toBe(200);
    expect((await cs.post(`/api/v1/orders/${o2.id}/flags`, { urgent: false })).statusCode).toBe(200);

    // The audit trail names the customer-service user.
    const audit = (await admin.get(`/api/v1/audit?entityType=order&entityId=${o1.id}`)).json().items as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['order.flag', 'order.memo']));

    // No shipping, no creating, no template for customer service.
    expect((await cs.get(`/api/v1/orders/ship-template?ids=${o1.id}`)).statusCode).toBe(403);
    expect((await cs.post(`/api/v1/orders/${o1.id}/ship`, { carrier: '中通快递', trackingNo: 'ZT1' })).statusCode).toBe(403);
    expect((await upload(cs, '/api/v1/orders/batch/ship', 'a.csv', Buffer.from('订单编号,物流公司,运单号\r\n'))).statusCode).toBe(403);

    // The list carries the flag colour for the table.
    const listRes = await admin.get(`/api/v1/orders?shopId=${shopId}&pageSize=200`);
    expect(listRes.statusCode, listRes.body).toBe(200);
    const list = listRes.json().items as { id: string; flagColor: string | null }[];
    expect(list.find((o) => o.id === o1.id)?.flagColor).toBe('red');

    // More than one page per batch is refused with the limit named.
    const many = await admin.post('/api/v1/orders/batch/flag', { ids: Array.from({ length: 201 }, (_, i) => `ord_${i}`), color: 'blue' });
    expect(many.statusCode).toBe(400);
    expect(many.body).toContain('一次最多处理 200 个订单');
  });

  it('exports the selection: one row per line, money as numbers with a ¥ format (XLSX) and plain decimals (CSV)', async () => {
    const s2 = await makeSku(ctx, { code: 'BAT-2', priceFen: 999, stock: 10 });
    const o = await makeOrder(
      admin,
      shopId,
      [
        { skuId: sku, qty: 1 },
        { skuId: s2, qty: 3 },
      ],
      { shippingFen: 800 },
    );
    const other = await makeOrder(admin, shopId, [{ skuId: s2, qty: 1 }]);
    const res = await admin.get(`/api/v1/orders/export?ids=${o.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const ws = await readXlsx(res.rawPayload);
    const rows = rowsOf(ws);
    expect(rows).toHaveLength(3);
    const header = rows[0] as string[];
    expect(rows.slice(1).every((r) => r[0] === o.orderNo)).toBe(true);
    expect(rows.slice(1).some((r) => r[0] === other.orderNo)).toBe(false);
    const unit = header.indexOf('单价');
    const paid = header.indexOf('订单实付');
    expect(rows[1]![unit]).toBe(123.45);
    expect(rows[2]![unit]).toBe(9.99);
    expect(rows[1]![paid]).toBe(o.paidFen / 100);
    expect(ws.getCell(2, unit + 1).numFmt).toBe('¥#,##0.00');
    const csv = (await admin.get(`/api/v1/orders/export?ids=${o.id}&format=csv`)).body;
    expect(csv).toContain(',123.45,');
    expect(csv).toContain(`,${(o.paidFen / 100).toFixed(2)},`);
    const none = await admin.get('/api/v1/orders/export');
    expect(none.statusCode).toBe(400);
    expect(none.json().detail).toContain('请先勾选');
  });

  it('shows the first line product image as the list thumbnail', async () => {
    const p = await makeProduct(ctx, { title: '带图商品', skus: [{ code: 'IMG-1', priceFen: 5000 }] });
    await addStock(ctx, p.skuIds[0]!, 5);
    const img = await upload(admin, `/api/v1/products/${p.productId}/images`, 'a.png', PNG_1x1);
    expect(img.statusCode, img.body).toBe(201);
    const withImage = await makeOrder(admin, shopId, [{ skuId: p.skuIds[0]!, qty: 1 }]);
    const without = await makeOrder(admin, shopId, [{ skuId: sku, qty: 1 }]);
    const listRes = await admin.get(`/api/v1/orders?shopId=${shopId}&pageSize=200`);
    expect(listRes.statusCode, listRes.body).toBe(200);
    const items = listRes.json().items as {
      id: string;
      thumbnailUrl: string | null;
    }[];
    expect(items.find((i) => i.id === withImage.id)?.thumbnailUrl).toBe(img.json().url);
    expect(items.find((i) => i.id === without.id)?.thumbnailUrl).toBeNull();
    expect((await admin.get(img.json().url)).statusCode).toBe(200);
  });
});

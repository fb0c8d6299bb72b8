/**
 * Issue 17, item 9 (rest): phone numbers in after-sales notes and timelines, audit snapshots and
 * notifications are masked for users without customers.pii.read; an after-sales refund and a
 * purchase order's amounts are bounded by MAX_FEN with Chinese field errors, never a 500.
 */
import { MAX_FEN } from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import * as notifications from '../src/modules/notifications/index.js';
import { describeEachDialect } from './dialects.js';
import { useTestApp, type Client } from './harness.js';
import { makeShop, makeSku, orderBody } from './fixtures.js';

const RAW = '13812345678';
const MASKED = '138****5678';

describeEachDialect('issue 17: personal data in free text, money bounds (after-sales, purchasing)', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin);
  });

  async function paidOrder(code: string, priceFen = 5000) {
    const sku = await makeSku(ctx, { code, priceFen, stock: 5 });
    const res = await admin.post('/api/v1/orders', orderBody(shopId, [{ skuId: sku, qty: 1 }]));
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; orderNo: string; lines: { id: string }[] };
  }

  async function refundCase(code: string, note = '') {
    const order = await paidOrder(code);
    const res = await admin.post('/api/v1/aftersales', {
      orderId: order.id,
      type: 'refund_only',
      lines: [{ orderLineId: order.lines[0]!.id, qty: 1 }],
      note,
    });
    expect(res.statusCode, res.body).toBe(201);
    return { order, case: res.json() as { id: string; code: string } };
  }

  it('masks phone numbers in after-sales notes and timelines for users without customers.pii.read; the owner sees them whole', async () => {
    const { case: c } = await refundCase('PII-AS-1', `请联系 ${RAW}`);
    expect(
      (await admin.post(`/api/v1/aftersales/${c.id}/transition`, { to: 'processing', note: '买家改用 0571-87654321' })).statusCode,
    ).toBe(200);
    const { client: service } = await ctx.userWithRoles('kefu-pii', ['service']);

    const seen = await service.get(`/api/v1/aftersales/${c.id}`);
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json().note).toBe(`请联系 ${MASKED}`);
    const events = seen.json().events as { note: string }[];
    // The opening entry names the amount asked for (申请 ¥…), then the buyer's note, masked.
    expect(events).toHaveLength(2);
    expect(events[0]!.note.startsWith('发起仅退款，申请 ¥')).toBe(true);
    expect(events[0]!.note.endsWith(`：请联系 ${MASKED}`)).toBe(true);
    expect(events[1]!.note).toBe('买家改用 057****4321');
    expect(seen.body).not.toContain(RAW);
    expect(seen.body).not.toContain('87654321');

    const list = await service.get(`/api/v1/aftersales?q=${c.code}`);
    expect(list.json().items[0].note).toBe(`请联系 ${MASKED}`);
    expect(list.body).not.toContain(RAW);

    // Editing the note answers with the detail: masked for the editor too.
    const edited = await service.patch(`/api/v1/aftersales/${c.id}`, { note: `新号码 ${RAW}` });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().note).toBe(`新号码 ${MASKED}`);

    const full = (await admin.get(`/api/v1/aftersales/${c.id}`)).json();
    expect(full.note).toBe(`新号码 ${RAW}`);
    expect(full.events[0].note.endsWith(`：请联系 ${RAW}`)).toBe(true);
    expect((await admin.get(`/api/v1/aftersales?q=${c.code}`)).json().items[0].note).toBe(`新号码 ${RAW}`);
  });

  it('masks phone numbers in audit before/after snapshots for an auditor without customers.pii.read', async () => {
    const { order, case: c } = await refundCase('PII-AUD-1', '旧说明');
    expect((await admin.patch(`/api/v1/orders/${order.id}/memo`, { sellerMemo: `买家备用电话 ${RAW}` })).statusCode).toBe(200);
    expect((await admin.patch(`/api/v1/aftersales/${c.id}`, { note: `请联系 ${RAW}` })).statusCode).toBe(200);
    const { client: finance } = await ctx.userWithRoles('caiwu-pii', ['finance']);

    const memo = await finance.get(`/api/v1/audit?action=order.memo&entityId=${order.id}`);
    expect(memo.statusCode, memo.body).toBe(200);
    expect(memo.json().items[0].after).toEqual({ sellerMemo: `买家备用电话 ${MASKED}` });
    const note = await finance.get(`/api/v1/audit?action=aftersale.update&entityId=${c.id}`);
    expect(note.json().items[0]).toMatchObject({ before: { note: '旧说明' }, after: { note: `请联系 ${MASKED}` } });
    expect(memo.body + note.body).not.toContain(RAW);
    // Numbers that are not phone numbers stay as they are.
    const created = await finance.get(`/api/v1/audit?action=order.create&entityId=${order.id}`);
    expect(created.json().items[0].after).toMatchObject({ orderNo: order.orderNo, paidFen: 5000 });

    const full = await admin.get(`/api/v1/audit?action=order.memo&entityId=${order.id}`);
    expect(full.json().items[0].after).toEqual({ sellerMemo: `买家备用电话 ${RAW}` });
  });

  it('masks phone numbers in notifications for users without customers.pii.read', async () => {
    await notifications.raise(ctx.tdb.database.db, {
      orgId: ctx.orgId,
      type: 'test_note',
      level: 'info',
      title: `回电 ${RAW}`,
      body: `买家留言：请打 ${RAW}`,
    });
    const { client: service } = await ctx.userWithRoles('kefu-note', ['service']);
    const seen = (await service.get('/api/v1/notifications')).json().items.find((n: { type: string }) => n.type === 'test_note');
    expect(seen).toMatchObject({ title: `回电 ${MASKED}`, body: `买家留言：请打 ${MASKED}` });
    const full = (await admin.get('/api/v1/notifications')).json().items.find((n: { type: string }) => n.type === 'test_note');
    expect(full).toMatchObject({ title: `回电 ${RAW}`, body: `买家留言：请打 ${RAW}` });
  });

  it('bounds the after-sales refund amount at ¥1000 亿 with a Chinese field error, not a 500', async () => {
    const { case: c } = await refundCase('MONEY-AS-1');
    for (const amountFen of [2 ** 60, MAX_FEN + 1]) {
      const res = await admin.post(`/api/v1/aftersales/${c.id}/refund`, { amountFen });
      expect(res.statusCode, res.body).toBe(400);
      const errors = res.json().errors as { path: string; message: string }[];
      expect(errors.map((e) => e.path)).toContain('amountFen');
      expect(errors.find((e) => e.message.includes('不能超过'))?.message).toContain('退款金额不能超过 ¥100,000,000,000.00（1000 亿元）');
    }
    const zero = await admin.post(`/api/v1/aftersales/${c.id}/refund`, { amountFen: 0 });
    expect(zero.statusCode).toBe(400);
    expect(zero.json().errors[0]).toMatchObject({ path: 'amountFen', message: '退款金额至少为 1 分' });
    // Nothing was refunded; a real amount still goes through.
    const ok = await admin.post(`/api/v1/aftersales/${c.id}/refund`, { amountFen: 5000 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'completed', refundFen: 5000 });
  });

  it('bounds purchase-order amounts: unit cost, qty × unit cost and the total are field errors, not silent huge totals', async () => {
    const wh = (await admin.get('/api/v1/warehouses')).json().items[0].id as string;
    const supplierId = (await admin.post('/api/v1/suppliers', { name: '金额测试供应商' })).json().id as string;
    const sku = await makeSku(ctx, { code: 'MONEY-PO-1', priceFen: 100, stock: 0 });
    const po = (lines: { qty: number; unitCostFen: number }[]) =>
      admin.post('/api/v1/purchase-orders', { supplierId, warehouseId: wh, lines: lines.map((l) => ({ skuId: sku, ...l })) });

    const unit = await po([{ qty: 1, unitCostFen: 2 ** 60 }]);
    expect(unit.statusCode, unit.body).toBe(400);
    expect(unit.json().errors).toContainEqual({
      path: 'lines.0.unitCostFen',
      message: '采购单价不能超过 ¥1,000,000.00（100 万元），请检查金额（单位：分）',
    });

    // 10^7 units at ¥100 万 each: ¥10 万亿 on one line, accepted before.
    const line = await po([{ qty: 10_000_000, unitCostFen: 100_000_000 }]);
    expect(line.statusCode, line.body).toBe(400);
    expect(line.json().errors[0]).toMatchObject({ path: 'lines.0.qty', message: expect.stringContaining('1000 亿元') });

    const total = await po([
      { qty: 60_000, unitCostFen: 100_000_000 },
      { qty: 60_000, unitCostFen: 100_000_000 },
    ]);
    expect(total.statusCode, total.body).toBe(400);
    expect(total.json().errors[0]).toMatchObject({ path: 'lines', message: expect.stringContaining('合计超过') });

    // Exactly at the bound is fine, and editing a draft is checked the same way.
    const atBound = await po([{ qty: 100_000, unitCostFen: 100_000_000 }]);
    expect(atBound.statusCode, atBound.body).toBe(201);
    expect(atBound.json().totalFen).toBe(MAX_FEN);
    const grow = await admin.patch(`/api/v1/purchase-orders/${atBound.json().id}`, {
      lines: [{ skuId: sku, qty: 100_001, unitCostFen: 100_000_000 }],
    });
    expect(grow.statusCode, grow.body).toBe(400);
    expect(grow.json().errors[0].path).toBe('lines.0.qty');
  });
});

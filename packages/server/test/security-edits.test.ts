/**
 * Issue 17 follow-ups: free text shown masked to a user without customers.pii.read and saved back
 * keeps the hidden phone numbers (order seller memo, after-sales note); a timeline entry cut to
 * its column never cuts through a phone number; whole numbers in requests (weight, sort orders,
 * stocktake counts, stock quantities) are bounded with Chinese field errors, never a 500.
 */
import { MAX_QTY, MAX_SORT, MAX_WEIGHT_G } from '@yunying/core';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import * as inventory from '../src/modules/inventory/index.js';
import { describeEachDialect } from './dialects.js';
import { useTestApp, type Client } from './harness.js';
import { makeShop, makeSku, orderBody } from './fixtures.js';

const RAW = '13812345678';
const MASKED = '138****5678';
const HUGE = [2 ** 31, 2 ** 53];

/** A 400 whose field error at `path` (and the detail) says in Chinese what is wrong with `label`. */
function expectFieldError(res: LightMyRequestResponse, path: string, label: string, says: string): void {
  expect(res.statusCode, res.body).toBe(400);
  const body = res.json() as { code: string; detail: string; errors?: { path: string; message: string }[] };
  expect(body.code).toBe('validation_failed');
  const err = body.errors?.find((e) => e.path === path);
  expect(err, res.body).toBeTruthy();
  expect(err!.message).toContain(label);
  expect(err!.message).toContain(says);
  expect(body.detail).toContain(label);
}

describeEachDialect('issue 17: masked text saved back, timeline clipping, integer bounds', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin);
  });

  async function order(code: string) {
    const sku = await makeSku(ctx, { code, priceFen: 5000, stock: 5 });
    const res = await admin.post('/api/v1/orders', orderBody(shopId, [{ skuId: sku, qty: 1 }]));
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; lines: { id: string }[] };
  }

  describe('free text shown masked and saved back', () => {
    it('keeps the phone number in a seller memo that an operator without customers.pii.read edits around it', async () => {
      const o = await order('EDIT-MEMO-1');
      const { client: operator } = await ctx.userWithRoles('yunying-memo', ['operator']);

      // The operator types the number in full; from then on they see it masked, like everyone without the permission.
      const typed = await operator.patch(`/api/v1/orders/${o.id}/memo`, { sellerMemo: `请联系 ${RAW} 送货前打电话` });
      expect(typed.statusCode, typed.body).toBe(200);
      expect(typed.json().sellerMemo).toBe(`请联系 ${MASKED} 送货前打电话`);
      const shown = (await operator.get(`/api/v1/orders/${o.id}`)).json().sellerMemo as string;
      expect(shown).toBe(`请联系 ${MASKED} 送货前打电话`);

      // They edit the text around the masked number (what the console's memo box sends back).
      const saved = await operator.patch(`/api/v1/orders/${o.id}/memo`, { sellerMemo: shown.replace('送货前打电话', '周末送货') });
      expect(saved.statusCode, saved.body).toBe(200);
      expect(saved.json().sellerMemo).toBe(`请联系 ${MASKED} 周末送货`);
      expect(saved.body).not.toContain(RAW);

      const full = (await admin.get(`/api/v1/orders/${o.id}`)).json();
      expect(full.sellerMemo).toBe(`请联系 ${RAW} 周末送货`);
      expect(full.events.map((e: { note: string }) => e.note)).toContain(`修改卖家备注：请联系 ${RAW} 周末送货`);
      const audit = (await admin.get(`/api/v1/audit?action=order.memo&entityId=${o.id}`)).json().items as {
        after: { sellerMemo: string };
      }[];
      expect(audit.map((a) => a.after.sellerMemo)).toContain(`请联系 ${RAW} 周末送货`);

      // Deleting the masked number deletes it; typing another number stores that one.
      await operator.patch(`/api/v1/orders/${o.id}/memo`, { sellerMemo: '改打 13900001111' });
      expect((await admin.get(`/api/v1/orders/${o.id}`)).json().sellerMemo).toBe('改打 13900001111');
    });

    it('leaves text from a user who sees phone numbers exactly as sent', async () => {
      const o = await order('EDIT-MEMO-2');
      expect((await admin.patch(`/api/v1/orders/${o.id}/memo`, { sellerMemo: `请联系 ${RAW}` })).statusCode).toBe(200);
      // The owner sees the number whole, so a masked-looking text from them is what they mean to store.
      const res = await admin.patch(`/api/v1/orders/${o.id}/memo`, { sellerMemo: `已隐藏 ${MASKED}` });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().sellerMemo).toBe(`已隐藏 ${MASKED}`);
    });

    it('keeps the phone number in an after-sales note that customer service edits around it', async () => {
      const o = await order('EDIT-AS-1');
      const { client: service } = await ctx.userWithRoles('kefu-edit', ['service']);
      const created = await service.post('/api/v1/aftersales', {
        orderId: o.id,
        type: 'refund_only',
        lines: [{ orderLineId: o.lines[0]!.id, qty: 1 }],
        note: `请联系 ${RAW} 送货前打电话`,
      });
      expect(created.statusCode, created.body).toBe(201);
      const c = created.json() as { id: string; note: string };
      expect(c.note).toBe(`请联系 ${MASKED} 送货前打电话`);

      const shown = (await service.get(`/api/v1/aftersales/${c.id}`)).json().note as string;
      const saved = await service.patch(`/api/v1/aftersales/${c.id}`, { note: shown.replace('送货前打电话', '周末送货') });
      expect(saved.statusCode, saved.body).toBe(200);
      expect(saved.json().note).toBe(`请联系 ${MASKED} 周末送货`);

      expect((await admin.get(`/api/v1/aftersales/${c.id}`)).json().note).toBe(`请联系 ${RAW} 周末送货`);
      const audit = (await admin.get(`/api/v1/audit?action=aftersale.update&entityId=${c.id}`)).json().items as {
        after: { note: string };
      }[];
      expect(audit[0]!.after.note).toBe(`请联系 ${RAW} 周末送货`);

      // A change of responsibility only leaves the note alone.
      expect((await service.patch(`/api/v1/aftersales/${c.id}`, { responsibility: 'logistics' })).statusCode).toBe(200);
      expect((await admin.get(`/api/v1/aftersales/${c.id}`)).json().note).toBe(`请联系 ${RAW} 周末送货`);
    });

    it('refuses, with a field error, a memo that restoring its hidden numbers makes longer than 1000 characters', async () => {
      const o = await order('EDIT-MEMO-3');
      // Spelled with spaces, the number is 2 characters longer than its masked form.
      expect((await admin.patch(`/api/v1/orders/${o.id}/memo`, { sellerMemo: '电话 138 1234 5678' })).statusCode).toBe(200);
      const { client: operator } = await ctx.userWithRoles('yunying-long', ['operator']);
      const shown = (await operator.get(`/api/v1/orders/${o.id}`)).json().sellerMemo as string;
      expect(shown).toBe(`电话 ${MASKED}`);
      const edited = `${shown}${'好'.repeat(1000 - shown.length - 1)}`;
      expect(edited.length).toBe(999);

      const res = await operator.patch(`/api/v1/orders/${o.id}/memo`, { sellerMemo: edited });
      expectFieldError(res, 'sellerMemo', '卖家备注', '超过 1000 个字符');
      expect((await admin.get(`/api/v1/orders/${o.id}`)).json().sellerMemo).toBe('电话 138 1234 5678');

      const shorter = await operator.patch(`/api/v1/orders/${o.id}/memo`, { sellerMemo: edited.slice(0, 997) });
      expect(shorter.statusCode, shorter.body).toBe(200);
      expect((await admin.get(`/api/v1/orders/${o.id}`)).json().sellerMemo).toBe(`电话 138 1234 5678${'好'.repeat(997 - shown.length)}`);
    });
  });

  describe('timeline entries cut to their column', () => {
    it('never cut through a phone number, which would then be shown in clear', async () => {
      const o = await order('CLIP-1');
      // "修改卖家备注：" + memo is cut to 1000 characters: the plain cut left "1381234567", which no longer
      // looks like a phone number and was shown unmasked.
      const memo = `${'备'.repeat(1000 - RAW.length - 6)}${RAW}周末送货谢谢`;
      expect(memo.length).toBe(1000);
      expect((await admin.patch(`/api/v1/orders/${o.id}/memo`, { sellerMemo: memo })).statusCode).toBe(200);
      const { client: operator } = await ctx.userWithRoles('yunying-clip', ['operator']);
      const seen = await operator.get(`/api/v1/orders/${o.id}`);
      expect(seen.statusCode).toBe(200);
      expect(seen.body).not.toMatch(/1381234/);
      const note = (seen.json().events as { type: string; note: string }[]).find((e) => e.type === 'memo')!.note;
      expect(note.length).toBeLessThanOrEqual(1000);
      expect(note.endsWith('备…')).toBe(true);

      // The same for an after-sales case whose creation entry ("发起仅退款：" + note) is cut.
      const c = await admin.post('/api/v1/aftersales', {
        orderId: o.id,
        type: 'refund_only',
        lines: [{ orderLineId: o.lines[0]!.id, qty: 1 }],
        note: `${'备'.repeat(1000 - RAW.length - 5)}${RAW}周末送货谢`,
      });
      expect(c.statusCode, c.body).toBe(201);
      const { client: service } = await ctx.userWithRoles('kefu-clip', ['service']);
      const caseSeen = await service.get(`/api/v1/aftersales/${c.json().id}`);
      expect(caseSeen.statusCode).toBe(200);
      expect(caseSeen.body).not.toMatch(/1381234/);
    });
  });

  describe('whole numbers in requests', () => {
    it('bounds a SKU weight with a Chinese field error, not a 500', async () => {
      for (const weightG of HUGE) {
        const created = await admin.post('/api/v1/products', { title: '大件', skus: [{ code: `W-${weightG}`, priceFen: 100, weightG }] });
        expectFieldError(created, 'skus.0.weightG', '重量', '不能超过 1,000,000 克');
      }
      const ok = await admin.post('/api/v1/products', { title: '一吨', skus: [{ code: 'W-MAX', priceFen: 100, weightG: MAX_WEIGHT_G }] });
      expect(ok.statusCode, ok.body).toBe(201);
      const p = ok.json() as { id: string; skus: { id: string; weightG: number }[] };
      expect(p.skus[0]!.weightG).toBe(MAX_WEIGHT_G);
      for (const weightG of HUGE) {
        expectFieldError(
          await admin.patch(`/api/v1/products/${p.id}/skus/${p.skus[0]!.id}`, { weightG }),
          'weightG',
          '重量',
          '不能超过 1,000,000 克',
        );
        expectFieldError(
          await admin.patch(`/api/v1/products/${p.id}`, { skus: [{ id: p.skus[0]!.id, code: 'W-MAX', priceFen: 100, weightG }] }),
          'skus.0.weightG',
          '重量',
          '不能超过',
        );
      }
      expectFieldError(
        await admin.patch(`/api/v1/products/${p.id}/skus/${p.skus[0]!.id}`, { weightG: -1 }),
        'weightG',
        '重量',
        '不能为负数',
      );
      expectFieldError(
        await admin.patch(`/api/v1/products/${p.id}/skus/${p.skus[0]!.id}`, { weightG: 1.5 }),
        'weightG',
        '重量',
        '必须是整数',
      );
      expect((await admin.get(`/api/v1/products/${p.id}`)).json().skus[0].weightG).toBe(MAX_WEIGHT_G);
    });

    it('bounds a category sort order with a Chinese field error, not a 500', async () => {
      const cat = await admin.post('/api/v1/categories', { name: '排序测试' });
      expect(cat.statusCode, cat.body).toBe(201);
      const id = cat.json().id as string;
      for (const sort of HUGE)
        expectFieldError(await admin.patch(`/api/v1/categories/${id}`, { sort }), 'sort', '排序值', '不能超过 1,000,000');
      const ok = await admin.patch(`/api/v1/categories/${id}`, { sort: MAX_SORT });
      expect(ok.statusCode, ok.body).toBe(200);
      // The next category goes after it, still within the column.
      const next = await admin.post('/api/v1/categories', { name: '排序测试二' });
      expect(next.statusCode, next.body).toBe(201);
    });

    it('bounds stocktake counts and stock quantities with Chinese field errors, not 500s', async () => {
      const sku = await makeSku(ctx, { code: 'ST-BIG', priceFen: 100, stock: 3 });
      const wh = await inventory.defaultWarehouseId(ctx.tdb.database.db, ctx.orgId);
      const st = await admin.post('/api/v1/stocktakes', { warehouseId: wh, skuIds: [sku] });
      expect(st.statusCode, st.body).toBe(201);
      const id = st.json().id as string;
      for (const counted of HUGE) {
        const res = await admin.patch(`/api/v1/stocktakes/${id}/lines`, { lines: [{ skuId: sku, counted }] });
        expectFieldError(res, 'lines.0.counted', '实盘数', '不能超过 10,000,000 件');
      }
      const ok = await admin.patch(`/api/v1/stocktakes/${id}/lines`, { lines: [{ skuId: sku, counted: MAX_QTY }] });
      expect(ok.statusCode, ok.body).toBe(200);

      for (const qty of [...HUGE, ...HUGE.map((n) => -n)]) {
        const res = await admin.post('/api/v1/stock/adjust', { skuId: sku, warehouseId: wh, qty, reason: '测试' });
        expectFieldError(res, 'qty', '调整数量', qty > 0 ? '不能超过 10,000,000 件' : '不能小于 -10,000,000 件');
      }
      for (const lowStock of HUGE) {
        expectFieldError(await admin.patch(`/api/v1/stock/skus/${sku}/thresholds`, { lowStock }), 'lowStock', '预警值', '不能超过');
      }
    });

    it('reports a product-import weight past the bound on its row instead of failing the import', async () => {
      const csv = [
        '商品标题,商家编码(SPU),类目,品牌,规格(颜色:红;尺码:M),SKU商家编码,条码,售价(元),成本(元),重量(克),状态,标签',
        `重货,HV1,,,,HV1-1,,10.00,,${2 ** 31},,`,
        '轻货,LT1,,,,LT1-1,,10.00,,200,,',
      ].join('\r\n');
      const boundary = '----yysmalls3';
      const body = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="products.csv"\r\nContent-Type: text/csv\r\n\r\n`,
        ),
        Buffer.from(csv),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const res = await admin.request('POST', '/api/v1/products/import', body, {
        'content-type': `multipart/form-data; boundary=${boundary}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      const r = res.json() as { created: number; errors: { row: number; column: string; reason: string }[] };
      expect(r.created).toBe(1);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatchObject({ row: 2, column: '重量(克)' });
      expect(r.errors[0]!.reason).toContain('1,000,000');
    });
  });
});

/**
 * Marketing on both databases: a promotion's lifecycle with its conflict and margin checks and
 * audit; the price preview and a manual order priced by 满300减40 and a coupon, to the fen; the
 * coupon returned when the order is cancelled; the activity calendar, stock check and effect report.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { useTestApp, type Client } from './harness.js';
import { makeProduct, addStock, orderBody, stockOf } from './fixtures.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

export function fullReduction(shopId: string, name = '满300减40', extra: Record<string, unknown> = {}) {
  return {
    shopId,
    name,
    startsAt: iso(Date.now() - DAY),
    endsAt: iso(Date.now() + 7 * DAY),
    rule: { kind: 'full_reduction', tiers: [{ thresholdFen: 30000, offFen: 4000 }] },
    ...extra,
  };
}

describeEachDialect('marketing', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  let skuA: string;
  let skuB: string;

  beforeAll(async () => {
    admin = await ctx.admin();
    const res = await admin.post('/api/v1/shops', { name: '营销测试店', channel: 'tmall', timezone: 'Asia/Shanghai' });
    shopId = res.json().id;
    const p = await makeProduct(ctx, {
      title: '保温杯',
      skus: [
        { code: 'CUP-A', priceFen: 19900, costFen: 8000 },
        { code: 'CUP-B', priceFen: 12900, costFen: 5000 },
      ],
    });
    [skuA, skuB] = p.skuIds as [string, string];
    await addStock(ctx, skuA, 50);
    await addStock(ctx, skuB, 50);
  });

  describe('promotions', () => {
    it('a draft launches, pauses, resumes and ends along its machine, every change audited', async () => {
      const c = await admin.post('/api/v1/marketing/promotions', fullReduction(shopId, '生命周期'));
      expect(c.statusCode, c.body).toBe(201);
      const id = c.json().id as string;
      expect(c.json()).toMatchObject({ status: 'draft', kind: 'full_reduction', summary: '满 ¥300.00 减 ¥40.00' });
      const act = (action: string) => admin.post(`/api/v1/marketing/promotions/${id}/actions`, { action });
      expect((await act('pause')).statusCode).toBe(409); // a draft cannot pause
      expect((await act('launch')).json().status).toBe('active');
      expect((await act('launch')).statusCode).toBe(409);
      expect((await act('pause')).json().status).toBe('paused');
      expect((await act('resume')).json().status).toBe('active');
      const ended = await act('end');
      expect(ended.json().status).toBe('ended');
      expect(Date.parse(ended.json().endsAt)).toBeLessThanOrEqual(Date.now());
      const edit = await admin.request('PUT', `/api/v1/marketing/promotions/${id}`, fullReduction(shopId, '改名'));
      expect(edit.statusCode).toBe(409);
      expect(edit.json().detail ?? edit.json().title).toContain('已结束');
      const log = (await admin.get(`/api/v1/audit?entityType=promotion`)).json().items as { action: string; entityId: string }[];
      expect(
        log
          .filter((l) => l.entityId === id)
          .map((l) => l.action)
          .sort(),
      ).toEqual(['promotion.create', 'promotion.end', 'promotion.launch', 'promotion.pause', 'promotion.resume'].sort());
    });

    it('overlapping promotions of one exclusive group are shown before saving and refused at launch', async () => {
      const a = await admin.post(
        '/api/v1/marketing/promotions',
        fullReduction(shopId, '互斥甲', { exclusiveGroup: '大促', scope: { skuIds: [skuA] } }),
      );
      await admin.post(`/api/v1/marketing/promotions/${a.json().id}/actions`, { action: 'launch' });
      const bBody = fullReduction(shopId, '互斥乙', { exclusiveGroup: '大促', scope: { skuIds: [skuA, skuB] } });
      const check = await admin.post('/api/v1/marketing/promotions/check', bBody);
      expect(check.statusCode, check.body).toBe(200);
      expect(check.json().conflicts).toHaveLength(1);
      expect(check.json().conflicts[0].message).toContain('互斥甲');
      // Another SKU only: no conflict.
      const other = await admin.post('/api/v1/marketing/promotions/check', { ...bBody, scope: { skuIds: [skuB] } });
      expect(other.json().conflicts).toHaveLength(0);
      const b = await admin.post('/api/v1/marketing/promotions', bBody);
      const launch = await admin.post(`/api/v1/marketing/promotions/${b.json().id}/actions`, { action: 'launch' });
      expect(launch.statusCode).toBe(409);
      expect(launch.json().detail ?? launch.json().title).toContain('互斥甲');
      // Batch end both; the second (a draft) ends too, and the list filter sees them ended.
      const batch = await admin.post('/api/v1/marketing/promotions/batch', { ids: [a.json().id, b.json().id], action: 'end' });
      expect(batch.json().done).toBe(2);
      const list = (await admin.get(`/api/v1/marketing/promotions?shopId=${shopId}&status=ended&q=互斥`)).json();
      expect(list.total).toBe(2);
    });

    it('the margin check projects each SKU at the promotion price; launch under the floor needs consent', async () => {
      expect((await admin.request('PUT', '/api/v1/marketing/settings', { shopId, minMarginBp: 3000 })).statusCode).toBe(200);
      const body = {
        ...fullReduction(shopId, '五折清仓'),
        rule: { kind: 'item_discount', cut: { type: 'percent', offBp: 5000 } },
        scope: { skuIds: [skuA, skuB] },
      };
      const check = (await admin.post('/api/v1/marketing/promotions/check', body)).json();
      // A: 199 → 99.50 (cost 80: margin 19.6 %), B: 129 → 64.50 (cost 50: 22.5 %): both under 30 %.
      expect(check.margins.map((m: any) => [m.code, m.promoPriceFen, m.marginBp, m.belowFloor])).toEqual([
        ['CUP-A', 9950, 1960, true],
        ['CUP-B', 6450, 2248, true],
      ]);
      const id = (await admin.post('/api/v1/marketing/promotions', body)).json().id;
      const refused = await admin.post(`/api/v1/marketing/promotions/${id}/actions`, { action: 'launch' });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().detail ?? refused.json().title).toContain('最低毛利率');
      const ok = await admin.post(`/api/v1/marketing/promotions/${id}/actions`, { action: 'launch', acceptMarginWarnings: true });
      expect(ok.json().status).toBe('active');
      await admin.post(`/api/v1/marketing/promotions/${id}/actions`, { action: 'end' });
      await admin.request('PUT', '/api/v1/marketing/settings', { shopId, minMarginBp: 0 });
    });

    it('bad input names the field in Chinese', async () => {
      const res = await admin.post('/api/v1/marketing/promotions', { ...fullReduction(shopId), endsAt: iso(Date.now() - 2 * DAY) });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('结束时间必须晚于开始时间');
    });
  });

  describe('pricing, coupons and orders', () => {
    let promoId: string;
    let templateId: string;

    beforeAll(async () => {
      promoId = (await admin.post('/api/v1/marketing/promotions', fullReduction(shopId))).json().id;
      expect((await admin.post(`/api/v1/marketing/promotions/${promoId}/actions`, { action: 'launch' })).statusCode).toBe(200);
      const t = await admin.post('/api/v1/marketing/coupon-templates', {
        shopId,
        name: '满200减20',
        kind: 'amount',
        thresholdFen: 20000,
        amountFen: 2000,
        validity: { type: 'relative', days: 7 },
        totalLimit: 1000,
        perCustomerLimit: 1,
        code: 'SAVE20',
        returnOnRefund: true,
      });
      expect(t.statusCode, t.body).toBe(201);
      templateId = t.json().id;
    });

    it('the preview explains each line, to the fen (满300减40 then 满200减20 by code)', async () => {
      const res = await admin.post('/api/v1/marketing/price-preview', {
        shopId,
        lines: [
          { skuId: skuA, qty: 1 },
          { skuId: skuB, qty: 1 },
        ],
        couponCode: 'SAVE20',
      });
      expect(res.statusCode, res.body).toBe(200);
      const r = res.json();
      // 328.00 − 40 (A 24.27, B 15.73 by largest remainder) − 20 over 288.00 (A 12.13, B 7.87).
      expect(r.lines.map((l: any) => [l.listFen, l.finalFen])).toEqual([
        [19900, 16260],
        [12900, 10540],
      ]);
      expect(r.lines[0].adjustments.map((a: any) => [a.name, a.amountFen])).toEqual([
        ['满300减40', 2427],
        ['满200减20', 1213],
      ]);
      expect(r.totals).toMatchObject({
        listFen: 32800,
        orderDiscountFen: 4000,
        couponDiscountFen: 2000,
        goodsFen: 26800,
        payableFen: 26800,
      });
      for (const l of r.lines) for (const a of l.adjustments) expect(a.note.length).toBeGreaterThan(0);
    });

    it('a manual order is priced by the engine, redeems the coupon once, and cancelling returns it', async () => {
      const before = await stockOf(ctx, skuA);
      const res = await admin.post(
        '/api/v1/orders',
        orderBody(
          shopId,
          [
            { skuId: skuA, qty: 1 },
            { skuId: skuB, qty: 1 },
          ],
          { buyerNick: 'coupon_buyer', couponCode: 'SAVE20' },
        ),
      );
      expect(res.statusCode, res.body).toBe(201);
      const o = res.json();
      expect(o).toMatchObject({ goodsFen: 32800, discountFen: 6000, paidFen: 26800 });
      expect(o.lines.map((l: any) => [l.discountFen, l.paidFen])).toEqual([
        [3640, 16260],
        [2360, 10540],
      ]);
      expect((await stockOf(ctx, skuA))!.reserved).toBe(before!.reserved + 1);
      const pricing = (await admin.get(`/api/v1/marketing/orders/${o.id}/pricing`)).json().pricing;
      expect(pricing.lines[1].adjustments.map((a: any) => a.name)).toEqual(['满300减40', '满200减20']);
      const held = (await admin.get(`/api/v1/marketing/coupons?templateId=${templateId}&buyerNick=coupon_buyer`)).json();
      expect(held.items.map((c: any) => c.status)).toEqual(['used']);
      // Per-customer limit 1: the same buyer cannot claim again.
      const again = await admin.post(
        '/api/v1/orders',
        orderBody(shopId, [{ skuId: skuA, qty: 2 }], { buyerNick: 'coupon_buyer', couponCode: 'SAVE20' }),
      );
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain('每人限领');
      // Cancel: the coupon is back (the template returns coupons on refund) and usable by id.
      expect((await admin.post(`/api/v1/orders/${o.id}/cancel`, { reason: '买家不要了' })).statusCode).toBe(200);
      const back = (await admin.get(`/api/v1/marketing/coupons?templateId=${templateId}&buyerNick=coupon_buyer`)).json().items[0];
      expect(back.status).toBe('unused');
      const reuse = await admin.post(
        '/api/v1/orders',
        orderBody(
          shopId,
          [
            { skuId: skuA, qty: 1 },
            { skuId: skuB, qty: 1 },
          ],
          { buyerNick: 'coupon_buyer', couponIds: [back.id] },
        ),
      );
      expect(reuse.statusCode, reuse.body).toBe(201);
      expect(reuse.json().paidFen).toBe(26800);
      const stats = (await admin.get(`/api/v1/marketing/coupon-templates/${templateId}`)).json();
      expect(stats).toMatchObject({ issued: 1, used: 1, released: 1, discountFen: 2000 });
    });

    it('a flash sale limited to 2 per buyer counts the units of earlier orders of that buyer (cancelled ones not)', async () => {
      const shop2 = (await admin.post('/api/v1/shops', { name: '秒杀分店', channel: 'tmall', timezone: 'Asia/Shanghai' })).json()
        .id as string;
      const flash = await admin.post('/api/v1/marketing/promotions', {
        ...fullReduction(shop2, '秒杀 ¥99'),
        rule: { kind: 'flash_sale', cut: { type: 'price', priceFen: 9900 }, perBuyerLimit: 2 },
        scope: { skuIds: [skuB] },
      });
      expect((await admin.post(`/api/v1/marketing/promotions/${flash.json().id}/actions`, { action: 'launch' })).statusCode).toBe(200);
      const order = (qty: number) => admin.post('/api/v1/orders', orderBody(shop2, [{ skuId: skuB, qty }], { buyerNick: 'flash_buyer' }));
      const first = await order(1);
      expect(first.json().paidFen).toBe(9900);
      // 1 more unit at ¥99, the third at ¥129.
      expect((await order(2)).json().paidFen).toBe(9900 + 12900);
      // The limit is used up; cancelling the first order gives its unit back.
      expect((await order(1)).json().paidFen).toBe(12900);
      expect((await admin.post(`/api/v1/orders/${first.json().id}/cancel`, {})).statusCode).toBe(200);
      expect((await order(1)).json().paidFen).toBe(9900);
    });

    it('a full refund through after-sales returns the coupon; a template that keeps coupons keeps it used', async () => {
      const shop3 = (await admin.post('/api/v1/shops', { name: '退款分店', channel: 'tmall', timezone: 'Asia/Shanghai' })).json()
        .id as string;
      const tpl = async (code: string, returnOnRefund: boolean) =>
        (
          await admin.post('/api/v1/marketing/coupon-templates', {
            shopId: shop3,
            name: `满100减10-${code}`,
            kind: 'amount',
            thresholdFen: 10000,
            amountFen: 1000,
            validity: { type: 'relative', days: 7 },
            totalLimit: 10,
            perCustomerLimit: 1,
            code,
            returnOnRefund,
          })
        ).json().id as string;
      for (const [code, back] of [
        ['BACK10', true],
        ['KEEP10', false],
      ] as const) {
        const id = await tpl(code, back);
        const o = (
          await admin.post('/api/v1/orders', orderBody(shop3, [{ skuId: skuA, qty: 1 }], { buyerNick: `refund_${code}`, couponCode: code }))
        ).json();
        expect(o.paidFen).toBe(18900);
        expect((await admin.post(`/api/v1/orders/${o.id}/ship`, { carrier: '圆通速递', trackingNo: `YT${code}` })).statusCode).toBe(200);
        const c = await admin.post('/api/v1/aftersales', {
          orderId: o.id,
          type: 'refund_only',
          lines: [{ orderLineId: o.lines[0].id, qty: 1 }],
        });
        expect(c.statusCode, c.body).toBe(201);
        const r = await admin.post(`/api/v1/aftersales/${c.json().id}/refund`, { amountFen: 18900 });
        expect(r.statusCode, r.body).toBe(200);
        expect((await admin.get(`/api/v1/orders/${o.id}`)).json().status).toBe('refunded');
        const held = (await admin.get(`/api/v1/marketing/coupons?templateId=${id}`)).json().items[0];
        expect(held.status).toBe(back ? 'unused' : 'used');
      }
    });

    it('a coupon whose threshold the cart misses fails the order with the reason', async () => {
      const res = await admin.post(
        '/api/v1/orders',
        orderBody(shopId, [{ skuId: skuB, qty: 1 }], { buyerNick: 'small_cart', couponCode: 'SAVE20' }),
      );
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('优惠券不能用于这笔订单');
      // Nothing was claimed: the order's transaction rolled back.
      expect((await admin.get(`/api/v1/marketing/coupons?templateId=${templateId}&buyerNick=small_cart`)).json().total).toBe(0);
    });
  });

  describe('activity calendar', () => {
    it('an activity with its checklist is on the month, its stock is checked, and after the end its report downloads', async () => {
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const res = await admin.post('/api/v1/marketing/activities', {
        shopId,
        name: '店庆周',
        kind: 'own',
        startDay: today,
        endDay: today,
        skuIds: [skuA, skuB],
        tasks: [
          { title: '备货 200 件', roleName: '仓储', dueDay: today },
          { title: '客服话术', roleName: '客服', dueDay: today },
        ],
      });
      expect(res.statusCode, res.body).toBe(201);
      const a = res.json();
      expect(a.tasks).toHaveLength(2);
      const cal = (await admin.get(`/api/v1/marketing/calendar?shopId=${shopId}&month=${today.slice(0, 7)}`)).json();
      expect(cal.entries.some((e: any) => e.type === 'activity' && e.id === a.id)).toBe(true);
      expect(cal.entries.some((e: any) => e.type === 'promotion' && e.name.startsWith('满300减40'))).toBe(true);
      const done = await admin.post(`/api/v1/marketing/activities/${a.id}/tasks/${a.tasks[0].id}`, { done: true });
      expect(done.json().tasks[0]).toMatchObject({ done: true, doneBy: expect.any(String) });
      const stock = (await admin.get(`/api/v1/marketing/activities/${a.id}/stock-check`)).json();
      expect(stock.rows.map((r: any) => r.code).sort()).toEqual(['CUP-A', 'CUP-B']);
      for (const r of stock.rows) expect(r.shortfall).toBe(Math.max(0, r.forecast - r.available));
      expect((await admin.post(`/api/v1/marketing/activities/${a.id}/end`)).json().status).toBe('ended');
      const eff = (await admin.get(`/api/v1/marketing/activities/${a.id}/effect`)).json();
      // Today's paid, not cancelled orders: the re-used coupon order (268.00, 60.00 off) only.
      expect(eff.current).toMatchObject({ salesFen: 26800, orders: 1, buyers: 1, newBuyers: 1, aovFen: 26800, promotionCostFen: 6000 });
      expect(eff.current.grossProfitFen).toBe(26800 - 8000 - 5000);
      expect(eff.roi).toBeCloseTo(26800 / 6000, 2);
      const x = await admin.get(`/api/v1/marketing/activities/${a.id}/effect.xlsx`);
      expect(x.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      expect(ws.getCell('A1').value).toBe('店铺活动销售成果汇报表');
      const salesRow = ws.getRow(6);
      expect([salesRow.getCell(1).value, salesRow.getCell(2).value, salesRow.getCell(2).numFmt]).toEqual(['销售额', 268, '¥#,##0.00']);
    });
  });
});

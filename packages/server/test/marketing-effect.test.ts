/**
 * The effect report's scope on both databases: an activity with target products counts only those
 * products' order lines (sales without shipping, orders and buyers with such a line, their discounts
 * and costs); one without counts whole orders of the shop — each figure against a hand count of the
 * orders written, and the exported 汇报表 says which it counted.
 */
import { addDays, businessDay } from '@yunying/core';
import ExcelJS from 'exceljs';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { makeBackdatedOrder, makeShop, makeSku } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const TZ = 'Asia/Shanghai';

describeEachDialect('marketing: effect report by target products', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  let target: string;
  let other: string;
  const T = businessDay(Date.now(), TZ);
  const start = addDays(T, -10);
  const end = addDays(T, -8);

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '效果报告店');
    target = await makeSku(ctx, { code: 'EFF-T', priceFen: 10000, stock: 100 });
    other = await makeSku(ctx, { code: 'EFF-O', priceFen: 5000, stock: 100 });
    const order = (
      nick: string,
      day: string,
      lines: { skuId: string; qty: number; unitPriceFen: number; unitCostFen: number; paidFen?: number; refundFen?: number }[],
    ) =>
      makeBackdatedOrder(ctx, {
        shopId,
        day,
        paidDay: day,
        status: 'completed',
        visitorId: null,
        nick,
        sourceCode: null,
        shippingFen: 800,
        lines,
      });
    // Activity window: A buys the target (discounted) and the other SKU; B only the other; C the target twice, one refunded.
    await order('甲', start, [
      { skuId: target, qty: 2, unitPriceFen: 10000, unitCostFen: 4000, paidFen: 16000 },
      { skuId: other, qty: 1, unitPriceFen: 5000, unitCostFen: 2000 },
    ]);
    await order('乙', addDays(start, 1), [{ skuId: other, qty: 3, unitPriceFen: 5000, unitCostFen: 2000, paidFen: 14000 }]);
    await order('丙', end, [{ skuId: target, qty: 2, unitPriceFen: 10000, unitCostFen: 4000, paidFen: 18000, refundFen: 9000 }]);
    // Baseline (the 3 days before): 丙 bought the target once; 丁 the other SKU.
    await order('丙', addDays(start, -2), [{ skuId: target, qty: 1, unitPriceFen: 10000, unitCostFen: 4000 }]);
    await order('丁', addDays(start, -1), [{ skuId: other, qty: 1, unitPriceFen: 5000, unitCostFen: 2000 }]);
  });

  const activity = async (name: string, skuIds: string[]) => {
    const res = await admin.post('/api/v1/marketing/activities', { shopId, name, kind: 'own', startDay: start, endDay: end, skuIds });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    const eff = await admin.get(`/api/v1/marketing/activities/${id}/effect`);
    expect(eff.statusCode, eff.body).toBe(200);
    return { id, report: eff.json() };
  };

  it('with target products: only their lines count', async () => {
    const { id, report } = await activity('目标商品活动', [target]);
    expect(report.scope).toBe('products');
    expect(report.targetSkus).toBe(1);
    expect(report.activity).toMatchObject({ baselineFrom: addDays(start, -3), baselineTo: addDays(start, -1) });
    // Lines of the target: 甲 16000 paid (4000 off), 丙 18000 paid (2000 off) with 9000 refunded.
    expect(report.current).toEqual({
      salesFen: 16000 + 18000 - 9000,
      orders: 2,
      buyers: 2,
      newBuyers: 1, // 丙 bought before the window
      aovFen: Math.round((16000 + 18000) / 2),
      promotionCostFen: 4000 + 2000,
      grossProfitFen: 25000 - 4 * 4000,
      marginBp: Math.round(((25000 - 16000) * 10000) / 25000),
    });
    expect(report.baseline).toMatchObject({ salesFen: 10000, orders: 1, buyers: 1, promotionCostFen: 0, grossProfitFen: 6000 });
    expect(report.roi).toBe(Math.round((25000 / 6000) * 100) / 100);

    const xlsx = await admin.get(`/api/v1/marketing/activities/${id}/effect.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const text: string[] = [];
    wb.worksheets[0]!.eachRow((r) => r.eachCell((c) => text.push(String(c.value))));
    expect(text.join('\n')).toContain('统计范围：活动目标商品（1 个 SKU）的订单行');
  });

  it('without target products: whole orders of the shop, shipping included', async () => {
    const { report } = await activity('全店活动', []);
    expect(report.scope).toBe('shop');
    const paid = 16000 + 5000 + 800 + (14000 + 800) + (18000 + 800);
    expect(report.current).toMatchObject({
      salesFen: paid - 9000,
      orders: 3,
      buyers: 3,
      newBuyers: 2,
      grossProfitFen: paid - 9000 - (4 * 4000 + 4 * 2000),
    });
    expect(report.baseline).toMatchObject({ salesFen: 10000 + 800 + 5000 + 800, orders: 2 });
  });
});

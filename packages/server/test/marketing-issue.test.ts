/**
 * Issuing coupons to customers on both databases: to an RFM segment (every customer the RFM page
 * puts in it, no one else) and to a saved segment (客户分群) — each buyer once under the per-person
 * limit, the total limit holding, an empty segment refused in Chinese, every issue audited.
 */
import { addDays, businessDay } from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import * as customers from '../src/modules/customers/index.js';
import { describeEachDialect } from './dialects.js';
import { makeBackdatedOrder, makeShop, makeSku } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const TZ = 'Asia/Shanghai';

describeEachDialect('marketing: coupons issued to segments', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  let otherShop: string;
  const T = businessDay(Date.now(), TZ);
  /** Recent, frequent, big spenders (重要价值); lapsed one-off small buyers (一般挽留); recent one-off (一般发展). */
  const vip = ['价值甲', '价值乙', '价值丙', '价值丁'];
  const lapsed = ['沉睡1', '沉睡2', '沉睡3', '沉睡4', '沉睡5'];
  const fresh = ['新客A', '新客B', '新客C'];

  const template = async (name: string, totalLimit: number, shop = shopId) => {
    const res = await admin.post('/api/v1/marketing/coupon-templates', {
      shopId: shop,
      name,
      kind: 'amount',
      thresholdFen: 10000,
      amountFen: 1000,
      validity: { type: 'relative', days: 14 },
      totalLimit,
      perCustomerLimit: 1,
      returnOnRefund: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const holders = async (templateId: string) => {
    const res = await admin.get(`/api/v1/marketing/coupons?templateId=${templateId}&page=1&pageSize=200`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as { buyerNick: string; source: string }[]).map((c) => ({ nick: c.buyerNick, source: c.source }));
  };

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '发券测试店');
    otherShop = await makeShop(ctx, admin, '另一家店', { channel: 'jd' });
    const sku = await makeSku(ctx, { code: 'ISSUE-1', priceFen: 5000, stock: 1000 });
    const order = (shop: string, nick: string, day: string, unitPriceFen: number, qty = 1) =>
      makeBackdatedOrder(ctx, {
        shopId: shop,
        day,
        paidDay: day,
        status: 'completed',
        visitorId: null,
        nick,
        sourceCode: null,
        shippingFen: 0,
        lines: [{ skuId: sku, qty, unitPriceFen, unitCostFen: 1000 }],
      });
    for (const [i, nick] of vip.entries())
      for (const back of [3 + i, 12 + i, 25 + i]) await order(shopId, nick, addDays(T, -back), 50000, 1);
    for (const [i, nick] of lapsed.entries()) await order(shopId, nick, addDays(T, -(150 + i)), 3000);
    for (const [i, nick] of fresh.entries()) await order(shopId, nick, addDays(T, -(30 + i)), 10000);
    // The same nick in another shop: never issued by this shop's template.
    await order(otherShop, '沉睡1', addDays(T, -160), 3000);
    await customers.markShopDirty(ctx.tdb.database.db, shopId);
    await customers.markShopDirty(ctx.tdb.database.db, otherShop);
  }, 60_000);

  it('to an RFM segment: exactly the customers the RFM page counts in it, once each', async () => {
    const rfm = (await admin.get(`/api/v1/customers/rfm?shopId=${shopId}`)).json() as {
      segments: { segment: string; customers: number }[];
    };
    const count = (s: string) => rfm.segments.find((x) => x.segment === s)?.customers ?? 0;
    expect(count('general_retain')).toBe(lapsed.length);
    const members = await admin.post('/api/v1/customers/segments/preview', {
      rules: { shopId, rfmSegments: ['general_retain'] },
      pageSize: 200,
    });
    expect(members.statusCode, members.body).toBe(200);
    expect((members.json().items as { nick: string }[]).map((m) => m.nick).sort()).toEqual([...lapsed].sort());

    const id = await template('唤醒券 满100减10', 1000);
    // By its Chinese name, as the console and the CLI name it.
    const res = await admin.post(`/api/v1/marketing/coupon-templates/${id}/issue`, { segment: '一般挽留' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ issued: lapsed.length, refusedCount: 0 });
    const held = await holders(id);
    expect(held.map((h) => h.nick).sort()).toEqual([...lapsed].sort());
    expect(held.every((h) => h.source === 'segment')).toBe(true);
    // Again: everyone already holds their one coupon.
    const again = (await admin.post(`/api/v1/marketing/coupon-templates/${id}/issue`, { segment: 'general_retain' })).json();
    expect(again).toMatchObject({ issued: 0, refusedCount: lapsed.length });
    expect(again.refused[0].reason).toContain('每人限领');
    const t = (await admin.get(`/api/v1/marketing/coupon-templates/${id}`)).json();
    expect(t.issued).toBe(lapsed.length);
    // The other shop's 沉睡1 holds nothing of it.
    expect((await admin.get(`/api/v1/marketing/coupons?shopId=${otherShop}&page=1&pageSize=50`)).json().items).toHaveLength(0);
  });

  it('to a saved segment: its members in the template shop, the total limit holding', async () => {
    const seg = await admin.post('/api/v1/customers/segments', { name: '高频大客户', rules: { shopId, paidOrdersMin: 3 } });
    expect(seg.statusCode, seg.body).toBe(200);
    const segmentId = seg.json().id as string;
    const id = await template('大客户专享券', 1000);
    const res = await admin.post(`/api/v1/marketing/coupon-templates/${id}/issue`, { savedSegmentId: segmentId });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ issued: vip.length, refusedCount: 0 });
    expect((await holders(id)).map((h) => h.nick).sort()).toEqual([...vip].sort());

    // Only 3 to give: the fourth member is refused with the reason.
    const scarce = await template('限量券', 3);
    const out = (await admin.post(`/api/v1/marketing/coupon-templates/${scarce}/issue`, { savedSegmentId: segmentId })).json();
    expect(out).toMatchObject({ issued: 3, refusedCount: 1 });
    expect(out.refused[0].reason).toContain('已发完');
    expect(await holders(scarce)).toHaveLength(3);

    const log = (await admin.get('/api/v1/audit?entityType=coupon_template')).json().items as { action: string; entityId: string }[];
    expect(log.filter((l) => l.action === 'coupon.issue' && [id, scarce].includes(l.entityId))).toHaveLength(2);
  });

  it('an empty segment is refused in Chinese, naming what to do', async () => {
    const id = await template('空分群券', 100);
    const res = await admin.post(`/api/v1/marketing/coupon-templates/${id}/issue`, { segment: 'important_retain' });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail ?? res.json().title).toContain('分群');
    const unknown = await admin.post(`/api/v1/marketing/coupon-templates/${id}/issue`, { segment: '不存在的分群' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail ?? unknown.json().title).toContain('未知的 RFM 分群');
  });
});

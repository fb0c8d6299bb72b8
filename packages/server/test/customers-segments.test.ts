/**
 * Saved segments (issue 11 §3): the filter builder's rules against a brute-force count from the raw
 * orders (paid days, orders, amount, lifecycle, product bought, tags), save / list with live counts /
 * members / export (masked without customers.pii.read) / update / delete, the Chinese errors, shop
 * scoping, and `segmentMembers` for other modules.
 */
import { addDays, businessDay } from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import * as customers from '../src/modules/customers/index.js';
import { prng } from './brute.js';
import { describeEachDialect } from './dialects.js';
import { makeBackdatedOrder, makeOrder, makeShop, makeSku, makeUserWithPermissions } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const TZ = 'Asia/Shanghai';

interface Buyer {
  nick: string;
  days: string[];
  net: number;
}

describeEachDialect('customers: saved segments from the filter builder', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopA: string;
  let shopB: string;
  const T = businessDay(Date.now(), TZ);
  const buyers = new Map<string, Buyer>();
  /** Every buyer nick with an order, paid or not (a customer even without a paid order). */
  const nicks = new Set<string>();
  const db = () => ctx.tdb.database.db;

  const paid = (nick: string, day: string, fen: number) => {
    const b = buyers.get(nick) ?? { nick, days: [], net: 0 };
    b.days.push(day);
    b.net += fen;
    buyers.set(nick, b);
  };
  const count = (pred: (b: Buyer) => boolean) => [...buyers.values()].filter(pred).length;
  const first = (b: Buyer) => [...b.days].sort()[0]!;
  const last = (b: Buyer) => [...b.days].sort().at(-1)!;
  const preview = async (rules: Record<string, unknown>, pageSize = 20) => {
    const res = await admin.post('/api/v1/customers/segments/preview', { rules: { shopId: shopA, ...rules }, pageSize });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { total: number; totalCapped: boolean; items: { id: string; nick: string; paidFen: number; phone: string }[] };
  };

  beforeAll(async () => {
    admin = await ctx.admin();
    shopA = await makeShop(ctx, admin, '天猫旗舰店');
    shopB = await makeShop(ctx, admin, '京东自营店', { channel: 'jd' });
    const cup = await makeSku(ctx, { code: 'SEG-1', priceFen: 5000, stock: 1000, title: '不锈钢保温杯' });
    const scarf = await makeSku(ctx, { code: 'SEG-2', priceFen: 8000, stock: 1000, title: '羊毛围巾' });
    const rnd = prng(dialect === 'sqlite' ? 21 : 22);
    // 36 buyers: one-off, repeat and lapsed; some orders never paid.
    for (let b = 0; b < 36; b++) {
      const nick = `分群买家${b}`;
      const n = b % 3 === 0 ? 1 : 2 + Math.floor(rnd() * 4);
      let day = addDays(T, -(b % 3 === 2 ? 160 : Math.floor(rnd() * 100) + 5));
      for (let i = 0; i < n && day < T; i++) {
        const unpaid = rnd() < 0.1;
        const qty = 1 + Math.floor(rnd() * 3);
        const price = 1000 + Math.floor(rnd() * 16) * 500;
        await makeBackdatedOrder(ctx, {
          shopId: shopA,
          day,
          paidDay: unpaid ? null : day,
          status: unpaid ? 'pending_payment' : 'completed',
          visitorId: null,
          nick,
          sourceCode: null,
          shippingFen: 0,
          lines: [{ skuId: cup, qty, unitPriceFen: price, unitCostFen: 500 }],
        });
        nicks.add(nick);
        if (!unpaid) paid(nick, day, qty * price);
        day = addDays(day, 7 + Math.floor(rnd() * 30));
      }
    }
    await customers.markShopDirty(db(), shopA);
    // Two scarf buyers through the API (paid today): one new, one already a cup buyer.
    for (const nick of ['围巾新客', '分群买家1']) {
      const o = await makeOrder(admin, shopA, [{ skuId: scarf, qty: 1, unitPriceFen: 8000 }], { buyerNick: nick });
      nicks.add(nick);
      paid(nick, T, Number(o.paidFen));
    }
    // A buyer of the other shop must never appear in shop A's segments.
    await makeOrder(admin, shopB, [{ skuId: scarf, qty: 1 }], { buyerNick: '分群买家2' });
  }, 120_000);

  it('each condition counts what a brute-force pass over the raw orders counts', async () => {
    const from = addDays(T, -60);
    expect((await preview({})).total).toBe(nicks.size);
    expect((await preview({ paidOrdersMin: 1 })).total).toBe(buyers.size);
    expect((await preview({ lastPaidFrom: from, paidOrdersMin: 2 })).total).toBe(count((b) => last(b) >= from && b.days.length >= 2));
    expect((await preview({ firstPaidTo: addDays(T, -90) })).total).toBe(count((b) => first(b) <= addDays(T, -90)));
    expect((await preview({ netFenMin: 10_000, netFenMax: 40_000 })).total).toBe(count((b) => b.net >= 10_000 && b.net <= 40_000));
    expect((await preview({ lifecycles: ['buyer'] })).total).toBe(count((b) => b.days.length === 1));
    expect((await preview({ lifecycles: ['repeat', 'loyal'] })).total).toBe(count((b) => b.days.length >= 2));
    const scarf = await preview({ product: '围巾' });
    expect(scarf.items.map((i) => i.nick).sort()).toEqual(['分群买家1', '围巾新客']);
    expect((await preview({ channels: ['jd'] })).total).toBe(0);
    // RFM segments: the union of the chosen segments' counts on the RFM page.
    const rfm = (await admin.get(`/api/v1/customers/rfm?shopId=${shopA}`)).json();
    const of = (s: string) => rfm.segments.find((x: { segment: string }) => x.segment === s).customers as number;
    expect((await preview({ rfmSegments: ['important_retain', 'general_retain'] })).total).toBe(
      of('important_retain') + of('general_retain'),
    );
    // A page is sorted by paid amount, largest first.
    const page = await preview({ paidOrdersMin: 1 }, 5);
    expect(page.items).toHaveLength(5);
    expect(page.items.map((i) => i.paidFen)).toEqual([...page.items.map((i) => i.paidFen)].sort((a, b) => b - a));
    expect(page.totalCapped).toBe(false);
  });

  it('tags: any of the chosen tags, none of the excluded ones', async () => {
    const all = await preview({}, 200);
    const ids = all.items.map((i) => i.id);
    expect((await admin.post('/api/v1/customers/tags', { tag: '高潜', customerIds: ids.slice(0, 6) })).statusCode).toBe(200);
    expect((await admin.post('/api/v1/customers/tags', { tag: '投诉过', customerIds: ids.slice(4, 8) })).statusCode).toBe(200);
    expect((await preview({ tags: ['高潜', '投诉过'] })).total).toBe(8);
    expect((await preview({ tags: ['高潜'], excludeTags: ['投诉过'] })).total).toBe(4);
    expect((await preview({ excludeTags: ['高潜'] })).total).toBe(nicks.size - 6);
  });

  it('save, list with live counts, members, export, rename, delete; Chinese errors', async () => {
    const rules = { shopId: shopA, paidOrdersMin: 2 };
    const want = count((b) => b.days.length >= 2);
    const made = await admin.post('/api/v1/customers/segments', { name: '复购客户', rules });
    expect(made.statusCode, made.body).toBe(200);
    const seg = made.json();
    expect(seg.rules).toMatchObject(rules);
    const again = await admin.post('/api/v1/customers/segments', { name: '复购客户', rules });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail ?? again.body).toContain('已有名为「复购客户」的分群');
    const bad = await admin.post('/api/v1/customers/segments', { name: '坏的', rules: { shopId: shopA, netFenMin: 500, netFenMax: 100 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('消费金额的下限大于上限');
    const noName = await admin.post('/api/v1/customers/segments', { name: ' ', rules });
    expect(noName.statusCode).toBe(400);
    expect(noName.body).toContain('请填写分群名称');

    const list = (await admin.get(`/api/v1/customers/segments?shopId=${shopA}`)).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ id: seg.id, name: '复购客户', count: want });

    const members = await admin.get(`/api/v1/customers/segments/${seg.id}?pageSize=10`);
    expect(members.statusCode, members.body).toBe(200);
    expect(members.json().total).toBe(want);
    expect(members.json().segment.name).toBe('复购客户');

    // The export: every member, phones masked for a user without customers.pii.read.
    const csv = await admin.get(`/api/v1/customers/segments/${seg.id}/export?format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\n').filter(Boolean)).toHaveLength(want + 1);
    expect(csv.body).toContain('13800000000');
    expect(csv.body).not.toContain('****');
    const viewer = await makeUserWithPermissions(ctx, admin, { username: `segview_${dialect}`, permissions: ['customers.read'] });
    const masked = await viewer.get(`/api/v1/customers/segments/${seg.id}/export?format=csv`);
    expect(masked.statusCode).toBe(200);
    expect(masked.body).not.toContain('13800000000');
    expect(masked.body).toContain('138****0000');
    expect((await viewer.post('/api/v1/customers/segments', { name: 'x', rules })).statusCode).toBe(403);

    // Other modules: the members with their contact details.
    const via = await customers.segmentMembers(db(), ctx.orgId, seg.id);
    expect(via.members).toHaveLength(want);
    expect(via.members.every((m) => m.shopId === shopA && /^138\d{8}$/.test(m.phone))).toBe(true);

    // A user of shop B only does not see shop A's segments.
    const other = await makeUserWithPermissions(ctx, admin, {
      username: `segb_${dialect}`,
      permissions: ['customers.read', 'customers.write'],
      shopIds: [shopB],
    });
    expect((await other.get(`/api/v1/customers/segments/${seg.id}`)).statusCode).toBe(404);
    expect((await other.get('/api/v1/customers/segments')).json().items).toHaveLength(0);
    expect((await other.post('/api/v1/customers/segments/preview', { rules })).statusCode).toBe(404);

    const renamed = await admin.patch(`/api/v1/customers/segments/${seg.id}`, {
      name: '老客',
      rules: { ...rules, paidOrdersMin: 3 },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((await admin.get(`/api/v1/customers/segments/${seg.id}`)).json().total).toBe(count((b) => b.days.length >= 3));
    expect((await admin.delete(`/api/v1/customers/segments/${seg.id}`)).statusCode).toBe(200);
    expect((await admin.get(`/api/v1/customers/segments/${seg.id}`)).statusCode).toBe(404);
    await expect(customers.segmentMembers(db(), ctx.orgId, seg.id)).rejects.toThrow('不存在');
  });
});

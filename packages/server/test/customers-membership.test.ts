/**
 * Membership (issue 11 §4): levels by net amount or paid orders with reasons, points earned on paid
 * orders and reversed on cancellation/refund (never below zero), redeem and adjust with audit and
 * Chinese refusals, concurrent redeems that cannot overspend, and the balance always equal to the
 * ledger sum; the member level for member prices through index.ts and in the segment builder.
 */
import { beforeAll, expect, it } from 'vitest';
import * as customers from '../src/modules/customers/index.js';
import { describeEachDialect } from './dialects.js';
import { makeOrder, makeShop, makeSku } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

describeEachDialect('customers: membership levels and points', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shop: string;
  let sku: string;
  let silver: string;
  let gold: string;

  const customerOf = async (nick: string) => {
    const r = await admin.get(`/api/v1/customers?shopId=${shop}&q=${encodeURIComponent(nick)}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json().items[0] as { id: string; memberLevel: string | null };
  };
  const points = async (id: string) => {
    const r = await admin.get(`/api/v1/customers/${id}/points?pageSize=200`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as {
      balance: number;
      level: { name: string } | null;
      ledger: { total: number; items: { kind: string; points: number; balanceAfter: number; reason: string }[] };
      levelChanges: { from: string | null; to: string | null; reason: string }[];
    };
  };
  /**
   * The balance equals the ledger sum, and the rows chain: in the order the updates took the
   * account's row lock, each row's balance-after is the previous one plus its points, never below
   * zero. Rows written in the same millisecond by concurrent requests may be listed in either
   * order, so the chain is rebuilt from the values rather than from the listing.
   */
  const checkLedger = (p: Awaited<ReturnType<typeof points>>) => {
    const left = [...p.ledger.items].reverse();
    let run = 0;
    while (left.length) {
      const i = left.findIndex((r) => r.balanceAfter === run + r.points);
      expect(i, `no ledger row continues the balance ${run}`).toBeGreaterThanOrEqual(0);
      const [r] = left.splice(i, 1);
      run = r!.balanceAfter;
      expect(run).toBeGreaterThanOrEqual(0);
    }
    expect(p.balance).toBe(run);
  };

  beforeAll(async () => {
    admin = await ctx.admin();
    shop = await makeShop(ctx, admin, '会员测试店');
    sku = await makeSku(ctx, { code: 'MEM-1', priceFen: 1000, stock: 1000 });
    const s = await admin.post('/api/v1/customers/membership/settings', {
      enabled: true,
      pointsPerYuan: 2,
      memberDay: null,
      memberDayMultiplier: 200,
    });
    expect(s.statusCode, s.body).toBe(200);
    const a = await admin.post('/api/v1/customers/membership/levels', { name: '银卡', minNetFen: 10_000, minOrders: null });
    expect(a.statusCode, a.body).toBe(200);
    silver = a.json().id;
    const b = await admin.post('/api/v1/customers/membership/levels', {
      name: '金卡',
      minNetFen: 50_000,
      minOrders: 4,
      pointsMultiplier: 150,
      discountPct: 95,
      freeShipping: true,
    });
    expect(b.statusCode, b.body).toBe(200);
    gold = b.json().id;
  });

  it('levels: thresholds and Chinese refusals', async () => {
    const none = await admin.post('/api/v1/customers/membership/levels', { name: '铜卡', minNetFen: null, minOrders: null });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('请至少填写一个门槛');
    const dup = await admin.post('/api/v1/customers/membership/levels', { name: '银卡', minNetFen: 1, minOrders: null });
    expect(dup.statusCode).toBe(409);
    expect(dup.body).toContain('已有名为「银卡」的会员等级');
    const m = (await admin.get('/api/v1/customers/membership')).json();
    expect(m.settings).toMatchObject({ enabled: true, pointsPerYuan: 2 });
    expect(m.levels.map((l: { name: string }) => l.name)).toEqual(['银卡', '金卡']);
  });

  it('points: earned on payment, reversed on cancellation, never below zero; redeem and adjust; levels with reasons', async () => {
    // ¥60 paid → 120 points (2 per yuan), no level yet.
    const o1 = await makeOrder(admin, shop, [{ skuId: sku, qty: 6, unitPriceFen: 1000 }], { buyerNick: '会员甲' });
    const c = await customerOf('会员甲');
    expect(c.memberLevel).toBeNull();
    let p = await points(c.id);
    expect(p.balance).toBe(Math.floor((Number(o1.paidFen) / 100) * 2));
    // ¥80 more → net ¥140 + shipping: 银卡 with its reason.
    const o2 = await makeOrder(admin, shop, [{ skuId: sku, qty: 8, unitPriceFen: 1000 }], { buyerNick: '会员甲' });
    expect((await customerOf('会员甲')).memberLevel).toBe('银卡');
    p = await points(c.id);
    const earned = Math.floor((Number(o1.paidFen) / 100) * 2) + Math.floor((Number(o2.paidFen) / 100) * 2);
    expect(p.balance).toBe(earned);
    expect(p.level?.name).toBe('银卡');
    expect(p.levelChanges[0]).toMatchObject({ from: null, to: '银卡' });
    expect(p.levelChanges[0]!.reason).toContain('达到「银卡」门槛');
    checkLedger(p);

    // Redeem most of it, then cancel the second order: the reversal stops at zero.
    const tooMuch = await admin.post(`/api/v1/customers/${c.id}/points`, { kind: 'redeem', points: earned + 1, reason: '兑换礼品' });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.body).toContain('积分不足');
    const r = await admin.post(`/api/v1/customers/${c.id}/points`, { kind: 'redeem', points: earned - 10, reason: '兑换保温杯' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().balance).toBe(10);
    const noReason = await admin.post(`/api/v1/customers/${c.id}/points`, { kind: 'adjust', points: 5, reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('请填写原因');
    expect((await admin.post(`/api/v1/orders/${o2.id}/cancel`, { reason: '买家不要了' })).statusCode).toBe(200);
    p = await points(c.id);
    expect(p.balance).toBe(0);
    expect(p.ledger.items[0]).toMatchObject({ kind: 'reverse', points: -10 });
    expect(p.ledger.items[0]!.reason).toContain('余额不足');
    // Net falls below ¥100: the level drops, with the reason.
    expect(p.level).toBeNull();
    expect(p.levelChanges[0]).toMatchObject({ from: '银卡', to: null });
    checkLedger(p);
    const audit = await admin.get('/api/v1/audit?action=customer.points_redeem');
    expect(audit.statusCode).toBe(200);
    expect(audit.body).toContain('兑换保温杯');
  });

  it('concurrent redeems never overspend; the balance stays the ledger sum', async () => {
    await makeOrder(admin, shop, [{ skuId: sku, qty: 5, unitPriceFen: 1000 }], { buyerNick: '会员乙' });
    const c = await customerOf('会员乙');
    const start = (await points(c.id)).balance;
    expect(start).toBeGreaterThanOrEqual(100);
    const each = Math.floor(start / 3);
    const tries = await Promise.all(
      Array.from({ length: 8 }, () => admin.post(`/api/v1/customers/${c.id}/points`, { kind: 'redeem', points: each, reason: '并发兑换' })),
    );
    const ok = tries.filter((t) => t.statusCode === 200).length;
    expect(ok).toBe(3);
    expect(tries.filter((t) => t.statusCode !== 200).every((t) => t.statusCode === 409)).toBe(true);
    const p = await points(c.id);
    expect(p.balance).toBe(start - 3 * each);
    checkLedger(p);
  });

  it('gold by order count: member price for pricing, 1.5× points, and the segment builder by level', async () => {
    for (let i = 0; i < 4; i++) await makeOrder(admin, shop, [{ skuId: sku, qty: 3, unitPriceFen: 1000 }], { buyerNick: '会员丙' });
    const c = await customerOf('会员丙');
    expect(c.memberLevel).toBe('金卡');
    const level = await customers.memberLevelOf(ctx.tdb.database.db, c.id);
    expect(level).toMatchObject({ id: gold, discountPct: 95, freeShipping: true, pointsMultiplier: 150 });
    // The fifth order earns at 1.5×.
    const o = await makeOrder(admin, shop, [{ skuId: sku, qty: 2, unitPriceFen: 1000 }], { buyerNick: '会员丙' });
    const p = await points(c.id);
    expect(p.ledger.items[0]).toMatchObject({ kind: 'earn', points: Math.floor((Number(o.paidFen) / 100) * 2 * 1.5) });
    checkLedger(p);
    const seg = await admin.post('/api/v1/customers/segments/preview', { rules: { shopId: shop, levels: [gold] } });
    expect(seg.statusCode, seg.body).toBe(200);
    expect(seg.json().items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect((await admin.post('/api/v1/customers/segments/preview', { rules: { shopId: shop, levels: [silver] } })).json().total).toBe(0);
    // Deleting a level re-judges its members.
    expect((await admin.delete(`/api/v1/customers/membership/levels/${gold}`)).statusCode).toBe(200);
    expect((await customerOf('会员丙')).memberLevel).toBe('银卡');
  });
});

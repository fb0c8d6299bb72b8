/**
 * Points expiry (issue 11 §4): the daily job writes `expire` ledger rows by the organisation's rule
 * (次年年底清零, or n months), first-in first-out against redemptions, once per shop and day, never
 * below zero; the balance stays the ledger sum; the member's outlook shows the rule and what is
 * about to expire.
 */
import { addDays, addMonths, businessDay } from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import * as customers from '../src/modules/customers/index.js';
import { describeEachDialect } from './dialects.js';
import { makeOrder, makeShop, makeSku } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const TZ = 'Asia/Shanghai';

describeEachDialect('customers: points expiry', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shop: string;
  let sku: string;
  const today = () => businessDay(Date.now(), TZ);
  const year = () => Number(today().slice(0, 4));

  const settings = (pointsExpiry: string, pointsExpiryN: number) =>
    admin.post('/api/v1/customers/membership/settings', {
      enabled: true,
      pointsPerYuan: 1,
      memberDay: null,
      memberDayMultiplier: 200,
      pointsExpiry,
      pointsExpiryN,
    });
  const customerOf = async (nick: string) =>
    (await admin.get(`/api/v1/customers?shopId=${shop}&q=${encodeURIComponent(nick)}`)).json().items[0] as { id: string };
  const points = async (id: string) => {
    const r = await admin.get(`/api/v1/customers/${id}/points?pageSize=200`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as {
      balance: number;
      ledger: { items: { kind: string; points: number; balanceAfter: number; reason: string }[] };
      expiry: { rule: string; mode: string; nextDay: string | null; expiringPoints: number };
    };
  };
  const ledgerSum = (p: Awaited<ReturnType<typeof points>>) => p.ledger.items.reduce((s, r) => s + r.points, 0);
  const expire = (day: string) => customers.expireShopPoints(ctx.tdb.database.db, { id: shop, orgId: ctx.orgId, timezone: TZ }, day);

  beforeAll(async () => {
    admin = await ctx.admin();
    shop = await makeShop(ctx, admin, '积分到期店');
    sku = await makeSku(ctx, { code: 'EXP-1', priceFen: 10_000, stock: 100 });
  });

  it('refuses a bad rule in Chinese and keeps points forever by default', async () => {
    const bad = await settings('weeks', 1);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('积分有效期应为');
    const zero = await settings('months', 0);
    expect(zero.statusCode).toBe(400);
    expect(zero.body).toContain('积分有效期至少为 1');
    const off = await admin.post('/api/v1/customers/membership/settings', {
      enabled: true,
      pointsPerYuan: 1,
      memberDay: null,
      memberDayMultiplier: 200,
    });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ pointsExpiry: 'none' });
    expect(await expire(`${year() + 5}-01-01`)).toMatchObject({ ran: false, points: 0 });
  });

  it('次年年底清零: unused points of this year expire after 31 December next year, once a day, FIFO after a redemption', async () => {
    expect((await settings('years', 1)).statusCode).toBe(200);
    const o = await makeOrder(admin, shop, [{ skuId: sku, qty: 1, unitPriceFen: 10_000 }], { buyerNick: '到期甲' });
    const c = await customerOf('到期甲');
    const earned = Math.floor(Number(o.paidFen) / 100);
    expect((await points(c.id)).balance).toBe(earned);
    const r = await admin.post(`/api/v1/customers/${c.id}/points`, { kind: 'redeem', points: 30, reason: '兑换' });
    expect(r.statusCode, r.body).toBe(200);

    let p = await points(c.id);
    expect(p.expiry).toMatchObject({ rule: '次年年底清零', mode: 'years', nextDay: `${year()}-12-31`, expiringPoints: 0 });

    // On the last valid day nothing expires; the day after, the unused rest does.
    expect(await expire(`${year() + 1}-12-31`)).toMatchObject({ ran: true, customers: 0, points: 0 });
    const run = await expire(`${year() + 2}-01-01`);
    expect(run).toMatchObject({ ran: true, customers: 1, points: earned - 30 });
    p = await points(c.id);
    expect(p.balance).toBe(0);
    expect(p.ledger.items[0]).toMatchObject({ kind: 'expire', points: -(earned - 30), balanceAfter: 0 });
    expect(p.ledger.items[0]!.reason).toContain('次年年底清零');
    expect(ledgerSum(p)).toBe(p.balance);

    // Idempotent per day, and nothing more the next day.
    expect(await expire(`${year() + 2}-01-01`)).toMatchObject({ ran: false, points: 0 });
    expect(await expire(`${year() + 2}-01-02`)).toMatchObject({ ran: true, points: 0 });
    expect((await points(c.id)).ledger.items.filter((x) => x.kind === 'expire')).toHaveLength(1);
  });

  it('n months: points expire n months after they were earned, never below zero', async () => {
    expect((await settings('months', 6)).statusCode).toBe(200);
    const o = await makeOrder(admin, shop, [{ skuId: sku, qty: 2, unitPriceFen: 10_000 }], { buyerNick: '到期乙' });
    const c = await customerOf('到期乙');
    const earned = Math.floor(Number(o.paidFen) / 100);
    const p0 = await points(c.id);
    expect(p0.expiry).toMatchObject({ rule: '获得后 6 个月到期', nextDay: addDays(today(), 30), expiringPoints: 0 });
    const due = addMonths(today(), 6);
    expect(await expire(addDays(due, -1))).toMatchObject({ customers: 0, points: 0 });
    const run = await expire(due);
    expect(run.ran).toBe(true);
    expect(run.points).toBe(earned); // 到期乙's points (到期甲 has none left)
    const p = await points(c.id);
    expect(p.balance).toBe(0);
    expect(ledgerSum(p)).toBe(0);
    // Never below zero: a later run with nothing left writes nothing.
    expect(await expire(addDays(due, 1))).toMatchObject({ points: 0 });
    expect((await points(c.id)).balance).toBe(0);
  });

  it('the API runs today once per shop', async () => {
    const first = await admin.post('/api/v1/customers/membership/expire-points', {});
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().runs.find((x: { shopId: string }) => x.shopId === shop)).toMatchObject({ ran: true, points: 0 });
    const second = await admin.post('/api/v1/customers/membership/expire-points', {});
    expect(second.json().runs.find((x: { shopId: string }) => x.shopId === shop)).toMatchObject({ ran: false });
  });
});

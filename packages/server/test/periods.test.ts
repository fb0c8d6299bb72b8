/**
 * Comparisons on the same footing and refunds as the platforms count them (issue 9 items 1–2):
 * 今日实时 against yesterday and last week up to the same time of day (fixed clock at 08:00),
 * refunds on the day they succeeded (a closed day no longer changes), cancelling a paid order
 * refunds it, month-over-month by calendar month, and a time-zone change rebuilding stored days.
 * Every figure is recomputed from the raw rows by the brute-force counter.
 */
import { addDays, businessDay, dayStart, type DashboardCard } from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import { systemActor } from '../src/http/actor.js';
import { dashboard, markOrderDaysDirty, recomputeDirty } from '../src/modules/analytics/index.js';
import { ingestEvents } from '../src/modules/traffic/index.js';
import { readBack, totals } from './brute.js';
import { describeEachDialect } from './dialects.js';
import { useTestApp, type Client } from './harness.js';
import { makeBackdatedOrder, makeOrder, makeShop, makeSku } from './fixtures.js';

const TZ = 'Asia/Shanghai';
const H = 3_600_000;

describeEachDialect('periods: 同时段 cards', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  let skuId: string;
  const db = () => ctx.tdb.database.db;
  // A fixed clock: 2026-11-18 (a Wednesday) 08:00 in Shanghai.
  const TODAY = '2026-11-18';
  const NOW = dayStart(TODAY, TZ) + 8 * H;
  const Y = addDays(TODAY, -1);
  const W = addDays(TODAY, -7);

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '同时段店', { channel: 'tmall', timezone: TZ });
    skuId = await makeSku(ctx, { code: 'ST1', priceFen: 10000, stock: 10 });
    const shop = { id: shopId, orgId: ctx.orgId, timezone: TZ };
    const view = (v: string, day: string, hour: number) => ({
      type: 'page_view' as const,
      at: dayStart(day, TZ) + hour * H,
      visitorId: v,
      url: '/',
    });
    // Today before 08:00; yesterday and last week before and after 08:00.
    await ingestEvents(db(), shop, [view('t1', TODAY, 7.5), view('t2', TODAY, 1)], { clamp: false });
    await ingestEvents(db(), shop, [view('y1', Y, 6), view('y2', Y, 7.99), view('y3', Y, 8.01), view('y4', Y, 20)], { clamp: false });
    await ingestEvents(db(), shop, [view('w1', W, 0.5), view('w2', W, 9), view('w3', W, 23)], { clamp: false });
    const order = (day: string, paidHour: number, qty: number, refund?: { hour: number; fen: number }) =>
      makeBackdatedOrder(ctx, {
        shopId,
        day,
        paidDay: day,
        status: 'paid',
        visitorId: null,
        nick: `买家${day}${paidHour}`,
        sourceCode: null,
        shippingFen: 0,
        timezone: TZ,
        orderedAt: dayStart(day, TZ) + (paidHour - 0.25) * H,
        paidAt: dayStart(day, TZ) + paidHour * H,
        ...(refund ? { refundAt: dayStart(day, TZ) + refund.hour * H, refundDay: day } : {}),
        lines: [{ skuId, qty, unitPriceFen: 10000, unitCostFen: 3000, ...(refund ? { refundFen: refund.fen } : {}) }],
      });
    await order(TODAY, 7, 1);
    await order(Y, 7.5, 2, { hour: 7.75, fen: 3000 });
    await order(Y, 10, 3, { hour: 12, fen: 5000 });
    await order(W, 3, 1);
    await order(W, 9, 4, { hour: 9.5, fen: 1000 });
    await markOrderDaysDirty(db(), shopId, [TODAY, Y, W, addDays(TODAY, -8), addDays(TODAY, -2)]);
    await recomputeDirty(db(), { now: NOW + 61_000 });
  });

  it('today up to 08:00 is compared with yesterday 00:00–08:00 and last week’s same span, never whole days', async () => {
    const d = await dashboard(db(), systemActor(ctx.orgId), shopId, NOW);
    expect(d.today).toBe(TODAY);
    expect(d.asOf).toBe('08:00');
    const brute = await readBack(db(), shopId);
    const cut = (day: string) => dayStart(day, TZ) + 8 * H;
    const t = totals(brute.day(TODAY, {}, NOW));
    const y = totals(brute.day(Y, {}, cut(Y)));
    const w = totals(brute.day(W, {}, cut(W)));
    const yWhole = totals(brute.day(Y));
    const card = (m: DashboardCard['metric']) => d.cards.find((c) => c.metric === m)!;
    // The figures by hand: yesterday before 08:00 had y1, y2, one order of ¥200 paid and a ¥30 refund.
    expect(card('uv')).toMatchObject({ today: 2, yesterdaySameTime: 2, lastWeekSameTime: 1, yesterday: 4 });
    expect(card('paidFen')).toMatchObject({ today: 10000, yesterdaySameTime: 20000, lastWeekSameTime: 10000, yesterday: 50000 });
    expect(card('refundFen')).toMatchObject({ today: 0, yesterdaySameTime: 3000, lastWeekSameTime: 0, yesterday: 8000 });
    expect(card('orders')).toMatchObject({ yesterdaySameTime: 1, lastWeekSameTime: 1, yesterday: 2 });
    // …and the same by the brute-force recount for every card.
    for (const c of d.cards) {
      const v = (x: typeof t) =>
        c.metric === 'payConversion'
          ? x.uv
            ? x.payingBuyers / x.uv
            : null
          : c.metric === 'aov'
            ? x.payingBuyers
              ? Math.round(x.paidFen / x.payingBuyers)
              : null
            : x[c.metric];
      expect(c, c.metric).toMatchObject({ today: v(t), yesterdaySameTime: v(y), lastWeekSameTime: v(w), yesterday: v(yWhole) });
    }
    // The partial days are built in memory, never stored: yesterday's stored row stays whole.
    const stored = await db()
      .selectFrom('rollup_daily')
      .select(['uv', 'paid_fen'])
      .where('shop_id', '=', shopId)
      .where('day', '=', Y)
      .where('product_id', '=', '')
      .where('source_code', '=', '')
      .executeTakeFirstOrThrow();
    expect({ uv: Number(stored.uv), paid: Number(stored.paid_fen) }).toEqual({ uv: 4, paid: 50000 });
  });
});

describeEachDialect('periods: refunds by success day, cancel after paid, month base, time-zone change', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  let skuId: string;
  const db = () => ctx.tdb.database.db;
  const T = businessDay(Date.now(), TZ);
  const trade = async (from: string, to: string, compare = 'previous') => {
    const r = await admin.get(`/api/v1/analytics/trade?shopId=${shopId}&from=${from}&to=${to}&compare=${compare}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };
  const backdated = (day: string, qty: number, extra: Partial<Parameters<typeof makeBackdatedOrder>[1]> = {}) =>
    makeBackdatedOrder(ctx, {
      shopId,
      day,
      paidDay: day,
      status: 'paid',
      visitorId: null,
      nick: `买家${day}`,
      sourceCode: null,
      shippingFen: 0,
      timezone: TZ,
      lines: [{ skuId, qty, unitPriceFen: 10000, unitCostFen: 3000 }],
      ...extra,
    });

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '退款店', { channel: 'tmall', timezone: TZ });
    skuId = await makeSku(ctx, { code: 'RF1', priceFen: 10000, stock: 50 });
  });

  it('a refund counts on the day it succeeded; the closed day of the original payment does not change', async () => {
    const D = addDays(T, -3);
    const orderId = await backdated(D, 2);
    await markOrderDaysDirty(db(), shopId, [D]);
    const before = await trade(D, D);
    expect(before.current).toMatchObject({ paidFen: 20000, refundFen: 0 });
    const order = (await admin.get(`/api/v1/orders/${orderId}`)).json();
    const c = await admin.post('/api/v1/aftersales', { orderId, type: 'refund_only', lines: [{ orderLineId: order.lines[0].id, qty: 1 }] });
    expect(c.statusCode, c.body).toBe(201);
    const ok = await admin.post(`/api/v1/aftersales/${c.json().id}/refund`, { amountFen: 10000 });
    expect(ok.statusCode, ok.body).toBe(200);
    // The closed day is unchanged; today has the refund.
    expect((await trade(D, D)).current).toEqual(before.current);
    expect((await trade(T, T)).current.refundFen).toBe(10000);
    const ledger = await db().selectFrom('order_refunds').selectAll().where('order_id', '=', orderId).execute();
    expect(ledger.map((r) => [r.refund_day, Number(r.amount_fen), r.order_line_id])).toEqual([[T, 10000, order.lines[0].id]]);
    // The brute-force recount from the raw rows agrees for both days.
    const brute = await readBack(db(), shopId);
    expect(brute.day(D).refundFen).toBe(0);
    expect(brute.day(T).refundFen).toBe(10000);
  });

  it('cancelling a paid order refunds it: in the refunds, the ledger and the order’s timeline', async () => {
    const o = await makeOrder(admin, shopId, [{ skuId, qty: 1 }], { shippingFen: 800 });
    const paid = (await admin.get(`/api/v1/orders/${o.id}`)).json();
    expect(paid.status).toBe('paid');
    const todayBefore = (await trade(T, T)).current.refundFen;
    const res = await admin.post(`/api/v1/orders/${o.id}/cancel`, { reason: '买家不想要了' });
    expect(res.statusCode, res.body).toBe(200);
    const after = (await admin.get(`/api/v1/orders/${o.id}`)).json();
    expect(after).toMatchObject({ status: 'cancelled', refundFen: paid.paidFen });
    expect(after.lines[0]).toMatchObject({ refundFen: paid.lines[0].paidFen, refundedQty: 1 });
    expect(after.events.map((e: { type: string }) => e.type)).toContain('refund');
    const ledger = await db().selectFrom('order_refunds').selectAll().where('order_id', '=', o.id).execute();
    expect(ledger.reduce((s, r) => s + Number(r.amount_fen), 0)).toBe(paid.paidFen);
    expect(ledger.every((r) => r.refund_day === T)).toBe(true);
    expect((await trade(T, T)).current.refundFen).toBe(todayBefore + paid.paidFen);
    // An unpaid order cancelled refunds nothing.
    const unpaid = await makeOrder(admin, shopId, [{ skuId, qty: 1 }], { paid: false });
    expect((await admin.post(`/api/v1/orders/${unpaid.id}/cancel`, {})).statusCode).toBe(200);
    expect(await db().selectFrom('order_refunds').select('id').where('order_id', '=', unpaid.id).execute()).toEqual([]);
  });

  it('近7天 by default ends yesterday: today is the real-time cards, not part of a range', async () => {
    const r = await admin.get(`/api/v1/analytics/trade?shopId=${shopId}`);
    expect(r.statusCode, r.body).toBe(200);
    expect([r.json().from, r.json().to]).toEqual([addDays(T, -7), addDays(T, -1)]);
  });

  it('month over month by calendar month: November 1–30 against October 1–31', async () => {
    await backdated('2026-10-31', 1); // only the whole-month base has the 31st
    await backdated('2026-10-05', 2);
    await backdated('2026-11-05', 3);
    await markOrderDaysDirty(db(), shopId, ['2026-10-31', '2026-10-05', '2026-11-05']);
    const r = await trade('2026-11-01', '2026-11-30', 'mom');
    expect([r.baseFrom, r.baseTo]).toEqual(['2026-10-01', '2026-10-31']);
    const brute = await readBack(db(), shopId);
    expect(r.base.paidFen).toBe(brute.period('2026-10-01', '2026-10-31').paidFen);
    expect(r.base.paidFen).toBe(30000);
    expect(r.current.paidFen).toBe(brute.period('2026-11-01', '2026-11-30').paidFen);
    expect(r.trend.find((p: { day: string }) => p.day === '2026-11-30')).toMatchObject({ baseDay: '2026-10-31', basePaidFen: 10000 });
  });

  it('changing the shop’s time zone rebuilds its stored days (orders, refunds, events, rollups)', async () => {
    const zoneShop = await makeShop(ctx, admin, '时区店', { channel: 'tmall', timezone: TZ });
    const D = addDays(T, -5);
    const at = dayStart(D, TZ) + 1 * H; // 01:00 in Shanghai = 17:00 UTC the day before
    await ingestEvents(db(), { id: zoneShop, orgId: ctx.orgId, timezone: TZ }, [{ type: 'page_view', at, visitorId: 'z1', url: '/' }], {
      clamp: false,
    });
    const orderId = await makeBackdatedOrder(ctx, {
      shopId: zoneShop,
      day: D,
      paidDay: D,
      status: 'paid',
      visitorId: 'z1',
      nick: 'z',
      sourceCode: null,
      shippingFen: 0,
      timezone: TZ,
      orderedAt: at,
      paidAt: at + 60_000,
      refundAt: at + 120_000,
      refundDay: D,
      lines: [{ skuId, qty: 1, unitPriceFen: 10000, unitCostFen: 3000, refundFen: 2000 }],
    });
    await markOrderDaysDirty(db(), zoneShop, [D]);
    const get = async (day: string) => (await admin.get(`/api/v1/analytics/trade?shopId=${zoneShop}&from=${day}&to=${day}`)).json().current;
    expect(await get(D)).toMatchObject({ uv: 1, orders: 1, paidFen: 10000, refundFen: 2000 });
    const res = await admin.patch(`/api/v1/shops/${zoneShop}`, { timezone: 'UTC' });
    expect(res.statusCode, res.body).toBe(200);
    const prev = addDays(D, -1);
    const o = await db().selectFrom('orders').select(['order_day', 'paid_day']).where('id', '=', orderId).executeTakeFirstOrThrow();
    expect(o).toEqual({ order_day: prev, paid_day: prev });
    const ev = await db().selectFrom('events').select('day').where('shop_id', '=', zoneShop).execute();
    expect(ev).toEqual([{ day: prev }]);
    const rf = await db().selectFrom('order_refunds').select('refund_day').where('order_id', '=', orderId).execute();
    expect(rf).toEqual([{ refund_day: prev }]);
    expect(await get(prev)).toMatchObject({ uv: 1, orders: 1, paidFen: 10000, refundFen: 2000 });
    expect(await get(D)).toMatchObject({ uv: 0, orders: 0, paidFen: 0, refundFen: 0 });
  });
});

/**
 * Comparisons on the same footing and refunds as the platforms count them (issue 9 items 1–2):
 * 今日实时 against yesterday and last week up to the same time of day (fixed clock at 08:00),
 * refunds on the day they succeeded (a closed day no longer changes), cancelling a paid order
 * refunds it, month-over-month by calendar month, and a time-zone change rebuilding stored days.
 * Every figure is recomputed from the raw rows by the brute-force counter.
 */
import { addDays, dayStart, type DashboardCard } from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import { systemActor } from '../src/http/actor.js';
import { dashboard, markOrderDaysDirty, recomputeDirty } from '../src/modules/analytics/index.js';
import { ingestEvents } from '../src/modules/traffic/index.js';
import { readBack, totals } from './brute.js';
import { describeEachDialect } from './dialects.js';
import { useTestApp, type Client } from './harness.js';
import { makeBackdatedOrder, makeShop, makeSku } from './fixtures.js';

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

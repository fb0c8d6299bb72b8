import { addDays, businessDay, dayStart, daysBetween, seededRandom, whatIf } from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import { recomputeDays } from '../src/modules/analytics/index.js';
import { ingestEvents } from '../src/modules/traffic/index.js';
import { describeEachDialect } from './dialects.js';
import { makeBackdatedOrders, makeShop, type BackdatedOrder } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const TZ = 'Asia/Shanghai';

describeEachDialect('what-if base and elasticities', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  const today = businessDay(Date.now(), TZ);
  const days = daysBetween(addDays(today, -40), addDays(today, -1));
  // Every fourth day sells at 20% off and converts twice as well: 6 buyers of 20 visitors, else 3.
  const deal = (i: number) => i % 4 === 0;

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '模拟店');
    const orders: BackdatedOrder[] = [];
    let n = 0;
    days.forEach((day, i) => {
      for (let k = 0; k < (deal(i) ? 6 : 3); k++)
        orders.push({
          shopId,
          day,
          paidDay: day,
          status: 'completed',
          visitorId: null,
          nick: `b${n++}`,
          sourceCode: null,
          shippingFen: 0,
          lines: [{ skuId: null, qty: 1, unitPriceFen: 10_000, unitCostFen: 5_000, paidFen: deal(i) ? 8_000 : 10_000 }],
        });
    });
    await makeBackdatedOrders(ctx, orders);
    const db = ctx.tdb.database.db;
    const events = days.flatMap((d) =>
      Array.from({ length: 20 }, (_, v) => ({
        type: 'page_view' as const,
        at: dayStart(d, TZ) + 3_600_000 + v * 1000,
        url: '/',
        visitorId: `v${d}${v}`,
        sessionId: `s${d}${v}`,
        ...(v < 5 ? { utm: { source: 'ztc', medium: 'cpc' } } : {}),
      })),
    );
    for (let i = 0; i < events.length; i += 500)
      await ingestEvents(db, { id: shopId, orgId: ctx.orgId, timezone: TZ }, events.slice(i, i + 500), { clamp: false });
    await recomputeDays(db, shopId, days);
  });

  it('reads the base period and estimates the discount’s effect on conversion from the shop’s own days', async () => {
    const from = days[days.length - 28]!;
    const to = days[days.length - 1]!;
    const res = await admin.get(`/api/v1/whatif/base?shopId=${shopId}&from=${from}&to=${to}`);
    expect(res.statusCode, res.body).toBe(200);
    const w = res.json();
    const dealDays = days.slice(-28).filter((_, i) => deal(days.length - 28 + i)).length;
    expect(w.base.days).toBe(28);
    expect(w.base.buyers).toBe(dealDays * 6 + (28 - dealDays) * 3);
    expect(w.base.salesFen).toBe(dealDays * 6 * 8_000 + (28 - dealDays) * 3 * 10_000);
    expect(w.base.costFen).toBe(w.base.buyers * 5_000);
    const visitors = Object.values(w.base.visitorsBySource as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(visitors).toBeCloseTo(28 * 20, 6);
    expect(w.base.visitorsBySource.paid).toBeCloseTo(28 * 5, 6); // 5 of 20 came through 直通车
    expect(w.base.discount).toBeCloseTo((dealDays * 6 * 2_000) / (w.base.buyers * 10_000), 10);
    // ln(0.3) − ln(0.15) over 0.2 of depth.
    const fit = w.elasticities.discountOnConversion;
    expect(fit.slope).toBeCloseTo(Math.log(2) / 0.2, 6);
    expect(fit.n).toBe(days.length);
    expect(w.elasticities).toMatchObject({ discountMin: 0, discountMax: expect.closeTo(0.2, 10) });
    expect(w.history).toHaveLength(180);
    // No ads yet: no response to fit, nothing attributed.
    expect(w.elasticities).toMatchObject({ adOnAdSales: null, adDays: 0, adPlans: 0 });
    expect(w.base.adSalesFen).toBe(0);
    expect(w.adHistory).toEqual([]);

    // The console's scenario: every day at 20% off moves conversion by exp(slope × Δdepth) from the
    // period's mixed base — close to the deal days' 30%.
    const r = whatIf(w.base, { discount: 0.2 }, { discountOnConversion: fit, adOnVisitors: null });
    expect(r.scenario.buyers).toBe(Math.round(w.base.buyers * Math.exp(fit.slope * (0.2 - w.base.discount))));
    expect(Math.abs(r.scenario.buyers - 28 * 20 * 0.3) / (28 * 20 * 0.3)).toBeLessThan(0.1);
    const over = await admin.get(`/api/v1/whatif/base?shopId=${shopId}&from=${addDays(to, -100)}&to=${to}`);
    expect(over.statusCode).toBe(400);
    expect(over.json().detail).toContain('最长 92 天');
  });
  it('fits the ad sales’ response to spend per plan (diminishing returns) with its interval, and the budget moves only the ad share', async () => {
    // Two plans of very different size; each day's ad sales = k · spend^0.6, ±4% noise.
    const rand = seededRandom(11);
    const adDays = days.slice(-30);
    const planted = [
      { name: '直通车大计划', base: 60_000, k: 40 },
      { name: '引力魔方小计划', base: 3_000, k: 25 },
    ];
    let spendTotal = 0;
    let salesTotal = 0;
    for (const p of planted) {
      const res = await admin.post('/api/v1/ads/plans', { shopId, tool: 'ztc', name: p.name, productIds: [] });
      expect(res.statusCode, res.body).toBe(200);
      const id = res.json().id as string;
      for (const [i, day] of adDays.entries()) {
        const spendFen = Math.round(p.base * (0.4 + (i % 7) * 0.25));
        const salesFen = Math.round(p.k * Math.pow(spendFen, 0.6) * (1 + 0.04 * (rand() * 2 - 1)));
        spendTotal += spendFen;
        salesTotal += salesFen;
        const r = await admin.post(`/api/v1/ads/plans/${id}/days`, {
          day,
          impressions: 100_000,
          clicks: 2_000,
          spendFen,
          orders: 10,
          salesFen,
        });
        expect(r.statusCode, r.body).toBe(200);
      }
    }
    const from = adDays[0]!;
    const to = adDays[adDays.length - 1]!;
    const w = (await admin.get(`/api/v1/whatif/base?shopId=${shopId}&from=${from}&to=${to}`)).json();
    const fit = w.elasticities.adOnAdSales;
    expect(w.elasticities).toMatchObject({ adDays: 60, adPlans: 2 });
    expect(fit.slope).toBeCloseTo(0.6, 1);
    expect(fit.low).toBeLessThan(0.6);
    expect(fit.high).toBeGreaterThan(0.6);
    expect(fit.high - fit.low).toBeLessThan(0.15);
    expect(w.elasticities.adSpendRelMin).toBeLessThan(0.5);
    expect(w.elasticities.adSpendRelMax).toBeGreaterThan(1.5);
    expect(w.base.adSpendFen).toBe(spendTotal);
    expect(w.base.adSalesFen).toBe(salesTotal);
    expect(w.adHistory).toHaveLength(30);
    expect(w.adHistory.reduce((a: number, d: { spendFen: number }) => a + d.spendFen, 0)).toBe(spendTotal);

    // The console's scenario: +50% budget adds adSales · (1.5^β − 1), between the interval's ends.
    const el = { discountOnConversion: null, adOnVisitors: null, adOnAdSales: fit };
    const r = whatIf(w.base, { adBudget: 0.5 }, el);
    expect(r.scenario.salesFen).toBe(Math.round(w.base.salesFen + salesTotal * (Math.pow(1.5, fit.slope) - 1)));
    expect(r.low.salesFen).toBeLessThan(r.scenario.salesFen);
    expect(r.high.salesFen).toBeGreaterThan(r.scenario.salesFen);
    expect(r.scenario.adSpendFen).toBe(Math.round(spendTotal * 1.5));
    // Diminishing returns: the extra sales are less than the base ROI would promise.
    expect(r.scenario.salesFen - w.base.salesFen).toBeLessThan(salesTotal * 0.5);
  });
});

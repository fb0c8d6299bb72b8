import { addDays, businessDay, dayStart } from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import * as traffic from '../src/modules/traffic/index.js';
import { describeEachDialect } from './dialects.js';
import { makeProduct, makeShop, multipart } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const TODAY = businessDay(Date.now(), 'Asia/Shanghai');
/** The pacing day is a past day, so that no entry depends on the clock. */
const DAY = addDays(TODAY, -1);
const BEFORE = Array.from({ length: 7 }, (_, i) => addDays(DAY, i - 7)); // the 7 days before it

/**
 * Planted, with the default curve (‰ by hour: 20 10 5 5 5 10 20 30 45 55 60 55 | 50 50 55 55 50 45 45 55 70 80 75 50):
 * - 快计划: budget ¥1,000, ROI 3 over the week (break-even 1.5); ¥600 spent by 12:00, where the curve
 *   expects 32% (¥320) → ahead; all day ¥600 ÷ 0.32 = ¥1,875; the cap at cumulative 0.32 × 1000/600 =
 *   0.5333, in hour 16 (0.53 → 0.58): 16:00 + 0.0033/0.05 h = 16:04 → raise the budget to ¥1,875.
 * - 亏计划: the same pace, ROI 1 below break-even 1.5 → lower the bid, no budget raise.
 * - 慢计划: budget ¥500; ¥20 at 10:00 and ¥50 at 16:00, where 53% (¥265) is expected → behind;
 *   all day ¥50 ÷ 0.53 = ¥94.34.
 * - 稳计划: budget ¥500, ¥270 at 16:00 (54% against 53%) → on track, no advice.
 */
describeEachDialect('ads budget pacing', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  const ids: Record<string, string> = {};
  const db = () => ctx.tdb.database.db;

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '节奏测试店');
    // Break-even ROI 1.5: cost a third of the price.
    const { productId } = await makeProduct(ctx, {
      title: '保温杯',
      code: 'P-CUP',
      skus: [{ code: 'CUP-1', priceFen: 9900, costFen: 3300 }],
    });
    const plans = [
      ['快计划', 100000, 15000],
      ['亏计划', 100000, 5000],
      ['慢计划', 50000, 15000],
      ['稳计划', 50000, 15000],
    ] as const;
    for (const [name, budget, salesFen] of plans) {
      const r = await admin.post('/api/v1/ads/plans', { shopId, tool: 'ztc', name, dailyBudgetFen: budget, productIds: [productId] });
      expect(r.statusCode, r.body).toBe(200);
      ids[name] = r.json().id;
      for (const day of BEFORE) {
        const d = await admin.post(`/api/v1/ads/plans/${ids[name]}/days`, {
          day,
          impressions: 1000,
          clicks: 50,
          spendFen: 5000,
          orders: 2,
          salesFen,
        });
        expect(d.statusCode, d.body).toBe(200);
      }
    }
    const enter = async (name: string, time: string, spendFen: number) => {
      const r = await admin.post(`/api/v1/ads/plans/${ids[name]}/spend-now`, { day: DAY, time, spendFen });
      expect(r.statusCode, r.body).toBe(200);
    };
    await enter('快计划', '12:00', 99999); // replaced by the next entry of the same minute
    await enter('快计划', '12:00', 60000);
    await enter('亏计划', '12:00', 60000);
    await enter('慢计划', '10:00', 2000);
    await enter('慢计划', '16:00', 5000);
    await enter('稳计划', '16:00', 27000);
  });

  const pacing = async () => {
    const r = await admin.get(`/api/v1/ads/pacing?shopId=${shopId}&day=${DAY}`);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    return { ...body, by: Object.fromEntries(body.plans.map((p: { name: string }) => [p.name, p])) };
  };

  it('judges each plan against the default curve, with the evidence', async () => {
    const p = await pacing();
    expect(p.curve.source).toBe('default');
    expect(p.curve.cumulative[11]).toBeCloseTo(0.32, 10);
    expect(p.by['快计划'].pace).toMatchObject({
      status: 'ahead',
      clock: '12:00',
      spendFen: 60000,
      expectedFen: 32000,
      projectedFen: 187500,
      capClock: '16:04',
    });
    expect(p.by['快计划'].pace.advice.evidence).toMatchObject({
      action: 'raise_budget',
      suggestedBudgetFen: 187500,
      roi: 3,
      breakEvenRoi: 1.5,
    });
    expect(p.by['亏计划'].pace.advice.evidence).toMatchObject({ action: 'lower_bid', suggestedBudgetFen: null, roi: 1 });
    expect(p.by['慢计划'].points).toEqual([
      { clock: '10:00', minute: 600, spendFen: 2000, source: 'hand' },
      { clock: '16:00', minute: 960, spendFen: 5000, source: 'hand' },
    ]);
    expect(p.by['慢计划'].pace).toMatchObject({ status: 'behind', expectedFen: 26500, projectedFen: 9434, capClock: null });
    expect(p.by['稳计划'].pace).toMatchObject({ status: 'on_track', advice: null });
    expect(p.by['稳计划'].advice).toBeNull();
  });

  it('stores the pace advice with the day, kept by the daily refresh; accepting a raise sets the budget', async () => {
    await pacing();
    const list = await admin.get(`/api/v1/ads/advice?shopId=${shopId}&day=${DAY}&pageSize=100`);
    expect(list.statusCode, list.body).toBe(200);
    const pace = list.json().items.filter((a: { kind: string }) => a.kind.startsWith('pace_'));
    expect(pace.map((a: { planName: string; kind: string }) => `${a.planName}:${a.kind}`).sort()).toEqual([
      '亏计划:pace_ahead',
      '快计划:pace_ahead',
      '慢计划:pace_behind',
    ]);
    const fast = pace.find((a: { planName: string }) => a.planName === '快计划');
    expect(fast.message).toContain('16:04');
    const ok = await admin.post(`/api/v1/ads/advice/${fast.id}/decision`, { decision: 'accepted', note: '' });
    expect(ok.statusCode, ok.body).toBe(200);
    const plan = await db().selectFrom('ad_plans').select('daily_budget_fen').where('id', '=', ids['快计划']!).executeTakeFirstOrThrow();
    expect(Number(plan.daily_budget_fen)).toBe(187500);
    // Read again: the decided advice is kept, not duplicated; the new budget is on track no more ahead.
    const again = await pacing();
    expect(again.by['快计划'].advice).toEqual({ id: fast.id, status: 'accepted' });
    const n = await db()
      .selectFrom('ad_advice')
      .select('id')
      .where('plan_id', '=', ids['快计划']!)
      .where('day', '=', DAY)
      .where('kind', 'in', ['pace_ahead', 'pace_behind'])
      .execute();
    expect(n).toHaveLength(1);
    // Put the budget back for the other tests.
    await admin.patch(`/api/v1/ads/plans/${ids['快计划']}`, { dailyBudgetFen: 100000 });
  });

  it('draws the curve from the paid visitors by hour of the 14 days before, counting a visitor once an hour', async () => {
    await traffic.ensureSeeded(db(), ctx.orgId);
    const src = await db().selectFrom('traffic_sources').select(['code', 'group_code']).where('org_id', '=', ctx.orgId).execute();
    const paid = src.find((s) => s.group_code === 'paid')!.code;
    const free = src.find((s) => s.group_code === 'free')!.code;
    const day = addDays(DAY, -3);
    const start = dayStart(day, 'Asia/Shanghai');
    const ev = (id: string, hour: number, visitor: string, source: string) => ({
      id,
      shop_id: shopId,
      day,
      at: start + hour * 3_600_000 + 60_000,
      visitor_id: visitor,
      session_id: `${visitor}_s`,
      type: 'page_view',
      product_id: null,
      source_code: source,
      url: '/',
      referrer: '',
      dwell_ms: 0,
    });
    const rows = [];
    // 25 paid visitors in each hour 08–11 (100), each viewing twice; 50 free visitors at 20:00, not counted.
    for (let h = 8; h < 12; h++)
      for (let v = 0; v < 25; v++)
        rows.push(ev(`ev_p_${h}_${v}_a`, h, `pv${h}_${v}`, paid), ev(`ev_p_${h}_${v}_b`, h, `pv${h}_${v}`, paid));
    for (let v = 0; v < 50; v++) rows.push(ev(`ev_f_${v}`, 20, `fv${v}`, free));
    await db().insertInto('events').values(rows).execute();
    const counts = await traffic.paidVisitorsByHour(db(), ctx.orgId, shopId, addDays(DAY, -14), addDays(DAY, -1), 'Asia/Shanghai');
    expect(counts).toEqual(Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 12 ? 25 : 0)));
    const p = await pacing();
    expect(p.curve).toMatchObject({ source: 'traffic', visitors: 100 });
    // By 12:00 the whole day is expected: 快计划's 60% is on track; 慢计划's ¥50 at 16:00 is all its day.
    expect(p.by['快计划'].pace).toMatchObject({ status: 'on_track', expectedFen: 100000, projectedFen: 60000, capClock: null });
    expect(p.by['慢计划'].pace).toMatchObject({ status: 'behind', expectedFen: 50000, projectedFen: 5000 });
    // The open ahead advice of 亏计划 is withdrawn now that it is on track.
    const left = await db()
      .selectFrom('ad_advice')
      .select('kind')
      .where('plan_id', '=', ids['亏计划']!)
      .where('day', '=', DAY)
      .where('kind', 'in', ['pace_ahead', 'pace_behind'])
      .execute();
    expect(left).toEqual([]);
  });

  it('refuses bad times and future days in Chinese, naming the field', async () => {
    for (const time of ['24:00', '9:75', '14点']) {
      const r = await admin.post(`/api/v1/ads/plans/${ids['稳计划']}/spend-now`, { day: DAY, time, spendFen: 100 });
      expect(r.statusCode).toBe(400);
      expect(JSON.stringify(r.json())).toContain('小时 0–23');
    }
    const future = await admin.post(`/api/v1/ads/plans/${ids['稳计划']}/spend-now`, {
      day: addDays(TODAY, 1),
      time: '10:00',
      spendFen: 100,
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().detail ?? future.json().title).toContain('日期在未来');
    const neg = await admin.post(`/api/v1/ads/plans/${ids['稳计划']}/spend-now`, { day: DAY, time: '10:00', spendFen: -1 });
    expect(neg.statusCode).toBe(400);
  });

  it('imports an hourly report (分时报表): hours replaced on re-import, day figures not counted twice, the shop curve from its own hours', async () => {
    const upload = async (rows: (string | number)[][]) => {
      const data = Buffer.from(rows.map((r) => r.join(',')).join('\r\n') + '\r\n');
      const mp = multipart({ shopId, format: 'generic' }, { file: { name: '分时报表.csv', data } });
      const r = await admin.request('POST', '/api/v1/ads/import', mp.body, { 'content-type': mp.type });
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    const EARLIER = addDays(DAY, -2);
    // EARLIER: ¥1 in each of the 24 hours (a flat curve); DAY: ¥15 in each hour 00–11; one bad hour.
    const file = [
      ['日期', '小时', '计划名称', '花费(元)', '点击量'],
      ...Array.from({ length: 24 }, (_, h) => [EARLIER, h, '分时计划', '1.00', 1]),
      ...Array.from({ length: 12 }, (_, h) => [
        DAY,
        `${String(h).padStart(2, '0')}:00-${String(h + 1).padStart(2, '0')}:00`,
        '分时计划',
        '15.00',
        2,
      ]),
      [DAY, '24', '分时计划', '1.00', 1],
    ];
    for (let i = 0; i < 2; i++) {
      const sum = await upload(file);
      expect(sum).toMatchObject({ level: 'h', imported: 36, errorCount: 1 });
      expect(sum.errors[0]).toMatchObject({ rowNo: 38, column: '小时' });
      expect(sum.errors[0].reason).toContain('小时应为 0–23');
    }
    const planId = (await db().selectFrom('ad_plans').select('id').where('name', '=', '分时计划').executeTakeFirstOrThrow()).id;
    const hours = await db().selectFrom('ad_hourly').select(['day', 'hour', 'spend_fen']).where('plan_id', '=', planId).execute();
    expect(hours).toHaveLength(36);
    const detail = async () => {
      const r = await admin.get(`/api/v1/ads/plans/${planId}?from=${EARLIER}&to=${DAY}`);
      expect(r.statusCode, r.body).toBe(200);
      return Object.fromEntries(r.json().days.map((d: { day: string; spendFen: number }) => [d.day, d.spendFen]));
    };
    expect(await detail()).toEqual({ [EARLIER]: 2400, [addDays(DAY, -1)]: 0, [DAY]: 18000 });
    // A plan-level daily report of EARLIER is the day's figure (¥50), not added to the hours' ¥24.
    await upload([
      ['日期', '计划名称', '花费(元)'],
      [EARLIER, '分时计划', '50.00'],
    ]);
    expect((await detail())[EARLIER]).toBe(5000);

    // Budget ¥240; the shop's curve is flat now (its own hours: ¥1 each hour of EARLIER), so by 12:00
    // half the day (¥120) is expected and ¥180 is spent → ahead; all day ¥180 ÷ 0.5 = ¥360; the cap at
    // cumulative 0.5 × 240/180 = 0.6667 of the day = 16:00.
    await admin.patch(`/api/v1/ads/plans/${planId}`, { dailyBudgetFen: 24000 });
    const p = await pacing();
    expect(p.curve.source).toBe('hourly');
    expect(p.curve.shares[0]).toBeCloseTo(1 / 24, 10);
    const fast = p.by['分时计划'];
    expect(fast.points).toHaveLength(12);
    expect(fast.points[11]).toEqual({ clock: '12:00', minute: 720, spendFen: 18000, source: 'hourly' });
    expect(fast.pace).toMatchObject({ status: 'ahead', expectedFen: 12000, projectedFen: 36000, capClock: '16:00' });
  });
});

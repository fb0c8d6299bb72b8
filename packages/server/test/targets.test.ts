import { addDays, businessDay, dayStart, daysBetween, shiftCalendarMonths } from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import { recomputeDays } from '../src/modules/analytics/index.js';
import * as customers from '../src/modules/customers/index.js';
import { ingestEvents } from '../src/modules/traffic/index.js';
import { describeEachDialect } from './dialects.js';
import { makeBackdatedOrders, makeShop, type BackdatedOrder } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const TZ = 'Asia/Shanghai';

describeEachDialect('sales targets and KPIs', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  const today = businessDay(Date.now(), TZ);
  const month = today.slice(0, 7);
  const monthStart = `${month}-01`;
  const lastMonthStart = shiftCalendarMonths(monthStart, -1);
  const lastMonthDays = daysBetween(lastMonthStart, addDays(monthStart, -1));
  // Three past months: one ¥100 order a day, four a day in each month's last five days.
  const pastDays = daysBetween(shiftCalendarMonths(monthStart, -3), addDays(monthStart, -1));
  const thisMonthDays = daysBetween(monthStart, addDays(today, -1));
  const salesByDay = new Map<string, number>();

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '目标店');
    const orders: BackdatedOrder[] = [];
    let n = 0;
    const order = (day: string, nick: string): BackdatedOrder => ({
      shopId,
      day,
      paidDay: day,
      status: 'completed',
      visitorId: null,
      nick,
      sourceCode: null,
      shippingFen: 0,
      lines: [{ skuId: null, qty: 1, unitPriceFen: 10_000, unitCostFen: 4_000 }],
    });
    for (const d of pastDays) {
      const next = addDays(d, 5);
      const endOfMonth = next.slice(0, 7) !== d.slice(0, 7);
      for (let i = 0; i < (endOfMonth ? 4 : 1); i++) orders.push(order(d, `buyer${n++}`));
    }
    // This month: 2 orders a day, and one buyer who comes back (repeat rate).
    for (const d of thisMonthDays) for (let i = 0; i < 2; i++) orders.push(order(d, `now${n++}`));
    const firstNow = n - 2 * thisMonthDays.length;
    if (thisMonthDays.length >= 2) orders.push(order(thisMonthDays[1]!, `now${firstNow}`));
    await makeBackdatedOrders(ctx, orders);
    for (const o of orders) salesByDay.set(o.day, (salesByDay.get(o.day) ?? 0) + 10_000);
    // Last month's visitors: 20 a day.
    const db = ctx.tdb.database.db;
    const events = lastMonthDays.flatMap((d) =>
      Array.from({ length: 20 }, (_, v) => ({
        type: 'page_view' as const,
        at: dayStart(d, TZ) + 3_600_000 + v * 1000,
        url: '/',
        visitorId: `v${d}${v}`,
        sessionId: `s${d}${v}`,
      })),
    );
    for (let i = 0; i < events.length; i += 500)
      await ingestEvents(db, { id: shopId, orgId: ctx.orgId, timezone: TZ }, events.slice(i, i + 500), { clamp: false });
    await recomputeDays(db, shopId, [...pastDays, ...thisMonthDays]);
    await customers.markShopDirty(db, shopId); // the bulk writer leaves the customers' marks to its caller
  });

  it('splits a month target by last month’s ratios so visitors × conversion × AOV = the target', async () => {
    const board = (await admin.get(`/api/v1/targets/board?shopId=${shopId}&month=${month}`)).json();
    const lm = board.bases.find((b: { basis: string }) => b.basis === 'last_month');
    const lastMonthOrders = lastMonthDays.length + 5 * 3;
    expect(lm).toMatchObject({ visitors: 20 * lastMonthDays.length, buyers: lastMonthOrders, salesFen: lastMonthOrders * 10_000 });
    expect(lm.aovFen).toBe(10_000);

    const res = await admin.request('PUT', '/api/v1/targets', { shopId, month, salesFen: 12_345_600, basis: 'last_month' });
    expect(res.statusCode, res.body).toBe(200);
    const t = res.json();
    expect(Math.round(t.visitors * t.conversion * t.aovFen)).toBe(12_345_600);
    expect(t.buyers).toBe(Math.round(12_345_600 / 10_000));
    expect(t.visitors).toBe(Math.round(t.buyers / lm.conversion));
    // Setting it again updates the same target, audited with before and after.
    const again = (
      await admin.request('PUT', '/api/v1/targets', {
        shopId,
        month,
        salesFen: 20_000_000,
        basis: 'manual',
        conversion: 0.05,
        aovFen: 20_000,
      })
    ).json();
    expect(again.id).toBe(t.id);
    expect(again).toMatchObject({ buyers: 1000, visitors: 20_000, basis: 'manual' });
    const log = (await admin.get(`/api/v1/audit?entityType=sales_target&entityId=${t.id}`)).json().items;
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ action: 'target.set', before: { salesFen: 12_345_600 }, after: { salesFen: 20_000_000 } });
  });

  it('refuses a basis without data in Chinese, and a manual split without its ratios', async () => {
    const ly = await admin.request('PUT', '/api/v1/targets', { shopId, month, salesFen: 1_000_000, basis: 'last_year' });
    expect(ly.statusCode).toBe(400);
    expect(ly.json().detail).toContain('去年同期');
    expect(ly.json().detail).toContain('手动');
    const manual = await admin.request('PUT', '/api/v1/targets', { shopId, month, salesFen: 1_000_000, basis: 'manual' });
    expect(manual.statusCode).toBe(400);
    expect(JSON.stringify(manual.json())).toContain('手动拆分时请填写转化率和客单价');
    const { client: designer } = await ctx.userWithRoles('meigong-t', ['designer']);
    expect((await designer.request('PUT', '/api/v1/targets', { shopId, month, salesFen: 1_000_000 })).statusCode).toBe(403);
  });

  it('paces the month on past months’ shape, not a straight line, and reports where it stands', async () => {
    const board = (await admin.get(`/api/v1/targets/board?shopId=${shopId}&month=${month}`)).json();
    expect(board.pace.shaped).toBe(true);
    expect(board.pace.months).toBe(3);
    const days = board.pace.days as { day: string; expectedCumFen: number; actualCumFen: number | null }[];
    const n = days.length;
    expect(days[n - 1]!.expectedCumFen).toBe(20_000_000);
    // Past months sold 4× in their last five days, so a sixth from the end is well below the line.
    expect(days[n - 6]!.expectedCumFen).toBeLessThan(20_000_000 * ((n - 5) / n) - 1_000_000);
    expect(board.status.elapsed).toBe(thisMonthDays.length);
    const actual = thisMonthDays.length * 2 * 10_000 + (thisMonthDays.length >= 2 ? 10_000 : 0);
    expect(board.status.actualFen).toBe(actual);
    if (thisMonthDays.length > 0) {
      expect(board.status.expectedFen).toBe(days[thisMonthDays.length - 1]!.expectedCumFen);
      expect(board.status.gapFen).toBe(actual - board.status.expectedFen);
    }
  });

  it('shows the five KPIs from real data and says 无推广数据 for the cost ones without ads', async () => {
    const from = shiftCalendarMonths(monthStart, -1);
    const to = addDays(monthStart, -1);
    const res = await admin.get(`/api/v1/targets/kpis?shopId=${shopId}&from=${from}&to=${to}`);
    expect(res.statusCode, res.body).toBe(200);
    const k = Object.fromEntries(res.json().kpis.map((x: { key: string }) => [x.key, x]));
    expect(k.grossMargin.value).toBeCloseTo(0.6, 10);
    expect(k.newCustomerCost).toMatchObject({ value: null, missing: '无推广数据' });
    expect(k.fullRoi).toMatchObject({ value: null, missing: '无推广数据' });
    expect(k.repeatRate.value).toBe(0); // every past buyer bought once
    expect(k.repeatRate.parts.buyers).toBe(lastMonthDays.length + 15);
    expect(k.inventoryDays.parts.unitsSold).toBe(lastMonthDays.length + 15);
    if (thisMonthDays.length >= 2) {
      const cur = (await admin.get(`/api/v1/targets/kpis?shopId=${shopId}&from=${monthStart}&to=${today}`)).json();
      const r = cur.kpis.find((x: { key: string }) => x.key === 'repeatRate');
      expect(r.parts).toMatchObject({ repeatBuyers: 1, buyers: thisMonthDays.length * 2 });
      expect(r.value).toBeCloseTo(1 / (thisMonthDays.length * 2), 12);
    }
  });

  it('puts the user’s open tasks, today’s checks and the month’s pace in the morning digest', async () => {
    const me = (await admin.get('/api/v1/auth/me')).json();
    const myId = me.user?.id ?? me.id;
    await admin.post('/api/v1/tasks', { title: '逾期任务', assigneeId: myId, dueOn: '2020-01-01' });
    await admin.post('/api/v1/tasks', { title: '别人的任务' });
    const d = (await admin.get('/api/v1/digest')).json();
    expect(d.tasks).toMatchObject({ open: 1, overdue: 1 });
    expect(d.tasks.top[0].title).toBe('逾期任务');
    expect(d.checks.total).toBeGreaterThan(0);
    const mine = d.targets.find((x: { shopId: string }) => x.shopId === shopId);
    expect(mine).toMatchObject({ shopName: '目标店', salesFen: 20_000_000 });
    const board = (await admin.get(`/api/v1/targets/board?shopId=${shopId}&month=${month}`)).json();
    expect(mine.actualFen).toBe(board.status.actualFen);
    expect(Array.isArray(d.findings)).toBe(true);
  });
  it('sets an activity target, shows its window paced by past activities, and edits its name and window', async () => {
    // A past activity over the last 10 days of the month before last: 1 order a day, then 4 a day.
    const pastFrom = addDays(lastMonthStart, -10);
    const pastTo = addDays(lastMonthStart, -1);
    const put = (body: Record<string, unknown>) => admin.request('PUT', '/api/v1/targets', { shopId, kind: 'activity', ...body });
    const past = await put({
      name: '上次大促',
      startOn: pastFrom,
      endOn: pastTo,
      salesFen: 300_000,
      basis: 'manual',
      conversion: 0.1,
      aovFen: 10_000,
    });
    expect(past.statusCode, past.body).toBe(200);
    // This activity: 10 days around today.
    const from = addDays(today, -5);
    const to = addDays(today, 4);
    const res = await put({
      name: '年货节',
      startOn: from,
      endOn: to,
      salesFen: 1_000_000,
      basis: 'manual',
      conversion: 0.05,
      aovFen: 10_000,
    });
    expect(res.statusCode, res.body).toBe(200);
    const t = res.json();
    expect(t).toMatchObject({ kind: 'activity', name: '年货节', startOn: from, endOn: to, buyers: 100, visitors: 2000 });
    expect(Math.round(t.visitors * t.conversion * t.aovFen)).toBe(1_000_000);

    const board = (await admin.get(`/api/v1/targets/board?shopId=${shopId}&targetId=${t.id}`)).json();
    expect(board).toMatchObject({ kind: 'activity', startOn: from, endOn: to, target: { id: t.id, salesFen: 1_000_000 } });
    expect(board.pace).toMatchObject({ shapedBy: 'activities', shaped: true, months: 1 });
    const days = board.pace.days as { day: string; expectedCumFen: number; actualCumFen: number | null }[];
    expect(days.map((d) => d.day)).toEqual(daysBetween(from, to));
    // The past activity sold 5 of its 25 orders in its first half: the pace follows, not a straight line.
    expect(days[4]!.expectedCumFen).toBe(Math.round((1_000_000 * 5) / 25));
    expect(days[9]!.expectedCumFen).toBe(1_000_000);
    const sold = daysBetween(from, addDays(today, -1)).reduce((a, d) => a + (salesByDay.get(d) ?? 0), 0);
    expect(board.status).toMatchObject({ elapsed: 5, actualFen: sold, expectedFen: days[4]!.expectedCumFen });
    expect(board.status.gapFen).toBe(sold - days[4]!.expectedCumFen);
    expect(days[9]!.actualCumFen).toBeNull(); // the future has no actuals

    // The past activity itself: nothing before it and no sales a year earlier, so a straight line; it is over.
    const pb = (await admin.get(`/api/v1/targets/board?shopId=${shopId}&targetId=${past.json().id}`)).json();
    expect(pb.pace).toMatchObject({ shapedBy: 'linear', shaped: false });
    expect(pb.status).toMatchObject({ elapsed: 10, actualFen: 25 * 10_000, expectedFen: 300_000 });
    // The month board is unchanged.
    expect((await admin.get(`/api/v1/targets/board?shopId=${shopId}&month=${month}`)).json()).toMatchObject({
      kind: 'month',
      pace: { shapedBy: 'months' },
    });

    // Edit: rename and move the window by id; the same target, audited with its old window.
    const to2 = addDays(today, 9);
    const edit = await put({
      id: t.id,
      name: '年货节（延长）',
      startOn: from,
      endOn: to2,
      salesFen: 1_500_000,
      basis: 'manual',
      conversion: 0.05,
      aovFen: 10_000,
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json()).toMatchObject({ id: t.id, name: '年货节（延长）', endOn: to2, salesFen: 1_500_000 });
    const listed = (await admin.get(`/api/v1/targets?shopId=${shopId}&from=${from}&to=${to2}`)).json();
    expect(listed.filter((x: { kind: string }) => x.kind === 'activity').map((x: { name: string }) => x.name)).toEqual(['年货节（延长）']);
    const log = (await admin.get(`/api/v1/audit?entityType=sales_target&entityId=${t.id}`)).json().items;
    expect(log[0]).toMatchObject({ before: { name: '年货节', endOn: to }, after: { name: '年货节（延长）', endOn: to2 } });
    // Renaming onto another activity of the same start is refused in Chinese, naming the field.
    const other = (
      await put({ name: '另一个活动', startOn: from, endOn: to, salesFen: 100_000, basis: 'manual', conversion: 0.1, aovFen: 10_000 })
    ).json();
    const clash = await put({
      id: other.id,
      name: '年货节（延长）',
      startOn: from,
      endOn: to,
      salesFen: 100_000,
      basis: 'manual',
      conversion: 0.1,
      aovFen: 10_000,
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().detail).toContain('换一个活动名称');
    // Another shop's or an unknown target is not found.
    const shop2 = await makeShop(ctx, admin, '别的店');
    expect((await admin.get(`/api/v1/targets/board?shopId=${shop2}&targetId=${t.id}`)).statusCode).toBe(404);
    expect(
      (
        await put({
          id: t.id,
          shopId: shop2,
          name: 'x',
          startOn: from,
          endOn: to,
          salesFen: 100_000,
          basis: 'manual',
          conversion: 0.1,
          aovFen: 10_000,
        })
      ).statusCode,
    ).toBe(404);
  });
});

/**
 * The analytics read cache and the incremental 同时段 states (issue 10 item 2) never show a stale
 * figure: cached 30-day sums and the dashboard's yesterday-up-to-now equal the brute-force recount
 * before and after a late event and a backdated order change a day the cache already holds, and a
 * view whose clock is earlier than the previous one's (requests overtaking each other) is exact too.
 */
import { addDays, businessDay, dayStart, sameTimeOn, type ProductRow } from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import { systemActor } from '../src/http/actor.js';
import { buildDay, dashboard, markOrderDaysDirty, products, recomputeDays, recomputeDirty } from '../src/modules/analytics/index.js';
import { cacheStats } from '../src/modules/analytics/read-cache.js';
import { todayStats } from '../src/modules/analytics/rollup-today.js';
import { ingestEvents } from '../src/modules/traffic/index.js';
import { days, prng, readBack, totals, type Brute } from './brute.js';
import { describeEachDialect } from './dialects.js';
import { makeBackdatedOrder, makeShop, makeSku } from './fixtures.js';
import { useTestApp } from './harness.js';

const TZ = 'Asia/Shanghai';
const HOUR = 3_600_000;

describeEachDialect('analytics read cache against brute force', (dialect) => {
  const ctx = useTestApp(dialect);
  const T = businessDay(Date.now(), TZ);
  const D0 = addDays(T, -29);
  let shopId: string;
  const prods: { id: string; skuId: string; price: number }[] = [];
  const db = () => ctx.tdb.database.db;
  const actor = () => systemActor(ctx.orgId, 'test');

  async function visit(day: string, visitor: string, at: number, productId?: string) {
    await ingestEvents(
      db(),
      { id: shopId, orgId: ctx.orgId, timezone: TZ },
      [
        { type: 'page_view', at, visitorId: visitor, sessionId: `${visitor}_${day}`, url: '/' },
        ...(productId
          ? [
              {
                type: 'product_view' as const,
                at: at + 1000,
                visitorId: visitor,
                sessionId: `${visitor}_${day}`,
                url: `/item/${productId}`,
                productId,
                dwellMs: 5000,
              },
            ]
          : []),
      ],
      { clamp: false },
    );
  }

  function order(day: string, p: { skuId: string; price: number }, qty: number, visitor: string, at?: number) {
    return makeBackdatedOrder(ctx, {
      shopId,
      day,
      paidDay: day,
      status: 'paid',
      visitorId: visitor,
      nick: visitor,
      sourceCode: null,
      shippingFen: 0,
      timezone: TZ,
      ...(at !== undefined ? { orderedAt: at, paidAt: at } : {}),
      lines: [{ skuId: p.skuId, qty, unitPriceFen: p.price, unitCostFen: Math.round(p.price / 3) }],
    });
  }

  /** Make every stored day look rebuilt an hour ago, so the cache keeps them (read-cache.ts: ten minutes). */
  async function ageStamps() {
    await db()
      .updateTable('rollup_daily')
      .set((eb) => ({ updated_at: eb('updated_at', '-', HOUR) }))
      .where('shop_id', '=', shopId)
      .execute();
  }

  beforeAll(async () => {
    const admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '缓存测试店', { timezone: TZ });
    for (const [code, price] of [
      ['RC-CUP', 9900],
      ['RC-TEE', 5900],
      ['RC-BAG', 15900],
    ] as const) {
      const skuId = await makeSku(ctx, { code, priceFen: price, stock: 50, title: `缓存 ${code}` });
      const sku = await db().selectFrom('skus').select('product_id').where('id', '=', skuId).executeTakeFirstOrThrow();
      prods.push({ id: sku.product_id, skuId, price });
    }
    const rand = prng(7);
    const now = Date.now();
    for (const day of days(D0, T)) {
      const start = dayStart(day, TZ);
      const span = Math.max(1, Math.min(86_000_000, now - start - 60_000));
      for (let v = 0; v < 8; v++) {
        if (rand() < 0.3) continue;
        const p = prods[Math.floor(rand() * prods.length)]!;
        await visit(day, `v${v}`, start + Math.floor(rand() * span), rand() < 0.7 ? p.id : undefined);
        if (rand() < 0.3) await order(day, p, 1 + Math.floor(rand() * 2), `v${v}`, start + Math.floor(rand() * span));
      }
    }
    await markOrderDaysDirty(db(), shopId, days(D0, T));
    await recomputeDirty(db(), { now: now + 61_000 });
    await ageStamps();
  });

  const pick = (r: ProductRow) => ({ uv: r.uv, pv: r.pv, payingBuyers: r.payingBuyers, units: r.units, paidFen: r.paidFen });
  async function ranking() {
    const res = await products(db(), actor(), {
      shopId,
      from: D0,
      to: T,
      compare: 'previous',
      sort: 'paidFen',
      order: 'desc',
      sortBy: 'value',
      page: 1,
      pageSize: 50,
    } as never);
    return new Map(res.items.map((r) => [r.productId, pick(r)]));
  }
  function expected(brute: Brute) {
    const m = new Map<string, ReturnType<typeof pick>>();
    for (const p of prods) {
      const f = brute.period(D0, T, { product: p.id });
      if (f.uv || f.paidFen || f.orders)
        m.set(p.id, { uv: f.uv, pv: f.pv, payingBuyers: f.payingBuyers, units: f.units, paidFen: f.paidFen });
    }
    return m;
  }

  it('the 30-day product ranking comes from the cache and follows a late event and a backdated order', async () => {
    const first = await ranking();
    expect(first).toEqual(expected(await readBack(db(), shopId)));
    const before = cacheStats(db());
    expect(await ranking()).toEqual(first);
    const after = cacheStats(db());
    expect(after.hits, 'the second view is served from the cache').toBeGreaterThan(before.hits);

    // A day the cache holds changes: a late visit and a new paid order on T-5.
    const day = addDays(T, -5);
    await visit(day, 'late-visitor', dayStart(day, TZ) + 5 * HOUR, prods[2]!.id);
    await order(day, prods[2]!, 3, 'late-visitor', dayStart(day, TZ) + 6 * HOUR);
    await markOrderDaysDirty(db(), shopId, [day]);
    const changed = await ranking();
    const brute = await readBack(db(), shopId);
    expect(changed).toEqual(expected(brute));
    expect(changed.get(prods[2]!.id)!.units).toBe(first.get(prods[2]!.id)!.units + 3);

    // A change whose rebuild is already old when next read (another process rebuilt it, then
    // nobody looked for an hour): the day is cacheable again, under its new stamp.
    const other = addDays(T, -6);
    await order(other, prods[1]!, 2, 'v1', dayStart(other, TZ) + 7 * HOUR);
    await markOrderDaysDirty(db(), shopId, [other]);
    await recomputeDirty(db(), { shopIds: [shopId] });
    await ageStamps();
    const again = await ranking();
    expect(again).toEqual(expected(await readBack(db(), shopId)));
    expect(again.get(prods[1]!.id)!.units).toBe(changed.get(prods[1]!.id)!.units + 2);
  });

  it('同时段 grows with the clock and equals the recount at every cut-off, in order or not', async () => {
    const now0 = Date.now();
    const yesterday = addDays(businessDay(now0, TZ), -1);
    const lastWeek = addDays(businessDay(now0, TZ), -7);
    const check = async (now: number) => {
      const d = await dashboard(db(), actor(), shopId, now);
      const brute = await readBack(db(), shopId);
      const card = (m: string) => d.cards.find((c) => c.metric === m)!;
      for (const [metric, key] of [
        ['uv', 'uv'],
        ['pv', 'pv'],
        ['orders', 'orders'],
        ['paidFen', 'paidFen'],
        ['payingBuyers', 'payingBuyers'],
      ] as const) {
        expect(card(metric).yesterdaySameTime, `${metric} yesterday @${now}`).toBe(
          totals(brute.day(yesterday, {}, sameTimeOn(yesterday, now, TZ)))[key],
        );
        expect(card(metric).lastWeekSameTime, `${metric} last week @${now}`).toBe(
          totals(brute.day(lastWeek, {}, sameTimeOn(lastWeek, now, TZ)))[key],
        );
      }
    };
    // The same business day, the clock moving forward by hours (cut-offs move through yesterday's events).
    const base = Math.max(dayStart(businessDay(now0, TZ), TZ) + 60_000, now0 - 10 * HOUR);
    const steps = [base, base + 2 * HOUR, base + 5 * HOUR, now0].filter((t, i, a) => t <= now0 && (i === 0 || t > a[i - 1]!));
    for (const t of steps) await check(t);
    // An earlier clock than the last view's: recounted, not taken from the grown state.
    await check(steps[0]!);
    // A late event before yesterday's cut-off: the day is rebuilt, the state starts again.
    const cut = sameTimeOn(yesterday, now0, TZ);
    await visit(yesterday, 'late-yesterday', Math.max(dayStart(yesterday, TZ), cut - 2 * HOUR));
    await check(now0);
    await check(now0 + 1000);
    // A paid order placed on yesterday before the cut-off (an import, say): the day's orders are read again.
    await order(yesterday, prods[0]!, 2, 'late-buyer', Math.max(dayStart(yesterday, TZ), cut - HOUR));
    await markOrderDaysDirty(db(), shopId, [yesterday]);
    await check(now0 + 2000);
  });

  /** Today's stored rows against a rebuild from every event (rollup-build.ts without the kept state). */
  async function todayMatchesScratch(label: string) {
    const key = (r: { product_id: string; source_code: string }) => `${r.product_id}|${r.source_code}`;
    const strip = ({ updated_at: _u, ...r }: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && k !== 'day' && /^\d+$/.test(v) ? Number(v) : v]));
    const stored = (await db().selectFrom('rollup_daily').selectAll().where('shop_id', '=', shopId).where('day', '=', T).execute())
      .sort((a, b) => key(a).localeCompare(key(b)))
      .map((r) => strip(r as never));
    const scratch = (await buildDay(db(), shopId, T)).sort((a, b) => key(a).localeCompare(key(b))).map((r) => strip(r as never));
    expect(stored, label).toEqual(scratch);
  }

  it("today's rollup reads only the events stored since its last rebuild and equals a rebuild from scratch", async () => {
    const start = dayStart(T, TZ);
    const at = (k: number) => Math.min(Date.now() - 1000, start + 60_000 * (k + 1));
    await recomputeDays(db(), shopId, [T]);
    await todayMatchesScratch('first rebuild');
    for (let step = 0; step < 3; step++) {
      const before = { ...todayStats };
      // New visitors, a returning one (distinct counts), a product view and a paid order.
      await visit(T, `today-${step}`, at(step * 3), prods[step % prods.length]!.id);
      await visit(T, 'v1', at(step * 3 + 1));
      await order(T, prods[(step + 1) % prods.length]!, 1, `today-${step}`, at(step * 3 + 2));
      await markOrderDaysDirty(db(), shopId, [T]);
      await recomputeDays(db(), shopId, [T]);
      expect(todayStats.incrementalReads, `step ${step}: incremental`).toBe(before.incrementalReads + 1);
      expect(todayStats.fullReads, `step ${step}: no full read`).toBe(before.fullReads);
      expect(todayStats.eventsRead - before.eventsRead, `step ${step}: only the new events`).toBe(3);
      await todayMatchesScratch(`step ${step}`);
    }
    // An event removed (a shop's events purged): the count differs, the day is read again whole.
    const victim = await db()
      .selectFrom('events')
      .select('id')
      .where('shop_id', '=', shopId)
      .where('day', '=', T)
      .executeTakeFirstOrThrow();
    await db().deleteFrom('events').where('id', '=', victim.id).execute();
    const before = { ...todayStats };
    await recomputeDays(db(), shopId, [T]);
    expect(todayStats.fullReads).toBe(before.fullReads + 1);
    await todayMatchesScratch('after a removal');
  });

  it.runIf(dialect === 'postgres')("today's rollup does not lose an event whose transaction commits after a later one's", async () => {
    const start = dayStart(T, TZ);
    const at = Math.min(Date.now() - 1000, start + 30 * 60_000);
    await recomputeDays(db(), shopId, [T]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const inside = new Promise<void>((r) => (started = r));
    // A slow writer: its transaction id is older than the next writer's, and it commits last.
    const slow = db()
      .transaction()
      .execute(async (trx) => {
        // Only the row (its dirty mark would wait on the fast writer's mark of the same day).
        await trx
          .insertInto('events')
          .values({
            id: 'ev_slow_writer',
            shop_id: shopId,
            day: T,
            at,
            visitor_id: 'slow-writer',
            session_id: 'slow-writer_s',
            type: 'page_view',
            product_id: null,
            source_code: 'direct',
            url: '/',
            referrer: '',
            dwell_ms: 0,
          })
          .execute();
        started();
        await gate;
      });
    await inside;
    await visit(T, 'fast-writer', at + 1000);
    await recomputeDays(db(), shopId, [T]);
    await todayMatchesScratch('the slow writer still open');
    release();
    await slow;
    const before = { ...todayStats };
    await markOrderDaysDirty(db(), shopId, [T]);
    await recomputeDays(db(), shopId, [T]);
    expect(todayStats.incrementalReads).toBe(before.incrementalReads + 1);
    expect(todayStats.eventsRead - before.eventsRead).toBe(1);
    await todayMatchesScratch('after the slow writer committed');
  });
});

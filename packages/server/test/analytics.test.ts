/**
 * Analytics correctness: a small shop's events and orders are generated deterministically, rolled
 * up, and every figure the API returns is recomputed here by brute force straight from the raw
 * rows (plain JS), then compared exactly.
 */
import {
  addDays,
  basePeriod,
  businessDay,
  dayStart,
  funnel,
  lmdiFen,
  newId,
  sameTimeOn,
  type DayPoint,
  type ProductRow,
  type Totals,
} from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import { markOrderDaysDirty, recomputeDays, recomputeDirty } from '../src/modules/analytics/index.js';
import * as aftersales from '../src/modules/aftersales/index.js';
import { ingestEvents } from '../src/modules/traffic/index.js';
import * as trafficImport from '../src/modules/traffic-import/index.js';
import { Brute, days, prng, ratio, readBack, totals, type Figures } from './brute.js';
import { describeEachDialect } from './dialects.js';
import { useTestApp, type Client } from './harness.js';
import { makeBackdatedOrder, makeShop, makeSku, multipart } from './fixtures.js';

const TZ = 'Asia/Shanghai';

const SOURCES: { code: string; ctx: { referrer?: string; utm?: Record<string, string> } }[] = [
  { code: 'search', ctx: { referrer: 'https://s.taobao.com/search?q=cup' } },
  { code: 'paid_search', ctx: { utm: { source: 'ztc', medium: 'cpc' } } },
  { code: 'social', ctx: { utm: { source: 'weixin' } } },
  { code: 'direct', ctx: {} },
];

describeEachDialect('analytics: rollups and every screen against brute force', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopA: string;
  let shopB: string;
  const T = businessDay(Date.now(), TZ);
  const D0 = addDays(T, -9);
  const products: { id: string; skuId: string; title: string; price: number; available: number | null }[] = [];
  let brute: Brute;
  let refundedOrderDay = '';
  const db = () => ctx.tdb.database.db;

  /** An order of the generated history (through the orders module's bulk writer); a line of more than one unit gets 100 fen off. */
  function insertOrder(
    shopId: string,
    o: {
      day: string;
      paidDay: string | null;
      status: string;
      visitorId: string | null;
      nick: string;
      source: string | null;
      shipping: number;
      refundDay?: string;
    },
    lines: { skuId: string | null; qty: number; price: number; cost: number; refund?: number }[],
  ): Promise<string> {
    return makeBackdatedOrder(ctx, {
      shopId,
      day: o.day,
      paidDay: o.paidDay,
      status: o.status,
      visitorId: o.visitorId,
      nick: o.nick,
      sourceCode: o.source,
      shippingFen: o.shipping,
      ...(o.refundDay ? { refundDay: o.refundDay } : {}),
      timezone: TZ,
      lines: lines.map((l) => ({
        skuId: l.skuId,
        qty: l.qty,
        unitPriceFen: l.price,
        unitCostFen: l.cost,
        paidFen: l.qty * l.price - (l.qty > 1 ? 100 : 0),
        refundFen: l.refund ?? 0,
      })),
    });
  }

  beforeAll(async () => {
    admin = await ctx.admin();
    shopA = await makeShop(ctx, admin, '天猫店', { channel: 'tmall', timezone: TZ });
    shopB = await makeShop(ctx, admin, '京东店', { channel: 'jd', timezone: TZ });
    const specs = [
      { code: 'CUP', price: 9900, stock: 50 },
      { code: 'TEE', price: 5900, stock: 0 },
      { code: 'BAG', price: 15900, stock: 20 },
      { code: 'HAT', price: 3900, stock: 5 },
    ];
    for (const s of specs) {
      const skuId = await makeSku(ctx, { code: s.code, priceFen: s.price, stock: s.stock, title: `商品 ${s.code}` });
      const sku = await db().selectFrom('skus').select(['product_id']).where('id', '=', skuId).executeTakeFirstOrThrow();
      products.push({ id: sku.product_id, skuId, title: `商品 ${s.code}`, price: s.price, available: s.stock > 0 ? s.stock : null });
    }
    // CUP is below its low-stock threshold.
    const threshold = await admin.patch(`/api/v1/stock/skus/${products[0]!.skuId}/thresholds`, { lowStock: 100 });
    expect(threshold.statusCode, threshold.body).toBe(200);
    products[1]!.available = null; // no stock rows at all for TEE

    const rand = prng(20261122);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const now = Date.now();
    for (const day of days(D0, T)) {
      const start = dayStart(day, TZ);
      const span = Math.max(1, Math.min(86_000_000, now - start - 1000));
      const batch: Parameters<typeof ingestEvents>[2] = [];
      for (let v = 0; v < 30; v++) {
        if (rand() < 0.45) continue;
        const sessions = rand() < 0.25 ? 2 : 1;
        for (let s = 0; s < sessions; s++) {
          const src = pick(SOURCES);
          const base = { visitorId: `v${v}`, sessionId: `s${v}_${day}_${s}`, ...src.ctx };
          const at = () => start + Math.floor(rand() * span);
          const pvCount = rand() < 0.35 ? 1 : 1 + Math.floor(rand() * 3);
          for (let i = 0; i < pvCount; i++) batch.push({ type: 'page_view', at: at(), url: '/', ...base });
          if (rand() < 0.6) {
            // Most interest goes to CUP and, in the second half of the period, to BAG.
            const p = rand() < 0.5 ? products[0]! : day > addDays(T, -5) && rand() < 0.7 ? products[2]! : pick(products.slice(0, 3));
            const viewedAt = at();
            batch.push({ type: 'page_view', at: viewedAt, url: `/item/${p.id}`, ...base });
            batch.push({
              type: 'product_view',
              at: at(),
              url: `/item/${p.id}`,
              productId: p.id,
              dwellMs: 1000 + Math.floor(rand() * 60_000),
              ...base,
            });
            if (rand() < 0.35) batch.push({ type: 'add_to_cart', at: at(), url: `/item/${p.id}`, productId: p.id, ...base });
            if (rand() < 0.15) batch.push({ type: 'favorite', at: at(), url: `/item/${p.id}`, productId: p.id, ...base });
            if (rand() < 0.2) batch.push({ type: 'begin_checkout', at: at(), url: '/checkout', productId: p.id, ...base });
          }
        }
      }
      for (let i = 0; i < batch.length; i += 50) {
        await ingestEvents(db(), { id: shopA, orgId: ctx.orgId, timezone: TZ }, batch.slice(i, i + 50), { clamp: false });
      }
      // Orders: some by tracked visitors, some by nick only; some paid the next day, some never.
      const n = 2 + Math.floor(rand() * 4);
      for (let i = 0; i < n; i++) {
        const tracked = rand() < 0.7;
        const status = pick(['completed', 'completed', 'paid', 'pending_payment', 'cancelled', 'next_day'] as const);
        const paidDay =
          status === 'pending_payment' || status === 'cancelled' ? null : status === 'next_day' ? (day < T ? addDays(day, 1) : day) : day;
        const p1 = pick(products.slice(0, 2));
        const ls = [{ skuId: p1.skuId, qty: 1 + Math.floor(rand() * 3), price: p1.price, cost: Math.round(p1.price / 3) }];
        if (rand() < 0.3) ls.push({ skuId: products[2]!.skuId, qty: 1, price: products[2]!.price, cost: 5000 });
        if (rand() < 0.1) ls.push({ skuId: null as unknown as string, qty: 1, price: 1000, cost: 0 }); // unmatched import line
        await insertOrder(
          shopA,
          {
            day,
            paidDay,
            status: status === 'next_day' ? 'paid' : status,
            visitorId: tracked ? `v${Math.floor(rand() * 30)}` : null,
            nick: `买家${Math.floor(rand() * 8)}`,
            source: tracked ? pick(['search', 'paid_search', 'social', null]) : null,
            shipping: rand() < 0.4 ? 800 : 0,
          },
          ls,
        );
      }
    }
    // A refund (made today) of an order paid on D0+1, and HAT sold once on D0+1 only.
    refundedOrderDay = addDays(D0, 1);
    const refundedOrder = await insertOrder(
      shopA,
      {
        day: refundedOrderDay,
        paidDay: refundedOrderDay,
        status: 'completed',
        visitorId: 'v3',
        nick: '买家3',
        source: 'search',
        shipping: 600,
        refundDay: T,
      },
      [
        { skuId: products[0]!.skuId, qty: 2, price: 9900, cost: 3300, refund: 9800 },
        { skuId: products[3]!.skuId, qty: 1, price: 3900, cost: 1300 },
      ],
    );
    // An overdue after-sales case (of the refunded order).
    await aftersales.bulk.insertCases(db(), {
      orgId: ctx.orgId,
      eventActor: () => '',
      cases: [
        {
          id: newId('aftersale'),
          shopId: shopA,
          orderId: refundedOrder,
          code: 'AS-TEST-1',
          type: 'refund_only',
          status: 'pending',
          reason: '',
          responsibility: 'product',
          requestedFen: 0,
          refundFen: 0,
          note: '',
          slaDueAt: now - 3_600_000,
          resolvedAt: null,
          createdAt: now - 90_000_000,
          updatedAt: now - 90_000_000,
          lines: [],
          events: [],
        },
      ],
    });
    // Shop B: a few visitors today.
    await ingestEvents(
      db(),
      { id: shopB, orgId: ctx.orgId, timezone: TZ },
      ['b1', 'b2', 'b3'].map((v) => ({ type: 'page_view' as const, at: now - 1000, visitorId: v, url: '/' })),
    );
    await markOrderDaysDirty(db(), shopA, days(D0, T));
    await recomputeDirty(db(), { now: now + 61_000 });
    brute = await readBack(db(), shopA);
  });

  it('rolls up every day: shop, source and product rows match the raw data', async () => {
    expect(brute.events.length).toBeGreaterThan(300);
    for (const day of [D0, addDays(D0, 1), addDays(T, -3), T]) {
      const rows = await db().selectFrom('rollup_daily').selectAll().where('shop_id', '=', shopA).where('day', '=', day).execute();
      const get = (p: string, s: string) => rows.find((x) => x.product_id === p && x.source_code === s);
      const check = (row: (typeof rows)[number] | undefined, f: Figures) => {
        expect(row, `${day}`).toBeDefined();
        expect({
          uv: row!.uv,
          pv: row!.pv,
          detail: row!.detail_uv,
          visits: row!.detail_visits,
          dwell: row!.dwell_ms,
          bounce: row!.bounce_uv,
          fav: row!.fav_uv,
          cart: row!.cart_uv,
          orderUv: row!.order_uv,
          buyers: row!.paying_buyers,
          paid: row!.paid_fen,
          orders: row!.orders,
          paidOrders: row!.paid_orders,
          units: row!.units,
          refund: row!.refund_fen,
          refundOrders: row!.refund_orders,
          cost: row!.cost_fen,
        }).toEqual({
          uv: f.uv,
          pv: f.pv,
          detail: f.detailUv,
          visits: f.detailVisits,
          dwell: f.dwell,
          bounce: f.bounce,
          fav: f.favUv,
          cart: f.cartUv,
          orderUv: f.orderUv,
          buyers: f.payingBuyers,
          paid: f.paidFen,
          orders: f.orders,
          paidOrders: f.paidOrders,
          units: f.units,
          refund: f.refundFen,
          refundOrders: f.refundOrders,
          cost: f.costFen,
        });
      };
      check(get('', ''), brute.day(day));
      for (const s of ['search', 'paid_search', 'social', 'direct', 'unknown']) {
        const f = brute.day(day, { source: s });
        if (f.uv || f.orders || f.paidOrders) check(get('', s), f);
      }
      for (const p of products) {
        const f = brute.day(day, { product: p.id });
        if (f.uv || f.orders || f.paidOrders) check(get(p.id, ''), f);
        const fs = brute.day(day, { product: p.id, source: 'search' });
        if (fs.uv || fs.orders || fs.paidOrders) check(get(p.id, 'search'), fs);
      }
    }
    // The refund made today counts today (成功退款金额), not on the original order's paid day.
    expect(brute.day(T).refundFen).toBeGreaterThanOrEqual(9800);
    expect(brute.refunds.filter((r) => r.refund_day === refundedOrderDay)).toEqual([]);
  });

  it('dashboard: cards, 30-day trend, 7-day funnel, top sources and products, alerts', async () => {
    const before = Date.now();
    const res = await admin.get(`/api/v1/analytics/dashboard?shopId=${shopA}`);
    const after = Date.now();
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json();
    expect(d.today).toBe(T);
    expect(d.shopIds).toEqual([shopA]);
    expect(d.isDemo).toBe(false);
    const at = (offset: number) => totals(brute.day(addDays(T, offset)));
    const value = (metric: string, t: Totals) =>
      metric === 'payConversion'
        ? ratio(t.payingBuyers, t.uv)
        : metric === 'aov'
          ? t.payingBuyers
            ? Math.round(t.paidFen / t.payingBuyers)
            : null
          : t[metric as keyof Totals];
    // 同时段: yesterday and last week's day up to the time of day of the request (the fixed-clock
    // case is periods.test.ts); the request ran between `before` and `after`.
    const sameTime = (offset: number, metric: string) => {
      const day = addDays(T, offset);
      const options = [before, after].map((t) => value(metric, totals(brute.day(day, {}, sameTimeOn(day, t, TZ)))));
      return options;
    };
    for (const c of d.cards) {
      expect(c, c.metric).toEqual({
        metric: c.metric,
        today: value(c.metric, at(0)),
        yesterdaySameTime: c.yesterdaySameTime,
        lastWeekSameTime: c.lastWeekSameTime,
        yesterday: value(c.metric, at(-1)),
        dayBefore: value(c.metric, at(-2)),
        yesterdayLastWeek: value(c.metric, at(-8)),
      });
      expect(sameTime(-1, c.metric), c.metric).toContainEqual(c.yesterdaySameTime);
      expect(sameTime(-7, c.metric), c.metric).toContainEqual(c.lastWeekSameTime);
    }
    expect(d.cards.map((c: { metric: string }) => c.metric)).toEqual([
      'uv',
      'pv',
      'payingBuyers',
      'paidFen',
      'payConversion',
      'aov',
      'orders',
      'refundFen',
    ]);
    expect(d.trend).toEqual(brute.dayPoints(addDays(T, -30), addDays(T, -1)));
    const week = brute.period(addDays(T, -7), addDays(T, -1));
    expect(d.funnel).toEqual(funnel(totals(week)));

    const srcs = ['search', 'paid_search', 'social', 'direct', 'unknown'].map((code) => ({
      code,
      f: brute.period(addDays(T, -7), addDays(T, -1), { source: code }),
    }));
    const want = srcs
      .filter((s) => s.f.uv > 0 || s.f.paidFen > 0)
      .sort((a, b) => b.f.uv - a.f.uv || b.f.paidFen - a.f.paidFen || a.code.localeCompare(b.code))
      .map((s) => ({
        code: s.code,
        uv: s.f.uv,
        share: ratio(s.f.uv, week.uv),
        payingBuyers: s.f.payingBuyers,
        paidFen: s.f.paidFen,
        payConversion: ratio(s.f.payingBuyers, s.f.uv + s.f.untrackedBuyers),
        visitorValue: s.f.uv ? Math.round(s.f.paidFen / s.f.uv) : null,
      }));
    expect(d.topSources.map(({ group: _g, name: _n, ...x }: Record<string, unknown>) => x)).toEqual(want);
    // Shares add up to more than 100% when visitors come through several sources.
    expect(want.reduce((s, x) => s + (x.share ?? 0), 0)).toBeGreaterThan(1);

    const top = products
      .map((p) => brute.productRow(p.id, p.title, addDays(T, -7), addDays(T, -1), p.available))
      .filter(
        (p) =>
          p.uv > 0 ||
          p.paidFen > 0 ||
          p.units > 0 ||
          p.refundFen > 0 ||
          brute.period(addDays(T, -7), addDays(T, -1), { product: p.productId }).orders > 0,
      )
      .sort((a, b) => b.paidFen - a.paidFen || a.productId.localeCompare(b.productId));
    expect(d.topProducts).toEqual(top);
    expect(top.length).toBeGreaterThan(2);
    // The refund made today shows in today's card, not in the trend's days (which end yesterday).
    expect(d.cards.find((c: { metric: string }) => c.metric === 'refundFen').today).toBeGreaterThanOrEqual(9800);
    expect(d.trend.every((p: DayPoint) => p.day < T)).toBe(true);

    expect(d.alerts.lowStock).toEqual([
      { skuId: products[0]!.skuId, code: 'CUP', title: '商品 CUP（颜色:黑）', available: 50, threshold: 100 },
    ]);
    expect(d.alerts.overdueAftersales).toHaveLength(1);
    expect(d.alerts.overdueAftersales[0]).toMatchObject({ code: 'AS-TEST-1', type: 'refund_only' });
  });

  it('traffic: totals, means of daily rates, source tree, trend and funnel for single days and periods', async () => {
    for (const [from, to] of [
      [D0, addDays(T, -5)],
      [addDays(T, -3), addDays(T, -3)],
      [D0, T],
    ] as const) {
      const res = await admin.get(`/api/v1/analytics/traffic?shopId=${shopA}&from=${from}&to=${to}`);
      expect(res.statusCode, res.body).toBe(200);
      const t = res.json();
      const all = brute.period(from, to);
      // The period's rates are means of the daily rates.
      expect(t.totals).toEqual({ ...totals(all), ...brute.rateMeans(from, to) });
      expect(t.funnel).toEqual(funnel(totals(all)));
      const children = t.tree.flatMap((g: { children: unknown[] }) => g.children) as {
        code: string;
        uv: number;
        share: number | null;
        payingBuyers: number;
        paidFen: number;
        payConversion: number | null;
        visitorValue: number | null;
      }[];
      for (const code of ['search', 'paid_search', 'social', 'direct', 'unknown', 'display']) {
        const f = brute.period(from, to, { source: code });
        expect(
          children.find((c) => c.code === code),
          code,
        ).toMatchObject({
          uv: f.uv,
          share: ratio(f.uv, all.uv),
          payingBuyers: f.payingBuyers,
          paidFen: f.paidFen,
          payConversion: ratio(f.payingBuyers, f.uv + f.untrackedBuyers),
          visitorValue: f.uv ? Math.round(f.paidFen / f.uv) : null,
        });
      }
      // A first-level source counts each visitor once a day, however many of its sources they came through.
      const paidGroup = t.tree.find((g: { code: string }) => g.code === 'paid');
      const distinctPaid = days(from, to).reduce(
        (n, day) =>
          n +
          new Set(brute.events.filter((e) => e.day === day && ['paid_search', 'display'].includes(e.source_code)).map((e) => e.visitor_id))
            .size,
        0,
      );
      expect(paidGroup).toMatchObject({ uv: distinctPaid, uvIsSum: false });
      // The comparison period's figures come along (the period just before, same length).
      const base = basePeriod(from, to, 'previous');
      expect([t.compare, t.baseFrom, t.baseTo]).toEqual(['previous', base.from, base.to]);
      expect(t.baseTotals).toEqual({ ...totals(brute.period(base.from, base.to)), ...brute.rateMeans(base.from, base.to) });
      expect(children.find((c) => c.code === 'search')).toMatchObject({
        base: { uv: brute.period(base.from, base.to, { source: 'search' }).uv },
      });
      expect(t.trend).toEqual(
        days(from, to).map((day) => {
          const bySource: Record<string, number> = {};
          for (const code of ['search', 'paid_search', 'social', 'direct']) {
            const uv = brute.day(day, { source: code }).uv;
            if (uv > 0) bySource[code] = uv;
          }
          return { day, bySource };
        }),
      );
    }
  });

  it('products: ranking in any order, hot candidates and slow movers; product detail', async () => {
    const from = D0;
    const to = T;
    const rows = products
      .map((p) => brute.productRow(p.id, p.title, from, to, p.available))
      .filter((p) => p.uv > 0 || p.units > 0 || brute.period(from, to, { product: p.productId }).orders > 0);
    const byUv = [...rows].sort((a, b) => a.uv - b.uv || a.productId.localeCompare(b.productId));
    const p1 = (
      await admin.get(`/api/v1/analytics/products?shopId=${shopA}&from=${from}&to=${to}&sort=uv&order=asc&page=1&pageSize=2`)
    ).json();
    const p2 = (
      await admin.get(`/api/v1/analytics/products?shopId=${shopA}&from=${from}&to=${to}&sort=uv&order=asc&page=2&pageSize=2`)
    ).json();
    expect(p1.total).toBe(rows.length);
    expect([...p1.items, ...p2.items].map(({ base: _b, ...x }: ProductRow) => x)).toEqual(byUv);
    const byConv = (
      await admin.get(`/api/v1/analytics/products?shopId=${shopA}&from=${from}&to=${to}&sort=payConversion&order=desc&pageSize=50`)
    ).json();
    const convs = byConv.items.map((i: ProductRow) => i.payConversion);
    expect(convs).toEqual([...convs].sort((a: number | null, b: number | null) => (a === null ? 1 : b === null ? -1 : b - a)));

    // 爆款潜力 over the period, by hand.
    const ds = days(from, to);
    const half = Math.floor(ds.length / 2);
    const shopAll = brute.period(from, to);
    const shopConv = ratio(shopAll.payingBuyers, shopAll.uv + shopAll.untrackedBuyers)!;
    const hot = rows
      .map((row) => {
        const u1 = brute.period(ds[0]!, ds[half - 1]!, { product: row.productId }).uv;
        const u2 = brute.period(ds[ds.length - half]!, ds[ds.length - 1]!, { product: row.productId }).uv;
        return { ...row, uvGrowth: u1 > 0 ? (u2 - u1) / u1 : -1 };
      })
      .filter((x) => x.uvGrowth >= 0.2 && x.payConversion !== null && x.payConversion > shopConv)
      .sort((a, b) => b.uvGrowth - a.uvGrowth);
    expect(p1.hotCandidates).toEqual(hot);
    expect(hot.length, 'the data should produce a hot candidate').toBeGreaterThan(0);

    // 滞销 over the last 5 days: stock on hand, no units sold; last sold day from all history.
    const recent = (await admin.get(`/api/v1/analytics/products?shopId=${shopA}&from=${addDays(T, -4)}&to=${T}`)).json();
    const onHand: Record<string, number> = { [products[0]!.id]: 50, [products[2]!.id]: 20, [products[3]!.id]: 5 };
    const lastSold = (id: string) => {
      const d = days(D0, T).filter((day) => brute.day(day, { product: id }).units > 0);
      return d.length ? d[d.length - 1]! : null;
    };
    const slow = products
      .filter((p) => onHand[p.id] && brute.period(addDays(T, -4), T, { product: p.id }).units === 0)
      .map((p) => ({ productId: p.id, title: p.title, onHand: onHand[p.id]!, lastSoldDay: lastSold(p.id) }))
      .sort((a, b) => b.onHand - a.onHand || a.productId.localeCompare(b.productId));
    expect(recent.slowMovers).toEqual(slow);
    expect(recent.slowMovers.find((s: { productId: string }) => s.productId === products[3]!.id)).toEqual({
      productId: products[3]!.id,
      title: '商品 HAT',
      onHand: 5,
      lastSoldDay: refundedOrderDay,
    });

    const cup = products[0]!;
    const detail = (await admin.get(`/api/v1/analytics/products/${cup.id}?shopId=${shopA}&from=${from}&to=${to}`)).json();
    expect(detail.totals).toEqual(brute.productRow(cup.id, cup.title, from, to, 50));
    expect(detail.trend).toEqual(
      brute.dayPoints(from, to, { product: cup.id }).map((p) => ({ ...p, payConversion: ratio(p.payingBuyers, p.uv) })),
    );
    expect(detail.funnel).toEqual(funnel(totals(brute.period(from, to, { product: cup.id }))));
    expect((await admin.get(`/api/v1/analytics/products/prd_nope?shopId=${shopA}`)).statusCode).toBe(404);
  });

  it('products: a stock change and a title edit show in the next ranking at once (slow movers and the page)', async () => {
    const url = `/api/v1/analytics/products?shopId=${shopA}&from=${addDays(T, -4)}&to=${T}&pageSize=50`;
    const hat = products[3]!;
    const slowHat = async () =>
      (await admin.get(url)).json().slowMovers.find((s: { productId: string }) => s.productId === hat.id) as
        { title: string; onHand: number } | undefined;
    expect(await slowHat()).toMatchObject({ title: hat.title, onHand: 5 });
    const stock = await db().selectFrom('stock').select('warehouse_id').where('sku_id', '=', hat.skuId).executeTakeFirstOrThrow();
    const adjust = (qty: number) =>
      admin.post('/api/v1/stock/adjust', { skuId: hat.skuId, warehouseId: stock.warehouse_id, qty, reason: '排行测试' });
    expect((await adjust(7)).statusCode).toBeLessThan(300);
    expect(await slowHat()).toMatchObject({ title: hat.title, onHand: 12 });
    const renamed = await admin.patch(`/api/v1/products/${hat.id}`, { title: '商品 HAT 新款' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await slowHat()).toMatchObject({ title: '商品 HAT 新款', onHand: 12 });
    // Sold out: no longer a slow mover.
    expect((await adjust(-12)).statusCode).toBeLessThan(300);
    expect(await slowHat()).toBeUndefined();
    // Back as it was for the tests after this one.
    expect((await adjust(5)).statusCode).toBeLessThan(300);
    expect((await admin.patch(`/api/v1/products/${hat.id}`, { title: hat.title })).statusCode).toBe(200);
    expect(await slowHat()).toMatchObject({ title: hat.title, onHand: 5 });
  });

  it('trade: base period per compare mode and an LMDI split that adds up exactly', async () => {
    for (const [from, to, compare, baseFrom, baseTo] of [
      [addDays(T, -4), T, 'previous', D0, addDays(T, -5)],
      [addDays(T, -2), T, 'wow', D0, addDays(T, -7)],
    ] as const) {
      const t = (await admin.get(`/api/v1/analytics/trade?shopId=${shopA}&from=${from}&to=${to}&compare=${compare}`)).json();
      expect({ baseFrom: t.baseFrom, baseTo: t.baseTo }).toEqual({ baseFrom, baseTo });
      const cur = totals(brute.period(from, to));
      const base = totals(brute.period(baseFrom, baseTo));
      expect(t.current).toEqual(cur);
      expect(t.base).toEqual(base);
      expect(t.decomposition).toEqual(lmdiFen(base, cur));
      const dd = t.decomposition;
      expect(dd.uvEffect + dd.conversionEffect + dd.aovEffect).toBe(cur.paidFen - base.paidFen);
      expect(t.trend).toEqual(
        days(from, to).map((day, i) => ({
          day,
          paidFen: brute.day(day).paidFen,
          baseDay: addDays(baseFrom, i),
          basePaidFen: brute.day(addDays(baseFrom, i)).paidFen,
        })),
      );
    }
  });

  it('ad spend joins traffic and trade: paid-traffic share, 访客成本, 推广花费, ROI and profit after ads equal a recount', async () => {
    const from = addDays(T, -4);
    const base = basePeriod(from, T, 'previous'); // [D0, T-5]: no ad data
    // Plan-level report rows (花费, 成交金额 in yuan) for T-4 … T-1, and one 淘宝客 order on T-2.
    const adRows = days(from, addDays(T, -1)).flatMap((day, i) => [
      { day, plan: '引流计划', impressions: 4000 + i, clicks: 120 + i, spendFen: 8800 + 37 * i, orders: 3, salesFen: 26900 + 11 * i },
      { day, plan: '收割计划', impressions: 900, clicks: 30, spendFen: 2500, orders: 1, salesFen: 9900 },
    ]);
    const file = [
      ['日期', '计划名称', '展现量', '点击量', '花费(元)', '成交笔数', '成交金额(元)'],
      ...adRows.map((r) => [
        r.day,
        r.plan,
        r.impressions,
        r.clicks,
        (r.spendFen / 100).toFixed(2),
        r.orders,
        (r.salesFen / 100).toFixed(2),
      ]),
    ];
    const taoke = [
      ['订单编号', '付款金额', '预估佣金', '付款时间'],
      ['3456789012345678999', '129.00', '12.90', `${addDays(T, -2)} 10:00:00`],
    ];
    const send = async (url: string, fields: Record<string, string>, name: string, rows: (string | number)[][]) => {
      const mp = multipart({ shopId: shopA, ...fields }, { file: { name, data: Buffer.from(rows.map((r) => r.join(',')).join('\r\n')) } });
      const res = await admin.request('POST', url, mp.body, { 'content-type': mp.type });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    expect(await send('/api/v1/ads/import', { format: 'generic', tool: 'ztc' }, '计划.csv', file)).toMatchObject({ imported: 8 });
    expect(await send('/api/v1/ads/taoke/import', {}, '淘宝客.csv', taoke)).toMatchObject({ imported: 1 });
    const spend = adRows.reduce((a, r) => a + r.spendFen, 0) + 1290;
    const sales = adRows.reduce((a, r) => a + r.salesFen, 0) + 12900;

    // Paid visitors: distinct per day among the events of the tree's paid sources (the user's source table).
    const paidCodes = new Set(
      (await db().selectFrom('traffic_sources').select(['code', 'group_code']).where('org_id', '=', ctx.orgId).execute())
        .filter((r) => r.group_code === 'paid')
        .map((r) => r.code),
    );
    expect(paidCodes.has('paid_search')).toBe(true);
    const paidUv = (a: string, b: string) =>
      days(a, b).reduce(
        (n, day) => n + new Set(brute.events.filter((e) => e.day === day && paidCodes.has(e.source_code)).map((e) => e.visitor_id)).size,
        0,
      );
    const t = (await admin.get(`/api/v1/analytics/traffic?shopId=${shopA}&from=${from}&to=${T}`)).json();
    const uv = paidUv(from, T);
    expect(uv).toBeGreaterThan(0);
    expect(t.paidTraffic).toEqual({
      uv,
      share: uv / brute.period(from, T).uv,
      uvIsSum: false,
      spendFen: spend,
      visitorCostFen: Math.round(spend / uv),
    });
    const baseUv = paidUv(base.from, base.to);
    expect(t.basePaidTraffic).toEqual({
      uv: baseUv,
      share: ratio(baseUv, brute.period(base.from, base.to).uv),
      uvIsSum: false,
      spendFen: null,
      visitorCostFen: null,
    });

    const tr = (await admin.get(`/api/v1/analytics/trade?shopId=${shopA}&from=${from}&to=${T}&compare=previous`)).json();
    const cur = brute.period(from, T);
    expect(tr.ads).toEqual({
      current: {
        spendFen: spend,
        salesFen: sales,
        roi: sales / spend,
        adSalesShare: ratio(sales, cur.paidFen),
        profitAfterAdsFen: cur.paidFen - cur.costFen - spend,
        taokeCommissionFen: 1290,
        taokePaidFen: 12900,
      },
      base: null,
    });
  });

  it('a late event marks its day dirty and the rebuild changes only that day', async () => {
    const late = addDays(T, -6);
    const before = await db().selectFrom('rollup_daily').selectAll().where('shop_id', '=', shopA).execute();
    await db().deleteFrom('rollup_dirty').execute();
    await ingestEvents(
      db(),
      { id: shopA, orgId: ctx.orgId, timezone: TZ },
      [
        {
          type: 'page_view',
          at: dayStart(late, TZ) + 5000,
          visitorId: 'late-visitor',
          url: '/',
          referrer: 'https://s.taobao.com/search?q=1',
        },
      ],
      { clamp: false },
    );
    const marks = await db().selectFrom('rollup_dirty').selectAll().execute();
    expect(marks.map((m) => [m.shop_id, m.day])).toEqual([[shopA, late]]);
    expect(await recomputeDirty(db())).toBe(1);
    expect(await db().selectFrom('rollup_dirty').selectAll().execute()).toEqual([]);
    const after = await db().selectFrom('rollup_daily').selectAll().where('shop_id', '=', shopA).execute();
    const key = (x: { day: string; product_id: string; source_code: string }) => `${x.day}|${x.product_id}|${x.source_code}`;
    const beforeMap = new Map(before.map((x) => [key(x), x]));
    for (const row of after) {
      if (row.day === late) continue;
      expect(row, key(row)).toEqual(beforeMap.get(key(row)));
    }
    expect(after.filter((x) => x.day !== late)).toHaveLength(before.filter((x) => x.day !== late).length);
    const shopRow = (rows: typeof after) => rows.find((x) => x.day === late && x.product_id === '' && x.source_code === '')!;
    expect(shopRow(after).uv).toBe(shopRow(before).uv + 1);
    expect(shopRow(after).bounce_uv).toBe(shopRow(before).bounce_uv + 1);
    brute = await readBack(db(), shopA);
    expect(shopRow(after).uv).toBe(brute.day(late).uv);
  });

  it('imported marketplace statistics replace the event counts of their day', async () => {
    await trafficImport.bulk.insertTrafficStats(db(), {
      importedAt: Date.now(),
      stats: [
        { shopId: shopA, day: D0, productId: '', sourceCode: '', uv: 9999, pv: 20000, cartUv: 50, favUv: 40, payingBuyers: 0, paidFen: 0 },
      ],
    });
    await recomputeDays(db(), shopA, [D0]);
    const row = await db()
      .selectFrom('rollup_daily')
      .selectAll()
      .where('shop_id', '=', shopA)
      .where('day', '=', D0)
      .where('product_id', '=', '')
      .where('source_code', '=', '')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      uv: 9999,
      pv: 20000,
      cart_uv: 50,
      fav_uv: 40,
      paid_fen: brute.day(D0).paidFen,
      detail_uv: brute.day(D0).detailUv,
    });
    await trafficImport.bulk.removeShopTrafficStats(db(), [shopA]);
    await recomputeDays(db(), shopA, [D0]);
  });

  it('scopes by shop: several shops are summed; a user limited to one shop cannot read another', async () => {
    const all = (await admin.get('/api/v1/analytics/dashboard')).json();
    expect(all.shopIds.sort()).toEqual([shopA, shopB].sort());
    expect(all.cards.find((c: { metric: string }) => c.metric === 'uv').today).toBe(brute.day(T).uv + 3);

    const roles = (await admin.get('/api/v1/roles')).json().items as { id: string; code: string }[];
    const { client } = await ctx.userWithRoles('op_b', [], {
      roleIds: [roles.find((x) => x.code === 'operator')!.id],
      allShops: false,
      shopIds: [shopB],
    });
    const denied = await client.get(`/api/v1/analytics/dashboard?shopId=${shopA}`);
    expect(denied.statusCode).toBe(404);
    expect((await client.get(`/api/v1/analytics/traffic?shopId=${shopA}&from=${D0}&to=${T}`)).statusCode).toBe(404);
    expect((await client.get(`/api/v1/analytics/trade?shopId=${shopA}`)).statusCode).toBe(404);
    const own = (await client.get('/api/v1/analytics/dashboard')).json();
    expect(own.shopIds).toEqual([shopB]);
    expect(own.cards.find((c: { metric: string }) => c.metric === 'uv').today).toBe(3);
    const products = (await client.get(`/api/v1/analytics/products?from=${D0}&to=${T}`)).json();
    expect(products.items).toEqual([]);

    const { client: kefu } = await ctx.userWithRoles('kefu_a', ['service']);
    expect((await kefu.get('/api/v1/analytics/dashboard')).statusCode).toBe(403);
    const bad = await admin.get(`/api/v1/analytics/traffic?shopId=${shopA}&from=${T}&to=${D0}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain('开始日期');
  });
});

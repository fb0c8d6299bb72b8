/**
 * Shop diagnosis (issue 15 §1): every rule fires on a case planted in shop A and stays quiet on
 * shop B, planted with the same business minus the problems; the change-point dates are within
 * ±2 days of the planted starts. Then: one open finding per cause across runs, dismiss / resolve /
 * assign with a note and an audit row, the list ranked by money at stake, the daily job, the CLI.
 */
import { addDays, daysBetween, newId, type Finding } from '@yunying/core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ads from '../src/modules/ads/index.js';
import * as aftersales from '../src/modules/aftersales/index.js';
import { recomputeDays } from '../src/modules/analytics/index.js';
import * as catalog from '../src/modules/catalog/index.js';
import { diagnoseCli, runDiagnosis, runDueDiagnoses, shopRef } from '../src/modules/diagnosis/index.js';
import { windowOf } from '../src/modules/diagnosis/diagnosis.data.js';
import { stockouts } from '../src/modules/diagnosis/diagnosis.rules.js';
import * as inventory from '../src/modules/inventory/index.js';
import * as reviews from '../src/modules/reviews/index.js';
import * as shopsSvc from '../src/modules/shops/index.js';
import * as trafficImport from '../src/modules/traffic-import/index.js';
import { systemActor } from '../src/http/actor.js';
import { describeEachDialect } from './dialects.js';
import { addStock, makeBackdatedOrders, makeProduct, makeShop, type BackdatedOrder } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

// The analysed day is "yesterday" of a clock 45 days ahead, so the SKUs made now are old enough for 滞销.
const NOW = Date.now() + 45 * 86_400_000;
const TZ = 'Asia/Shanghai';
const D = addDays(new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(NOW), -1);
const FROM = addDays(D, -62);
const DAYS = daysBetween(FROM, D);
const on = (i: number) => DAYS[i]!;
const HOUR = 3_600_000;
const PRICE = 10_000;

// Planted starts (day index in the 63-day window).
const CONV_AT = 43; // P1: buyers 8 → 2, views unchanged
const TRAFFIC_AT = 49; // paid_search: 150 → 70 visitors
const AOV_AT = 50; // P2 sold at ¥60 instead of ¥100
const REFUND_AT = 40; // P2: 3 orders a day refunded, 质量问题 cases
const LATE = [20, 26]; // paid on these days: shipped after 70 h instead of 20 h
const PROMO = [28, 30]; // both shops: a 3-day promotion doubles visitors and buyers
const COMPLAINTS_AT = 52; // A: 中差评 about 拖鞋's quality every other day from here
const ADS_AT = 58; // the 直通车 plan of P1: ROI 3 → 0.8 (break-even 1/0.7 ≈ 1.43)

const wave = (i: number) => [0, 2, -1, 1, -2, 1, -1][i % 7]!;
const small = (i: number) => [0, 1, -1, 0, 1, -1, 0][i % 7]!;
const promo = (i: number) => (i >= PROMO[0]! && i <= PROMO[1]! ? 2 : 1);

interface Planted {
  shopId: string;
  p1: string;
  p2: string;
  p3: string;
  sku1: string;
  sku2: string;
  sku3: string;
}

describeEachDialect('shop diagnosis', (dialect) => {
  const ctx = useTestApp(dialect);
  const db = () => ctx.tdb.database.db;
  let admin: Client;
  let A: Planted;
  let B: Planted;
  let wh: string;

  async function plant(name: string, planted: boolean): Promise<Planted> {
    const shopId = await makeShop(ctx, admin, name);
    const mk = async (code: string, title: string, stock: number, costFen = 3000) => {
      const { productId, skuIds } = await makeProduct(ctx, { title, skus: [{ code, priceFen: PRICE, costFen }] });
      if (stock) await addStock(ctx, skuIds[0]!, stock);
      return { productId, skuId: skuIds[0]! };
    };
    const x1 = await mk(`${name}-P1`, `${name} 睡衣`, 10_000);
    const x2 = await mk(`${name}-P2`, `${name} 拖鞋`, planted ? 20 : 10_000);
    const x3 = await mk(`${name}-P3`, `${name} 冬被`, 50, 5000);
    await db()
      .transaction()
      .execute(async (trx) => {
        for (const [x, item] of [
          [x1, '1'],
          [x2, '2'],
          [x3, '3'],
        ] as const) {
          await catalog.linkListing(trx, {
            orgId: ctx.orgId,
            shopId,
            productId: x.productId,
            skuId: x.skuId,
            channelItemId: `${name}-${item}`,
          });
        }
      });

    // Visitors: imported statistics per product, per source and for the shop.
    const stats: Parameters<typeof trafficImport.bulk.insertTrafficStats>[1]['stats'][number][] = [];
    const stat = (day: string, productId: string, sourceCode: string, uv: number) =>
      stats.push({ shopId, day, productId, sourceCode, uv, pv: uv * 2, cartUv: 0, favUv: 0, payingBuyers: 0, paidFen: 0 });
    const orders: BackdatedOrder[] = [];
    const order = (i: number, skuId: string, k: number, o: { paidFen?: number; refund?: boolean } = {}) => {
      const paidAt = Date.parse(`${on(i)}T02:00:00Z`) + k * 60_000; // 10:00 Shanghai
      const late = planted && i >= LATE[0]! && i <= LATE[1]!;
      const paid = o.paidFen ?? PRICE;
      orders.push({
        shopId,
        day: on(i),
        paidDay: on(i),
        paidAt,
        orderedAt: paidAt - 60_000,
        status: 'shipped',
        visitorId: null,
        nick: `${name}-${i}-${skuId.slice(-6)}-${k}`,
        sourceCode: 'search',
        shippingFen: 0,
        warehouseId: wh,
        shippedAt: paidAt + (late ? 70 : 20) * HOUR,
        lines: [{ skuId, qty: 1, unitPriceFen: PRICE, unitCostFen: 3000, paidFen: paid, ...(o.refund ? { refundFen: paid } : {}) }],
      });
    };
    const cases: { orderIndex: number; day: number }[] = [];
    DAYS.forEach((day, i) => {
      const f = promo(i);
      stat(day, x1.productId, '', (100 + 3 * wave(i)) * f);
      stat(day, x2.productId, '', (100 + 3 * wave(i)) * f);
      stat(day, x3.productId, '', 20);
      const search = (200 + 5 * wave(i)) * f;
      const paid = (planted && i >= TRAFFIC_AT ? 70 + 3 * wave(i) : 150 + 4 * wave(i)) * f;
      stat(day, '', 'search', search);
      stat(day, '', 'paid_search', paid);
      stat(day, '', '', search + paid);

      const n1 = planted && i >= CONV_AT ? 2 + (i % 2) : (8 + small(i)) * f;
      for (let k = 0; k < n1; k++) order(i, x1.skuId, k);
      const n2 = (8 + small(i)) * f;
      for (let k = 0; k < n2; k++) {
        const refund = planted && i >= REFUND_AT && k < 3;
        if (refund) cases.push({ orderIndex: orders.length, day: i });
        order(i, x2.skuId, 100 + k, { paidFen: planted && i >= AOV_AT ? 6000 : PRICE, refund });
      }
      if (!planted) order(i, x3.skuId, 200); // B sells its 冬被 every day
      if (i % 7 === 0) cases.push({ orderIndex: orders.length - 1, day: i }); // the usual odd case
    });
    const ids = await makeBackdatedOrders(ctx, orders);
    await trafficImport.bulk.insertTrafficStats(db(), { importedAt: NOW, stats });
    await aftersales.ensureReasons(db(), ctx.orgId);
    await aftersales.bulk.insertCases(db(), {
      orgId: ctx.orgId,
      eventActor: () => '',
      cases: cases.map((c, n) => {
        const at = Date.parse(`${on(c.day)}T06:00:00Z`);
        return {
          id: newId('aftersale'),
          shopId,
          orderId: ids[c.orderIndex]!,
          code: `AS-${name}-${n}`,
          type: 'refund_only',
          status: 'completed',
          reason: '质量问题',
          responsibility: 'product',
          requestedFen: PRICE,
          refundFen: PRICE,
          note: '',
          slaDueAt: at + 48 * HOUR,
          resolvedAt: at + 2 * HOUR,
          createdAt: at,
          updatedAt: at,
          lines: [],
          events: [],
        };
      }),
    });
    await db()
      .transaction()
      .execute(async (trx) => {
        const review = (i: number, n: number) =>
          reviews.createReview(
            trx,
            systemActor(ctx.orgId, 'test'),
            {
              shopId,
              rating: 1,
              content: '质量太差，穿两天就开线了',
              imageCount: 0,
              appendContent: '',
              dsrDesc: 1,
              dsrService: null,
              dsrLogistics: null,
              productTitle: `${name} 拖鞋`,
              skuText: '',
              orderNo: `R-${name}-${i}-${n}`,
              buyerNick: `${name}-r${i}-${n}`,
              reviewedAt: Date.parse(`${on(i)}T04:00:00Z`),
            },
            NOW,
          );
        if (planted) for (let i = COMPLAINTS_AT; i < 63; i += 2) await review(i, 0);
        else await review(60, 0); // one complaint is no pattern
      });
    const planId = newId('adp');
    await ads.bulk.insertPlans(db(), {
      orgId: ctx.orgId,
      now: NOW,
      plans: [
        { id: planId, shopId, tool: 'ztc', name: `${name} 睡衣推广`, dailyBudgetFen: 20_000, bidFen: 100, productIds: [x1.productId] },
      ],
    });
    await ads.bulk.insertRows(db(), {
      importedAt: NOW,
      rows: DAYS.slice(-20).map((day) => ({
        shopId,
        planId,
        tool: 'ztc',
        day,
        level: '',
        unit: '',
        keyword: '',
        creative: '',
        impressions: 5000,
        clicks: 100,
        spendFen: 10_000,
        orders: 3,
        salesFen: planted && DAYS.indexOf(day) >= ADS_AT ? 8_000 : 30_000,
        favs: 0,
        carts: 0,
      })),
    });
    await recomputeDays(db(), shopId, DAYS);
    return { shopId, p1: x1.productId, p2: x2.productId, p3: x3.productId, sku1: x1.skuId, sku2: x2.skuId, sku3: x3.skuId };
  }

  const shopOf = async (id: string) => {
    const row = await shopsSvc.getVisible(db(), systemActor(ctx.orgId), id);
    return shopRef(row);
  };
  const findings = async (shopId: string, status = 'open'): Promise<Finding[]> => {
    const res = await admin.get(`/api/v1/diagnosis/findings?shopId=${shopId}&status=${status}&pageSize=200`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  };
  const near = (day: string, i: number) => {
    const diff = Math.abs(DAYS.indexOf(day) - i);
    expect(diff, `${day} vs planted ${on(i)}`).toBeLessThanOrEqual(2);
  };

  beforeAll(async () => {
    admin = await ctx.admin();
    wh = await inventory.defaultWarehouseId(db(), ctx.orgId);
    A = await plant('诊断A', true);
    B = await plant('对照B', false);
    await runDiagnosis(db(), await shopOf(A.shopId), D, NOW);
    await runDiagnosis(db(), await shopOf(B.shopId), D, NOW);
  }, 120_000);

  it('each rule fires on its planted case, with the change found within ±2 days', async () => {
    const list = await findings(A.shopId);
    const one = (kind: string, subjectId: string) => {
      const f = list.filter((x) => x.kind === kind && x.subjectId === subjectId);
      expect(f, `${kind} on ${subjectId}: ${list.map((x) => `${x.kind}/${x.subjectName}`).join(', ')}`).toHaveLength(1);
      return f[0]!;
    };
    const conv = one('conversion_drop', A.p1);
    near(conv.startedOn, CONV_AT);
    expect(conv.action.path).toBe(`/products/${A.p1}`);
    const c = conv.evidence.figures.find((x) => x.key === 'conversion')!;
    expect(c.before).toBeGreaterThan(0.07);
    expect(c.after).toBeLessThan(0.03);
    expect(conv.moneyAtStakeFen).toBeGreaterThan(0);
    expect(conv.evidence.series.points).toHaveLength(63);

    near(one('traffic_drop', 'paid_search').startedOn, TRAFFIC_AT);
    near(one('aov_drop', A.shopId).startedOn, AOV_AT);
    near(one('refund_rise', A.p2).startedOn, REFUND_AT);
    const reason = list.find((x) => x.kind === 'refund_reason_rise')!;
    expect(reason.subjectName).toBe('质量问题');
    near(reason.startedOn, REFUND_AT);

    const late = one('late_shipments', wh);
    near(late.startedOn, LATE[0]!);
    near(late.endedOn!, LATE[1]!);
    expect(late.evidence.figures.find((x) => x.key === 'lateShare')!.after).toBeGreaterThan(0.9);

    const out = one('stockout_risk', A.sku2);
    expect(out.startedOn).toBe(D);
    expect(out.evidence.figures.find((x) => x.key === 'coverDays')!.after).toBeLessThan(7);
    expect(out.action.path).toBe('/purchasing/orders');

    const ad = list.find((x) => x.kind === 'ads_below_break_even')!;
    expect(ad.startedOn).toBe(on(ADS_AT));
    expect(ad.evidence.figures.find((x) => x.key === 'breakEvenRoi')!.after).toBeCloseTo(1 / 0.7, 2);
    expect(ad.moneyAtStakeFen).toBe(10_000 - Math.round(8_000 * 0.7));
    expect(ad.action.path).toMatch(/^\/ads\/plans\/adp_/);

    const complaint = list.find((x) => x.kind === 'repeated_complaints')!;
    expect(complaint.subjectName).toBe('诊断A 拖鞋 · 质量');
    near(complaint.startedOn, COMPLAINTS_AT);
    expect(complaint.evidence.figures.find((x) => x.key === 'complaints')!.after).toBe(6);

    const slow = one('slow_mover', A.p3);
    expect(slow.evidence.figures.find((x) => x.key === 'stockValue')!.after).toBe(50 * 5000);
    // Nothing else: the control products of A raise nothing.
    expect(list.filter((x) => x.kind === 'conversion_drop' || x.kind === 'traffic_drop')).toHaveLength(2);
    // Ranked by money at stake.
    const money = list.map((x) => x.moneyAtStakeFen);
    expect(money).toEqual([...money].sort((a, b) => b - a));
  });

  it('stays quiet on the healthy control shop', async () => {
    expect((await findings(B.shopId)).map((f) => `${f.kind}/${f.subjectName}`)).toEqual([]);
  });

  it('keeps one open finding per cause across runs; a dismissed episode stays dismissed', async () => {
    const before = await findings(A.shopId);
    const shop = await shopOf(A.shopId);
    const r = await runDiagnosis(db(), shop, D, NOW);
    expect(r.created).toBe(0);
    expect(r.updated).toBe(before.length);
    expect((await findings(A.shopId)).map((f) => f.id).sort()).toEqual(before.map((f) => f.id).sort());

    const slow = before.find((f) => f.kind === 'slow_mover')!;
    const bad = await admin.post(`/api/v1/diagnosis/findings/${slow.id}`, { action: 'dismiss' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('备注');
    const ok = await admin.post(`/api/v1/diagnosis/findings/${slow.id}`, { action: 'dismiss', note: '季节性商品，冬季再卖' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'dismissed', note: '季节性商品，冬季再卖' });
    const again = await runDiagnosis(db(), shop, D, NOW);
    expect(again.skipped).toBe(1);
    expect((await findings(A.shopId)).some((f) => f.kind === 'slow_mover')).toBe(false);
    const log = await admin.get('/api/v1/audit?entityType=diagnosis_finding');
    expect(log.body).toContain('diagnosis.dismiss');
  });

  it('assigns to a member who sees the shop, resolves, and refuses what makes no sense', async () => {
    const f = (await findings(A.shopId)).find((x) => x.kind === 'conversion_drop')!;
    const me = (await admin.get('/api/v1/auth/me')).json().user.id as string;
    const assigned = await admin.post(`/api/v1/diagnosis/findings/${f.id}`, { action: 'assign', assigneeId: me, dueOn: D });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().assigneeId).toBe(me);
    expect(assigned.json().assigneeName).toBeTruthy();
    // …and a task for the assignee linked to the finding.
    const task = await admin.get(`/api/v1/tasks/${assigned.json().taskId}`);
    expect(task.statusCode, task.body).toBe(200);
    expect(task.json()).toMatchObject({ assigneeId: me, link: { kind: 'finding', id: f.id } });
    const nobody = await admin.post(`/api/v1/diagnosis/findings/${f.id}`, { action: 'assign', assigneeId: 'usr_nobody' });
    expect(nobody.statusCode).toBe(400);
    const done = await admin.post(`/api/v1/diagnosis/findings/${f.id}`, { action: 'resolve', note: '详情页已恢复' });
    expect(done.json().status).toBe('resolved');
    const twice = await admin.post(`/api/v1/diagnosis/findings/${f.id}`, { action: 'resolve', note: '' });
    expect(twice.statusCode).toBe(409);
    const reopened = await admin.post(`/api/v1/diagnosis/findings/${f.id}`, { action: 'reopen', note: '' });
    expect(reopened.json().status).toBe('open');
    // A user limited to shop B does not see A's finding.
    const { client } = await ctx.userWithRoles('diag_b', ['operator'], { allShops: false, shopIds: [B.shopId] });
    expect((await client.get(`/api/v1/diagnosis/findings/${f.id}`)).statusCode).toBe(404);
  });

  it('the daily job diagnoses each shop once; the CLI prints the findings as JSON', async () => {
    const runs = await runDueDiagnoses(db(), NOW);
    // A and B were run for D already; only shops created by other tests (none) are due.
    expect(runs).toEqual([]);
    let printed = '';
    const cli = await diagnoseCli(
      db(),
      { ...systemActor(ctx.orgId, '命令行'), permissions: new Set() },
      ['--shop', '诊断A', '--date', D, '--json'],
      (s) => (printed += s),
      NOW,
    );
    const json = JSON.parse(printed) as typeof cli;
    expect(json.date).toBe(D);
    expect(json.findings).toHaveLength(cli.findings.length);
    const t = json.findings.find((x) => x.kind === 'traffic_drop')!;
    expect(t).toMatchObject({ subject: { type: 'source', id: 'paid_search' }, action: { path: '/analytics/traffic?sources=paid_search' } });
    near(t.startedOn, TRAFFIC_AT);
    expect(t.evidence.find((x) => x.key === 'uvPerDay')!.after).toBeLessThan(90);
    await expect(diagnoseCli(db(), systemActor(ctx.orgId), ['--date', D], () => {})).rejects.toThrow('--shop');
  });
});

describe('stock-out rule: a promoted item running out before its activity ends', () => {
  const w = windowOf(D, 63);
  const sku = { skuId: 'sku_1', productId: 'prd_1', code: 'X-1', spec: '黑', costFen: 3000, available: 100, onHand: 100, createdAt: 0 };
  const facts = (promoted?: Map<string, { name: string; endsOn: string; daysLeft: number }>) => ({
    skus: [sku],
    titles: new Map([['prd_1', '拖鞋']]),
    daily: new Map([['sku_1', { qty: w.days.map(() => 10), paidFen: w.days.map(() => 100_000) }]]),
    orgUnits: new Map([['sku_1', 140]]), // 10 a day: 100 available last 10 days
    leadDays: new Map([['sku_1', 7]]),
    incoming: new Map<string, number>(),
    ...(promoted ? { promoted } : {}),
  });
  it('10 days of cover against a 7-day lead time: quiet, unless a promotion runs 15 more days', () => {
    expect(DAYS).toHaveLength(63);
    expect(stockouts(w, facts())).toEqual([]);
    const [f] = stockouts(w, facts(new Map([['sku_1', { name: '双12大促', endsOn: addDays(D, 15), daysLeft: 15 }]])));
    expect(f!.summary).toContain('双12大促');
    expect(f!.evidence.figures.find((x) => x.key === 'promoDaysLeft')!.after).toBe(15);
    expect(f!.moneyAtStakeFen).toBe(100_000);
  });
});

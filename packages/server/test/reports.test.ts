/**
 * Operations reports: a shop's events and orders are generated deterministically over the last
 * two months (and a few days of the same months last year), rolled up, and every daily / weekly /
 * monthly report is checked against (1) the analytics API for the same shop and days and (2) a
 * brute-force recomputation straight from the raw rows. Then the XLSX / CSV exports, permissions
 * and the CLI (`report … --json`, `export events`).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  addDays,
  businessDay,
  dayStart,
  monthEnd,
  monthStart,
  shiftMonths,
  TOTAL_KEYS,
  weekStart,
  type ProductRow,
  type ReportFigures,
  type ReportResponse,
  type TrafficResponse,
} from '@yunying/core';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor } from '../src/http/actor.js';
import { markOrderDaysDirty, recomputeDirty } from '../src/modules/analytics/index.js';
import { exportEventsFile, zonedTime } from '../src/modules/reports/events.export.js';
import { ingestEvents } from '../src/modules/traffic/index.js';
import { days, prng, readBack, type Brute } from './brute.js';
import { describeEachDialect } from './dialects.js';
import { useTestApp, type Client } from './harness.js';
import { makeBackdatedOrder, makeShop, makeSku, multipart } from './fixtures.js';

const TZ = 'Asia/Shanghai';
const SHOP_NAME = '天猫 旗舰店';
const run = promisify(execFile);
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/yunying.mjs');

const pick = (o: object, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]));
const MEANS = ['bounceRate', 'pvPerVisitor', 'avgDwellMs'] as const;

function expectClose(actual: number | null, expected: number | null, what: string) {
  if (expected === null) expect(actual, what).toBeNull();
  else expect(actual, what).toBeCloseTo(expected, 9);
}

describeEachDialect('reports: daily / weekly / monthly against the analytics API and brute force', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  let brute: Brute;
  const T = businessDay(Date.now(), TZ);
  const D0 = [addDays(weekStart(T), -21), monthStart(shiftMonths(T, -1)), addDays(T, -9)].sort()[0]!;
  // A few days of last year: the start of this month, the day a year before today, and the previous month.
  const LAST_YEAR = [
    ...new Set([monthStart(shiftMonths(T, -12)), shiftMonths(T, -12), monthStart(shiftMonths(T, -13)), monthEnd(shiftMonths(T, -13))]),
  ];
  const products: { id: string; skuId: string; price: number }[] = [];
  const db = () => ctx.tdb.database.db;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-reports-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** An order of the generated history (through the orders module's bulk writer), from 手淘搜索. */
  function insertOrder(
    o: { day: string; paidDay: string | null; status: string; visitorId: string | null; nick: string; shipping: number },
    lines: { skuId: string; qty: number; price: number; cost: number; refund?: number }[],
  ): Promise<string> {
    return makeBackdatedOrder(ctx, {
      shopId,
      day: o.day,
      paidDay: o.paidDay,
      status: o.status,
      visitorId: o.visitorId,
      nick: o.nick,
      sourceCode: 'search',
      shippingFen: o.shipping,
      timezone: TZ,
      lines: lines.map((l) => ({ skuId: l.skuId, qty: l.qty, unitPriceFen: l.price, unitCostFen: l.cost, refundFen: l.refund ?? 0 })),
    });
  }

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, SHOP_NAME, { channel: 'tmall', timezone: TZ });
    for (const [code, price] of [
      ['CUP', 9900],
      ['TEE', 5900],
      ['BAG', 15900],
    ] as const) {
      const skuId = await makeSku(ctx, { code, priceFen: price, stock: 10, title: `商品 ${code}` });
      const sku = await db().selectFrom('skus').select(['product_id']).where('id', '=', skuId).executeTakeFirstOrThrow();
      products.push({ id: sku.product_id, skuId, price });
    }
    const rand = prng(20261121);
    const now = Date.now();
    const shop = { id: shopId, orgId: ctx.orgId, timezone: TZ };
    for (const day of [...LAST_YEAR, ...days(D0, T)]) {
      const start = dayStart(day, TZ);
      const span = Math.max(1, Math.min(86_000_000, now - start - 1000));
      const batch: Parameters<typeof ingestEvents>[2] = [];
      for (let v = 0; v < 14; v++) {
        if (rand() < 0.4) continue;
        const base = { visitorId: `v${v}`, sessionId: `s${v}_${day}`, referrer: 'https://s.taobao.com/search?q=x' };
        const at = () => start + Math.floor(rand() * span);
        const n = rand() < 0.3 ? 1 : 1 + Math.floor(rand() * 3);
        for (let i = 0; i < n; i++) batch.push({ type: 'page_view', at: at(), url: '/', ...base });
        if (rand() < 0.6) {
          const p = products[Math.floor(rand() * products.length)]!;
          batch.push({
            type: 'product_view',
            at: at(),
            url: `/item/${p.id}`,
            productId: p.id,
            dwellMs: 1000 + Math.floor(rand() * 50_000),
            ...base,
          });
          if (rand() < 0.3) batch.push({ type: 'add_to_cart', at: at(), url: `/item/${p.id}`, productId: p.id, ...base });
        }
      }
      for (let i = 0; i < batch.length; i += 50) await ingestEvents(db(), shop, batch.slice(i, i + 50), { clamp: false });
      const n = 1 + Math.floor(rand() * 3);
      for (let i = 0; i < n; i++) {
        const status = (['completed', 'paid', 'pending_payment', 'completed'] as const)[Math.floor(rand() * 4)]!;
        const p = products[Math.floor(rand() * products.length)]!;
        const refund = rand() < 0.15 ? p.price : 0;
        await insertOrder(
          {
            day,
            paidDay: status === 'pending_payment' ? null : day,
            status,
            visitorId: rand() < 0.7 ? `v${Math.floor(rand() * 14)}` : null,
            nick: `买家${Math.floor(rand() * 6)}`,
            shipping: rand() < 0.3 ? 800 : 0,
          },
          [{ skuId: p.skuId, qty: 1 + Math.floor(rand() * 2), price: p.price, cost: Math.round(p.price / 3), refund }],
        );
      }
    }
    await markOrderDaysDirty(db(), shopId, [...LAST_YEAR, ...days(D0, T)]);
    await recomputeDirty(db(), { now: now + 61_000 });
    brute = await readBack(db(), shopId);
  });

  async function report(kind: string, date?: string): Promise<ReportResponse> {
    const res = await admin.get(`/api/v1/reports/${kind}?shopId=${shopId}${date ? `&date=${date}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  /** Every period of a report equals 流量分析 / 商品分析 for the same days, and the brute force. */
  async function checkReport(r: ReportResponse) {
    for (const p of [r.current, ...r.comparisons]) {
      const traffic: TrafficResponse = (await admin.get(`/api/v1/analytics/traffic?shopId=${shopId}&from=${p.from}&to=${p.to}`)).json();
      expect(pick(p.figures, [...TOTAL_KEYS, ...MEANS]), `${r.kind} ${p.key}`).toEqual(pick(traffic.totals, [...TOTAL_KEYS, ...MEANS]));
      const b = brute.reportFigures(p.from, p.to);
      for (const [k, v] of Object.entries(b))
        expectClose(p.figures[k as keyof ReportFigures] as number | null, v, `${r.kind} ${p.key} ${k}`);
    }
    // The 全店运营数据汇总表: each day is that day's report figures; the total is the period's.
    expect(r.days.map((d) => d.day)).toEqual(days(r.current.from, r.current.to));
    for (const d of r.days) {
      const b = brute.reportFigures(d.day, d.day);
      for (const [k, v] of Object.entries(b)) expectClose(d[k as keyof ReportFigures] as number | null, v, `${d.day} ${k}`);
    }
    for (const k of TOTAL_KEYS) expect(r.days.reduce((s, d) => s + d[k], 0)).toBe(r.current.figures[k]);
    // The per-product table equals 商品分析 for the same days, and the brute force.
    const api = (
      await admin.get(`/api/v1/analytics/products?shopId=${shopId}&from=${r.current.from}&to=${r.current.to}&pageSize=200`)
    ).json();
    // 商品分析 also lists products sold only in its comparison period, with zeros; the report does not.
    const baseOnly = (row: ProductRow) =>
      row.uv === 0 &&
      row.pv === 0 &&
      row.cartUv === 0 &&
      row.payingBuyers === 0 &&
      row.units === 0 &&
      row.paidFen === 0 &&
      row.refundFen === 0;
    for (const p of r.products)
      expect(
        (api.items as ProductRow[]).some((row) => row.productId === p.productId),
        p.productId,
      ).toBe(true);
    for (const row of api.items as ProductRow[]) {
      const mine = r.products.find((p) => p.productId === row.productId)!;
      if (!mine) {
        expect(baseOnly(row), row.productId).toBe(true);
        continue;
      }
      expect(pick(mine, ['uv', 'payingBuyers', 'units', 'paidFen', 'payConversion', 'refundFen', 'grossProfitFen'])).toEqual(
        pick(row, ['uv', 'payingBuyers', 'units', 'paidFen', 'payConversion', 'refundFen', 'grossProfitFen']),
      );
      const b = brute.reportFigures(r.current.from, r.current.to, row.productId);
      expect(pick(mine, ['uv', 'payingBuyers', 'units', 'paidFen', 'refundFen', 'grossProfitFen'])).toEqual(
        pick(b, ['uv', 'payingBuyers', 'units', 'paidFen', 'refundFen', 'grossProfitFen']),
      );
    }
    const paid = r.products.map((p) => p.paidFen);
    expect(paid).toEqual([...paid].sort((a, b) => b - a));
  }

  it('daily: the day vs the previous day and the same weekday last week, as the dashboard shows them', async () => {
    const y = addDays(T, -1);
    const r = await report('daily'); // default: yesterday
    expect(r.date).toBe(y);
    expect(r.complete).toBe(true);
    expect(r.shopName).toBe(SHOP_NAME);
    expect(r.comparisons.map((c) => [c.key, c.from, c.to])).toEqual([
      ['previousDay', addDays(y, -1), addDays(y, -1)],
      ['lastWeekSameDay', addDays(y, -7), addDays(y, -7)],
    ]);
    expect(r.current.figures.uv).toBeGreaterThan(0);
    await checkReport(r);
    const dash = (await admin.get(`/api/v1/analytics/dashboard?shopId=${shopId}`)).json();
    for (const card of dash.cards as { metric: keyof ReportFigures; yesterday: number; dayBefore: number; yesterdayLastWeek: number }[]) {
      expect(r.current.figures[card.metric], card.metric).toEqual(card.yesterday);
      expect(r.comparisons[0]!.figures[card.metric], card.metric).toEqual(card.dayBefore);
      expect(r.comparisons[1]!.figures[card.metric], card.metric).toEqual(card.yesterdayLastWeek);
    }
    await checkReport(await report('daily', T)); // today so far
  });

  it('weekly: Monday–Sunday vs last week and the week before (same days while the week runs)', async () => {
    const running = await report('weekly', T);
    const mon = weekStart(T);
    expect(new Date(`${mon}T00:00:00Z`).getUTCDay()).toBe(1);
    expect([running.current.from, running.current.to, running.complete]).toEqual([mon, T, false]);
    expect(running.comparisons.map((c) => [c.key, c.from, c.to])).toEqual([
      ['lastWeek', addDays(mon, -7), addDays(T, -7)],
      ['weekBefore', addDays(mon, -14), addDays(T, -14)],
    ]);
    await checkReport(running);
    const lastWeek = await report('weekly', addDays(mon, -3));
    expect([lastWeek.current.from, lastWeek.current.to, lastWeek.complete]).toEqual([addDays(mon, -7), addDays(mon, -1), true]);
    expect(lastWeek.days).toHaveLength(7);
    await checkReport(lastWeek);
    // The trade analysis' week-over-week comparison of the same week agrees.
    const trade = (
      await admin.get(`/api/v1/analytics/trade?shopId=${shopId}&from=${addDays(mon, -7)}&to=${addDays(mon, -1)}&compare=wow`)
    ).json();
    expect(pick(lastWeek.comparisons[0]!.figures, TOTAL_KEYS)).toEqual(trade.base);
  });

  it('monthly: the calendar month vs the previous month and the same month last year', async () => {
    const running = await report('monthly', T);
    expect(running.current.from).toBe(monthStart(T));
    expect(running.current.to).toBe(T);
    const [prev, yoy] = running.comparisons;
    const complete = T === monthEnd(T);
    expect([prev!.key, prev!.from, prev!.to]).toEqual([
      'previousMonth',
      monthStart(shiftMonths(T, -1)),
      complete ? monthEnd(shiftMonths(T, -1)) : shiftMonths(T, -1),
    ]);
    expect([yoy!.key, yoy!.from]).toEqual(['lastYear', monthStart(shiftMonths(T, -12))]);
    expect(yoy!.figures.uv).toBeGreaterThan(0); // the last-year days have data
    await checkReport(running);
    const lastMonth = await report('monthly', addDays(monthStart(T), -1));
    const pm = monthStart(shiftMonths(T, -1));
    expect([lastMonth.current.from, lastMonth.current.to, lastMonth.complete]).toEqual([pm, monthEnd(pm), true]);
    expect(lastMonth.comparisons[0]!.to).toBe(monthEnd(shiftMonths(pm, -1)));
    expect(lastMonth.comparisons[1]!.to).toBe(monthEnd(shiftMonths(pm, -12)));
    await checkReport(lastMonth);
  });

  it('refuses dates after today and malformed dates, and reports of shops the user cannot see', async () => {
    expect((await admin.get(`/api/v1/reports/daily?shopId=${shopId}&date=${addDays(T, 1)}`)).statusCode).toBe(400);
    expect((await admin.get(`/api/v1/reports/weekly?shopId=${shopId}&date=2026-13-01`)).statusCode).toBe(400);
    expect((await admin.get(`/api/v1/reports/yearly?shopId=${shopId}`)).statusCode).toBe(400);
    expect((await admin.get(`/api/v1/reports/daily?shopId=shp_nope`)).statusCode).toBe(404);
  });

  it('exports XLSX: 汇总 / 每日明细 / 商品 with the same numbers, number formats and a frozen header', async () => {
    const r = await report('weekly', T);
    const res = await admin.get(`/api/v1/reports/weekly/export?shopId=${shopId}&date=${T}&format=xlsx`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const cd = String(res.headers['content-disposition']);
    const m = /filename\*=UTF-8''([^;]+)/.exec(cd);
    // A running week's first day (a Monday) is one day: its name has no range.
    const span = r.current.from === r.current.to ? r.current.from : `${r.current.from}~${r.current.to}`;
    expect(decodeURIComponent(m![1]!)).toBe(`运营周报_天猫_旗舰店_${span}.xlsx`);
    expect(cd).toMatch(/filename="[\x20-\x7e]+"/);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '每日明细', '商品']);
    for (const ws of wb.worksheets) {
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.getRow(1).font?.bold).toBe(true);
    }
    const col = (ws: ExcelJS.Worksheet, title: string) => {
      const heads = (ws.getRow(1).values as unknown[]).map((v) => String(v ?? ''));
      const i = heads.indexOf(title);
      expect(i, title).toBeGreaterThan(0);
      return i;
    };
    // 每日明细: a row per day and 合计.
    const daily = wb.getWorksheet('每日明细')!;
    expect(daily.rowCount).toBe(r.days.length + 2);
    const total = daily.getRow(r.days.length + 2);
    expect(total.getCell(1).value).toBe('合计');
    const paidCell = total.getCell(col(daily, '支付金额（元）'));
    expect(Math.round(Number(paidCell.value) * 100)).toBe(r.current.figures.paidFen);
    expect(paidCell.numFmt).toBe('¥#,##0.00');
    const convCell = total.getCell(col(daily, '支付转化率'));
    expect(Number(convCell.value)).toBeCloseTo(r.current.figures.payConversion!, 12);
    expect(convCell.numFmt).toBe('0.00%');
    const uvCell = daily.getRow(2).getCell(col(daily, '访客数'));
    expect(uvCell.value).toBe(r.days[0]!.uv);
    expect(uvCell.numFmt).toBe('#,##0');
    const dwellCell = total.getCell(col(daily, '平均停留时长（秒）'));
    expect(Number(dwellCell.value) * 1000).toBeCloseTo(r.current.figures.avgDwellMs!, 6);
    // 汇总: metric rows against the comparison periods.
    const sum = wb.getWorksheet('汇总')!;
    const rowOf = (title: string) => {
      for (let i = 2; i <= sum.rowCount; i++) if (sum.getRow(i).getCell(1).value === title) return sum.getRow(i);
      throw new Error(title);
    };
    expect(Math.round(Number(rowOf('支付金额（元）').getCell(2).value) * 100)).toBe(r.current.figures.paidFen);
    expect(Math.round(Number(rowOf('支付金额（元）').getCell(3).value) * 100)).toBe(r.comparisons[0]!.figures.paidFen);
    expect(rowOf('访客数').getCell(2).value).toBe(r.current.figures.uv);
    expect(rowOf('访客数').getCell(2).numFmt).toBe('#,##0');
    expect(rowOf('客单价（元）').getCell(2).numFmt).toBe('¥#,##0.00');
    expect(rowOf('支付转化率').getCell(2).numFmt).toBe('0.00%');
    expect(rowOf('访客数').getCell(4).numFmt).toBe('0.00%');
    const base = r.comparisons[0]!.figures.uv;
    if (base > 0) expect(Number(rowOf('访客数').getCell(4).value)).toBeCloseTo((r.current.figures.uv - base) / base, 12);
    // 商品: one row per product with its paid amount.
    const prod = wb.getWorksheet('商品')!;
    expect(prod.rowCount).toBe(r.products.length + 1);
    expect(prod.getRow(2).getCell(1).value).toBe(r.products[0]!.productId);
    expect(Math.round(Number(prod.getRow(2).getCell(col(prod, '支付金额（元）')).value) * 100)).toBe(r.products[0]!.paidFen);
    expect(prod.getRow(2).getCell(col(prod, '毛利（元）')).numFmt).toBe('¥#,##0.00');
  });

  it('exports CSV (the 全店运营数据汇总表) with a BOM, and only with analytics.export', async () => {
    const r = await report('monthly', T);
    const res = await admin.get(`/api/v1/reports/monthly/export?shopId=${shopId}&date=${T}&format=csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(String(res.headers['content-disposition']))![1]!)).toBe(
      `运营月报_天猫_旗舰店_${T.slice(0, 7)}.csv`,
    );
    const buf = res.rawPayload;
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = buf.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines).toHaveLength(r.days.length + 2);
    const head = lines[0]!.split(',');
    expect(head[0]).toBe('日期');
    const last = lines[lines.length - 1]!.split(',');
    expect(last[0]).toBe('合计');
    expect(last[head.indexOf('支付金额（元）')]).toBe((r.current.figures.paidFen / 100).toFixed(2));
    expect(last[head.indexOf('访客数')]).toBe(String(r.current.figures.uv));

    // 推广 (promotion) may read analytics but not export.
    const { client } = await ctx.userWithRoles(`promo_${dialect}`, ['promotion']);
    expect((await client.get(`/api/v1/reports/weekly?shopId=${shopId}`)).statusCode).toBe(200);
    expect((await client.get(`/api/v1/reports/weekly/export?shopId=${shopId}&format=xlsx`)).statusCode).toBe(403);
    expect((await client.get(`/api/v1/reports/weekly/export?shopId=${shopId}&format=csv`)).statusCode).toBe(403);
    const { client: kefu } = await ctx.userWithRoles(`kefu_${dialect}`, ['service']);
    expect((await kefu.get(`/api/v1/reports/weekly?shopId=${shopId}`)).statusCode).toBe(403);
  });

  it('streams raw events to CSV in batches, in time order, with times in the shop zone', async () => {
    const from = addDays(T, -3);
    const file = path.join(tmp, 'events.csv');
    const r = await exportEventsFile(db(), { ...systemActor(ctx.orgId), shopIds: null }, file, { shopId, from, to: T, batchSize: 7 });
    const expected = brute.events
      .filter((e) => e.day >= from && e.day <= T)
      .sort((a, b) => a.day.localeCompare(b.day) || Number(a.at) - Number(b.at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    expect(r.rows).toBe(expected.length);
    const buf = fs.readFileSync(file);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = buf.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('日期,时间,访客,会话,类型,类型代码,商品ID,商品,来源,来源代码,页面,来源页,停留时长（毫秒）');
    expect(lines).toHaveLength(expected.length + 1);
    const cells = lines.slice(1).map((l) => l.split(','));
    expect(cells.map((c) => [c[0], c[1], c[2], c[5]])).toEqual(
      expected.map((e) => [e.day, zonedTime(Number(e.at), TZ), e.visitor_id, e.type]),
    );
    expect(cells.every((c, i) => c[1]!.startsWith(expected[i]!.day))).toBe(true);
    expect(fs.existsSync(`${file}.part`)).toBe(false);
  });

  it('whole-shop summary: ad lines per period recounted from the imported rows; a period without ad data says 无推广数据', async () => {
    const mon = weekStart(T);
    const week = days(addDays(mon, -7), addDays(mon, -1));
    const prevDays = [addDays(mon, -12), addDays(mon, -9)]; // two days of the week before; the week before that has none
    const rows = [...week, ...prevDays].map((day, i) => ({
      day,
      plan: i % 2 ? '收割计划' : '引流计划',
      spendFen: 5000 + 113 * i,
      salesFen: 14000 + 301 * i,
    }));
    const file = [
      ['日期', '计划名称', '展现量', '点击量', '花费(元)', '成交笔数', '成交金额(元)'],
      ...rows.map((r) => [r.day, r.plan, 1000, 40, (r.spendFen / 100).toFixed(2), 2, (r.salesFen / 100).toFixed(2)].join(',')),
    ].join('\r\n');
    const mp = multipart({ shopId, format: 'generic', tool: 'ztc' }, { file: { name: '计划.csv', data: Buffer.from(file) } });
    const up = await admin.request('POST', '/api/v1/ads/import', mp.body, { 'content-type': mp.type });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json()).toMatchObject({ imported: rows.length, errorCount: 0 });

    const r = await report('weekly', addDays(mon, -3));
    const expectLines = (from: string, to: string, got: ReportResponse['current']['ads']) => {
      const mine = rows.filter((x) => x.day >= from && x.day <= to);
      const spend = mine.reduce((a, x) => a + x.spendFen, 0);
      const sales = mine.reduce((a, x) => a + x.salesFen, 0);
      const b = brute.reportFigures(from, to);
      expect(got, `${from}~${to}`).toEqual({
        spendFen: spend,
        salesFen: sales,
        roi: sales / spend,
        adSalesShare: b.paidFen > 0 ? sales / b.paidFen : null,
        profitAfterAdsFen: b.grossProfitFen - spend,
        taokeCommissionFen: 0,
        taokePaidFen: 0,
      });
    };
    expectLines(r.current.from, r.current.to, r.current.ads);
    expectLines(r.comparisons[0]!.from, r.comparisons[0]!.to, r.comparisons[0]!.ads);
    expect(r.comparisons[1]!.ads).toBeNull();

    const res = await admin.get(`/api/v1/reports/weekly/export?shopId=${shopId}&date=${addDays(mon, -3)}&format=xlsx`);
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sum = wb.getWorksheet('汇总')!;
    const rowOf = (title: string) => {
      for (let i = 2; i <= sum.rowCount; i++) if (sum.getRow(i).getCell(1).value === title) return sum.getRow(i);
      throw new Error(title);
    };
    const spendRow = rowOf('推广花费（元）');
    expect(Math.round(Number(spendRow.getCell(2).value) * 100)).toBe(r.current.ads!.spendFen);
    expect(spendRow.getCell(2).numFmt).toBe('¥#,##0.00');
    expect(Math.round(Number(spendRow.getCell(3).value) * 100)).toBe(r.comparisons[0]!.ads!.spendFen);
    expect(Number(spendRow.getCell(4).value)).toBeCloseTo(
      (r.current.ads!.spendFen - r.comparisons[0]!.ads!.spendFen) / r.comparisons[0]!.ads!.spendFen,
      12,
    );
    expect(spendRow.getCell(5).value).toBe('无推广数据');
    expect(Number(rowOf('ROI').getCell(2).value)).toBeCloseTo(r.current.ads!.roi!, 12);
    expect(rowOf('推广占比').getCell(2).numFmt).toBe('0.00%');
    expect(Math.round(Number(rowOf('扣除推广后毛利（元）').getCell(2).value) * 100)).toBe(r.current.ads!.profitAfterAdsFen);
    expect(rowOf('扣除推广后毛利（元）').getCell(5).value).toBe('无推广数据');
  });

  it('CLI: report --json prints the glossary keys with the API figures; export events writes a file', async () => {
    const env = { ...process.env, DATABASE_URL: ctx.tdb.url, YUNYING_ADMIN_PASSWORD: 'Admin12345' };
    const api = await report('weekly', T);
    const out = await run(process.execPath, [BIN, 'report', 'weekly', '--shop', SHOP_NAME, '--date', T, '--json'], { env });
    const json = JSON.parse(out.stdout) as ReportResponse;
    for (const k of [
      'uv',
      'pv',
      'payingBuyers',
      'paidFen',
      'payConversion',
      'aov',
      'pvPerVisitor',
      'bounceRate',
      'avgDwellMs',
      'visitorValue',
      'refundRate',
      'grossProfitFen',
      'grossMargin',
    ])
      expect(json.current.figures, k).toHaveProperty(k);
    expect(json.current.figures).toEqual(api.current.figures);
    expect(json.comparisons.map((c) => c.key)).toEqual(['lastWeek', 'weekBefore']);
    expect(json.products).toEqual(api.products);

    const text = await run(process.execPath, [BIN, 'report', 'daily', '--shop', shopId, '--date', addDays(T, -1)], { env });
    expect(text.stdout).toContain('运营日报');
    expect(text.stdout).toContain('支付金额');
    expect(text.stdout).toContain('上周同日');

    const bad = await run(process.execPath, [BIN, 'report', 'yearly'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(2);

    const file = path.join(tmp, 'ev.xlsx');
    const ex = await run(process.execPath, [BIN, 'export', 'events', '--shop', SHOP_NAME, '--from', addDays(T, -1), '--to', T, file], {
      env,
    });
    expect(ex.stdout).toContain('已导出');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0]!;
    const n = brute.events.filter((e) => e.day >= addDays(T, -1) && e.day <= T).length;
    expect(ws.rowCount).toBe(n + 1);
    expect(ws.getRow(1).getCell(1).value).toBe('日期');
  });
});

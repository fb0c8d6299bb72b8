/**
 * Customers (issue 11): built from orders and kept current as orders are created, paid, cancelled
 * and refunded; RFM segment counts against a brute-force recount from the raw orders for several
 * days (averages and a shop's own thresholds); the lists to act on; merge then split restoring
 * both profiles; personal data masked without `customers.pii.read`, in the list and the export.
 */
import { addDays, businessDay, dayDiff } from '@yunying/core';
import ExcelJS from 'exceljs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import * as customers from '../src/modules/customers/index.js';
import { prng } from './brute.js';
import { describeEachDialect } from './dialects.js';
import { makeBackdatedOrder, makeOrder, makeShop, makeSku, makeUserWithPermissions } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const TZ = 'Asia/Shanghai';
const SEGMENTS = [
  'important_value',
  'important_keep',
  'important_develop',
  'important_retain',
  'general_value',
  'general_keep',
  'general_develop',
  'general_retain',
] as const;

interface RawOrder {
  nick: string;
  paidDay: string | null;
  status: string;
  paidFen: number;
  refundFen: number;
}

/** RFM by hand from the raw orders: no code of the product involved. */
function bruteSegments(
  orders: readonly RawOrder[],
  asOf: string,
  custom?: { recencyDays: number; frequency: number; monetaryFen: number },
) {
  const per = new Map<string, { last: string; f: number; m: number }>();
  for (const o of orders) {
    if (!o.paidDay || o.paidDay > asOf || o.status === 'cancelled') continue;
    const p = per.get(o.nick) ?? { last: o.paidDay, f: 0, m: 0 };
    if (o.paidDay > p.last) p.last = o.paidDay;
    p.f += 1;
    p.m += o.paidFen - o.refundFen;
    per.set(o.nick, p);
  }
  const rows = [...per.values()].map((p) => ({ r: dayDiff(p.last, asOf), f: p.f, m: Math.max(0, p.m) }));
  const n = rows.length;
  const t = custom ?? {
    recencyDays: rows.reduce((s, x) => s + x.r, 0) / n,
    frequency: rows.reduce((s, x) => s + x.f, 0) / n,
    monetaryFen: rows.reduce((s, x) => s + x.m, 0) / n,
  };
  const names: Record<string, string> = {
    '111': 'important_value',
    '011': 'important_keep',
    '101': 'important_develop',
    '001': 'important_retain',
    '110': 'general_value',
    '010': 'general_keep',
    '100': 'general_develop',
    '000': 'general_retain',
  };
  const counts: Record<string, number> = Object.fromEntries(SEGMENTS.map((s) => [s, 0]));
  for (const x of rows) {
    const key = `${x.r <= t.recencyDays ? 1 : 0}${x.f >= t.frequency ? 1 : 0}${x.m >= t.monetaryFen ? 1 : 0}`;
    counts[names[key]!]! += 1;
  }
  return { counts, customers: n };
}

describeEachDialect('customers: built from orders, RFM against brute force, lists, merge and split, PII', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopA: string;
  let shopB: string;
  let skuId: string;
  const T = businessDay(Date.now(), TZ);
  const raw: RawOrder[] = [];
  const db = () => ctx.tdb.database.db;

  beforeAll(async () => {
    admin = await ctx.admin();
    shopA = await makeShop(ctx, admin, '天猫旗舰店');
    shopB = await makeShop(ctx, admin, '京东自营店', { channel: 'jd' });
    skuId = await makeSku(ctx, { code: 'CUS-1', priceFen: 5000, stock: 1000 });
    // 80 buyers over 150 days: loyal ones buying every ~20 days, one-off buyers, lapsed ones;
    // some orders cancelled, unpaid or (partly) refunded.
    const rnd = prng(dialect === 'sqlite' ? 11 : 12);
    for (let b = 0; b < 80; b++) {
      const nick = `买家${b}`;
      const kind = b % 4;
      const n = kind === 0 ? 6 + Math.floor(rnd() * 5) : kind === 1 ? 1 : 1 + Math.floor(rnd() * 3);
      let day = addDays(T, -(kind === 2 ? 150 - Math.floor(rnd() * 30) : Math.floor(rnd() * 140)));
      for (let i = 0; i < n && day <= T; i++) {
        const roll = rnd();
        const status = roll < 0.1 ? 'cancelled' : roll < 0.15 ? 'pending_payment' : roll < 0.22 ? 'refunded' : 'completed';
        const qty = 1 + Math.floor(rnd() * 4);
        const price = 1000 + Math.floor(rnd() * 20) * 500;
        const paidDay = status === 'pending_payment' ? null : day;
        const refund = status === 'refunded' ? qty * price : rnd() < 0.1 ? price : 0;
        await makeBackdatedOrder(ctx, {
          shopId: shopA,
          day,
          paidDay,
          status,
          visitorId: null,
          nick,
          sourceCode: null,
          shippingFen: 0,
          lines: [{ skuId, qty, unitPriceFen: price, unitCostFen: 500, refundFen: refund }],
        });
        raw.push({ nick, paidDay, status, paidFen: qty * price, refundFen: refund });
        day = addDays(day, 5 + Math.floor(rnd() * (kind === 0 ? 25 : 60)));
      }
    }
    // The bulk writer leaves no marks: a bulk loader asks for a whole-shop rebuild.
    await customers.markShopDirty(db(), shopA);
  });

  it('RFM segment counts equal a brute-force recount from the raw orders on several days', async () => {
    for (const asOf of [addDays(T, -100), addDays(T, -60), addDays(T, -21), addDays(T, -1), T]) {
      const res = await admin.get(`/api/v1/customers/rfm?shopId=${shopA}&asOf=${asOf}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      const brute = bruteSegments(raw, asOf);
      expect(body.customers).toBe(brute.customers);
      expect(Object.fromEntries(body.segments.map((s: { segment: string; customers: number }) => [s.segment, s.customers]))).toEqual(
        brute.counts,
      );
      expect(body.thresholdsAreAverages).toBe(true);
      // Drill-down lists exactly the segment's members.
      const seg = body.segments.find((s: { customers: number }) => s.customers > 0);
      const members = await admin.get(`/api/v1/customers/rfm/members?shopId=${shopA}&asOf=${asOf}&segment=${seg.segment}&pageSize=200`);
      expect(members.statusCode, members.body).toBe(200);
      expect(members.json().total).toBe(seg.customers);
    }
    // Every segment has members on the last day in this history.
    expect(Object.values(bruteSegments(raw, T).counts).filter((n) => n > 0).length).toBeGreaterThanOrEqual(6);
  });

  it('the CLI report and export: thresholds and per-segment counts, one segment to a file', async () => {
    const system = {
      userId: '',
      orgId: ctx.orgId,
      username: 'cli',
      displayName: 'cli',
      permissions: new Set<string>(),
      shopIds: null,
      via: 'system',
      ip: null,
      requestId: null,
    } as const;
    const asOf = addDays(T, -21);
    const r = await customers.rfmReport(db(), system, shopA, asOf);
    const brute = bruteSegments(raw, asOf);
    expect(Object.fromEntries(r.segments.map((s) => [s.segment, s.customers]))).toEqual(brute.counts);
    expect(customers.formatRfmText(r)).toContain('重要挽留客户');
    const file = path.join(os.tmpdir(), `yy-cus-${process.pid}-${dialect}.csv`);
    const seg = customers.segmentByName('重要挽留');
    const { rows } = await customers.exportCustomersFile(db(), system, file, { shopId: shopA, segment: seg });
    expect(rows).toBe(bruteSegments(raw, T).counts.important_retain);
    expect(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length).toBe(rows + 1);
    fs.rmSync(file);
    expect(() => customers.segmentByName('乱写')).toThrow('未知的 RFM 分群');
  });

  it('a shop’s own thresholds replace the averages, and null restores them', async () => {
    const custom = { recencyDays: 30, frequency: 3, monetaryFen: 20000 };
    const put = await admin.post('/api/v1/customers/rfm/thresholds', { shopId: shopA, thresholds: custom });
    expect(put.statusCode, put.body).toBe(200);
    const res = (await admin.get(`/api/v1/customers/rfm?shopId=${shopA}&asOf=${T}`)).json();
    expect(res.thresholdsAreAverages).toBe(false);
    expect(Object.fromEntries(res.segments.map((s: { segment: string; customers: number }) => [s.segment, s.customers]))).toEqual(
      bruteSegments(raw, T, custom).counts,
    );
    const bad = await admin.post('/api/v1/customers/rfm/thresholds', { shopId: shopA, thresholds: { ...custom, frequency: 0 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('F 门槛');
    expect((await admin.post('/api/v1/customers/rfm/thresholds', { shopId: shopA, thresholds: null })).statusCode).toBe(200);
    expect((await admin.get(`/api/v1/customers/rfm?shopId=${shopA}`)).json().thresholdsAreAverages).toBe(true);
  });

  it('segment migration between two days counts every buyer of the later day once', async () => {
    const from = addDays(T, -60);
    const res = await admin.get(`/api/v1/customers/rfm/migration?shopId=${shopA}&from=${from}&to=${T}`);
    expect(res.statusCode, res.body).toBe(200);
    const cells = res.json().cells as { from: string | null; to: string; customers: number }[];
    expect(cells.reduce((s, c) => s + c.customers, 0)).toBe(bruteSegments(raw, T).customers);
    const newcomers = cells.filter((c) => c.from === null).reduce((s, c) => s + c.customers, 0);
    expect(newcomers).toBe(bruteSegments(raw, T).customers - bruteSegments(raw, from).customers);
    const swapped = await admin.get(`/api/v1/customers/rfm/migration?shopId=${shopA}&from=${T}&to=${from}`);
    expect(swapped.statusCode).toBe(400);
  });

  it('lists: churn risk and awaiting a second order match the expected-repurchase rule', async () => {
    const paidDays = new Map<string, string[]>();
    for (const o of raw) if (o.paidDay && o.status !== 'cancelled') paidDays.set(o.nick, [...(paidDays.get(o.nick) ?? []), o.paidDay]);
    const med = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      if (!s.length) return null;
      const mid = (s.length - 1) >> 1;
      return s.length % 2 ? s[mid]! : Math.round((s[mid]! + s[mid + 1]!) / 2);
    };
    const own = (days: string[]) => {
      const s = [...days].sort();
      const gaps: number[] = [];
      for (let i = 1; i < s.length; i++) if (dayDiff(s[i - 1]!, s[i]!) > 0) gaps.push(dayDiff(s[i - 1]!, s[i]!));
      return med(gaps);
    };
    const shopCycle = med([...paidDays.values()].map(own).filter((x): x is number => x !== null));
    let churn = 0;
    let fresh = 0;
    for (const days of paidDays.values()) {
      const last = [...days].sort().at(-1)!;
      const cycle = own(days) ?? shopCycle;
      const due = cycle === null ? null : addDays(last, cycle);
      if (due !== null && due < T) churn++;
      else if (days.length === 1) fresh++;
    }
    const c = await admin.get(`/api/v1/customers?shopId=${shopA}&list=churn_risk&pageSize=5`);
    expect(c.statusCode, c.body).toBe(200);
    expect(c.json().total).toBe(churn);
    expect(c.json().items.length).toBe(Math.min(5, churn));
    expect((await admin.get(`/api/v1/customers?shopId=${shopA}&list=new_buyers`)).json().total).toBe(fresh);
    const noShop = await admin.get('/api/v1/customers?list=churn_risk');
    expect(noShop.statusCode).toBe(400);
    expect(noShop.body).toContain('请先选择店铺');
  });

  it('a manual order creates its customer at once; payment, cancellation and refunds keep the figures current', async () => {
    const o = await makeOrder(admin, shopB, [{ skuId, qty: 2, unitPriceFen: 3000 }], {
      buyerNick: 'jd_王五',
      receiverPhone: '13900001111',
      paid: false,
    });
    let list = (await admin.get(`/api/v1/customers?shopId=${shopB}&q=${encodeURIComponent('王五')}`)).json();
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ nick: 'jd_王五', orderCount: 1, paidOrders: 0, paidFen: 0 });
    const pay = await admin.post(`/api/v1/orders/${o.id}/pay`, {});
    expect(pay.statusCode, pay.body).toBe(200);
    list = (await admin.get(`/api/v1/customers?shopId=${shopB}&q=${encodeURIComponent('王五')}`)).json();
    expect(list.items[0]).toMatchObject({ paidOrders: 1, paidFen: 6000 });
    const o2 = await makeOrder(admin, shopB, [{ skuId, qty: 1, unitPriceFen: 3000 }], {
      buyerNick: 'jd_王五',
      receiverPhone: '13900001111',
    });
    const id = list.items[0].id;
    let profile = (await admin.get(`/api/v1/customers/${id}`)).json();
    // Two orders on one day: no cycle of their own, none in the shop yet — a repeat buyer, not (yet) loyal.
    expect(profile).toMatchObject({ paidOrders: 2, paidFen: 9000, aovFen: 4500, lifecycle: 'repeat' });
    expect(profile.orders.map((x: { orderId: string }) => x.orderId).sort()).toEqual([o.id, o2.id].sort());
    expect(profile.products[0]).toMatchObject({ qty: 3, paidFen: 9000 });
    expect((await admin.post(`/api/v1/orders/${o2.id}/cancel`, { reason: '买家不要了' })).statusCode).toBe(200);
    profile = (await admin.get(`/api/v1/customers/${id}`)).json();
    expect(profile).toMatchObject({ paidOrders: 1, paidFen: 6000, lifecycle: 'buyer' });
    // Notes and tags stay with the customer through a whole-shop rebuild.
    const patch = await admin.patch(`/api/v1/customers/${id}`, { note: '喜欢白色', tags: ['VIP'], email: 'wang@example.com' });
    expect(patch.statusCode, patch.body).toBe(200);
    await customers.markShopDirty(db(), shopB);
    profile = (await admin.get(`/api/v1/customers/${id}`)).json();
    expect(profile).toMatchObject({ note: '喜欢白色', tags: ['VIP'], email: 'wang@example.com', paidOrders: 1 });
    const badEmail = await admin.patch(`/api/v1/customers/${id}`, { email: 'not-an-email' });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.body).toContain('邮箱');
  });

  it('merge suggestions by phone across shops; merge then split restores both profiles', async () => {
    await makeOrder(admin, shopA, [{ skuId, qty: 1, unitPriceFen: 8000 }], { buyerNick: 'tb_王五', receiverPhone: '13900001111' });
    const sugg = (await admin.get('/api/v1/customers/merge-suggestions')).json().items as {
      by: string;
      customers: { id: string; shopId: string }[];
    }[];
    const group = sugg.find((g) => g.by === 'phone' && g.customers.some((c) => c.shopId === shopB));
    expect(group?.customers.map((c) => c.shopId).sort()).toEqual([shopA, shopB].sort());
    const target = group!.customers.find((c) => c.shopId === shopB)!.id;
    const source = group!.customers.find((c) => c.shopId === shopA)!.id;
    const strip = (p: Record<string, unknown>) => {
      const { asOf: _a, rfm: _r, expectedRepurchaseDay: _e, purchaseCycleDays: _p, lifecycle: _l, ...rest } = p;
      return rest;
    };
    const before = {
      t: strip((await admin.get(`/api/v1/customers/${target}`)).json()),
      s: strip((await admin.get(`/api/v1/customers/${source}`)).json()),
    };
    const m = await admin.post('/api/v1/customers/merge', { targetId: target, sourceIds: [source] });
    expect(m.statusCode, m.body).toBe(200);
    const merged = (await admin.get(`/api/v1/customers/${target}`)).json();
    expect(merged.paidOrders).toBe((before.t.paidOrders as number) + (before.s.paidOrders as number));
    expect(merged.paidFen).toBe((before.t.paidFen as number) + (before.s.paidFen as number));
    expect(merged.members.map((x: { id: string }) => x.id)).toEqual([source]);
    // The merged customer leaves the list; merging it again is refused.
    expect((await admin.get(`/api/v1/customers?shopId=${shopA}&q=${encodeURIComponent('tb_王五')}`)).json().total).toBe(0);
    expect((await admin.post('/api/v1/customers/merge', { targetId: target, sourceIds: [source] })).statusCode).toBe(409);
    const s = await admin.post(`/api/v1/customers/${source}/split`, {});
    expect(s.statusCode, s.body).toBe(200);
    expect(strip((await admin.get(`/api/v1/customers/${target}`)).json())).toEqual(before.t);
    expect(strip((await admin.get(`/api/v1/customers/${source}`)).json())).toEqual(before.s);
    const auditRes = await admin.get('/api/v1/audit?entityType=customer');
    expect(auditRes.statusCode, auditRes.body).toBe(200);
    const audit = auditRes.json().items.map((a: { action: string }) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['customer.merge', 'customer.split']));
  });

  it('phone and email are masked without customers.pii.read, in the list and the export; tagging a list', async () => {
    const viewer = await makeUserWithPermissions(ctx, admin, { username: 'cus_viewer', permissions: ['customers.read'] });
    const list = (await viewer.get(`/api/v1/customers?shopId=${shopB}`)).json();
    expect(list.items[0].phone).toBe('139****1111');
    expect(list.items[0].email).toBe('w***@example.com');
    const csv = await viewer.get(`/api/v1/customers/export?shopId=${shopB}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('139****1111');
    expect(csv.body).not.toContain('13900001111');
    const full = await admin.get(`/api/v1/customers/export?shopId=${shopB}`);
    expect(full.body).toContain('13900001111');
    // Money as numbers: two-decimal plain numbers in CSV, numeric ¥-formatted cells in XLSX.
    const paid = new Map<string, number>(
      (await admin.get(`/api/v1/customers?shopId=${shopB}&pageSize=200`))
        .json()
        .items.map((c: { id: string; paidFen: number }) => [c.id, c.paidFen]),
    );
    const csvRows = full.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .map((l: string) => l.split(','));
    const paidCol = csvRows[0]!.indexOf('付款金额(元)');
    expect(csvRows.length).toBeGreaterThan(1);
    for (const r of csvRows.slice(1)) expect(r[paidCol]).toBe((paid.get(r[0]!)! / 100).toFixed(2));
    const xlsx = await admin.request('GET', `/api/v1/customers/export?shopId=${shopB}&format=xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    for (let r = 2; r <= ws.rowCount; r++) {
      const cell = ws.getRow(r).getCell(paidCol + 1);
      expect(cell.value).toBe(paid.get(String(ws.getRow(r).getCell(1).value))! / 100);
      expect(cell.numFmt).toBe('¥#,##0.00');
    }
    // Searching by phone needs the permission too.
    expect((await viewer.get(`/api/v1/customers?shopId=${shopB}&q=13900001111`)).json().total).toBe(0);
    expect((await viewer.post('/api/v1/customers/tags', { tag: 'x', customerIds: [list.items[0].id] })).statusCode).toBe(403);
    const tagged = await admin.post('/api/v1/customers/tags', { tag: '待唤回', filter: { shopId: shopA, list: 'churn_risk' } });
    expect(tagged.statusCode, tagged.body).toBe(200);
    const churn = (await admin.get(`/api/v1/customers?shopId=${shopA}&list=churn_risk`)).json().total;
    expect(tagged.json().tagged).toBe(churn);
    expect((await admin.get(`/api/v1/customers?shopId=${shopA}&tag=${encodeURIComponent('待唤回')}`)).json().total).toBe(churn);
  });

  it('a refresh with 20,000 marks rebuilds the shop: the same customers and figures as before, no marks left', async () => {
    const snapshot = async () =>
      (
        await db()
          .selectFrom('customers')
          .select(['id', 'identity_key', 'order_count', 'paid_orders', 'paid_fen', 'refund_fen', 'first_paid_day', 'last_paid_day'])
          .select(['cycle_days', 'name', 'phone', 'merged_into'])
          .where('shop_id', '=', shopA)
          .orderBy('identity_key')
          .execute()
      ).map((r) => ({
        ...r,
        order_count: Number(r.order_count),
        paid_orders: Number(r.paid_orders),
        paid_fen: Number(r.paid_fen),
        refund_fen: Number(r.refund_fen),
      }));
    await customers.refreshShops(db(), [shopA]);
    const before = await snapshot();
    expect(before.length).toBeGreaterThan(50);
    const ids = (await db().selectFrom('orders').select('id').where('shop_id', '=', shopA).execute()).map((r) => r.id);
    // Every order of the shop marked, padded to a large import's worth with ids of no order.
    const none = Array.from({ length: 20_000 - ids.length }, (_, i) => `ord_none_${i}`);
    await customers.markOrdersDirty(db(), shopA, [...ids, ...none]);
    await customers.refreshShops(db(), [shopA]);
    expect(await snapshot()).toEqual(before);
    expect(await customers.dirtyShops(db())).not.toContain(shopA);
  });
});

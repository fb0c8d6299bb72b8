import { addDays, businessDay } from '@yunying/core';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { makeProduct, makeShop, multipart as multipartForm } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

// ------------------------------------------------------------------ fixture files, made here

type Cells = readonly (string | number)[];

function csvText(rows: readonly Cells[]): string {
  return (
    rows.map((r) => r.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',')).join('\r\n') +
    '\r\n'
  );
}
const gbkCsv = (rows: readonly Cells[]) => iconv.encode(csvText(rows), 'gbk');
const utf8BomCsv = (rows: readonly Cells[]) => Buffer.from('\uFEFF' + csvText(rows), 'utf8');
async function xlsx(rows: readonly Cells[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  for (const r of rows) ws.addRow([...r]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function multipart(fields: Record<string, string>, file?: { name: string; data: Buffer }): { body: Buffer; type: string } {
  return multipartForm(fields, file ? { file } : {});
}

const TODAY = businessDay(Date.now(), 'Asia/Shanghai');
const D1 = addDays(TODAY, -3);
const D2 = addDays(TODAY, -2);
const ITEM_A = '612345678901234567'; // a long platform item id, listed for product A

/** 生意参谋 店铺来源 export: a title line, then 统计日期 / 流量来源 / 来源明细 / figures, with a 汇总 row per day. */
function shopSourcesFile(days: readonly { day: string; scale: number }[]): Cells[] {
  const rows: Cells[] = [
    ['生意参谋 · 流量 · 店铺来源（导出时间 2026-11-23 09:00）'],
    [],
    ['统计日期', '流量来源', '来源明细', '访客数', '浏览量', '加购人数', '收藏人数', '支付买家数', '支付金额', '支付转化率'],
  ];
  for (const { day, scale } of days) {
    const n = (x: number) => x * scale;
    rows.push(
      [`${day}~${day}`, '淘内免费', '手淘搜索', (1234 * scale).toLocaleString('en-US'), n(3000), n(100), n(40), n(30), '3,456.70', '2.43%'],
      [day.replace(/-/g, '/'), '淘内免费', '手淘推荐', n(500), n(900), n(20), n(10), n(5), '500', '1.00%'],
      [day, '付费流量', '直通车', n(300), n(450), n(9), n(3), n(6), '￥600.00', '2%'],
      [day, '付费流量', '引力魔方', n(100), n(120), '-', '-', '-', '0', '-'],
      [day, '自主访问', '购物车', n(50), n(80), n(2), n(1), n(8), '800.5', '16%'],
      [day, '汇总', '汇总', n(2000), n(4550), n(131), n(54), n(49), '5,357.20', '2.45%'],
    );
  }
  return rows;
}

/** The shop-source export of D1 (scale 1) and D2 (scale 2): imported by the first test, then again unchanged. */
const twoDaysFile = () => ({
  name: '店铺来源.csv',
  data: gbkCsv(
    shopSourcesFile([
      { day: D1, scale: 1 },
      { day: D2, scale: 2 },
    ]),
  ),
});

describeEachDialect('traffic statistics import', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  let prdA: string;
  let prdB: string;
  const db = () => ctx.tdb.database.db;

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '天猫旗舰店');
    // Product A is listed in the shop under ITEM_A; product B is found by its code or its SKU's code.
    prdA = (await makeProduct(ctx, { title: '保温杯', code: 'P-A', skus: [{ code: 'CUP-A', priceFen: 9900 }] })).productId;
    prdB = (await makeProduct(ctx, { title: '纯棉T恤', code: 'P-B', skus: [{ code: 'TEE-M', priceFen: 9900, costFen: 3000 }] })).productId;
    const listed = await admin.request('PUT', `/api/v1/products/${prdA}/listings`, { items: [{ shopId, channelItemId: ITEM_A }] });
    expect(listed.statusCode, listed.body).toBe(200);
  });

  async function upload(file: { name: string; data: Buffer }, fields: Record<string, string> = {}, client: Client = admin) {
    const mp = multipart({ shopId, ...fields }, file);
    return client.request('POST', '/api/v1/traffic/import', mp.body, { 'content-type': mp.type });
  }
  async function stats(day?: string) {
    let q = db()
      .selectFrom('traffic_stats')
      .select(['day', 'product_id', 'source_code', 'uv', 'pv', 'cart_uv', 'fav_uv', 'paying_buyers', 'paid_fen'])
      .where('shop_id', '=', shopId);
    if (day) q = q.where('day', '=', day);
    const rows = await q.orderBy('day').orderBy('product_id').orderBy('source_code').execute();
    return rows.map((r) => ({
      ...r,
      uv: Number(r.uv),
      pv: Number(r.pv),
      cart_uv: Number(r.cart_uv),
      fav_uv: Number(r.fav_uv),
      paying_buyers: Number(r.paying_buyers),
      paid_fen: Number(r.paid_fen),
    }));
  }
  /** The shop's rollup rows (uv and pv), in a stable order. */
  function rollups() {
    return db()
      .selectFrom('rollup_daily')
      .select(['day', 'product_id', 'source_code', 'uv', 'pv'])
      .where('shop_id', '=', shopId)
      .orderBy('day')
      .orderBy('source_code')
      .execute();
  }
  /** When the whole-shop rollup row of a day was last recomputed. */
  async function shopRollupUpdatedAt(day: string) {
    const row = await db()
      .selectFrom('rollup_daily')
      .select(['updated_at'])
      .where('shop_id', '=', shopId)
      .where('day', '=', day)
      .where('product_id', '=', '')
      .where('source_code', '=', '')
      .executeTakeFirstOrThrow();
    return Number(row.updated_at);
  }
  async function trafficApi(from: string, to: string) {
    const res = await admin.get(`/api/v1/analytics/traffic?shopId=${shopId}&from=${from}&to=${to}`);
    expect(res.statusCode, res.body).toBe(200);
    const t = res.json();
    const bySource = Object.fromEntries(
      (t.tree as { children: { code: string; uv: number }[] }[]).flatMap((g) => g.children).map((c) => [c.code, c.uv]),
    ) as Record<string, number>;
    return { totals: t.totals as { uv: number; pv: number }, bySource };
  }

  it('imports a GBK shop-source export: traffic_stats rows, then the analytics API shows the UV per source', async () => {
    const res = await upload(twoDaysFile());
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({ days: [D1, D2], rows: 12, imported: 12, stored: 12, skipped: 0, errorCount: 0, errors: [], perSource: true });
    expect(s.encoding).toBe('gb18030');
    expect(s.headerRow).toBe(3);
    expect(s.columns).toMatchObject({ day: '统计日期', source: '来源明细', sourceGroup: '流量来源', uv: '访客数' });

    const d1 = await stats(D1);
    expect(d1.map((r) => [r.source_code, r.uv])).toEqual([
      ['', 2000],
      ['cart_fav', 50],
      ['display', 100],
      ['paid_search', 300],
      ['recommend', 500],
      ['search', 1234],
    ]);
    expect(d1.find((r) => r.source_code === 'search')).toMatchObject({
      pv: 3000,
      cart_uv: 100,
      fav_uv: 40,
      paying_buyers: 30,
      paid_fen: 345670,
    });
    expect(d1.find((r) => r.source_code === 'display')).toMatchObject({ cart_uv: 0, fav_uv: 0, paying_buyers: 0, paid_fen: 0 });
    expect(d1.find((r) => r.source_code === 'cart_fav')!.paid_fen).toBe(80050);

    const api = await trafficApi(D1, D1);
    expect(api.totals.uv).toBe(2000);
    expect(api.totals.pv).toBe(4550);
    expect(api.bySource).toMatchObject({ search: 1234, recommend: 500, paid_search: 300, display: 100, cart_fav: 50, direct: 0 });
    const both = await trafficApi(D1, D2);
    expect(both.totals.uv).toBe(6000); // multi-day UV = sum of the daily UV
    expect(both.bySource.search).toBe(1234 * 3);
  });

  it('importing the same file again changes nothing', async () => {
    const before = await stats();
    const rollBefore = await rollups();
    const res = await upload(twoDaysFile());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ days: [D1, D2], imported: 12, errorCount: 0 });
    expect(await stats()).toEqual(before);
    const rollAfter = await rollups();
    expect(rollAfter).toEqual(rollBefore);
  });

  it('a later file for one day replaces only that day, and only recomputes that day', async () => {
    const d1Before = await stats(D1);
    const rollD1 = await shopRollupUpdatedAt(D1);
    // D2 again, re-exported later: fewer sources (引力魔方 gone), other figures.
    const rows = shopSourcesFile([{ day: D2, scale: 3 }]).filter((r) => r[2] !== '引力魔方');
    const res = await upload({ name: 'd2.csv', data: utf8BomCsv(rows) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ days: [D2], imported: 5, errorCount: 0, encoding: 'utf-8-bom' });
    expect(await stats(D1)).toEqual(d1Before);
    const d2 = await stats(D2);
    expect(d2.map((r) => [r.source_code, r.uv])).toEqual([
      ['', 6000],
      ['cart_fav', 150],
      ['paid_search', 900],
      ['recommend', 1500],
      ['search', 3702],
    ]);
    const api = await trafficApi(D2, D2);
    expect(api.bySource).toMatchObject({ search: 3702, display: 0 });
    const rollD1After = await shopRollupUpdatedAt(D1);
    expect(rollD1After).toBe(rollD1);
  });

  it('imports a product file (no source column): matches 商品ID via listings or merchant code; bad rows and unknown ids are reported', async () => {
    const rows: Cells[] = [
      ['日期', '商品ID', '商品名称', '商品访客数', '商品浏览量', '商品加购人数', '商品收藏人数', '支付买家数', '支付金额'],
      [D1, `="${ITEM_A}"`, '保温杯', '1,234', '2,345', '56', '12', '7', '419.30'],
      [D1, 'TEE-M', '纯棉T恤', '88', '120', '3', '1', '1', '99'],
      [D1, '700000000000001', '神秘商品', '10', '12', '0', '0', '0', '0'],
      [D1, '1.23457E+17', '被改坏的ID', '10', '12', '0', '0', '0', '0'],
      [D2, `'${ITEM_A}`, '保温杯', '12.3%', '100', '1', '1', '0', '0'],
      [D2, 'P-B', '纯棉T恤', '40', '60', '2', '0', '1', '12.345'],
      ['2026-02-30', 'P-B', '纯棉T恤', '40', '60', '2', '0', '1', '1'],
      [addDays(TODAY, 2), 'P-B', '纯棉T恤', '40', '60', '2', '0', '1', '1'],
      ['合计', '', '', '1,382', '2,549', '61', '14', '9', '518.30'],
    ];
    const res = await upload({ name: '商品效果.xlsx', data: await xlsx(rows) });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({ days: [D1], rows: 9, imported: 2, skipped: 1, perProduct: true, perSource: false, encoding: 'xlsx' });
    const byRow = Object.fromEntries(
      (s.errors as { rowNo: number; column: string; value: string; reason: string }[]).map((e) => [e.rowNo, e]),
    );
    expect(byRow[4]).toMatchObject({ column: '商品ID', value: '700000000000001' });
    expect(byRow[4]!.reason).toContain('商品ID「700000000000001」');
    expect(byRow[5]).toMatchObject({ column: '商品ID', value: '1.23457E+17' });
    expect(byRow[5]!.reason).toContain('科学计数法');
    expect(byRow[6]).toMatchObject({ column: '商品访客数', value: '12.3%' });
    expect(byRow[6]!.reason).toContain('百分比');
    expect(byRow[7]).toMatchObject({ column: '支付金额', value: '12.345' });
    expect(byRow[8]).toMatchObject({ column: '日期', value: '2026-02-30' });
    expect(byRow[9]!.reason).toContain('未来');
    expect(s.errorCount).toBe(6);
    expect(s.warnings.join('\n')).toContain('商品级');

    const byProduct = <T extends { product_id: string }>(rows: T[]) => [...rows].sort((x, y) => x.product_id.localeCompare(y.product_id));
    expect(byProduct((await stats(D1)).filter((r) => r.product_id !== ''))).toEqual(
      byProduct([
        { day: D1, product_id: prdA, source_code: '', uv: 1234, pv: 2345, cart_uv: 56, fav_uv: 12, paying_buyers: 7, paid_fen: 41930 },
        { day: D1, product_id: prdB, source_code: '', uv: 88, pv: 120, cart_uv: 3, fav_uv: 1, paying_buyers: 1, paid_fen: 9900 },
      ]),
    );
    // The shop rows of D1 (the earlier shop-level file) are untouched by a product file.
    expect((await stats(D1)).filter((r) => r.product_id === '').length).toBe(6);
    expect((await trafficApi(D1, D1)).totals.uv).toBe(2000);
    const products = await admin.get(`/api/v1/analytics/products?shopId=${shopId}&from=${D1}&to=${D1}`);
    expect(products.statusCode, products.body).toBe(200);
    const uvOf = Object.fromEntries((products.json().items as { productId: string; uv: number }[]).map((p) => [p.productId, p.uv]));
    expect(uvOf).toMatchObject({ [prdA]: 1234, [prdB]: 88 });
  });

  it('reports unknown 流量来源 names per row; the mapping names columns and maps sources', async () => {
    const rows: Cells[] = [
      ['Date', 'Channel', 'Visitors', 'Views', 'Carts', 'Favs', 'Buyers', 'GMV'],
      [D1, '手淘搜索', '10', '20', '1', '1', '1', '10'],
      [D1, '火星来客', '5', '6', '0', '0', '0', '0'],
    ];
    const noMap = await upload({ name: 'generic.csv', data: utf8BomCsv(rows) });
    expect(noMap.statusCode).toBe(400);
    expect(noMap.json().detail).toContain('「访客数」');

    const columns = {
      day: 'Date',
      source: 'Channel',
      uv: 'Visitors',
      pv: 'Views',
      cartUv: 'Carts',
      favUv: 'Favs',
      payingBuyers: 'Buyers',
      paidAmount: 'GMV',
    };
    const first = await upload({ name: 'generic.csv', data: utf8BomCsv(rows) }, { mapping: JSON.stringify({ columns }) });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ imported: 1, errorCount: 1 });
    expect(first.json().errors[0]).toMatchObject({ rowNo: 3, column: 'Channel', value: '火星来客' });
    expect(first.json().errors[0].reason).toContain('无法识别的流量来源「火星来客」');

    const badCode = await upload(
      { name: 'generic.csv', data: utf8BomCsv(rows) },
      { mapping: JSON.stringify({ columns, sources: { 火星来客: 'nope' } }) },
    );
    expect(badCode.statusCode).toBe(400);

    const mapped = await upload(
      { name: 'generic.csv', data: utf8BomCsv(rows) },
      { mapping: JSON.stringify({ columns, sources: { 火星来客: 'external' } }) },
    );
    expect(mapped.statusCode, mapped.body).toBe(200);
    expect(mapped.json()).toMatchObject({ imported: 2, errorCount: 0 });
    const d1 = await stats(D1);
    // This file replaced D1's shop × source rows (its level), not the all-sources row or the products.
    expect(d1.filter((r) => r.product_id === '').map((r) => [r.source_code, r.uv])).toEqual([
      ['', 2000],
      ['external', 5],
      ['search', 10],
    ]);
    expect(d1.filter((r) => r.product_id !== '').length).toBe(2);
  });

  it('a one-day shop file without a date column takes the day from the form; missing columns are named', async () => {
    const rows: Cells[] = [['访客数', '浏览量', '支付买家数', '支付金额']];
    rows.push(['3,000', '5,000', '60', '6,000.00']);
    const missing = await upload({ name: 'shop.csv', data: utf8BomCsv(rows) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().detail).toContain('「日期」');
    const res = await upload({ name: 'shop.csv', data: utf8BomCsv(rows) }, { day: D2 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ days: [D2], imported: 1, perProduct: false, perSource: false });
    expect(res.json().warnings.join('\n')).toContain('加购人数');
    expect((await stats(D2)).find((r) => r.product_id === '' && r.source_code === '')).toMatchObject({
      uv: 3000,
      pv: 5000,
      paid_fen: 600000,
    });
    expect((await trafficApi(D2, D2)).totals.uv).toBe(3000);
  });

  it('lists imports; needs traffic.manage; previews a file', async () => {
    const list = await admin.get(`/api/v1/traffic/imports?shopId=${shopId}`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().total).toBeGreaterThanOrEqual(6);
    expect(list.json().items[0]).toMatchObject({ shopId, fileName: 'shop.csv', days: [D2], imported: 1 });

    const { client: operator } = await ctx.userWithRoles('op_traffic', ['operator']);
    const denied = await upload(
      {
        name: 'x.csv',
        data: utf8BomCsv([
          ['日期', '访客数'],
          [D1, '1'],
        ]),
      },
      {},
      operator,
    );
    expect(denied.statusCode).toBe(403);

    const mp = multipart({}, { name: '店铺来源.csv', data: gbkCsv(shopSourcesFile([{ day: D1, scale: 1 }])) });
    const pv = await admin.request('POST', '/api/v1/traffic/import/preview', mp.body, { 'content-type': mp.type });
    expect(pv.statusCode, pv.body).toBe(200);
    expect(pv.json()).toMatchObject({ encoding: 'gb18030', headerRow: 3, missing: [] });
    expect(pv.json().mapping).toMatchObject({ day: '统计日期', uv: '访客数', source: '来源明细' });
    expect(pv.json().rows.length).toBe(6);
  });
});

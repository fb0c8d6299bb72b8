import { addDays, businessDay, twoProportionTest } from '@yunying/core';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { beforeAll, expect, it } from 'vitest';
import { systemActor } from '../src/http/actor.js';
import { adsReport } from '../src/modules/ads/index.js';
import { describeEachDialect } from './dialects.js';
import { makeProduct, makeShop, multipart } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

type Cells = readonly (string | number)[];
const csv = (rows: readonly Cells[]) =>
  rows.map((r) => r.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',')).join('\r\n') +
  '\r\n';
const gbk = (rows: readonly Cells[]) => iconv.encode(csv(rows), 'gbk');
async function xlsx(rows: readonly Cells[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('报表');
  for (const r of rows) ws.addRow([...r]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const TODAY = businessDay(Date.now(), 'Asia/Shanghai');
const DAYS = Array.from({ length: 7 }, (_, i) => addDays(TODAY, i - 7)); // the 7 days before today
const LAST = DAYS[6]!;

interface KwRow {
  day: string;
  plan: string;
  unit: string;
  keyword: string;
  impressions: number;
  clicks: number;
  spendFen: number;
  orders: number;
  salesFen: number;
}
/** Planted: 爆款拉新 spends its whole budget (¥100) at ROI 6; 新品测试 earns ROI 1.2 below break-even; 稳定引流 is healthy. */
const KW: KwRow[] = DAYS.flatMap((day) => [
  { day, plan: '爆款拉新', unit: '保温杯', keyword: '保温杯', impressions: 5000, clicks: 150, spendFen: 6000, orders: 6, salesFen: 36000 },
  {
    day,
    plan: '爆款拉新',
    unit: '保温杯',
    keyword: '大容量保温杯',
    impressions: 2500,
    clicks: 75,
    spendFen: 4000,
    orders: 3,
    salesFen: 24000,
  },
  { day, plan: '新品测试', unit: '纯棉T恤', keyword: '纯棉T恤', impressions: 4000, clicks: 100, spendFen: 7000, orders: 1, salesFen: 8400 },
  {
    day,
    plan: '新品测试',
    unit: '纯棉T恤',
    keyword: '短袖T恤男',
    impressions: 2000,
    clicks: 50,
    spendFen: 3000,
    orders: 1,
    salesFen: 3600,
  },
  { day, plan: '稳定引流', unit: '保温杯', keyword: '不锈钢杯', impressions: 3000, clicks: 90, spendFen: 5000, orders: 4, salesFen: 20000 },
]);
const yuan = (fen: number) => (fen / 100).toFixed(2);

/** 直通车 keyword report: a title line, the header, rows (some days as 2026/11/20), a 合计 row. */
function ztcKeywordFile(rows: readonly KwRow[], extra: Cells[] = []): Cells[] {
  return [
    ['直通车 关键词报表（分日）'],
    [
      '日期',
      '推广计划名称',
      '推广单元名称',
      '关键词',
      '展现量',
      '点击量',
      '点击率',
      '花费(元)',
      '平均点击花费(元)',
      '总成交笔数',
      '总成交金额(元)',
      '投入产出比',
    ],
    ...rows.map((r, i) => [
      i % 2 ? r.day.replace(/-/g, '/') : r.day,
      r.plan,
      r.unit,
      r.keyword,
      r.impressions.toLocaleString('en-US'),
      r.clicks,
      `${((r.clicks / r.impressions) * 100).toFixed(2)}%`,
      yuan(r.spendFen),
      yuan(Math.round(r.spendFen / r.clicks)),
      r.orders,
      yuan(r.salesFen),
      (r.salesFen / r.spendFen).toFixed(2),
    ]),
    ...extra,
    ['合计', '', '', '', 1, 1, '', '1', '', 1, '1', ''],
  ];
}

describeEachDialect('paid promotion (ads)', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  const db = () => ctx.tdb.database.db;

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '推广测试店');
    // Break-even ROI: 保温杯 costs a third of its price (1.5), 纯棉T恤 3000 of 9900 (1.43).
    await makeProduct(ctx, { title: '保温杯', code: 'P-CUP', skus: [{ code: 'CUP-1', priceFen: 9900 }] });
    await makeProduct(ctx, { title: '纯棉T恤', code: 'P-TEE', skus: [{ code: 'TEE-1', priceFen: 9900, costFen: 3000 }] });
  });

  async function upload(url: string, fields: Record<string, string>, file: { name: string; data: Buffer }) {
    const mp = multipart({ shopId, ...fields }, { file });
    return admin.request('POST', url, mp.body, { 'content-type': mp.type });
  }
  async function plans(from = DAYS[0]!, to = LAST) {
    const res = await admin.get(`/api/v1/ads/plans?shopId=${shopId}&from=${from}&to=${to}&pageSize=50`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as Record<string, unknown>[];
  }
  const byName = (items: Record<string, unknown>[]) => Object.fromEntries(items.map((p) => [p.name as string, p]));
  /** The figures recounted from the file's rows. */
  function recount(rows: readonly KwRow[]) {
    const out: Record<string, Record<string, number>> = {};
    for (const r of rows) {
      const t = (out[r.plan] ??= { impressions: 0, clicks: 0, spendFen: 0, orders: 0, salesFen: 0 });
      t.impressions! += r.impressions;
      t.clicks! += r.clicks;
      t.spendFen! += r.spendFen;
      t.orders! += r.orders;
      t.salesFen! += r.salesFen;
    }
    return out;
  }
  const dailyRows = async () =>
    (await db().selectFrom('ad_daily').select(['day', 'plan_id', 'level', 'keyword', 'spend_fen']).where('shop_id', '=', shopId).execute())
      .map((r) => `${r.day}|${r.plan_id}|${r.level}|${r.keyword}|${Number(r.spend_fen)}`)
      .sort();

  it('imports a GBK 直通车 keyword report: bad rows named with the fix, plans created and linked to their products', async () => {
    const bad: Cells[] = [
      [LAST, '', '保温杯', '空计划', 10, 1, '', '1.00', '', 0, '0', ''],
      [LAST, '爆款拉新', '保温杯', '坏花费', 10, 1, '', 'abc', '', 0, '0', ''],
      [LAST, '爆款拉新', '保温杯', '点击多于展现', 10, 50, '', '1.00', '', 0, '0', ''],
      [addDays(TODAY, 2), '爆款拉新', '保温杯', '未来', 10, 1, '', '1.00', '', 0, '0', ''],
      [LAST, '爆款拉新', '保温杯', '保温杯', 1, 1, '', '1.00', '', 0, '0', ''],
    ];
    const res = await upload('/api/v1/ads/import', { format: 'ztc' }, { name: '关键词报表.csv', data: gbk(ztcKeywordFile(KW, bad)) });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({
      tool: 'ztc',
      level: 'uk',
      headerRow: 2,
      imported: KW.length,
      skipped: 1,
      plansCreated: 3,
      errorCount: 5,
      days: DAYS,
    });
    const first = 3 + KW.length;
    expect(s.errors.map((e: { rowNo: number; column: string }) => [e.rowNo, e.column])).toEqual([
      [first, '推广计划名称'],
      [first + 1, '花费(元)'],
      [first + 2, '点击量'],
      [first + 3, '日期'],
      [first + 4, '推广计划名称'],
    ]);
    expect(s.errors[1].reason).toContain('元');
    expect(s.errors[4].reason).toMatch(/与第 \d+ 行重复/);
    const p = byName(await plans());
    expect(p['爆款拉新']!.productIds).toHaveLength(1);
    expect(p['爆款拉新']!.breakEvenRoi).toBeCloseTo(1.5, 6);
  });

  it('every figure of the plan list and the CLI report equals a recount from the imported rows', async () => {
    const want = recount(KW);
    const got = byName(await plans());
    const report = await adsReport(
      db(),
      { ...systemActor(ctx.orgId, 'test'), permissions: new Set(['ads.read']) },
      { shopId, from: DAYS[0]!, to: LAST },
    );
    const cli = Object.fromEntries(report.plans.map((p) => [p.name, p]));
    for (const [name, t] of Object.entries(want)) {
      for (const src of [got[name]!, cli[name]!]) {
        expect(src).toMatchObject(t);
        expect(src.ctr).toBeCloseTo(t.clicks! / t.impressions!, 4);
        expect(src.cpcFen).toBe(Math.round(t.spendFen! / t.clicks!));
        expect(src.cvr).toBeCloseTo(t.orders! / t.clicks!, 4);
        expect(src.roi).toBeCloseTo(t.salesFen! / t.spendFen!, 4);
      }
    }
    expect(Object.keys(cli[Object.keys(want)[0]!]!)).toEqual(
      expect.arrayContaining(['impressions', 'clicks', 'spendFen', 'orders', 'salesFen', 'ctr', 'cpcFen', 'cvr', 'roi', 'breakEvenRoi']),
    );
    const detail = await admin.get(`/api/v1/ads/plans/${got['爆款拉新']!.id}?from=${DAYS[0]}&to=${LAST}`);
    expect(detail.statusCode, detail.body).toBe(200);
    const kws = detail.json().keywords as { name: string; spendFen: number; clicks: number }[];
    expect(kws.map((k) => [k.name, k.spendFen, k.clicks])).toEqual([
      ['保温杯', 6000 * 7, 150 * 7],
      ['大容量保温杯', 4000 * 7, 75 * 7],
    ]);
  });

  it('re-importing the same days changes nothing; a plan report of a day is used instead of (not added to) its keywords', async () => {
    const before = await plans();
    const rowsBefore = await dailyRows();
    const again = await upload('/api/v1/ads/import', { format: 'ztc' }, { name: '关键词报表.xlsx', data: await xlsx(ztcKeywordFile(KW)) });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ imported: KW.length, plansCreated: 0, errorCount: 0 });
    expect(await plans()).toEqual(before);
    expect((await dailyRows()).map((r) => r.replace(/\|adp_\w+\|/, '|'))).toEqual(rowsBefore.map((r) => r.replace(/\|adp_\w+\|/, '|')));

    const planFile = [
      ['日期', '计划名称', '展现量', '点击量', '花费(元)', '成交笔数', '成交金额(元)'],
      [LAST, '稳定引流', 3100, 90, '50.00', 4, '200.00'],
    ];
    const r = await upload(
      '/api/v1/ads/import',
      { format: 'generic', tool: 'ztc' },
      { name: '计划.csv', data: Buffer.from(csv(planFile)) },
    );
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ level: '', imported: 1 });
    const got = byName(await plans());
    expect(got['稳定引流']!.impressions).toBe(3000 * 6 + 3100);
    expect(got['爆款拉新']).toEqual(byName(before)['爆款拉新']);
  });

  it('a preview (dryRun) parses with the same parser and writes nothing: preset, level, range, rows, first rows, row errors', async () => {
    const counts = async () =>
      Promise.all(
        (['ad_daily', 'ad_plans', 'ad_plan_products', 'audit_log'] as const).map(async (t) =>
          Number(
            (
              await db()
                .selectFrom(t)
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
        ),
      );
    const before = await counts();
    const rowsBefore = await dailyRows();
    const changed = KW.map((r) => ({ ...r, spendFen: r.spendFen + 100 }));
    const extra = [{ ...KW[0]!, plan: '预览新计划', keyword: '预览词' }];
    const bad: Cells[] = [[LAST, '爆款拉新', '保温杯', '坏花费', 10, 1, '', 'abc', '', 0, '0', '']];
    const res = await upload(
      '/api/v1/ads/import',
      { format: 'ztc', dryRun: '1' },
      { name: '关键词报表.csv', data: gbk(ztcKeywordFile([...changed, ...extra], bad)) },
    );
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({
      dryRun: true,
      format: 'ztc',
      tool: 'ztc',
      level: 'uk',
      encoding: 'gb18030',
      from: DAYS[0],
      to: LAST,
      days: DAYS,
      imported: KW.length + 1,
      plansCreated: 1,
      errorCount: 1,
      errors: [{ column: '花费(元)' }],
    });
    expect(s.preview).toHaveLength(20);
    expect(s.preview[0]).toEqual({
      day: KW[0]!.day,
      plan: KW[0]!.plan,
      unit: KW[0]!.unit,
      keyword: KW[0]!.keyword,
      creative: '',
      impressions: KW[0]!.impressions,
      clicks: KW[0]!.clicks,
      spendFen: KW[0]!.spendFen + 100,
      orders: KW[0]!.orders,
      salesFen: KW[0]!.salesFen,
      favs: 0,
      carts: 0,
    });
    // Nothing written: no report row, plan, product link or audit entry; the stored days are as before.
    expect(await counts()).toEqual(before);
    expect(await dailyRows()).toEqual(rowsBefore);
    // Without dryRun the same upload is the import (and a missing-column file fails in the preview alike).
    const missing = await upload(
      '/api/v1/ads/import',
      { format: 'generic', dryRun: '1' },
      { name: 'x.csv', data: Buffer.from(csv([['日期', '花费']])) },
    );
    expect(missing.statusCode).toBe(400);
  });

  it('advice fires on the planted plans and not on the healthy one; a decision is recorded once and applied', async () => {
    const p = byName(await plans());
    const w = await admin.patch(`/api/v1/ads/plans/${p['爆款拉新']!.id}`, { dailyBudgetFen: 10000 });
    expect(w.statusCode, w.body).toBe(200);
    const res = await admin.get(`/api/v1/ads/advice?shopId=${shopId}`);
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json();
    expect(a.day).toBe(LAST);
    const kinds = (a.items as { planName: string; kind: string }[]).map((x) => [x.planName, x.kind]).sort();
    expect(kinds).toEqual([
      ['新品测试', 'cut_plan'],
      ['爆款拉新', 'raise_budget'],
    ]);
    const raise = a.items.find((x: { kind: string }) => x.kind === 'raise_budget');
    expect(raise.evidence).toMatchObject({ dailyBudgetFen: 10000, suggestedBudgetFen: 12000, roi: 6, breakEvenRoi: 1.5 });
    expect(raise.evidence.cappedDays).toHaveLength(7);
    const ok = await admin.post(`/api/v1/ads/advice/${raise.id}/decision`, { decision: 'accepted', note: '大促前加预算' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().applied).toContain('120.00');
    const twice = await admin.post(`/api/v1/ads/advice/${raise.id}/decision`, { decision: 'dismissed' });
    expect(twice.statusCode).toBe(409);
    expect((await plans()).find((x) => x.name === '爆款拉新')!.dailyBudgetFen).toBe(12000);
    // Listing again keeps the decision (the day's open advice is recomputed, decided advice stays).
    const again = (await admin.get(`/api/v1/ads/advice?shopId=${shopId}&day=${LAST}`)).json();
    expect(again.counts).toEqual({ open: 1, accepted: 1, dismissed: 0 });
  });

  it('A/B: two creatives compared by CTR with the hand-computed p-value', async () => {
    const file = [
      ['日期', '计划名称', '创意名称', '展现量', '点击量', '花费(元)', '成交笔数', '成交金额(元)'],
      [LAST, '爆款拉新', '白底主图', 6000, 120, '60.00', 5, '300.00'],
      [DAYS[5]!, '爆款拉新', '白底主图', 4000, 80, '40.00', 3, '200.00'],
      [LAST, '爆款拉新', '场景主图', 10000, 150, '100.00', 6, '600.00'],
    ];
    const r = await upload('/api/v1/ads/import', { format: 'generic', tool: 'ztc' }, { name: '创意.csv', data: Buffer.from(csv(file)) });
    expect(r.statusCode, r.body).toBe(200);
    const p = byName(await plans());
    const q = new URLSearchParams({ shopId, planId: p['爆款拉新']!.id as string, a: '白底主图', b: '场景主图', from: DAYS[0]!, to: LAST });
    const res = await admin.get(`/api/v1/ads/ab?${q}`);
    expect(res.statusCode, res.body).toBe(200);
    const ab = res.json();
    expect(ab.a).toMatchObject({ impressions: 10000, clicks: 200 });
    expect(ab.b).toMatchObject({ impressions: 10000, clicks: 150 });
    // 200/10000 vs 150/10000: z = 2.6963, p = 0.00701, 10 795 impressions needed per creative.
    expect(ab.ctr.pValue).toBeCloseTo(0.00701, 4);
    expect(ab.ctr.requiredPerGroup).toBe(10795);
    expect(ab.ctr.sufficient).toBe(false);
    expect(ab.cvr).toEqual(twoProportionTest(8, 200, 6, 150));
    // The creative file is a finer level than the keyword file: the plan's figures are unchanged.
    expect(p['爆款拉新']!.spendFen).toBe(10000 * 7);
  });

  it('a plan entered by hand with budget and bid takes its days by hand; re-entering a day replaces it', async () => {
    const res = await admin.post('/api/v1/ads/plans', {
      shopId,
      tool: 'ylmf',
      name: '手工计划',
      dailyBudgetFen: 20000,
      bidFen: 80,
      productIds: [],
    });
    expect(res.statusCode, res.body).toBe(200);
    const id = res.json().id as string;
    const dup = await admin.post('/api/v1/ads/plans', { shopId, tool: 'ylmf', name: '手工计划' });
    expect(dup.statusCode).toBe(409);
    const day = { day: LAST, impressions: 1000, clicks: 40, spendFen: 5000, orders: 2, salesFen: 12000 };
    for (const body of [{ ...day, spendFen: 9999 }, day]) {
      const r = await admin.post(`/api/v1/ads/plans/${id}/days`, body);
      expect(r.statusCode, r.body).toBe(200);
    }
    const bad = await admin.post(`/api/v1/ads/plans/${id}/days`, { ...day, clicks: 2000 });
    expect(bad.statusCode).toBe(400);
    const p = byName(await plans())['手工计划']!;
    expect(p).toMatchObject({
      tool: 'ylmf',
      dailyBudgetFen: 20000,
      bidFen: 80,
      impressions: 1000,
      clicks: 40,
      spendFen: 5000,
      orders: 2,
      salesFen: 12000,
      roi: 2.4,
    });
    const paused = await admin.post('/api/v1/ads/plans/batch', { ids: [id], status: 'paused' });
    expect(paused.json()).toEqual({ updated: 1 });
    expect(byName(await plans())['手工计划']!.status).toBe('paused');
  });

  it('refuses a file without the plan column, naming the columns it accepts', async () => {
    const res = await upload(
      '/api/v1/ads/import',
      { format: 'kuaiche' },
      {
        name: 'x.csv',
        data: Buffer.from(
          csv([
            ['日期', '展现数', '点击数'],
            [LAST, 1, 1],
          ]),
        ),
      },
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().detail ?? res.json().title).toContain('计划名称');
  });

  it('imports 淘宝客 orders idempotently and downloads the 推广资源汇总表 with a 合计 row', async () => {
    const taoke = [
      ['订单编号', '商品信息', '佣金比率', '付款金额', '预估佣金', '付款时间'],
      ['="3456789012345678901"', '保温杯', '5.00%', '99.00', '4.95', `${LAST} 10:20:00`],
      ['3456789012345678902', '纯棉T恤', '10%', '59.00', '5.90', `${LAST} 11:00:00`],
      ['3456789012345678903', '纯棉T恤', '10%', 'x', '5.90', `${LAST} 11:00:00`],
    ];
    for (let i = 0; i < 2; i++) {
      const r = await upload('/api/v1/ads/taoke/import', {}, { name: '淘宝客.csv', data: gbk(taoke) });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ imported: 2, errorCount: 1, errors: [{ rowNo: 4, column: '付款金额(元)' }] });
    }
    const ov = (await admin.get(`/api/v1/ads/overview?shopId=${shopId}&from=${DAYS[0]}&to=${LAST}`)).json();
    expect(ov.taoke).toMatchObject({ orders: 2, commissionFen: 1085, paidFen: 15800 });
    const res = await admin.get(`/api/v1/ads/export?shopId=${shopId}&from=${DAYS[0]}&to=${LAST}`);
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('推广汇总')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    let totalRow = 2;
    while (totalRow <= ws.rowCount && ws.getRow(totalRow).getCell(1).value !== '合计') totalRow++;
    const total = ws.getRow(totalRow);
    expect(totalRow).toBe(2 + ov.byTool.length);
    expect(total.getCell(1).value).toBe('合计');
    expect(total.getCell(header.indexOf('花费（元）') + 1).value).toBe(ov.totals.spendFen / 100);
    expect(total.getCell(header.indexOf('花费（元）') + 1).numFmt).toBe('¥#,##0.00');
    expect(wb.getWorksheet('计划明细')!.rowCount).toBe(1 + ov.plans);
  });
});

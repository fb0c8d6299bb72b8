/**
 * Paid promotion in a real browser: import a GBK 直通车 keyword report on 导入推广报表, see the plans
 * it created in 推广计划 (the one below break-even flagged), open 推广建议 and dismiss its advice, and
 * download the 推广资源汇总表 from 推广概览 whose 合计 spend is the sum of the file's spend.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { addDays, businessDay, CreateShopBody } from '@yunying/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOrgId } from '../../server/src/bootstrap.js';
import { systemActor } from '../../server/src/http/actor.js';
import { createProduct } from '../../server/src/modules/catalog/catalog.service.js';
import { createShop } from '../../server/src/modules/shops/shops.service.js';
import { ADMIN_PASSWORD, chromiumMissing, login, startE2E, type E2E } from './harness.js';

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000 });
const TODAY = businessDay(Date.now(), 'Asia/Shanghai');
const DAYS = [3, 2, 1].map((n) => addDays(TODAY, -n));

describe.skipIf(chromiumMissing)('ads: import a report, plans, advice, 推广资源汇总表 in a real browser', () => {
  let e: E2E;
  let shopId = '';
  let dir = '';
  let file = '';
  let spendFen = 0;
  beforeAll(async () => {
    e = await startE2E();
    const db = e.database.db;
    const actor = systemActor((await getOrgId(db))!, 'e2e');
    shopId = (
      await db.transaction().execute((trx) => createShop(trx, actor, CreateShopBody.parse({ name: '推广旗舰店', channel: 'tmall' })))
    ).id;
    await db.transaction().execute((trx) =>
      createProduct(trx, actor, {
        title: '真空保温杯',
        code: 'CUP01',
        sellingPoints: '',
        description: '',
        tags: [],
        specDims: [{ name: '颜色', values: ['白'] }],
        status: 'on_sale',
        skus: [{ code: 'CUP01-1', spec: { 颜色: '白' }, priceFen: 9900, costFen: 4950, weightG: 300 }],
      }),
    );
    // Break-even ROI 2 (margin 50 %): 大促引流 earns ROI 1.0 every day (below), 日常推广 ROI 4.
    const rows: (string | number)[][] = [
      ['日期', '推广计划名称', '推广单元名称', '关键词', '展现量', '点击量', '花费(元)', '总成交笔数', '总成交金额(元)'],
    ];
    for (const day of DAYS) {
      rows.push([day, '大促引流', '真空保温杯', '保温杯', 4000, 120, '150.00', 2, '150.00']);
      rows.push([day, '日常推广', '真空保温杯', '保温杯女', 3000, 90, '50.00', 2, '200.00']);
      spendFen += 15000 + 5000;
    }
    rows.push([DAYS[0]!, '日常推广', '真空保温杯', '坏行', 10, 1, '五十', 0, '0']);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-ads-'));
    file = path.join(dir, '直通车关键词报表.csv');
    fs.writeFileSync(file, iconv.encode(rows.map((r) => r.join(',')).join('\r\n'), 'gbk'));
  });
  afterAll(async () => {
    await e?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('import → plan list → advice → 推广资源汇总表', async () => {
    const { page, baseUrl } = e;
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await login(page, baseUrl, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.evaluate((id) => localStorage.setItem('yy.shop', id), shopId);

    await page.goto(`${baseUrl}/ads/import`);
    await page.locator('input[type="file"]').setInputFiles(file);
    // Preview first: the server parses without writing; nothing is imported until confirmed.
    await page.getByTestId('ads-import-submit').click();
    const preview = page.getByTestId('ads-import-preview');
    await poll(() => preview.textContent()).toContain('可导入 6 行，被拒绝 1 行');
    await poll(() => page.getByTestId('ads-import-detected').textContent()).toContain('直通车');
    await poll(() => page.getByTestId('ads-import-preview-rows').locator('tbody tr.ant-table-row').count()).toBe(6);
    await poll(() => page.getByTestId('ads-import-errors').textContent()).toContain('不是有效金额');
    await e.shot('ads-00-preview');
    await page.getByTestId('ads-import-confirm').click();
    const result = page.getByTestId('ads-import-result');
    await poll(() => result.textContent()).toContain('导入 6 行，被拒绝 1 行');
    await poll(() => page.getByTestId('ads-import-errors').textContent()).toContain('不是有效金额');
    await e.shot('ads-01-import');

    await result.getByText('查看推广计划').click();
    await page.waitForURL(/\/ads\/plans/);
    const plans = page.getByTestId('ads-plans');
    await poll(() => plans.locator('tbody tr.ant-table-row').count()).toBe(2);
    const below = plans.locator('tbody tr.ant-table-row').filter({ hasText: '大促引流' });
    await poll(() => below.locator('.ant-typography-danger').first().textContent()).toBe('1.00');
    await e.shot('ads-02-plans');

    await page.goto(`${baseUrl}/ads/advice`);
    const advice = page.getByTestId('ads-advice');
    const row = advice.locator('tbody tr.ant-table-row').filter({ hasText: '大促引流' });
    await poll(() => row.textContent()).toContain('降低出价');
    expect(await advice.locator('tbody tr.ant-table-row').filter({ hasText: '日常推广' }).count()).toBe(0);
    await e.shot('ads-03-advice');
    await row.getByTestId('ads-advice-dismiss').click();
    await poll(() => row.textContent()).toContain('已忽略');
    // No spend so far entered today: the notice says how pacing is judged.
    expect(await page.getByTestId('ads-advice-no-pacing').count()).toBe(1);

    await page.goto(`${baseUrl}/ads?from=${DAYS[0]}&to=${DAYS[2]}`);
    await poll(() => page.getByTestId('ads-kpis').textContent()).toContain('¥600.00');
    await e.shot('ads-04-overview');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ads-export').click()]);
    expect(download.suggestedFilename()).toBe(`推广资源汇总表-${DAYS[0]}-${DAYS[2]}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await download.path());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['推广汇总', '计划明细', '每日']);
    const ws = wb.getWorksheet('推广汇总')!;
    const heads = (ws.getRow(1).values as unknown[]).map((v) => String(v ?? ''));
    const total = ws.getRow(3);
    expect(total.getCell(1).value).toBe('合计');
    expect(Math.round(Number(total.getCell(heads.indexOf('花费（元）')).value) * 100)).toBe(spendFen);
  });

  it('plan detail: spend so far entered by hand, the chart against the curve, and the pacing card on the advice page', async () => {
    const { page, baseUrl } = e;
    const db = e.database.db;
    const plan = await db.selectFrom('ad_plans').select('id').where('name', '=', '大促引流').executeTakeFirstOrThrow();
    await db.updateTable('ad_plans').set({ daily_budget_fen: 10000 }).where('id', '=', plan.id).execute();
    await page.goto(`${baseUrl}/ads/plans/${plan.id}`);
    const card = page.getByTestId('ads-plan-pacing');
    await poll(() => card.textContent()).toContain('默认分时曲线');
    // A bad hour is refused on the field, in Chinese.
    await page.getByTestId('ads-spend-now-time').fill('25:00');
    await page.getByTestId('ads-spend-now-amount').fill('5');
    await page.getByTestId('ads-spend-now-save').click();
    await poll(() => page.getByTestId('ads-spend-now').textContent()).toContain('小时 0–23');
    // 00:00 is never in the future: at midnight the curve has not started, so it is too early to judge.
    await page.getByTestId('ads-spend-now-time').fill('00:00');
    await page.getByTestId('ads-spend-now-save').click();
    await poll(() => card.getByTestId('ads-pace-too_early').count()).toBe(1);
    await poll(() => card.textContent()).toContain('¥5.00');
    expect(await page.getByTestId('ads-plan-pacing-chart').locator('canvas').count()).toBeGreaterThan(0);
    await e.shot('ads-05-pacing');
    await page.goto(`${baseUrl}/ads/advice`);
    await poll(() => page.getByTestId('ads-pacing-plans').locator('tbody tr.ant-table-row').filter({ hasText: '大促引流' }).count()).toBe(
      1,
    );
    expect(await page.getByTestId('ads-advice-no-pacing').count()).toBe(0);
  });
});

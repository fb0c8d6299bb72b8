/**
 * The analytics screens and the reports in a real browser, over the demo shop (small profile):
 * 工作台, 流量分析, 商品分析 (and one product), 交易分析 and 报表 each show real figures, a change
 * of period changes the URL and the figures, and an Excel report downloaded from 报表 carries the
 * figure the page shows.
 */
import { addDays, businessDay, monthEnd, monthStart, shiftMonths, weekStart } from '@yunying/core';
import ExcelJS from 'exceljs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../server/src/modules/demo/index.js';
import { ADMIN_PASSWORD, chromiumMissing, login, startE2E, type E2E } from './harness.js';

const TZ = 'Asia/Shanghai';
const MONEY = /^¥[\d,]+\.\d{2}$/;

function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: 15_000 });
}

function menu(page: Page, key: string): Locator {
  return page.locator(`li.ant-menu-item[data-testid="menu-${key}"]`);
}

function rows(table: Locator): Locator {
  return table.locator('tbody tr.ant-table-row');
}

async function text(loc: Locator): Promise<string> {
  return ((await loc.textContent()) ?? '').trim();
}

/** ¥1,234.56 → 123456 */
function fen(s: string): number {
  return Math.round(Number(s.replace(/[¥,\s]/g, '')) * 100);
}

async function settled(page: Page, loc: Locator): Promise<Locator> {
  await loc.waitFor();
  await poll(() =>
    loc.evaluate((el) => el.getAnimations({ subtree: true }).filter((a) => a.effect?.getTiming().iterations !== Infinity).length),
  ).toBe(0);
  return loc;
}

/** Choose a preset of the analytics period picker (近7天, 近30天 …). */
async function preset(page: Page, label: string): Promise<void> {
  const select = page.getByTestId('period-preset').first();
  await select.click();
  const dropdown = await settled(page, page.locator('.ant-select-dropdown:visible'));
  await dropdown.locator('.ant-select-item-option').filter({ hasText: label }).first().click();
  await poll(() => select.textContent()).toContain(label);
}

/** A chart drew itself (ECharts renders to a canvas inside the test id). */
async function chartDrawn(loc: Locator): Promise<void> {
  await poll(() => loc.locator('canvas').count()).toBeGreaterThan(0);
}

describe.skipIf(chromiumMissing)('analytics and reports in a real browser (demo data)', () => {
  let e: E2E;
  const today = businessDay(Date.now(), TZ);
  // Ranges end yesterday (today is the dashboard's real-time card).
  const yesterday = addDays(today, -1);
  const last30 = `from=${addDays(today, -30)}&to=${yesterday}`;
  beforeAll(async () => {
    e = await startE2E();
    await loadDemo(e.database, { profile: 'small', seed: 7 });
  });
  afterAll(() => e?.close());

  let broken = false;
  const step = (name: string, fn: () => Promise<void>) =>
    it(name, async (ctx) => {
      if (broken) ctx.skip();
      try {
        await fn();
      } catch (err) {
        broken = true;
        throw err;
      }
    });

  step('工作台 shows today’s and yesterday’s figures, the trend and the top products', async () => {
    const { page, baseUrl } = e;
    // A crash of the console shows in the test output instead of a blank page.
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await login(page, baseUrl, 'admin', ADMIN_PASSWORD);
    await poll(() => page.getByTestId('home-greeting').isVisible()).toBe(true);
    await menu(page, 'dashboard').click();
    await page.waitForURL(/\/dashboard/);
    await poll(() => text(page.getByTestId('card-paidFen-yesterday'))).toMatch(MONEY);
    expect(fen(await text(page.getByTestId('card-paidFen-yesterday')))).toBeGreaterThan(0);
    expect(Number((await text(page.getByTestId('card-uv-yesterday'))).replace(/,/g, ''))).toBeGreaterThan(0);
    await chartDrawn(page.getByTestId('dashboard-trend'));
    await chartDrawn(page.getByTestId('dashboard-funnel'));
    await poll(() => rows(page.getByTestId('top-products')).count()).toBeGreaterThan(0);
    await poll(() => rows(page.getByTestId('top-sources')).count()).toBeGreaterThan(0);
    await e.shot('a01-dashboard');
  });

  step('流量分析: behaviour, source tree and trend; 近30天 changes the URL and the figures', async () => {
    const { page } = e;
    await menu(page, 'analytics-traffic').click();
    await page.waitForURL(/\/analytics\/traffic/);
    const uv = page.getByTestId('behaviour-uv');
    await poll(async () => Number((await text(uv)).replace(/\D/g, ''))).toBeGreaterThan(0);
    const before = await text(uv);
    await poll(() => rows(page.getByTestId('traffic-tree')).count()).toBeGreaterThan(0);
    await chartDrawn(page.getByTestId('traffic-trend'));
    await preset(page, '近30天');
    await page.waitForURL((u) => u.search.includes(last30));
    await poll(() => text(uv)).not.toBe(before);
    expect(Number((await text(uv)).replace(/\D/g, ''))).toBeGreaterThan(Number(before.replace(/\D/g, '')));
    await e.shot('a02-traffic');
  });

  step('商品分析 ranks products; 近30天 changes them; a product opens with its own figures and trend', async () => {
    const { page } = e;
    await menu(page, 'analytics-products').click();
    await page.waitForURL(/\/analytics\/products$|\/analytics\/products\?/);
    const table = page.getByTestId('products-ranking');
    await poll(() => rows(table).count()).toBeGreaterThan(0);
    const before = await text(rows(table).first());
    expect(before).toMatch(/¥[\d,]+\.\d{2}/);
    await preset(page, '近30天');
    await page.waitForURL((u) => u.search.includes(last30));
    await poll(() => text(rows(table).first())).not.toBe(before);
    const link = rows(table).first().locator('a[data-testid^="product-link-"]');
    const title = await text(link);
    await link.click();
    await page.waitForURL(/\/analytics\/products\/[^/?]+/);
    expect(page.url()).toContain(last30);
    const summary = page.getByTestId('product-summary');
    await poll(() => text(summary)).toMatch(/¥[\d,]+\.\d{2}/);
    expect(await page.locator('h4').first().textContent()).toContain(title.slice(0, 6));
    await chartDrawn(page.getByTestId('product-trend'));
    const s30 = await text(summary);
    await preset(page, '近7天');
    await page.waitForURL((u) => u.search.includes(`from=${addDays(today, -7)}&to=${yesterday}`));
    await poll(() => text(summary)).not.toBe(s30);
    await e.shot('a03-product');
  });

  step('交易分析: sales = UV × conversion × AOV with its decomposition; 近30天 changes it', async () => {
    const { page } = e;
    await menu(page, 'analytics-trade').click();
    await page.waitForURL(/\/analytics\/trade/);
    const sales = page.getByTestId('factor-sales-current');
    await poll(() => text(sales)).toMatch(MONEY);
    expect(fen(await text(sales))).toBeGreaterThan(0);
    await chartDrawn(page.getByTestId('trade-trend'));
    const before = await text(sales);
    await preset(page, '近30天');
    await page.waitForURL((u) => u.search.includes(last30));
    await poll(() => text(sales)).not.toBe(before);
    expect(fen(await text(sales))).toBeGreaterThan(fen(before));
    await e.shot('a04-trade');
  });

  step('报表: 日报 → 周报 → 上一周, the URL and the figures follow; tables are filled', async () => {
    const { page } = e;
    await menu(page, 'reports').click();
    await page.waitForURL(/\/reports/);
    const paid = page.getByTestId('report-kpi-paidFen-value');
    await poll(() => text(paid)).toMatch(MONEY);
    const daily = await text(paid);
    expect(fen(daily)).toBeGreaterThan(0);
    // The daily report defaults to yesterday: one day in the summary table, the same paid amount as 工作台's yesterday card.
    await poll(() => rows(page.getByTestId('report-daily-table')).count()).toBe(1);
    expect(await text(rows(page.getByTestId('report-daily-table')).first())).toContain(addDays(today, -1));
    await poll(() => rows(page.getByTestId('report-products-table')).count()).toBeGreaterThan(0);
    await poll(() => page.getByTestId('report-kpi-paidFen-vs-previousDay').isVisible()).toBe(true);

    await page.getByTestId('report-kind').getByRole('tab', { name: '周报' }).click();
    await page.waitForURL((u) => u.search.includes('kind=weekly'));
    // The week of the day shown (yesterday), up to today while it runs.
    const mon = weekStart(addDays(today, -1));
    const sun = addDays(mon, 6);
    const to = sun < today ? sun : today;
    await poll(() => rows(page.getByTestId('report-daily-table')).count()).toBe(
      Math.round((Date.parse(to) - Date.parse(mon)) / 86_400_000) + 1,
    );
    await poll(() => text(page.getByTestId('report-period'))).toContain(`${mon} ~`);
    // The week holds yesterday. When yesterday was its Monday, the only other day is today, which
    // may have no paid order yet (just after midnight): the week can then equal the day.
    if (mon < addDays(today, -1)) await poll(() => text(paid)).not.toBe(daily);
    else await poll(async () => fen(await text(paid))).toBeGreaterThanOrEqual(fen(daily));

    const thisWeek = await text(paid);
    await page.getByTestId('report-prev').click();
    const prevMon = addDays(mon, -7);
    await page.waitForURL((u) => u.search.includes(`date=${prevMon}`));
    await poll(() => rows(page.getByTestId('report-daily-table')).count()).toBe(7);
    await poll(() => text(paid)).not.toBe(thisWeek);
    const cells = await rows(page.getByTestId('report-daily-table')).locator('td:first-child').allTextContents();
    expect(cells.map((c) => c.trim())).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => addDays(prevMon, i)));
    expect(await text(page.getByTestId('report-daily-total'))).toContain(await text(paid));
    await e.shot('a05-report-weekly');

    // 月报 of a day typed into the date picker: the whole previous month, day by day.
    const weekly = await text(paid);
    await page.getByTestId('report-kind').getByRole('tab', { name: '月报' }).click();
    await page.waitForURL((u) => u.search.includes('kind=monthly'));
    await poll(() => text(page.getByTestId('report-period'))).toContain(`${monthStart(prevMon)} ~`);
    const day = `${shiftMonths(today, -1).slice(0, 8)}15`;
    const input = page.locator('[data-testid="report-date"] input, input[data-testid="report-date"]').first();
    await input.click();
    await input.fill(day);
    await input.press('Enter');
    await page.waitForURL((u) => u.search.includes(`date=${day}`));
    expect(new URL(page.url()).searchParams.get('kind')).toBe('monthly');
    const days = Math.round((Date.parse(monthEnd(day)) - Date.parse(monthStart(day))) / 86_400_000) + 1;
    await poll(() => rows(page.getByTestId('report-daily-table')).count()).toBe(days);
    await poll(() => text(paid)).not.toBe(weekly);
    expect(fen(await text(paid))).toBeGreaterThan(fen(weekly));
    await poll(() => text(page.getByTestId('report-period'))).toContain(`${monthStart(day)} ~ ${monthEnd(day)}`);
    await e.shot('a06-report-monthly');
  });

  step('报表 exports an Excel file with the figure the page shows', async () => {
    const { page } = e;
    const shown = fen(await text(page.getByTestId('report-kpi-paidFen-value')));
    const uvShown = Number((await text(page.getByTestId('report-kpi-uv-value'))).replace(/,/g, ''));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-export-xlsx').click()]);
    expect(download.suggestedFilename()).toBe(`运营月报_全部店铺_${shiftMonths(today, -1).slice(0, 7)}.xlsx`);
    const file = await download.path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '每日明细', '商品']);
    const ws = wb.getWorksheet('每日明细')!;
    const heads = (ws.getRow(1).values as unknown[]).map((v) => String(v ?? ''));
    const total = ws.getRow(ws.rowCount);
    expect(total.getCell(1).value).toBe('合计');
    expect(Math.round(Number(total.getCell(heads.indexOf('支付金额（元）')).value) * 100)).toBe(shown);
    expect(total.getCell(heads.indexOf('访客数')).value).toBe(uvShown);
    expect(total.getCell(heads.indexOf('支付金额（元）')).numFmt).toBe('¥#,##0.00');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });
});

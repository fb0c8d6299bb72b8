/**
 * Chinese conventions and "what changed" in a real browser at 1440×900, over the demo (issue 9
 * items 3 and 4): a JD shop's 流量分析 shows JD's source tree (never 手淘搜索); the product ranking
 * sorted by the change of 支付金额 puts the product whose sales fell most first; a rise is red and a
 * fall green, and the account setting switches a rise to green.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductsResponse, Shop } from '@yunying/core';
import { loadDemo } from '../../server/src/modules/demo/index.js';
import { ADMIN_PASSWORD, chromiumMissing, login, startE2E, type E2E } from './harness.js';

const RED = 'rgb(245, 34, 45)';
const GREEN = 'rgb(56, 158, 13)';

function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: 20_000 });
}

function rows(table: Locator): Locator {
  return table.locator('tbody tr.ant-table-row');
}

/** The colour the arrow and percentage of a change are drawn in. */
function colourOf(loc: Locator): Promise<string> {
  return loc
    .locator('span[style]')
    .last()
    .evaluate((el) => getComputedStyle(el).color);
}

async function getJson<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => (await fetch(p, { credentials: 'same-origin' })).json(), path) as Promise<T>;
}

describe.skipIf(chromiumMissing)('Chinese conventions and changes in a real browser (demo data)', () => {
  let e: E2E;
  let jd: Shop;
  let tmall: Shop;
  beforeAll(async () => {
    e = await startE2E();
    await loadDemo(e.database, { profile: 'small', seed: 7 });
    await e.page.setViewportSize({ width: 1440, height: 900 });
    e.page.on('pageerror', (err) => console.error('page error:', err.message));
    await login(e.page, e.baseUrl, 'admin', ADMIN_PASSWORD);
    await e.page.getByTestId('home-greeting').waitFor({ timeout: 30_000 });
    const me = await getJson<{ shops: Shop[] }>(e.page, '/api/v1/auth/me');
    jd = me.shops.find((s) => s.channel === 'jd')!;
    tmall = me.shops.find((s) => s.channel === 'tmall')!;
  }, 240_000);
  afterAll(() => e?.close());

  const openAs = async (shop: Shop, path: string) => {
    await e.page.evaluate((id) => localStorage.setItem('yy.shop', id), shop.id);
    await e.page.goto(`${e.baseUrl}${path}`);
  };

  it("a JD shop's 流量分析 shows JD's sources, never Taobao's", async () => {
    const { page } = e;
    expect(jd).toBeDefined();
    await openAs(jd, '/analytics/traffic');
    const tree = page.getByTestId('traffic-tree');
    await poll(() => rows(tree).count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('tree-group-free').textContent()).toBe('京东站内免费');
    // Open every first-level row to list the sources.
    for (let i = 0; i < 10; i++) {
      const collapsed = tree.locator('button.ant-table-row-expand-icon-collapsed');
      if ((await collapsed.count()) === 0) break;
      await collapsed.first().click();
    }
    await poll(() => tree.locator('[data-testid^="tree-source-"]').count()).toBeGreaterThan(4);
    const names = await tree.locator('[data-testid^="tree-source-"]').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['京东搜索', '京东推荐', '京东快车', '京挑客']));
    expect(names).not.toContain('手淘搜索');
    expect(names).not.toContain('直通车');
    expect(names).not.toContain('淘宝客');
    // Every figure carries its change against the comparison period.
    await poll(() => page.getByTestId('behaviour-change-uv').getAttribute('data-direction')).toMatch(/up|down|flat/);
    await e.shot('c01-jd-traffic');
  });

  it('the product ranking sorted by the change of 支付金额 puts the biggest fall first; a rise is red, a fall green', async () => {
    const { page } = e;
    await openAs(tmall, '/analytics/products?sort=paidFen&order=asc');
    const table = page.getByTestId('products-ranking');
    await poll(() => rows(table).count()).toBeGreaterThan(1);
    await page.getByTestId('products-sort-by').getByText('按变化额排序').click();
    await page.waitForURL((u) => u.search.includes('sortBy=delta'));
    const url = new URL(page.url());
    const api = await getJson<ProductsResponse>(
      page,
      `/api/v1/analytics/products?shopId=${tmall.id}${['from', 'to'].map((k) => (url.searchParams.get(k) ? `&${k}=${url.searchParams.get(k)}` : '')).join('')}&sort=paidFen&order=asc&sortBy=delta&pageSize=200`,
    );
    const deltas = api.items.map((r) => r.paidFen - (r.base?.paidFen ?? 0));
    expect(deltas).toEqual([...deltas].sort((a, b) => a - b));
    expect(deltas[0]).toBeLessThan(0);
    // The page shows the same order: the product whose sales fell most on top, its change pointing down.
    await poll(async () => (await rows(table).first().textContent()) ?? '').toContain(api.items[0]!.title.slice(0, 8));
    const first = page.getByTestId(`change-paidFen-${api.items[0]!.productId}`);
    expect(await first.getAttribute('data-direction')).toBe('down');
    expect(await colourOf(first)).toBe(GREEN);
    // A rise somewhere in the ranking is red.
    const up = table.locator('[data-testid^="change-"][data-direction="up"]').first();
    await up.waitFor();
    expect(await colourOf(up)).toBe(RED);
    await e.shot('c02-ranking-by-change');
  });

  it('the account setting switches a rise to green', async () => {
    const { page } = e;
    await page.goto(`${e.baseUrl}/account`);
    await page.getByTestId('rise-color').getByText('绿涨红跌').click();
    await poll(async () => (await getJson<{ user: { riseColor: string } }>(page, '/api/v1/auth/me')).user.riseColor).toBe('green');
    await openAs(tmall, '/analytics/products?sort=paidFen&order=asc&sortBy=delta');
    const up = page.getByTestId('products-ranking').locator('[data-testid^="change-"][data-direction="up"]').first();
    await up.waitFor();
    await poll(() => colourOf(up)).toBe(GREEN);
    await page.goto(`${e.baseUrl}/account`);
    await page.getByTestId('rise-color').getByText('红涨绿跌').click();
    await poll(async () => (await getJson<{ user: { riseColor: string } }>(page, '/api/v1/auth/me')).user.riseColor).toBe('red');
  });
});

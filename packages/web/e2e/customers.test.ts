/**
 * Customers in a real browser over the demo shop (small profile): RFM 分析 shows the eight
 * segments of the chosen shop, 查看客户 on 重要挽留 opens the customer list filtered to exactly
 * that segment (same count), a customer's profile opens from it, and tagging every customer of the
 * segment makes the tag filter list the same customers.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as customers from '../../server/src/modules/customers/index.js';
import { loadDemo } from '../../server/src/modules/demo/index.js';
import { ADMIN_PASSWORD, chromiumMissing, login, startE2E, type E2E } from './harness.js';

function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: 15_000 });
}

/** The list's 共 N 条 (antd renders the pagination beside the element carrying the table's test id). */
async function total(page: Page): Promise<number> {
  const t = (await page.locator('.ant-pagination-total-text').first().textContent()) ?? '';
  return Number(t.replace(/[^\d]/g, ''));
}

describe.skipIf(chromiumMissing)('customers: RFM drill-down, profile and tagging in a real browser (demo data)', () => {
  let e: E2E;
  let shopId = '';
  let orgId = '';
  beforeAll(async () => {
    e = await startE2E();
    await loadDemo(e.database, { profile: 'small', seed: 7 });
    const row = await e.database.db.selectFrom('shops').select(['id', 'org_id']).orderBy('created_at').executeTakeFirstOrThrow();
    shopId = row.id;
    orgId = row.org_id;
  });
  afterAll(() => e?.close());

  it('RFM page → 重要挽留 → its customers → a profile; tagging the segment', async () => {
    const { page, baseUrl } = e;
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await login(page, baseUrl, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.evaluate((id) => localStorage.setItem('yy.shop', id), shopId);
    await page.goto(`${baseUrl}/customers/rfm`);
    const segments = page.getByTestId('rfm-segments');
    await poll(() => segments.locator('tbody tr.ant-table-row').count()).toBe(8);
    const retain = segments.locator('tbody tr.ant-table-row').filter({ hasText: '重要挽留客户' });
    const count = Number(((await retain.locator('td').nth(1).textContent()) ?? '').replace(/[^\d]/g, ''));
    expect(count).toBeGreaterThan(0);
    // The page's count is the server's RFM as of today.
    const scored = await customers.scoreShop(e.database.db, shopId, (await customers.rfmReport(e.database.db, system(), shopId)).asOf);
    expect(scored.customers.filter((c) => c.segment === 'important_retain').length).toBe(count);

    await page.getByTestId('rfm-drill-important_retain').click();
    await page.waitForURL(/\/customers\?segment=important_retain/);
    await poll(() => page.getByTestId('customers-segment-filter').isVisible()).toBe(true);
    await poll(() => total(page)).toBe(count);

    await page.getByTestId('customers-tag').click();
    await page.getByText('给当前筛选的全部客户打标签').click();
    await page.getByTestId('customers-tag-input').fill('重点挽留');
    await page.getByTestId('customers-tag-save').click();
    await poll(() => page.getByText(`已给 ${count} 位客户打上标签「重点挽留」`).isVisible()).toBe(true);
    await page.goto(`${baseUrl}/customers?tag=${encodeURIComponent('重点挽留')}`);
    await poll(() => total(page)).toBe(count);

    await page.getByTestId('customers-table').locator('tbody tr.ant-table-row a').first().click();
    await page.waitForURL(/\/customers\/cus_/);
    await poll(() => page.getByTestId('customer-lifecycle').isVisible()).toBe(true);
    await poll(() => page.getByTestId('customer-orders').locator('tbody tr.ant-table-row').count()).toBeGreaterThan(0);
    await e.shot('c01-customer-profile');
  });

  function system() {
    return {
      userId: '',
      orgId,
      username: 'e2e',
      displayName: 'e2e',
      permissions: new Set<string>(),
      shopIds: null,
      via: 'system',
      ip: null,
      requestId: null,
    } as const;
  }
});

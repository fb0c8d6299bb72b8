/**
 * Shop diagnosis in a real browser over the demo (small profile): 立即诊断 on the Tmall demo shop
 * lists its findings ranked by money at stake with the planted conversion drop first; its drawer
 * shows the evidence chart and the action, which leads to the product; assigning the finding to
 * oneself creates a task linked to it. And the demo's three planted problems (packages/sim world.ts)
 * are found by the rules with their start days within ±2 days — checked here, where the demo is
 * loaded anyway (a load takes 30–120 s, too long for a server test of its own).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, businessDay } from '@yunying/core';
import { generate } from '../../sim/src/index.js';
import { DEMO_DEFAULT_SEED, loadDemo } from '../../server/src/modules/demo/index.js';
import { diagnose, shopRef } from '../../server/src/modules/diagnosis/index.js';
import { ADMIN_PASSWORD, chromiumMissing, login, startE2E, type E2E } from './harness.js';

function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: 20_000 });
}

const TZ = 'Asia/Shanghai';
const NOW = Date.now();
const days = (a: string, b: string) => Math.round((Date.parse(a) - Date.parse(b)) / 86_400_000);
const rows = (page: Page) => page.getByTestId('diagnosis-table').locator('tbody tr.ant-table-row');

describe.skipIf(chromiumMissing)('diagnosis: findings, evidence, the product and a task in a real browser (demo data)', () => {
  let e: E2E;
  let shopId = '';
  beforeAll(async () => {
    e = await startE2E();
    await loadDemo(e.database, { profile: 'small', seed: DEMO_DEFAULT_SEED, now: NOW });
    const row = await e.database.db.selectFrom('shops').select(['id']).where('channel', '=', 'tmall').executeTakeFirstOrThrow();
    shopId = row.id;
  }, 300_000); // the demo load: ~40 s alone, minutes on a machine busy with other suites
  afterAll(() => e?.close());

  it("the demo's planted problems are found with their start days (±2)", async () => {
    const world = generate({ profile: 'small', seed: DEMO_DEFAULT_SEED, timezone: TZ, now: NOW, endDay: businessDay(NOW, TZ) });
    const db = e.database.db;
    const shops = await db.selectFrom('shops').selectAll().where('is_demo', '=', 1).execute();
    const found = new Map<string, Awaited<ReturnType<typeof diagnose>>>();
    for (const row of shops) found.set(row.name, await diagnose(db, shopRef(row), addDays(businessDay(NOW, TZ), -1), NOW));
    const all = [...found.values()].flat();
    const conv = world.problems.conversionDrop;
    const c = all.filter((f) => f.kind === 'conversion_drop' && f.subjectId === conv.productId);
    expect(c.length).toBeGreaterThan(0);
    for (const f of c) expect(Math.abs(days(f.startedOn, conv.fromDay)), f.summary).toBeLessThanOrEqual(2);
    const tr = world.problems.trafficDrop;
    const t = found.get(tr.shopName)!.find((f) => f.kind === 'traffic_drop' && f.subjectId === tr.sourceCode);
    expect(
      t,
      found
        .get(tr.shopName)!
        .map((f) => f.summary)
        .join('\n'),
    ).toBeDefined();
    expect(Math.abs(days(t!.startedOn, tr.fromDay))).toBeLessThanOrEqual(2);
    const sh = world.problems.shippingDelay;
    const late = all.filter((f) => f.kind === 'late_shipments' && f.subjectId === sh.warehouseId);
    expect(late.length).toBeGreaterThan(0);
    for (const f of late) {
      expect(Math.abs(days(f.startedOn, sh.fromDay)), f.summary).toBeLessThanOrEqual(2);
      expect(Math.abs(days(f.endedOn!, sh.toDay)), f.summary).toBeLessThanOrEqual(2);
    }
  });

  it('diagnose now → the conversion drop → its evidence → its product; assign it as a task', async () => {
    const { page, baseUrl } = e;
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await login(page, baseUrl, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.evaluate((id) => localStorage.setItem('yy.shop', id), shopId);
    await page.goto(`${baseUrl}/diagnosis`);
    await page.getByTestId('diagnosis-run').click();
    await poll(() => page.getByText(/已诊断到 \d{4}-\d{2}-\d{2}：发现 \d+ 条/).isVisible()).toBe(true);
    await poll(() => rows(page).count()).toBeGreaterThan(1);
    await e.shot('d01-diagnosis-list');

    // Ranked by money at stake, the pajamas' conversion drop first.
    const first = rows(page).first();
    await expect.poll(() => first.textContent()).toContain('商品转化率下降');
    expect(await first.textContent()).toContain('睡衣');
    await first.getByTestId('finding-open').click();
    const drawer = page.getByTestId('finding-detail');
    await poll(() => drawer.isVisible()).toBe(true);
    await poll(() => page.getByTestId('finding-chart').locator('canvas').count()).toBeGreaterThan(0);
    await poll(() => page.getByTestId('figure-conversion').textContent()).toMatch(/%\s*→\s*[\d.]+%/);
    await e.shot('d02-finding-detail');

    // Assign to oneself: a task linked to the finding is created.
    await page.getByTestId('finding-assignee').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '我自己' }).click();
    await page.getByTestId('finding-assign').click();
    await poll(() => page.getByText('已指派，并为负责人创建了任务').isVisible()).toBe(true);
    const findingId = new URL(page.url()).searchParams.get('finding')!;
    const task = await e.database.db
      .selectFrom('tasks')
      .selectAll()
      .where('link_kind', '=', 'finding')
      .where('link_id', '=', findingId)
      .executeTakeFirst();
    expect(task?.title).toContain('商品转化率下降');

    // The action leads to the product.
    await page.getByTestId('finding-action').click();
    await page.waitForURL(/\/products\/prd_/);
    await poll(() => page.locator('input[value*="睡衣"], textarea').first().isVisible()).toBe(true);
    await e.shot('d03-product');
  });
});

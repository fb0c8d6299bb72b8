/**
 * The team routine in a real browser over the demo (small profile): the owner ticks an item of
 * today's self-check list (the tick is stored for today and the progress moves), sets this month's
 * target on the target board (split into visitors × conversion × AOV, paced by past months, the five
 * KPIs with their definitions), and creates a task from a link to an order, which then leads back
 * to the order.
 */
import { businessDay } from '@yunying/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../server/src/modules/demo/index.js';
import { ADMIN_PASSWORD, chromiumMissing, login, startE2E, type E2E } from './harness.js';

function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: 15_000 });
}

describe.skipIf(chromiumMissing)('team routine: self-check, target board, task from a link (demo data)', () => {
  let e: E2E;
  let shopId = '';
  let order = { id: '', order_no: '' };
  beforeAll(async () => {
    e = await startE2E();
    await loadDemo(e.database, { profile: 'small', seed: 7 });
    shopId = (await e.database.db.selectFrom('shops').select('id').orderBy('created_at').executeTakeFirstOrThrow()).id;
    order = await e.database.db
      .selectFrom('orders')
      .select(['id', 'order_no'])
      .where('shop_id', '=', shopId)
      .orderBy('ordered_at', 'desc')
      .executeTakeFirstOrThrow();
  });
  afterAll(() => e?.close());

  it('ticks a daily self-check item, sets the month target on the board, and creates a task from a link', async () => {
    const { page, baseUrl } = e;
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await login(page, baseUrl, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.evaluate((id) => localStorage.setItem('yy.shop', id), shopId);

    // 今日自查: tick the first item.
    await page.goto(`${baseUrl}/checks`);
    const progress = page.getByTestId('checks-progress');
    await poll(() => progress.textContent()).toMatch(/已完成 0 \/ \d+ 项/);
    const total = Number(/\/ (\d+)/.exec((await progress.textContent()) ?? '')![1]);
    await page.locator('[data-testid^=check-box-]').first().click();
    await poll(() => progress.textContent()).toBe(`已完成 1 / ${total} 项`);
    const today = businessDay(Date.now());
    const ticks = await e.database.db.selectFrom('checklist_ticks').selectAll().execute();
    expect(ticks.map((t) => t.day)).toEqual([today]);
    await poll(() => page.getByTestId('digest').isVisible()).toBe(true);

    // 目标看板: set ¥100,000 for this month with last month's ratios.
    await page.goto(`${baseUrl}/targets`);
    await poll(() => page.getByTestId('target-empty').isVisible()).toBe(true);
    await poll(() => page.getByTestId('pace-note').textContent()).toMatch(/过去 \d+ 个月/);
    await page.getByTestId('target-edit').click();
    await page.getByTestId('target-sales').fill('100000');
    await page.getByTestId('target-basis-last_month').click();
    await page.getByTestId('target-save').click();
    await poll(() => page.getByTestId('target-sales-value').textContent()).toContain('100,000.00');
    const saved = await e.database.db.selectFrom('sales_targets').selectAll().executeTakeFirstOrThrow();
    expect(Number(saved.sales_fen)).toBe(10_000_000);
    expect(Number(saved.buyers)).toBeGreaterThan(0);
    expect(await page.getByTestId('target-visitors').textContent()).toContain(Number(saved.visitors).toLocaleString('en-US'));
    await poll(() => page.getByTestId('target-ratio').textContent()).toMatch(/%/);
    // The five KPIs, each with its definition.
    for (const k of ['newCustomerCost', 'fullRoi', 'repeatRate', 'grossMargin', 'inventoryDays'])
      await poll(() => page.getByTestId(`kpi-${k}`).isVisible()).toBe(true);
    await page.getByTestId('kpi-def-repeatRate').hover();
    await poll(() => page.locator('.ant-tooltip').allTextContents()).toContain('期间付款 2 单及以上的买家 ÷ 期间付款买家');

    // A task from a link to an order: the form opens prefilled; the row links back to the order.
    await page.goto(`${baseUrl}/tasks?scope=team&new=1&linkKind=order&linkId=${order.id}&linkLabel=${encodeURIComponent(order.order_no)}`);
    await poll(() => page.getByTestId('task-title').isVisible()).toBe(true);
    await page.getByTestId('task-title').fill('核对这笔订单的发货');
    await page.getByTestId('task-save').click();
    const link = page.locator('[data-testid^=task-link-]').first();
    await poll(() => link.textContent()).toBe(`订单：${order.order_no}`);
    const task = await e.database.db.selectFrom('tasks').selectAll().executeTakeFirstOrThrow();
    expect(task).toMatchObject({ title: '核对这笔订单的发货', link_kind: 'order', link_id: order.id, shop_id: shopId });
    await link.click();
    await page.waitForURL((u) => u.pathname === `/orders/${order.id}`);
    await e.shot('routine');
  });
});

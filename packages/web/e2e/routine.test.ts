/**
 * The team routine in a real browser over the demo (small profile): the owner ticks an item of
 * today's self-check list (the tick is stored for today and the progress moves), sets this month's
 * target on the target board (split into visitors × conversion × AOV, paced by past months, the five
 * KPIs with their definitions), creates and edits an activity target (its window, split and pace),
 * creates tasks with 创建任务 on an order's and a product's page (prefilled with the link, leading
 * back to the object), and reads the what-if page's statement on the ad budget.
 */
import { addDays, businessDay } from '@yunying/core';
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
  let product = { id: '', title: '' };
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
    product = await e.database.db.selectFrom('products').select(['id', 'title']).orderBy('created_at').executeTakeFirstOrThrow();
  }, 300_000); // the demo load alone took over 120 s at load average 19
  afterAll(() => e?.close());

  it('ticks a daily self-check item, sets the month target on the board, and creates a task from a link', async () => {
    const { page, baseUrl } = e;
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
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

    // 活动目标: none yet; create one around today split by the days before it, then change its sales.
    await page.getByTestId('target-view-activity').click();
    await poll(() => page.getByTestId('activity-empty').isVisible()).toBe(true);
    await page.getByTestId('target-new-activity').click();
    const from = addDays(today, -3);
    const to = addDays(today, 6);
    await page.getByTestId('target-name').fill('年终大促');
    const range = page.locator('.ant-modal .ant-picker-range input');
    await range.nth(0).click();
    await range.nth(0).fill(from);
    await range.nth(0).press('Enter');
    await range.nth(1).click();
    await range.nth(1).fill(to);
    await range.nth(1).press('Enter');
    await poll(() => Promise.all([range.nth(0).inputValue(), range.nth(1).inputValue()])).toEqual([from, to]);
    await page.getByTestId('target-sales').fill('50000');
    await page.getByTestId('target-basis-last_month').click();
    await page.getByTestId('target-save').click();
    await poll(() => page.locator('.ant-modal-wrap:visible').count())
      .toBe(0)
      .catch(async (err: unknown) => {
        await e.shot('routine-activity-form');
        throw err;
      });
    await poll(() => page.getByTestId('target-window').textContent()).toBe(`${from} 至 ${to}（10 天）`);
    expect(await page.getByTestId('target-activity-name').textContent()).toBe('年终大促');
    const act = await e.database.db.selectFrom('sales_targets').selectAll().where('kind', '=', 'activity').executeTakeFirstOrThrow();
    expect(act).toMatchObject({ name: '年终大促', start_on: from, end_on: to, basis: 'last_month' });
    expect(Number(act.sales_fen)).toBe(5_000_000);
    expect(await page.getByTestId('target-visitors').textContent()).toContain(Number(act.visitors).toLocaleString('en-US'));
    await poll(() => page.getByTestId('pace-note').textContent()).toMatch(/去年同期|直线|活动目标/);
    expect(await page.getByTestId('target-expected').textContent()).toMatch(/¥/);
    await e.shot('routine-activity-target');
    await page.getByTestId('target-edit').click();
    await poll(() => page.getByTestId('target-name').inputValue()).toBe('年终大促');
    await page.getByTestId('target-sales').fill('60000');
    await page.getByTestId('target-save').click();
    await poll(() => page.getByTestId('target-sales-value').textContent()).toContain('60,000.00');
    const acts = await e.database.db.selectFrom('sales_targets').selectAll().where('kind', '=', 'activity').execute();
    expect(acts.map((a) => [a.id, Number(a.sales_fen)])).toEqual([[act.id, 6_000_000]]);

    // 创建任务 on the order's page: the form comes prefilled with the link; the task leads back to the order.
    await page.goto(`${baseUrl}/orders/${order.id}`);
    await page.getByTestId('create-task').click();
    await poll(() => page.getByTestId('task-title').inputValue()).toBe(`跟进订单 ${order.order_no}`);
    await page.getByTestId('task-title').fill('核对这笔订单的发货');
    await page.getByTestId('task-save').click();
    await poll(() => page.getByTestId('linked-tasks').textContent()).toBe('相关任务 1 个');
    const task = await e.database.db.selectFrom('tasks').selectAll().executeTakeFirstOrThrow();
    expect(task).toMatchObject({
      title: '核对这笔订单的发货',
      link_kind: 'order',
      link_id: order.id,
      link_label: order.order_no,
      shop_id: shopId,
    });
    await page.getByTestId('linked-tasks').click();
    await poll(() => page.getByTestId('task-link-filter').isVisible()).toBe(true);
    const link = page.getByTestId(`task-link-${task.id}`);
    await poll(() => link.textContent()).toBe(`订单：${order.order_no}`);
    await link.click();
    await page.waitForURL((u) => u.pathname === `/orders/${order.id}`);

    // And on a product's page.
    await page.goto(`${baseUrl}/products/${product.id}`);
    await page.getByTestId('create-task').click();
    await poll(() => page.getByTestId('task-title').inputValue()).toBe(`跟进商品 ${product.title}`);
    await page.getByTestId('task-save').click();
    await poll(() => page.getByTestId('linked-tasks').textContent()).toBe('相关任务 1 个');
    const ptask = await e.database.db.selectFrom('tasks').selectAll().where('link_kind', '=', 'product').executeTakeFirstOrThrow();
    expect(ptask).toMatchObject({ link_id: product.id, link_label: product.title });
    await page.goto(`${baseUrl}/tasks?scope=team`);
    await page.getByTestId(`task-link-${ptask.id}`).click();
    await page.waitForURL((u) => u.pathname === `/products/${product.id}`);

    // 经营模拟 states how the ad budget is modelled: the fitted response when the ads data allows, else the assumption.
    await page.goto(`${baseUrl}/whatif`);
    await poll(() => page.getByTestId('whatif-ad-note').textContent()).toMatch(/β = |ROI 不变|平均访客成本|无推广数据/);
    await e.shot('routine-whatif');
    expect(pageErrors).toEqual([]);
    await e.shot('routine');
  });
});

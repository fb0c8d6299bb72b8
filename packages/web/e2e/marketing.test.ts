/**
 * Marketing in a real browser: build a 满300减40 promotion and a 满200减20 coupon in the console,
 * price a cart in the simulator (each line explained), create an order from it using both and see
 * its per-line explanation, then plan an activity around the promotion, end it and download its
 * 店铺活动销售成果汇报表.
 */
import ExcelJS from 'exceljs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../server/src/http/actor.js';
import { createProduct } from '../../server/src/modules/catalog/catalog.service.js';
import * as inventory from '../../server/src/modules/inventory/index.js';
import { createShop } from '../../server/src/modules/shops/index.js';
import { ADMIN_PASSWORD, chromiumMissing, login, startE2E, type E2E } from './harness.js';

function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: 15_000 });
}

async function settled(loc: Locator): Promise<Locator> {
  await loc.waitFor();
  await poll(() =>
    loc.evaluate((el) => el.getAnimations({ subtree: true }).filter((a) => a.effect?.getTiming().iterations !== Infinity).length),
  ).toBe(0);
  return loc;
}

async function pick(page: Page, select: Locator, text: string, search?: string, multiple = false): Promise<void> {
  await select.click();
  if (search !== undefined) await page.keyboard.type(search);
  const dropdown = await settled(page.locator('.ant-select-dropdown:visible'));
  await dropdown.locator('.ant-select-item-option').filter({ hasText: text }).first().click();
  if (multiple) await page.keyboard.press('Escape');
  await poll(() => page.locator('.ant-select-dropdown:visible').count()).toBe(0);
}

async function overlaysGone(page: Page): Promise<void> {
  await poll(() => page.locator('.ant-modal-wrap:visible').count()).toBe(0);
}

describe.skipIf(chromiumMissing)('marketing: promotion, coupon, cart simulator, order and activity report in a real browser', () => {
  let e: E2E;
  let shopId = '';
  beforeAll(async () => {
    e = await startE2E();
    const db = e.database.db;
    const org = await db.selectFrom('orgs').select('id').executeTakeFirstOrThrow();
    const actor = systemActor(org.id, 'e2e');
    const shop = await db
      .transaction()
      .execute((trx) => createShop(trx, actor, { name: '营销旗舰店', channel: 'tmall', timezone: 'Asia/Shanghai' } as never));
    shopId = (shop as { id: string }).id;
    const product = await db.transaction().execute((trx) =>
      createProduct(trx, actor, {
        title: '真空保温杯',
        code: null,
        sellingPoints: '',
        description: '',
        tags: [],
        specDims: [{ name: '颜色', values: ['白', '黑'] }],
        status: 'on_sale',
        skus: [
          { code: 'MUG-W', spec: { 颜色: '白' }, priceFen: 19900, costFen: 8000, weightG: 300 },
          { code: 'MUG-B', spec: { 颜色: '黑' }, priceFen: 12900, costFen: 5000, weightG: 300 },
        ],
      }),
    );
    const wh = await inventory.defaultWarehouseId(db, org.id);
    for (const s of product.skus)
      await db.transaction().execute((trx) => inventory.moveQty(trx, actor, 'inbound', s.id, wh, 50, { note: '期初' }));
  });
  afterAll(() => e?.close());

  it('满300减40 + coupon → simulator → order → activity effect report', async () => {
    const { page, baseUrl } = e;
    await page.setViewportSize({ width: 1440, height: 900 });
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await login(page, baseUrl, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.evaluate((id) => localStorage.setItem('yy.shop', id), shopId);

    // 1. The promotion: 满 300 减 40, saved and launched from the form after its check.
    await page.goto(`${baseUrl}/marketing/promotions`);
    await page.getByTestId('promo-create').click();
    const modal = await settled(page.locator('.ant-modal:visible'));
    await page.getByTestId('promo-name').fill('满300减40');
    await page.getByTestId('promo-threshold').fill('300');
    await page.getByTestId('promo-off').fill('40');
    await page.getByTestId('promo-check').click();
    await poll(() => page.getByTestId('promo-check-result').textContent()).toContain('没有互斥冲突');
    await e.shot('m00-promotion-form');
    await page.getByTestId('promo-save-launch').click();
    await overlaysGone(page);
    const table = page.getByTestId('promotions-table');
    await poll(() => table.locator('tbody tr.ant-table-row').filter({ hasText: '满300减40' }).count()).toBe(1);
    await poll(() => table.locator('tbody tr.ant-table-row').first().textContent()).toContain('进行中');
    expect(await modal.count()).toBe(0);
    await e.shot('m01-promotions');

    // 2. The coupon: 满 200 减 20, claimable by code SAVE20.
    await page.goto(`${baseUrl}/marketing/coupons`);
    await page.getByTestId('coupon-create').click();
    await settled(page.locator('.ant-modal:visible'));
    await page.getByTestId('coupon-name').fill('满200减20');
    await page.getByTestId('coupon-threshold').fill('200');
    await page.getByTestId('coupon-amount').fill('20');
    await page.getByTestId('coupon-code').fill('SAVE20');
    await page.getByTestId('coupon-save').click();
    await overlaysGone(page);
    await poll(() => page.getByTestId('coupons-table').textContent()).toContain('满 ¥200.00 减 ¥20.00');
    await e.shot('m01b-coupons');

    // 3. The simulator: two SKUs and the code; each line says what each promotion took.
    await page.goto(`${baseUrl}/marketing/simulator`);
    await pick(page, page.getByTestId('sim-sku-0'), 'MUG-W', 'MUG-W');
    await page.getByTestId('sim-add-line').click();
    await pick(page, page.getByTestId('sim-sku-1'), 'MUG-B', 'MUG-B');
    await page.getByTestId('sim-buyer').fill('e2e_买家');
    await page.getByTestId('sim-coupon-code').fill('SAVE20');
    await page.getByTestId('sim-run').click();
    const lines = page.getByTestId('sim-lines');
    await poll(() => page.getByTestId('sim-lines-payable').textContent()).toBe('¥268.00');
    const first = (await lines.locator('tbody tr.ant-table-row').first().textContent()) ?? '';
    expect(first).toContain('满300减40');
    expect(first).toContain('满200减20');
    await e.shot('m02-simulator');

    // 4. Order it: the order's own record explains each line the same way.
    await page.getByTestId('sim-order').click();
    await settled(page.locator('.ant-modal:visible'));
    await page.getByTestId('sim-order-submit').click();
    await overlaysGone(page);
    const orderCard = page.getByTestId('sim-order-result');
    await poll(() => orderCard.getByTestId('order-pricing-lines-payable').textContent()).toBe('¥268.00');
    expect((await orderCard.getByTestId('order-pricing-lines').locator('tbody tr.ant-table-row').nth(1).textContent()) ?? '').toContain(
      '满200减20',
    );
    const order = await e.database.db
      .selectFrom('orders')
      .select(['id', 'paid_fen', 'discount_fen'])
      .where('shop_id', '=', shopId)
      .executeTakeFirstOrThrow();
    expect([Number(order.paid_fen), Number(order.discount_fen)]).toEqual([26800, 6000]);
    // The order page opens with the same per-line explanation.
    await page.goto(`${baseUrl}/orders/${order.id}`);
    const pricingCard = page.getByTestId('order-pricing-card');
    await poll(() => pricingCard.getByTestId('order-pricing-lines-payable').textContent()).toBe('¥268.00');
    expect(await pricingCard.getByTestId('order-pricing-lines').textContent()).toContain('满300减40');
    await e.shot('m02b-order-pricing');

    // 5. The activity around the promotion: create, end, and download its report.
    await page.goto(`${baseUrl}/marketing/calendar`);
    await page.getByTestId('act-create').click();
    await settled(page.locator('.ant-modal:visible'));
    await page.getByTestId('act-name').fill('店庆满减');
    await pick(page, page.getByTestId('act-promotions'), '满300减40', undefined, true);
    await page.getByTestId('act-save').click();
    await overlaysGone(page);
    const drawer = page.getByTestId('act-drawer');
    await poll(() => drawer.getByTestId('act-end').isVisible()).toBe(true);
    await e.shot('m03-activity');
    await drawer.getByTestId('act-end').click();
    await page.locator('.ant-modal-confirm .ant-btn-primary').click();
    await poll(() => drawer.getByTestId('act-effect').textContent()).toContain('¥268.00');
    const [download] = await Promise.all([page.waitForEvent('download'), drawer.getByTestId('act-download').click()]);
    expect(download.suggestedFilename()).toMatch(/^店铺活动销售成果汇报表-店庆满减-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await download.path());
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A1').value).toBe('店铺活动销售成果汇报表');
    expect([ws.getRow(6).getCell(1).value, ws.getRow(6).getCell(2).value]).toEqual(['销售额', 268]);
    // The promotion ended with the activity.
    await page.goto(`${baseUrl}/marketing/promotions`);
    await poll(() => page.getByTestId('promotions-table').locator('tbody tr.ant-table-row').first().textContent()).toContain('已结束');
    await e.shot('m04-ended');
  });
});

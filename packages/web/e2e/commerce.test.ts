/**
 * The commerce acceptance flow through the real console: shop → product with 2 × 3 SKUs → purchase
 * order received into stock → manual order (reserves) → ship → return & refund after-sales case →
 * the stock ledger of the SKU tells the whole story.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, chromiumMissing, login, startE2E, type E2E } from './harness.js';

const SHOP = '云影旗舰店';
const TITLE = '纯棉圆领T恤';
const SPU = 'TEE01';
/** Suggested SKU codes follow the spec order: 白/S, 白/M, 白/L, 黑/S, 黑/M, 黑/L. */
const SKU_WHITE_S = `${SPU}-1`;
const SKU_BLACK_S = `${SPU}-4`;
const RECEIVED = 10;
const TRACKING = 'SF1234567890';

/** `expect.poll` with room for a round trip to the server (vitest's default gives up after 1 s). */
function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: 10_000 });
}

/** Wait until no modal, confirm or drawer is open (they fade out and block clicks meanwhile). */
async function overlaysGone(page: Page): Promise<void> {
  await poll(() => page.locator('.ant-modal-wrap:visible, .ant-drawer-mask:visible').count()).toBe(0);
}

/** A side-menu entry (a menu group may carry the same testid as its first entry). */
function menu(page: Page, key: string): Locator {
  return page.locator(`li.ant-menu-item[data-testid="menu-${key}"]`);
}

/** Wait until an element is shown and its (finite) CSS animations are over: antd pop-ups zoom and slide in. */
async function settled(loc: Locator): Promise<Locator> {
  await loc.waitFor();
  await poll(() =>
    loc.evaluate((el) => el.getAnimations({ subtree: true }).filter((a) => a.effect?.getTiming().iterations !== Infinity).length),
  ).toBe(0);
  return loc;
}

/**
 * Pick an option of an antd Select: open it (typing `search` into it, if given), click the option
 * whose text contains `text` once the dropdown has settled, and check the choice shows.
 */
async function pick(page: Page, select: Locator, text: string, search?: string): Promise<void> {
  await select.click();
  if (search !== undefined) await page.keyboard.type(search);
  const dropdown = await settled(page.locator('.ant-select-dropdown:visible'));
  await dropdown.locator('.ant-select-item-option').filter({ hasText: text }).first().click();
  await poll(() => select.textContent()).toContain(text);
  await poll(() => page.locator('.ant-select-dropdown:visible').count()).toBe(0);
}

/** The body rows of an antd table. */
function rows(table: Locator): Locator {
  return table.locator('tbody tr.ant-table-row');
}

/** One row of an antd table as { header text → cell text }. */
async function record(table: Locator, row: Locator): Promise<Record<string, string>> {
  const heads = (await table.locator('thead th').allTextContents()).map((h) => h.trim());
  const cells = (await row.locator('td').allTextContents()).map((c) => c.trim());
  return Object.fromEntries(heads.map((h, i) => [h, cells[i] ?? '']));
}

/** The stock figures of one SKU on /inventory (default warehouse only, so one row). */
async function stockOf(page: Page, code: string): Promise<{ onHand: number; reserved: number; available: number }> {
  const table = page.getByTestId('stock-table');
  const row = rows(table).filter({ hasText: code });
  if ((await row.count()) !== 1) return { onHand: NaN, reserved: NaN, available: NaN };
  const r = await record(table, row);
  // The available cell may carry a 低库存 / 积压 tag before the number.
  const n = (s: string | undefined) => Number((s ?? '').replace(/[^\d-]/g, ''));
  return { onHand: n(r['在库']), reserved: n(r['占用']), available: n(r['可用']) };
}

describe.skipIf(chromiumMissing)('commerce flow in a real browser', () => {
  let e: E2E;
  let orderNo = '';
  beforeAll(async () => {
    e = await startE2E();
  });
  afterAll(() => e?.close());

  // Each step builds on the previous ones: after a failure, skip the rest instead of piling up timeouts.
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

  step('logs in as admin and creates a shop under 设置 → 店铺', async () => {
    const { page, baseUrl } = e;
    await login(page, baseUrl, 'admin', ADMIN_PASSWORD);
    await poll(() => page.getByTestId('home-greeting').isVisible()).toBe(true);
    await menu(page, 'shops').click();
    await page.getByTestId('shop-create').click();
    await page.locator('.ant-modal:visible #name').fill(SHOP);
    await pick(page, page.getByTestId('shop-channel'), '淘宝');
    await e.shot('c01-shop-form');
    await page.getByTestId('shop-form-submit').click();
    await poll(() => page.getByTestId('shops-table').textContent()).toContain(SHOP);
    await overlaysGone(page);
    expect(await rows(page.getByTestId('shops-table')).filter({ hasText: SHOP }).textContent()).toContain('淘宝');
    await e.shot('c02-shops');
  });

  step('creates a product with 颜色 × 尺码 = 6 SKUs, fills prices and costs, and saves it', async () => {
    const { page } = e;
    await menu(page, 'products').click();
    await page.getByTestId('product-create').click();
    await page.getByTestId('product-title').fill(TITLE);
    await page.getByTestId('product-code').fill(SPU);
    const specs: [string, string[]][] = [
      ['颜色', ['白', '黑']],
      ['尺码', ['S', 'M', 'L']],
    ];
    for (const [i, [name, values]] of specs.entries()) {
      await page.getByTestId('spec-add').click();
      await page.getByTestId(`spec-name-${i}`).fill(name);
      await page.getByTestId(`spec-values-${i}`).click();
      for (const v of values) {
        await page.keyboard.type(v);
        await page.keyboard.press('Enter');
      }
    }
    const skuTable = page.getByTestId('sku-table');
    await poll(() => rows(skuTable).count()).toBe(6);
    await page.getByTestId('sku-fill-price').fill('99');
    await page.getByTestId('sku-fill-cost').fill('25');
    await page.getByTestId('sku-fill-apply').click();
    await poll(() => page.getByTestId('sku-price-5').inputValue()).toBe('99');
    expect(await page.getByTestId('sku-cost-5').inputValue()).toBe('25');
    expect(await page.getByTestId('sku-code-0').inputValue()).toBe(SKU_WHITE_S);
    expect(await page.getByTestId('sku-code-5').inputValue()).toBe(`${SPU}-6`);
    await e.shot('c03-product-form');
    await page.getByTestId('product-save').click();

    // The saved product opens in the editor (编辑商品) with its 6 SKUs in spec order.
    await page.waitForURL(/\/products\/(?!new)[^/]+$/);
    await page.getByRole('heading', { name: '编辑商品' }).waitFor();
    const specCells = rows(page.getByTestId('sku-table')).locator('td:first-child');
    await poll(async () => (await specCells.allTextContents()).map((r) => r.replace(/\s/g, ''))).toEqual([
      '白S',
      '白M',
      '白L',
      '黑S',
      '黑M',
      '黑L',
    ]);
    expect(await page.getByTestId('product-title').inputValue()).toBe(TITLE);
    for (let i = 0; i < 6; i++) {
      expect(await page.getByTestId(`sku-code-${i}`).inputValue()).toBe(`${SPU}-${i + 1}`);
      expect(await page.getByTestId(`sku-price-${i}`).inputValue()).toBe('99.00');
    }
    await e.shot('c04-product-saved');
  });

  step('receives stock through a purchase order', async () => {
    const { page } = e;
    await menu(page, 'suppliers').click();
    await page.getByTestId('supplier-create').click();
    await page.getByTestId('supplier-name').fill('广州棉纺厂');
    await page.getByTestId('supplier-submit').click();
    await poll(() => page.getByTestId('suppliers-table').textContent()).toContain('广州棉纺厂');
    await overlaysGone(page);

    await menu(page, 'purchase-orders').click();
    await page.getByTestId('po-create').click();
    await pick(page, page.getByTestId('po-supplier'), '广州棉纺厂');
    // The default warehouse is preselected; choose it explicitly all the same.
    await pick(page, page.getByTestId('po-warehouse'), '默认');
    const lines: [string, number][] = [
      [SKU_WHITE_S, RECEIVED],
      [SKU_BLACK_S, 5],
    ];
    for (const [i, [code, qty]] of lines.entries()) {
      if (i > 0) await page.getByTestId('po-add-line').click();
      await pick(page, page.getByTestId(`po-sku-${i}`), `${code} ·`, code);
      await page.getByTestId(`po-qty-${i}`).fill(String(qty));
      await page.getByTestId(`po-cost-${i}`).fill('25');
    }
    await settled(page.locator('.ant-modal:visible'));
    await e.shot('c05-po-form');
    await page.getByTestId('po-submit').click();

    // Saving opens the drawer of the new order (draft).
    await poll(() => page.getByTestId('po-status').textContent()).toBe('草稿');
    await page.getByTestId('po-order').click();
    await page.locator('.ant-modal-confirm:visible .ant-modal-confirm-btns .ant-btn-primary').click();
    await poll(() => page.getByTestId('po-status').textContent()).toBe('已下单');
    await page.getByTestId('po-receive').click();
    await page.getByTestId('po-receive-all').click();
    await poll(() => page.getByTestId(`receive-qty-${SKU_WHITE_S}`).inputValue()).toBe(String(RECEIVED));
    await settled(page.locator('.ant-modal:visible'));
    await e.shot('c06-po-receive');
    await page.getByTestId('po-receive-submit').click();
    await poll(() => page.getByTestId('po-status').textContent()).toBe('已收货');
    expect(await page.getByTestId('po-lines').textContent()).toMatch(new RegExp(`${SKU_WHITE_S}.*${RECEIVED}.*${RECEIVED}`));
    await poll(() => page.locator('.ant-modal-wrap:visible').count()).toBe(0);
    await e.shot('c07-po-received');
    await page.locator('.ant-drawer:visible .ant-drawer-close').click();
    await overlaysGone(page);

    await menu(page, 'stock').click();
    await poll(() => stockOf(page, SKU_WHITE_S)).toEqual({ onHand: RECEIVED, reserved: 0, available: RECEIVED });
    expect(await stockOf(page, SKU_BLACK_S)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    await e.shot('c08-stock-received');
  });

  step('creates a manual order that reserves 2 units', async () => {
    const { page } = e;
    await menu(page, 'orders').click();
    await page.getByTestId('order-create').click();
    await pick(page, page.getByTestId('order-shop'), SHOP);
    await pick(page, page.getByTestId('order-line-sku-0'), `${SKU_WHITE_S} ·`, SKU_WHITE_S);
    await page.getByTestId('order-line-qty-0').fill('2');
    await page.getByTestId('order-buyer').fill('tb_买家小王');
    await page.getByTestId('order-receiver').fill('王小明');
    await page.getByTestId('order-phone').fill('13900139000');
    await page.getByTestId('order-address').fill('浙江省杭州市西湖区文三路 100 号');
    await poll(() => page.getByTestId('order-summary').textContent()).toContain('198.00');
    await e.shot('c09-order-form');
    await page.getByTestId('order-save').click();

    await page.waitForURL(/\/orders\/(?!new)[^/]+$/);
    await poll(() => page.getByTestId('order-status').textContent()).toBe('待发货');
    orderNo = (await page.getByTestId('order-no').textContent()) ?? '';
    expect(orderNo).toMatch(/^\w+$/);
    expect(await page.getByTestId('order-paid').textContent()).toContain('198.00');
    await e.shot('c10-order-detail');

    await menu(page, 'stock').click();
    await poll(() => stockOf(page, SKU_WHITE_S)).toEqual({ onHand: RECEIVED, reserved: 2, available: RECEIVED - 2 });
    await e.shot('c11-stock-reserved');
  });

  step('ships the order with a tracking number', async () => {
    const { page } = e;
    await menu(page, 'orders').click();
    await page.getByTestId(`order-link-${orderNo}`).click();
    await poll(() => page.getByTestId('order-status').textContent()).toBe('待发货');
    await page.getByTestId('order-ship').click();
    await pick(page, page.getByTestId('ship-carrier'), '顺丰速运');
    await page.getByTestId('ship-tracking').fill(TRACKING);
    await page.getByTestId('ship-submit').click();
    await poll(() => page.getByTestId('order-status').textContent()).toBe('已发货');
    expect(await page.getByTestId('order-tracking').textContent()).toBe(`顺丰速运 ${TRACKING}`);
    await overlaysGone(page);
    await e.shot('c12-order-shipped');
  });

  step('handles a 退货退款 case for 1 unit: return, inspect 1 good unit, refund', async () => {
    const { page } = e;
    await page.getByTestId('aftersale-create').click();
    const modal = page.locator('.ant-modal:visible');
    await pick(page, page.getByTestId('aftersale-type'), '退货退款');
    await pick(page, page.getByTestId('aftersale-reason'), '尺码不合适');
    await modal.getByTestId('aftersale-qty-1').fill('1');
    // 申请金额 is proposed from the chosen line: one of two units paid ¥198.00.
    await poll(() => modal.getByTestId('aftersale-requested').inputValue()).toBe('99.00');
    await settled(page.locator('.ant-modal:visible'));
    await e.shot('c13-aftersale-form');
    await page.getByTestId('aftersale-submit').click();

    await page.waitForURL(/\/aftersales\/[^/]+$/);
    const status = page.getByTestId('aftersale-status');
    await poll(() => status.textContent()).toBe('待处理');
    await page.getByTestId('aftersale-to-processing').click();
    await poll(() => status.textContent()).toBe('处理中');
    await page.getByTestId('aftersale-to-awaiting_return').click();
    await poll(() => status.textContent()).toBe('待退货');

    await page.getByTestId('aftersale-inspect').click();
    const good = page.locator('.ant-modal:visible [data-testid^="inspect-good-"]');
    await poll(() => good.inputValue()).toBe('1');
    await settled(page.locator('.ant-modal:visible'));
    await e.shot('c14-inspect');
    await page.getByTestId('inspect-submit').click();
    await poll(() => status.textContent()).toBe('已收货');
    await overlaysGone(page);

    await page.getByTestId('aftersale-refund').click();
    // The refund starts from what the buyer asked for.
    await poll(() => page.getByTestId('refund-amount').inputValue()).toBe('99.00');
    await page.getByTestId('refund-submit').click();
    await poll(() => status.textContent()).toBe('已完成');
    expect(await page.getByTestId('aftersale-refund-amount').textContent()).toContain('99.00');
    await overlaysGone(page);
    await e.shot('c15-aftersale-done');

    // Back to the order through the link on the case.
    await page.getByRole('link', { name: orderNo }).click();
    await poll(() => page.getByTestId('order-refund').textContent()).toContain('99.00');
    expect(await page.getByTestId('order-lines').textContent()).toContain('¥99.00 × 1');
    expect(await page.getByTestId('order-paid').textContent()).toContain('198.00');
    await e.shot('c16-order-refunded');
  });

  step('shows the whole story of the SKU in 出入库流水', async () => {
    const { page } = e;
    await menu(page, 'movements').click();
    await page.getByTestId('movements-q').fill(SKU_WHITE_S);
    await page.getByTestId('movements-search').click();
    await page.waitForURL(/[?&]q=/);
    const table = page.getByTestId('movements-table');
    await poll(async () => {
      const texts = await rows(table).allTextContents();
      return texts.every((r) => r.includes(SKU_WHITE_S)) ? texts.length : -1;
    }).toBe(4);
    const movements = await Promise.all((await rows(table).all()).map((r) => record(table, r)));
    const byType = Object.fromEntries(movements.map((m) => [m['类型'], m]));
    expect(Object.keys(byType).sort()).toEqual(['入库', '占用', '发货出库', '退货入库'].sort());
    expect(byType['入库']?.['在库变动']).toBe(`+${RECEIVED}`);
    expect(byType['占用']?.['在库变动']).toBe('0');
    expect(byType['占用']?.['占用变动']).toBe('+2');
    expect(byType['发货出库']?.['在库变动']).toBe('-2');
    expect(byType['退货入库']?.['在库变动']).toBe('+1');
    // Each movement points at the document that caused it.
    expect(Object.fromEntries(movements.map((m) => [m['类型'], m['关联单据']]))).toEqual({
      入库: '采购单',
      占用: '订单',
      发货出库: '订单',
      退货入库: '售后单',
    });
    const onHand = movements.reduce((s, m) => s + Number(m['在库变动']), 0);
    expect(onHand).toBe(RECEIVED - 2 + 1);
    await e.shot('c17-movements');

    await menu(page, 'stock').click();
    await poll(() => stockOf(page, SKU_WHITE_S)).toEqual({ onHand: RECEIVED - 1, reserved: 0, available: RECEIVED - 1 });
  });

  step('uses the platform verbs: 拒绝 needs a reason; 补发 sends a zero-price replacement order', async () => {
    const { page } = e;
    const openCase = async (type: string) => {
      await menu(page, 'orders').click();
      await page.getByTestId(`order-link-${orderNo}`).click();
      await page.getByTestId('aftersale-create').click();
      const modal = page.locator('.ant-modal:visible');
      await pick(page, page.getByTestId('aftersale-type'), type);
      await modal.getByTestId('aftersale-qty-1').fill('1');
      await page.getByTestId('aftersale-submit').click();
      await page.waitForURL(/\/aftersales\/[^/]+$/);
      await overlaysGone(page);
    };
    const status = page.getByTestId('aftersale-status');

    await openCase('仅退款');
    await poll(() => status.textContent()).toBe('待处理');
    await page.getByTestId('aftersale-to-rejected').click();
    await page.getByText('拒绝时请在左侧填写拒绝理由').waitFor();
    expect(await status.textContent()).toBe('待处理');
    await page.getByTestId('aftersale-note').fill('商品已签收超过 7 天，且不影响二次销售');
    await page.getByTestId('aftersale-to-rejected').click();
    await poll(() => status.textContent()).toBe('已拒绝');
    await e.shot('c18-aftersale-rejected');

    await openCase('补发');
    await poll(() => status.textContent()).toBe('待处理');
    await page.getByTestId('aftersale-reship').click();
    await page.locator('.ant-modal-confirm:visible').getByRole('button', { name: '创建补发单' }).click();
    await poll(() => status.textContent()).toBe('已完成');
    await overlaysGone(page);
    await e.shot('c19-aftersale-reshipped');
    await page.getByTestId('aftersale-replacement').click();
    await poll(() => page.getByTestId('order-status').textContent()).toBe('待发货');
    expect(await page.getByTestId('order-paid').textContent()).toContain('0.00');
    // Code, quantity 1, unit price ¥0.00.
    expect(await page.getByTestId('order-lines').textContent()).toContain(`${SKU_WHITE_S}1¥0.00`);
    await e.shot('c20-replacement-order');
  });
});

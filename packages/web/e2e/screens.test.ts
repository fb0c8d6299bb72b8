/**
 * Everyday screens at 1440×900 (issue 9 item 5): no page scrolls sideways (the order list and every
 * menu page), the side menu scrolls on its own and pages carry breadcrumbs, and batch shipping from
 * the downloaded template: select → download → fill in → upload → per-row check → ship.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { CreateOrderBody, CreateShopBody } from '@yunying/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOrgId } from '../../server/src/bootstrap.js';
import { systemActor } from '../../server/src/http/actor.js';
import { createProduct } from '../../server/src/modules/catalog/catalog.service.js';
import * as inventory from '../../server/src/modules/inventory/index.js';
import * as orders from '../../server/src/modules/orders/index.js';
import { createShop } from '../../server/src/modules/shops/shops.service.js';
import { ADMIN_PASSWORD, chromiumMissing, login, startE2E, type E2E } from './harness.js';

function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: 10_000 });
}

/** How far the page itself scrolls sideways (0 = it fits). */
function overflowX(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describe.skipIf(chromiumMissing)('everyday screens at 1440×900', () => {
  let e: E2E;
  const orderNos: string[] = [];
  beforeAll(async () => {
    e = await startE2E();
    await e.page.setViewportSize({ width: 1440, height: 900 });
    // A shop with a product and eight paid orders, made through the modules' own services.
    const db = e.database.db;
    const actor = systemActor((await getOrgId(db))!, 'e2e');
    const shop = await db
      .transaction()
      .execute((trx) => createShop(trx, actor, CreateShopBody.parse({ name: '云影旗舰店', channel: 'taobao' })));
    const product = await db.transaction().execute((trx) =>
      createProduct(trx, actor, {
        title: '纯棉圆领短袖T恤 男女同款 宽松百搭 夏季新款',
        code: 'TEE01',
        sellingPoints: '',
        description: '',
        tags: [],
        specDims: [{ name: '颜色', values: ['白'] }],
        status: 'on_sale',
        skus: [{ code: 'TEE01-1', spec: { 颜色: '白' }, priceFen: 5900, costFen: 2000, weightG: 200 }],
      }),
    );
    const skuId = product.skus[0]!.id;
    const wh = await inventory.defaultWarehouseId(db, actor.orgId);
    await db.transaction().execute((trx) => inventory.moveQty(trx, actor, 'inbound', skuId, wh, 100, { note: '期初' }));
    for (let i = 0; i < 8; i++) {
      const o = await db.transaction().execute((trx) =>
        orders.createOrder(
          trx,
          actor,
          CreateOrderBody.parse({
            shopId: shop.id,
            lines: [{ skuId, qty: 1 + (i % 2) }],
            shippingFen: 600,
            buyerNick: `tb_buyer_${i}`,
            receiverName: '王小明',
            receiverPhone: '13800001111',
            receiverAddress: '浙江省杭州市余杭区文一西路 969 号',
            buyerNote: i === 0 ? '请用顺丰，谢谢' : '',
          }),
        ),
      );
      orderNos.push(o.orderNo);
    }
    await login(e.page, e.baseUrl, 'admin', ADMIN_PASSWORD);
    await e.page.getByTestId('app-sider').waitFor();
  });
  afterAll(() => e?.close());

  it('the order list shows thumbnail, title, order time, amount and status without scrolling sideways', async () => {
    const { page, baseUrl } = e;
    await page.goto(`${baseUrl}/orders`);
    const table = page.getByTestId('orders-table');
    await poll(() => table.locator('tbody tr.ant-table-row').count()).toBe(8);
    const heads = (await table.locator('thead th').allTextContents()).map((h) => h.trim());
    for (const h of ['商品', '订单编号', '下单时间', '实付', '状态']) expect(heads).toContain(h);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    // Every column is inside the viewport: the table itself does not need to scroll either.
    const tableBox = await table.locator('.ant-table-container').boundingBox();
    expect(tableBox!.x + tableBox!.width).toBeLessThanOrEqual(1440);
    const statusBox = await table.locator('thead th').filter({ hasText: '状态' }).boundingBox();
    expect(statusBox!.x + statusBox!.width).toBeLessThanOrEqual(tableBox!.x + tableBox!.width + 1);
    const first = table.locator('tbody tr.ant-table-row').first();
    expect(await first.textContent()).toContain('纯棉圆领短袖T恤');
    expect(await first.textContent()).toContain('待发货');
    expect(await first.textContent()).toMatch(/¥\s?\d/);
    await expect(page.getByTestId('page-breadcrumb').textContent()).resolves.toContain('订单列表');
    await e.shot('s01-orders-1440');
  });

  it('no menu page scrolls sideways at 1440×900; the menu scrolls on its own and a new page opens at its top', async () => {
    const { page, baseUrl } = e;
    await page.goto(`${baseUrl}/orders`);
    await page.locator('li.ant-menu-item[data-testid="menu-stock"]').waitFor();
    const paths = await page
      .locator('[data-testid="app-sider"] li.ant-menu-item a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(paths.length).toBeGreaterThan(10);
    const wide: string[] = [];
    for (const p of paths) {
      await page.goto(`${baseUrl}${p}`);
      await page.waitForLoadState('networkidle');
      if ((await overflowX(page)) > 0) wide.push(`${p} (+${await overflowX(page)}px)`);
    }
    expect(wide).toEqual([]);
    // The sider is as tall as the window and scrolls by itself.
    const sider = await page.getByTestId('app-sider').evaluate((el) => {
      const s = getComputedStyle(el);
      return { position: s.position, overflowY: s.overflowY, height: el.getBoundingClientRect().height };
    });
    expect(sider).toMatchObject({ position: 'sticky', overflowY: 'auto', height: 900 });
    // Scrolled down on one page, the next page (client-side navigation) opens at its top.
    await page.goto(`${baseUrl}/orders`);
    await poll(() => page.getByTestId('orders-table').locator('tbody tr.ant-table-row').count()).toBe(8);
    await page.setViewportSize({ width: 1440, height: 500 });
    await page.evaluate(() => window.scrollTo(0, 400));
    await poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await page.locator('li.ant-menu-item[data-testid="menu-stock"] a').click();
    await poll(() => page.evaluate(() => window.scrollY)).toBe(0);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('ships the selected orders from the downloaded template, with a per-row check first', async () => {
    const { page, baseUrl } = e;
    await page.goto(`${baseUrl}/orders`);
    const table = page.getByTestId('orders-table');
    await poll(() => table.locator('tbody tr.ant-table-row').count()).toBe(8);
    const wanted = orderNos.slice(0, 3);
    for (const no of wanted) await table.locator('tbody tr.ant-table-row').filter({ hasText: no }).locator('.ant-checkbox').click();
    await poll(() => page.getByTestId('orders-selected-count').textContent()).toContain('已选 3 单');
    // The template of the selection, from the batch bar.
    const download = page.waitForEvent('download');
    await page.getByTestId('batch-ship-template').click();
    const file = await (await download).path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(-2)).toEqual(['物流公司', '运单号']);
    const listed: string[] = [];
    ws.eachRow((r, i) => i > 1 && listed.push(String(r.getCell(1).value)));
    expect(listed.sort()).toEqual([...wanted].sort());
    // Fill two rows well, one with a bad tracking number.
    ws.eachRow((r, i) => {
      if (i === 1) return;
      r.getCell(11).value = '顺丰速运';
      r.getCell(12).value = i === 2 ? 'SF 000' : `SF10000${i}`;
    });
    const filled = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yy-ship-')), '发货模板.xlsx');
    await wb.xlsx.writeFile(filled);
    const badNo = String(ws.getRow(2).getCell(1).value);

    await page.getByTestId('orders-batch-ship').click();
    const modal = page.locator('.ant-modal:visible');
    await modal.locator('input[type="file"]').setInputFiles(filled);
    await poll(() => page.getByTestId('ship-preview-summary').textContent()).toContain('可发货 2 单，有问题 1 单');
    const badRow = page.getByTestId('ship-preview-table').locator('tbody tr').filter({ hasText: badNo });
    expect(await badRow.textContent()).toContain('运单号「SF 000」有误');
    await e.shot('s02-ship-preview');
    await page.getByTestId('ship-template-confirm').click();
    await poll(() => page.getByTestId('batch-ship-result').textContent()).toContain('发货成功 2 单，失败 1 单');
    await page.getByTestId('ship-template-close').click();
    // Two of the three are now 已发货, the bad one still 待发货.
    for (const no of wanted) {
      const row = table.locator('tbody tr.ant-table-row').filter({ hasText: no });
      await poll(() => row.textContent()).toContain(no === badNo ? '待发货' : '已发货');
    }
    await e.shot('s03-after-ship');
  });

  it('flags and memos the selection from the batch bar', async () => {
    const { page } = e;
    const table = page.getByTestId('orders-table');
    const no = orderNos[5]!;
    await page
      .getByTestId('batch-clear')
      .click()
      .catch(() => {});
    await table.locator('tbody tr.ant-table-row').filter({ hasText: no }).locator('.ant-checkbox').click();
    await page.getByTestId('batch-flag').click();
    await page.locator('[data-testid="batch-flag-red"]').click();
    await poll(() =>
      table.locator('tbody tr.ant-table-row').filter({ hasText: no }).locator('[data-testid="order-flag-red"]').count(),
    ).toBe(1);
    await page.getByTestId('batch-memo').click();
    await page.getByTestId('batch-memo-text').fill('周六前送达');
    await page.getByTestId('batch-memo-save').click();
    await poll(() => table.locator('tbody tr.ant-table-row').filter({ hasText: no }).textContent()).toContain('周六前送达');
    // Once the memo dialog has gone (antd locks the body's scrolling while it is open):
    await poll(() => page.locator('.ant-modal-wrap:visible').count()).toBe(0);
    await poll(() => overflowX(page)).toBeLessThanOrEqual(0);
    await e.shot('s04-flag-memo');
  });

  it('the purchase-order SKU picker shows the full title, the merchant code and the spec', async () => {
    const { page, baseUrl } = e;
    await page.goto(`${baseUrl}/purchasing/orders`);
    await page.getByTestId('po-create').click();
    await page.getByTestId('po-sku-0').click();
    await page.keyboard.type('TEE01');
    const option = page.getByTestId('sku-option-TEE01-1');
    await poll(() => option.textContent()).toContain('纯棉圆领短袖T恤 男女同款 宽松百搭 夏季新款');
    expect(await option.textContent()).toContain('TEE01-1 · 颜色:白');
    expect(await option.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await e.shot('s05-po-sku-picker');
  });
});

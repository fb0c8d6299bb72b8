/**
 * Membership in a real browser (issue 11 §4): on 会员等级与积分 turn points on with a yearly expiry
 * (次年年底清零) and add a level; a buyer's profile then shows the level reached, the points earned
 * by the orders already there, the expiry rule; redeeming points through the dialog lowers the
 * balance and lists the redemption in the ledger; the daily expiry job's row appears in the ledger
 * and the balance equals the ledger sum throughout.
 */
import { businessDay } from '@yunying/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../server/src/http/actor.js';
import * as customers from '../../server/src/modules/customers/index.js';
import * as shops from '../../server/src/modules/shops/index.js';
import { makeBackdatedOrders } from '../../server/test/fixtures.js';
import { ADMIN_PASSWORD, chromiumMissing, login, startE2E, type E2E } from './harness.js';

function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: 15_000 });
}

const digits = async (page: Page, testId: string) => Number(((await page.getByTestId(testId).textContent()) ?? '').replace(/[^\d-]/g, ''));

describe.skipIf(chromiumMissing)('membership: levels, a member’s points, redeem and the ledger in a real browser', () => {
  let e: E2E;
  let shopId = '';
  let orgId = '';
  let customerId = '';
  const TZ = 'Asia/Shanghai';

  beforeAll(async () => {
    e = await startE2E();
    const db = e.database.db;
    orgId = (await shops.firstOrgId(db))!;
    const shop = await db
      .transaction()
      .execute((trx) => shops.createShop(trx, systemActor(orgId, 'e2e'), { name: '会员体验店', channel: 'tmall', timezone: TZ }));
    shopId = shop.id;
    // Two paid orders of one buyer: ¥80 and ¥70 (net ¥150) before membership is turned on.
    const day = businessDay(Date.now() - 3 * 86_400_000, TZ);
    const order = (fen: number) => ({
      shopId,
      day,
      paidDay: day,
      status: 'paid',
      visitorId: null,
      nick: '会员小王',
      sourceCode: null,
      shippingFen: 0,
      lines: [{ skuId: null, qty: 1, unitPriceFen: fen, unitCostFen: 0 }],
    });
    const fakeCtx = { tdb: { database: e.database }, orgId } as unknown as Parameters<typeof makeBackdatedOrders>[0];
    await makeBackdatedOrders(fakeCtx, [order(8000), order(7000)]);
    await customers.markShopDirty(db, shopId);
    await customers.refreshShops(db, [shopId]);
    customerId = (await db.selectFrom('customers').select('id').where('shop_id', '=', shopId).executeTakeFirstOrThrow()).id;
  });
  afterAll(() => e?.close());

  it('turn points on with 次年年底清零, add 银卡, see the member’s points, redeem, and read the ledger', async () => {
    const { page, baseUrl } = e;
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await login(page, baseUrl, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));

    // Settings: points on, 2 per yuan, yearly expiry.
    await page.goto(`${baseUrl}/customers/membership`);
    await page.getByTestId('membership-enabled').click();
    const perYuan = page.locator('#pointsPerYuan');
    await perYuan.fill('2');
    await page.getByTestId('points-expiry').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '按年清零' }).click();
    await page.getByTestId('membership-save').click();
    await poll(() => page.getByText('积分规则已保存').isVisible()).toBe(true);

    // A level reached at ¥100 net.
    await page.getByTestId('level-add').click();
    await page.getByTestId('level-name').fill('银卡');
    await page.getByTestId('level-min-net').fill('100');
    await page.getByTestId('level-save').click();
    await poll(() => page.getByText('会员等级「银卡」已保存').isVisible()).toBe(true);
    await poll(() => page.getByTestId('member-levels').locator('tbody tr.ant-table-row').filter({ hasText: '银卡' }).count()).toBe(1);
    await e.shot('m01-membership-settings');

    // The member: ¥150 net → 300 points (2 per yuan) earned when points were turned on; level 银卡.
    await page.goto(`${baseUrl}/customers/${customerId}`);
    await poll(() => digits(page, 'points-balance')).toBe(300);
    await poll(() => page.getByText('银卡').first().isVisible()).toBe(true);
    await poll(() => page.getByTestId('points-expiry-rule').textContent()).toBe('次年年底清零');
    const ledger = page.getByTestId('points-ledger');
    await poll(() => ledger.locator('tbody tr.ant-table-row').filter({ hasText: '下单获得' }).count()).toBe(2);

    // Redeem 120 through the dialog.
    await page.getByTestId('points-redeem').click();
    await page.getByTestId('points-amount').fill('120');
    await page.getByTestId('points-reason').fill('兑换保温杯');
    await page.getByTestId('points-save').click();
    await poll(() => page.getByText('积分已更新，余额 180').isVisible()).toBe(true);
    await poll(() => digits(page, 'points-balance')).toBe(180);
    const redeemed = ledger.locator('tbody tr.ant-table-row').filter({ hasText: '兑换保温杯' });
    await poll(() => redeemed.count()).toBe(1);
    expect(await redeemed.textContent()).toContain('-120');
    await e.shot('m02-member-redeemed');

    // The daily job on the first day after next year's end: the unused 180 expire.
    const year = Number(businessDay(Date.now(), TZ).slice(0, 4));
    const run = await customers.expireShopPoints(e.database.db, { id: shopId, orgId, timezone: TZ }, `${year + 2}-01-01`);
    expect(run).toMatchObject({ ran: true, customers: 1, points: 180 });
    await page.reload();
    await poll(() => digits(page, 'points-balance')).toBe(0);
    const expired = ledger.locator('tbody tr.ant-table-row').filter({ hasText: '到期清零' });
    await poll(() => expired.count()).toBe(1);
    expect(await expired.textContent()).toContain('-180');
    // The ledger's rows add up to the balance.
    const amounts = await ledger.locator('tbody tr.ant-table-row td:nth-child(2)').allTextContents();
    expect(amounts.map((a) => Number(a.replace(/[^\d-]/g, ''))).reduce((s, x) => s + x, 0)).toBe(0);
    await e.shot('m03-member-expired');
  });
});

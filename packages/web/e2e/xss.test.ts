/**
 * Stored XSS: payloads saved in every kind of free text a user can type (shop, product, SKU, order
 * buyer/receiver/memo/notes, after-sales note, supplier, warehouse, category, brand, saved view)
 * render as inert text on every page of the console. No dialog fires and no payload script runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, chromiumMissing, login, startE2E, type E2E } from './harness.js';

/** Each payload, if it ever ran, would set window.__xss or open a dialog. */
const PAYLOADS = [
  `<img src=x onerror="window.__xss=1;alert(1)">`,
  `"><script>window.__xss=2;alert(2)</script>`,
  `<svg/onload=alert(3)>`,
  `javascript:alert(4)`,
  `{{constructor.constructor('alert(5)')()}}`,
];
const P = (i: number) => PAYLOADS[i % PAYLOADS.length]!;

const PAGES = [
  '/dashboard',
  '/products',
  '/products/categories',
  '/products/banned-words',
  '/products/check',
  '/inventory',
  '/inventory/movements',
  '/inventory/warehouses',
  '/inventory/stocktakes',
  '/inventory/transfers',
  '/purchasing/orders',
  '/purchasing/suppliers',
  '/orders',
  '/orders/exceptions',
  '/aftersales',
  '/aftersales/reasons',
  '/imports',
  '/imports/jobs',
  '/analytics/traffic',
  '/analytics/products',
  '/analytics/trade',
  '/traffic/sources',
  '/traffic/tracking',
  '/reports',
  '/settings/users',
  '/settings/roles',
  '/settings/shops',
  '/settings/tokens',
  '/settings/audit',
];

describe.skipIf(chromiumMissing)('stored XSS renders inert', () => {
  let e2e: E2E;
  const detailPages: string[] = [];
  const dialogs: string[] = [];

  async function api(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, session?: { cookie: string; csrf: string }) {
    const res = await e2e.app.inject({
      method,
      url,
      headers: session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {},
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  }

  beforeAll(async () => {
    e2e = await startE2E();
    const loginRes = await e2e.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const cookie = loginRes.cookies.find((c) => c.name === 'yy_session')!;
    const s = { cookie: `yy_session=${cookie.value}`, csrf: loginRes.json().csrfToken as string };

    const shop = await api('POST', '/api/v1/shops', { name: `店${P(0)}`.slice(0, 60), channel: 'tmall', timezone: 'Asia/Shanghai' }, s);
    const category = await api('POST', '/api/v1/categories', { name: `类${P(1)}`.slice(0, 30) }, s);
    await api('POST', '/api/v1/brands', { name: `牌${P(2)}`.slice(0, 30) }, s);
    const product = await api(
      'POST',
      '/api/v1/products',
      {
        title: `商品${P(0)}`,
        sellingPoints: P(1),
        description: P(2),
        categoryId: category.id,
        specDims: [{ name: `色${P(3)}`.slice(0, 20), values: [`红${P(4)}`.slice(0, 20)] }],
        skus: [{ spec: { [`色${P(3)}`.slice(0, 20)]: `红${P(4)}`.slice(0, 20) }, code: 'XSS-1', priceFen: 9900, costFen: 3000 }],
      },
      s,
    );
    detailPages.push(`/products/${product.id}`);
    const skuId = product.skus[0].id as string;
    const wh = (await api('GET', '/api/v1/warehouses', undefined, s)).items[0].id as string;
    await api('POST', '/api/v1/warehouses', { name: `仓${P(1)}`.slice(0, 30), code: 'XSSWH' }, s);
    await api('POST', '/api/v1/stock/adjust', { skuId, warehouseId: wh, qty: 20, reason: `入库${P(2)}`.slice(0, 100) }, s);
    await api('POST', '/api/v1/suppliers', { name: `供应商${P(3)}`.slice(0, 60), contact: P(4).slice(0, 30) }, s);
    const order = await api(
      'POST',
      '/api/v1/orders',
      {
        shopId: shop.id,
        lines: [{ skuId, qty: 1 }],
        buyerNick: `买家${P(0)}`.slice(0, 60),
        receiverName: `收${P(1)}`.slice(0, 40),
        receiverPhone: '13812345678',
        receiverAddress: `地址${P(2)}`,
        buyerNote: P(3),
        sellerMemo: P(4),
      },
      s,
    );
    detailPages.push(`/orders/${order.id}`);
    await api('POST', `/api/v1/orders/${order.id}/notes`, { note: P(1) }, s);
    await api('POST', `/api/v1/orders/${order.id}/ship`, { carrier: '顺丰速运', trackingNo: 'SF999' }, s);
    const full = await api('GET', `/api/v1/orders/${order.id}`, undefined, s);
    const sale = await api(
      'POST',
      '/api/v1/aftersales',
      { orderId: order.id, type: 'refund_only', lines: [{ orderLineId: full.lines[0].id, qty: 1 }], note: P(2) },
      s,
    );
    detailPages.push(`/aftersales/${sale.id}`);
    await api('POST', '/api/v1/orders/views', { name: `视图${P(0)}`.slice(0, 60), query: `q=${encodeURIComponent(P(1))}` }, s);

    e2e.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await login(e2e.page, e2e.baseUrl, 'admin', ADMIN_PASSWORD);
    await e2e.page.waitForURL((u) => !u.pathname.startsWith('/login'));
  }, 120_000);

  afterAll(async () => {
    await e2e?.close();
  });

  it('no page runs a stored payload', { timeout: 300_000 }, async () => {
    let shown = 0;
    for (const path of [...PAGES, ...detailPages]) {
      await e2e.page.goto(`${e2e.baseUrl}${path}`);
      // Rendered: the page's data has arrived (no spinner, no skeleton left).
      await expect.poll(() => e2e.page.locator('.ant-spin-spinning, .ant-skeleton-active').count(), { timeout: 15_000 }).toBe(0);
      const flag = await e2e.page.evaluate(() => (window as unknown as { __xss?: number }).__xss);
      expect(flag, `payload ran on ${path}`).toBeUndefined();
      expect(dialogs, `dialog on ${path}`).toEqual([]);
      const text = await e2e.page.locator('body').innerText();
      if (PAYLOADS.some((p) => text.includes(p.slice(0, 12)))) shown++;
    }
    // The payloads are shown as text (they were stored and rendered, not dropped).
    expect(shown).toBeGreaterThanOrEqual(5);
  });
});

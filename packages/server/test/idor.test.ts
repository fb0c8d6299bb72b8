/**
 * Cross-shop walls (IDOR), generated from the route table: a user limited to shop A, holding every
 * permission an owner can grant, aims every route at shop B — B's ids in the path, `shopId=B` in
 * the query, well-formed bodies for the actions — and is refused (403/404, or 400 before the
 * handler runs), reads none of B's order numbers, and changes none of B's rows. A route added
 * later is swept without editing this file: its `:id` is filled from the id kinds below, and its
 * answer is searched for B's order numbers.
 */
import { ALL_PERMISSIONS } from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import { loadDemo } from '../src/modules/demo/index.js';
import { describeEachDialect } from './dialects.js';
import { makeUserWithPermissions } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const NOW = Date.now() - 60_000;

/** Well-formed bodies for the actions, so a refusal is the scope check and not validation. */
const BODIES: Record<string, unknown> = {
  'POST /api/v1/orders/:id/ship': { carrier: '顺丰速运', trackingNo: 'SF1234567890' },
  'POST /api/v1/orders/:id/cancel': { reason: '买家不想要了' },
  'POST /api/v1/orders/:id/pay': {},
  'POST /api/v1/orders/:id/deliver': {},
  'POST /api/v1/orders/:id/complete': {},
  'PATCH /api/v1/orders/:id/memo': { sellerMemo: '越权写入' },
  'POST /api/v1/orders/:id/notes': { note: '越权写入' },
  'PATCH /api/v1/aftersales/:id': { note: '越权写入' },
  'PATCH /api/v1/shops/:id': { name: '越权改名' },
};

/** Routes whose refusal must be exactly 403/404 (the body is valid, so only scope can refuse). */
const STRICT = new Set([
  'GET /api/v1/orders/:id',
  'GET /api/v1/aftersales/:id',
  'POST /api/v1/orders/:id/ship',
  'PATCH /api/v1/orders/:id/memo',
  'PATCH /api/v1/shops/:id',
]);

describeEachDialect('cross-shop walls', (dialect) => {
  const ctx = useTestApp(dialect);
  let shopA: string;
  let shopB: string;
  let bOrderIds: string[];
  let bOrderNos: string[];
  let bCaseIds: string[];
  let user: Client;
  const db = () => ctx.tdb.database.db;

  /** Everything of shop B a request could read or change, as one comparable value. */
  async function snapshotB() {
    const orders = await db().selectFrom('orders').selectAll().where('shop_id', '=', shopB).orderBy('id').execute();
    const cases = await db().selectFrom('aftersales').selectAll().where('shop_id', '=', shopB).orderBy('id').execute();
    const shop = await db().selectFrom('shops').selectAll().where('id', '=', shopB).execute();
    return JSON.stringify({ orders, cases, shop });
  }

  beforeAll(async () => {
    await loadDemo(ctx.tdb.database, { profile: 'small', seed: 7, now: NOW });
    const admin = await ctx.admin();
    const shops = (await admin.get('/api/v1/shops')).json().items as { id: string; channel: string }[];
    shopA = shops.find((s) => s.channel === 'tmall')!.id;
    shopB = shops.find((s) => s.channel === 'jd')!.id;
    const bOrders = await db().selectFrom('orders').select(['id', 'order_no']).where('shop_id', '=', shopB).limit(40).execute();
    bOrderIds = bOrders.map((o) => o.id);
    bOrderNos = bOrders.map((o) => o.order_no);
    bCaseIds = (await db().selectFrom('aftersales').select('id').where('shop_id', '=', shopB).limit(5).execute()).map((c) => c.id);
    expect(bOrderIds.length).toBeGreaterThan(10);
    expect(bCaseIds.length).toBeGreaterThan(0);

    user = await makeUserWithPermissions(ctx, admin, { username: 'shopa_all', permissions: ALL_PERMISSIONS, shopIds: [shopA] });
  }, 240_000);

  it('refuses every :id route aimed at shop B and changes nothing of B', async () => {
    const before = await snapshotB();
    const idsFor = (url: string): string[] | null => {
      if (url.startsWith('/api/v1/orders/:id')) return bOrderIds.slice(0, 3);
      if (url.startsWith('/api/v1/aftersales/:id')) return bCaseIds.slice(0, 2);
      if (url.startsWith('/api/v1/shops/:id')) return [shopB];
      return null;
    };
    let swept = 0;
    for (const r of ctx.app.routeTable) {
      const key = `${r.method} ${r.url}`;
      const ids = idsFor(r.url);
      if (!ids || r.permission === 'public') continue;
      for (const id of ids) {
        const url = r.url.replace(':id', id);
        const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : (BODIES[key] ?? {});
        const res = await user.request(r.method as 'GET', url, body);
        const allowed = STRICT.has(key) ? [403, 404] : [400, 403, 404];
        expect(allowed, `${key} with shop B's ${id}: ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
        for (const no of bOrderNos) expect(res.body, `${key} leaks ${no}`).not.toContain(no);
        swept++;
      }
    }
    expect(swept).toBeGreaterThan(15);
    expect(await snapshotB()).toBe(before);
  });

  it('answers every list and report aimed at shop B without any of its data', async () => {
    const before = await snapshotB();
    const lists = ctx.app.routeTable.filter(
      (r) => r.method === 'GET' && r.url.startsWith('/api/v1/') && !r.url.includes(':') && r.permission !== 'public',
    );
    expect(lists.length).toBeGreaterThan(20);
    for (const r of lists) {
      for (const query of [`?shopId=${shopB}`, `?shopIds=${shopB}`, `?shop=${shopB}&q=${bOrderNos[0]}`]) {
        const res = await user.request('GET', r.url + query);
        expect(res.statusCode, `${r.url}${query}`).toBeLessThan(500);
        for (const no of bOrderNos) expect(res.body, `GET ${r.url}${query} leaks ${no}`).not.toContain(no);
      }
    }
    for (const kind of ['daily', 'weekly', 'monthly']) {
      for (const path of [`/api/v1/reports/${kind}`, `/api/v1/reports/${kind}/export`]) {
        const res = await user.request('GET', `${path}?shopId=${shopB}`);
        expect([400, 403, 404], `${path} for shop B: ${res.statusCode}`).toContain(res.statusCode);
      }
    }
    expect(await snapshotB()).toBe(before);
  });

  it('masks every phone number in every answer and export for a role without customers.pii.read', async () => {
    const admin = await ctx.admin();
    const viewer = await makeUserWithPermissions(ctx, admin, {
      username: 'no_pii',
      permissions: ALL_PERMISSIONS.filter((p) => p !== 'customers.pii.read'),
    });
    // A full mainland mobile number standing alone, not digits of a rate (masked ones read 138****5678).
    const PHONE = /(?<![\d.])1[3-9]\d{9}(?![\d.])/;
    const aOrders = await db().selectFrom('orders').select('id').where('shop_id', '=', shopA).limit(20).execute();
    const aCases = await db().selectFrom('aftersales').select('id').where('shop_id', '=', shopA).limit(5).execute();
    expect(aOrders.length).toBeGreaterThan(0);
    // The owner sees the numbers, so their absence below is masking, not missing data.
    const full = await admin.get(`/api/v1/orders/${aOrders[0]!.id}`);
    expect(full.body).toMatch(PHONE);
    const urls = [
      ...ctx.app.routeTable
        .filter((r) => r.method === 'GET' && r.url.startsWith('/api/v1/') && !r.url.includes(':') && r.permission !== 'public')
        .map((r) => r.url),
      '/api/v1/orders?pageSize=200',
      '/api/v1/aftersales?pageSize=200',
      ...aOrders.map((o) => `/api/v1/orders/${o.id}`),
      ...aCases.map((c) => `/api/v1/aftersales/${c.id}`),
      ...['daily', 'weekly', 'monthly'].flatMap((k) => [
        `/api/v1/reports/${k}?shopId=${shopA}`,
        `/api/v1/reports/${k}/export?shopId=${shopA}&format=csv`,
      ]),
    ];
    for (const url of urls) {
      const res = await viewer.request('GET', url);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.body.match(PHONE)?.[0], `${url} shows a phone number unmasked`).toBeUndefined();
    }
  });

  it('refuses creating records in shop B', async () => {
    const before = await snapshotB();
    const sku = await db().selectFrom('skus').select('id').limit(1).executeTakeFirstOrThrow();
    const order = await user.post('/api/v1/orders', {
      shopId: shopB,
      lines: [{ skuId: sku.id, qty: 1 }],
      buyerNick: 'b_nick',
      receiverName: '张三',
      receiverPhone: '13812345678',
      receiverAddress: '上海市浦东新区世纪大道 1 号',
    });
    expect([403, 404], order.body).toContain(order.statusCode);
    const line = await db().selectFrom('order_lines').select('id').where('order_id', '=', bOrderIds[0]!).executeTakeFirstOrThrow();
    const aftersale = await user.post('/api/v1/aftersales', {
      orderId: bOrderIds[0],
      type: 'refund_only',
      lines: [{ orderLineId: line.id, qty: 1 }],
    });
    expect([403, 404], aftersale.body).toContain(aftersale.statusCode);
    expect(await snapshotB()).toBe(before);
  });
});

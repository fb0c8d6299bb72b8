/**
 * Cross-shop walls (IDOR), generated from the route table: a user limited to shop A, holding every
 * permission an owner can grant, aims every route at shop B — B's ids in the path, `shopId=B` in
 * the query, well-formed bodies for the actions — and is refused (403/404, or 400 before the
 * handler runs), reads none of B's order numbers, and changes none of B's rows. A route added
 * later is swept without editing this file: its `:id` is filled from the id kinds below, and its
 * answer is searched for B's order numbers.
 */
import { ALL_PERMISSIONS } from '@yunying/core';
import type { Kysely } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { loadDemo } from '../src/modules/demo/index.js';
import { describeEachDialect } from './dialects.js';
import { makeUserWithPermissions } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const NOW = Date.now() - 60_000;
type AnyDB = Record<string, Record<string, unknown>>;

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

/**
 * The newer families' `:id` routes and the table each id comes from (longest prefix first). Every
 * one of these tables carries `shop_id`, so shop B's rows are the ids aimed at. A route under one
 * of these prefixes added later is swept without editing this list.
 */
const FAMILY_IDS: [prefix: string, table: string, idColumn?: string][] = [
  ['/api/v1/customers/segments/:id', 'customer_segments'],
  ['/api/v1/customers/:id', 'customers'],
  ['/api/v1/marketing/activities/:id', 'activities'],
  ['/api/v1/marketing/coupon-templates/:id', 'coupon_templates'],
  ['/api/v1/marketing/promotions/:id', 'promotions'],
  // Orders the engine priced: an order without a pricing answers `pricing: null` whoever asks.
  ['/api/v1/marketing/orders/:id', 'order_pricings', 'order_id'],
  ['/api/v1/outreach/campaigns/:id', 'outreach_campaigns'],
  ['/api/v1/plans/:id', 'activity_plans'],
  ['/api/v1/reviews/:id', 'reviews'],
  ['/api/v1/service/qa/:id', 'service_qa'],
  ['/api/v1/targets/:id', 'sales_targets'],
  ['/api/v1/tasks/:id', 'tasks'],
  ['/api/v1/diagnosis/findings/:id', 'diagnosis_findings'],
  ['/api/v1/ads/plans/:id', 'ad_plans'],
  ['/api/v1/ads/advice/:id', 'ad_advice'],
];

describeEachDialect('cross-shop walls', (dialect) => {
  const ctx = useTestApp(dialect);
  let shopA: string;
  let shopB: string;
  let bOrderIds: string[];
  let bOrderNos: string[];
  let bCaseIds: string[];
  let user: Client;
  /** Shop B's ids per family table (FAMILY_IDS), read after the demo and the extra B records are made. */
  const bFamily = new Map<string, string[]>();
  const db = () => ctx.tdb.database.db;

  /** Everything of shop B a request could read or change, as one comparable value. */
  async function snapshotB() {
    const orders = await db().selectFrom('orders').selectAll().where('shop_id', '=', shopB).orderBy('id').execute();
    const cases = await db().selectFrom('aftersales').selectAll().where('shop_id', '=', shopB).orderBy('id').execute();
    const shop = await db().selectFrom('shops').selectAll().where('id', '=', shopB).execute();
    const family: Record<string, unknown[]> = {};
    for (const table of new Set(FAMILY_IDS.map(([, t]) => t))) {
      family[table] = await (db() as unknown as Kysely<AnyDB>)
        .selectFrom(table)
        .selectAll()
        .where('shop_id', '=', shopB)
        .orderBy(FAMILY_IDS.find(([, t]) => t === table)?.[2] ?? 'id')
        .execute();
    }
    return JSON.stringify({ orders, cases, shop, family });
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
    // Records of shop B the demo does not make, created by the owner through the API.
    const day = (offset: number) => new Date(NOW + offset * 86_400_000).toISOString().slice(0, 10);
    const made = async (method: 'POST' | 'PUT', path: string, body: unknown) => {
      const res = await admin.request(method as 'POST', path, body);
      expect([200, 201, 202], `${method} ${path}: ${res.body.slice(0, 300)}`).toContain(res.statusCode);
      return res.json() as { id?: string };
    };
    await made('POST', '/api/v1/tasks', { shopId: shopB, title: 'B 店任务', dueOn: day(1) });
    const segment = await made('POST', '/api/v1/customers/segments', { name: 'B 店分群', rules: { shopId: shopB, hasPhone: true } });
    await made('POST', '/api/v1/outreach/campaigns', { segmentId: segment.id, channel: 'sms', body: '你好' });
    await made('POST', '/api/v1/plans', { shopId: shopB, name: 'B 店活动计划', startOn: day(1) });
    await made('PUT', '/api/v1/targets', { shopId: shopB, kind: 'month', month: day(0).slice(0, 7), salesFen: 1_000_000 });
    await made('POST', '/api/v1/service/qa/sample', { shopId: shopB, from: day(-90), to: day(-1) });
    await made('POST', '/api/v1/diagnosis/run', { shopId: shopB });
    for (const shop of shops) await admin.get(`/api/v1/ads/advice?shopId=${shop.id}`); // advice is worked out when listed
    // What the API could not make for B (no finding or advice fired there) is another shop's row moved to B.
    for (const [, table, idColumn = 'id'] of FAMILY_IDS) {
      const t = db() as unknown as Kysely<AnyDB>;
      const hasB = await t.selectFrom(table).select(idColumn).where('shop_id', '=', shopB).limit(1).executeTakeFirst();
      if (hasB) continue;
      const other = await t.selectFrom(table).selectAll().where('shop_id', '<>', shopB).limit(1).executeTakeFirst();
      if (other)
        await t
          .insertInto(table)
          .values({ ...other, [idColumn]: `${String(other[idColumn])}_b`, shop_id: shopB })
          .execute();
    }
    for (const [, table, idColumn = 'id'] of FAMILY_IDS) {
      if (bFamily.has(table)) continue;
      const rows = await (db() as unknown as Kysely<AnyDB>)
        .selectFrom(table)
        .select(`${idColumn} as id`)
        .where('shop_id', '=', shopB)
        .orderBy(idColumn)
        .limit(2)
        .execute();
      bFamily.set(
        table,
        rows.map((r) => String(r.id)),
      );
    }
  }, 240_000);

  it('refuses every :id route aimed at shop B and changes nothing of B', async () => {
    const before = await snapshotB();
    const idsFor = (url: string): string[] | null => {
      if (url.startsWith('/api/v1/orders/:id')) return bOrderIds.slice(0, 3);
      if (url.startsWith('/api/v1/aftersales/:id')) return bCaseIds.slice(0, 2);
      if (url.startsWith('/api/v1/shops/:id')) return [shopB];
      const family = FAMILY_IDS.find(([prefix]) => url.startsWith(prefix));
      return family ? (bFamily.get(family[1]) ?? []) : null;
    };
    let swept = 0;
    for (const r of ctx.app.routeTable) {
      const key = `${r.method} ${r.url}`;
      const ids = idsFor(r.url);
      if (!ids || r.permission === 'public') continue;
      for (const id of ids) {
        // A second parameter (:taskId, :stepId) gets a made-up id: the first one must already be refused.
        const url = r.url.replace(':id', id).replace(/:[a-zA-Z]+/g, 'x_none');
        const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : (BODIES[key] ?? {});
        const res = await user.request(r.method as 'GET', url, body);
        const allowed = STRICT.has(key) ? [403, 404] : [400, 403, 404];
        expect(allowed, `${key} with shop B's ${id}: ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
        for (const no of bOrderNos) expect(res.body, `${key} leaks ${no}`).not.toContain(no);
        swept++;
      }
    }
    expect(swept).toBeGreaterThan(15);
    const empty = FAMILY_IDS.filter(([, t]) => (bFamily.get(t) ?? []).length === 0).map(([p]) => p);
    expect(empty, 'families with no shop-B record to aim at').toEqual([]);
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

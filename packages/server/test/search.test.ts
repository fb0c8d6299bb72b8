/**
 * Search that finds: every list with a search box matches the user's text literally on both
 * dialects — `_`, `%` and `\` are characters, not wildcards; Chinese matches; ASCII letters match
 * regardless of case. Plus unit tests of the kit's escaping and its shop scoping.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { anyTextMatch, canSeeShop, escapeLike, keysetAfter, likePattern, scopeToShops, textMatch } from '../src/db/kit.js';
import { systemActor } from '../src/http/actor.js';
import { createProduct } from '../src/modules/catalog/catalog.service.js';
import * as inventory from '../src/modules/inventory/index.js';
import { describeEachDialect } from './dialects.js';
import { useTestApp, type Client, type TestContext } from './harness.js';

describe('kit: LIKE escaping', () => {
  it('escapes backslash, percent and underscore with a backslash', () => {
    expect(escapeLike('tb_xiaoli')).toBe('tb\\_xiaoli');
    expect(escapeLike('50%')).toBe('50\\%');
    expect(escapeLike('a\\b')).toBe('a\\\\b');
    expect(escapeLike('小李')).toBe('小李');
  });
  it('builds contains / prefix / exact patterns, lowering ASCII letters only', () => {
    expect(likePattern('TB_Xiao')).toBe('%tb\\_xiao%');
    expect(likePattern('PO2026', 'prefix')).toBe('po2026%');
    expect(likePattern('auth.', 'exact')).toBe('auth.');
    expect(likePattern('Ä小')).toBe('%Ä小%');
  });
  it('canSeeShop: null = every shop, [] = none', () => {
    expect(canSeeShop({ shopIds: null }, 's1')).toBe(true);
    expect(canSeeShop({ shopIds: [] }, 's1')).toBe(false);
    expect(canSeeShop({ shopIds: ['s1'] }, 's1')).toBe(true);
    expect(canSeeShop({ shopIds: ['s1'] }, null)).toBe(false);
    expect(canSeeShop({ shopIds: ['s1'] }, null, true)).toBe(true);
  });
});

const DRESS = 'DRESS-1';
const PRODUCTS = [
  { title: 'tb_xiaoli 同款卫衣', code: 'A_1' },
  { title: 'tbXxiaoli 款卫衣', code: 'AB1' },
  { title: '满减50%活动款', code: 'P50PCT' },
  { title: '满减500元款', code: 'P500' },
  { title: 'C:\\temp 套装', code: 'BS\\1' },
  { title: '碎花连衣裙', code: DRESS },
];

describeEachDialect('search that finds', (dialect) => {
  const ctx: TestContext = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  const orderNos = new Map<string, string>();
  const skuIds = new Map<string, string>();

  beforeAll(async () => {
    admin = await ctx.admin();
    const shop = await admin.post('/api/v1/shops', { name: '搜索测试店', channel: 'tmall', timezone: 'Asia/Shanghai' });
    expect(shop.statusCode, shop.body).toBe(201);
    shopId = shop.json().id;
    const actor = systemActor(ctx.orgId, 'test');
    const db = ctx.tdb.database.db;
    for (const p of PRODUCTS) {
      const dto = await db.transaction().execute((trx) =>
        createProduct(trx, actor, {
          title: p.title,
          code: null,
          sellingPoints: '',
          description: '',
          tags: [],
          specDims: [{ name: '颜色', values: ['黑'] }],
          status: 'on_sale',
          skus: [{ code: p.code, spec: { 颜色: '黑' }, priceFen: 9900, costFen: 3000, weightG: 100 }],
        }),
      );
      skuIds.set(p.code, dto.skus[0]!.id);
    }
    const wh = await inventory.defaultWarehouseId(db, ctx.orgId);
    for (const [code, note] of [
      [DRESS, '期初 tb_xiaoli'],
      ['AB1', '期初 tbXxiaoli'],
      ['P50PCT', '盘盈50%'],
      ['P500', '盘盈500'],
      ['BS\\1', '路径 a\\b'],
    ] as const) {
      await db.transaction().execute((trx) => inventory.moveQty(trx, actor, 'inbound', skuIds.get(code)!, wh, 50, { note }));
    }
    for (const nick of ['tb_xiaoli', 'tbXxiaoli', '50%好评', '500块', 'a\\b', '小李子']) {
      const res = await admin.post('/api/v1/orders', {
        shopId,
        lines: [{ skuId: skuIds.get(DRESS)!, qty: 1 }],
        buyerNick: nick,
        receiverName: '李小明',
        receiverPhone: '13812345678',
        receiverAddress: '浙江省杭州市西湖区文三路 100 号',
      });
      expect(res.statusCode, res.body).toBe(201);
      orderNos.set(nick, res.json().orderNo);
    }
  });

  async function items(url: string): Promise<any[]> {
    const res = await admin.get(url);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  }
  const q = encodeURIComponent;

  it('orders: buyer nick with _ % \\ and Chinese', async () => {
    const nicks = async (term: string) => (await items(`/api/v1/orders?pageSize=50&buyerNick=${q(term)}`)).map((o) => o.buyerNick).sort();
    expect(await nicks('tb_xiaoli')).toEqual(['tb_xiaoli']);
    expect(await nicks('TB_XIAOLI')).toEqual(['tb_xiaoli']);
    expect(await nicks('50%')).toEqual(['50%好评']);
    expect(await nicks('a\\b')).toEqual(['a\\b']);
    expect(await nicks('小李')).toEqual(['小李子']);
    expect(await nicks('_')).toEqual(['tb_xiaoli']);
    expect(await nicks('%')).toEqual(['50%好评']);
  });

  it('orders: order number prefix and receiver phone', async () => {
    const no = orderNos.get('tb_xiaoli')!;
    const found = await items(`/api/v1/orders?orderNo=${q(no)}`);
    expect(found.map((o) => o.orderNo)).toEqual([no]);
    expect(await items(`/api/v1/orders?orderNo=${q(no.slice(0, -1) + '_')}`)).toEqual([]);
    expect(await items(`/api/v1/orders?receiverPhone=${q('1381234%')}`)).toEqual([]);
    expect((await items(`/api/v1/orders?pageSize=50&receiverPhone=${q('12345678')}`)).length).toBe(6);
  });

  it('products: title and code with _ % \\ and Chinese', async () => {
    const titles = async (term: string) => (await items(`/api/v1/products?pageSize=50&q=${q(term)}`)).map((p) => p.title).sort();
    expect(await titles('tb_xiaoli')).toEqual(['tb_xiaoli 同款卫衣']);
    expect(await titles('50%')).toEqual(['满减50%活动款']);
    expect(await titles('C:\\temp')).toEqual(['C:\\temp 套装']);
    expect(await titles('BS\\1')).toEqual(['C:\\temp 套装']);
    expect(await titles('A_1')).toEqual(['tb_xiaoli 同款卫衣']);
    expect(await titles('连衣裙')).toEqual(['碎花连衣裙']);
  });

  it('SKU pickers (catalogue, orders, inventory, imports)', async () => {
    for (const url of [
      '/api/v1/skus/search?q=',
      '/api/v1/orders/sku-options?q=',
      '/api/v1/inventory/sku-options?q=',
      '/api/v1/imports/sku-options?q=',
    ]) {
      const codes = async (term: string) => (await items(url + q(term))).map((s) => s.code).sort();
      expect(await codes('A_1'), url).toEqual(['A_1']);
      expect(await codes('50%'), url).toEqual(['P50PCT']);
      expect(await codes('BS\\'), url).toEqual(['BS\\1']);
      expect(await codes('连衣裙'), url).toEqual([DRESS]);
    }
  });

  it('stock and stock movements', async () => {
    const stockCodes = async (term: string) =>
      [...new Set((await items(`/api/v1/stock?pageSize=50&q=${q(term)}`)).map((s) => s.skuCode ?? s.code))].sort();
    expect(await stockCodes('A_1')).toEqual([]);
    expect(await stockCodes('50%')).toEqual(['P50PCT']);
    expect(await stockCodes('BS\\')).toEqual(['BS\\1']);
    const notes = async (term: string) => (await items(`/api/v1/stock/movements?pageSize=50&q=${q(term)}`)).map((m) => m.note).sort();
    expect(await notes('tb_xiaoli')).toEqual(['期初 tb_xiaoli']);
    expect(await notes('盘盈50%')).toEqual(['盘盈50%']);
    expect(await notes('a\\b')).toEqual(['路径 a\\b']);
  });

  it('users, suppliers and purchase orders', async () => {
    const roles = (await admin.get('/api/v1/roles')).json().items as { id: string; code: string }[];
    const roleIds = [roles.find((r) => r.code === 'service')!.id];
    for (const displayName of ['李_明', '李X明', '折扣50%组', '折扣500组']) {
      const res = await admin.post('/api/v1/users', {
        username: `u${displayName.length}${[...displayName].map((c) => c.charCodeAt(0) % 97).join('')}`,
        displayName,
        password: 'Passw0rd!',
        roleIds,
        allShops: true,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const users = async (term: string) => (await items(`/api/v1/users?pageSize=50&q=${q(term)}`)).map((u) => u.displayName).sort();
    expect(await users('李_明')).toEqual(['李_明']);
    expect(await users('50%')).toEqual(['折扣50%组']);

    for (const name of ['宏达_服饰', '宏达X服饰', '百分百%工厂', '百分百0工厂']) {
      expect((await admin.post('/api/v1/suppliers', { name })).statusCode).toBe(201);
    }
    const suppliers = async (term: string) => (await items(`/api/v1/suppliers?pageSize=50&q=${q(term)}`)).map((s) => s.name).sort();
    expect(await suppliers('宏达_')).toEqual(['宏达_服饰']);
    expect(await suppliers('百%')).toEqual(['百分百%工厂']);
    expect(await suppliers('百分百%')).toEqual(['百分百%工厂']);
    expect(await items(`/api/v1/purchase-orders?q=${q('%')}`)).toEqual([]);
  });

  it('audit: action is exact or a dot prefix; actor name is literal', async () => {
    const anon = ctx.client();
    expect((await anon.login('admin', 'wrong-password-1')).statusCode).toBe(401);
    const actions = async (term: string) =>
      [...new Set((await items(`/api/v1/audit?pageSize=200&action=${q(term)}`)).map((e) => e.action))].sort();
    expect(await actions('auth.login_failed')).toEqual(['auth.login_failed']);
    expect(await actions('auth.login')).toEqual(['auth.login']);
    expect(await actions('auth.login%')).toEqual([]);
    expect(await actions('auth')).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed']));
    expect(await actions('order')).toEqual(['order.create']);
    const byActor = await items(`/api/v1/audit?pageSize=200&actor=${q('%')}`);
    expect(byActor).toEqual([]);
  });

  it('aftersales: case code / order number prefix is literal', async () => {
    expect(await items(`/api/v1/aftersales?q=${q('%')}`)).toEqual([]);
    expect(await items(`/api/v1/aftersales?q=${q('_')}`)).toEqual([]);
  });

  it('kit on the raw database: textMatch, anyTextMatch, keyset and shop scoping', async () => {
    const db = ctx.tdb.database.db;
    const titles = async (term: string) =>
      (
        await db
          .selectFrom('products')
          .select('title')
          .where('org_id', '=', ctx.orgId)
          .where(textMatch('title', term))
          .orderBy('title')
          .execute()
      ).map((r) => r.title);
    expect(await titles('\\')).toEqual(['C:\\temp 套装']);
    expect(await titles('TBX')).toEqual(['tbXxiaoli 款卫衣']);
    const any = await db
      .selectFrom('skus')
      .select('code')
      .where(anyTextMatch(['code', 'spec_text'], 'p5'))
      .orderBy('code')
      .execute();
    expect(any.map((r) => r.code).sort()).toEqual(['P500', 'P50PCT']);
    const walk = () => db.selectFrom('orders').select(['id', 'ordered_at']).orderBy('ordered_at').orderBy('id');
    const ordered = await walk().execute();
    const cursor = ordered[2]!;
    const after = await walk()
      .where(keysetAfter(['ordered_at', 'id'], [cursor.ordered_at, cursor.id]))
      .execute();
    expect(after).toEqual(ordered.slice(3));
    const before = await db
      .selectFrom('orders')
      .select(['id', 'ordered_at'])
      .orderBy('ordered_at', 'desc')
      .orderBy('id', 'desc')
      .where(keysetAfter(['ordered_at', 'id'], [cursor.ordered_at, cursor.id], true))
      .execute();
    expect(before).toEqual(ordered.slice(0, 2).reverse());
    const none = await scopeToShops(db.selectFrom('orders').select('id'), { shopIds: [] }, 'orders.shop_id').execute();
    expect(none).toEqual([]);
    const mine = await scopeToShops(db.selectFrom('orders').select('id'), { shopIds: [shopId] }, 'orders.shop_id').execute();
    expect(mine).toHaveLength(6);
    const all = await scopeToShops(db.selectFrom('orders').select('id'), { shopIds: null }, 'orders.shop_id').execute();
    expect(all).toHaveLength(6);
    expect((await sql<{ n: number }>`select 1 as n`.execute(db)).rows[0]!.n).toBe(1);
  });
});

/**
 * Issue 17, items 8 and 9: a tracker flood cannot starve real visitors; money is bounded; a
 * stocktake applies against locked stock; manual order numbers are unique by construction; phone
 * numbers in notes are masked; the stock ledger does not reveal other shops' order numbers; an
 * Idempotency-Key reused with another body is refused.
 */
import { businessDay, MAX_FEN, newId } from '@yunying/core';
import { sql } from 'kysely';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { systemActor } from '../src/http/actor.js';
import * as inventory from '../src/modules/inventory/index.js';
import { collectRateLimit, resetRateLimits } from '../src/modules/traffic/collect.service.js';
import { describeEachDialect } from './dialects.js';
import { useTestApp, type Client } from './harness.js';
import { ledgerOf, makeOrder, makeShop, makeSku, orderBody, stockOf } from './fixtures.js';

const ORIGIN = 'https://shop.example.com';

describeEachDialect('issue 17: collector flood, money bounds, stocktake locks, order numbers, masking, idempotency', (dialect) => {
  const ctx = useTestApp(dialect);
  const db = () => ctx.tdb.database.db;
  let admin: Client;
  let shopId: string;
  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin);
  });

  const saved = { ...collectRateLimit, ip: { ...collectRateLimit.ip }, visitor: { ...collectRateLimit.visitor } };
  afterEach(() => {
    Object.assign(collectRateLimit, { ...saved, ip: { ...saved.ip }, visitor: { ...saved.visitor } });
    resetRateLimits();
  });

  it('a flooding client gets 429s while another visitor’s small batches, interleaved, are all accepted', async () => {
    const shop = (await admin.post('/api/v1/shops', { name: '独立站', channel: 'own', timezone: 'Asia/Shanghai' })).json();
    const key = (await admin.post('/api/v1/traffic/keys', { shopId: shop.id, allowedOrigins: [ORIGIN] })).json().key as string;
    // No refill during the test: what is accepted is decided by the buckets' sizes alone.
    Object.assign(collectRateLimit, {
      capacity: 60,
      perSecond: 0.001,
      ip: { capacity: 120, perSecond: 0.001 },
      visitor: { capacity: 20, perSecond: 0.001 },
    });
    resetRateLimits();
    const send = (ip: string, visitorId: string, seq: number) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/collect',
        remoteAddress: ip,
        headers: { origin: ORIGIN }, // forged by the flooder, genuine for the visitor
        payload: { key, events: [{ type: 'page_view', at: Date.now(), visitorId, sessionId: `${visitorId}_s`, url: `/p/${seq}` }] },
      });

    // One address, one visitor id, 150 requests; the real visitor sends one batch every 15.
    const flood: number[] = [];
    const real: number[] = [];
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 15; i++) flood.push((await send('203.0.113.7', 'flooder', round * 15 + i)).statusCode);
      real.push((await send('198.51.100.20', 'real-visitor-1', round)).statusCode);
    }
    expect(flood.filter((c) => c === 429).length).toBeGreaterThan(100);
    expect(flood.filter((c) => c === 202).length).toBeLessThanOrEqual(20);
    expect(real).toEqual(Array(10).fill(202));
    const stored = await db().selectFrom('events').select('url').where('visitor_id', '=', 'real-visitor-1').execute();
    expect(stored).toHaveLength(10);
    const limited = await send('203.0.113.7', 'flooder', 999);
    expect(limited.json()).toMatchObject({ code: 'rate_limited' });
    expect(limited.json().detail).toContain('过于频繁');

    // The same address inventing a new visitor id per request: its address's budget runs out,
    // it never takes the key's reserve, and a real visitor elsewhere is still served.
    resetRateLimits();
    const rotating: number[] = [];
    const real2: number[] = [];
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 15; i++) rotating.push((await send('203.0.113.8', `bot-${round}-${i}`, i)).statusCode);
      real2.push((await send('198.51.100.21', 'real-visitor-2', round)).statusCode);
    }
    expect(rotating.filter((c) => c === 429).length).toBeGreaterThan(50);
    expect(real2).toEqual(Array(10).fill(202));
  });

  it('bounds money at ¥1000 亿: prices, qty × price and batch price changes are field errors, not 500s', async () => {
    const sku = await makeSku(ctx, { code: 'MONEY-1', priceFen: 10_000, stock: 10 });
    // 100 lines × 9999 × ¥1 亿 used to overflow the sums (500).
    const huge = await admin.post(
      '/api/v1/orders',
      orderBody(
        shopId,
        Array.from({ length: 100 }, () => ({ skuId: sku, qty: 9999, unitPriceFen: 10_000_000_000 })),
      ),
    );
    expect(huge.statusCode, huge.body).toBe(400);
    expect(huge.json().errors[0]).toMatchObject({ path: 'lines.0.qty' });
    expect(huge.json().detail).toContain('1000 亿元');
    const tooHighPrice = await admin.post('/api/v1/orders', orderBody(shopId, [{ skuId: sku, qty: 1, unitPriceFen: MAX_FEN + 1 }]));
    expect(tooHighPrice.statusCode).toBe(400);
    expect(tooHighPrice.json().errors[0].message).toContain('单价不能超过');
    // The bound itself is a valid price; two of them are not a valid order.
    const twice = await admin.post('/api/v1/orders', orderBody(shopId, [{ skuId: sku, qty: 2, unitPriceFen: MAX_FEN }]));
    expect(twice.statusCode).toBe(400);
    expect(twice.json().errors[0].path).toBe('lines.0.qty');
    expect(await stockOf(ctx, sku)).toMatchObject({ reserved: 0, available: 10 });

    // Catalogue: a typed price over the bound, and a batch change whose result would be.
    const over = await admin.post('/api/v1/products', { title: '天价商品', skus: [{ code: 'BIG-0', priceFen: MAX_FEN + 1 }] });
    expect(over.statusCode).toBe(400);
    expect(over.json().detail).toContain('售价不能超过');
    const p = (await admin.post('/api/v1/products', { title: '贵重商品', skus: [{ code: 'BIG-1', priceFen: 2_000_000_000_000 }] })).json();
    const tenfold = await admin.post('/api/v1/products/batch', { ids: [p.id], action: 'price', price: { mode: 'percent', percent: 1000 } });
    expect(tenfold.statusCode, tenfold.body).toBe(400);
    expect(tenfold.json().detail).toContain('BIG-1');
    const setOver = await admin.post('/api/v1/products/batch', { ids: [p.id], action: 'price', price: { mode: 'set', fen: MAX_FEN + 1 } });
    expect(setOver.statusCode).toBe(400);
    const deltaOver = await admin.post('/api/v1/products/batch', {
      ids: [p.id],
      action: 'price',
      price: { mode: 'delta', fen: MAX_FEN - 1_000_000_000_000 },
    });
    expect(deltaOver.statusCode).toBe(400);
    expect((await admin.get(`/api/v1/products/${p.id}`)).json().skus[0].priceFen).toBe(2_000_000_000_000);
    const fine = await admin.post('/api/v1/products/batch', { ids: [p.id], action: 'price', price: { mode: 'percent', percent: 100 } });
    expect(fine.statusCode).toBe(200);
  });

  it('applies a stocktake against stock locked at apply time, even while another transaction moves it', async () => {
    const sku = await makeSku(ctx, { code: 'COUNT-1', priceFen: 5000, stock: 100 });
    const wh = await inventory.defaultWarehouseId(db(), ctx.orgId);
    const st = (await admin.post('/api/v1/stocktakes', { warehouseId: wh, skuIds: [sku] })).json();
    expect((await admin.patch(`/api/v1/stocktakes/${st.id}/lines`, { lines: [{ skuId: sku, counted: 80 }] })).statusCode).toBe(200);

    // Five units arrive in a transaction that is still open when the apply starts.
    let apply: ReturnType<Client['post']> | undefined;
    let sawWait = false;
    await db()
      .transaction()
      .execute(async (trx) => {
        await inventory.moveQty(trx, systemActor(ctx.orgId, 'test'), 'inbound', sku, wh, 5, { note: '盘点时到货' });
        apply = admin.post(`/api/v1/stocktakes/${st.id}/apply`, {});
        if (dialect === 'postgres') {
          // Commit only once the apply is waiting on this transaction's row lock.
          for (let i = 0; i < 400 && !sawWait; i++) {
            const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock'`.execute(db());
            sawWait = rows[0]!.n > 0;
            if (!sawWait) await new Promise((r) => setTimeout(r, 25));
          }
        } else {
          await new Promise((r) => setTimeout(r, 50)); // SQLite: the apply waits for this write transaction
          sawWait = true;
        }
      });
    const res = await apply!;
    expect(sawWait).toBe(true);
    expect(res.statusCode, res.body).toBe(200);
    // On hand is the counted figure: the arrival was part of what was counted over, not added on top.
    expect(await stockOf(ctx, sku)).toMatchObject({ onHand: 80, available: 80, reserved: 0 });
    expect(await ledgerOf(ctx, sku)).toEqual(await stockOf(ctx, sku));
    const moves = await db().selectFrom('stock_movements').select('d_on_hand').where('ref_id', '=', st.id).execute();
    expect(moves.map((m) => Number(m.d_on_hand))).toEqual([-25]);
  });

  it('numbers manual orders by a per-day sequence: distinct across shops and under concurrency, readable, past legacy numbers', async () => {
    const shop = await makeShop(ctx, admin, '编号测试店');
    const other = await makeShop(ctx, admin, '编号测试二店');
    const sku = await makeSku(ctx, { code: 'NO-1', priceFen: 100, stock: 500 });
    // The organisation's sequence so far today (the other tests made manual orders before).
    const today = businessDay(Date.now(), 'Asia/Shanghai');
    const counter = await db().selectFrom('order_no_counters').select('seq').where('day', '=', today).executeTakeFirst();
    const n0 = Number(counter?.seq ?? 0);
    const first = await makeOrder(admin, shop, [{ skuId: sku, qty: 1 }]);
    const day = businessDay(first.orderedAt, 'Asia/Shanghai').replace(/-/g, '');
    const no = (seq: number) => `M${day}${String(seq).padStart(6, '0')}`;
    expect(first.orderNo).toBe(no(n0 + 1));
    // Another shop continues the same sequence: a number names one order of the organisation.
    expect((await admin.post('/api/v1/orders', orderBody(other, [{ skuId: sku, qty: 1 }]))).json().orderNo).toBe(no(n0 + 2));

    // A number taken before the counter existed (random digits) is skipped, not collided with.
    const row = await db().selectFrom('orders').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
    await db()
      .insertInto('orders')
      .values({ ...row, id: newId('order'), order_no: no(n0 + 3) })
      .execute();
    const many = await Promise.all(
      Array.from({ length: 60 }, () => admin.post('/api/v1/orders', orderBody(shop, [{ skuId: sku, qty: 1 }]))),
    );
    expect(many.map((r) => r.statusCode)).toEqual(Array(60).fill(201));
    const numbers = many.map((r) => r.json().orderNo as string);
    expect(new Set(numbers).size).toBe(60);
    expect(numbers).not.toContain(no(n0 + 3));
    expect(numbers.every((n) => /^M\d{8}\d{6}$/.test(n))).toBe(true);
    expect(numbers.sort()).toEqual(Array.from({ length: 60 }, (_, i) => no(n0 + 4 + i)));

    // Past a million orders in a day the sequence simply grows a digit: still unique, still readable.
    await db().updateTable('order_no_counters').set({ seq: 999_999 }).where('org_id', '=', ctx.orgId).where('day', '=', today).execute();
    expect((await admin.post('/api/v1/orders', orderBody(shop, [{ skuId: sku, qty: 1 }]))).json().orderNo).toBe(`M${day}1000000`);
  });

  it('masks phone numbers in buyer notes, seller memos and the timeline for users without customers.pii.read', async () => {
    const sku = await makeSku(ctx, { code: 'MASK-1', priceFen: 100, stock: 5 });
    const o = (
      await admin.post(
        '/api/v1/orders',
        orderBody(shopId, [{ skuId: sku, qty: 1 }], {
          buyerNote: '到了请打13812345678，或座机 0571-87654321',
          sellerMemo: '买家备用电话 139 1234 5678',
        }),
      )
    ).json();
    await admin.patch(`/api/v1/orders/${o.id}/memo`, { sellerMemo: '改约：+86 150-0000-1111 下午送' });
    const { client: service } = await ctx.userWithRoles('kefu-mask', ['service']);

    const seen = (await service.get(`/api/v1/orders/${o.id}`)).json();
    expect(seen.buyerNote).toBe('到了请打138****5678，或座机 057****4321');
    expect(seen.sellerMemo).toBe('改约：+86 150****1111 下午送');
    const body = JSON.stringify(seen);
    for (const raw of ['13812345678', '87654321', '139 1234 5678', '150-0000-1111']) expect(body).not.toContain(raw);
    const list = JSON.stringify((await service.get(`/api/v1/orders?orderNo=${o.orderNo}`)).json());
    expect(list).toContain('138****5678');
    expect(list).not.toContain('13812345678');

    const full = (await admin.get(`/api/v1/orders/${o.id}`)).json();
    expect(full.buyerNote).toBe('到了请打13812345678，或座机 0571-87654321');
    expect(JSON.stringify(full.events)).toContain('150-0000-1111');
  });

  it('does not show a one-shop user the order numbers of other shops in the stock ledger', async () => {
    const shopA = await makeShop(ctx, admin, 'A 店');
    const shopB = await makeShop(ctx, admin, 'B 店');
    const sku = await makeSku(ctx, { code: 'LEDGER-1', priceFen: 100, stock: 10 });
    const inA = await makeOrder(admin, shopA, [{ skuId: sku, qty: 1 }]);
    const inB = await makeOrder(admin, shopB, [{ skuId: sku, qty: 2 }]);
    const { client: oneShop } = await ctx.userWithRoles('kefu-a', ['service'], { allShops: false, shopIds: [shopA] });

    const res = await oneShop.get(`/api/v1/stock/movements?skuId=${sku}`);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { refId: string | null; note: string; dAvailable: number }[];
    expect(items).toHaveLength(3); // inbound, A's reserve, B's reserve: quantities stay visible
    expect(JSON.stringify(res.json())).not.toContain(inB.orderNo);
    expect(JSON.stringify(res.json())).not.toContain(inB.id);
    const bMove = items.find((m) => m.dAvailable === -2)!;
    expect(bMove).toMatchObject({ refId: null });
    expect(bMove.note).toContain('其他店铺');
    expect(items.find((m) => m.dAvailable === -1)).toMatchObject({ refId: inA.id, note: expect.stringContaining(inA.orderNo) });
    // Nor found by searching notes or by reference.
    expect((await oneShop.get(`/api/v1/stock/movements?q=${inB.orderNo}`)).json().total).toBe(0);
    expect((await oneShop.get(`/api/v1/stock/movements?refId=${inB.id}`)).json().total).toBe(0);
    expect((await oneShop.get(`/api/v1/stock/movements?q=${inA.orderNo}`)).json().total).toBe(1);
    // Someone who sees every shop sees both.
    expect(JSON.stringify((await admin.get(`/api/v1/stock/movements?skuId=${sku}`)).json())).toContain(inB.orderNo);
  });

  it('refuses an Idempotency-Key reused with a different body (422) and replays it for the same body', async () => {
    const sku = await makeSku(ctx, { code: 'IDEM-1', priceFen: 100, stock: 10 });
    const post = (body: unknown, key: string) => admin.request('POST', '/api/v1/orders', body, { 'idempotency-key': key });
    const body = orderBody(shopId, [{ skuId: sku, qty: 1 }], { buyerNote: '第一单' });
    const first = await post(body, 'idem-key-1');
    expect(first.statusCode, first.body).toBe(201);

    // The same request again, its keys in another order: the first order, not a second one.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await post(reordered, 'idem-key-1');
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);

    const other = await post({ ...body, lines: [{ skuId: sku, qty: 3 }] }, 'idem-key-1');
    expect(other.statusCode, other.body).toBe(422);
    expect(other.json()).toMatchObject({ code: 'unprocessable' });
    expect(other.json().detail).toContain('同一个 Idempotency-Key 已用于不同的请求内容');
    expect(await stockOf(ctx, sku)).toMatchObject({ reserved: 1, available: 9 });
    // A new key is a new order.
    expect((await post({ ...body, lines: [{ skuId: sku, qty: 3 }] }, 'idem-key-2')).statusCode).toBe(201);
  });
});

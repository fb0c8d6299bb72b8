/**
 * Demo data: load the small profile with a fixed seed and clock, check it is consistent (stock,
 * ledger, order lines, today/yesterday filled, rollups built), refuse a second load, and delete it
 * without touching the real shop, SKU, stock and order created before.
 */
import { beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { firstStartDemo, loadDemo, type DemoSummary } from '../src/modules/demo/index.js';
import { describeEachDialect } from './dialects.js';
import { useTestApp } from './harness.js';
import { ledgerOf, makeShop, makeSku, orderBody, stockOf } from './fixtures.js';

const NOW = Date.parse('2026-11-20T07:00:00Z'); // 15:00 Asia/Shanghai
const TODAY = '2026-11-20';
const YESTERDAY = '2026-11-19';
const SEED = 12345;

describeEachDialect('demo data', (dialect) => {
  const ctx = useTestApp(dialect);
  let summary: DemoSummary;
  let realShop: string;
  let realSku: string;
  let realOrder: string;
  const db = () => ctx.tdb.database.db;
  const count = async (
    table: 'shops' | 'skus' | 'orders' | 'events' | 'stock' | 'stock_movements' | 'products' | 'listings',
    where?: [string, string],
  ) => {
    let q = db()
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'));
    if (where) q = q.where(sql.ref(where[0]), '=', where[1]);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  const countOf = async (table: 'coupons' | 'promotions' | 'activities' | 'order_pricings' | 'coupon_redemptions') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    const admin = await ctx.admin();
    realShop = await makeShop(ctx, admin, '我的淘宝店');
    realSku = await makeSku(ctx, { code: 'REAL-001', priceFen: 9900, stock: 10 });
    const res = await admin.post('/api/v1/orders', orderBody(realShop, [{ skuId: realSku, qty: 2 }]));
    expect(res.statusCode, res.body).toBe(201);
    realOrder = res.json().id;
    summary = await loadDemo(ctx.tdb.database, { profile: 'small', seed: SEED, now: NOW });
  }, 180_000);

  it('loads 3 demo shops, ~80 SKUs, orders and events on today and yesterday', async () => {
    const admin = await ctx.admin();
    const res = await admin.get('/api/v1/demo');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { loaded: boolean; shops: { id: string; isDemo: boolean; channel: string }[] };
    expect(body.loaded).toBe(true);
    expect(body.shops).toHaveLength(3);
    expect(body.shops.every((s) => s.isDemo)).toBe(true);
    expect(body.shops.map((s) => s.channel).sort()).toEqual(['jd', 'own', 'tmall']);
    expect(summary.skus).toBeGreaterThanOrEqual(70);
    expect(summary.skus).toBeLessThanOrEqual(90);
    expect(await count('skus')).toBe(summary.skus + 1);
    const ids = body.shops.map((s) => s.id);
    for (const day of [TODAY, YESTERDAY]) {
      const o = await db()
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('shop_id', 'in', ids)
        .where('order_day', '=', day)
        .executeTakeFirstOrThrow();
      expect(Number(o.n), `orders on ${day}`).toBeGreaterThan(0);
      const e = await db()
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('shop_id', 'in', ids)
        .where('day', '=', day)
        .executeTakeFirstOrThrow();
      expect(Number(e.n), `events on ${day}`).toBeGreaterThan(0);
    }
    // Nothing happens after "now".
    const late = await db().selectFrom('events').select('id').where('at', '>', NOW).limit(1).execute();
    expect(late).toHaveLength(0);
    // Rollups were rebuilt for every shop and day.
    const r = await db()
      .selectFrom('rollup_daily')
      .select((eb) => [eb.fn.sum<number>('paid_fen').as('paid'), eb.fn.count<number>('day').distinct().as('days')])
      .where('shop_id', 'in', ids)
      .where('product_id', '=', '')
      .where('source_code', '=', '')
      .executeTakeFirstOrThrow();
    expect(Number(r.days)).toBe(90);
    expect(Number(r.paid)).toBeGreaterThan(0);
  });

  it('keeps stock consistent: no negatives, on_hand = available + reserved, ledger sums = stock rows', async () => {
    const bad = await db()
      .selectFrom('stock')
      .select('sku_id')
      .where(sql<boolean>`available < 0 or reserved < 0 or on_hand < 0 or defective < 0 or on_hand <> available + reserved`)
      .execute();
    expect(bad).toHaveLength(0);
    const stock = await db().selectFrom('stock').selectAll().execute();
    const ledger = await db()
      .selectFrom('stock_movements')
      .select((eb) => [
        'sku_id',
        'warehouse_id',
        eb.fn.sum<number>('d_on_hand').as('on_hand'),
        eb.fn.sum<number>('d_reserved').as('reserved'),
        eb.fn.sum<number>('d_available').as('available'),
        eb.fn.sum<number>('d_defective').as('defective'),
      ])
      .groupBy(['sku_id', 'warehouse_id'])
      .execute();
    const byKey = new Map(ledger.map((l) => [`${l.sku_id}|${l.warehouse_id}`, l]));
    expect(stock.length).toBeGreaterThan(70);
    for (const s of stock) {
      expect(s.on_hand).toBe(s.available + s.reserved);
      const l = byKey.get(`${s.sku_id}|${s.warehouse_id}`)!;
      expect(l, s.sku_id).toBeDefined();
      expect([Number(l.on_hand), Number(l.reserved), Number(l.available), Number(l.defective)]).toEqual([
        s.on_hand,
        s.reserved,
        s.available,
        s.defective,
      ]);
    }
    // Reserved stock = units of paid-but-unshipped (and unpaid) demo orders.
    const open = await db()
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .select((eb) => eb.fn.sum<number>('order_lines.qty').as('n'))
      .where('orders.stock_mode', '=', 'reserved')
      .executeTakeFirstOrThrow();
    const reserved = stock.reduce((a, s) => a + s.reserved, 0);
    expect(reserved).toBe(Number(open.n));
  });

  it('links every order line to an existing SKU and every order to a visitor who viewed it', async () => {
    const orphan = await db()
      .selectFrom('order_lines')
      .leftJoin('skus', 'skus.id', 'order_lines.sku_id')
      .select('order_lines.id')
      .where('skus.id', 'is', null)
      .limit(5)
      .execute();
    expect(orphan).toHaveLength(0);
    const demo = await db().selectFrom('shops').select('id').where('is_demo', '=', 1).execute();
    const unviewed = await db()
      .selectFrom('orders')
      .select('orders.id')
      .where(
        'shop_id',
        'in',
        demo.map((s) => s.id),
      )
      .where('order_day', '=', YESTERDAY)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('events')
              .select('events.id')
              .whereRef('events.visitor_id', '=', 'orders.visitor_id')
              .whereRef('events.shop_id', '=', 'orders.shop_id')
              .where('events.type', '=', 'product_view'),
          ),
        ),
      )
      .execute();
    expect(unviewed).toHaveLength(0);
  });

  it('looks real: pictures, shipments in warehouse hours, 退款中 = open refund cases, requested amounts', async () => {
    const admin = await ctx.admin();
    // Every demo product has its generated picture, served as a PNG.
    const products = await db().selectFrom('products').select('id').execute();
    const pictures = await db().selectFrom('product_images').select(['product_id', 'id', 'mime']).execute();
    // All but the real shop's product (made by the fixture without a picture).
    expect(new Set(pictures.map((p) => p.product_id)).size).toBe(products.length - 1);
    const pic = await admin.get(`/api/v1/products/${pictures[0]!.product_id}/images/${pictures[0]!.id}`);
    expect(pic.statusCode).toBe(200);
    expect(pic.headers['content-type']).toContain('image/png');
    // Parcels leave between 09:00 and 18:00 Shanghai time (09:00 + up to 3 h for the night's backlog).
    const shipped = await db().selectFrom('orders').select('shipped_at').where('shipped_at', 'is not', null).execute();
    expect(shipped.length).toBeGreaterThan(100);
    const hours = shipped.map((o) => new Date(Number(o.shipped_at) + 8 * 3_600_000).getUTCHours());
    expect(hours.filter((h) => h < 9 || h >= 18)).toEqual([]);
    // 退款中 lists exactly the orders with an open refund case.
    const refunding = await db().selectFrom('orders').select('id').where('status', '=', 'refunding').execute();
    const open = await db()
      .selectFrom('aftersales')
      .select('order_id')
      .distinct()
      .where('type', 'in', ['refund_only', 'return_refund'])
      .where('status', 'not in', ['completed', 'rejected', 'closed'])
      .execute();
    expect(open.length).toBeGreaterThan(0);
    expect(refunding.map((o) => o.id).sort()).toEqual(open.map((o) => o.order_id).sort());
    // Refund cases carry what the buyer asked for; complaints ask for nothing.
    const cases = await db().selectFrom('aftersales').select(['type', 'requested_fen', 'refund_fen']).execute();
    for (const c of cases) {
      if (c.type === 'complaint') expect(Number(c.requested_fen)).toBe(0);
      else expect(Number(c.requested_fen)).toBeGreaterThan(0);
    }
  });

  it('prices orders by the engine: explained discounts, coupon statistics, past activities with effect reports, emails', async () => {
    const admin = await ctx.admin();
    const shops = (await admin.get('/api/v1/demo')).json().shops as { id: string; channel: string }[];
    const tmall = shops.find((s) => s.channel === 'tmall')!.id;
    // An order with a discount opens with its per-line explanation, which adds up to the order.
    const o = await db()
      .selectFrom('orders')
      .select(['id', 'discount_fen', 'paid_fen', 'shipping_fen'])
      .where('shop_id', '=', tmall)
      .where('discount_fen', '>', 0)
      .orderBy('ordered_at')
      .limit(1)
      .executeTakeFirstOrThrow();
    const p = (await admin.get(`/api/v1/marketing/orders/${o.id}/pricing`)).json().pricing as {
      lines: { finalFen: number; adjustments: { amountFen: number; note: string }[] }[];
      totals: { discountFen: number; goodsFen: number };
    };
    expect(p.totals.discountFen).toBe(Number(o.discount_fen));
    expect(p.totals.goodsFen + Number(o.shipping_fen)).toBe(Number(o.paid_fen));
    expect(p.lines.flatMap((l) => l.adjustments).every((a) => a.amountFen > 0 && a.note.length > 0)).toBe(true);
    // Every discounted order has its pricing row, and the fen agree.
    const unexplained = await db()
      .selectFrom('orders')
      .leftJoin('order_pricings', 'order_pricings.order_id', 'orders.id')
      .select('orders.id')
      .where('orders.discount_fen', '>', 0)
      .where('orders.shop_id', '!=', realShop)
      .where((eb) =>
        eb.or([eb('order_pricings.order_id', 'is', null), eb('order_pricings.discount_fen', '!=', eb.ref('orders.discount_fen'))]),
      )
      .limit(1)
      .execute();
    expect(unexplained).toHaveLength(0);
    // Coupon usage statistics: issued, used, unused; claims count per buyer.
    const templates = (await admin.get(`/api/v1/marketing/coupon-templates?shopId=${tmall}&page=1&pageSize=50`)).json().items as {
      issued: number;
      used: number;
      discountFen: number;
    }[];
    expect(templates.length).toBeGreaterThanOrEqual(2);
    expect(templates.some((t) => t.used > 0 && t.discountFen > 0 && t.issued > t.used)).toBe(true);
    const claims = await db()
      .selectFrom('coupon_claims')
      .select((eb) => eb.fn.sum<number>('claimed').as('n'))
      .executeTakeFirstOrThrow();
    const issued = await db()
      .selectFrom('coupon_templates')
      .select((eb) => eb.fn.sum<number>('issued').as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(claims.n)).toBe(Number(issued.n));
    expect(Number(issued.n)).toBe(await countOf('coupons'));
    // The calendar's past activities have effect reports with real figures.
    const cal = (await admin.get(`/api/v1/marketing/calendar?shopId=${tmall}&month=2026-11`)).json() as {
      activities: { id: string; name: string; status: string; skuIds: string[] }[];
    };
    const d11 = cal.activities.find((a) => a.name.startsWith('双 11'))!;
    expect(d11.status).toBe('ended');
    const eff = (await admin.get(`/api/v1/marketing/activities/${d11.id}/effect`)).json();
    expect(eff.scope).toBe('shop');
    expect(eff.current.salesFen).toBeGreaterThan(0);
    expect(eff.current.orders).toBeGreaterThan(0);
    expect(eff.current.promotionCostFen).toBeGreaterThan(0);
    expect(eff.baseline.salesFen).toBeGreaterThan(0);
    expect(eff.roi).toBeGreaterThan(0);
    // Customers with an email: some, more on the own site.
    const emails = await db()
      .selectFrom('customers')
      .select(['channel', (eb) => eb.fn.countAll<number>().as('n')])
      .where('email', '!=', '')
      .groupBy('channel')
      .execute();
    const by = new Map(emails.map((e) => [e.channel, Number(e.n)]));
    expect(by.get('own') ?? 0).toBeGreaterThan(10);
    expect([...by.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(by.get('own')!);
  });

  it('loads on first start only into an empty database, and never with YUNYING_DEMO=0', async () => {
    expect(await firstStartDemo(ctx.tdb.database, { env: {}, log: () => {} })).toBeNull();
    expect(await firstStartDemo(ctx.tdb.database, { env: { YUNYING_DEMO: '0' }, log: () => {} })).toBeNull();
  });

  it('refuses to load a second time', async () => {
    await expect(loadDemo(ctx.tdb.database, { profile: 'small', seed: SEED, now: NOW })).rejects.toMatchObject({ code: 'conflict' });
    expect(await count('shops', ['is_demo', '1'])).toBe(3);
  });

  it('DELETE /demo needs shops.write', async () => {
    const { client } = await ctx.userWithRoles('kefu', ['service']);
    expect((await client.delete('/api/v1/demo')).statusCode).toBe(403);
  });

  it('deletes every demo row and leaves the real shop, SKU, stock and order untouched', async () => {
    const stockBefore = await stockOf(ctx, realSku);
    const ledgerBefore = await ledgerOf(ctx, realSku);
    const admin = await ctx.admin();
    const res = await admin.delete('/api/v1/demo');
    expect(res.statusCode, res.body).toBe(204);
    expect((await admin.get('/api/v1/demo')).json()).toEqual({ loaded: false, shops: [] });
    expect(await count('shops')).toBe(1);
    expect(await count('products')).toBe(1);
    expect(await count('skus')).toBe(1);
    expect(await count('orders')).toBe(1);
    expect(await count('events')).toBe(0);
    expect(await count('listings')).toBe(0);
    for (const t of [
      'order_lines',
      'aftersales',
      'aftersale_lines',
      'purchase_orders',
      'suppliers',
      'categories',
      'brands',
      'traffic_stats',
    ] as const) {
      const n = await db()
        .selectFrom(t)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(n.n), t).toBe(t === 'order_lines' ? 1 : 0);
    }
    for (const t of ['coupons', 'promotions', 'activities', 'order_pricings', 'coupon_redemptions'] as const)
      expect(await countOf(t), t).toBe(0);
    const rollups = await db().selectFrom('rollup_daily').select('shop_id').where('shop_id', '!=', realShop).limit(1).execute();
    expect(rollups).toHaveLength(0);
    const whs = await db().selectFrom('warehouses').select('code').execute();
    expect(whs.map((w) => w.code)).toEqual(['WH01']);
    expect(await stockOf(ctx, realSku)).toEqual(stockBefore);
    expect(await ledgerOf(ctx, realSku)).toEqual(ledgerBefore);
    expect((await db().selectFrom('orders').select('id').executeTakeFirstOrThrow()).id).toBe(realOrder);
    const audit = await db().selectFrom('audit_log').select('action').where('action', 'in', ['demo.load', 'demo.delete']).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['demo.delete', 'demo.load']);
  });
});

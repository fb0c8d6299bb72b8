/**
 * The whole-shop customers rebuild writes only what differs from the stored rows (issue 11, the
 * 1M-order rebuild): over current customers it writes nothing; after orders changed behind its back
 * (a nick moved, a cancellation, a refund, an order gone) it ends where a rebuild from no customers
 * ends, while notes, tags and merges stay as they were.
 */
import { addDays, businessDay, REPLACEMENT_SOURCE } from '@yunying/core';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import * as customers from '../src/modules/customers/index.js';
import { rebuildLimits } from '../src/modules/customers/customers.sync.js';
import { describeEachDialect } from './dialects.js';
import { makeBackdatedOrders, makeShop, type BackdatedOrder } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const TODAY = businessDay(Date.now(), 'Asia/Shanghai');

describeEachDialect('customers: a whole-shop rebuild writes only what changed', (dialect) => {
  const ctx = useTestApp(dialect);
  const db = () => ctx.tdb.database.db;
  let admin: Client;
  let shopId: string;
  /** Order ids per nick, in the order written. */
  const ordersOf = new Map<string, string[]>();

  const order = (nick: string, daysAgo: number, priceFen: number): BackdatedOrder => ({
    shopId,
    day: addDays(TODAY, -daysAgo),
    paidDay: addDays(TODAY, -daysAgo),
    status: 'completed',
    visitorId: null,
    nick,
    sourceCode: null,
    shippingFen: 0,
    lines: [{ skuId: null, qty: 1, unitPriceFen: priceFen, unitCostFen: 0 }],
  });
  const idOf = async (nick: string) =>
    (await db().selectFrom('customers').select('id').where('shop_id', '=', shopId).where('nick', '=', nick).executeTakeFirstOrThrow()).id;
  /** Customers by identity: figures, contact, note, merge. */
  const customerRows = async () =>
    new Map(
      (await db().selectFrom('customers').selectAll().where('shop_id', '=', shopId).execute()).map((c) => [
        c.identity_key,
        {
          id: c.id,
          order_count: Number(c.order_count),
          paid_orders: Number(c.paid_orders),
          paid_fen: Number(c.paid_fen),
          refund_fen: Number(c.refund_fen),
          first_paid_day: c.first_paid_day,
          last_paid_day: c.last_paid_day,
          cycle_days: c.cycle_days === null ? null : Number(c.cycle_days),
          name: c.name,
          phone: c.phone,
          note: c.note,
          merged_into: c.merged_into,
          updated_at: Number(c.updated_at),
        },
      ]),
    );
  /** Order facts by order id, their customer named by identity (ids differ after a rebuild from none). */
  const factRows = async () =>
    new Map(
      (
        await db()
          .selectFrom('customer_orders as f')
          .innerJoin('customers as c', 'c.id', 'f.customer_id')
          .select([
            'f.order_id',
            'c.identity_key',
            'f.status',
            'f.paid',
            'f.paid_day',
            'f.paid_at',
            'f.paid_fen',
            'f.refund_fen',
            'f.ordered_at',
          ])
          .where('f.shop_id', '=', shopId)
          .execute()
      ).map((f) => [
        f.order_id,
        {
          ...f,
          paid: Number(f.paid),
          paid_at: Number(f.paid_at),
          paid_fen: Number(f.paid_fen),
          refund_fen: Number(f.refund_fen),
          ordered_at: Number(f.ordered_at),
        },
      ]),
    );
  const figures = (c: {
    order_count: number;
    paid_orders: number;
    paid_fen: number;
    refund_fen: number;
    last_paid_day: string | null;
    cycle_days: number | null;
  }) => ({
    order_count: c.order_count,
    paid_orders: c.paid_orders,
    paid_fen: c.paid_fen,
    refund_fen: c.refund_fen,
    last_paid_day: c.last_paid_day,
    cycle_days: c.cycle_days,
  });

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '重建测试店');
    const plan: [string, number, number][] = [
      ['甲', 90, 5000],
      ['甲', 60, 7000],
      ['甲', 30, 9000],
      ['乙', 40, 3000],
      ['丙', 50, 4000],
      ['丙', 20, 4500],
      ['丁', 10, 12000],
      ['戊', 15, 2500],
      ['辛', 25, 6600],
    ];
    const ids = await makeBackdatedOrders(
      ctx,
      plan.map(([nick, ago, fen]) => order(nick, ago, fen)),
    );
    plan.forEach(([nick], i) => ordersOf.set(nick, [...(ordersOf.get(nick) ?? []), ids[i]!]));
    await customers.markShopDirty(db(), shopId);
    await customers.refreshShops(db(), [shopId]);
  });

  it('over current customers nothing is written; after order changes it matches a rebuild from none, notes, tags and merges kept', async () => {
    const first = await customerRows();
    expect(first.size).toBe(6);
    const again = await customers.rebuildShop(db(), shopId);
    expect(again).toMatchObject({ customers: 6, orders: 9, written: { customers: 0, orders: 0, removed: 0 } });
    expect(await customerRows()).toEqual(first);

    // A note and tags by hand, 丁 merged into 甲.
    const yi = await idOf('乙');
    expect((await admin.patch(`/api/v1/customers/${yi}`, { note: '电话回访过', tags: ['重点'] })).statusCode).toBe(200);
    expect((await admin.patch(`/api/v1/customers/${await idOf('丙')}`, { tags: ['老客'] })).statusCode).toBe(200);
    const jia = await idOf('甲');
    const ding = await idOf('丁');
    const m = await admin.post('/api/v1/customers/merge', { targetId: jia, sourceIds: [ding] });
    expect(m.statusCode, m.body).toBe(200);

    // Orders changed without marks: 乙's only order now belongs to a new buyer 己, 戊's order is
    // cancelled, 甲's first order refunded in full, 丙's second order becomes a replacement (no fact).
    const set = (id: string, patch: Record<string, unknown>) => db().updateTable('orders').set(patch).where('id', '=', id).execute();
    await set(ordersOf.get('乙')![0]!, { buyer_nick: '己' });
    await set(ordersOf.get('戊')![0]!, { status: 'cancelled' });
    await set(ordersOf.get('甲')![0]!, { refund_fen: 5000, status: 'refunded' });
    await set(ordersOf.get('丙')![1]!, { source: REPLACEMENT_SOURCE });
    const before = await customerRows();
    await new Promise((r) => setTimeout(r, 5)); // a later updated_at for what is rewritten
    const r = await customers.rebuildShop(db(), shopId);
    // Rewritten: 乙 (no orders now), 己 (new), 戊, 甲 (own figures, then its members' again), 丙.
    expect(r.written).toEqual({ customers: 5, orders: 3, removed: 1 });
    const after = await customerRows();
    expect(after.get('nick:辛')).toEqual(before.get('nick:辛')); // untouched, updated_at included
    expect(after.get('nick:乙')).toMatchObject({ id: yi, order_count: 0, paid_orders: 0, paid_fen: 0, note: '电话回访过' });
    expect(after.get('nick:己')).toMatchObject({ order_count: 1, paid_orders: 1, paid_fen: 3000 });
    expect(after.get('nick:戊')).toMatchObject({ order_count: 1, paid_orders: 0, paid_fen: 0 });
    expect(after.get('nick:丙')).toMatchObject({ order_count: 1, paid_orders: 1, paid_fen: 4000 });
    expect(after.get('nick:丁')).toMatchObject({ id: ding, merged_into: jia, paid_fen: 12000 });
    // The merge target counts its member's order: 5,000 + 7,000 + 9,000 + 12,000, 5,000 refunded.
    expect(after.get('nick:甲')).toMatchObject({ id: jia, order_count: 4, paid_orders: 4, paid_fen: 33000, refund_fen: 5000 });
    const tags = await db().selectFrom('customer_tags').select(['customer_id', 'tag']).execute();
    expect(new Set(tags.map((t) => `${t.customer_id} ${t.tag}`))).toEqual(new Set([`${yi} 重点`, `${await idOf('丙')} 老客`]));
    expect((await customers.rebuildShop(db(), shopId)).written).toMatchObject({ orders: 0, removed: 0 });

    // The same facts and (unmerged) figures as a rebuild from no customers at all.
    const facts = await factRows();
    expect(facts.size).toBe(8);
    await db()
      .transaction()
      .execute((trx) => customers.bulk.removeShopCustomers(trx, [shopId]));
    const fresh = await customers.rebuildShop(db(), shopId);
    expect(fresh.written).toMatchObject({ orders: 8, removed: 0 });
    expect(await factRows()).toEqual(facts);
    const rebuilt = await customerRows();
    for (const key of ['nick:丙', 'nick:戊', 'nick:己', 'nick:辛']) expect(figures(rebuilt.get(key)!)).toEqual(figures(after.get(key)!));
    expect(rebuilt.has('nick:乙')).toBe(false); // no orders, and its note went with the removal
  });

  it('a large shop: many statements of rows, indexes rebuilt by one sort on SQLite; figures equal a recount from the orders', async () => {
    const big = await makeShop(ctx, admin, '大店');
    // 4,000 buyers, 9,000 orders: more than two full statements of both customers and facts.
    const raw: { nick: string; fen: number; paid: boolean; day: string }[] = [];
    for (let i = 0; i < 9000; i++) {
      const nick = `大店买家${i % 4000}`;
      const paid = i % 7 !== 3;
      raw.push({ nick, fen: 1000 + (i % 37) * 100, paid, day: addDays(TODAY, -(i % 120)) });
    }
    await makeBackdatedOrders(
      ctx,
      raw.map((o) => ({
        ...order(o.nick, 0, o.fen),
        shopId: big,
        day: o.day,
        paidDay: o.paid ? o.day : null,
        status: o.paid ? 'completed' : 'pending_payment',
      })),
    );
    const indexes = async () =>
      dialect === 'sqlite'
        ? (
            await sql<{
              name: string;
            }>`select name from sqlite_master where type = 'index' and tbl_name in ('customers', 'customer_orders') order by name`.execute(
              db(),
            )
          ).rows.map((r) => r.name)
        : [];
    const before = await indexes();
    rebuildLimits.reindexFrom = 1000;
    try {
      const r = await customers.rebuildShop(db(), big);
      expect(r).toMatchObject({ customers: 4000, orders: 9000, written: { customers: 4000, orders: 9000, removed: 0 } });
    } finally {
      rebuildLimits.reindexFrom = 50_000;
    }
    expect(await indexes()).toEqual(before);
    const expected = new Map<string, { order_count: number; paid_orders: number; paid_fen: number; last_paid_day: string | null }>();
    for (const o of raw) {
      const e = expected.get(o.nick) ?? { order_count: 0, paid_orders: 0, paid_fen: 0, last_paid_day: null };
      e.order_count++;
      if (o.paid) {
        e.paid_orders++;
        e.paid_fen += o.fen;
        if (!e.last_paid_day || o.day > e.last_paid_day) e.last_paid_day = o.day;
      }
      expected.set(o.nick, e);
    }
    const rows = await db()
      .selectFrom('customers')
      .select(['nick', 'order_count', 'paid_orders', 'paid_fen', 'last_paid_day'])
      .where('shop_id', '=', big)
      .execute();
    expect(
      new Map(
        rows.map((c) => [
          c.nick,
          {
            order_count: Number(c.order_count),
            paid_orders: Number(c.paid_orders),
            paid_fen: Number(c.paid_fen),
            last_paid_day: c.last_paid_day,
          },
        ]),
      ),
    ).toEqual(expected);
    const facts = await db()
      .selectFrom('customer_orders as f')
      .innerJoin('customers as c', 'c.id', 'f.customer_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('f.shop_id', '=', big)
      .where('c.shop_id', '=', big)
      .executeTakeFirstOrThrow();
    expect(Number(facts.n)).toBe(9000);
    // Rebuilt again: nothing to write.
    expect((await customers.rebuildShop(db(), big)).written).toEqual({ customers: 0, orders: 0, removed: 0 });
  });
});

/**
 * RFM's M as of a day (issue 11): paid amount net of the refunds that succeeded by that day — a
 * refund made later does not lower an earlier day's M — checked against a recount from the raw
 * orders and refunds on several days, and the segments follow (a customer refunded after the
 * as-of day keeps that day's segment).
 */
import { addDays, businessDay } from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import * as customers from '../src/modules/customers/index.js';
import { describeEachDialect } from './dialects.js';
import { makeBackdatedOrder, makeShop, makeSku } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const TZ = 'Asia/Shanghai';

describeEachDialect('customers: RFM M as of a day uses the refunds ledger', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shop: string;
  const T = businessDay(Date.now(), TZ);
  const raw: { nick: string; paidDay: string; paid: number; refund: number; refundDay: string }[] = [];

  beforeAll(async () => {
    admin = await ctx.admin();
    shop = await makeShop(ctx, admin, '退款口径店');
    const sku = await makeSku(ctx, { code: 'ASOF-1', priceFen: 10_000, stock: 100 });
    for (let i = 0; i < 12; i++) {
      const paidDay = addDays(T, -60 + i);
      const qty = 1 + (i % 3);
      const price = 5_000 + i * 1_000;
      // Every other buyer refunds one unit, on a day spread over the last 40 days.
      const refund = i % 2 === 0 ? price : 0;
      const refundDay = addDays(T, -40 + i * 3);
      await makeBackdatedOrder(ctx, {
        shopId: shop,
        day: paidDay,
        paidDay,
        status: refund ? 'refunded' : 'completed',
        visitorId: null,
        nick: `口径买家${i}`,
        sourceCode: null,
        shippingFen: 0,
        refundDay,
        lines: [{ skuId: sku, qty, unitPriceFen: price, unitCostFen: 1000, refundFen: refund }],
      });
      raw.push({ nick: `口径买家${i}`, paidDay, paid: qty * price, refund, refundDay });
    }
    await customers.markShopDirty(ctx.tdb.database.db, shop);
  });

  it('M on each day subtracts only the refunds that succeeded by then', async () => {
    const list = (await admin.get(`/api/v1/customers?shopId=${shop}&pageSize=50`)).json().items as { id: string; nick: string }[];
    const nickOf = new Map(list.map((c) => [c.id, c.nick]));
    let sawDifference = false;
    for (const asOf of [addDays(T, -45), addDays(T, -30), addDays(T, -20), addDays(T, -10), T]) {
      const inputs = await customers.rfmInputs(ctx.tdb.database.db, shop, asOf);
      const got = Object.fromEntries(inputs.map((x) => [nickOf.get(x.customerId)!, x.netPaidFen]));
      const want: Record<string, number> = {};
      for (const o of raw) if (o.paidDay <= asOf) want[o.nick] = (want[o.nick] ?? 0) + o.paid - (o.refundDay <= asOf ? o.refund : 0);
      expect(got).toEqual(want);
      if (Object.keys(want).some((n) => want[n] !== raw.filter((o) => o.nick === n).reduce((s, o) => s + o.paid - o.refund, 0)))
        sawDifference = true;
      const rfm = (await admin.get(`/api/v1/customers/rfm?shopId=${shop}&asOf=${asOf}`)).json();
      expect(rfm.customers).toBe(Object.keys(want).length);
    }
    // The days chosen do see refunds made after them (else the test would prove nothing).
    expect(sawDifference).toBe(true);
  });
});

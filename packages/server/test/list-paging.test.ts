/**
 * Lists at a million orders (issue 10 item 1): the keyset (cursor) walk gives exactly the rows of
 * the offset pages, in the order a plain sort gives (ties broken by id, orders without a paid or
 * ship time after the others in both directions, on both databases); counts stop at 10,000 and
 * say so; a cursor that does not fit the sort is a Chinese 400.
 */
import { COUNT_CAP, ORDER_LIST_SORTS, newId } from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import * as orders from '../src/modules/orders/index.js';
import { describeEachDialect } from './dialects.js';
import { makeShop } from './fixtures.js';
import type { Client, TestContext } from './harness.js';
import { useTestApp } from './harness.js';

const T0 = Date.UTC(2026, 10, 1);

interface Spec {
  status: string;
  orderedAt: number;
  paidAt: number | null;
  shippedAt: number | null;
  paidFen: number;
}

async function insert(ctx: TestContext, shopId: string, specs: Spec[]): Promise<void> {
  for (let i = 0; i < specs.length; i += 2000) {
    await orders.bulk.insertOrders(ctx.tdb.database.db, {
      orgId: ctx.orgId,
      source: 'manual',
      eventActor: () => '',
      orders: specs.slice(i, i + 2000).map((s) => {
        const id = newId('order');
        return {
          id,
          shopId,
          channel: 'tmall',
          orderNo: id,
          status: s.status,
          stockMode: 'none',
          warehouseId: null,
          buyerNick: 'tb_翻页',
          receiverName: '张三',
          receiverPhone: '13800000000',
          receiverAddress: '杭州',
          buyerNote: '',
          sellerMemo: '',
          goodsFen: s.paidFen,
          discountFen: 0,
          shippingFen: 0,
          paidFen: s.paidFen,
          refundFen: 0,
          itemCount: 1,
          isPresale: false,
          urgent: false,
          logisticsException: false,
          carrier: null,
          trackingNo: null,
          orderedAt: s.orderedAt,
          paidAt: s.paidAt,
          shippedAt: s.shippedAt,
          deliveredAt: null,
          completedAt: null,
          cancelledAt: null,
          orderDay: '2026-11-01',
          paidDay: s.paidAt === null ? null : '2026-11-01',
          visitorId: null,
          sourceCode: null,
          updatedAt: s.orderedAt,
          lines: [
            {
              id: newId('orderLine'),
              lineNo: 1,
              skuId: null,
              title: '翻页测试商品',
              specText: '',
              merchantCode: '',
              channelItemId: '',
              qty: 1,
              unitPriceFen: s.paidFen,
              discountFen: 0,
              paidFen: s.paidFen,
              refundFen: 0,
              refundedQty: 0,
              unitCostFen: 0,
            },
          ],
          events: [],
          refunds: [],
        };
      }),
    });
  }
}

interface Row {
  id: string;
  orderedAt: number;
  paidAt: number | null;
  shippedAt: number | null;
  paidFen: number;
}
interface ListBody {
  items: Row[];
  total: number;
  totalCapped?: boolean;
  nextCursor?: string | null;
  counts: Record<string, number>;
}

describeEachDialect('order list paging at scale', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopA: string;
  let shopB: string;

  async function list(query: string): Promise<ListBody> {
    const res = await admin.get(`/api/v1/orders?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as ListBody;
  }

  beforeAll(async () => {
    admin = await ctx.admin();
    shopA = await makeShop(ctx, admin, '翻页店');
    shopB = await makeShop(ctx, admin, '计数店', { channel: 'jd' });
    // 61 orders with many ties: 5 order times, 4 pay times, 3 ship times, 6 amounts; a third unpaid.
    const specs: Spec[] = [];
    for (let i = 0; i < 61; i++) {
      const paid = i % 3 !== 0;
      const shipped = paid && i % 2 === 0;
      specs.push({
        status: shipped ? 'shipped' : paid ? 'paid' : 'pending_payment',
        orderedAt: T0 + (i % 5) * 60_000,
        paidAt: paid ? T0 + 600_000 + (i % 4) * 60_000 : null,
        shippedAt: shipped ? T0 + 3_600_000 + (i % 3) * 60_000 : null,
        paidFen: 1000 + (i % 6) * 100,
      });
    }
    await insert(ctx, shopA, specs);
  });

  it('walking by cursor gives exactly the offset pages, in the sort order, for every sort', async () => {
    const key = { orderedAt: 'orderedAt', paidAt: 'paidAt', shippedAt: 'shippedAt', paidFen: 'paidFen' } as const;
    for (const sort of ORDER_LIST_SORTS) {
      for (const filter of [`shopId=${shopA}`, `shopId=${shopA}&status=paid,shipped`]) {
        const q = `${filter}&sort=${sort}&pageSize=7`;
        const offset: Row[] = [];
        for (let page = 1; ; page++) {
          const b = await list(`${q}&page=${page}`);
          offset.push(...b.items);
          if (b.items.length < 7) break;
        }
        const keyset: Row[] = [];
        let cursor: string | null | undefined = null;
        for (let page = 1; page < 30; page++) {
          const b: ListBody = await list(`${q}&page=${page}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          keyset.push(...b.items);
          cursor = b.nextCursor;
          if (!cursor) break;
        }
        const ids = (rs: Row[]) => rs.map((r) => r.id);
        expect(ids(keyset), `${dialect} ${q}: cursor walk = offset pages`).toEqual(ids(offset));
        // The order a plain sort gives: by the column (empty last), then by id, in the sort's direction.
        const desc = sort.startsWith('-');
        const col = key[sort.replace(/^-/, '') as keyof typeof key];
        const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0) * (desc ? -1 : 1);
        const expected = [...offset].sort((a, b) => {
          const va = a[col];
          const vb = b[col];
          if (va === null || vb === null) {
            if (va !== vb) return va === null ? 1 : -1;
          } else if (va !== vb) return cmp(va, vb);
          return cmp(a.id, b.id);
        });
        expect(ids(offset), `${dialect} ${q}: sorted`).toEqual(ids(expected));
        const total = (await list(`${q}&page=1`)).total;
        expect(offset.length, `${dialect} ${q}: every order once`).toBe(total);
        expect(new Set(ids(offset)).size).toBe(total);
      }
    }
  });

  it('counts are exact up to 10,000 and say "more" above it; the status tabs are capped the same way', async () => {
    const specs: Spec[] = [];
    for (let i = 0; i < COUNT_CAP + 5; i++)
      specs.push({ status: 'paid', orderedAt: T0 + i, paidAt: T0 + i, shippedAt: null, paidFen: 500 });
    for (let i = 0; i < 3; i++) specs.push({ status: 'cancelled', orderedAt: T0 + i, paidAt: null, shippedAt: null, paidFen: 500 });
    await insert(ctx, shopB, specs);
    const all = await list(`shopId=${shopB}&pageSize=20`);
    expect(all.total).toBe(COUNT_CAP + 1);
    expect(all.totalCapped).toBe(true);
    expect(all.counts.all).toBe(COUNT_CAP + 1);
    expect(all.counts.paid).toBe(COUNT_CAP + 1);
    expect(all.counts.cancelled).toBe(3);
    expect(all.items).toHaveLength(20);
    const cancelled = await list(`shopId=${shopB}&status=cancelled`);
    expect([cancelled.total, cancelled.totalCapped, cancelled.items.length]).toEqual([3, false, 3]);
    expect(cancelled.nextCursor).toBeNull();
    // Exact below the cap: shop A's 61 orders split by status.
    const a = await list(`shopId=${shopA}`);
    expect([a.total, a.totalCapped]).toEqual([61, false]);
    expect(a.counts.all).toBe(61);
    expect((a.counts.pending_payment ?? 0) + (a.counts.paid ?? 0) + (a.counts.shipped ?? 0)).toBe(61);
    // A deep page by cursor, far past 10,000 rows: the last orders of shop B, oldest first.
    let cursor: string | null | undefined = null;
    let page = 0;
    let last: ListBody | null = null;
    do {
      last = await list(
        `shopId=${shopB}&sort=orderedAt&pageSize=200&page=${++page}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      cursor = last.nextCursor;
    } while (cursor);
    expect(page).toBe(Math.ceil((COUNT_CAP + 8) / 200));
    expect(last.items.at(-1)!.orderedAt).toBe(T0 + COUNT_CAP + 4);
  });

  it('a cursor that does not belong to the sort is refused in Chinese (400), naming the field', async () => {
    const first = await list(`shopId=${shopA}&sort=-paidFen&pageSize=5`);
    const res = await admin.get(`/api/v1/orders?shopId=${shopA}&sort=-paidFen&cursor=not-a-cursor`);
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain('翻页位置');
    const wrong = Buffer.from(JSON.stringify(['x', 1])).toString('base64url');
    expect((await admin.get(`/api/v1/orders?shopId=${shopA}&sort=-paidFen&cursor=${wrong}`)).statusCode).toBe(400);
    expect(first.nextCursor).toBeTruthy();
  });
});

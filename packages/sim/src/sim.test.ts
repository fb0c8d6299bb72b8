import { addDays } from '@yunying/core';
import { describe, expect, it } from 'vitest';
import { digest, generate, type SimDay, type SimMovement } from './index.js';

const NOW = Date.parse('2026-11-20T07:00:00Z'); // 15:00 in Shanghai
const opts = { profile: 'small' as const, seed: 7, endDay: '2026-11-20', timezone: 'Asia/Shanghai', now: NOW };

const days: SimDay[] = [...generate(opts).days()];
const world = generate(opts);

function sum<T>(xs: readonly T[], f: (x: T) => number): number {
  return xs.reduce((a, x) => a + f(x), 0);
}
const uv = (d: SimDay, shopId?: string, source?: string) =>
  new Set(d.events.filter((e) => (!shopId || e.shopId === shopId) && (!source || e.sourceCode === source)).map((e) => e.visitorId)).size;

describe('sim: determinism', () => {
  it('same seed → same data, different seed → different data', () => {
    const a = digest(generate(opts));
    expect(digest(generate(opts))).toBe(a);
    expect(digest(generate({ ...opts, seed: 8 }))).not.toBe(a);
  }, 180_000); // three whole runs: ~15 s alone, over a minute when the machine is busy
});

describe('sim: small profile shape', () => {
  it('has 3 demo shops, ~80 SKUs across ~20 products with costs 35–60 % of price', () => {
    expect(world.shops.map((s) => s.channel)).toEqual(['tmall', 'jd', 'own']);
    const skus = world.products.flatMap((p) => p.skus);
    expect(world.products.length).toBeGreaterThanOrEqual(18);
    expect(skus.length).toBeGreaterThanOrEqual(70);
    expect(skus.length).toBeLessThanOrEqual(90);
    for (const s of skus) {
      expect(s.costFen / s.priceFen).toBeGreaterThan(0.3);
      expect(s.costFen / s.priceFen).toBeLessThan(0.62);
    }
    expect(new Set(skus.map((s) => s.code)).size).toBe(skus.length);
    expect(days).toHaveLength(90);
    expect(days.at(-1)!.day).toBe('2026-11-20');
  });

  it('fills today only up to now, and yesterday fully', () => {
    const today = days.at(-1)!;
    const yesterday = days.at(-2)!;
    expect(today.events.length).toBeGreaterThan(0);
    expect(today.orders.length).toBeGreaterThan(0);
    expect(yesterday.orders.length).toBeGreaterThan(today.orders.length);
    const all = days.flatMap((d) => [
      ...d.events.map((e) => e.at),
      ...d.orders.flatMap((o) => o.events.map((e) => e.at)),
      ...d.movements.map((m) => m.at),
    ]);
    expect(all.reduce((m, x) => Math.max(m, x), 0)).toBeLessThanOrEqual(NOW);
  });
});

describe('sim: invariants', () => {
  it('orders come only from visitors who viewed the ordered products before ordering', () => {
    for (const d of days) {
      const views = new Map<string, number>();
      for (const e of d.events)
        if (e.type === 'product_view')
          views.set(
            `${e.shopId}|${e.visitorId}|${e.productId}`,
            Math.min(views.get(`${e.shopId}|${e.visitorId}|${e.productId}`) ?? Infinity, e.at),
          );
      for (const o of d.orders) {
        for (const l of o.lines) {
          const seen = views.get(`${o.shopId}|${o.visitorId}|${l.productId}`);
          expect(seen, `${o.orderNo} ${l.title}`).toBeDefined();
          expect(seen!).toBeLessThanOrEqual(o.orderedAt);
        }
      }
    }
  });

  it('money adds up: lines sum to the order, paid ≤ ordered, refunds ≤ paid', () => {
    let paid = 0;
    for (const o of days.flatMap((d) => d.orders)) {
      expect(sum(o.lines, (l) => l.unitPriceFen * l.qty)).toBe(o.goodsFen);
      expect(sum(o.lines, (l) => l.discountFen)).toBe(o.discountFen);
      expect(o.paidFen).toBe(o.goodsFen - o.discountFen + o.shippingFen);
      expect(o.refundFen).toBeLessThanOrEqual(o.paidFen);
      if (o.paidAt !== null) paid++;
    }
    expect(paid).toBeLessThan(days.flatMap((d) => d.orders).length);
    expect(paid / days.flatMap((d) => d.orders).length).toBeGreaterThan(0.85);
  });

  it('the funnel is monotonic every day: visit ≥ detail ≥ cart ≥ order ≥ pay', () => {
    for (const d of days.slice(0, -1)) {
      const visitors = uv(d);
      const detail = new Set(d.events.filter((e) => e.type === 'product_view').map((e) => e.visitorId)).size;
      const cartOrBuy = new Set([
        ...d.events.filter((e) => e.type === 'add_to_cart' || e.type === 'begin_checkout').map((e) => e.visitorId),
      ]).size;
      const ordering = new Set(d.orders.map((o) => o.visitorId)).size;
      const paying = new Set(d.orders.filter((o) => o.paidDay === d.day).map((o) => o.visitorId)).size;
      expect(visitors).toBeGreaterThanOrEqual(detail);
      expect(detail).toBeGreaterThanOrEqual(cartOrBuy);
      expect(cartOrBuy).toBeGreaterThanOrEqual(ordering);
      expect(ordering).toBeGreaterThanOrEqual(paying - 30); // presale balances land on a later day
    }
  });

  it('stock never goes negative when the ledger is replayed in time order', () => {
    const ms: SimMovement[] = days.flatMap((d) => d.movements).sort((a, b) => a.at - b.at);
    const st = new Map<string, number[]>();
    for (const m of ms) {
      const k = `${m.skuId}|${m.warehouseId}`;
      const s = st.get(k) ?? [0, 0, 0, 0];
      s[0]! += m.dOnHand;
      s[1]! += m.dReserved;
      s[2]! += m.dAvailable;
      s[3]! += m.dDefective;
      st.set(k, s);
      expect(Math.min(...s), `${k} after ${m.type} at ${m.at}`).toBeGreaterThanOrEqual(0);
      expect(s[0]).toBe(s[1]! + s[2]!);
    }
  });

  it('visitors return across days and buyers buy again under the same nick', () => {
    const seen = new Set<string>();
    let returning = 0;
    for (const d of days) {
      const ids = new Set(d.events.map((e) => e.visitorId));
      for (const v of ids) if (seen.has(v)) returning++;
      for (const v of ids) seen.add(v);
    }
    expect(returning).toBeGreaterThan(1000);
    const byNick = new Map<string, number>();
    for (const o of days.flatMap((d) => d.orders))
      if (o.paidAt) byNick.set(`${o.shopId}|${o.buyerNick}`, (byNick.get(`${o.shopId}|${o.buyerNick}`) ?? 0) + 1);
    expect([...byNick.values()].filter((n) => n >= 2).length).toBeGreaterThan(20);
  });

  it('has refunds, after-sales (some overdue), cancellations, presale and every order status', () => {
    const orders = days.flatMap((d) => d.orders);
    const statuses = new Set(orders.map((o) => o.status));
    for (const s of ['pending_payment', 'paid', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded'])
      expect(statuses).toContain(s);
    expect(orders.some((o) => o.isPresale && o.paidDay !== o.orderDay)).toBe(true);
    const cases = days.flatMap((d) => d.aftersales);
    expect(cases.length).toBeGreaterThan(50);
    const open = cases.filter((c) => !['completed', 'closed'].includes(c.status));
    expect(open.some((c) => c.slaDueAt < NOW)).toBe(true);
    // Old orders are finished, recent ones still moving.
    expect(
      days[0]!.orders.every(
        (o) => ['completed', 'cancelled', 'refunded'].includes(o.status) || o.refundFen > 0 || o.status === 'delivered',
      ),
    ).toBe(true);
    expect(days.at(-1)!.orders.some((o) => o.status === 'paid' || o.status === 'pending_payment')).toBe(true);
  });
});

describe('sim: rhythm, spike and planted problems show in the numbers', () => {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const mean = (xs: number[]) => sum(xs, (x) => x) / xs.length;

  it('the 3-day promotion lifts visitors and orders well above the weeks around it', () => {
    const p = world.promotions[0]!;
    const promo = [0, 1, 2].map((i) => byDay.get(addDays(p.fromDay, i))!);
    const base = [-14, -13, -12, -11, 10, 11, 12].map((i) => byDay.get(addDays(p.fromDay, i))!);
    expect(mean(promo.map((d) => uv(d)))).toBeGreaterThan(1.5 * mean(base.map((d) => uv(d))));
    expect(mean(promo.map((d) => d.orders.length))).toBeGreaterThan(2 * mean(base.map((d) => d.orders.length)));
  });

  it('(a) one product: detail views unchanged, orders fall', () => {
    const a = world.problems.conversionDrop;
    const before = days.filter(
      (d) =>
        d.day < a.fromDay &&
        d.day >= addDays(a.fromDay, -12) &&
        !world.promotions.some((p) => d.day >= addDays(p.fromDay, -5) && d.day <= addDays(p.toDay, 3)),
    );
    const after = days.filter((d) => d.day >= a.fromDay && d.day < '2026-11-20');
    const views = (ds: SimDay[]) =>
      mean(ds.map((d) => d.events.filter((e) => e.type === 'product_view' && e.productId === a.productId).length));
    const orders = (ds: SimDay[]) => mean(ds.map((d) => d.orders.filter((o) => o.lines.some((l) => l.productId === a.productId)).length));
    expect(views(after) / views(before)).toBeGreaterThan(0.8);
    expect(orders(after) / orders(before)).toBeLessThan(0.6);
  });

  it('(b) one source of one shop loses ~40 % of its visitors in the last two weeks', () => {
    const b = world.problems.trafficDrop;
    const recent = days.filter((d) => d.day >= b.fromDay && d.day < '2026-11-20');
    const earlier = days.filter(
      (d) =>
        d.day >= addDays(b.fromDay, -21) &&
        d.day < b.fromDay &&
        !world.promotions.some((p) => d.day >= addDays(p.fromDay, -2) && d.day <= p.toDay),
    );
    const ratio = mean(recent.map((d) => uv(d, b.shopId, b.sourceCode))) / mean(earlier.map((d) => uv(d, b.shopId, b.sourceCode)));
    expect(ratio).toBeGreaterThan(0.45);
    expect(ratio).toBeLessThan(0.75);
    const other = mean(recent.map((d) => uv(d, b.shopId, 'search'))) / mean(earlier.map((d) => uv(d, b.shopId, 'search')));
    expect(other).toBeGreaterThan(0.85);
  });

  it('(c) shipping is slow for one week at one warehouse', () => {
    const c = world.problems.shippingDelay;
    const hours = (from: string, to: string) => {
      const xs = days
        .flatMap((d) => d.orders)
        .filter((o) => o.warehouseId === c.warehouseId && o.shippedAt && !o.isPresale && o.paidDay! >= from && o.paidDay! <= to)
        .map((o) => (o.shippedAt! - o.paidAt!) / 3_600_000);
      return mean(xs);
    };
    expect(hours(c.fromDay, c.toDay)).toBeGreaterThan(2 * hours(addDays(c.fromDay, -14), addDays(c.fromDay, -1)));
  });

  it('weekends are busier than Fridays', () => {
    const ordinary = days.slice(0, 50).filter((d) => !world.promotions.some((p) => d.day >= addDays(p.fromDay, -3) && d.day <= p.toDay));
    const dow = (d: SimDay) => new Date(`${d.day}T00:00:00Z`).getUTCDay();
    expect(mean(ordinary.filter((d) => dow(d) === 0).map((d) => uv(d)))).toBeGreaterThan(
      mean(ordinary.filter((d) => dow(d) === 5).map((d) => uv(d))),
    );
  });
});

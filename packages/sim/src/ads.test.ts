import { adRates, addDays, breakEvenRoi, marginRateOf } from '@yunying/core';
import { describe, expect, it } from 'vitest';
import { AdBook, generate, type SimDay } from './index.js';

const NOW = Date.parse('2026-11-20T07:00:00Z');
const opts = { profile: 'small' as const, seed: 11, endDay: '2026-11-20', timezone: 'Asia/Shanghai', now: NOW };

describe('sim: ad reports', () => {
  it('clicks are the paid-search visitors; keyword and creative rows agree; a capped winner and a plan below break-even', () => {
    const g = generate(opts);
    const book = new AdBook(g);
    const days: SimDay[] = [];
    for (const d of g.days()) {
      book.add(d);
      days.push({
        ...d,
        events: d.events.filter((e) => e.sourceCode === 'paid_search' || e.sourceCode === 'jd_kuaiche'),
        orders: [],
        movements: [],
        aftersales: [],
        purchaseOrders: [],
      });
    }
    const { plans, rows } = book.finish();
    expect(plans.map((p) => p.name).sort()).toEqual([
      '京东快车-品牌词',
      '京东快车-新品测试',
      '京东快车-爆款拉新',
      '直通车-品牌词',
      '直通车-新品测试',
      '直通车-爆款拉新',
    ]);
    const sum = (rs: typeof rows, f: (r: (typeof rows)[number]) => number) => rs.reduce((a, r) => a + f(r), 0);
    for (const d of days) {
      for (const [shopId, source, tool] of [
        [g.shops[0]!.id, 'paid_search', 'ztc'],
        [g.shops[1]!.id, 'jd_kuaiche', 'kuaiche'],
      ] as const) {
        const visitors = new Set(d.events.filter((e) => e.shopId === shopId && e.sourceCode === source).map((e) => e.visitorId)).size;
        const mine = rows.filter((r) => r.day === d.day && r.shopId === shopId && r.tool === tool);
        expect(
          sum(
            mine.filter((r) => r.level === 'uk'),
            (r) => r.clicks,
          ),
          `${d.day} ${tool}`,
        ).toBe(visitors);
        for (const f of ['clicks', 'impressions', 'spendFen', 'orders', 'salesFen'] as const)
          expect(
            sum(
              mine.filter((r) => r.level === 'uc'),
              (r) => r[f],
            ),
          ).toBe(
            sum(
              mine.filter((r) => r.level === 'uk'),
              (r) => r[f],
            ),
          );
      }
    }
    const last7 = Array.from({ length: 7 }, (_, i) => addDays('2026-11-19', i - 6));
    const planDay = (id: string, day: string) => {
      const rs = rows.filter((r) => r.planId === id && r.day === day && r.level === 'uk');
      return {
        ...{ impressions: 0, favs: 0, carts: 0 },
        clicks: sum(rs, (r) => r.clicks),
        spendFen: sum(rs, (r) => r.spendFen),
        orders: sum(rs, (r) => r.orders),
        salesFen: sum(rs, (r) => r.salesFen),
      };
    };
    for (const p of plans) {
      const be = breakEvenRoi(marginRateOf(g.products.filter((x) => p.productIds.includes(x.id)).flatMap((x) => x.skus)))!;
      const ds = last7.map((d) => planDay(p.id, d));
      if (p.name.endsWith('爆款拉新')) {
        expect(p.dailyBudgetFen).toBeGreaterThan(0);
        for (const d of ds) expect(d.spendFen).toBeLessThanOrEqual(p.dailyBudgetFen!);
        expect(ds.filter((d) => d.spendFen >= p.dailyBudgetFen! * 0.95).length).toBeGreaterThanOrEqual(3);
        const tot = ds.reduce((a, d) => ({ spendFen: a.spendFen + d.spendFen, salesFen: a.salesFen + d.salesFen }), {
          spendFen: 0,
          salesFen: 0,
        });
        expect(tot.salesFen / tot.spendFen).toBeGreaterThan(be);
      }
      if (p.name.endsWith('新品测试')) for (const d of ds) if (d.spendFen > 0) expect(adRates({ ...d }).roi ?? 0).toBeLessThan(be);
    }
  }, 120_000);
});

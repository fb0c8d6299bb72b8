/**
 * The ads figures read from the stored report rows. A plan-day's totals come from the coarsest
 * level the imports hold for it (a plan report before a unit report, before a keyword report, …):
 * spend and clicks are additive, so a keyword file alone still gives its plan's day, and a plan
 * report and a keyword report of the same day are never added together. Units, keywords and
 * creatives are read the same way from the levels that name them.
 */
import { addAdTotals, adRates, breakEvenRoi, emptyAdTotals, marginRateOf, profitAfterAdsFen, type AdTotals } from '@yunying/core';
import { sql, type Kysely } from 'kysely';
import { inChunks } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

type Db = Kysely<DB>;

/** Coarsest first ('h': the plan-day sums of an hourly file, ads.import.ts). */
const LEVEL_ORDER = ['', 'h', 'u', 'k', 'c', 'uk', 'uc', 'kc', 'ukc'];
const rank = (level: string) => {
  const i = LEVEL_ORDER.indexOf(level);
  return i < 0 ? 99 : i;
};

const sums = [
  sql<number>`sum(impressions)`.as('impressions'),
  sql<number>`sum(clicks)`.as('clicks'),
  sql<number>`sum(spend_fen)`.as('spend_fen'),
  sql<number>`sum(orders)`.as('orders'),
  sql<number>`sum(sales_fen)`.as('sales_fen'),
  sql<number>`sum(favs)`.as('favs'),
  sql<number>`sum(carts)`.as('carts'),
] as const;

interface SumRow {
  impressions: number | string;
  clicks: number | string;
  spend_fen: number | string;
  orders: number | string;
  sales_fen: number | string;
  favs: number | string;
  carts: number | string;
}
export const totalsOf = (r: SumRow): AdTotals => ({
  impressions: Number(r.impressions),
  clicks: Number(r.clicks),
  spendFen: Number(r.spend_fen),
  orders: Number(r.orders),
  salesFen: Number(r.sales_fen),
  favs: Number(r.favs),
  carts: Number(r.carts),
});

export interface PlanDays {
  total: AdTotals;
  days: Map<string, AdTotals>;
}

/** Per plan of a shop (optionally some plans): the period's totals and each day's, by the coarsest level. */
export async function planDays(
  db: Db,
  shopId: string,
  from: string,
  to: string,
  planIds?: readonly string[],
): Promise<Map<string, PlanDays>> {
  let q = db
    .selectFrom('ad_daily')
    .select(['plan_id', 'day', 'level', ...sums])
    .where('shop_id', '=', shopId)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .groupBy(['plan_id', 'day', 'level']);
  if (planIds) {
    if (!planIds.length) return new Map();
    q = q.where('plan_id', 'in', planIds);
  }
  const rows = await q.execute();
  const best = new Map<string, { rank: number; t: AdTotals; planId: string; day: string }>();
  for (const r of rows) {
    const key = `${r.plan_id}|${r.day}`;
    const rk = rank(r.level);
    const cur = best.get(key);
    if (!cur || rk < cur.rank) best.set(key, { rank: rk, t: totalsOf(r), planId: r.plan_id, day: r.day });
  }
  const out = new Map<string, PlanDays>();
  for (const b of best.values()) {
    let p = out.get(b.planId);
    if (!p) out.set(b.planId, (p = { total: emptyAdTotals(), days: new Map() }));
    p.days.set(b.day, b.t);
    addAdTotals(p.total, b.t);
  }
  return out;
}

export type Dimension = 'unit' | 'keyword' | 'creative';
const LETTER: Record<Dimension, string> = { unit: 'u', keyword: 'k', creative: 'c' };

/** A plan's units, keywords or creatives over a period (per day from the coarsest level naming the dimension). */
export async function dimensionTotals(
  db: Db,
  planId: string,
  dim: Dimension,
  from: string,
  to: string,
): Promise<{ name: string; unit: string; totals: AdTotals }[]> {
  const rows = await db
    .selectFrom('ad_daily')
    .select(['day', 'level', 'unit', dim, ...sums])
    .where('plan_id', '=', planId)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .where('level', '<>', '')
    .groupBy(['day', 'level', 'unit', dim])
    .execute();
  const bestLevel = new Map<string, number>();
  const naming = rows.filter((r) => r.level.includes(LETTER[dim]));
  for (const r of naming) {
    const rk = rank(r.level);
    if (rk < (bestLevel.get(r.day) ?? 99)) bestLevel.set(r.day, rk);
  }
  const out = new Map<string, { name: string; unit: string; totals: AdTotals }>();
  for (const r of naming) {
    if (rank(r.level) !== bestLevel.get(r.day)) continue;
    const name = String((r as Record<string, unknown>)[dim] ?? '');
    const unit = dim === 'unit' ? '' : r.unit;
    const key = `${unit}|${name}`;
    let e = out.get(key);
    if (!e) out.set(key, (e = { name, unit, totals: emptyAdTotals() }));
    addAdTotals(e.totals, totalsOf(r));
  }
  return [...out.values()].sort((a, b) => b.totals.spendFen - a.totals.spendFen || (a.name < b.name ? -1 : 1));
}

/** Gross margin rate of each plan's promoted products (catalogue list prices and costs; null = none linked). */
export async function planMargins(db: Db, orgId: string, planIds: readonly string[]): Promise<Map<string, number | null>> {
  const links = await inChunks(planIds, (ids) =>
    db.selectFrom('ad_plan_products').select(['plan_id', 'product_id']).where('plan_id', 'in', ids).execute(),
  );
  const productIds = [...new Set(links.map((l) => l.product_id))];
  const skus = await inChunks(productIds, (ids) =>
    db
      .selectFrom('skus')
      .select(['product_id', 'price_fen', 'cost_fen'])
      .where('org_id', '=', orgId)
      .where('product_id', 'in', ids)
      .where('status', '=', 'active')
      .execute(),
  );
  const byProduct = new Map<string, { priceFen: number; costFen: number }[]>();
  for (const s of skus) {
    const l = byProduct.get(s.product_id) ?? [];
    l.push({ priceFen: Number(s.price_fen), costFen: Number(s.cost_fen) });
    byProduct.set(s.product_id, l);
  }
  const out = new Map<string, number | null>();
  const byPlan = new Map<string, string[]>();
  for (const l of links) byPlan.set(l.plan_id, [...(byPlan.get(l.plan_id) ?? []), l.product_id]);
  for (const id of planIds) out.set(id, marginRateOf((byPlan.get(id) ?? []).flatMap((p) => byProduct.get(p) ?? [])));
  return out;
}

/** Totals with every figure of the glossary, break-even and profit after ads. */
export function withFigures(t: AdTotals, marginRate: number | null) {
  const rates = adRates(t);
  const be = breakEvenRoi(marginRate);
  return {
    ...t,
    ...rates,
    marginRate,
    breakEvenRoi: be,
    profitAfterAdsFen: profitAfterAdsFen(t, marginRate),
    belowBreakEven: be === null || rates.roi === null ? null : rates.roi < be,
  };
}
export type WithFigures = ReturnType<typeof withFigures>;

/**
 * Ads in bulk: the demo loader's plans (with budget, bid and promoted products) and daily report
 * rows written as given, and removing a shop's ads again, in the caller's transaction.
 */
import { newId } from '@yunying/core';
import type { Kysely } from 'kysely';
import { IN_CHUNK, chunk, inChunks, insertBatched } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

export interface BulkAdPlan {
  id: string;
  shopId: string;
  tool: string;
  name: string;
  dailyBudgetFen: number | null;
  bidFen: number | null;
  productIds: readonly string[];
}

export interface BulkAdRow {
  shopId: string;
  planId: string;
  tool: string;
  day: string;
  /** '' plan, or some of u k c (unit, keyword, creative). */
  level: string;
  unit: string;
  keyword: string;
  creative: string;
  impressions: number;
  clicks: number;
  spendFen: number;
  orders: number;
  salesFen: number;
  favs: number;
  carts: number;
}

export async function insertPlans(trx: Kysely<DB>, opts: { orgId: string; now: number; plans: readonly BulkAdPlan[] }): Promise<void> {
  await insertBatched(
    trx,
    'ad_plans',
    opts.plans.map((p) => ({
      id: p.id,
      org_id: opts.orgId,
      shop_id: p.shopId,
      tool: p.tool,
      name: p.name,
      daily_budget_fen: p.dailyBudgetFen,
      bid_fen: p.bidFen,
      status: 'active',
      created_at: opts.now,
      updated_at: opts.now,
    })),
  );
  await insertBatched(
    trx,
    'ad_plan_products',
    opts.plans.flatMap((p) => [...new Set(p.productIds)].map((product_id) => ({ plan_id: p.id, product_id }))),
  );
}

export async function insertRows(trx: Kysely<DB>, opts: { importedAt: number; rows: readonly BulkAdRow[] }): Promise<void> {
  await insertBatched(
    trx,
    'ad_daily',
    opts.rows.map((r) => ({
      id: newId('adr'),
      shop_id: r.shopId,
      plan_id: r.planId,
      tool: r.tool,
      day: r.day,
      level: r.level,
      unit: r.unit,
      keyword: r.keyword,
      creative: r.creative,
      impressions: r.impressions,
      clicks: r.clicks,
      spend_fen: r.spendFen,
      orders: r.orders,
      sales_fen: r.salesFen,
      favs: r.favs,
      carts: r.carts,
      imported_at: opts.importedAt,
    })),
  );
}

/** Delete every ad row of these shops (plans, their products, report rows, 淘宝客 orders, advice). */
export async function removeShopAds(trx: Kysely<DB>, shopIds: readonly string[]): Promise<void> {
  for (const c of chunk(shopIds, IN_CHUNK)) {
    const plans = await trx.selectFrom('ad_plans').select('id').where('shop_id', 'in', c).execute();
    await inChunks(
      plans.map((p) => p.id),
      async (ids) => {
        await trx.deleteFrom('ad_plan_products').where('plan_id', 'in', ids).execute();
        return [];
      },
    );
    await trx.deleteFrom('ad_advice').where('shop_id', 'in', c).execute();
    await trx.deleteFrom('ad_daily').where('shop_id', 'in', c).execute();
    await trx.deleteFrom('ad_hourly').where('shop_id', 'in', c).execute();
    await trx.deleteFrom('ad_spend_now').where('shop_id', 'in', c).execute();
    await trx.deleteFrom('ad_taoke_orders').where('shop_id', 'in', c).execute();
    await trx.deleteFrom('ad_plans').where('shop_id', 'in', c).execute();
  }
}

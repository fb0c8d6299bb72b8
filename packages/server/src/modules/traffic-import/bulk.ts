/**
 * Traffic statistics in bulk: daily statistics rows written as given (as if imported at
 * `importedAt`) by the demo loader, and removing a shop's statistics again, in the caller's transaction.
 */
import type { Kysely } from 'kysely';
import { IN_CHUNK, chunk, insertBatched } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

export interface BulkTrafficStat {
  shopId: string;
  day: string;
  productId: string;
  sourceCode: string;
  uv: number;
  pv: number;
  cartUv: number;
  favUv: number;
  payingBuyers: number;
  paidFen: number;
}

export async function insertTrafficStats(trx: Kysely<DB>, opts: { importedAt: number; stats: readonly BulkTrafficStat[] }): Promise<void> {
  await insertBatched(
    trx,
    'traffic_stats',
    opts.stats.map((s) => ({
      shop_id: s.shopId,
      day: s.day,
      product_id: s.productId,
      source_code: s.sourceCode,
      uv: s.uv,
      pv: s.pv,
      cart_uv: s.cartUv,
      fav_uv: s.favUv,
      paying_buyers: s.payingBuyers,
      paid_fen: s.paidFen,
      imported_at: opts.importedAt,
    })),
  );
}

/** Delete the statistics of these shops. */
export async function removeShopTrafficStats(trx: Kysely<DB>, shopIds: readonly string[]): Promise<void> {
  for (const c of chunk(shopIds, IN_CHUNK)) await trx.deleteFrom('traffic_stats').where('shop_id', 'in', c).execute();
}

/**
 * Tracker events in bulk: events written as given (already classified, ids included) by the demo
 * loader, and removing a shop's events and collect keys again, in the caller's transaction.
 */
import type { Kysely } from 'kysely';
import { IN_CHUNK, chunk, insertBatched } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

export interface BulkEvent {
  id: string;
  shopId: string;
  day: string;
  at: number;
  visitorId: string;
  sessionId: string;
  type: string;
  productId: string | null;
  sourceCode: string;
  url: string;
  referrer: string;
  dwellMs: number;
}

export async function insertEvents(trx: Kysely<DB>, events: readonly BulkEvent[]): Promise<void> {
  await insertBatched(
    trx,
    'events',
    events.map((e) => ({
      id: e.id,
      shop_id: e.shopId,
      day: e.day,
      at: e.at,
      visitor_id: e.visitorId,
      session_id: e.sessionId,
      type: e.type,
      product_id: e.productId,
      source_code: e.sourceCode,
      url: e.url,
      referrer: e.referrer,
      dwell_ms: e.dwellMs,
    })),
  );
}

/** Delete the events and collect keys of these shops; returns how many events. */
export async function removeShopTraffic(trx: Kysely<DB>, shopIds: readonly string[]): Promise<number> {
  let n = 0;
  for (const c of chunk(shopIds, IN_CHUNK)) {
    n += Number((await trx.deleteFrom('events').where('shop_id', 'in', c).executeTakeFirst()).numDeletedRows);
    await trx.deleteFrom('collect_keys').where('shop_id', 'in', c).execute();
  }
  return n;
}

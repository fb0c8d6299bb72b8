/**
 * Service conversations in bulk for the demo loader (written as given, local start day and hour
 * from the shop's zone), and removing a shop's conversations, QA checks and settings again.
 */
import { localClock, newId } from '@yunying/core';
import type { Kysely } from 'kysely';
import { IN_CHUNK, chunk, insertBatched } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

export interface BulkChat {
  shopId: string;
  chatKey: string;
  agent: string;
  customer: string;
  startedAt: number;
  firstResponseS: number | null;
  messages: number;
  endedAt: number | null;
  orderNo: string;
}

export async function insertChats(
  trx: Kysely<DB>,
  opts: { orgId: string; timezone: string; now: number; chats: readonly BulkChat[] },
): Promise<number> {
  const local = localClock(opts.timezone);
  const rows = opts.chats.map((c) => {
    const { day, hour } = local(c.startedAt);
    return {
      id: newId('cht'),
      org_id: opts.orgId,
      shop_id: c.shopId,
      chat_key: c.chatKey,
      agent: c.agent,
      customer: c.customer,
      started_at: c.startedAt,
      start_day: day,
      start_hour: hour,
      first_response_s: c.firstResponseS,
      messages: c.messages,
      ended_at: c.endedAt,
      order_no: c.orderNo,
      created_at: opts.now,
    };
  });
  await insertBatched(trx, 'service_chats', rows);
  return rows.length;
}

export async function removeShopChats(trx: Kysely<DB>, shopIds: readonly string[]): Promise<void> {
  for (const c of chunk(shopIds, IN_CHUNK)) {
    await trx.deleteFrom('service_qa').where('shop_id', 'in', c).execute();
    await trx.deleteFrom('service_chats').where('shop_id', 'in', c).execute();
    await trx.deleteFrom('service_settings').where('shop_id', 'in', c).execute();
  }
}

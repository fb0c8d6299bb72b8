/**
 * A shop's time zone changed: its events' business days are recomputed in the new zone. Per old
 * day, the events whose instant falls on a neighbouring day of the new zone (a zone moves days by
 * at most ±26 hours, so two days either way) are moved with one guarded UPDATE each — the
 * (shop_id, day, at) index serves every statement. Returns every day touched (before and after).
 */
import { addDays, dayStart } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export async function rezoneEvents(trx: Kysely<DB>, shopId: string, timeZone: string): Promise<Set<string>> {
  const touched = new Set<string>();
  const days = (await trx.selectFrom('events').select('day').distinct().where('shop_id', '=', shopId).execute()).map((r) => r.day);
  for (const day of days.sort()) {
    for (const shift of [-2, -1, 1, 2]) {
      const target = addDays(day, shift);
      const res = await trx
        .updateTable('events')
        .set({ day: target })
        .where('shop_id', '=', shopId)
        .where('day', '=', day)
        .where('at', '>=', dayStart(target, timeZone))
        .where('at', '<', dayStart(addDays(target, 1), timeZone))
        .executeTakeFirst();
      if (res.numUpdatedRows > 0n) touched.add(day).add(target);
    }
  }
  return touched;
}

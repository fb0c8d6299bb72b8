/**
 * 同时段 kept incrementally: the dashboard compares today with yesterday and last week's day up to
 * the same time of day, i.e. with those days' events before a cut-off that moves with the clock.
 * Reading the whole of yesterday up to now again on every view made it the dashboard's dearest
 * part; here each (shop, day) keeps the event figures it has added up so far (a shop-row
 * `EventState` and the cut-off it reached) and a view only reads the events between the previous
 * cut-off and its own (the same events_shop_day_idx range, narrowed by `at`).
 *
 * Correctness: a past day's events change only by late arrivals or deletions, and both mark the day
 * dirty; the read rebuilds dirty days first (`resolveScope`), which gives the day a new rebuild
 * stamp. A state is kept only with the stamp it was built under: another stamp, or a cut-off
 * earlier than the state's (requests overtaking one another), starts from the day's first event.
 * The day's orders (with lines) and refunds are read once per stamp too: any change to them marks
 * the day dirty (paid, cancelled, refunded: `markOrderDaysDirty`), so a changed day has a new stamp
 * by the time it is read. Their cut-off is applied on every view.
 *
 * Extensions of one (shop, day) run one after another, each finishing its row before the next
 * adds events (the state's Sets are shared with the row being finished).
 */
import type { Kysely } from 'kysely';
import type { DB, RollupDailyTable } from '../../db/schema.js';
import {
  addEvents,
  finishDay,
  newEventState,
  readEvents,
  readOrders,
  readRefunds,
  type EventState,
  type LineRow,
  type OrderRow,
  type RefundRow,
} from './rollup-build.js';

interface Entry {
  stamp: number | null;
  cutoff: number;
  state: EventState;
  /** The day's orders (with lines) and refunds, read once under this stamp. */
  rows?: { orders: OrderRow[]; linesByOrder: Map<string, LineRow[]>; refunds: RefundRow[] };
  /** The last extension queued on this entry. */
  tail: Promise<unknown>;
}

const caches = new WeakMap<Kysely<DB>, Map<string, Map<string, Entry>>>();

/**
 * The whole-shop row of each part's day up to its cut-off (same figures as `buildPartialDays`'s
 * shop row). `stampOf(day)`: the day's current rebuild stamp (null when never built).
 */
export async function partialShopRows(
  db: Kysely<DB>,
  shopId: string,
  parts: readonly { day: string; cutoff: number }[],
  stampOf: (day: string) => number | null,
): Promise<Map<string, RollupDailyTable>> {
  const days = parts.map((p) => p.day);
  let byShop = caches.get(db);
  if (!byShop) caches.set(db, (byShop = new Map()));
  let entries = byShop.get(shopId);
  if (!entries) byShop.set(shopId, (entries = new Map()));
  // Only the days asked for now are kept (tomorrow, yesterday's entry is a day too old).
  for (const day of entries.keys()) if (!days.includes(day)) entries.delete(day);

  const out = new Map<string, RollupDailyTable>();
  for (const { day, cutoff } of parts) {
    const stamp = stampOf(day);
    let entry = entries.get(day);
    if (!entry || entry.stamp !== stamp) {
      entry = { stamp, cutoff: Number.NEGATIVE_INFINITY, state: newEventState(true), tail: Promise.resolve() };
      entries.set(day, entry);
    }
    const e = entry;
    // Any change to the day's orders or refunds marks it dirty, and the read rebuilds it (new stamp) first.
    if (!e.rows) {
      const { orders, linesByOrder } = await readOrders(db, shopId, [day]);
      const refunds = await readRefunds(db, shopId, [day]);
      e.rows ??= { orders, linesByOrder, refunds };
    }
    const { orders, linesByOrder, refunds } = e.rows!;
    const finish = (state: EventState) =>
      finishDay(shopId, day, state, orders, linesByOrder, [], refunds, cutoff, cutoff).find(
        (r) => r.product_id === '' && r.source_code === '',
      )!;
    const step = e.tail.then(async () => {
      if (cutoff < e.cutoff || e.stamp !== stamp) {
        // Overtaken by a later view (or the day was rebuilt meanwhile): this cut-off from scratch.
        const own = newEventState(true);
        addEvents(own, await readEvents(db, shopId, day, cutoff));
        return finish(own);
      }
      if (cutoff > e.cutoff) {
        const since = Number.isFinite(e.cutoff) ? e.cutoff : null;
        addEvents(e.state, await readEvents(db, shopId, day, cutoff, since));
        e.cutoff = cutoff;
      }
      return finish(e.state);
    });
    // A failed read leaves the entry as it was (its cut-off unchanged) for the next view.
    e.tail = step.catch(() => undefined);
    out.set(day, await step);
  }
  return out;
}

/**
 * Today's rollup grown incrementally (issue 10 item 2). Today is rebuilt again and again — once a
 * minute while visits arrive, and on the next read after every order change — and re-reading all
 * of today's events each time made the rebuild cost grow with the hour of the day. Here each
 * process keeps, per shop, the event figures of the shop's current business day (an `EventState`
 * with every product × source accumulator) and the point in the events' insertion order it has
 * read up to; a rebuild reads only the events stored since, adds them, and finishes the day's rows
 * with the day's orders, refunds and imported statistics, which are read whole (orders change in
 * place: paid, cancelled, refunded). The rows are the same as a rebuild from scratch.
 *
 * The insertion order (migration 20261207_0070):
 * - SQLite: the rowid. One writer at a time, so rowid order is commit order: the read takes the
 *   largest rowid first and then the rows of the shop's day above the previous mark up to it.
 * - PostgreSQL: transactions commit out of order, so no sequence tells which rows a reader has
 *   seen. Each row carries its inserting transaction's id (`ins_xid`); the read runs in one
 *   REPEATABLE READ snapshot and takes the rows whose transaction was not visible to the previous
 *   read's snapshot but is visible to this one (`pg_visible_in_snapshot`), found through the
 *   partial index (shop_id, ins_xid) from the previous snapshot's xmin.
 *
 * Guard: events are appended, except when a shop's events are removed (demo reset) or moved to
 * other days (time-zone change). Each read also counts the day's events (up to the new mark) and
 * starts the day again from its first event when the count differs from the state's, and a state
 * is kept only for the day and time zone it was built for. A new process starts from scratch.
 *
 * Reads of one shop run one after another (the state is shared between them).
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { isPostgres } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';
import { addEvents, newEventState, type EventGroup, type EventState } from './rollup-build.js';

interface TodayState {
  day: string;
  timezone: string;
  /** SQLite: the largest rowid read; PostgreSQL: the snapshot (text) the last read ran in. */
  mark: number | string;
  /** Events added to `state`. */
  count: number;
  state: EventState;
}

interface ShopSlot {
  today?: TodayState;
  tail: Promise<unknown>;
}

const slots = new WeakMap<Kysely<DB>, Map<string, ShopSlot>>();

/** Statistics for the benchmark and the tests: rows read by full and by incremental reads. */
export const todayStats = { fullReads: 0, incrementalReads: 0, eventsRead: 0 };

/**
 * The event figures of the shop's `day` (its business day now, in `timezone`) with every event
 * stored so far, extending the state kept from the previous call. The state is shared: finish it
 * (`finishDay`, which only reads it) before the next call for the same shop.
 */
export function todayEventState(db: Kysely<DB>, shopId: string, day: string, timezone: string): Promise<EventState> {
  let byShop = slots.get(db);
  if (!byShop) slots.set(db, (byShop = new Map()));
  let slot = byShop.get(shopId);
  if (!slot) byShop.set(shopId, (slot = { tail: Promise.resolve() }));
  const s = slot;
  const step = s.tail.then(() => extend(db, s, shopId, day, timezone));
  s.tail = step.catch(() => undefined);
  return step;
}

/** Forget the kept states of a database (tests: to compare with a process that starts afresh). */
export function forgetTodayStates(db: Kysely<DB>): void {
  slots.delete(db);
}

async function extend(db: Kysely<DB>, slot: ShopSlot, shopId: string, day: string, timezone: string): Promise<EventState> {
  const kept = slot.today && slot.today.day === day && slot.today.timezone === timezone ? slot.today : undefined;
  const read = isPostgres(db) ? await readPg(db, shopId, day, kept) : await readSqlite(db, shopId, day, kept);
  todayStats.eventsRead += read.rows.length;
  if (read.full) {
    todayStats.fullReads++;
    const state = newEventState();
    addEvents(state, read.rows);
    slot.today = { day, timezone, mark: read.mark, count: read.rows.length, state };
  } else {
    todayStats.incrementalReads++;
    addEvents(kept!.state, read.rows);
    kept!.count += read.rows.length;
    kept!.mark = read.mark;
  }
  return slot.today!.state;
}

interface Read {
  full: boolean;
  rows: EventGroup[];
  mark: number | string;
}

const COLS = sql`visitor_id, product_id, source_code, type, 1 as n, dwell_ms as dwell`;

async function readSqlite(db: Kysely<DB>, shopId: string, day: string, kept: TodayState | undefined): Promise<Read> {
  const top = await sql<{ m: number | null }>`select max(rowid) as m from events`.execute(db);
  const mark = Number(top.rows[0]?.m ?? 0);
  if (kept) {
    const since = Number(kept.mark);
    // The rowid range of the table (all shops' new rows), not the (shop, day) index: `+` keeps the planner off it.
    const rows = (
      await sql<EventGroup>`select ${COLS} from events where rowid > ${since} and rowid <= ${mark} and +shop_id = ${shopId} and +day = ${day}`.execute(
        db,
      )
    ).rows;
    const counted = await sql<{
      n: number;
    }>`select count(*) as n from events where shop_id = ${shopId} and day = ${day} and rowid <= ${mark}`.execute(db);
    if (Number(counted.rows[0]!.n) === kept.count + rows.length) return { full: false, rows, mark };
  }
  const rows = (
    await sql<EventGroup>`select ${COLS} from events where shop_id = ${shopId} and day = ${day} and rowid <= ${mark}`.execute(db)
  ).rows;
  return { full: true, rows, mark };
}

async function readPg(db: Kysely<DB>, shopId: string, day: string, kept: TodayState | undefined): Promise<Read> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      // The first statement takes the transaction's snapshot: every read below sees the same rows.
      const snap = (await sql<{ s: string }>`select pg_current_snapshot()::text as s`.execute(trx)).rows[0]!.s;
      if (kept) {
        const prev = String(kept.mark);
        const rows = (
          await sql<EventGroup>`select ${COLS} from events
            where shop_id = ${shopId} and ins_xid >= pg_snapshot_xmin(${prev}::pg_snapshot) and day = ${day}
              and not pg_visible_in_snapshot(ins_xid, ${prev}::pg_snapshot)
              and pg_visible_in_snapshot(ins_xid, ${snap}::pg_snapshot)`.execute(trx)
        ).rows;
        const counted = await sql<{ n: number }>`select count(*) as n from events where shop_id = ${shopId} and day = ${day}`.execute(trx);
        if (Number(counted.rows[0]!.n) === kept.count + rows.length) return { full: false, rows, mark: snap };
      }
      const rows = (await sql<EventGroup>`select ${COLS} from events where shop_id = ${shopId} and day = ${day}`.execute(trx)).rows;
      return { full: true, rows, mark: snap };
    });
}

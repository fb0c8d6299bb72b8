/**
 * One page of the order list at a million orders (issue 10 item 1): rows in the list's sort read
 * through an index that ends in (sort column, id) — by offset for the pages the console numbers,
 * after the previous page's cursor at any depth — and counts that stop at COUNT_CAP + 1 instead
 * of counting every matching order on every page.
 *
 * Paid and ship times are empty for orders not yet paid or shipped: those orders come after the
 * others in both directions, on both databases (SQLite and PostgreSQL place NULLs at opposite
 * ends by default). The page is read in two steps that each follow an index: the orders with the
 * time, then — once those run out — the orders without it, by id.
 */
import { COUNT_CAP, ORDER_STATUSES, type OrderFilter, type OrderStatus } from '@yunying/core';
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import { cappedCounts, encodeCursor, keysetAfter, pageWindow, readCursor } from '../../db/kit.js';
import type { DB, OrdersTable } from '../../db/schema.js';
import { capped, filteredCounts, maintainedCounts, onlyShopAndStatus } from './orders.counts.js';

const SORT_COLUMNS = { orderedAt: 'ordered_at', paidAt: 'paid_at', shippedAt: 'shipped_at', paidFen: 'paid_fen' } as const;
type SortColumn = (typeof SORT_COLUMNS)[keyof typeof SORT_COLUMNS];
const NULLABLE: ReadonlySet<SortColumn> = new Set(['paid_at', 'shipped_at']);

export interface OrderPage {
  rows: OrdersTable[];
  /** Exact up to COUNT_CAP; COUNT_CAP + 1 = more. */
  total: number;
  nextCursor: string | null;
  counts: Partial<Record<OrderStatus | 'all', number>>;
}

type Where = (eb: ExpressionBuilder<DB, 'orders'>) => Expression<SqlBool>;

/** The list's sort as a column and direction (default newest first). */
export function orderSort(f: OrderFilter): { col: SortColumn; desc: boolean } {
  const sort = f.sort ?? '-orderedAt';
  const key = sort.replace(/^-/, '') as keyof typeof SORT_COLUMNS;
  return { col: SORT_COLUMNS[key] ?? 'ordered_at', desc: sort.startsWith('-') };
}

/**
 * Rows, capped total, status-tab counts and the next cursor for a filter. `where(true)` is the
 * full filter, `where(false)` the filter without its status (the tabs count every status).
 */
export async function orderPage(
  db: Kysely<DB>,
  f: OrderFilter,
  where: (withStatus: boolean) => Where,
  scope: { orgId: string; shopIds: readonly string[] },
): Promise<OrderPage> {
  // The tabs: the maintained counters of the shops the page covers, or, with any other filter,
  // counted and reused while those counters stay the same (orders.counts.ts).
  const shops = f.shopId ? scope.shopIds.filter((id) => id === f.shopId) : scope.shopIds;
  const maintained = await maintainedCounts(db, shops);
  let counts = capped(maintained);
  if (!onlyShopAndStatus(f)) {
    const { page: _p, pageSize: _s, cursor: _c, sort: _o, status: _t, ...rest } = f;
    // Keyed by the shops the actor sees too: answers of different scopes are never shared.
    const key = JSON.stringify([scope.orgId, scope.shopIds, rest]);
    counts = await filteredCounts(db, key, maintained, () => statusCounts(db, where(false)));
  }
  const chosen = f.status?.length ? [...new Set(f.status)] : null;
  // The total is the chosen tabs' counts added up (each exact up to the cap), so it costs no query.
  const total = chosen
    ? Math.min(
        COUNT_CAP + 1,
        chosen.reduce((s, st) => s + (counts[st as OrderStatus] ?? 0), 0),
      )
    : (counts.all ?? 0);
  const { rows, nextCursor } = await pageRows(db, f, where(true));
  return { rows, total, nextCursor, counts };
}

/** One statement: a capped count per status and for all, each reading at most COUNT_CAP + 1 index entries (filtered pages). */
async function statusCounts(db: Kysely<DB>, where: Where): Promise<OrderPage['counts']> {
  const base = db.selectFrom('orders').where(where);
  const queries = { all: base } as Record<OrderStatus | 'all', typeof base>;
  for (const s of ORDER_STATUSES) queries[s] = base.where('orders.status', '=', s);
  const n = await cappedCounts(db, queries);
  const counts: OrderPage['counts'] = { all: n.all };
  for (const s of ORDER_STATUSES) if (n[s] > 0) counts[s] = n[s];
  return counts;
}

async function pageRows(db: Kysely<DB>, f: OrderFilter, where: Where): Promise<{ rows: OrdersTable[]; nextCursor: string | null }> {
  const { col, desc } = orderSort(f);
  const dir = desc ? 'desc' : 'asc';
  const ref = `orders.${col}` as const;
  const w = pageWindow(f);
  const nullable = NULLABLE.has(col);
  const after = readCursor(f.cursor, [nullable ? 'number|null' : 'number', 'string']);
  const base = db.selectFrom('orders').selectAll().where(where);
  const keyOf = (r: OrdersTable) => [r[col] === null ? null : Number(r[col]), r.id];
  const done = (rows: OrdersTable[]) => ({
    rows,
    nextCursor: rows.length === w.limit ? encodeCursor(keyOf(rows[rows.length - 1]!)) : null,
  });

  // Step 1: the orders that have the sort value (all of them for ordered time and amount).
  let rows: OrdersTable[] = [];
  if (!after || after[0] !== null) {
    let q = base.orderBy(ref, dir).orderBy('orders.id', dir);
    if (nullable) q = q.where(ref, 'is not', null);
    q = after ? q.where(keysetAfter([ref, 'orders.id'], after, desc)).limit(w.limit) : q.limit(w.limit).offset(w.offset);
    rows = await q.execute();
  }
  if (!nullable || rows.length === w.limit) return done(rows);

  // Step 2: the orders without it, by id, after those with it.
  let q = base.where(ref, 'is', null).orderBy('orders.id', dir);
  if (after && after[0] === null) {
    q = q.where(keysetAfter(['orders.id'], [after[1]], desc)).limit(w.limit);
  } else if (after || rows.length > 0 || w.offset === 0) {
    q = q.limit(w.limit - rows.length);
  } else {
    // An offset page past the last order with the value: how many come before the empty ones.
    const { n } = await db
      .selectFrom('orders')
      .where(where)
      .where(ref, 'is not', null)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    q = q.limit(w.limit).offset(w.offset - Number(n));
  }
  return done([...rows, ...(await q.execute())]);
}

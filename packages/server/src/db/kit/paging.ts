/**
 * Pagination. Offset pages are what the console's tables use: `page` from 1, `pageSize` at most
 * 200, answered as `{ items, total, page, pageSize }` (core's `Page<T>`). Keyset pages are for
 * exports and jobs that walk a whole table, and for the lists' deep pages (`keysetPage`: the
 * previous page's `nextCursor`), whose counts stop at COUNT_CAP (`cappedCount`).
 */
import { AppError, COUNT_CAP, type Page } from '@yunying/core';
import { sql, type Expression, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { DB } from '../schema.js';

export const MAX_PAGE_SIZE = 200;

export interface PageQuery {
  page: number;
  pageSize: number;
}

/** LIMIT / OFFSET of a page (page from 1; pageSize clamped to 1…200). */
export function pageWindow(p: PageQuery): { limit: number; offset: number } {
  const size = Math.min(Math.max(1, Math.floor(p.pageSize)), MAX_PAGE_SIZE);
  const page = Math.max(1, Math.floor(p.page));
  return { limit: size, offset: (page - 1) * size };
}

interface Pageable<QB> {
  limit(n: number): QB;
  offset(n: number): QB;
}

/** Apply a page's LIMIT / OFFSET to a query. */
export function withPage<QB extends Pageable<QB>>(qb: QB, p: PageQuery): QB {
  const w = pageWindow(p);
  return qb.limit(w.limit).offset(w.offset);
}

/** The list answer shape. */
export function pageOf<T>(items: T[], total: number, p: PageQuery): Page<T> {
  return { items, total, page: p.page, pageSize: p.pageSize };
}

/** Run a count and a page of rows and map them: the common list in one call. */
export async function offsetPage<R, T>(
  p: PageQuery,
  count: () => Promise<number | string | bigint>,
  rows: (w: { limit: number; offset: number }) => Promise<R[]>,
  map: (rows: R[]) => T[] | Promise<T[]>,
): Promise<Page<T>> {
  const [total, got] = await Promise.all([count(), rows(pageWindow(p))]);
  return pageOf(await map(got), Number(total), p);
}

/**
 * Keyset condition: rows strictly after `cursor` in the order of `columns` (all ascending, or all
 * descending with `desc`), e.g. `after(['ordered_at', 'id'], [t, id])` ⇒
 * `(ordered_at > t) or (ordered_at = t and id > id)`. Written out (not a row comparison) so it
 * runs on both dialects. The last column must make the order unique.
 */
export function keysetAfter(columns: readonly string[], cursor: readonly unknown[], desc = false): Expression<SqlBool> {
  if (columns.length === 0 || columns.length !== cursor.length) throw new Error('keysetAfter: columns and cursor differ in length');
  const op = desc ? sql.raw('<') : sql.raw('>');
  const ors = columns.map((c, i) => {
    const eqs = columns.slice(0, i).map((p, j) => sql`${sql.ref(p)} = ${cursor[j]}`);
    return sql`(${sql.join([...eqs, sql`${sql.ref(c)} ${op} ${cursor[i]}`], sql` and `)})`;
  });
  // The leading `first <= v` (`>=` ascending) is implied by the ORs; it gives both planners an
  // index range to start from, so a deep page reads its own rows only (without it SQLite walked
  // the index from the first row to the cursor).
  const bound = desc ? sql.raw('<=') : sql.raw('>=');
  return sql<SqlBool>`(${sql.ref(columns[0]!)} ${bound} ${cursor[0]} and (${sql.join(ors, sql` or `)}))`;
}

/** Opaque cursor text for an API (base64url JSON of the key values). */
export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- lists at a million rows

/**
 * A count that stops at COUNT_CAP + 1 (issue 10): `count(*)` over at most COUNT_CAP + 1 rows of
 * the query, so a count costs at most ~10,000 index entries whatever the table holds. The answer
 * is exact up to COUNT_CAP; COUNT_CAP + 1 means "more" (the console shows 10,000+).
 */
// The queries are any list's (joins and aliases included): only their FROM and WHERE are used.
type AnySelect = SelectQueryBuilder<any, any, any>;

export async function cappedCount(db: Kysely<DB>, qb: AnySelect): Promise<number> {
  const r = await db
    .selectFrom(cappedRows(qb).as('capped'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Several capped counts in one statement (status tabs): `{ name: query }` → `{ name: count }`. */
export async function cappedCounts<K extends string>(db: Kysely<DB>, queries: Record<K, AnySelect>): Promise<Record<K, number>> {
  const names = Object.keys(queries) as K[];
  if (names.length === 0) return {} as Record<K, number>;
  const r = (await db
    .selectNoFrom((eb) =>
      names.map((k, i) =>
        eb
          .selectFrom(cappedRows(queries[k]).as(`c${i}`))
          .select(eb.fn.countAll<number>().as('n'))
          .as(`n${i}`),
      ),
    )
    .executeTakeFirstOrThrow()) as Record<string, unknown>;
  return Object.fromEntries(names.map((k, i) => [k, Number(r[`n${i}`] ?? 0)])) as Record<K, number>;
}

/** The query's rows, at most COUNT_CAP + 1 of them. */
function cappedRows(qb: AnySelect): AnySelect {
  return qb
    .clearSelect()
    .clearOrderBy()
    .select(sql<number>`1`.as('one'))
    .limit(COUNT_CAP + 1);
}

/** A page request that may carry the previous page's cursor. */
export interface CursorPageQuery extends PageQuery {
  cursor?: string | undefined;
}

/** The kinds a cursor's values may have, position by position. */
export type CursorKind = 'number' | 'string' | 'number|null';

/**
 * Decode and check a client's cursor against the key it must hold: a cursor from another list or
 * sort (or edited by hand) is a Chinese 422 naming the field, never a wrong page or a 500.
 */
export function readCursor(cursor: string | undefined, kinds: readonly CursorKind[]): unknown[] | null {
  if (cursor === undefined || cursor === '') return null;
  const v = decodeCursor(cursor);
  const ok =
    v !== null &&
    v.length === kinds.length &&
    v.every((x, i) => {
      const k = kinds[i]!;
      if (x === null) return k === 'number|null';
      return k === 'string' ? typeof x === 'string' : typeof x === 'number' && Number.isFinite(x);
    });
  if (!ok) {
    throw new AppError('validation_failed', '翻页位置（cursor）无效或不属于当前排序，请回到第一页重新翻页', { cursor }, [
      { path: 'cursor', message: '翻页位置无效，请回到第一页' },
    ]);
  }
  return v;
}

/**
 * One page of an ordered query: after the cursor (keyset: reads only this page's rows, at any
 * depth) when the request carries one, else LIMIT/OFFSET. The query must already be ordered by
 * `columns` (all in `desc` or all ascending; the last one unique). `nextCursor` is the last row's
 * key when the page is full.
 */
export async function keysetPage<O>(
  qb: SelectQueryBuilder<any, any, O>,
  key: { columns: readonly string[]; desc: boolean; kinds: readonly CursorKind[]; of: (row: O) => unknown[] },
  p: CursorPageQuery,
): Promise<{ rows: O[]; nextCursor: string | null }> {
  const w = pageWindow(p);
  const after = readCursor(p.cursor, key.kinds);
  const rows = (await (
    after ? qb.where(keysetAfter(key.columns, after, key.desc)).limit(w.limit) : qb.limit(w.limit).offset(w.offset)
  ).execute()) as O[];
  return { rows, nextCursor: rows.length === w.limit ? encodeCursor(key.of(rows[rows.length - 1]!)) : null };
}

/** The list answer with a capped total and the next page's cursor. */
export function cursorPageOf<T>(items: T[], total: number, p: PageQuery, nextCursor: string | null): Page<T> {
  return { items, total, page: p.page, pageSize: p.pageSize, totalCapped: total > COUNT_CAP, nextCursor };
}

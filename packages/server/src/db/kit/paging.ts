/**
 * Pagination. Offset pages are what the console's tables use: `page` from 1, `pageSize` at most
 * 200, answered as `{ items, total, page, pageSize }` (core's `Page<T>`). Keyset pages are for
 * exports and jobs that walk a whole table: `after(cursor)` on a unique, ordered key.
 */
import type { Page } from '@yunying/core';
import { sql, type Expression, type SqlBool } from 'kysely';

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
  return sql<SqlBool>`(${sql.join(ors, sql` or `)})`;
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

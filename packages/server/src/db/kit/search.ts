/**
 * Portable text search. Both dialects run `lower(column) LIKE lower(pattern) ESCAPE '\'`:
 * - the escape character is stated, because SQLite's LIKE has none by default (PostgreSQL's is
 *   backslash), so `_`, `%` and `\` in a user's term are matched literally on both;
 * - case: ASCII letters match case-insensitively on both (SQLite's LIKE already ignores ASCII case;
 *   on PostgreSQL `lower()` makes LIKE do so). Non-ASCII letters (Ä/ä) fold on PostgreSQL only;
 *   Chinese has no case. The pattern is lowered in JS with ASCII rules only, so a term never
 *   matches differently because of the JS side.
 * Modules never write `'like'` themselves (lint rule); they call `textMatch` / `anyTextMatch`.
 */
import { sql, type Expression, type SqlBool } from 'kysely';

export type MatchMode = 'contains' | 'prefix' | 'suffix' | 'exact';

/** Escape `\`, `%` and `_` for a LIKE pattern whose escape character is backslash. */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function lowerAscii(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The LIKE pattern for `term` under `mode` (escaped, ASCII-lowered). */
export function likePattern(term: string, mode: MatchMode = 'contains'): string {
  const e = lowerAscii(escapeLike(term));
  if (mode === 'contains') return `%${e}%`;
  if (mode === 'prefix') return `${e}%`;
  if (mode === 'suffix') return `%${e}`;
  return e;
}

/**
 * `column` matches `term` (a user's literal text; nothing in it is a wildcard). `column` is a
 * reference such as `'orders.buyer_nick'` or an expression. A NULL column never matches.
 */
export function textMatch(column: string | Expression<unknown>, term: string, mode: MatchMode = 'contains'): Expression<SqlBool> {
  const ref = typeof column === 'string' ? sql.ref(column) : column;
  return sql<SqlBool>`lower(${ref}) like ${likePattern(term, mode)} escape '\\'`;
}

/** Any of `columns` matches `term` (the usual "search box" over code, title, barcode…). */
export function anyTextMatch(
  columns: readonly (string | Expression<unknown>)[],
  term: string,
  mode: MatchMode = 'contains',
): Expression<SqlBool> {
  const parts = columns.map((c) => textMatch(c, term, mode));
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** A search term as typed: trimmed; undefined when empty (no filter). */
export function searchTerm(raw: string | null | undefined): string | undefined {
  const t = raw?.trim();
  return t ? t : undefined;
}

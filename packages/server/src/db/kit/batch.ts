/**
 * Chunked `IN` lists and batched inserts. SQLite allows 32766 bound parameters per statement
 * (SQLITE_MAX_VARIABLE_NUMBER since 3.32), PostgreSQL 65535; we budget for the smaller one with a
 * margin for the other parameters of the statement.
 */
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB } from '../schema.js';

/** Parameters one statement may bind on both dialects (SQLite's 32766, minus a margin). */
export const MAX_PARAMS = 32_000;
/** Default size of an `IN (…)` list chunk. */
export const IN_CHUNK = 5_000;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new Error('chunk size must be at least 1');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Run `query` once per chunk of `ids` (deduplicated) and concatenate the rows; [] for no ids. */
export async function inChunks<I, R>(ids: readonly I[], query: (chunk: I[]) => Promise<R[]>, size = IN_CHUNK): Promise<R[]> {
  const out: R[] = [];
  for (const c of chunk([...new Set(ids)], size)) out.push(...(await query(c)));
  return out;
}

/** Rows per INSERT for rows of `columns` columns. */
export function rowsPerInsert(columns: number): number {
  return Math.max(1, Math.floor(MAX_PARAMS / Math.max(1, columns)));
}

/**
 * Insert `rows` into `table` in as few statements as the parameter limit allows. Use inside the
 * caller's transaction when the rows must land together.
 */
export async function insertBatched<T extends keyof DB & string>(
  db: Kysely<DB> | Transaction<DB>,
  table: T,
  rows: readonly Insertable<DB[T]>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = new Set<string>();
  for (const r of rows.slice(0, 100)) for (const k of Object.keys(r as object)) columns.add(k);
  for (const c of chunk(rows, rowsPerInsert(columns.size))) {
    await db
      .insertInto(table)
      .values(c as never)
      .execute();
  }
}

/**
 * Bulk row writer below the query builder, for large batches of rows of one shape (order imports,
 * customer rebuilds): building a thousand rows' syntax tree cost more CPU than SQLite spent
 * storing them. Mixed rows of few statements: `insertBatched` (batch.ts).
 *
 * - PostgreSQL: one `INSERT … SELECT * FROM unnest($1::type[], $2::type[], …)` per 5,000 rows: one
 *   array parameter per column, so the statement text is the same whatever the row count and
 *   the server parses a few dozen parameters instead of tens of thousands.
 * - SQLite: multi-row `INSERT … VALUES (?, …), …` of 512, 256, … rows, whose few texts stay in the
 *   connection's prepared-statement cache (dialect.ts), with the parameters in one flat array.
 *
 * Both run in the caller's transaction, so the rows land together or not at all. Every row must
 * carry every column of the first row (undefined is stored as NULL). With `upsert`, a row whose key
 * exists has the named columns updated instead (`on conflict (key) do update set c = excluded.c`).
 */
import { CompiledQuery, sql, type Insertable, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../schema.js';
import { MAX_PARAMS } from './batch.js';
import { isPostgres } from './lock.js';

/** Rows per PostgreSQL statement (the arrays of 5,000 orders are ~3 MB of text). */
const PG_ROWS = 5_000;
/** The largest SQLite chunk (50 columns × 512 = 25,600 parameters, under MAX_PARAMS). */
const SQLITE_MAX_ROWS = 512;

/** Column name → element type, per table (the schema does not change while a process runs). */
const pgColumnTypes = new Map<string, Map<string, string>>();

async function columnTypes(db: Kysely<DB>, table: string): Promise<Map<string, string>> {
  let types = pgColumnTypes.get(table);
  if (!types) {
    const res = await sql<{ name: string; type: string }>`
      select attname as name, format_type(atttypid, null) as type
      from pg_attribute
      where attrelid = ${table}::regclass and attnum > 0 and not attisdropped`.execute(db);
    types = new Map(res.rows.map((r) => [r.name, r.type]));
    pgColumnTypes.set(table, types);
  }
  return types;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** SQLite statement texts by table, columns and row count. */
const sqliteTexts = new Map<string, string>();

function sqliteText(table: string, columns: readonly string[], rows: number, conflict: string): string {
  const key = `${table}|${columns.join(',')}|${rows}|${conflict}`;
  let text = sqliteTexts.get(key);
  if (text === undefined) {
    const one = `(${columns.map(() => '?').join(', ')})`;
    text = `insert into ${q(table)} (${columns.map(q).join(', ')}) values ${Array.from({ length: rows }, () => one).join(', ')}${conflict}`;
    if (sqliteTexts.size > 1000) sqliteTexts.clear();
    sqliteTexts.set(key, text);
  }
  return text;
}

/** On a key that exists: update these columns from the new row. */
export interface Upsert {
  key: string;
  update: readonly string[];
}

/** Insert `rows` into `table` in the caller's transaction, in as few statements as fit. */
export async function bulkInsert<T extends keyof DB & string>(
  db: Kysely<DB>,
  table: T,
  rows: readonly Insertable<DB[T]>[],
  upsert?: Upsert,
): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0] as object);
  const conflict = upsert
    ? ` on conflict (${q(upsert.key)}) do update set ${upsert.update.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}`
    : '';
  if (isPostgres(db)) {
    const types = await columnTypes(db, table);
    const casts = columns.map((c, i) => {
      const t = types.get(c);
      if (!t) throw new Error(`bulkInsert: ${table} has no column ${c}`);
      return `$${i + 1}::${t}[]`;
    });
    const text = `insert into ${q(table)} (${columns.map(q).join(', ')}) select * from unnest(${casts.join(', ')})${conflict}`;
    for (let i = 0; i < rows.length; i += PG_ROWS) {
      const part = rows.slice(i, i + PG_ROWS) as readonly Record<string, unknown>[];
      const arrays = columns.map((c) => part.map((r) => r[c] ?? null));
      await db.executeQuery(CompiledQuery.raw(text, arrays));
    }
    return;
  }
  let i = 0;
  while (i < rows.length) {
    let size = Math.min(SQLITE_MAX_ROWS, Math.floor(MAX_PARAMS / columns.length));
    while (size > rows.length - i) size >>= 1;
    const params: unknown[] = new Array(size * columns.length);
    let k = 0;
    for (let j = i; j < i + size; j++) {
      const r = rows[j] as Record<string, unknown>;
      for (const c of columns) params[k++] = r[c] ?? null;
    }
    await db.executeQuery(CompiledQuery.raw(sqliteText(table, columns, size, conflict), params));
    i += size;
  }
}

/**
 * `column IN (values)`; PostgreSQL gets the list as one array parameter (`= any($1)`), so a
 * batch's lookup is one short statement instead of one with a thousand parameters.
 */
export function inList(db: Kysely<DB>, column: string, values: readonly string[]): RawBuilder<boolean> {
  if (isPostgres(db)) return sql<boolean>`${sql.ref(column)} = any(${sql.val([...values])}::text[])`;
  return sql<boolean>`${sql.ref(column)} in (${sql.join([...values])})`;
}

/**
 * Planner statistics that keep up with a bulk write. PostgreSQL chooses its plans from the
 * table statistics of the last ANALYZE; autovacuum refreshes them at most once a minute (and not
 * at all where it is switched off), while an import writes tens of thousands of rows in that
 * time. A table analyzed empty (as migrations leave it) and then filled by an import is planned as
 * if it still held nothing: the import's own per-batch lookup by order number was planned as a
 * scan of the shop's every order instead of a thousand unique-index probes, so each batch read
 * the whole table again (measured: a 1M-line import spent most of its time there).
 *
 * `GrowthAnalyzer` analyzes the written tables between batches whenever the rows written since the
 * last ANALYZE reach what the tables held then (at least `minRows`), i.e. whenever they doubled: a
 * handful of ANALYZEs per import (seven for 500,000 orders), each a fixed-size sample of rows.
 * `analyzeIfBehind` does the same once, before a run of statements over rows the caller knows
 * are there (a customers refresh clearing half a million marks one chunk at a time).
 *
 * SQLite's planner prefers the equality probe of a unique index without statistics, so on SQLite
 * both do nothing.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';
import { isPostgres } from './lock.js';

/** Rows the tables hold by PostgreSQL's statistics (never analyzed counts as 0). */
async function estimatedRows(db: Kysely<DB>, tables: readonly string[]): Promise<number> {
  const res = await sql<{ n: number | string | null }>`
    select sum(greatest(reltuples, 0)) as n from pg_class
    where oid in (${sql.join(tables.map((t) => sql`${t}::regclass`))})`.execute(db);
  return Number(res.rows[0]?.n ?? 0);
}

/**
 * Analyze `table` when its statistics count fewer than half of `rows`, which the caller knows it
 * holds (PostgreSQL; in the caller's transaction is fine). Whether it analyzed.
 */
export async function analyzeIfBehind(db: Kysely<DB>, table: keyof DB & string, rows: number): Promise<boolean> {
  if (!isPostgres(db) || (await estimatedRows(db, [table])) * 2 >= rows) return false;
  await sql`analyze ${sql.table(table)}`.execute(db);
  return true;
}

export class GrowthAnalyzer {
  private base: number | null = null;
  private pending = 0;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly tables: readonly (keyof DB & string)[],
    private readonly minRows = 5_000,
  ) {}

  /** `rows` more rows were committed to the tables; analyze them when that outgrew their statistics. */
  async wrote(rows: number): Promise<void> {
    if (rows <= 0 || !isPostgres(this.db)) return;
    this.base ??= await estimatedRows(this.db, this.tables);
    this.pending += rows;
    if (this.pending < Math.max(this.minRows, this.base)) return;
    await sql`analyze ${sql.join(this.tables.map((t) => sql.table(t)))}`.execute(this.db);
    this.pending = 0;
    this.base = await estimatedRows(this.db, this.tables);
  }
}

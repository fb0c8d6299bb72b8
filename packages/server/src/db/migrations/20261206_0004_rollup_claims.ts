import type { Kysely } from 'kysely';

/**
 * `rollup_dirty.rebuilding_since`: the start of the rebuild that has claimed the mark (null when
 * none). A rebuild claims its days' marks before it reads, and deletes only the marks still
 * carrying its claim in the transaction that writes the new rows; a change made meanwhile clears
 * the claim, so its mark survives. A rebuild killed half-way leaves its marks in place, so the
 * days are rebuilt again instead of staying stale (issue 16: SIGKILL during a rollup rebuild).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rollup_dirty').addColumn('rebuilding_since', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rollup_dirty').dropColumn('rebuilding_since').execute();
}

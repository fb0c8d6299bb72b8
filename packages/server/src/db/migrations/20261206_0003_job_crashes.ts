import type { Kysely } from 'kysely';

/**
 * `jobs.crashes`: how many times a job's worker died while running it (its lease ran out). A job
 * that takes its server down would otherwise be claimed again after every restart until the
 * supervisor gives up; after a few crashes it is failed instead (issue 17).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('crashes', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('crashes').execute();
}

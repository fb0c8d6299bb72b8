import type { Kysely } from 'kysely';
import type { DB } from './schema.js';

/**
 * The `meta` key/value table: flags such as "this organisation's starter list was seeded" and the
 * demo manifest. Owned by db/ and reached only through these three functions, so no module writes
 * another's keys by accident (keys are prefixed by the calling module: `catalog.…`, `traffic.…`).
 */
export async function getMeta(db: Kysely<DB>, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Insert the key once; true when this call inserted it (false: it already existed). */
export async function claimMeta(db: Kysely<DB>, key: string, value: string): Promise<boolean> {
  const r = await db
    .insertInto('meta')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function deleteMeta(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('meta').where('key', '=', key).execute();
}

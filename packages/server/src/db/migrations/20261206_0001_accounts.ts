import type { Kysely } from 'kysely';

/**
 * Accounts (issue 17): usernames unique regardless of case, shop names stored in Unicode NFC.
 * Frozen in time: imports no app code.
 *
 * `users.username_key` is the lower-cased username; a unique index on it makes `Admin` and `admin`
 * the same name on both databases (computed here and by the app in JavaScript, so SQLite's
 * ASCII-only lower() and PostgreSQL's collation-dependent one never disagree). Databases made
 * before this migration may already hold such pairs: the oldest account keeps the plain key, every
 * later one gets `<key>#<user id>` (`#` is not allowed in usernames, so no new name can take it);
 * those accounts still log in with their exact spelling.
 *
 * Shop names are rewritten to NFC. Where that would make two shops of an organisation share a
 * name, the later one is renamed `<name>（<last 6 characters of its id>）` so both stay unique.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('username_key', 'varchar(80)', (c) => c.notNull().defaultTo(''))
    .execute();
  const users = (await db.selectFrom('users').select(['id', 'username']).orderBy('created_at').orderBy('id').execute()) as {
    id: string;
    username: string;
  }[];
  const taken = new Set<string>();
  for (const u of users) {
    const plain = u.username.trim().toLowerCase();
    const key = taken.has(plain) ? `${plain}#${u.id}` : plain;
    taken.add(key);
    await db.updateTable('users').set({ username_key: key }).where('id', '=', u.id).execute();
  }
  await db.schema.createIndex('users_username_key_uq').on('users').column('username_key').unique().execute();

  const shops = (await db.selectFrom('shops').select(['id', 'org_id', 'name']).orderBy('created_at').orderBy('id').execute()) as {
    id: string;
    org_id: string;
    name: string;
  }[];
  const names = new Set(shops.map((s) => `${s.org_id}\u0000${s.name}`));
  for (const s of shops) {
    const nfc = s.name.normalize('NFC');
    if (nfc === s.name) continue;
    let name = nfc;
    if (names.has(`${s.org_id}\u0000${name}`)) name = `${nfc}（${s.id.slice(-6)}）`;
    names.delete(`${s.org_id}\u0000${s.name}`);
    names.add(`${s.org_id}\u0000${name}`);
    await db.updateTable('shops').set({ name }).where('id', '=', s.id).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('users_username_key_uq').execute();
  await db.schema.alterTable('users').dropColumn('username_key').execute();
}

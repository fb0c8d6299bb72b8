import { newId } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { Database } from './db/dialect.js';
import { migrateToLatest } from './db/migrate.js';
import type { DB } from './db/schema.js';
import { systemActor } from './http/actor.js';
import * as audit from './modules/audit/index.js';
import { hashPassword, randomPassword } from './modules/auth/passwords.js';
import * as roles from './modules/roles/index.js';

export interface BootstrapResult {
  orgId: string;
  migrated: string[];
  /** Set when this start created the owner account. */
  createdAdmin?: { username: string; password: string; generated: boolean };
}

export async function getOrgId(db: Kysely<DB>): Promise<string | undefined> {
  return (await db.selectFrom('orgs').select('id').orderBy('created_at').executeTakeFirst())?.id;
}

/**
 * Bring a database up to date: run migrations, create the organisation and the built-in roles if
 * missing, and on an empty database create the owner account `admin` with YUNYING_ADMIN_PASSWORD
 * or a random password that the caller prints once.
 */
export async function bootstrap(database: Database, opts: { adminPassword?: string | undefined } = {}): Promise<BootstrapResult> {
  const migrated = await migrateToLatest(database);
  const db = database.db;
  return db.transaction().execute(async (trx) => {
    let orgId = await getOrgId(trx);
    if (!orgId) {
      orgId = newId('org');
      await trx.insertInto('orgs').values({ id: orgId, name: '我的公司', created_at: Date.now() }).execute();
    }
    await roles.seedRoles(trx, orgId);
    const anyUser = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    const result: BootstrapResult = { orgId, migrated };
    if (!anyUser) {
      const generated = !opts.adminPassword;
      const password = opts.adminPassword ?? randomPassword();
      const owner = await trx
        .selectFrom('roles')
        .select('id')
        .where('org_id', '=', orgId)
        .where('code', '=', 'owner')
        .executeTakeFirstOrThrow();
      const now = Date.now();
      const id = newId('user');
      await trx
        .insertInto('users')
        .values({
          id,
          org_id: orgId,
          username: 'admin',
          username_key: 'admin',
          display_name: '店长',
          password_hash: await hashPassword(password),
          phone: null,
          email: null,
          status: 'active',
          all_shops: 1,
          last_login_at: null,
          password_changed_at: now,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await trx.insertInto('user_roles').values({ user_id: id, role_id: owner.id }).execute();
      await audit.record(trx, systemActor(orgId, '系统'), 'user.create', {
        entityType: 'user',
        entityId: id,
        after: { username: 'admin', roles: ['店长/老板'], allShops: true, note: '首次启动自动创建' },
      });
      result.createdAdmin = { username: 'admin', password, generated };
    }
    return result;
  });
}

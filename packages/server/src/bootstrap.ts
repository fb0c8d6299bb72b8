import type { Kysely } from 'kysely';
import type { Database } from './db/dialect.js';
import { migrateToLatest } from './db/migrate.js';
import type { DB } from './db/schema.js';
import { systemActor } from './http/actor.js';
import * as audit from './modules/audit/index.js';
import { randomPassword } from './modules/auth/index.js';
import * as roles from './modules/roles/index.js';
import * as shops from './modules/shops/index.js';
import * as users from './modules/users/index.js';

export interface BootstrapResult {
  orgId: string;
  migrated: string[];
  /** Set when this start created the owner account. */
  createdAdmin?: { username: string; password: string; generated: boolean };
}

export async function getOrgId(db: Kysely<DB>): Promise<string | undefined> {
  return shops.firstOrgId(db);
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
    const orgId = (await getOrgId(trx)) ?? (await shops.createOrg(trx, '我的公司'));
    await roles.seedRoles(trx, orgId);
    const result: BootstrapResult = { orgId, migrated };
    if (!(await users.hasAnyUser(trx))) {
      const generated = !opts.adminPassword;
      const password = opts.adminPassword ?? randomPassword();
      const owner = await roles.ownerRoleId(trx, orgId);
      if (!owner) throw new Error('bootstrap: the owner role is missing after seeding the built-in roles');
      const id = await users.insertAccount(trx, {
        orgId,
        username: 'admin',
        displayName: '店长',
        password,
        phone: null,
        email: null,
        roleIds: [owner],
        shopIds: [],
        allShops: true,
      });
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

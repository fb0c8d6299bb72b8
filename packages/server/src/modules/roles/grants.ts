import type { RoleRef } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/**
 * What users hold through their roles. The links (user_roles) belong to users; reading them here
 * in one JOIN with roles and role_permissions is on the foreign-reads list: authentication runs
 * `grantsOfUsers` on every request, and asking users for the links first would add a query to each.
 */

/** Each user's roles, in name order (users without a role are absent). */
export async function rolesOfUsers(db: Kysely<DB>, userIds: readonly string[]): Promise<Map<string, RoleRef[]>> {
  const map = new Map<string, RoleRef[]>();
  if (userIds.length === 0) return map;
  const rows = await db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select(['user_roles.user_id', 'roles.id', 'roles.code', 'roles.name'])
    .where('user_roles.user_id', 'in', [...userIds])
    .orderBy('roles.name')
    .execute();
  for (const r of rows) {
    const list = map.get(r.user_id) ?? [];
    list.push({ id: r.id, code: r.code, name: r.name });
    map.set(r.user_id, list);
  }
  return map;
}

export interface Grants {
  /** Every permission of every role the user holds. */
  permissions: Set<string>;
  /** Holds the built-in owner role. */
  owner: boolean;
}

/** Each user's permissions and owner flag; a user without roles gets no permissions. */
export async function grantsOfUsers(db: Kysely<DB>, userIds: readonly string[]): Promise<Map<string, Grants>> {
  const map = new Map<string, Grants>();
  if (userIds.length === 0) return map;
  const rows = await db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .leftJoin('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
    .select(['user_roles.user_id', 'roles.code', 'role_permissions.permission'])
    .where('user_roles.user_id', 'in', [...userIds])
    .execute();
  for (const id of userIds) map.set(id, { permissions: new Set(), owner: false });
  for (const r of rows) {
    const g = map.get(r.user_id)!;
    if (r.permission) g.permissions.add(r.permission);
    if (r.code === 'owner') g.owner = true;
  }
  return map;
}

/** The roles of this organisation among `roleIds` (unknown ids are left out). */
export async function rolesByIds(db: Kysely<DB>, orgId: string, roleIds: readonly string[]): Promise<RoleRef[]> {
  if (roleIds.length === 0) return [];
  return db
    .selectFrom('roles')
    .select(['id', 'code', 'name'])
    .where('org_id', '=', orgId)
    .where('id', 'in', [...roleIds])
    .execute();
}

/** Every permission the given roles carry (with repeats). */
export async function permissionsOf(db: Kysely<DB>, roleIds: readonly string[]): Promise<string[]> {
  if (roleIds.length === 0) return [];
  const rows = await db
    .selectFrom('role_permissions')
    .select('permission')
    .where('role_id', 'in', [...roleIds])
    .execute();
  return rows.map((r) => r.permission);
}

/** The id of the organisation's built-in owner role. */
export async function ownerRoleId(db: Kysely<DB>, orgId: string): Promise<string | undefined> {
  const row = await db.selectFrom('roles').select('id').where('org_id', '=', orgId).where('code', '=', 'owner').executeTakeFirst();
  return row?.id;
}

/**
 * Serialise every change that could remove an owner: a no-op UPDATE of the org's owner role takes
 * its row lock for the rest of the transaction on PostgreSQL (SQLite runs one writer at a time), so
 * two owners disabling each other at once cannot both pass the last-owner check.
 */
export async function lockOwnerRole(trx: Kysely<DB>, orgId: string): Promise<void> {
  await trx
    .updateTable('roles')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('org_id', '=', orgId)
    .where('code', '=', 'owner')
    .execute();
}

import { ALL_PERMISSIONS, AppError, SEED_ROLES, newId, type Role, type RoleInput, type UpdateRoleInput } from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { isUniqueViolation } from '../../db/dialect.js';
import type { DB, RolesTable } from '../../db/schema.js';
import { assertAllShops, isOwner, lacking, type Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as users from '../users/index.js';

export async function listRoles(db: Kysely<DB>, orgId: string): Promise<Role[]> {
  const rows = await db
    .selectFrom('roles')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('builtin', 'desc')
    .orderBy('created_at')
    .execute();
  return hydrate(db, rows);
}

async function hydrate(db: Kysely<DB>, rows: RolesTable[]): Promise<Role[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const perms = await db.selectFrom('role_permissions').selectAll().where('role_id', 'in', ids).execute();
  const counts = await users.countByRole(db, ids);
  const order = new Map(ALL_PERMISSIONS.map((p, i) => [p as string, i]));
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    description: r.description,
    builtin: r.builtin === 1,
    permissions: perms
      .filter((p) => p.role_id === r.id)
      .map((p) => p.permission)
      .sort((a, b) => (order.get(a) ?? 999) - (order.get(b) ?? 999)),
    userCount: counts.get(r.id) ?? 0,
  }));
}

export async function getRole(db: Kysely<DB>, orgId: string, id: string): Promise<Role> {
  const row = await db.selectFrom('roles').selectAll().where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
  if (!row) throw new AppError('not_found', `角色 ${id} 不存在`, { roleId: id });
  return (await hydrate(db, [row]))[0]!;
}

function nameTaken(name: string): AppError {
  return new AppError('conflict', `已有名为「${name}」的角色，请换一个名称`, { name }, [{ path: 'name', message: '角色名称已存在' }]);
}

function samePermissions(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((p) => y.has(p));
}

/** Nobody may hand out a permission they do not hold themselves. */
function assertMayGrant(actor: Actor, permissions: string[]): void {
  if (actor.via === 'system') return;
  const beyond = lacking(actor, permissions);
  if (beyond.length) {
    throw new AppError('forbidden', `不能授予你自己没有的权限：${beyond.join(', ')}`, { beyond }, [
      { path: 'permissions', message: '包含你没有的权限' },
    ]);
  }
}

export async function createRole(trx: Transaction<DB>, actor: Actor, input: RoleInput): Promise<Role> {
  const permissions = [...new Set(input.permissions)];
  assertMayGrant(actor, permissions);
  const now = Date.now();
  const id = newId('role');
  try {
    await trx
      .insertInto('roles')
      .values({
        id,
        org_id: actor.orgId,
        code: null,
        name: input.name,
        description: input.description,
        builtin: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
  if (permissions.length)
    await trx
      .insertInto('role_permissions')
      .values(permissions.map((permission) => ({ role_id: id, permission })))
      .execute();
  const role = await getRole(trx, actor.orgId, id);
  await audit.record(trx, actor, 'role.create', { entityType: 'role', entityId: id, after: auditView(role) });
  return role;
}

function auditView(r: Role): Record<string, unknown> {
  return { name: r.name, description: r.description, permissions: r.permissions };
}

export async function updateRole(trx: Transaction<DB>, actor: Actor, id: string, input: UpdateRoleInput): Promise<Role> {
  const before = await getRole(trx, actor.orgId, id);
  if (before.code === 'owner' && !isOwner(actor)) {
    throw new AppError('forbidden', `只有店长可以修改「${before.name}」角色，请联系店长操作`);
  }
  if (before.code === 'owner' && input.permissions && ALL_PERMISSIONS.some((p) => !input.permissions!.includes(p))) {
    throw new AppError('invalid_state', '店长角色始终拥有全部权限，不能修改其权限', {}, [
      { path: 'permissions', message: '店长角色的权限不可修改' },
    ]);
  }
  // A role you could not hand out yourself is not yours to edit either: every permission it
  // carries, before and after, must be one you hold.
  if (actor.via !== 'system') {
    const held = lacking(actor, before.permissions);
    if (held.length) {
      throw new AppError(
        'forbidden',
        `角色「${before.name}」包含你没有的权限（${held.join(', ')}），你不能修改它，请联系店长或权限更高的同事操作`,
        { roleId: id, beyond: held },
      );
    }
    assertMayGrant(actor, input.permissions ?? []);
  }
  if (input.permissions && !samePermissions(before.permissions, input.permissions)) {
    // Changing what a role allows changes everyone who holds it: each must be someone you may manage.
    await users.assertMayManageUsers(
      trx,
      actor,
      await users.holdersOf(trx, id),
      (who) => `修改角色「${before.name}」的权限（会改变${who}的权限）`,
    );
  }
  const patch: Partial<RolesTable> = { updated_at: Date.now() };
  if (input.name !== undefined) patch.name = input.name;
  if (input.description !== undefined) patch.description = input.description;
  try {
    await trx.updateTable('roles').set(patch).where('id', '=', id).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name ?? '');
    throw err;
  }
  if (input.permissions) {
    const permissions = [...new Set(input.permissions)];
    await trx.deleteFrom('role_permissions').where('role_id', '=', id).execute();
    if (permissions.length)
      await trx
        .insertInto('role_permissions')
        .values(permissions.map((permission) => ({ role_id: id, permission })))
        .execute();
  }
  const after = await getRole(trx, actor.orgId, id);
  await audit.record(trx, actor, 'role.update', { entityType: 'role', entityId: id, before: auditView(before), after: auditView(after) });
  return after;
}

export async function deleteRole(trx: Transaction<DB>, actor: Actor, id: string): Promise<void> {
  const role = await getRole(trx, actor.orgId, id);
  assertAllShops(actor, `删除角色「${role.name}」`);
  if (role.builtin) throw new AppError('invalid_state', `「${role.name}」是系统内置角色，不能删除`);
  if (role.userCount > 0) throw new AppError('conflict', `还有 ${role.userCount} 个用户使用角色「${role.name}」，请先为他们更换角色`);
  assertMayGrant(actor, role.permissions);
  await trx.deleteFrom('role_permissions').where('role_id', '=', id).execute();
  await trx.deleteFrom('roles').where('id', '=', id).execute();
  await audit.record(trx, actor, 'role.delete', { entityType: 'role', entityId: id, before: auditView(role) });
}

/** Seed (or complete) the built-in team roles; idempotent. The owner role always gets every permission. */
export async function seedRoles(trx: Transaction<DB>, orgId: string): Promise<void> {
  const now = Date.now();
  for (const seed of SEED_ROLES) {
    let row = await trx.selectFrom('roles').selectAll().where('org_id', '=', orgId).where('code', '=', seed.code).executeTakeFirst();
    if (!row) {
      row = {
        id: newId('role'),
        org_id: orgId,
        code: seed.code,
        name: seed.zh,
        description: seed.description,
        builtin: 1,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('roles').values(row).execute();
      await trx
        .insertInto('role_permissions')
        .values(seed.permissions.map((permission) => ({ role_id: row!.id, permission })))
        .execute();
    } else if (seed.code === 'owner') {
      const have = new Set(
        (await trx.selectFrom('role_permissions').select('permission').where('role_id', '=', row.id).execute()).map((p) => p.permission),
      );
      const missing = ALL_PERMISSIONS.filter((p) => !have.has(p));
      if (missing.length)
        await trx
          .insertInto('role_permissions')
          .values(missing.map((permission) => ({ role_id: row!.id, permission })))
          .execute();
    }
  }
}

export async function findRoleByCodeOrName(db: Kysely<DB>, orgId: string, ref: string): Promise<RolesTable | undefined> {
  return db
    .selectFrom('roles')
    .selectAll()
    .where('org_id', '=', orgId)
    .where((eb) => eb.or([eb('code', '=', ref), eb('name', '=', ref), eb('id', '=', ref)]))
    .executeTakeFirst();
}

import {
  AppError,
  DEFAULT_RISE_COLOR,
  maskEmail,
  maskPhone,
  newId,
  type CreateUserInput,
  type PreferencesInput,
  type Page,
  type RoleRef,
  type UpdateUserInput,
  type User,
  type UserListFilter,
} from '@yunying/core';
import type { Expression, ExpressionBuilder, Kysely, SqlBool, Transaction } from 'kysely';
import { isUniqueViolation } from '../../db/dialect.js';
import { anyTextMatch, searchTerm, seesAllShops, shopScope, shopsOutside } from '../../db/kit.js';
import type { DB, UsersTable } from '../../db/schema.js';
import { can, isOwner, lacking, type Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as auth from '../auth/index.js';
import * as roles from '../roles/index.js';
import * as shops from '../shops/index.js';
import * as tokens from '../tokens/index.js';

async function shopsOf(db: Kysely<DB>, userIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (userIds.length === 0) return map;
  const rows = await db
    .selectFrom('user_shops')
    .select(['user_id', 'shop_id'])
    .where('user_id', 'in', userIds)
    .orderBy('shop_id')
    .execute();
  for (const r of rows) map.set(r.user_id, [...(map.get(r.user_id) ?? []), r.shop_id]);
  return map;
}

function toUser(r: UsersTable, roleRefs: RoleRef[], shopIds: string[], showPii: boolean): User {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    phone: showPii ? r.phone : maskPhone(r.phone),
    email: showPii ? r.email : maskEmail(r.email),
    status: r.status as User['status'],
    roles: roleRefs,
    shopIds: r.all_shops ? [] : shopIds,
    allShops: r.all_shops === 1,
    lastLoginAt: r.last_login_at,
    createdAt: r.created_at,
  };
}

async function hydrate(db: Kysely<DB>, actor: Actor | null, rows: UsersTable[]): Promise<User[]> {
  const ids = rows.map((r) => r.id);
  const [roleRefs, shopIds] = await Promise.all([roles.rolesOfUsers(db, ids), shopsOf(db, ids)]);
  const showPii = actor === null || can(actor, 'customers.pii.read');
  return rows.map((r) => toUser(r, roleRefs.get(r.id) ?? [], shopIds.get(r.id) ?? [], showPii));
}

/** True when the actor (null: internal, unscoped) is limited to some shops and so sees only some users. */
function limitedActor(actor: Actor | null): actor is Actor {
  return actor !== null && !seesAllShops(actor);
}

/**
 * The users an actor limited to some shops may look at: those whose shops all lie within the
 * actor's — the shop half of who they may manage (assertMayManage), so neither users with every
 * shop nor users with a shop the actor cannot see. Users without any shop are visible. An actor
 * who sees every shop sees every user.
 */
function withinShopsOf(actor: Actor) {
  return (eb: ExpressionBuilder<DB, 'users'>): Expression<SqlBool> => {
    const inside = shopScope(actor, 'us.shop_id')!;
    return eb.and([
      eb('users.all_shops', '=', 0),
      eb.not(
        eb.exists(eb.selectFrom('user_shops as us').select('us.shop_id').whereRef('us.user_id', '=', 'users.id').where(eb.not(inside))),
      ),
    ]);
  };
}

export async function listUsers(db: Kysely<DB>, actor: Actor, f: UserListFilter): Promise<Page<User>> {
  let q = db.selectFrom('users').where('org_id', '=', actor.orgId);
  if (limitedActor(actor)) q = q.where(withinShopsOf(actor));
  const term = searchTerm(f.q);
  if (term) q = q.where(anyTextMatch(['username', 'display_name'], term));
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return { items: await hydrate(db, actor, rows), total: Number(total), page: f.page, pageSize: f.pageSize };
}

/** One user; an actor limited to some shops finds only the users withinShopsOf allows (others are not found). */
export async function getUser(db: Kysely<DB>, actor: Actor | null, orgId: string, id: string): Promise<User> {
  let q = db.selectFrom('users').selectAll().where('id', '=', id).where('org_id', '=', orgId);
  if (limitedActor(actor)) q = q.where(withinShopsOf(actor));
  const row = await q.executeTakeFirst();
  if (!row) throw new AppError('not_found', `用户 ${id} 不存在`, { userId: id });
  return (await hydrate(db, actor, [row]))[0]!;
}

async function assertRoles(trx: Kysely<DB>, orgId: string, roleIds: string[]): Promise<void> {
  const unique = [...new Set(roleIds)];
  const found = await roles.rolesByIds(trx, orgId, unique);
  if (found.length !== unique.length) {
    const missing = unique.filter((id) => !found.some((f) => f.id === id));
    throw new AppError('validation_failed', `角色不存在：${missing.join(', ')}`, { missing }, [
      { path: 'roleIds', message: '包含不存在的角色' },
    ]);
  }
}

async function assertShops(trx: Kysely<DB>, actor: Actor, shopIds: string[]): Promise<void> {
  const unique = [...new Set(shopIds)];
  if (unique.length === 0) return;
  const found = new Set(await shops.existingIds(trx, actor.orgId, unique));
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length) {
    throw new AppError('validation_failed', `店铺不存在：${missing.join(', ')}`, { missing }, [
      { path: 'shopIds', message: '包含不存在的店铺' },
    ]);
  }
  const outside = shopsOutside(actor, unique);
  if (outside.length) {
    throw new AppError('forbidden', `不能分配你自己无权访问的店铺：${outside.join(', ')}，请联系店长操作`, { outside }, [
      { path: 'shopIds', message: '包含你无权访问的店铺' },
    ]);
  }
}

/** Only someone who sees every shop may grant every shop. */
function assertMayGrantAllShops(actor: Actor, allShops: boolean | undefined): void {
  if (allShops && !seesAllShops(actor)) {
    throw new AppError('forbidden', '你只能访问部分店铺，不能授予“全部店铺”权限', {}, [{ path: 'allShops', message: '无权授予全部店铺' }]);
  }
}

/**
 * Only someone who holds every permission of a role may grant it (no privilege escalation), and
 * only an owner may make someone an owner.
 */
async function assertMayGrantRoles(trx: Kysely<DB>, actor: Actor, roleIds: string[]): Promise<void> {
  if (actor.via === 'system') return;
  if (!isOwner(actor) && roleIds.length) {
    const owner = (await roles.rolesByIds(trx, actor.orgId, roleIds)).find((r) => r.code === 'owner');
    if (owner) {
      throw new AppError('forbidden', `只有店长可以授予「${owner.name}」角色，请联系店长操作`, {}, [
        { path: 'roleIds', message: '只有店长可以授予店长角色' },
      ]);
    }
  }
  const beyond = lacking(actor, await roles.permissionsOf(trx, roleIds));
  if (beyond.length) {
    throw new AppError('forbidden', `不能授予超出你自身权限的角色（缺少：${beyond.join(', ')}）`, { beyond }, [
      { path: 'roleIds', message: '角色权限超出你的权限' },
    ]);
  }
}

/** The unique form of a username: `Admin` and `admin` are one name. Login ignores case too. */
export function usernameKey(username: string): string {
  return username.trim().toLowerCase();
}

function usernameTaken(username: string): AppError {
  return new AppError('conflict', `用户名「${username}」已被使用（不区分大小写），请换一个`, { username }, [
    { path: 'username', message: '用户名已存在（不区分大小写）' },
  ]);
}

export async function createUser(trx: Transaction<DB>, actor: Actor, input: CreateUserInput): Promise<User> {
  await assertRoles(trx, actor.orgId, input.roleIds);
  await assertMayGrantRoles(trx, actor, input.roleIds);
  assertMayGrantAllShops(actor, input.allShops);
  if (!input.allShops) await assertShops(trx, actor, input.shopIds);
  const taken = await trx.selectFrom('users').select('id').where('username_key', '=', usernameKey(input.username)).executeTakeFirst();
  if (taken) throw usernameTaken(input.username);
  const id = await insertAccount(trx, { ...input, orgId: actor.orgId });
  const user = await getUser(trx, null, actor.orgId, id);
  await audit.record(trx, actor, 'user.create', { entityType: 'user', entityId: id, after: auditView(user) });
  return user;
}

/**
 * Store a new active account with its roles and shops, without any check or audit entry: for
 * `createUser` (which checks first) and the first start (bootstrap creates the owner). Returns its id.
 */
export async function insertAccount(
  trx: Kysely<DB>,
  input: Pick<CreateUserInput, 'username' | 'displayName' | 'password' | 'phone' | 'email' | 'roleIds' | 'shopIds' | 'allShops'> & {
    orgId: string;
  },
): Promise<string> {
  const now = Date.now();
  const row: UsersTable = {
    id: newId('user'),
    org_id: input.orgId,
    username: input.username.trim(),
    username_key: usernameKey(input.username),
    display_name: input.displayName,
    password_hash: await auth.hashPassword(input.password),
    phone: input.phone ?? null,
    email: input.email ?? null,
    status: 'active',
    all_shops: input.allShops ? 1 : 0,
    last_login_at: null,
    password_changed_at: now,
    created_at: now,
    updated_at: now,
    rise_color: DEFAULT_RISE_COLOR,
  };
  try {
    await trx.insertInto('users').values(row).execute();
  } catch (err) {
    // Two creations at once: the unique index on username_key decides.
    if (isUniqueViolation(err)) throw usernameTaken(input.username);
    throw err;
  }
  await setRolesAndShops(trx, row.id, [...new Set(input.roleIds)], input.allShops ? [] : [...new Set(input.shopIds)]);
  return row.id;
}

async function setRolesAndShops(trx: Kysely<DB>, userId: string, roleIds?: string[], shopIds?: string[]): Promise<void> {
  if (roleIds) {
    await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
    if (roleIds.length)
      await trx
        .insertInto('user_roles')
        .values(roleIds.map((role_id) => ({ user_id: userId, role_id })))
        .execute();
  }
  if (shopIds) {
    await trx.deleteFrom('user_shops').where('user_id', '=', userId).execute();
    if (shopIds.length)
      await trx
        .insertInto('user_shops')
        .values(shopIds.map((shop_id) => ({ user_id: userId, shop_id })))
        .execute();
  }
}

/** What the audit log keeps of a user: never the password hash. */
function auditView(u: User): Record<string, unknown> {
  return {
    username: u.username,
    displayName: u.displayName,
    phone: maskPhone(u.phone),
    email: maskEmail(u.email),
    status: u.status,
    roles: u.roles.map((r) => r.name),
    allShops: u.allShops,
    shopIds: u.shopIds,
  };
}

// ---------------------------------------------------------------- who may manage whom

/** What a user may do and see: the yardstick for who may change, reset or disable whom. */
interface Reach {
  id: string;
  username: string;
  active: boolean;
  permissions: Set<string>;
  /** null = every shop. */
  shopIds: string[] | null;
  owner: boolean;
}

async function reachOf(db: Kysely<DB>, orgId: string, userIds: string[]): Promise<Reach[]> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('id', 'in', ids).execute();
  const grants = await roles.grantsOfUsers(db, ids);
  const shopIds = await shopsOf(db, ids);
  return rows.map((r) => {
    const mine = grants.get(r.id);
    return {
      id: r.id,
      username: r.username,
      active: r.status === 'active',
      permissions: mine?.permissions ?? new Set<string>(),
      shopIds: r.all_shops ? null : (shopIds.get(r.id) ?? []),
      owner: mine?.owner ?? false,
    };
  });
}

async function mustReach(db: Kysely<DB>, orgId: string, id: string): Promise<Reach> {
  const [reach] = await reachOf(db, orgId, [id]);
  if (!reach) throw new AppError('not_found', `用户 ${id} 不存在`, { userId: id });
  return reach;
}

/** How a refusal names the action: `(who) => `重置${who}的密码`` gives 「不能重置用户「x」的密码」. */
export type ManageAction = (who: string) => string;
const CHANGE: ManageAction = (who) => `修改${who}`;
const DISABLE: ManageAction = (who) => `停用${who}`;
const RESET: ManageAction = (who) => `重置${who}的密码`;

/**
 * A user may create, change, reset or disable only users who lie entirely within their own reach:
 * every permission the target's roles carry is one the actor holds, every shop the target may see
 * is one the actor may see, and an owner only by an owner.
 */
function assertMayManage(actor: Actor, target: Reach, action: ManageAction): void {
  if (actor.via === 'system') return;
  const user = `用户「${target.username}」`;
  if (target.owner && !isOwner(actor)) {
    throw new AppError('forbidden', `只有店长可以${action(`店长账号「${target.username}」`)}，请联系店长操作`, {
      userId: target.id,
      reason: 'owner',
    });
  }
  const beyond = lacking(actor, target.permissions);
  if (beyond.length) {
    throw new AppError('forbidden', `不能${action(user)}：该用户拥有你没有的权限（${beyond.join(', ')}），请联系店长或权限更高的同事操作`, {
      userId: target.id,
      reason: 'permissions',
      beyond,
    });
  }
  if (!seesAllShops(actor)) {
    if (target.shopIds === null) {
      throw new AppError('forbidden', `不能${action(user)}：该用户可访问全部店铺，而你只能访问部分店铺，请联系店长操作`, {
        userId: target.id,
        reason: 'shops',
      });
    }
    const outside = shopsOutside(actor, target.shopIds);
    if (outside.length) {
      throw new AppError('forbidden', `不能${action(user)}：该用户可访问你无权访问的店铺（${outside.join(', ')}），请联系店长操作`, {
        userId: target.id,
        reason: 'shops',
        shopIds: outside,
      });
    }
  }
}

/**
 * Refuse unless the actor may manage every one of these users (the roles module asks this before
 * changing the permissions of a role they hold).
 */
export async function assertMayManageUsers(db: Kysely<DB>, actor: Actor, userIds: string[], action: ManageAction): Promise<void> {
  if (actor.via === 'system') return;
  for (const target of await reachOf(db, actor.orgId, userIds)) assertMayManage(actor, target, action);
}

/** A full owner: active, holds the owner role, sees every shop. */
function isFullOwner(r: Reach): boolean {
  return r.owner && r.active && r.shopIds === null;
}

async function assertOwnerRemains(trx: Kysely<DB>, orgId: string): Promise<void> {
  const ownerRole = await roles.ownerRoleId(trx, orgId);
  const owners = ownerRole
    ? await trx
        .selectFrom('users')
        .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('users.org_id', '=', orgId)
        .where('users.status', '=', 'active')
        .where('users.all_shops', '=', 1)
        .where('user_roles.role_id', '=', ownerRole)
        .executeTakeFirstOrThrow()
    : { n: 0 };
  if (Number(owners.n) === 0) {
    throw new AppError(
      'invalid_state',
      '至少要保留一个启用状态、可访问全部店铺的店长账号：不能停用最后一位店长，也不能去掉其店长角色或缩小其店铺范围。请先让另一位同事成为店长。',
    );
  }
}

/** A masked value (138****1234, l***@x.com) sent back by a client would overwrite real data. */
function assertNotMasked(input: UpdateUserInput): void {
  for (const field of ['phone', 'email'] as const) {
    const v = input[field];
    if (typeof v === 'string' && v.includes('***')) {
      throw new AppError('validation_failed', '不能保存打码后的联系方式，请输入完整的号码或邮箱，或不修改此项', {}, [
        { path: field, message: '这是打码后的值，请输入完整内容' },
      ]);
    }
  }
}

export async function updateUser(trx: Transaction<DB>, actor: Actor, id: string, input: UpdateUserInput): Promise<User> {
  assertNotMasked(input);
  // Every change that could remove an owner runs one at a time (see roles.lockOwnerRole).
  await roles.lockOwnerRole(trx, actor.orgId);
  const target = await mustReach(trx, actor.orgId, id);
  assertMayManage(actor, target, input.status === 'disabled' ? DISABLE : CHANGE);
  const before = await getUser(trx, null, actor.orgId, id);
  if (input.roleIds) {
    await assertRoles(trx, actor.orgId, input.roleIds);
    await assertMayGrantRoles(trx, actor, input.roleIds);
  }
  assertMayGrantAllShops(actor, input.allShops);
  if (input.shopIds) await assertShops(trx, actor, input.shopIds);
  if (id === actor.userId && input.status === 'disabled') throw new AppError('invalid_state', '不能停用自己的账号');
  const patch: Partial<UsersTable> = { updated_at: Date.now() };
  if (input.displayName !== undefined) patch.display_name = input.displayName;
  if (input.phone !== undefined) patch.phone = input.phone;
  if (input.email !== undefined) patch.email = input.email;
  if (input.status !== undefined) patch.status = input.status;
  if (input.allShops !== undefined) patch.all_shops = input.allShops ? 1 : 0;
  await trx.updateTable('users').set(patch).where('id', '=', id).execute();
  const allShops = input.allShops ?? before.allShops;
  await setRolesAndShops(
    trx,
    id,
    input.roleIds ? [...new Set(input.roleIds)] : undefined,
    allShops ? [] : input.shopIds ? [...new Set(input.shopIds)] : undefined,
  );
  if (input.status === 'disabled') {
    // A disabled account is signed out everywhere; its API tokens do not come back if it is re-enabled.
    await auth.endSessionsOf(trx, id);
    await tokens.revokeAllOf(trx, id);
  }
  if (isFullOwner(target)) await assertOwnerRemains(trx, actor.orgId);
  const after = await getUser(trx, null, actor.orgId, id);
  await audit.record(trx, actor, 'user.update', { entityType: 'user', entityId: id, before: auditView(before), after: auditView(after) });
  return getUser(trx, actor, actor.orgId, id);
}

/**
 * Set a new password for someone else (or from the CLI). Ends all their sessions and API tokens
 * and lifts their login lock. Your own password is changed with the current one (auth).
 */
export async function resetPassword(trx: Transaction<DB>, actor: Actor, id: string, newPassword: string): Promise<void> {
  const target = await mustReach(trx, actor.orgId, id);
  if (actor.via !== 'system' && id === actor.userId) {
    throw new AppError('forbidden', '不能在这里重置自己的密码，请在「修改密码」中输入当前密码后修改');
  }
  assertMayManage(actor, target, RESET);
  const now = Date.now();
  await setPasswordHash(trx, id, await auth.hashPassword(newPassword), now);
  await auth.endSessionsOf(trx, id);
  const revoked = await tokens.revokeAllOf(trx, id, now);
  await auth.clearLoginLock(trx, target.username);
  await audit.record(trx, actor, 'user.reset_password', { entityType: 'user', entityId: id, after: { tokensRevoked: revoked } });
}

/** The account a login name means: the exact spelling first (accounts from before names ignored case), then any case. */
export async function findByUsername(db: Kysely<DB>, username: string): Promise<UsersTable | undefined> {
  const name = username.trim();
  const exact = await db.selectFrom('users').selectAll().where('username', '=', name).executeTakeFirst();
  return exact ?? (await db.selectFrom('users').selectAll().where('username_key', '=', usernameKey(name)).executeTakeFirst());
}

/** An account by id (any organisation, any status), or undefined. */
export async function findById(db: Kysely<DB>, id: string): Promise<UsersTable | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Whether any account exists yet (the first start creates the owner). */
export async function hasAnyUser(db: Kysely<DB>): Promise<boolean> {
  return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** The shops a user is limited to (meaningless for a user with every shop). */
export async function shopIdsOf(db: Kysely<DB>, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('user_shops').select('shop_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.shop_id);
}

/** Let a user limited to some shops see one more (a shop they have just created). */
export async function grantShop(trx: Kysely<DB>, userId: string, shopId: string): Promise<void> {
  await trx.insertInto('user_shops').values({ user_id: userId, shop_id: shopId }).execute();
}

/** Note a successful login. */
export async function recordLogin(trx: Kysely<DB>, userId: string, at: number): Promise<void> {
  await trx.updateTable('users').set({ last_login_at: at }).where('id', '=', userId).execute();
}

/** Store a new password hash. Ending sessions and tokens is the caller's part (it differs: reset vs. change). */
/** A user's own display preferences (no permission needed beyond being signed in: they are theirs). */
export async function preferencesOf(db: Kysely<DB>, userId: string): Promise<PreferencesInput> {
  const row = await db.selectFrom('users').select('rise_color').where('id', '=', userId).executeTakeFirst();
  return { riseColor: row?.rise_color === 'green' ? 'green' : DEFAULT_RISE_COLOR };
}

export async function setPreferences(trx: Kysely<DB>, userId: string, input: PreferencesInput, now = Date.now()): Promise<void> {
  await trx.updateTable('users').set({ rise_color: input.riseColor, updated_at: now }).where('id', '=', userId).execute();
}

export async function setPasswordHash(trx: Kysely<DB>, userId: string, passwordHash: string, now = Date.now()): Promise<void> {
  await trx
    .updateTable('users')
    .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now })
    .where('id', '=', userId)
    .execute();
}

/** How many users hold each of these roles (roles without holders are absent). */
export async function countByRole(db: Kysely<DB>, roleIds: readonly string[]): Promise<Map<string, number>> {
  if (roleIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('user_roles')
    .select(['role_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('role_id', 'in', [...roleIds])
    .groupBy('role_id')
    .execute();
  return new Map(rows.map((r) => [r.role_id, Number(r.n)]));
}

/** The ids of the users who hold a role. */
export async function holdersOf(db: Kysely<DB>, roleId: string): Promise<string[]> {
  const rows = await db.selectFrom('user_roles').select('user_id').where('role_id', '=', roleId).execute();
  return rows.map((r) => r.user_id);
}

/** The organisation's active members with their email and shop scope (notification recipients). */
export async function activeMembers(
  db: Kysely<DB>,
  orgId: string,
): Promise<{ id: string; displayName: string; email: string; shopIds: string[] | null }[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'email', 'all_shops'])
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
  const limited = rows.filter((r) => !r.all_shops).map((r) => r.id);
  const grants = new Map<string, string[]>();
  for (let i = 0; i < limited.length; i += 500) {
    const links = await db
      .selectFrom('user_shops')
      .select(['user_id', 'shop_id'])
      .where('user_id', 'in', limited.slice(i, i + 500))
      .execute();
    for (const l of links) grants.set(l.user_id, [...(grants.get(l.user_id) ?? []), l.shop_id]);
  }
  return rows.map((r) => ({
    id: r.id,
    displayName: r.display_name,
    email: (r.email ?? '').trim(),
    shopIds: r.all_shops ? null : (grants.get(r.id) ?? []),
  }));
}

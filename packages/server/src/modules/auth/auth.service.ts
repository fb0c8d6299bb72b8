import {
  AppError,
  type ChangePasswordInput,
  type LoginInput,
  type Me,
  type MeResponse,
  type PreferencesInput,
  type Shop,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { DB } from '../../db/schema.js';
import { hasAllShops, type Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as roles from '../roles/index.js';
import * as shops from '../shops/index.js';
import * as tokens from '../tokens/index.js';
import * as users from '../users/index.js';
import { dummyPasswordHash, hashPassword, randomToken, sha256, verifyPassword } from './passwords.js';
import { admitAttempt, clearFailures, lockedMessage, recordFailure, recordSuccess, throttleKeys } from './throttle.js';

export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** Everything needed to act as a user: permissions from their roles, shops they may see. */
export async function loadActor(db: Kysely<DB>, userId: string, info: RequestInfo): Promise<Actor | null> {
  const user = await users.findById(db, userId);
  if (!user || user.status !== 'active') return null;
  const grants = (await roles.grantsOfUsers(db, [userId])).get(userId);
  const shopIds = user.all_shops ? null : await users.shopIdsOf(db, userId);
  return {
    userId: user.id,
    orgId: user.org_id,
    username: user.username,
    displayName: user.display_name,
    permissions: grants?.permissions ?? new Set(),
    shopIds,
    isOwner: grants?.owner ?? false,
    via: 'session',
    ip: info.ip,
    requestId: info.requestId,
  };
}

export interface LoginResult {
  sessionToken: string;
  csrfToken: string;
  expiresAt: number;
  userId: string;
}

export async function login(db: Kysely<DB>, cfg: Config, input: LoginInput, info: RequestInfo): Promise<LoginResult> {
  const keys = throttleKeys(input.username, info.ip);
  // Counted before the slow password check, atomically: at most `max` guesses per window are verified.
  const admitted = await admitAttempt(db, cfg.login, [
    { key: keys.user, max: cfg.login.maxUserFailures },
    ...(keys.ip ? [{ key: keys.ip, max: cfg.login.maxIpFailures }] : []),
  ]);
  const user = await users.findByUsername(db, input.username);
  const ok = await verifyPassword(input.password, user?.password_hash ?? (await dummyPasswordHash()));
  if (!user || !ok) {
    const lockedUntil = await recordFailure(db, cfg.login, admitted);
    if (user) {
      await audit.record(db, actorFor(user, info), 'auth.login_failed', {
        entityType: 'user',
        entityId: user.id,
        after: { locked: lockedUntil !== null },
      });
    }
    if (lockedUntil) throw new AppError('rate_limited', lockedMessage(lockedUntil), { lockedUntil });
    throw new AppError('unauthenticated', '用户名或密码错误，请检查后重试（连续 5 次错误将锁定 15 分钟）。');
  }
  await recordSuccess(db, keys.user, keys.ip);
  if (user.status !== 'active') throw new AppError('forbidden', '该账号已被停用，请联系管理员。');
  const now = Date.now();
  const sessionToken = randomToken();
  const csrfToken = randomToken(24);
  const expiresAt = now + cfg.sessionTtlMs;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({
        id: sha256(sessionToken),
        user_id: user.id,
        csrf_token: csrfToken,
        ip: info.ip,
        user_agent: info.userAgent?.slice(0, 400) ?? null,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await users.recordLogin(trx, user.id, now);
    await audit.record(trx, actorFor(user, info), 'auth.login', { entityType: 'user', entityId: user.id });
  });
  return { sessionToken, csrfToken, expiresAt, userId: user.id };
}

function actorFor(user: DB['users'], info: RequestInfo): Actor {
  return {
    userId: user.id,
    orgId: user.org_id,
    username: user.username,
    displayName: user.display_name,
    permissions: new Set(),
    shopIds: [],
    via: 'session',
    ip: info.ip,
    requestId: info.requestId,
  };
}

export interface SessionLookup {
  actor: Actor;
  csrfToken: string;
}

/** Resolve a session cookie; slides the expiry forward at most once every five minutes. */
export async function resolveSession(db: Kysely<DB>, cfg: Config, token: string, info: RequestInfo): Promise<SessionLookup | null> {
  const id = sha256(token);
  const s = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  const now = Date.now();
  if (!s || s.expires_at <= now) return null;
  const actor = await loadActor(db, s.user_id, info);
  if (!actor) return null;
  if (now - s.last_seen_at > 5 * 60 * 1000) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now, expires_at: now + cfg.sessionTtlMs })
      .where('id', '=', id)
      .execute();
  }
  return { actor: { ...actor, sessionId: id }, csrfToken: s.csrf_token };
}

export async function logout(db: Kysely<DB>, actor: Actor): Promise<void> {
  if (!actor.sessionId) return;
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('id', '=', actor.sessionId!).execute();
    await audit.record(trx, actor, 'auth.logout', { entityType: 'user', entityId: actor.userId });
  });
}

/** Resolve `Authorization: Bearer yyt_…`: the token's scopes intersected with its owner's permissions. */
export async function resolveApiToken(db: Kysely<DB>, token: string, info: RequestInfo): Promise<Actor | null> {
  const now = Date.now();
  const live = await tokens.findLive(db, token, now);
  if (!live) return null;
  const owner = await loadActor(db, live.userId, info);
  if (!owner) return null;
  const scopes = new Set(live.scopes);
  const permissions = new Set([...owner.permissions].filter((p) => scopes.has(p)));
  await tokens.noteUse(db, live, now);
  return { ...owner, permissions, via: 'token', tokenId: live.id };
}

export async function me(db: Kysely<DB>, actor: Actor, csrfToken: string): Promise<MeResponse> {
  const user: Me = {
    id: actor.userId,
    username: actor.username,
    displayName: actor.displayName,
    roles: (await roles.rolesOfUsers(db, [actor.userId])).get(actor.userId) ?? [],
    permissions: [...actor.permissions].sort(),
    allShops: hasAllShops(actor),
    riseColor: (await users.preferencesOf(db, actor.userId)).riseColor,
  };
  const visible: Shop[] = await shops.listVisible(db, actor);
  return { user, shops: visible, csrfToken };
}

export async function changePassword(db: Kysely<DB>, actor: Actor, input: ChangePasswordInput): Promise<void> {
  const user = await users.findById(db, actor.userId);
  if (!user) throw new AppError('not_found', `用户 ${actor.userId} 不存在`, { userId: actor.userId });
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) {
    throw new AppError('validation_failed', '当前密码不正确', {}, [{ path: 'currentPassword', message: '当前密码不正确' }]);
  }
  if (input.currentPassword === input.newPassword) {
    throw new AppError('validation_failed', '新密码不能与当前密码相同', {}, [{ path: 'newPassword', message: '新密码不能与当前密码相同' }]);
  }
  const hash = await hashPassword(input.newPassword);
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    await users.setPasswordHash(trx, actor.userId, hash, now);
    // Other sessions of this user end (the current one stays), and so do all their API tokens:
    // whoever learnt the old password may have made one.
    await endSessionsOf(trx, actor.userId, actor.sessionId);
    await tokens.revokeAllOf(trx, actor.userId);
    await audit.record(trx, actor, 'user.password_change', { entityType: 'user', entityId: actor.userId });
  });
}

/** The signed-in user's own display preferences (stored with the account, audited as their own change). */
export async function setPreferences(db: Kysely<DB>, actor: Actor, input: PreferencesInput): Promise<PreferencesInput> {
  await db.transaction().execute(async (trx) => {
    await users.setPreferences(trx, actor.userId, input);
    await audit.record(trx, actor, 'user.preferences', { entityType: 'user', entityId: actor.userId, after: input });
  });
  return input;
}

/** Sign a user out everywhere (account disabled, password reset), or everywhere but `keepSessionId`. */
export async function endSessionsOf(trx: Kysely<DB>, userId: string, keepSessionId?: string): Promise<void> {
  let del = trx.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepSessionId) del = del.where('id', '!=', keepSessionId);
  await del.execute();
}

/** Lift the login lock of a user name (an administrator has set a new password). */
export async function clearLoginLock(trx: Kysely<DB>, username: string): Promise<void> {
  await clearFailures(trx, throttleKeys(username, null).user);
}

import { AppError, newId, type ApiTokenInfo, type CreateTokenInput } from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { ApiTokensTable, DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import { randomToken, sha256 } from '../auth/passwords.js';

export const TOKEN_PREFIX = 'yyt_';

function toInfo(r: ApiTokensTable): ApiTokenInfo {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: JSON.parse(r.scopes) as string[],
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  };
}

export async function listOwn(db: Kysely<DB>, actor: Actor): Promise<ApiTokenInfo[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().where('user_id', '=', actor.userId).orderBy('created_at', 'desc').execute();
  return rows.map(toInfo);
}

/** Create a token; the secret is returned once and only its hash is kept. */
export async function createToken(
  trx: Transaction<DB>,
  actor: Actor,
  input: CreateTokenInput,
): Promise<{ token: ApiTokenInfo; secret: string }> {
  if (actor.via === 'token') {
    // A leaked token must not be able to mint tokens that outlive its own revocation.
    throw new AppError('forbidden', '不能用 API 令牌创建新的令牌，请登录控制台后在「API 令牌」页面创建。');
  }
  const scopes = [...new Set(input.scopes)];
  const beyond = scopes.filter((s) => !actor.permissions.has(s));
  if (beyond.length) {
    throw new AppError('forbidden', `令牌的权限范围不能超出你自己的权限：${beyond.join(', ')}`, { beyond }, [
      { path: 'scopes', message: '包含你没有的权限' },
    ]);
  }
  const secret = TOKEN_PREFIX + randomToken(32);
  const now = Date.now();
  const row: ApiTokensTable = {
    id: newId('token'),
    user_id: actor.userId,
    name: input.name,
    token_hash: sha256(secret),
    prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
    scopes: JSON.stringify(scopes),
    created_at: now,
    last_used_at: null,
    expires_at: input.expiresInDays ? now + input.expiresInDays * 86400000 : null,
    revoked_at: null,
  };
  await trx.insertInto('api_tokens').values(row).execute();
  const token = toInfo(row);
  await audit.record(trx, actor, 'token.create', {
    entityType: 'api_token',
    entityId: row.id,
    after: { name: token.name, scopes, expiresAt: token.expiresAt },
  });
  return { token, secret };
}

export async function revokeToken(trx: Transaction<DB>, actor: Actor, id: string): Promise<void> {
  const row = await trx.selectFrom('api_tokens').selectAll().where('id', '=', id).where('user_id', '=', actor.userId).executeTakeFirst();
  if (!row) throw new AppError('not_found', `令牌 ${id} 不存在`, { tokenId: id });
  if (row.revoked_at !== null) return;
  await trx.updateTable('api_tokens').set({ revoked_at: Date.now() }).where('id', '=', id).execute();
  await audit.record(trx, actor, 'token.revoke', { entityType: 'api_token', entityId: id, before: { name: row.name } });
}

/**
 * End every API token of a user (password reset or change, account disabled). Returns how many
 * were still live. Kept as revoked rows so the list still shows what existed.
 */
export async function revokeAllOf(trx: Kysely<DB>, userId: string, now = Date.now()): Promise<number> {
  const res = await trx
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** A token that may be used now: not revoked, not expired. */
export interface LiveToken {
  id: string;
  userId: string;
  scopes: string[];
  lastUsedAt: number | null;
}

/** The live token a bearer secret names, or null (unknown, revoked or expired). */
export async function findLive(db: Kysely<DB>, secret: string, now = Date.now()): Promise<LiveToken | null> {
  const row = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', sha256(secret)).executeTakeFirst();
  if (!row || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) return null;
  return { id: row.id, userId: row.user_id, scopes: JSON.parse(row.scopes) as string[], lastUsedAt: row.last_used_at };
}

/** Note that a token was used: at most once a minute, so busy integrations do not write on every call. */
export async function noteUse(db: Kysely<DB>, token: LiveToken, now = Date.now()): Promise<void> {
  if (token.lastUsedAt === null || now - token.lastUsedAt > 60 * 1000) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', token.id).execute();
  }
}

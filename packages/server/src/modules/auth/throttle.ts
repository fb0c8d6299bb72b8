import { AppError } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { DB } from '../../db/schema.js';

/** Login throttling: after N failures within the lock window, the key is locked for that window. */
export function throttleKeys(username: string, ip: string | null): { user: string; ip: string | null } {
  return { user: `user:${username.trim().toLowerCase()}`, ip: ip ? `ip:${ip}` : null };
}

function lockedMessage(until: number): string {
  const minutes = Math.max(1, Math.ceil((until - Date.now()) / 60000));
  return `登录失败次数过多，已暂时锁定。请在 ${minutes} 分钟后再试，或联系管理员重置密码。`;
}

export async function assertNotLocked(db: Kysely<DB>, keys: string[], now = Date.now()): Promise<void> {
  if (keys.length === 0) return;
  const rows = await db.selectFrom('login_throttle').selectAll().where('key', 'in', keys).execute();
  const until = Math.max(0, ...rows.map((r) => r.locked_until ?? 0));
  if (until > now) throw new AppError('rate_limited', lockedMessage(until), { lockedUntil: until });
}

/** Count a failure on each key; returns the lock-until time if this failure locked one of them. */
export async function recordFailure(
  db: Kysely<DB>,
  cfg: Config['login'],
  keys: { key: string; max: number }[],
  now = Date.now(),
): Promise<number | null> {
  let lockedUntil: number | null = null;
  await db.transaction().execute(async (trx) => {
    for (const { key, max } of keys) {
      const row = await trx.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
      const windowExpired = !row || now - row.first_failure_at > cfg.lockMs || (row.locked_until !== null && row.locked_until <= now);
      const failures = windowExpired ? 1 : row.failures + 1;
      const firstAt = windowExpired ? now : row.first_failure_at;
      const lock = failures >= max ? now + cfg.lockMs : null;
      if (lock) lockedUntil = Math.max(lockedUntil ?? 0, lock);
      if (row) {
        await trx
          .updateTable('login_throttle')
          .set({ failures, first_failure_at: firstAt, locked_until: lock })
          .where('key', '=', key)
          .execute();
      } else {
        await trx.insertInto('login_throttle').values({ key, failures, first_failure_at: firstAt, locked_until: lock }).execute();
      }
    }
  });
  return lockedUntil;
}

export async function clearFailures(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

export { lockedMessage };

import { AppError } from '@yunying/core';
import { sql, type Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { DB } from '../../db/schema.js';

/**
 * Login throttling, counted in the database so it holds across requests running at the same time
 * and across server processes sharing one PostgreSQL.
 *
 * An attempt is counted *before* the slow password check (`admitAttempt`): one INSERT … ON
 * CONFLICT DO UPDATE per key whose WHERE refuses the increment once the key has used its `max`
 * attempts in the current window (or is locked). The database decides under its row lock, so of
 * any number of simultaneous logins at most `max` per user and per IP ever reach the password
 * check. A failed check with the last allowed attempt locks the key for `lockMs`
 * (`recordFailure`); a successful one clears the user's count and gives the IP its attempt back
 * (`recordSuccess`), so colleagues behind one office IP are not locked out by logging in.
 */
export function throttleKeys(username: string, ip: string | null): { user: string; ip: string | null } {
  return { user: `user:${username.trim().toLowerCase()}`, ip: ip ? `ip:${ip}` : null };
}

function lockedMessage(until: number): string {
  const minutes = Math.max(1, Math.ceil((until - Date.now()) / 60000));
  return `登录失败次数过多，已暂时锁定。请在 ${minutes} 分钟后再试，或联系管理员重置密码。`;
}

export interface ThrottleKey {
  key: string;
  /** Attempts allowed per window; the one that reaches it and fails locks the key. */
  max: number;
}

/** A counted attempt: which number it was on each key. */
export type Admitted = (ThrottleKey & { attempt: number })[];

/**
 * Count one attempt on every key (in the given order, in one transaction) or refuse with
 * `rate_limited` when any key has no attempt left; then nothing is counted.
 */
export async function admitAttempt(db: Kysely<DB>, cfg: Config['login'], keys: ThrottleKey[], now = Date.now()): Promise<Admitted> {
  // The window is over when its lock has run out, or (never locked) its first attempt is older than lockMs.
  const over = sql<boolean>`((login_throttle.locked_until is not null and login_throttle.locked_until <= ${now})
    or (login_throttle.locked_until is null and login_throttle.first_failure_at < ${now - cfg.lockMs}))`;
  return db.transaction().execute(async (trx) => {
    const admitted: Admitted = [];
    for (const { key, max } of keys) {
      const row = await trx
        .insertInto('login_throttle')
        .values({ key, failures: 1, first_failure_at: now, locked_until: null })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet({
              failures: sql<number>`case when ${over} then 1 else login_throttle.failures + 1 end`,
              first_failure_at: sql<number>`case when ${over} then ${now} else login_throttle.first_failure_at end`,
              locked_until: sql<number | null>`case when ${over} then null else login_throttle.locked_until end`,
            })
            .where(sql<boolean>`${over} or (login_throttle.locked_until is null and login_throttle.failures < ${max})`),
        )
        .returning('failures')
        .executeTakeFirst();
      if (!row) {
        const held = await trx.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
        const until = held?.locked_until ?? (held ? held.first_failure_at + cfg.lockMs : now + cfg.lockMs);
        throw new AppError('rate_limited', lockedMessage(until), { lockedUntil: until });
      }
      admitted.push({ key, max, attempt: Number(row.failures) });
    }
    return admitted;
  });
}

/** The password check failed: lock every key this attempt used up. Returns the lock end, if any. */
export async function recordFailure(db: Kysely<DB>, cfg: Config['login'], admitted: Admitted, now = Date.now()): Promise<number | null> {
  const used = admitted.filter((a) => a.attempt >= a.max);
  if (used.length === 0) return null;
  const until = now + cfg.lockMs;
  await db
    .updateTable('login_throttle')
    .set({ locked_until: until })
    .where(
      'key',
      'in',
      used.map((a) => a.key),
    )
    .execute();
  return until;
}

/** The password was right: the user starts afresh, and the IP gets its attempt back. */
export async function recordSuccess(db: Kysely<DB>, userKey: string, ipKey: string | null): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', userKey).execute();
  if (ipKey) {
    await db
      .updateTable('login_throttle')
      .set((eb) => ({ failures: eb('failures', '-', 1) }))
      .where('key', '=', ipKey)
      .where('failures', '>', 0)
      .where('locked_until', 'is', null)
      .execute();
  }
}

export async function clearFailures(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

export { lockedMessage };

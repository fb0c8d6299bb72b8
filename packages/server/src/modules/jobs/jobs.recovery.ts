/**
 * Taking back the jobs of workers that died: by lease (any machine), or at once when the holder
 * was a process of this machine that no longer exists.
 */
import os from 'node:os';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/** A job whose worker died this many times while running it is failed instead of retried. */
export const MAX_JOB_CRASHES = 3;

/** Whether a process of this machine is gone (a pid we cannot signal because of rights is alive). */
function processGone(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Jobs held by a process of this machine that no longer exists need not wait for their lease: a
 * server restarted after a crash takes its import back at once instead of a minute later. A
 * worker's job gets an expired lease (so `requeueExpired` counts the crash and re-queues it); a
 * command-line run (`cli:<host>:<pid>`, no lease, nothing can resume it) is failed with what to do.
 * Workers are named `<host>:<pid>:<random>`; holders on other machines are left to their lease.
 */
export async function releaseDeadLocalHolders(db: Kysely<DB>, now = Date.now()): Promise<number> {
  const host = os.hostname();
  const running = await db.selectFrom('jobs').select(['id', 'locked_by']).where('status', '=', 'running').execute();
  let released = 0;
  for (const j of running) {
    const parts = (j.locked_by ?? '').split(':');
    const cli = parts[0] === 'cli';
    const [h, pid] = cli ? [parts[1], parts[2]] : [parts[0], parts[1]];
    if (h !== host || !processGone(Number(pid))) continue;
    const q = db.updateTable('jobs').where('id', '=', j.id).where('status', '=', 'running').where('locked_by', '=', j.locked_by);
    const res = cli
      ? await q
          .set({
            status: 'failed',
            error: '命令行导入在运行中被中断（进程已退出）。重新运行同一条命令即可：已导入的订单不会重复导入。',
            finished_at: now,
            locked_by: null,
            locked_until: null,
          })
          .executeTakeFirst()
      : await q.set({ locked_until: 0 }).executeTakeFirst();
    released += Number(res.numUpdatedRows);
  }
  return released;
}

/**
 * Jobs whose lease ran out (their process died) go back to the queue, counting the crash; one
 * that has crashed its worker MAX_JOB_CRASHES times is failed, so a job that takes the server
 * down is not picked up after every restart until the supervisor gives up.
 */
export async function requeueExpired(db: Kysely<DB>, now = Date.now()): Promise<number> {
  await releaseDeadLocalHolders(db, now);
  await db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'failed',
      crashes: eb('crashes', '+', 1),
      error: `任务运行中服务器已 ${MAX_JOB_CRASHES} 次中断（进程崩溃或被终止），为保护服务器不再自动重试；请检查文件内容（过大或损坏）后重新提交。`,
      finished_at: now,
      locked_by: null,
      locked_until: null,
    }))
    .where('status', '=', 'running')
    .where('locked_until', '<', now)
    .where('crashes', '>=', MAX_JOB_CRASHES - 1)
    .executeTakeFirst();
  const res = await db
    .updateTable('jobs')
    .set((eb) => ({ status: 'queued', crashes: eb('crashes', '+', 1), locked_by: null, locked_until: null }))
    .where('status', '=', 'running')
    .where('locked_until', '<', now)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

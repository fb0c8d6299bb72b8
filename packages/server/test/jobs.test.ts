/**
 * The job queue under crashes: a job whose worker dies is re-queued, and one that has taken its
 * worker down MAX_JOB_CRASHES times is failed with a Chinese reason instead of being claimed after
 * every restart; a graceful stop does not count as a crash.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { expect, it } from 'vitest';
import { claimNext, enqueue, MAX_JOB_CRASHES, requeueExpired } from '../src/modules/jobs/index.js';
import { describeEachDialect } from './dialects.js';
import { useTestApp } from './harness.js';

describeEachDialect('job queue crashes', (dialect) => {
  const ctx = useTestApp(dialect);
  const db = () => ctx.tdb.database.db;
  const jobOf = (id: string) => db().selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  /** A worker claims the job and dies: its lease is in the past. */
  async function claimAndDie(id: string) {
    const claimed = await claimNext(db(), `w-${Math.random()}`, ['test.crashy'], 60_000);
    expect(claimed?.id).toBe(id);
    await db()
      .updateTable('jobs')
      .set({ locked_until: Date.now() - 1 })
      .where('id', '=', id)
      .execute();
  }

  it(`re-queues a crashed job, and fails it after ${MAX_JOB_CRASHES} crashes`, async () => {
    const id = await enqueue(db(), { orgId: ctx.orgId, type: 'test.crashy', payload: {} });
    for (let i = 1; i < MAX_JOB_CRASHES; i++) {
      await claimAndDie(id);
      expect(await requeueExpired(db())).toBe(1);
      expect(await jobOf(id)).toMatchObject({ status: 'queued', crashes: i });
    }
    await claimAndDie(id);
    expect(await requeueExpired(db())).toBe(0);
    const failed = await jobOf(id);
    expect(failed).toMatchObject({ status: 'failed', crashes: MAX_JOB_CRASHES, locked_by: null });
    expect(failed.error).toContain('不再自动重试');
    expect(await claimNext(db(), 'w-after', ['test.crashy'], 60_000)).toBeNull();
  });

  it('leaves a running job with a live lease alone', async () => {
    const id = await enqueue(db(), { orgId: ctx.orgId, type: 'test.alive', payload: {} });
    expect((await claimNext(db(), 'w-live', ['test.alive'], 60_000))?.id).toBe(id);
    expect(await requeueExpired(db())).toBe(0);
    expect(await jobOf(id)).toMatchObject({ status: 'running', crashes: 0 });
  });

  it('takes a job back at once when the process of this machine that held it is gone, without waiting for its lease', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(gone.stdout.toString());
    const host = os.hostname();
    const dead = await enqueue(db(), { orgId: ctx.orgId, type: 'test.orphan', payload: {} });
    expect((await claimNext(db(), `${host}:${deadPid}:abc`, ['test.orphan'], 600_000))?.id).toBe(dead);
    const alive = await enqueue(db(), { orgId: ctx.orgId, type: 'test.held', payload: {} });
    expect((await claimNext(db(), `${host}:${process.ppid}:abc`, ['test.held'], 600_000))?.id).toBe(alive);
    const elsewhere = await enqueue(db(), { orgId: ctx.orgId, type: 'test.remote', payload: {} });
    expect((await claimNext(db(), `another-host:${deadPid}:abc`, ['test.remote'], 600_000))?.id).toBe(elsewhere);
    const cli = await enqueue(db(), { orgId: ctx.orgId, type: 'test.cli', payload: {} });
    await db()
      .updateTable('jobs')
      .set({ status: 'running', locked_by: `cli:${host}:${deadPid}`, locked_until: null })
      .where('id', '=', cli)
      .execute();

    expect(await requeueExpired(db())).toBe(1);
    expect(await jobOf(dead)).toMatchObject({ status: 'queued', crashes: 1, locked_by: null });
    expect(await jobOf(alive)).toMatchObject({ status: 'running', crashes: 0 });
    expect(await jobOf(elsewhere)).toMatchObject({ status: 'running', crashes: 0 });
    const failed = await jobOf(cli);
    expect(failed).toMatchObject({ status: 'failed', locked_by: null });
    expect(failed.error).toContain('重新运行同一条命令');
  });
});

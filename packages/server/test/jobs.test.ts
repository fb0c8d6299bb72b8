/**
 * The job queue under crashes: a job whose worker dies is re-queued, and one that has taken its
 * worker down MAX_JOB_CRASHES times is failed with a Chinese reason instead of being claimed after
 * every restart; a graceful stop does not count as a crash.
 */
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
});

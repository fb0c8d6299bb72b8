/**
 * The durable job queue, in the `jobs` table. Any number of workers may share it: on PostgreSQL a
 * job is claimed with `FOR UPDATE SKIP LOCKED`, on SQLite (one writer) with a guarded UPDATE whose
 * affected-row count decides. A running job holds a lock lease it renews while it works; a job
 * whose lease ran out (its process died) is put back in the queue and runs again, so handlers
 * must be idempotent (imports are).
 *
 * Stopping: `worker.stop()` (the app's close hook calls it for every worker on its database)
 * aborts `ctx.signal`. A handler that works in units (an import's batches) stores a checkpoint in
 * each unit's own transaction (`ctx.checkpoint`), and after a committed unit sees the signal and
 * throws `JobInterrupted`: the job goes back to the queue — not failed — and the next run goes on
 * from the checkpoint.
 */
import os from 'node:os';
import { AppError, newId, type JobStatus } from '@yunying/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import { isPostgres } from '../../db/kit.js';
import { requeueExpired } from './jobs.recovery.js';
import { announce, onAnnounce } from '../../lib/announce.js';
import type { DB, JobsTable } from '../../db/schema.js';

export type { JobStatus };

export interface JobContext {
  /** Report progress; written at most every ~500 ms (and renews the lock). `partial` is stored as the interim result. */
  progress(processed: number, total?: number | null, partial?: unknown): void;
  /**
   * Store `state` as the job's interim result inside `trx`, the transaction of the work it
   * describes, so the two commit or roll back together. Throws `JobInterrupted` (rolling the work
   * back) when this worker no longer holds the job (its lease ran out and another worker took it).
   */
  checkpoint(trx: Transaction<DB>, state: unknown): Promise<void>;
  /** Aborted when the worker is stopping: finish the unit at hand, checkpoint, throw `JobInterrupted`. */
  readonly signal: AbortSignal;
  readonly workerId: string;
}

/**
 * Thrown by a handler that stopped early on purpose (shutdown) or lost its job: the job is put
 * back in the queue to go on from its last checkpoint, and its files are kept.
 */
export class JobInterrupted extends Error {
  constructor(message = 'job interrupted') {
    super(message);
    this.name = 'JobInterrupted';
  }
}

/** Store a job's checkpoint in the caller's transaction, only while `workerId` holds the job. */
export async function saveCheckpoint(
  trx: Transaction<DB>,
  jobId: string,
  workerId: string,
  state: unknown,
  lockUntil: number | null = null,
): Promise<void> {
  const res = await trx
    .updateTable('jobs')
    .set({ result: JSON.stringify(state), ...(lockUntil !== null ? { locked_until: lockUntil } : {}) })
    .where('id', '=', jobId)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  if (res.numUpdatedRows !== 1n) throw new JobInterrupted(`job ${jobId} is no longer held by ${workerId}`);
}

export type JobHandler = (job: JobsTable, ctx: JobContext) => Promise<unknown>;
export type JobHandlers = Record<string, JobHandler>;

export interface EnqueueInput {
  orgId: string;
  shopId?: string | null;
  type: string;
  payload: unknown;
  createdBy?: string | null;
  /** Use a known id (e.g. files were saved under it before the job row exists). */
  id?: string;
}

/**
 * Workers running in this process: a new job wakes them instead of waiting for the next poll, and
 * the workers of the other server processes on the database too (lib/announce.ts, NOTIFY).
 */
const localWorkers = new Set<JobWorker>();
const JOBS_TOPIC = 'jobs-queued';
onAnnounce(JOBS_TOPIC, () => {
  for (const w of localWorkers) w.kick();
});

export async function enqueue(db: Kysely<DB>, input: EnqueueInput): Promise<string> {
  const id = input.id ?? newId('job');
  await db
    .insertInto('jobs')
    .values({
      id,
      org_id: input.orgId,
      shop_id: input.shopId ?? null,
      type: input.type,
      status: 'queued',
      progress: 0,
      processed: 0,
      total: null,
      payload: JSON.stringify(input.payload ?? {}),
      result: null,
      error: null,
      created_by: input.createdBy ?? null,
      locked_by: null,
      locked_until: null,
      created_at: Date.now(),
      started_at: null,
      crashes: 0,
      finished_at: null,
    })
    .execute();
  announce(JOBS_TOPIC);
  return id;
}

/**
 * Run a job's work here and now instead of queueing it (the CLI): the job row is written as
 * running, held by `cli:<pid>`, so the run shows in the job lists with its result or error;
 * `checkpoint` stores the work's state in the work's own transaction, as a worker's would.
 */
export async function runInProcess<T>(
  db: Kysely<DB>,
  input: EnqueueInput,
  work: (job: { id: string; workerId: string }, checkpoint: (trx: Transaction<DB>, state: unknown) => Promise<void>) => Promise<T>,
): Promise<T> {
  const id = input.id ?? newId('job');
  const workerId = `cli:${os.hostname()}:${process.pid}`;
  const now = Date.now();
  await db
    .insertInto('jobs')
    .values({
      id,
      org_id: input.orgId,
      shop_id: input.shopId ?? null,
      type: input.type,
      status: 'running',
      progress: 0,
      processed: 0,
      total: null,
      payload: JSON.stringify(input.payload ?? {}),
      result: null,
      error: null,
      created_by: input.createdBy ?? null,
      locked_by: workerId,
      locked_until: null,
      created_at: now,
      started_at: now,
      crashes: 0,
      finished_at: null,
    })
    .execute();
  try {
    const result = await work({ id, workerId }, (trx, state) => saveCheckpoint(trx, id, workerId, state));
    await db
      .updateTable('jobs')
      .set({ status: 'succeeded', progress: 100, result: JSON.stringify(result), finished_at: Date.now(), locked_by: null })
      .where('id', '=', id)
      .execute();
    return result;
  } catch (err) {
    await db
      .updateTable('jobs')
      .set({ status: 'failed', error: err instanceof Error ? err.message : String(err), finished_at: Date.now(), locked_by: null })
      .where('id', '=', id)
      .execute();
    throw err;
  }
}

/** Claim the oldest queued job of the given types; null when there is none. */
export async function claimNext(db: Kysely<DB>, workerId: string, types: readonly string[], lockMs: number): Promise<JobsTable | null> {
  if (types.length === 0) return null;
  const now = Date.now();
  if (isPostgres(db)) {
    const res = await sql<JobsTable>`
      update jobs set status = 'running', locked_by = ${workerId}, locked_until = ${now + lockMs},
        started_at = coalesce(started_at, ${now})
      where id = (
        select id from jobs where status = 'queued' and type in (${sql.join(types)})
        order by created_at, id limit 1 for update skip locked)
      returning *`.execute(db);
    return res.rows[0] ?? null;
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const next = await db
      .selectFrom('jobs')
      .select('id')
      .where('status', '=', 'queued')
      .where('type', 'in', types)
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!next) return null;
    const res = await db
      .updateTable('jobs')
      .set({ status: 'running', locked_by: workerId, locked_until: now + lockMs, started_at: sql`coalesce(started_at, ${now})` })
      .where('id', '=', next.id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    if (res.numUpdatedRows === 1n) return (await db.selectFrom('jobs').selectAll().where('id', '=', next.id).executeTakeFirst()) ?? null;
  }
  return null;
}

/**
 * Run one claimed job to its end: progress, result or error, final status. A job interrupted
 * (`JobInterrupted`, or anything thrown once `signal` is aborted: the database may be closing
 * under it) goes back to the queue instead of failing.
 */
export interface RunJobOptions {
  /** The worker holding the job's lock. */
  workerId: string;
  /** The lock lease, renewed while the job runs. */
  lockMs: number;
  /** Aborted when the worker stops. */
  signal?: AbortSignal | undefined;
}

export async function runJob(db: Kysely<DB>, job: JobsTable, handler: JobHandler, opts: RunJobOptions): Promise<void> {
  const { workerId, lockMs, signal = new AbortController().signal } = opts;
  let lastWrite = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const write = (patch: Partial<JobsTable>) => {
    pending = pending
      .then(() =>
        db
          .updateTable('jobs')
          .set({ ...patch, locked_until: Date.now() + lockMs })
          .where('id', '=', job.id)
          .where('locked_by', '=', workerId)
          .execute(),
      )
      .catch(() => {});
  };
  const heartbeat = setInterval(() => write({}), Math.max(1000, Math.floor(lockMs / 3)));
  heartbeat.unref();
  const ctx: JobContext = {
    workerId,
    signal,
    checkpoint: (trx, state) => saveCheckpoint(trx, job.id, workerId, state, Date.now() + lockMs),
    progress(processed, total, partial) {
      const now = Date.now();
      if (now - lastWrite < 500) return;
      lastWrite = now;
      const t = total ?? null;
      const percent = t && t > 0 ? Math.min(99, Math.floor((processed / t) * 100)) : 0;
      write({
        processed,
        total: t,
        progress: percent,
        ...(partial !== undefined ? { result: JSON.stringify(partial) } : {}),
      });
    },
  };
  try {
    // Claimed just as the worker was told to stop: leave it for the next start.
    if (signal.aborted) throw new JobInterrupted();
    const result = await handler(job, ctx);
    clearInterval(heartbeat);
    await pending;
    await db
      .updateTable('jobs')
      .set({
        status: 'succeeded',
        progress: 100,
        result: result === undefined ? null : JSON.stringify(result),
        error: null,
        finished_at: Date.now(),
        locked_by: null,
        locked_until: null,
      })
      .where('id', '=', job.id)
      .execute();
  } catch (err) {
    clearInterval(heartbeat);
    await pending;
    if (err instanceof JobInterrupted || signal.aborted) {
      // Back to the queue, to go on from its last checkpoint. If the database is already gone,
      // the lease runs out instead and `requeueExpired` does the same on the next start.
      await db
        .updateTable('jobs')
        .set({ status: 'queued', locked_by: null, locked_until: null })
        .where('id', '=', job.id)
        .where('status', '=', 'running')
        .where('locked_by', '=', workerId)
        .execute()
        .catch(() => {});
      return;
    }
    const message = err instanceof AppError ? err.message : `任务执行失败：${err instanceof Error ? err.message : String(err)}`;
    await db
      .updateTable('jobs')
      .set({ status: 'failed', error: message, finished_at: Date.now(), locked_by: null, locked_until: null })
      .where('id', '=', job.id)
      .execute();
  }
}

export interface WorkerOptions {
  pollMs?: number;
  lockMs?: number;
  workerId?: string;
  onError?: (err: unknown) => void;
}

export interface JobWorker {
  readonly workerId: string;
  /** The database the worker takes its jobs from. */
  readonly db: Kysely<DB>;
  /** Look for work now instead of at the next poll. */
  kick(): void;
  /**
   * Stop polling, tell the running job to stop at its next checkpoint (`ctx.signal`), and wait
   * (up to `waitMs`) for it. It is put back in the queue; one still running after `waitMs` keeps
   * its lease until it expires, then another worker runs it again from its last checkpoint.
   */
  stop(waitMs?: number): Promise<void>;
}

/** Start the loop that claims and runs jobs until stopped. */
export function startJobWorker(db: Kysely<DB>, handlers: JobHandlers, opts: WorkerOptions = {}): JobWorker {
  const pollMs = opts.pollMs ?? 1000;
  const lockMs = opts.lockMs ?? 60_000;
  const workerId = opts.workerId ?? `${os.hostname()}:${process.pid}:${newId('w').slice(2, 12)}`;
  const types = Object.keys(handlers);
  let stopped = false;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  let lastSweep = 0;

  const sleep = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, pollMs);
    }).finally(() => {
      if (timer) clearTimeout(timer);
      timer = null;
      wake = null;
    });

  const loop = (async () => {
    while (!stopped) {
      try {
        if (Date.now() - lastSweep > Math.min(lockMs, 30_000)) {
          lastSweep = Date.now();
          await requeueExpired(db);
        }
        const job = await claimNext(db, workerId, types, lockMs);
        if (job) {
          await runJob(db, job, handlers[job.type]!, { workerId, lockMs, signal: abort.signal });
          continue;
        }
      } catch (err) {
        opts.onError?.(err);
      }
      if (!stopped) await sleep();
    }
  })();

  const worker: JobWorker = {
    workerId,
    db,
    kick: () => wake?.(),
    stop: async (waitMs = 10_000) => {
      stopped = true;
      localWorkers.delete(worker);
      abort.abort();
      wake?.();
      let t: NodeJS.Timeout | undefined;
      await Promise.race([loop, new Promise<void>((r) => (t = setTimeout(r, waitMs)))]);
      clearTimeout(t);
    },
  };
  localWorkers.add(worker);
  return worker;
}

/**
 * Stop every worker of this process that takes jobs from `db` (the app's close hook: a shutdown
 * stops running jobs at their next checkpoint before the database closes).
 */
export async function stopJobWorkers(db: Kysely<DB>, waitMs?: number): Promise<void> {
  await Promise.all([...localWorkers].filter((w) => w.db === db).map((w) => w.stop(waitMs)));
}

export interface JobDto {
  id: string;
  shopId: string | null;
  type: string;
  status: JobStatus;
  progress: number;
  processed: number;
  total: number | null;
  payload: unknown;
  result: unknown;
  error: string | null;
  createdBy: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

function parseJson(s: string | null): unknown {
  if (s === null) return null;
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

export function jobRowToJob(r: JobsTable): JobDto {
  return {
    id: r.id,
    shopId: r.shop_id,
    type: r.type,
    status: r.status as JobStatus,
    progress: r.progress,
    processed: Number(r.processed),
    total: r.total === null ? null : Number(r.total),
    payload: parseJson(r.payload),
    result: parseJson(r.result),
    error: r.error,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    startedAt: r.started_at === null ? null : Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}

/** Wait until a job has finished (tests, CLI). */
export async function waitForJob(db: Kysely<DB>, id: string, timeoutMs = 60_000): Promise<JobsTable> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const j = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!j) throw new AppError('not_found', `任务 ${id} 不存在`);
    if (j.status === 'succeeded' || j.status === 'failed' || j.status === 'cancelled') return j;
    if (Date.now() > until) throw new Error(`job ${id} still ${j.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

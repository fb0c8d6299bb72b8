/**
 * Order import: what the CLI, the job worker and the routes call.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError, IMPORT_FORMATS, type ImportFormat } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/dialect.js';
import type { DB, JobsTable } from '../../../db/schema.js';
import type { Actor } from '../../../http/actor.js';
import { dataDir } from '../../../lib/files.js';
import * as auth from '../../auth/index.js';
import { JobInterrupted, runInProcess, type JobHandler } from '../../jobs/index.js';
import * as shops from '../../shops/index.js';
import { findPreset, IMPORT_JOB_TYPE } from './import.extras.js';
import { runImport, type ImportCheckpoint, type ImportCounts, type ImportSummary } from './import.service.js';

export { runImport, BATCH_ORDERS, MAX_STORED_ERRORS } from './import.service.js';
export type { ImportSummary, ImportCounts, ImportOptions, ImportCheckpoint, ImportRun } from './import.service.js';
export { IMPORT_JOB_TYPE, listErrors } from './import.extras.js';
export { openRows, previewFile, sniffEncoding } from './reader.js';
export { parseWorkerBytes, setParseWorkerBytes } from './import.parse-worker.js';

/** What the job row carries for an import. */
export interface ImportJobPayload {
  shopId: string;
  format: ImportFormat;
  files: { orders: string; items?: string | undefined };
  names: { orders: string; items?: string | undefined };
  mapping?: Record<string, string> | null | undefined;
  presetName?: string | null | undefined;
  moveStock: boolean;
}

const COUNT_KEYS: (keyof ImportCounts)[] = [
  'rows',
  'ordersCreated',
  'ordersUpdated',
  'ordersUnchanged',
  'lines',
  'linesChanged',
  'unmatchedLines',
  'ordersWithoutItems',
  'errors',
];

/**
 * A checkpoint as the job row stores it, in `result`: the counts so far at the top (what the
 * console shows while the job runs, equal to what is committed) and where to go on under
 * `resume` (hidden from the console).
 */
export function checkpointToResult(cp: ImportCheckpoint): Record<string, unknown> {
  const { counts, summary, ...at } = cp;
  return { ...(summary ?? counts), resume: { v: 1, ...at, finished: !!summary } };
}

/** The checkpoint a job row's `result` holds, or null (a job that never committed a batch). */
export function checkpointFromResult(result: string | null): ImportCheckpoint | null {
  if (!result) return null;
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(result) as Record<string, unknown>;
  } catch {
    return null;
  }
  const at = r.resume as (Omit<ImportCheckpoint, 'counts' | 'summary'> & { v?: number; finished?: boolean }) | undefined;
  if (!at || at.v !== 1) return null;
  const counts = Object.fromEntries(COUNT_KEYS.map((k) => [k, Number(r[k] ?? 0)])) as unknown as ImportCounts;
  const { resume: _resume, ...rest } = r;
  void _resume;
  return {
    counts,
    file: at.file,
    afterRow: at.afterRow,
    fileDone: at.fileDone,
    encodings: at.encodings ?? {},
    startedAt: at.startedAt,
    errorSeq: at.errorSeq,
    errorsStored: at.errorsStored,
    summary: at.finished ? (rest as unknown as ImportSummary) : undefined,
  };
}

/** Delete a job's uploads: only files the upload route saved for it (`<jobId>-orders.csv`), never a file the CLI was pointed at. */
function removeUploads(jobId: string, files: ImportJobPayload['files']): void {
  for (const f of [files.orders, files.items]) if (f && path.basename(f).startsWith(`${jobId}-`)) fs.rmSync(f, { force: true });
}

/** Where uploads go: `imports/` under the data directory (lib/files.ts). */
export function importsDir(database: Pick<Database, 'dialect' | 'file'>): string {
  const dir = path.join(dataDir(database), 'imports');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export interface ImportFileOptions {
  /** Shop id or name. */
  shopId: string;
  format: ImportFormat;
  file: string;
  itemsFile?: string | undefined;
  mappingPresetName?: string | undefined;
  moveStock?: boolean | undefined;
  onProgress?: ((processed: number, total: number) => void) | undefined;
}

/**
 * Import in this process (the CLI): the run is recorded as an import job, so it shows in 导入记录
 * with its bad-row report, but needs no worker.
 */
export async function importOrdersFile(db: Kysely<DB>, actor: Actor, opts: ImportFileOptions): Promise<ImportSummary> {
  if (!(IMPORT_FORMATS as readonly string[]).includes(opts.format)) {
    throw new AppError('validation_failed', `不支持的格式「${opts.format}」：可选 ${IMPORT_FORMATS.join(' / ')}`);
  }
  const shop = await shops.findByIdOrName(db, actor.orgId, opts.shopId);
  let mapping: Record<string, string> | null = null;
  if (opts.mappingPresetName) mapping = (await findPreset(db, actor, opts.mappingPresetName)).mapping;
  if (opts.format === 'generic' && !mapping) {
    throw new AppError('validation_failed', '通用格式需要列对应方案：用 --mapping <方案名> 指定（在网页“导入订单”中保存方案）。');
  }
  const payload: ImportJobPayload = {
    shopId: shop.id,
    format: opts.format,
    files: { orders: path.resolve(opts.file), items: opts.itemsFile ? path.resolve(opts.itemsFile) : undefined },
    names: { orders: path.basename(opts.file), items: opts.itemsFile ? path.basename(opts.itemsFile) : undefined },
    mapping,
    presetName: opts.mappingPresetName ?? null,
    moveStock: !!opts.moveStock,
  };
  const job = { orgId: actor.orgId, shopId: shop.id, type: IMPORT_JOB_TYPE, payload, createdBy: actor.userId || null };
  return runInProcess(db, job, ({ id }, checkpoint) =>
    runImport(
      db,
      actor,
      {
        jobId: id,
        shopId: shop.id,
        format: opts.format,
        file: opts.file,
        itemsFile: opts.itemsFile,
        mapping,
        moveStock: opts.moveStock,
        names: payload.names,
      },
      (p, t) => opts.onProgress?.(p, t),
      { checkpoint: (trx, cp) => checkpoint(trx, checkpointToResult(cp)) },
    ),
  );
}

/**
 * Who an import job acts as: the user who started it (named in timelines and audit, held to the
 * shops they may see), or the import itself when that user is gone or disabled.
 */
async function jobActor(db: Kysely<DB>, job: JobsTable): Promise<Actor> {
  const user = job.created_by ? await auth.loadActor(db, job.created_by, { ip: null, userAgent: null, requestId: job.id }) : null;
  if (user && user.orgId === job.org_id) return user;
  return {
    userId: '',
    orgId: job.org_id,
    username: 'import',
    displayName: '导入任务',
    permissions: new Set(),
    shopIds: null,
    via: 'system',
    ip: null,
    requestId: job.id,
  };
}

/** The worker's handler for `orders.import` jobs (enqueued by POST /imports/orders). */
export function makeOrdersImportHandler(db: Kysely<DB>): JobHandler {
  return async (job, ctx) => {
    const p = JSON.parse(job.payload) as ImportJobPayload;
    const actor = await jobActor(db, job);
    let keepFiles = false;
    try {
      return await runImport(
        db,
        actor,
        {
          jobId: job.id,
          shopId: p.shopId,
          format: p.format,
          file: p.files.orders,
          itemsFile: p.files.items,
          mapping: p.mapping,
          moveStock: p.moveStock,
          names: p.names,
        },
        // Progress only: the counts are stored with each batch's checkpoint, never ahead of it.
        (processed, total) => ctx.progress(processed, total),
        {
          resume: checkpointFromResult(job.result),
          checkpoint: (trx, cp) => ctx.checkpoint(trx, checkpointToResult(cp)),
          signal: ctx.signal,
        },
      );
    } catch (err) {
      // Stopped by a shutdown (or taken over after a lost lease): the job goes back to the queue
      // and its next run needs the files.
      if (err instanceof JobInterrupted || ctx.signal.aborted) keepFiles = true;
      throw err;
    } finally {
      // Finished either way (a failed import is not retried): the uploads are no longer needed.
      // A process that dies mid-import never gets here, so the re-queued job still finds them.
      if (!keepFiles) removeUploads(job.id, p.files);
    }
  };
}

/** A one-line terminal progress bar for the CLI: `[██████░░░░]  60%  12.3 MB / 20.5 MB`. */
export function progressBar(
  stream: NodeJS.WriteStream = process.stderr,
  label = '导入',
  /** What the two numbers count: bytes of the file (shown in MB) or plain units (days, rows). */
  unit: 'bytes' | 'count' = 'bytes',
): {
  update(processed: number, total: number): void;
  done(): void;
} {
  let last = 0;
  const mb = (n: number) => (unit === 'bytes' ? `${(n / 1024 / 1024).toFixed(1)} MB` : String(n));
  const draw = (processed: number, total: number) => {
    const ratio = total > 0 ? Math.min(1, processed / total) : 0;
    const width = 30;
    const full = Math.round(ratio * width);
    const line = `${label} [${'█'.repeat(full)}${'░'.repeat(width - full)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ${mb(processed)} / ${mb(total)}`;
    if (stream.isTTY) stream.write(`\r${line}`);
    else if (ratio === 1 || Date.now() - last > 5000) stream.write(`${line}\n`);
  };
  let lastP = 0;
  let lastT = 0;
  return {
    update(processed, total) {
      lastP = processed;
      lastT = total;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(processed, total);
    },
    done() {
      draw(lastT || lastP, lastT || lastP);
      if (stream.isTTY) stream.write('\n');
    },
  };
}

/**
 * Large files are read in a worker thread (parse.worker.ts): decoding, CSV/XLSX parsing, checks
 * and grouping run on another core while this thread writes the previous batch. The worker stays
 * one batch ahead: the next batch is asked for as soon as one is handed over, so at most two
 * batches are in memory. A read error in the worker comes back as the same AppError it would be
 * in this thread.
 */
import os from 'node:os';
import { AppError, type ErrorCode } from '@yunying/core';
import { WorkerInbox } from '../../../lib/worker-inbox.js';
import type { ReadBatch, ReadSpec } from './import.read.js';

/**
 * Files of at least this many bytes (~40,000 CSV lines) are read in a worker, on machines with at
 * least four cores. Starting one (a thread loading the parsers through tsx) costs 0.5–1 s of CPU,
 * what reading 2–4 MB here costs. On two cores the importing thread, the database (SQLite's
 * checkpoints, PostgreSQL's backend) and the HTTP thread already take both: measured there, the
 * worker added ~100 MB of RSS and 30–40 % of CPU (each batch crosses threads by structured clone)
 * for no gain in lines/s under load, and the 1M-line import passed 400 MB (decisions.md).
 */
const DEFAULT_WORKER_BYTES = os.availableParallelism() >= 4 ? 8 * 1024 * 1024 : Number.POSITIVE_INFINITY;
/** YUNYING_IMPORT_WORKER_BYTES overrides it for a server process (the fault tests use 0; `Infinity`: never). */
const envBytes = Number(process.env.YUNYING_IMPORT_WORKER_BYTES ?? '');
const configuredBytes = process.env.YUNYING_IMPORT_WORKER_BYTES && envBytes >= 0 ? envBytes : DEFAULT_WORKER_BYTES;
let workerBytes = configuredBytes;

export function parseWorkerBytes(): number {
  return workerBytes;
}

/** Tests: read files from `bytes` up in a worker (0: every file; Infinity: none; null: as configured). */
export function setParseWorkerBytes(bytes: number | null): void {
  workerBytes = bytes ?? configuredBytes;
}

/** What the worker posts. */
export type WorkerMessage =
  | { type: 'batch'; batch: ReadBatch }
  | { type: 'error'; appError: { code: ErrorCode; message: string; details: Record<string, unknown> | undefined } | null; message: string };

const ENTRY = new URL('./parse.worker.mjs', import.meta.url);

export async function* workerBatches(spec: ReadSpec): AsyncGenerator<ReadBatch> {
  const inbox = new WorkerInbox<WorkerMessage>(ENTRY, spec);
  try {
    inbox.post('next');
    for (;;) {
      const m = await inbox.receive();
      if (!m) throw new Error('读取文件的工作线程意外退出');
      if (m.type === 'error') {
        if (m.appError) throw new AppError(m.appError.code, m.appError.message, m.appError.details);
        throw new Error(m.message);
      }
      if (m.batch.fileDone) {
        yield m.batch;
        return;
      }
      // Read the next batch while this one is written.
      inbox.post('next');
      yield m.batch;
    }
  } finally {
    await inbox.close();
  }
}

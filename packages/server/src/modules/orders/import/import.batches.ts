/**
 * The import's batch writer: a file's batches (import.read.ts, read here or in a worker thread)
 * handed to a writer — each batch, its bad-row reports and the job's checkpoint in one
 * transaction. A resumed run reads the committed rows again only to know which orders are written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError, showControlChars, type ImportFileKind } from '@yunying/core';
import type { Transaction } from 'kysely';
import type { DB } from '../../../db/schema.js';
import { JobInterrupted } from '../../jobs/index.js';
import { END_OF_FILE, FILE_LABEL, type Ctx, type Group } from './import.context.js';
import { readBatches, type ReadSpec } from './import.read.js';
import { parseWorkerBytes, workerBatches } from './import.parse-worker.js';
import type { FileEncoding } from './reader.js';

/** A batch that could not be written: name its rows; earlier batches stay imported. */
function batchFailed(err: unknown, kind: ImportFileKind, from: number, to: number): unknown {
  if (err instanceof AppError || err instanceof JobInterrupted) return err;
  const rows = to === END_OF_FILE ? `第 ${from} 行起` : `第 ${from}–${to} 行`;
  const why = err instanceof Error ? err.message : String(err);
  return new AppError(
    'internal',
    `${FILE_LABEL[kind]}${rows}这一批没有导入（数据库报错：${showControlChars(why).slice(0, 200)}）。此前各批已导入并计入结果；请检查这些行后重新导入同一文件，已导入的订单不会重复。`,
    { file: kind, fromRow: from, toRow: to === END_OF_FILE ? null : to },
  );
}

/** How far a committed batch got: stored with it as the job's checkpoint. */
export interface CommitPoint {
  file: ImportFileKind;
  afterRow: number;
  fileDone: boolean;
  encoding: FileEncoding;
}

/** One file to read: which, where, and what to do with its batches. */
export interface FileRead {
  kind: ImportFileKind;
  file: string;
  /** Bytes read (progress). */
  onBytes: (n: number) => void;
  /** Write one batch of orders' rows in the batch's transaction. */
  write: (trx: Transaction<DB>, groups: Map<string, Group>) => Promise<void>;
  /** Store the checkpoint in the batch's transaction. */
  commit: (trx: Transaction<DB>, at: CommitPoint) => Promise<void>;
  /** After each committed batch. */
  report: () => void;
  /** The last row an earlier run of the job committed (0: none). */
  resumeAfter: number;
}

/**
 * Read one file and write it in batches. Each batch, its bad-row reports and the checkpoint
 * (`commit`) share one transaction.
 *
 * The next batch is read while the previous one is being written. A file of at least
 * `parseWorkerBytes()` is read in a worker thread (parse.worker.ts), so reading and parsing run on
 * another core beside the writes (on SQLite the writes run in this thread); smaller files are read
 * here, between the writes' awaits. Writes stay one after another: a batch's transaction starts
 * after the previous one committed.
 */
export async function readFile(c: Ctx, f: FileRead): Promise<FileEncoding> {
  const { kind, file, onBytes, write, commit, report, resumeAfter } = f;
  const spec: ReadSpec = {
    format: c.opts.format,
    kind,
    file,
    name: c.opts.names?.[kind] ?? path.basename(file),
    mapping: c.opts.mapping ?? null,
    timezone: c.shop.timezone,
    resumeAfter,
  };
  const source = fs.statSync(file).size >= parseWorkerBytes() ? workerBatches(spec) : readBatches(spec);
  /** The batch being written (at most one), or null. */
  let writing: Promise<void> | null = null;
  const written = () => c.counts.ordersCreated + c.counts.linesChanged;
  let writtenBefore = written();
  const settle = async () => {
    if (!writing) return;
    const w = writing;
    writing = null;
    await w;
    report();
    // The next batch's lookups are planned from statistics: keep them up with the rows written.
    await c.statistics.wrote(written() - writtenBefore);
    writtenBefore = written();
    // Stopping (shutdown): this batch is committed with its checkpoint; the next run goes on here.
    if (c.run.signal?.aborted) throw new JobInterrupted();
  };
  let encoding: FileEncoding = 'utf-8';
  let batchFrom = resumeAfter + 1;
  try {
    for await (const b of source) {
      await settle();
      onBytes(b.bytes);
      encoding = b.encoding;
      // The batch's rows count from here (synchronously, before the next rows are read).
      c.counts.rows += b.rows;
      c.counts.lines += b.lines;
      for (const [rowNo, e] of b.errors) c.errors.add(kind, rowNo, e);
      const from = batchFrom;
      batchFrom = b.afterRow + 1;
      const p = c.db
        .transaction()
        .execute(async (trx) => {
          await write(trx, b.groups);
          await c.errors.flush(trx);
          await commit(trx, { file: kind, afterRow: b.afterRow, fileDone: b.fileDone, encoding: b.encoding });
        })
        .catch((err: unknown) => {
          throw batchFailed(err, kind, from, b.afterRow);
        });
      // Handled by settle(); until then a failure must not count as unhandled.
      p.catch(() => {});
      writing = p;
    }
  } catch (err) {
    // A read error (or stopping) while a batch is being written: let that write end first, so
    // nothing of this run is still writing when the job is marked failed.
    await (writing as Promise<void> | null)?.catch(() => {});
    throw err;
  }
  await settle();
  return encoding;
}

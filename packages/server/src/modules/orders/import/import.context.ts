/**
 * What the parts of an order import share: its options, counts, summary and checkpoint, the
 * run's context, and the bad-row sink (written in each batch's transaction).
 */
import type { CellError, ImportCounts, ImportFileKind, ImportFormat } from '@yunying/core';
import { showControlChars } from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { insertBatched, type GrowthAnalyzer } from '../../../db/kit.js';
import type { DB, ShopsTable } from '../../../db/schema.js';
import type { Actor } from '../../../http/actor.js';
import type { FileEncoding } from './reader.js';

export { BATCH_ORDERS, END_OF_FILE, FILE_LABEL, type Group } from './import.read.js';
/** Errors kept per job (the count goes on; the report says how many were left out). */
export const MAX_STORED_ERRORS = 20_000;

export interface ImportOptions {
  jobId: string;
  shopId: string;
  format: ImportFormat;
  file: string;
  itemsFile?: string | null | undefined;
  mapping?: Partial<Record<string, string>> | null | undefined;
  moveStock?: boolean | undefined;
  /** The files' names as the user knows them (messages never show a server path). */
  names?: { orders?: string | undefined; items?: string | undefined } | undefined;
}

export type { ImportCounts };

export interface ImportSummary extends ImportCounts {
  jobId: string;
  shopId: string;
  format: ImportFormat;
  encoding: { orders: FileEncoding; items?: FileEncoding };
  durationMs: number;
  errorsStored: number;
}

export type ProgressFn = (processed: number, total: number, counts: ImportCounts) => void;

/** Where an import stands after a committed batch: stored with the batch, read back to resume. */
export interface ImportCheckpoint {
  counts: ImportCounts;
  /** The file being read and its last row whose effects are committed (`fileDone`: all of it). */
  file: ImportFileKind;
  afterRow: number;
  fileDone: boolean;
  encodings: { orders?: FileEncoding | undefined; items?: FileEncoding | undefined };
  /** When the job's first run started (orders created since then belong to this job). */
  startedAt: number;
  /** The bad-row report as committed: last sequence number and rows stored. */
  errorSeq: number;
  errorsStored: number;
  /** Set by the closing step: the import is complete and this is its result. */
  summary?: ImportSummary | undefined;
}

/** How a run ties into its job: where to go on from, where to record progress, when to stop. */
export interface ImportRun {
  /** The job's last checkpoint: go on after it instead of from the start. */
  resume?: ImportCheckpoint | null | undefined;
  /** Record the checkpoint in the batch's own transaction (throwing rolls the batch back). */
  checkpoint?: ((trx: Transaction<DB>, cp: ImportCheckpoint) => Promise<void>) | undefined;
  /** Once aborted, the run stops after its next committed batch with `JobInterrupted`. */
  signal?: AbortSignal | undefined;
}

export class ErrorSink {
  count = 0;
  stored = 0;
  seq = 0;
  private buf: DB['import_errors'][] = [];
  constructor(private readonly jobId: string) {}
  /** Go on from a checkpoint. */
  restore(cp: ImportCheckpoint): void {
    this.count = cp.counts.errors;
    this.stored = cp.errorsStored;
    this.seq = cp.errorSeq;
  }
  add(file: ImportFileKind, rowNo: number, e: CellError): void {
    this.count++;
    if (this.stored >= MAX_STORED_ERRORS) return;
    this.stored++;
    // Shown as \u0000: PostgreSQL cannot store the character itself, and nobody could see it.
    this.buf.push({
      job_id: this.jobId,
      seq: ++this.seq,
      file,
      row_no: rowNo,
      column_name: showControlChars(e.column).slice(0, 60),
      value: showControlChars(e.value).slice(0, 400),
      reason: showControlChars(e.reason).slice(0, 400),
    });
  }
  /** Write the buffered reports in the batch's transaction. */
  async flush(trx: Kysely<DB>): Promise<void> {
    const rows = this.buf;
    this.buf = [];
    await insertBatched(trx, 'import_errors', rows);
  }
}

/** One run of an import: what every writer of a batch needs. */
export interface Ctx {
  db: Kysely<DB>;
  actor: Actor;
  shop: ShopsTable;
  opts: ImportOptions;
  counts: ImportCounts;
  errors: ErrorSink;
  actorName: string;
  warehouseId: string | null;
  jobStart: number;
  run: ImportRun;
  /** Keeps PostgreSQL's statistics of orders and lines up with what the import writes (kit/stats.ts). */
  statistics: GrowthAnalyzer;
}

export function zeroCounts(): ImportCounts {
  return {
    rows: 0,
    ordersCreated: 0,
    ordersUpdated: 0,
    ordersUnchanged: 0,
    lines: 0,
    linesChanged: 0,
    unmatchedLines: 0,
    ordersWithoutItems: 0,
    errors: 0,
  };
}

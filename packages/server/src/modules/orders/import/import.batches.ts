/**
 * The import's reader: a file's rows (reader.ts) matched to the format's headers, parsed, checked,
 * grouped into orders and handed to a writer in batches of BATCH_ORDERS orders — each batch, its
 * bad-row reports and the job's checkpoint in one transaction. A resumed run reads the committed
 * rows again only to know which orders are written.
 */
import path from 'node:path';
import {
  AppError,
  compileRowParser,
  fileSpec,
  firstControlChar,
  hasControlChar,
  isBlankRow,
  matchHeaders,
  missingColumnsMessage,
  showControlChars,
  type CellError,
  type HeaderMatch,
  type ImportField,
  type ImportFileKind,
} from '@yunying/core';
import type { Transaction } from 'kysely';
import type { DB } from '../../../db/schema.js';
import { JobInterrupted } from '../../jobs/index.js';
import { BATCH_ORDERS, END_OF_FILE, FILE_LABEL, type Ctx, type Group } from './import.context.js';
import { openRows, type FileEncoding } from './reader.js';

/** cyrb53: a fast 53-bit string hash (collisions among a million keys: ~1e-4 probability). */
function hash53(str: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Refuses a row whose mapped cells hold a control character (PostgreSQL cannot store U+0000). */
function controlCharCheck(match: HeaderMatch): (cells: readonly string[]) => CellError | null {
  const cols = Object.entries(match.columns).map(([field, idx]) => [idx, match.headers[field as ImportField] ?? field] as const);
  return (cells) => {
    for (const [i, column] of cols) {
      const v = cells[i];
      if (v === undefined || !hasControlChar(v)) continue;
      return {
        column,
        value: v.length > 200 ? `${v.slice(0, 200)}…` : v,
        reason: `含有不可见的控制字符（如 ${firstControlChar(v)}），这一行未导入：请在表格中删除该字符后重新导入（已导入的订单不会重复）`,
      };
    }
    return null;
  };
}

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

/** What the rows of the batch being read add to the counts: applied when the batch is written. */
interface Pending {
  rows: number;
  lines: number;
  errors: [rowNo: number, e: CellError][];
}

/**
 * Read one file and write it in batches. Each batch, its bad-row reports and the checkpoint
 * (`commit`) share one transaction. Rows up to `resumeAfter` were committed by an earlier run of
 * the job: they are read again only to know which orders are already written, never counted.
 *
 * The next batch is read while the previous one is being written (on PostgreSQL the file's parsing
 * overlaps the server's work; SQLite writes in this thread, so nothing changes there). Writes stay
 * one after another: a batch's transaction starts after the previous one committed. The rows read
 * meanwhile count only when their own batch is written (`Pending`), so a checkpoint's counts and
 * bad-row reports are exactly those of the rows up to its `afterRow`.
 */
export async function readFile(c: Ctx, f: FileRead): Promise<FileEncoding> {
  const { kind, file, onBytes, write, commit, report, resumeAfter } = f;
  const spec = fileSpec(c.opts.format, kind);
  const src = openRows(file, onBytes, { name: c.opts.names?.[kind] ?? path.basename(file) });
  let match: HeaderMatch | null = null;
  let parse: ((cells: readonly string[]) => ReturnType<ReturnType<typeof compileRowParser>>) | null = null;
  let refuse: ((cells: readonly string[]) => CellError | null) | null = null;
  let groups = new Map<string, Group>();
  // Orders already written in this job, as 53-bit hashes (a million order numbers as strings would
  // cost ~60 MB); only line files need it, to append rows of an order that come back later.
  const flushed = new Set<number>();
  let lastNo: string | null = null;
  let batchFrom = resumeAfter + 1;
  let pend: Pending = { rows: 0, lines: 0, errors: [] };
  /** The batch being written (at most one), or null. */
  let writing: Promise<void> | null = null;
  const settle = async () => {
    if (!writing) return;
    const w = writing;
    writing = null;
    await w;
    report();
    // Stopping (shutdown): this batch is committed with its checkpoint; the next run goes on here.
    if (c.run.signal?.aborted) throw new JobInterrupted();
  };
  /** Wait for the batch being written, whatever its outcome. */
  const drain = async () => {
    await writing?.catch(() => {});
  };
  const startFlush = async (afterRow: number, fileDone: boolean) => {
    await settle();
    const batch = groups;
    const from = batchFrom;
    // The batch's rows count from here (synchronously, before the next rows are read).
    c.counts.rows += pend.rows;
    c.counts.lines += pend.lines;
    for (const [rowNo, e] of pend.errors) c.errors.add(kind, rowNo, e);
    pend = { rows: 0, lines: 0, errors: [] };
    // Known before the commit: the next batch, read meanwhile, appends to these orders' lines.
    if (spec.lineRows) for (const k of batch.keys()) flushed.add(hash53(k));
    groups = new Map();
    batchFrom = afterRow + 1;
    const p = c.db
      .transaction()
      .execute(async (trx) => {
        await write(trx, batch);
        await c.errors.flush(trx);
        await commit(trx, { file: kind, afterRow, fileDone, encoding: src.encoding });
      })
      .catch((err: unknown) => {
        throw batchFailed(err, kind, from, afterRow);
      });
    // Handled by settle(); until then a failure must not count as unhandled.
    p.catch(() => {});
    writing = p;
  };
  try {
    for await (const r of src.rows) {
      if (isBlankRow(r.cells)) continue;
      if (!match) {
        match = matchHeaders(r.cells, spec, c.opts.format === 'generic' ? c.opts.mapping : null);
        if (match.missing.length) {
          throw new AppError('validation_failed', missingColumnsMessage(match.missing, FILE_LABEL[kind]), {
            file: kind,
            missing: match.missing.map((m) => m.label),
          });
        }
        parse = compileRowParser(spec, match, c.shop.timezone);
        refuse = controlCharCheck(match);
        continue;
      }
      const done = r.rowNo <= resumeAfter;
      const bad = refuse!(r.cells);
      if (bad) {
        if (!done) {
          pend.rows++;
          pend.errors.push([r.rowNo, bad]);
        }
        continue;
      }
      const res = parse!(r.cells);
      if (done) {
        if (spec.lineRows && res.ok) flushed.add(hash53(res.row.orderNo));
        continue;
      }
      if (!res.ok) {
        pend.rows++;
        for (const e of res.errors) pend.errors.push([r.rowNo, e]);
        continue;
      }
      const row = res.row;
      let g = groups.get(row.orderNo);
      if (!g) {
        // A batch ends before the first row of a new order, so an order's rows stay in one batch.
        if (groups.size >= BATCH_ORDERS && row.orderNo !== lastNo) await startFlush(r.rowNo - 1, false);
        g = {
          orderNo: row.orderNo,
          rowNo: r.rowNo,
          order: row.order,
          lines: [],
          append: flushed.size > 0 && flushed.has(hash53(row.orderNo)),
        };
        groups.set(row.orderNo, g);
      } else if (spec.paidScope === 'line' && row.order.paidFen !== null) {
        g.order.paidFen = (g.order.paidFen ?? 0) + row.order.paidFen;
      }
      pend.rows++;
      if (row.line) {
        g.lines.push(row.line);
        pend.lines++;
      }
      lastNo = row.orderNo;
    }
  } catch (err) {
    // A read error (or stopping) while a batch is being written: let that write end first, so
    // nothing of this run is still writing when the job is marked failed.
    await drain();
    throw err;
  }
  if (!match) {
    await settle();
    throw new AppError('validation_failed', `${FILE_LABEL[kind]}是空的：没有找到表头行，请检查是否选错了文件。`, { file: kind });
  }
  await startFlush(END_OF_FILE, true);
  await settle();
  return src.encoding;
}

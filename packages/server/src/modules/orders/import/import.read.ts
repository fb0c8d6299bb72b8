/**
 * Reading an order file into batches: its rows (reader.ts) matched to the format's headers,
 * parsed, checked and grouped into orders, BATCH_ORDERS orders a batch. Pure reading, no database:
 * it runs in the import's thread for small files and in a worker thread for large ones
 * (parse.worker.ts), and both give the same batches.
 */
import {
  AppError,
  compileRowParser,
  fileSpec,
  firstControlChar,
  hasControlChar,
  isBlankRow,
  matchHeaders,
  missingColumnsMessage,
  type CellError,
  type HeaderMatch,
  type ImportField,
  type ImportFileKind,
  type ImportFormat,
  type ParsedLine,
  type ParsedRow,
} from '@yunying/core';
import { openRows, type FileEncoding } from './reader.js';

export const BATCH_ORDERS = 1000;

/** Past the last row of a file: its checkpoint's `afterRow` once the file is done. */
export const END_OF_FILE = Number.MAX_SAFE_INTEGER;

export const FILE_LABEL: Record<ImportFileKind, string> = { orders: '订单文件', items: '宝贝明细文件' };

export type Group = {
  orderNo: string;
  rowNo: number;
  order: ParsedRow['order'];
  lines: ParsedLine[];
  /** The order was already written earlier in this job (rows not consecutive): lines are appended. */
  append: boolean;
};

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

/**
 * A set of 53-bit hashes in one Float64Array (open addressing, linear probing, at most half full):
 * 16 bytes an order where a Set<number> of non-small integers costs ~50 (each a heap number, and
 * the table copied whole at each doubling). An items file of 5,000,000 orders: 128 MB, not ~400.
 */
export class HashSet53 {
  private slots = new Float64Array(1024);
  private mask = 1023;
  private hasZero = false;
  size = 0;

  add(h: number): void {
    if (h === 0) {
      if (!this.hasZero) this.size++;
      this.hasZero = true;
      return;
    }
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    if (this.insert(this.slots, this.mask, h)) this.size++;
  }

  has(h: number): boolean {
    if (h === 0) return this.hasZero;
    const { slots, mask } = this;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = slots[i]!;
      if (v === h) return true;
      if (v === 0) return false;
    }
  }

  /** True when `h` was not there yet. */
  private insert(slots: Float64Array, mask: number, h: number): boolean {
    // The low 32 bits pick the slot (`&` works on them); hash53's low bits are well mixed.
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = slots[i]!;
      if (v === h) return false;
      if (v === 0) {
        slots[i] = h;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Float64Array(old.length * 2);
    const mask = slots.length - 1;
    for (const v of old) if (v !== 0) this.insert(slots, mask, v);
    this.slots = slots;
    this.mask = mask;
  }
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

/** What reading a file needs: plain data, so it can be handed to a worker thread. */
export interface ReadSpec {
  format: ImportFormat;
  kind: ImportFileKind;
  file: string;
  /** The file's name as the user knows it (messages). */
  name: string;
  mapping: Partial<Record<string, string>> | null;
  timezone: string;
  resumeAfter: number;
}

/**
 * One batch as read: its orders, and what its rows add to the counts (they count only when the
 * batch is written, so a checkpoint's counts and bad-row reports are exactly those of the rows up
 * to its `afterRow`).
 */
export interface ReadBatch {
  groups: Map<string, Group>;
  rows: number;
  lines: number;
  errors: [rowNo: number, e: CellError][];
  afterRow: number;
  fileDone: boolean;
  encoding: FileEncoding;
  /** Bytes read since the previous batch. */
  bytes: number;
}

/**
 * Read one file into batches of BATCH_ORDERS orders (an order's rows stay in one batch). Rows up to
 * `resumeAfter` were committed by an earlier run of the job: they are read again only to know
 * which orders are already written, never counted. The last batch (`fileDone`, possibly empty)
 * always comes. Pure reading: no database, so it runs in this thread or in a worker (parse.worker).
 */
export async function* readBatches(spec: ReadSpec): AsyncGenerator<ReadBatch> {
  const { kind, resumeAfter } = spec;
  const fspec = fileSpec(spec.format, kind);
  let bytes = 0;
  const src = openRows(spec.file, (n) => (bytes += n), { name: spec.name });
  let match: HeaderMatch | null = null;
  let parse: ((cells: readonly string[]) => ReturnType<ReturnType<typeof compileRowParser>>) | null = null;
  let refuse: ((cells: readonly string[]) => CellError | null) | null = null;
  let groups = new Map<string, Group>();
  // Orders already handed out in this job, as 53-bit hashes (a million order numbers as strings
  // would cost ~60 MB); only line files need it, to append rows of an order that come back later.
  const flushed = new HashSet53();
  let lastNo: string | null = null;
  let pend: Omit<ReadBatch, 'groups' | 'afterRow' | 'fileDone' | 'encoding' | 'bytes'> = { rows: 0, lines: 0, errors: [] };
  const cut = (afterRow: number, fileDone: boolean): ReadBatch => {
    const b: ReadBatch = { groups, ...pend, afterRow, fileDone, encoding: src.encoding, bytes };
    if (fspec.lineRows) for (const k of groups.keys()) flushed.add(hash53(k));
    groups = new Map();
    pend = { rows: 0, lines: 0, errors: [] };
    bytes = 0;
    return b;
  };
  for await (const r of src.rows) {
    if (isBlankRow(r.cells)) continue;
    if (!match) {
      match = matchHeaders(r.cells, fspec, spec.format === 'generic' ? spec.mapping : null);
      if (match.missing.length) {
        throw new AppError('validation_failed', missingColumnsMessage(match.missing, FILE_LABEL[kind]), {
          file: kind,
          missing: match.missing.map((m) => m.label),
        });
      }
      parse = compileRowParser(fspec, match, spec.timezone);
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
      if (fspec.lineRows && res.ok) flushed.add(hash53(res.row.orderNo));
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
      if (groups.size >= BATCH_ORDERS && row.orderNo !== lastNo) yield cut(r.rowNo - 1, false);
      g = {
        orderNo: row.orderNo,
        rowNo: r.rowNo,
        order: row.order,
        lines: [],
        append: flushed.size > 0 && flushed.has(hash53(row.orderNo)),
      };
      groups.set(row.orderNo, g);
    } else if (fspec.paidScope === 'line' && row.order.paidFen !== null) {
      g.order.paidFen = (g.order.paidFen ?? 0) + row.order.paidFen;
    }
    pend.rows++;
    if (row.line) {
      g.lines.push(row.line);
      pend.lines++;
    }
    lastNo = row.orderNo;
  }
  if (!match) {
    throw new AppError('validation_failed', `${FILE_LABEL[kind]}是空的：没有找到表头行，请检查是否选错了文件。`, { file: kind });
  }
  yield cut(END_OF_FILE, true);
}

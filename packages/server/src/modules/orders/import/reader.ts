/**
 * Streaming row readers for the platforms' export files: CSV/TXT in UTF-8 (with or without BOM)
 * or GBK/GB18030, and XLSX. Nothing holds the whole file: bytes are decoded and parsed as they
 * are read, so a million-line file costs the memory of one batch. XLSX goes through the guarded
 * reader (lib/xlsx-read.ts: limits checked before anything is inflated, a zip bomb is refused);
 * CSV through the encoding and quote checks of lib/text-files.ts. Every limit (rows, cell and row
 * length) is a Chinese error naming the row.
 */
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { AppError } from '@yunying/core';
import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';
import {
  csvError,
  isMixed,
  mixedEncodingError,
  q,
  swallowedLines,
  TextDecoderStream,
  unbalancedQuote,
  utf8Problem,
  wideEncoding,
  wideEncodingError,
} from '../../../lib/text-files.js';
import { cellTooLong, columnLetter, EXCEL_MAX_ROWS, ORDER_SHEET_LIMITS, readXlsxRows, type SheetLimits } from '../../../lib/xlsx-read.js';
import { fileSource } from '../../../lib/zip.js';

export type FileEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'xlsx';

export interface SheetRow {
  /** Row number as a spreadsheet shows it (header = 1). */
  rowNo: number;
  cells: string[];
}

export interface RowSource {
  encoding: FileEncoding;
  size: number;
  rows: AsyncIterable<SheetRow>;
}

const SNIFF_BYTES = 64 * 1024;

function readHead(file: string, n: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const read = fs.readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

/** UTF-8 if the first 64 KB decode as UTF-8 (a character cut at the end is fine) or were UTF-8 before they break, else GB18030. */
export function sniffEncoding(head: Buffer): FileEncoding {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
  const p = utf8Problem(head, true);
  return !p || isMixed(p, false) ? 'utf-8' : 'gb18030';
}

function sniffDelimiter(text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const tabs = first.split('\t').length;
  const commas = first.split(',').length;
  return tabs > commas ? '\t' : ',';
}

/** Counts bytes as they pass, for progress. */
function byteCounter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      onBytes(chunk.length);
      cb(null, chunk);
    },
  });
}

export interface OpenRowsOptions {
  /** The file's name as the user knows it, for messages (never the server path). */
  name?: string | undefined;
  limits?: SheetLimits | undefined;
}

export function openRows(file: string, onBytes: (n: number) => void = () => {}, opts: OpenRowsOptions = {}): RowSource {
  const name = opts.name ?? '';
  const limits = opts.limits ?? ORDER_SHEET_LIMITS;
  const size = fs.statSync(file).size;
  const head = readHead(file, SNIFF_BYTES);
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    throw new AppError(
      'validation_failed',
      '这是旧版 Excel 97-2003（.xls）文件，或设置了打开密码的 Excel 文件：请在 Excel 中“另存为” .xlsx（不设密码）或 CSV（UTF-8）后再导入。',
    );
  }
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    return {
      encoding: 'xlsx',
      size,
      rows: xlsxRows(file, name, { ...limits, maxRows: Math.min(limits.maxRows, EXCEL_MAX_ROWS) }, onBytes),
    };
  }
  const wide = wideEncoding(head);
  if (wide) throw wideEncodingError(name, wide);
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  const problem = utf8Problem(bom ? head.subarray(3) : head, true);
  // UTF-8 unless the first 64 KB break it without having been UTF-8 before (then GB18030);
  // a file that was UTF-8 and breaks is read as UTF-8 and refused at the row that breaks it.
  const mixed = !!problem && isMixed(problem, bom);
  const decoder = new TextDecoderStream(problem && !mixed ? 'gb18030' : 'utf-8', bom || mixed);
  const delimiter = sniffDelimiter(head.toString(problem && !mixed ? 'latin1' : 'utf8'));
  const base: FileEncoding = bom ? 'utf-8-bom' : 'utf-8';
  return {
    get encoding(): FileEncoding {
      return decoder.encoding === 'gb18030' ? 'gb18030' : base;
    },
    size,
    rows: csvRows(file, decoder, delimiter, onBytes, name, limits),
  };
}

async function* csvRows(
  file: string,
  decoder: TextDecoderStream,
  delimiter: string,
  onBytes: (n: number) => void,
  name: string,
  limits: SheetLimits,
): AsyncGenerator<SheetRow> {
  const input = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    bom: true,
    max_record_size: limits.maxRowChars,
  });
  const stream = input.pipe(byteCounter(onBytes)).pipe(decoder).pipe(parser);
  input.on('error', (e) => parser.destroy(e));
  decoder.on('error', (e) => parser.destroy(e));
  let rowNo = 0;
  let width = 0;
  try {
    for await (const record of stream as AsyncIterable<string[]>) {
      rowNo++;
      if (rowNo > limits.maxRows) {
        throw new AppError('payload_too_large', `文件${q(name)}超过 ${limits.maxRows} 行的上限：请按时间段拆分成几个文件分批导入`, {
          maxRows: limits.maxRows,
        });
      }
      width = Math.max(width, record.length);
      for (let i = 0; i < record.length; i++) {
        const c = record[i]!;
        if (c.length > limits.maxCellChars) throw cellTooLong(name, rowNo, columnLetter(i + 1), c.length, limits.maxCellChars);
      }
      if (decoder.invalidSeen && record.some((c) => c.includes('\uFFFD'))) throw mixedEncodingError(name, rowNo);
      const swallowed = swallowedLines(record, width, delimiter);
      if (swallowed) throw unbalancedQuote(name, rowNo, swallowed);
      yield { rowNo, cells: record };
    }
  } catch (err) {
    throw csvError(err, name, rowNo + 1, limits.maxRowChars);
  } finally {
    input.destroy();
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** An XLSX cell as the text the user sees; dates as 'YYYY-MM-DD HH:mm:ss' wall time. */
export function xlsxCellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    // A long id stored as a number has already lost digits past 2^53: show it as the
    // spreadsheet does, so the id parser refuses it.
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) return v.toExponential().toUpperCase();
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}`;
  }
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return xlsxCellText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in v) return String((v as { text: unknown }).text);
    if ('error' in v) return '';
  }
  return String(v);
}

async function* xlsxRows(file: string, name: string, limits: SheetLimits, onBytes: (n: number) => void): AsyncGenerator<SheetRow> {
  const src = await fileSource(file);
  try {
    yield* readXlsxRows(src, { name, limits, cellText: xlsxCellText, onBytes });
  } finally {
    await src.close();
  }
}

/** The header row and up to `n` data rows, for the mapping screen. */
export async function previewFile(
  file: string,
  n = 10,
  opts: OpenRowsOptions = {},
): Promise<{ encoding: FileEncoding; headers: string[]; rows: string[][] }> {
  const src = openRows(file, undefined, opts);
  let headers: string[] | null = null;
  const rows: string[][] = [];
  for await (const r of src.rows) {
    if (!headers) {
      if (r.cells.every((c) => !c.trim())) continue;
      headers = r.cells.map((c) => c.replace(/^\uFEFF/, '').trim());
      continue;
    }
    if (r.cells.every((c) => !c.trim())) continue;
    rows.push(r.cells);
    if (rows.length >= n) break;
  }
  return { encoding: src.encoding, headers: headers ?? [], rows };
}

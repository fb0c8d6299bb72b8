/**
 * Streaming row readers for the platforms' export files: CSV/TXT in UTF-8 (with or without BOM)
 * or GBK/GB18030, and XLSX. Nothing holds the whole file: bytes are decoded and parsed as they
 * are read, so a million-line file costs the memory of one batch.
 */
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { AppError } from '@yunying/core';
import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

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

/** UTF-8 if the first 64 KB decode as UTF-8 (a character cut at the end is fine), else GB18030. */
export function sniffEncoding(head: Buffer): FileEncoding {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
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

export function openRows(file: string, onBytes: (n: number) => void = () => {}): RowSource {
  const size = fs.statSync(file).size;
  const head = readHead(file, SNIFF_BYTES);
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    throw new AppError('validation_failed', '这是旧版 Excel 97-2003（.xls）文件：请在 Excel 中“另存为” .xlsx 或 CSV（UTF-8）后再导入。');
  }
  const encoding = sniffEncoding(head);
  if (encoding === 'xlsx') return { encoding, size, rows: xlsxRows(file, onBytes) };
  const iconvName = encoding === 'gb18030' ? 'gb18030' : 'utf8';
  const delimiter = sniffDelimiter(iconv.decode(head, iconvName));
  return { encoding, size, rows: csvRows(file, iconvName, delimiter, onBytes) };
}

async function* csvRows(file: string, iconvName: string, delimiter: string, onBytes: (n: number) => void): AsyncGenerator<SheetRow> {
  const input = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    bom: true,
  });
  const stream = input.pipe(byteCounter(onBytes)).pipe(iconv.decodeStream(iconvName)).pipe(parser);
  input.on('error', (e) => parser.destroy(e));
  let rowNo = 0;
  try {
    for await (const record of stream as AsyncIterable<string[]>) {
      rowNo++;
      yield { rowNo, cells: record };
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const e = err as { code?: string; message?: string; lines?: number };
    throw new AppError(
      'validation_failed',
      `文件第 ${e.lines ?? rowNo + 1} 行附近无法按 CSV 解析（${e.code ?? e.message ?? '格式错误'}）：请检查引号是否成对，或重新从平台导出。`,
    );
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

async function* xlsxRows(file: string, onBytes: (n: number) => void): AsyncGenerator<SheetRow> {
  // Loaded on first use: exceljs is large and most imports are CSV.
  const { default: Excel } = await import('exceljs');
  const input = fs.createReadStream(file);
  input.on('data', (c) => onBytes(c.length));
  const reader = new Excel.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as ExcelJS.CellValue[];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(xlsxCellText(values[i] ?? null));
        yield { rowNo: row.number, cells };
      }
      break; // the first sheet holds the report
    }
  } finally {
    input.destroy();
  }
}

/** The header row and up to `n` data rows, for the mapping screen. */
export async function previewFile(file: string, n = 10): Promise<{ encoding: FileEncoding; headers: string[]; rows: string[][] }> {
  const src = openRows(file);
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

/**
 * Spreadsheet files in and out, the one place for their rules: CSV is UTF-8 with a BOM (so Excel
 * shows the Chinese) and CRLF; XLSX has a bold, frozen header; any text cell that a spreadsheet
 * would run as a formula (= + - @, tab, CR) gets a leading quote; text read from users' files is
 * UTF-8 (with or without BOM) or else GB18030, as Excel on a Chinese Windows saves it. Users'
 * workbooks are read streamed within limits (lib/xlsx-read.ts): a zip bomb is refused, not inflated.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@yunying/core';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { csvError, decodeTextFile, swallowedLines, unbalancedQuote } from './text-files.js';
import { cellTooLong, columnLetter, readXlsxRows, SHEET_LIMITS, type SheetLimits } from './xlsx-read.js';
import { bufferSource } from './zip.js';

export type Cell = string | number | null | undefined;

/** Make a cell inert: text that starts like a formula gets a leading quote. */
export function formulaSafe(v: Cell): string | number {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return v;
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** Undo `formulaSafe` when a file we exported comes back as an import. */
export function unFormulaSafe(v: string): string {
  return /^'[=+\-@]/.test(v) ? v.slice(1) : v;
}

export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (CRLF-terminated) of formula-safe, quoted cells. */
export function csvLine(cells: readonly Cell[]): string {
  return cells.map((c) => csvField(formulaSafe(c))).join(',') + '\r\n';
}

/** The spreadsheet format of money cells: yuan with the ¥ sign, thousands separators and fen. */
export const MONEY_FMT = '¥#,##0.00';

/** Fen as the number a spreadsheet sums: yuan (1990 → 19.9, shown ¥19.90 by MONEY_FMT). */
export function fenToYuan(fen: number | bigint): number {
  return Number(fen) / 100;
}

/**
 * `moneyColumns` (0-based) hold yuan as numbers: written as plain decimals with two places
 * (19.90, no symbol, no separators: every spreadsheet and script reads it as a number).
 */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
  opts: { moneyColumns?: readonly number[] } = {},
): Buffer {
  const money = new Set(opts.moneyColumns ?? []);
  const body = money.size ? rows.map((r) => r.map((v, i) => (money.has(i) && typeof v === 'number' ? v.toFixed(2) : v))) : rows;
  return Buffer.from('\uFEFF' + [header, ...body].map(csvLine).join(''), 'utf8');
}

export interface XlsxOptions {
  sheetName: string;
  /** Column widths in characters; the rest get 16. */
  widths?: Record<number, number>;
  /** Store every cell as text (codes and barcodes stay exactly as typed). */
  allText?: boolean;
  /** Number format of a data cell (0-based data row and column), e.g. '¥#,##0.00', '0.00%', '#,##0'; undefined = General. */
  numFmt?: (row: number, col: number) => string | undefined;
  /** Columns (0-based) of yuan numbers: numeric cells with MONEY_FMT in XLSX, two decimals in CSV. */
  moneyColumns?: readonly number[];
}

/** One worksheet of a workbook written by `toXlsxBook`. */
export interface XlsxSheet extends XlsxOptions {
  header: readonly string[];
  rows: readonly (readonly Cell[])[];
}

export async function toXlsx(header: readonly string[], rows: readonly (readonly Cell[])[], opts: XlsxOptions): Promise<Buffer> {
  return toXlsxBook([{ ...opts, header, rows }]);
}

/** A workbook of several sheets, each with the same rules as `toXlsx`. */
export async function toXlsxBook(sheets: readonly XlsxSheet[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '运营台';
  for (const opts of sheets) {
    const ws = wb.addWorksheet(opts.sheetName);
    ws.addRow([...opts.header]);
    ws.getRow(1).font = { bold: true };
    for (const r of opts.rows) ws.addRow(r.map(formulaSafe));
    ws.columns.forEach((c, i) => {
      c.width = opts.widths?.[i] ?? 16;
      if (opts.allText) c.numFmt = '@';
    });
    for (const col of opts.moneyColumns ?? []) {
      opts.rows.forEach((r, ri) => {
        if (typeof r[col] === 'number') ws.getCell(ri + 2, col + 1).numFmt = MONEY_FMT;
      });
    }
    if (opts.numFmt) {
      const fmt = opts.numFmt;
      opts.rows.forEach((r, ri) =>
        r.forEach((_, ci) => {
          const f = fmt(ri, ci);
          if (f) ws.getCell(ri + 2, ci + 1).numFmt = f;
        }),
      );
    }
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Write a .csv or .xlsx file chosen by the extension. */
export async function writeSheetFile(
  filePath: string,
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
  opts: XlsxOptions,
): Promise<void> {
  const ext = path.extname(filePath).toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx') {
    throw new AppError('validation_failed', `不支持的导出格式「${ext || '无扩展名'}」：文件名请以 .csv 或 .xlsx 结尾`);
  }
  await fs.mkdir(path.dirname(path.resolve(filePath)), { recursive: true });
  await fs.writeFile(filePath, ext === '.csv' ? toCsv(header, rows, opts) : await toXlsx(header, rows, opts));
}

/**
 * Decode a user's text file: UTF-8 (with or without BOM), else GB18030. The BOM is removed. UTF-16
 * and a file that changes encoding part-way are refused, naming the row (lib/text-files.ts).
 */
export function decodeText(buf: Buffer, name = '文件'): string {
  return decodeTextFile(buf, name);
}

// ---------------------------------------------------------------- reading users' sheets

export type SheetFormat = 'csv' | 'xlsx';

/** A sheet as read: the header row and the non-empty data rows with their spreadsheet row numbers. */
export interface Sheet {
  header: string[];
  rows: { row: number; cells: string[] }[];
}

/** XLSX by its zip signature, else CSV; the old binary .xls is refused with what to do instead. */
export function detectFormat(buf: Buffer, filename = ''): SheetFormat {
  if (buf.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
  if (buf.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0])) || /\.xls$/i.test(filename))
    throw new AppError(
      'validation_failed',
      `不支持旧版 Excel（.xls）或设置了打开密码的 Excel 文件「${filename || '上传的文件'}」，请另存为 .xlsx 或 CSV（有密码的先取消密码）后再导入`,
    );
  return 'csv';
}

export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return v.result === undefined || v.result === null ? '' : cellText(v.result as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    return '';
  }
  return String(v);
}

/** Characters a sheet read whole may hold in all (about 128 MB of strings). */
export const MAX_SHEET_CHARS = 64_000_000;

function sheetTooBig(filename: string): AppError {
  return new AppError('payload_too_large', `文件「${filename}」的内容超过 ${MAX_SHEET_CHARS} 个字符的上限：请拆分成几个文件分批导入`, {
    maxChars: MAX_SHEET_CHARS,
  });
}

/**
 * Read a whole (small) sheet: the first worksheet of an XLSX (streamed, within `SHEET_LIMITS`,
 * lib/xlsx-read.ts) or a CSV (lib/text-files.ts for the encoding and unbalanced quotes). Rows and
 * cell lengths are limited too; every refusal names the row and says what to do.
 */
export async function readSheet(buf: Buffer, format: SheetFormat, filename = '文件', limits: SheetLimits = SHEET_LIMITS): Promise<Sheet> {
  const table: { row: number; cells: string[] }[] = [];
  let chars = 0;
  if (format === 'xlsx') {
    for await (const r of readXlsxRows(bufferSource(buf), { name: filename, limits, cellText })) {
      if (!table.length && r.cells.every((c) => c === '')) continue;
      for (const c of r.cells) chars += c.length;
      if (chars > MAX_SHEET_CHARS) throw sheetTooBig(filename);
      table.push({ row: r.rowNo, cells: r.cells });
    }
  } else {
    const text = decodeText(buf, filename);
    let records: string[][];
    try {
      records = parse(text, {
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: false,
        max_record_size: limits.maxRowChars,
      }) as string[][];
    } catch (err) {
      throw csvError(err, filename, ((err as { records?: number }).records ?? 0) + 1, limits.maxRowChars);
    }
    if (records.length > limits.maxRows) {
      throw new AppError('payload_too_large', `文件「${filename}」超过 ${limits.maxRows} 行的上限：请拆分成几个文件分批导入`, {
        maxRows: limits.maxRows,
      });
    }
    let width = 0;
    records.forEach((cells, i) => {
      const row = i + 1;
      width = Math.max(width, cells.length);
      cells.forEach((c, col) => {
        if (c.length > limits.maxCellChars) throw cellTooLong(filename, row, columnLetter(col + 1), c.length, limits.maxCellChars);
        chars += c.length;
      });
      const swallowed = swallowedLines(cells, width, ',');
      if (swallowed) throw unbalancedQuote(filename, row, swallowed);
      table.push({ row, cells });
    });
    if (chars > MAX_SHEET_CHARS) throw sheetTooBig(filename);
  }
  const head = table.shift();
  if (!head) throw new AppError('validation_failed', `文件「${filename}」是空的，请填写后再上传`);
  return { header: head.cells.map((c) => c.trim()), rows: table.filter((r) => r.cells.some((c) => c.trim() !== '')) };
}

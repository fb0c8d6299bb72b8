/**
 * Spreadsheet files in and out, the one place for their rules: CSV is UTF-8 with a BOM (so Excel
 * shows the Chinese) and CRLF; XLSX has a bold, frozen header; any text cell that a spreadsheet
 * would run as a formula (= + - @, tab, CR) gets a leading quote; text read from users' files is
 * UTF-8 (with or without BOM) or else GB18030, as Excel on a Chinese Windows saves it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@yunying/core';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';

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

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): Buffer {
  return Buffer.from('\uFEFF' + [header, ...rows].map(csvLine).join(''), 'utf8');
}

export interface XlsxOptions {
  sheetName: string;
  /** Column widths in characters; the rest get 16. */
  widths?: Record<number, number>;
  /** Store every cell as text (codes and barcodes stay exactly as typed). */
  allText?: boolean;
  /** Number format of a data cell (0-based data row and column), e.g. '¥#,##0.00', '0.00%', '#,##0'; undefined = General. */
  numFmt?: (row: number, col: number) => string | undefined;
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
  await fs.writeFile(filePath, ext === '.csv' ? toCsv(header, rows) : await toXlsx(header, rows, opts));
}

/** Decode a user's text file: UTF-8 (with or without BOM), else GB18030. The BOM is removed. */
export function decodeText(buf: Buffer): string {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return iconv.decode(buf, 'gb18030');
  }
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
    throw new AppError('validation_failed', `不支持旧版 Excel（.xls）文件「${filename || '上传的文件'}」，请另存为 .xlsx 或 CSV 后再导入`);
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

/** Read a whole (small) sheet from memory; big order files use the streaming reader instead. */
export async function readSheet(buf: Buffer, format: SheetFormat, filename = '文件'): Promise<Sheet> {
  let table: { row: number; cells: string[] }[];
  if (format === 'xlsx') {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(buf as unknown as ArrayBuffer);
    } catch {
      throw new AppError('validation_failed', `无法读取 Excel 文件「${filename}」：请确认是 .xlsx 格式，或另存为 CSV 后再导入`);
    }
    const ws = wb.worksheets[0];
    if (!ws) throw new AppError('validation_failed', `Excel 文件「${filename}」里没有工作表`);
    table = [];
    ws.eachRow({ includeEmpty: false }, (row, n) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, col) => {
        cells[col - 1] = cellText(cell.value);
      });
      table.push({ row: n, cells: Array.from(cells, (c) => c ?? '') });
    });
  } else {
    let records: string[][];
    try {
      records = parse(decodeText(buf), { relax_column_count: true, skip_empty_lines: false }) as string[][];
    } catch (err) {
      throw new AppError(
        'validation_failed',
        `无法解析 CSV 文件「${filename}」：${err instanceof Error ? err.message : String(err)}；请检查引号是否成对`,
      );
    }
    table = records.map((cells, i) => ({ row: i + 1, cells }));
  }
  const head = table.shift();
  if (!head) throw new AppError('validation_failed', `文件「${filename}」是空的，请填写后再上传`);
  return { header: head.cells.map((c) => c.trim()), rows: table.filter((r) => r.cells.some((c) => c.trim() !== '')) };
}

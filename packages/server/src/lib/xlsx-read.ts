/**
 * Reading the first worksheet of a user's XLSX file as a stream of rows, with limits, the one way
 * every import and preview reads a workbook.
 *
 * The file is never handed to a zip library as is. Its central directory is read here (lib/zip.ts)
 * and checked against the limits before anything is inflated: number of entries, the total the
 * entries claim, and the size of each part that is read (the sheet, its shared strings, styles,
 * the workbook). Then only those parts are inflated, counted as they stream (a part that inflates
 * to more than its directory entry claims is cut off at once), checked as XML (no DOCTYPE or
 * entity declarations, no run of more than 256 KB without a tag), and passed to ExcelJS's
 * streaming reader as a small zip rebuilt here: stored entries of exactly the checked bytes, in the
 * order that reader needs (shared strings before the sheet, so it never spools a sheet to a temp
 * file), cut at UTF-8 character boundaries (it decodes every chunk on its own and would otherwise
 * garble a Chinese character split between two chunks). Rows are counted and every cell's length
 * is checked as rows come. Anything wrong is an `AppError` in Chinese that says what to do.
 */
import path from 'node:path/posix';
import { Readable } from 'node:stream';
import { AppError } from '@yunying/core';
import type ExcelJS from 'exceljs';
import {
  entryBuffer,
  entryChunks,
  EntryError,
  readZipDirectory,
  ZipFormatError,
  ZipTooManyEntries,
  type ByteSource,
  type ZipEntry,
} from './zip.js';
import { q, utf8Cut } from './text-files.js';

export interface SheetLimits {
  /** Entries in the zip. */
  maxEntries: number;
  /** What all entries together claim to inflate to. */
  maxTotalBytes: number;
  /** The worksheet's XML, inflated. */
  maxSheetBytes: number;
  /** The shared strings table, inflated (held in memory while the sheet is read). */
  maxSharedStringsBytes: number;
  /** Each other part read: workbook, its relationships, styles. */
  maxPartBytes: number;
  /** Rows of the sheet (or records of a CSV file). */
  maxRows: number;
  /** Characters in one cell: Excel's own limit is 32,767. */
  maxCellChars: number;
  /** Characters in one row (all cells). */
  maxRowChars: number;
}

const MB = 1024 * 1024;

/** Files read whole into memory: product import, batch shipping, traffic statistics. */
export const SHEET_LIMITS: SheetLimits = {
  maxEntries: 10_000,
  maxTotalBytes: 256 * MB,
  maxSheetBytes: 200 * MB,
  maxSharedStringsBytes: 64 * MB,
  maxPartBytes: 16 * MB,
  maxRows: 200_000,
  maxCellChars: 32_767,
  maxRowChars: 1_000_000,
};

/** Platform order exports, streamed row by row into the database (a sheet can be Excel's maximum). */
export const ORDER_SHEET_LIMITS: SheetLimits = {
  ...SHEET_LIMITS,
  maxTotalBytes: 2048 * MB,
  maxSheetBytes: 1536 * MB,
  maxSharedStringsBytes: 256 * MB,
  maxRows: 5_000_000,
};

/** Excel's own maximum: a sheet with more rows was not written by a spreadsheet. */
export const EXCEL_MAX_ROWS = 1_048_576;

/** Bytes allowed between two `<` in a part: a cell of 32,767 characters, escaped, fits 4 times. */
export const MAX_XML_RUN = 256 * 1024;

export const mb = (n: number): string => `${n >= 10 * MB ? Math.round(n / MB) : Math.max(0.1, Math.round((n / MB) * 10) / 10)} MB`;

/** Column letters as a spreadsheet shows them (1 → A, 27 → AA). */
export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

const AGAIN = '请用 Excel 打开后另存为新的 .xlsx，或另存为 CSV（UTF-8）后再导入';

function notXlsx(name: string, cause?: unknown): AppError {
  return new AppError(
    'validation_failed',
    `无法读取 Excel 文件${q(name)}：文件已损坏或不是 .xlsx 格式。${AGAIN}`,
    cause ? { cause: cause instanceof Error ? cause.message : String(cause) } : undefined,
  );
}

function entryProblem(name: string, err: EntryError): AppError {
  const part = err.entry;
  switch (err.problem) {
    case 'encrypted':
      return new AppError(
        'validation_failed',
        `Excel 文件${q(name)}设置了密码（已加密），无法读取：请在 Excel 中取消密码后另存为 .xlsx，或另存为 CSV 后再导入`,
      );
    case 'method':
      return new AppError('validation_failed', `Excel 文件${q(name)}的内部文件「${part}」使用了不支持的压缩方式：${AGAIN}`);
    case 'size_mismatch':
      return new AppError(
        'validation_failed',
        `Excel 文件${q(name)}已损坏或被改动过：内部文件「${part}」解压后的大小与文件目录记录的不符，出于安全原因已停止读取。${AGAIN}`,
        { part },
      );
    default:
      return new AppError('validation_failed', `Excel 文件${q(name)}已损坏：内部文件「${part}」无法解压。${AGAIN}`, { part });
  }
}

/**
 * Checks a part's XML as it streams: no DOCTYPE / ENTITY (entity expansion and external entities
 * are what an XML bomb is made of; Excel never writes them), no comments, CDATA or processing
 * instructions after the declaration (Excel never writes them either, and they would let one
 * cell's text grow without bound), and no run of more than `MAX_XML_RUN` bytes without a `<`.
 */
export class XmlGuard {
  private offset = 0;
  private lastLt = -1;
  private prevByte = -1;
  constructor(
    private readonly fileName: string,
    private readonly part: string,
  ) {}

  check(chunk: Buffer): void {
    // `<!` or `<?` split between two chunks.
    if (this.prevByte === 0x3c && chunk.length && (chunk[0] === 0x21 || chunk[0] === 0x3f)) this.refuseMarkup(chunk[0], chunk, 0, -1);
    for (const mark of [0x21, 0x3f]) {
      for (let i = chunk.indexOf(mark === 0x21 ? '<!' : '<?'); i >= 0; i = chunk.indexOf(mark === 0x21 ? '<!' : '<?', i + 2)) {
        this.refuseMarkup(mark, chunk, i + 1, i);
      }
    }
    let p = this.lastLt - this.offset;
    for (;;) {
      const limit = p + MAX_XML_RUN;
      if (limit >= chunk.length) break;
      const q = limit < 0 ? -1 : chunk.lastIndexOf(0x3c, limit);
      if (q < 0 || q <= p) throw this.tooLong();
      p = q;
    }
    const last = chunk.lastIndexOf(0x3c);
    if (last > p) p = last;
    this.lastLt = this.offset + p;
    this.offset += chunk.length;
    if (chunk.length) this.prevByte = chunk[chunk.length - 1]!;
  }

  /** `<` then `mark` at `markAt` of the chunk (`ltAt` is -1 when the `<` ended the previous chunk). */
  private refuseMarkup(mark: number, chunk: Buffer, markAt: number, ltAt: number): void {
    const at = this.offset + (ltAt < 0 ? -1 : ltAt);
    if (mark === 0x3f && at <= 3) return; // the XML declaration (after a possible BOM)
    const word = chunk
      .subarray(markAt + 1, markAt + 8)
      .toString('latin1')
      .toUpperCase();
    if (mark === 0x21 && (word.startsWith('DOCTYPE') || word.startsWith('ENTITY'))) {
      throw new AppError(
        'validation_failed',
        `Excel 文件${q(this.fileName)}的「${this.part}」含有 DOCTYPE / 实体声明：Excel 不会生成这样的内容，出于安全原因不予读取。${AGAIN}`,
        { part: this.part },
      );
    }
    throw new AppError(
      'validation_failed',
      `Excel 文件${q(this.fileName)}的「${this.part}」含有 Excel 不会生成的 XML 内容（注释、CDATA 或处理指令），无法安全读取。${AGAIN}`,
      { part: this.part },
    );
  }

  private tooLong(): AppError {
    return new AppError(
      'validation_failed',
      `Excel 文件${q(this.fileName)}的「${this.part}」含有超过 ${MAX_XML_RUN / 1024} KB 的连续内容（单元格最多 32767 个字符），无法安全读取。${AGAIN}`,
      { part: this.part },
    );
  }
}

// ---------------------------------------------------------------- the workbook's structure

function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (m, e: string) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    const n = k.startsWith('#x') ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10);
    return Number.isFinite(n) && n <= 0x10ffff ? String.fromCodePoint(n) : m;
  });
}

function attributes(tag: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of tag.matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) m.set(a[1]!, decodeXml(a[2] ?? a[3] ?? ''));
  return m;
}

interface Rel {
  id: string;
  type: string;
  target: string;
}

/** Relationships of a part in `baseDir`, targets resolved to zip paths. */
function parseRels(xml: string, baseDir: string): Rel[] {
  const rels: Rel[] = [];
  for (const t of xml.matchAll(/<(?:[\w.-]+:)?Relationship\s[^>]*>/g)) {
    const a = attributes(t[0]);
    if ((a.get('TargetMode') ?? '').toLowerCase() === 'external') continue;
    const target = a.get('Target');
    if (!target) continue;
    rels.push({ id: a.get('Id') ?? '', type: a.get('Type') ?? '', target: resolvePart(baseDir, target) });
  }
  return rels;
}

function resolvePart(baseDir: string, target: string): string {
  const t = target.replace(/\\/g, '/');
  const joined = t.startsWith('/') ? t.slice(1) : baseDir ? `${baseDir}/${t}` : t;
  const out: string[] = [];
  for (const seg of joined.split('/')) {
    if (seg === '..') out.pop();
    else if (seg && seg !== '.') out.push(seg);
  }
  return out.join('/');
}

/** The relationship ids of the workbook's sheets, in the workbook's order, and its date system. */
function parseWorkbook(xml: string): { sheetIds: string[]; date1904: boolean } {
  const sheetIds: string[] = [];
  for (const t of xml.matchAll(/<(?:[\w.-]+:)?sheet\s[^>]*>/g)) {
    for (const [k, v] of attributes(t[0])) if (/^[\w.-]+:id$/.test(k)) sheetIds.push(v);
  }
  const pr = /<(?:[\w.-]+:)?workbookPr\s[^>]*>/.exec(xml);
  const d = pr ? attributes(pr[0]).get('date1904') : undefined;
  return { sheetIds, date1904: d === '1' || d === 'true' };
}

interface Plan {
  directoryOffset: number;
  sheet: ZipEntry;
  sharedStrings: ZipEntry | null;
  styles: ZipEntry | null;
  date1904: boolean;
}

export interface XlsxReadOptions {
  /** The file's name as the user knows it (never a server path). */
  name: string;
  limits: SheetLimits;
  /** A cell as text. */
  cellText: (v: ExcelJS.CellValue) => string;
  /** Compressed bytes read, for progress. */
  onBytes?: (n: number) => void;
}

function tooBig(
  name: string,
  what: string,
  size: number,
  limit: number,
  advice = '请把数据拆分成几个较小的文件分批导入，或另存为 CSV 后再导入',
): AppError {
  return new AppError('payload_too_large', `Excel 文件${q(name)}${what}解压后约 ${mb(size)}，超过 ${mb(limit)} 的上限：${advice}`, {
    size,
    limit,
  });
}

async function plan(src: ByteSource, opts: XlsxReadOptions): Promise<Plan> {
  const { name, limits } = opts;
  let dir: Awaited<ReturnType<typeof readZipDirectory>>;
  try {
    dir = await readZipDirectory(src, { maxEntries: limits.maxEntries });
  } catch (err) {
    if (err instanceof ZipTooManyEntries) {
      throw new AppError(
        'payload_too_large',
        `Excel 文件${q(name)}包含 ${err.count} 个内部文件，超过 ${limits.maxEntries} 个的上限，不像普通的表格文件：${AGAIN}`,
      );
    }
    throw notXlsx(name, err);
  }
  const total = dir.entries.reduce((s, e) => s + e.size, 0);
  if (total > limits.maxTotalBytes) throw tooBig(name, '', total, limits.maxTotalBytes);
  const byName = new Map<string, ZipEntry>();
  for (const e of dir.entries) {
    const k = e.name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
    if (!byName.has(k)) byName.set(k, e);
  }
  const part = async (e: ZipEntry): Promise<string> => {
    if (e.size > limits.maxPartBytes) throw tooBig(name, `的「${e.name}」`, e.size, limits.maxPartBytes, AGAIN);
    const guard = new XmlGuard(name, e.name);
    let buf: Buffer;
    try {
      buf = await entryBuffer(src, e, dir.directoryOffset);
    } catch (err) {
      throw err instanceof EntryError ? entryProblem(name, err) : notXlsx(name, err);
    }
    guard.check(buf);
    return buf.toString('utf8');
  };

  let wbPath = 'xl/workbook.xml';
  const rootRels = byName.get('_rels/.rels');
  if (rootRels) {
    const office = parseRels(await part(rootRels), '').find((r) => r.type.endsWith('/officeDocument'));
    if (office && byName.has(office.target.toLowerCase())) wbPath = office.target;
  }
  const wbEntry = byName.get(wbPath.toLowerCase());
  if (!wbEntry) throw notXlsx(name);
  const wbDir = path.dirname(wbPath) === '.' ? '' : path.dirname(wbPath);
  const workbook = parseWorkbook(await part(wbEntry));
  const relsEntry = byName.get(path.join(wbDir, '_rels', `${path.basename(wbPath)}.rels`).toLowerCase());
  const rels = relsEntry ? parseRels(await part(relsEntry), wbDir) : [];

  // The first worksheet in the workbook's order (a chart sheet has no cells); else the lowest-numbered one.
  let sheet: ZipEntry | undefined;
  for (const id of workbook.sheetIds) {
    const r = rels.find((x) => x.id === id);
    if (r && /\/worksheet$/i.test(r.type)) sheet = byName.get(r.target.toLowerCase());
    if (sheet) break;
  }
  if (!sheet) {
    sheet = dir.entries
      .map((e) => ({ e, m: /^\/?xl\/worksheets\/sheet(\d+)\.xml$/i.exec(e.name) }))
      .filter((x) => x.m)
      .sort((a, b) => Number(a.m![1]) - Number(b.m![1]))[0]?.e;
  }
  if (!sheet) throw new AppError('validation_failed', `Excel 文件${q(name)}里没有工作表：请确认选对了文件`);
  const byType = (suffix: string, fallback: string): ZipEntry | null => {
    const r = rels.find((x) => x.type.toLowerCase().endsWith(suffix));
    return byName.get((r?.target ?? path.join(wbDir, fallback)).toLowerCase()) ?? null;
  };
  const sharedStrings = byType('/sharedstrings', 'sharedStrings.xml');
  const styles = byType('/styles', 'styles.xml');
  if (sheet.size > limits.maxSheetBytes) throw tooBig(name, '的工作表', sheet.size, limits.maxSheetBytes);
  if (sharedStrings && sharedStrings.size > limits.maxSharedStringsBytes)
    throw tooBig(name, '的文字内容（共享字符串表）', sharedStrings.size, limits.maxSharedStringsBytes);
  if (styles && styles.size > limits.maxPartBytes) throw tooBig(name, '的格式表（styles.xml）', styles.size, limits.maxPartBytes, AGAIN);
  return { directoryOffset: dir.directoryOffset, sheet, sharedStrings, styles, date1904: workbook.date1904 };
}

// ---------------------------------------------------------------- the zip handed to ExcelJS

const NS = 'http://schemas.openxmlformats.org';
const wbRelsXml = Buffer.from(
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${NS}/package/2006/relationships"><Relationship Id="rId1" Type="${NS}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
);
const workbookXml = (date1904: boolean) =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${NS}/spreadsheetml/2006/main" xmlns:r="${NS}/officeDocument/2006/relationships"><workbookPr${date1904 ? ' date1904="1"' : ''}/><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  );
const emptySharedStrings = Buffer.from(
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="${NS}/spreadsheetml/2006/main" count="0" uniqueCount="0"/>`,
);

function localHeader(name: string, size: number): Buffer {
  const n = Buffer.from(name, 'utf8');
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(0x800, 6); // UTF-8 name; stored, sizes known up front
  h.writeUInt32LE(size, 18);
  h.writeUInt32LE(size, 22);
  h.writeUInt16LE(n.length, 26);
  return Buffer.concat([h, n]);
}

async function* rebuiltZip(src: ByteSource, p: Plan, opts: XlsxReadOptions): AsyncGenerator<Buffer> {
  yield localHeader('xl/_rels/workbook.xml.rels', wbRelsXml.length);
  yield wbRelsXml;
  const wb = workbookXml(p.date1904);
  yield localHeader('xl/workbook.xml', wb.length);
  yield wb;
  const parts: [string, ZipEntry | null][] = [
    ['xl/styles.xml', p.styles],
    ['xl/sharedStrings.xml', p.sharedStrings],
    ['xl/worksheets/sheet1.xml', p.sheet],
  ];
  for (const [as, e] of parts) {
    if (!e) {
      if (as === 'xl/sharedStrings.xml') {
        yield localHeader(as, emptySharedStrings.length);
        yield emptySharedStrings;
      }
      continue;
    }
    yield localHeader(as, e.size);
    const guard = new XmlGuard(opts.name, e.name);
    let carry: Buffer | null = null;
    try {
      for await (const chunk of entryChunks(src, e, p.directoryOffset, opts.onBytes)) {
        guard.check(chunk);
        const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
        const cut = utf8Cut(buf);
        carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : null;
        if (cut > 0) yield buf.subarray(0, cut);
      }
    } catch (err) {
      throw err instanceof EntryError ? entryProblem(opts.name, err) : err;
    }
    if (carry) yield carry;
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  yield eocd;
}

function readerError(name: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof EntryError) return entryProblem(name, err);
  if (err instanceof ZipFormatError) return notXlsx(name, err);
  return new AppError('validation_failed', `无法读取 Excel 文件${q(name)}：工作表的内容不是 Excel 能识别的格式。${AGAIN}`, {
    cause: err instanceof Error ? err.message : String(err),
  });
}

export interface XlsxRow {
  /** The row number as the spreadsheet shows it. */
  rowNo: number;
  cells: string[];
}

/** The rows of the workbook's first worksheet, streamed, within `opts.limits`. */
export async function* readXlsxRows(src: ByteSource, opts: XlsxReadOptions): AsyncGenerator<XlsxRow> {
  const { name, limits } = opts;
  const p = await plan(src, opts);
  // Loaded on first use: exceljs is large and most imports are CSV.
  const { default: Excel } = await import('exceljs');
  let fail: (err: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {});
  const input = Readable.from(rebuiltZip(src, p, opts), { objectMode: false });
  // The reader does not see its input fail (pipe() does not pass errors on): every wait races it.
  input.on('error', (err) => fail(err));
  const step = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, failed]);
  const reader = new Excel.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  try {
    const sheets = reader[Symbol.asyncIterator]();
    const first = await step(sheets.next());
    if (first.done) throw new AppError('validation_failed', `Excel 文件${q(name)}里没有工作表：请确认选对了文件`);
    const rows = (first.value as unknown as AsyncIterable<ExcelJS.Row>)[Symbol.asyncIterator]();
    let count = 0;
    let last = 0;
    for (;;) {
      const r = await step(rows.next());
      if (r.done) break;
      const row = r.value;
      const rowNo = Number.isSafeInteger(row.number) && row.number > 0 ? row.number : last + 1;
      last = rowNo;
      if (++count > limits.maxRows) {
        throw new AppError(
          'payload_too_large',
          `Excel 文件${q(name)}超过 ${limits.maxRows} 行的上限（读到第 ${rowNo} 行）：请拆分成几个文件分批导入`,
          { maxRows: limits.maxRows },
        );
      }
      const values = row.values as ExcelJS.CellValue[];
      const cells: string[] = [];
      let chars = 0;
      for (let i = 1; i < values.length; i++) {
        const v = values[i];
        const t = v === undefined || v === null ? '' : opts.cellText(v);
        if (t.length > limits.maxCellChars) throw cellTooLong(name, rowNo, columnLetter(i), t.length, limits.maxCellChars);
        chars += t.length;
        if (chars > limits.maxRowChars) throw rowTooLong(name, rowNo, limits.maxRowChars);
        cells.push(t);
      }
      yield { rowNo, cells };
    }
  } catch (err) {
    throw readerError(name, err);
  } finally {
    input.destroy();
  }
}

export function cellTooLong(name: string, rowNo: number, column: string, length: number, max: number): AppError {
  return new AppError(
    'validation_failed',
    `文件${q(name)}第 ${rowNo} 行 ${column} 列有 ${length} 个字符，超过一个单元格最多 ${max} 个字符的上限：请检查这一格（可能是引号没有配对，或粘贴进了整段文字）后再导入`,
    { row: rowNo, column, length, max },
  );
}

export function rowTooLong(name: string, rowNo: number, max: number): AppError {
  return new AppError(
    'validation_failed',
    `文件${q(name)}第 ${rowNo} 行超过 ${max} 个字符的上限：请检查这一行（常见原因是双引号没有配对，把后面的行都并进了这一行）后再导入`,
    { row: rowNo, max },
  );
}

/**
 * Users' text (CSV/TXT) files: which encoding, and the two ways such a file goes wrong without
 * saying so. Both readers (sheets.ts, whole files; orders/import/reader.ts, streamed) use these.
 *
 * - Encoding: UTF-8 (with or without BOM) or GB18030, as Excel on a Chinese Windows saves it.
 *   UTF-16/UTF-32 (Excel's 「Unicode 文本」) is refused with what to do, not read as garbage that
 *   ends in 「缺少列」. A file that is UTF-8 up to some row and something else after (a GBK line
 *   pasted into a UTF-8 file) is refused naming that row: decoding it either way would garble half.
 * - Quotes: a double quote that never closes makes every following line part of one cell. That
 *   is refused naming the row where the quote opened, whether it runs to the end of the file, past
 *   the row size limit, or is closed by some later stray quote (then the merged cell holds lines
 *   that look like whole rows).
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '@yunying/core';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';

/** A file's name in a message: 「name」, or nothing when unknown. */
export const q = (name: string | undefined): string => (name ? `「${name}」` : '');

const RESAVE = '请用 Excel 或记事本把整个文件另存为 UTF-8 或 GBK（ANSI）编码的 CSV 后再导入';

/** 'UTF-16LE' etc. when the start of a file is UTF-16/32 (by its BOM or by its zero bytes), else null. */
export function wideEncoding(head: Buffer): string | null {
  if (head.length >= 4 && head[0] === 0xff && head[1] === 0xfe && head[2] === 0 && head[3] === 0) return 'UTF-32LE';
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff) return 'UTF-32BE';
  if (head[0] === 0xff && head[1] === 0xfe) return 'UTF-16LE';
  if (head[0] === 0xfe && head[1] === 0xff) return 'UTF-16BE';
  // No BOM: the ASCII of a CSV (digits, commas, line ends) leaves a zero byte in every other place.
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 8) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) even++;
    if (head[i + 1] === 0) odd++;
  }
  const half = n / 2;
  if (even >= half * 0.3 && odd >= half * 0.3) return 'UTF-32';
  if (odd >= half * 0.1 && even <= odd * 0.1) return 'UTF-16LE';
  if (even >= half * 0.1 && odd <= even * 0.1) return 'UTF-16BE';
  return null;
}

export function wideEncodingError(name: string, encoding: string): AppError {
  return new AppError(
    'validation_failed',
    `文件${q(name)}从第 1 行起无法读取：文件编码是 ${encoding}（Excel「Unicode 文本」的格式），不是 UTF-8 或 GBK。${RESAVE}（Excel：文件 → 另存为 → 「CSV UTF-8（逗号分隔）」）`,
    { encoding, row: 1 },
  );
}

export function mixedEncodingError(name: string, row: number): AppError {
  return new AppError(
    'validation_failed',
    `文件${q(name)}第 ${row} 行的文件编码与前面的行不同（前面是 UTF-8，这一行不是，常见于把 GBK 编码的内容粘贴进 UTF-8 文件），无法正确读出中文。${RESAVE}`,
    { row },
  );
}

/** Where a trailing, incomplete UTF-8 sequence starts (`b.length` when the buffer ends on a character). */
export function utf8Cut(b: Buffer): number {
  let i = b.length - 1;
  let k = 0;
  while (i >= 0 && k < 3 && (b[i]! & 0xc0) === 0x80) {
    i--;
    k++;
  }
  if (i < 0) return b.length;
  const c = b[i]!;
  const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  return need > b.length - i ? i : b.length;
}

export interface Utf8Problem {
  /** Offset of the first byte that is not valid UTF-8. */
  at: number;
  /** Offset where that byte's line starts. */
  lineStart: number;
  /** Non-ASCII characters before `at`. */
  nonAscii: number;
  /** Characters of three or four bytes (Chinese is three) before the line of `at`. */
  wideBeforeLine: number;
}

/**
 * Where `b` stops being valid UTF-8 (null when it is valid). With `partialEnd`, a character cut by
 * the end of `b` (a file's first 64 KB) is not a problem.
 */
export function utf8Problem(b: Buffer, partialEnd = false): Utf8Problem | null {
  if (isUtf8(b)) return null;
  let lineStart = 0;
  let nonAscii = 0;
  let wide = 0;
  let wideAtLine = 0;
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      if (c === 0x0a) {
        lineStart = i + 1;
        wideAtLine = wide;
      }
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return { at: i, lineStart, nonAscii, wideBeforeLine: wideAtLine };
    let ok = true;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) {
        if (partialEnd) return null;
        ok = false;
        break;
      }
      const d = b[i + k]!;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) {
        ok = false;
        break;
      }
    }
    if (!ok) return { at: i, lineStart, nonAscii, wideBeforeLine: wideAtLine };
    nonAscii++;
    if (need >= 2) wide++;
    i += need + 1;
  }
  return null;
}

/**
 * Is a file whose UTF-8 breaks at `p` a UTF-8 file with a foreign line (rather than a GB18030
 * file)? Yes if it declared UTF-8 (BOM) or whole lines before held at least two Chinese
 * characters as valid UTF-8: GBK text passes as UTF-8 by chance for a character, not for lines.
 */
export function isMixed(p: Utf8Problem, bom: boolean): boolean {
  return bom || p.wideBeforeLine >= 2;
}

/** The CSV row (1-based) that starts at byte `lineStart` of a UTF-8 buffer. */
export function rowAtByte(b: Buffer, lineStart: number): number {
  const prefix = b.subarray(0, lineStart);
  try {
    return (
      (parse(prefix.toString('utf8'), { relax_quotes: true, relax_column_count: true, skip_empty_lines: false }) as unknown[]).length + 1
    );
  } catch {
    let lines = 1;
    for (let i = prefix.indexOf(0x0a); i >= 0; i = prefix.indexOf(0x0a, i + 1)) lines++;
    return lines;
  }
}

/** Decode a whole text file: UTF-8 (BOM removed) or GB18030; UTF-16 and mixed files are refused. */
export function decodeTextFile(buf: Buffer, name = ''): string {
  const wide = wideEncoding(buf.subarray(0, 4096));
  if (wide) throw wideEncodingError(name, wide);
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  const body = bom ? buf.subarray(3) : buf;
  const p = utf8Problem(body);
  if (!p) return body.toString('utf8');
  if (isMixed(p, bom)) throw mixedEncodingError(name, rowAtByte(body, p.lineStart));
  return iconv.decode(buf, 'gb18030');
}

/**
 * A streaming decoder for a CSV file, starting as UTF-8 or GB18030 (decided on the first 64 KB).
 * In UTF-8 it validates as it goes: a file that was plain ASCII so far and then is not UTF-8 is a
 * GB18030 file with an ASCII start (it switches, losing nothing: ASCII is the same in both);
 * otherwise the bad bytes come out as U+FFFD and `invalidSeen` tells the reader to refuse the row
 * holding them (`mixedEncodingError`).
 */
export class TextDecoderStream extends Transform {
  encoding: 'utf-8' | 'gb18030';
  invalidSeen = false;
  private nonAscii = false;
  private carry: Buffer | null = null;
  private gb: ReturnType<typeof iconv.getDecoder> | null = null;

  constructor(
    start: 'utf-8' | 'gb18030',
    /** UTF-8 declared (BOM) or proven: never switch to GB18030. */
    private readonly strictUtf8: boolean,
  ) {
    super({ encoding: 'utf8' });
    this.encoding = start;
    if (start === 'gb18030') this.gb = iconv.getDecoder('gb18030');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.decode(chunk);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.gb) {
      const rest = this.gb.end();
      if (rest) this.push(rest, 'utf8');
    } else if (this.carry) {
      // A character cut by the end of the file.
      this.invalidSeen = true;
      this.push(this.carry.toString('utf8'), 'utf8');
    }
    this.carry = null;
    done();
  }

  private decode(chunk: Buffer): void {
    if (this.gb) {
      const s = this.gb.write(chunk);
      if (s) this.push(s, 'utf8');
      return;
    }
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    // Keep a character cut by the chunk's end for the next chunk.
    const cut = utf8Cut(buf);
    this.carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : null;
    const body = buf.subarray(0, cut);
    const p = utf8Problem(body);
    if (!p) {
      const s = body.toString('utf8');
      if (!this.nonAscii && !isAscii(body)) this.nonAscii = true;
      if (s) this.push(s, 'utf8');
      return;
    }
    if (!this.strictUtf8 && !this.nonAscii && p.nonAscii === 0) {
      this.encoding = 'gb18030';
      this.gb = iconv.getDecoder('gb18030');
      const ascii = body.subarray(0, p.at).toString('latin1');
      if (ascii) this.push(ascii, 'utf8');
      const rest = this.gb.write(Buffer.concat([body.subarray(p.at), this.carry ?? Buffer.alloc(0)]));
      this.carry = null;
      if (rest) this.push(rest, 'utf8');
      return;
    }
    this.invalidSeen = true;
    this.nonAscii = true;
    this.push(body.toString('utf8'), 'utf8');
  }
}

// ---------------------------------------------------------------- quotes

export function unbalancedQuote(name: string, row: number, swallowed?: number): AppError {
  const rest = swallowed ? `后面的 ${swallowed} 行都被并进了这一行的同一个单元格` : '直到文件末尾都被当成了同一个单元格';
  return new AppError(
    'validation_failed',
    `文件${q(name)}第 ${row} 行的双引号没有配对：从这一行的引号开始，${rest}。请检查这一行的 " 号（单元格里的双引号要写成两个 ""），或用 Excel 打开后重新另存为 CSV 再导入`,
    { row },
  );
}

/**
 * How many lines a record's cells swallowed, if the record looks like rows merged by a quote that
 * opened and never closed where it should (0 otherwise): a cell holding a line break whose lines
 * have as many delimiters as a whole row (a real multi-line cell, an address, has not).
 */
export function swallowedLines(cells: readonly string[], width: number, delimiter: string): number {
  const need = Math.max(2, width - 1);
  for (const c of cells) {
    if (!c.includes('\n')) continue;
    const lines = c.split('\n');
    // The last line ends at the closing quote: only whole lines count.
    for (let i = 0; i < lines.length - 1; i++) {
      if (lines[i]!.split(delimiter).length - 1 >= need) return lines.length - 1;
    }
  }
  return 0;
}

/** A csv-parse error as a Chinese message for the record `row` (the one being read). */
export function csvError(err: unknown, name: string, row: number, maxRowChars: number): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'CSV_QUOTE_NOT_CLOSED' || code === 'CSV_INVALID_CLOSING_QUOTE') return unbalancedQuote(name, row);
  if (code === 'CSV_MAX_RECORD_SIZE') {
    return new AppError(
      'validation_failed',
      `文件${q(name)}第 ${row} 行超过 ${maxRowChars} 个字符的上限：常见原因是这一行的双引号没有配对，把后面的行都并进了一个单元格。请检查这一行的 " 号，或用 Excel 打开后重新另存为 CSV 再导入`,
      { row },
    );
  }
  return new AppError(
    'validation_failed',
    `文件${q(name)}第 ${row} 行附近无法按 CSV 解析：请检查引号是否成对、分隔符是否一致，或重新从平台导出后再导入`,
    { row, cause: code ?? (err instanceof Error ? err.message : String(err)) },
  );
}

/**
 * Reading a platform export (CSV in UTF-8/GBK, or XLSX) as a header row plus data rows, for the
 * review and chat imports. The file reader is the order import's (`openRows`); this finds the header
 * row among the title rows some exports put first and reports a missing column in Chinese.
 */
import { AppError, isBlankRow, matchColumns, missingColumnsText, type ColumnMatch, type ColumnSpec } from '@yunying/core';
import { SHEET_LIMITS } from '../../lib/xlsx-read.js';
import { openRows } from '../orders/import/index.js';

const HEADER_SCAN_ROWS = 20;
/** Review and chat exports are a few thousand rows a day; 200,000 rows is months of a large shop. */
export const MAX_TABLE_ROWS = 200_000;

export interface TableRows<F extends string> {
  match: ColumnMatch<F>;
  headerRow: number;
  rows: AsyncIterator<{ rowNo: number; cells: string[] }>;
}

export async function openTable<F extends string>(
  file: string,
  fileName: string,
  specs: readonly ColumnSpec<F>[],
  what: string,
): Promise<TableRows<F>> {
  const src = openRows(file, undefined, { name: fileName, limits: { ...SHEET_LIMITS, maxRows: MAX_TABLE_ROWS } });
  const it = src.rows[Symbol.asyncIterator]();
  let first: string[] | null = null;
  for (let seen = 0; seen < HEADER_SCAN_ROWS;) {
    const r = await it.next();
    if (r.done) break;
    if (isBlankRow(r.value.cells)) continue;
    seen++;
    first ??= r.value.cells;
    const m = matchColumns(r.value.cells, specs);
    if (m.missing.length === 0) return { match: m, headerRow: r.value.rowNo, rows: it };
  }
  if (!first) throw new AppError('validation_failed', `${what}文件是空的：没有表头和数据行`);
  const missing = matchColumns(first, specs).missing;
  throw new AppError('validation_failed', missingColumnsText(missing, what), {
    missing: missing.map((m) => m.field),
    headers: first.map((h) => h.replace(/^\uFEFF/, '').trim()).filter((h) => h),
  });
}

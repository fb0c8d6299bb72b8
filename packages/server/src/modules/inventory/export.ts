/** Stock export for the CLI: CSV (UTF-8 with BOM, spreadsheet-formula-safe) or XLSX. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@yunying/core';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { requireWarehouse } from './common.js';
import { allStock } from './stockview.service.js';

const HEADERS = ['仓库', 'SKU编码', '商品', '规格', '在库', '占用', '可用', '次品', '低库存预警', '积压上限', '近30天销量', '可售天数'];

/** A cell that a spreadsheet would read as a formula (= + - @, tab, CR) is prefixed with a quote. */
export function safeCell(v: string | number | null): string | number {
  if (v === null) return '';
  if (typeof v === 'number') return v;
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function exportStockFile(
  db: Kysely<DB>,
  actor: Actor,
  filePath: string,
  opts: { warehouseId?: string } = {},
): Promise<{ rows: number }> {
  const ext = path.extname(filePath).toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx')
    throw new AppError('validation_failed', `不支持的导出格式「${ext || '无扩展名'}」：文件名请以 .csv 或 .xlsx 结尾`);
  if (opts.warehouseId) await requireWarehouse(db, actor.orgId, opts.warehouseId);
  const rows = await allStock(db, actor, { warehouseId: opts.warehouseId });
  const data = rows.map((r) =>
    [
      r.warehouseName,
      r.skuCode,
      r.productTitle,
      r.specText,
      r.onHand,
      r.reserved,
      r.available,
      r.defective,
      r.lowStock,
      r.overStock,
      r.sold30d,
      r.daysOfCover,
    ].map((v) => safeCell(v)),
  );
  await fs.mkdir(path.dirname(path.resolve(filePath)), { recursive: true });
  if (ext === '.csv') {
    const text = [HEADERS, ...data].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
    await fs.writeFile(filePath, '\uFEFF' + text, 'utf8');
  } else {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('库存');
    ws.addRow(HEADERS).font = { bold: true };
    for (const row of data) ws.addRow(row);
    ws.columns.forEach((c, i) => (c.width = i === 2 ? 30 : 14));
    await wb.xlsx.writeFile(filePath);
  }
  return { rows: rows.length };
}

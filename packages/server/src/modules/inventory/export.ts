/** Stock export for the CLI: CSV (UTF-8 with BOM, spreadsheet-formula-safe) or XLSX. */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { writeSheetFile } from '../../lib/sheets.js';
import { requireWarehouse } from './common.js';
import { allStock } from './stockview.service.js';

const HEADERS = ['仓库', 'SKU编码', '商品', '规格', '在库', '占用', '可用', '次品', '低库存预警', '积压上限', '近30天销量', '可售天数'];

export async function exportStockFile(
  db: Kysely<DB>,
  actor: Actor,
  filePath: string,
  opts: { warehouseId?: string } = {},
): Promise<{ rows: number }> {
  if (opts.warehouseId) await requireWarehouse(db, actor.orgId, opts.warehouseId);
  const rows = await allStock(db, actor, { warehouseId: opts.warehouseId });
  const data = rows.map((r) => [
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
  ]);
  await writeSheetFile(filePath, HEADERS, data, { sheetName: '库存', widths: { 2: 30 } });
  return { rows: rows.length };
}

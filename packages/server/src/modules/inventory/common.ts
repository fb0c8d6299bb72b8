/**
 * Small helpers shared by the stock, stocktake, transfer and purchasing services: look-ups that
 * fail with a Chinese message, daily document codes, a row lock that works on both dialects.
 */
import { AppError, businessDay } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB, WarehousesTable } from '../../db/schema.js';
import { textMatch } from '../../db/kit.js';
import * as catalog from '../catalog/index.js';

export interface SkuInfo {
  id: string;
  code: string;
  specText: string;
  productTitle: string;
  costFen: number;
  lowStock: number | null;
  overStock: number | null;
}

/** The SKUs of the organisation among `ids`, by id (from the catalogue). */
export async function skuInfo(db: Kysely<DB>, orgId: string, ids: readonly string[]): Promise<Map<string, SkuInfo>> {
  const found = await catalog.skuSummaries(db, orgId, ids);
  return new Map(
    [...found.values()].map((s) => [
      s.id,
      {
        id: s.id,
        code: s.code,
        specText: s.specText,
        productTitle: s.productTitle,
        costFen: s.costFen,
        lowStock: s.lowStock,
        overStock: s.overStock,
      },
    ]),
  );
}

/** Every id must be a SKU of the organisation; the error names the first row that is not. */
export async function requireSkus(db: Kysely<DB>, orgId: string, ids: readonly string[], path = 'lines'): Promise<Map<string, SkuInfo>> {
  const map = await skuInfo(db, orgId, ids);
  const missing = ids.map((id, i) => ({ id, i })).filter((x) => !map.has(x.id));
  if (missing.length) {
    throw new AppError(
      'validation_failed',
      `第 ${missing[0]!.i + 1} 行的 SKU ${missing[0]!.id} 不存在，请重新选择商品`,
      { skuIds: missing.map((m) => m.id) },
      missing.map((m) => ({ path: `${path}.${m.i}.skuId`, message: 'SKU 不存在' })),
    );
  }
  return map;
}

export async function requireWarehouse(
  db: Kysely<DB>,
  orgId: string,
  id: string,
  opts: { active?: boolean; field?: string } = {},
): Promise<WarehousesTable> {
  const wh = await db.selectFrom('warehouses').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  const field = opts.field ?? 'warehouseId';
  if (!wh)
    throw new AppError('not_found', `仓库 ${id} 不存在，请重新选择仓库`, { warehouseId: id }, [{ path: field, message: '仓库不存在' }]);
  if (opts.active && wh.status !== 'active') {
    throw new AppError('invalid_state', `仓库「${wh.name}」已停用，请先启用或选择其他仓库`, { warehouseId: id }, [
      { path: field, message: '仓库已停用' },
    ]);
  }
  return wh;
}

type CodedTable = 'stocktakes' | 'transfers' | 'purchase_orders';

/** The next daily code, e.g. PO20261122-001 (business day in Asia/Shanghai). */
export async function nextCode(db: Kysely<DB>, table: CodedTable, orgId: string, prefix: string, at = Date.now()): Promise<string> {
  const stem = `${prefix}${businessDay(at).replace(/-/g, '')}-`;
  const rows = await db
    .selectFrom(table)
    .select('code')
    .where('org_id', '=', orgId)
    .where(textMatch('code', stem, 'prefix'))
    .execute();
  let max = 0;
  for (const r of rows) {
    const n = Number(r.code.slice(stem.length));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return `${stem}${String(max + 1).padStart(3, '0')}`;
}

/**
 * Take the row lock of a document for the rest of the transaction (PostgreSQL: a no-op UPDATE
 * locks the row; SQLite: writers are serialised anyway), so two requests cannot both act on it.
 */
export async function lockRow(db: Kysely<DB>, table: 'stocktakes' | 'purchase_orders' | 'warehouses', id: string): Promise<boolean> {
  const res = await db
    .updateTable(table)
    .set((eb) => ({ status: eb.ref('status') }))
    .where('id', '=', id)
    .executeTakeFirst();
  return res.numUpdatedRows === 1n;
}

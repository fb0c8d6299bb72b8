/**
 * Stock in bulk: warehouses and the ledger written as given by the demo loader, the reads it needs,
 * and removing them again. The bulk form of `move()` is `insertMovements` (the ledger rows) followed
 * by `stockFromLedger` (the stock rows set to the ledger sums), so stock = sum of the ledger once both
 * have run; the CHECK constraints still refuse a figure below zero. Thresholds are not checked.
 */
import { AppError, newId } from '@yunying/core';
import { sql, type Kysely } from 'kysely';
import { IN_CHUNK, chunk, inChunks, insertBatched } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';
import { MOVEMENT_TYPES, type MovementType } from './stock.service.js';

export interface BulkWarehouse {
  id: string;
  code: string;
  name: string;
  address: string;
  isDefault: boolean;
}

export interface BulkMovement {
  /** Default: a new movement id. */
  id?: string;
  skuId: string;
  warehouseId: string;
  type: MovementType;
  dOnHand: number;
  dReserved: number;
  dAvailable: number;
  dDefective: number;
  refType: string | null;
  refId: string | null;
  note: string;
  at: number;
}

/** Insert active warehouses; one marked default becomes the default only if the organisation has none. */
export async function insertWarehouses(
  trx: Kysely<DB>,
  opts: { orgId: string; createdAt: number; warehouses: readonly BulkWarehouse[] },
): Promise<void> {
  const hasDefault = await trx
    .selectFrom('warehouses')
    .select('id')
    .where('org_id', '=', opts.orgId)
    .where('is_default', '=', 1)
    .executeTakeFirst();
  await insertBatched(
    trx,
    'warehouses',
    opts.warehouses.map((w) => ({
      id: w.id,
      org_id: opts.orgId,
      code: w.code,
      name: w.name,
      address: w.address,
      is_default: w.isDefault && !hasDefault ? 1 : 0,
      status: 'active',
      created_at: opts.createdAt,
    })),
  );
}

/** Which of these warehouse codes the organisation already uses. */
export async function takenWarehouseCodes(db: Kysely<DB>, orgId: string, codes: readonly string[]): Promise<string[]> {
  const rows = await inChunks(codes, (c) =>
    db.selectFrom('warehouses').select('code').where('org_id', '=', orgId).where('code', 'in', c).execute(),
  );
  return rows.map((r) => r.code);
}

/**
 * Write ledger rows by one actor (a system name, no user). Only the ledger: the stock rows of these
 * SKUs are out of step until `stockFromLedger` runs for them, in the same transaction or a later
 * one (a loader writes its days in several transactions and settles the stock once at the end).
 * Each movement must balance (on hand = available + reserved) like every ledger row.
 */
export async function insertMovements(
  trx: Kysely<DB>,
  opts: { orgId: string; actorName: string; movements: readonly BulkMovement[] },
): Promise<void> {
  for (const m of opts.movements) {
    if (!MOVEMENT_TYPES.includes(m.type)) throw new Error(`unknown movement type ${m.type}`);
    if (m.dOnHand !== m.dAvailable + m.dReserved) throw new Error(`unbalanced movement ${JSON.stringify(m)}`);
    for (const v of [m.dOnHand, m.dReserved, m.dAvailable, m.dDefective]) {
      if (!Number.isSafeInteger(v)) throw new AppError('validation_failed', '数量必须是整数');
    }
  }
  await insertBatched(
    trx,
    'stock_movements',
    opts.movements.map((m) => ({
      id: m.id ?? newId('movement'),
      org_id: opts.orgId,
      sku_id: m.skuId,
      warehouse_id: m.warehouseId,
      type: m.type,
      d_on_hand: m.dOnHand,
      d_reserved: m.dReserved,
      d_available: m.dAvailable,
      d_defective: m.dDefective,
      ref_type: m.refType,
      ref_id: m.refId,
      note: m.note,
      actor_id: null,
      actor_name: opts.actorName,
      at: m.at,
    })),
  );
}

/**
 * Set the stock rows of these SKUs (in every warehouse their ledger names) to the sums of their
 * ledger rows, creating missing rows; `updated_at` of those rows becomes `now`. The CHECK
 * constraints refuse a sum below zero. Thresholds are not checked.
 */
export async function stockFromLedger(trx: Kysely<DB>, opts: { orgId: string; now: number; skuIds: readonly string[] }): Promise<void> {
  const sums = await inChunks(opts.skuIds, (c) =>
    trx
      .selectFrom('stock_movements')
      .select((eb) => [
        'sku_id',
        'warehouse_id',
        eb.fn.sum<number | string>('d_on_hand').as('on_hand'),
        eb.fn.sum<number | string>('d_reserved').as('reserved'),
        eb.fn.sum<number | string>('d_available').as('available'),
        eb.fn.sum<number | string>('d_defective').as('defective'),
      ])
      .where('sku_id', 'in', c)
      .groupBy(['sku_id', 'warehouse_id'])
      .execute(),
  );
  for (const c of chunk(sums, 2_000)) {
    await trx
      .insertInto('stock')
      .values(
        c.map((s) => ({
          sku_id: s.sku_id,
          warehouse_id: s.warehouse_id,
          org_id: opts.orgId,
          on_hand: Number(s.on_hand),
          reserved: Number(s.reserved),
          available: Number(s.available),
          defective: Number(s.defective),
          updated_at: opts.now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['sku_id', 'warehouse_id']).doUpdateSet({
          on_hand: sql`excluded.on_hand`,
          reserved: sql`excluded.reserved`,
          available: sql`excluded.available`,
          defective: sql`excluded.defective`,
          updated_at: sql`excluded.updated_at`,
        }),
      )
      .execute();
  }
}

/** Which of these SKUs a stocktake or a transfer names. */
export async function skusInUse(db: Kysely<DB>, skuIds: readonly string[]): Promise<string[]> {
  const rows = await inChunks(skuIds, async (c) => [
    ...(await db.selectFrom('stocktake_lines').select('sku_id').distinct().where('sku_id', 'in', c).execute()),
    ...(await db.selectFrom('transfer_lines').select('sku_id').distinct().where('sku_id', 'in', c).execute()),
  ]);
  return [...new Set(rows.map((r) => r.sku_id))];
}

/** Delete the stock rows and the whole ledger of these SKUs (stock = ledger still holds: both go). */
export async function removeSkuStock(trx: Kysely<DB>, skuIds: readonly string[]): Promise<void> {
  for (const c of chunk(skuIds, IN_CHUNK)) {
    await trx.deleteFrom('stock_movements').where('sku_id', 'in', c).execute();
    await trx.deleteFrom('stock').where('sku_id', 'in', c).execute();
  }
}

/** Which of these warehouses hold stock or ledger rows, or appear on a stocktake or a transfer. */
export async function warehousesInUse(db: Kysely<DB>, warehouseIds: readonly string[]): Promise<Set<string>> {
  const used = new Set<string>();
  for (const id of warehouseIds) {
    const row =
      (await db.selectFrom('stock').select('sku_id').where('warehouse_id', '=', id).limit(1).executeTakeFirst()) ??
      (await db.selectFrom('stock_movements').select('id').where('warehouse_id', '=', id).limit(1).executeTakeFirst()) ??
      (await db.selectFrom('stocktakes').select('id').where('warehouse_id', '=', id).limit(1).executeTakeFirst()) ??
      (await db
        .selectFrom('transfers')
        .select('id')
        .where((eb) => eb.or([eb('from_warehouse_id', '=', id), eb('to_warehouse_id', '=', id)]))
        .limit(1)
        .executeTakeFirst());
    if (row) used.add(id);
  }
  return used;
}

/** Delete these warehouses: the caller has made sure nothing uses them (`warehousesInUse` and the other owners). */
export async function removeWarehouses(trx: Kysely<DB>, warehouseIds: readonly string[]): Promise<void> {
  for (const c of chunk(warehouseIds, IN_CHUNK)) await trx.deleteFrom('warehouses').where('id', 'in', c).execute();
}

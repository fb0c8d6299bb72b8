/**
 * The stock ledger. Every change to a SKU's stock in a warehouse is one conditional UPDATE (the
 * database refuses to go below zero, so concurrent buyers cannot oversell) plus one movement row
 * that explains it, in the caller's transaction. Sum of a SKU's movements = its stock row.
 */
import { AppError, newId } from '@yunying/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import { forUpdate } from '../../db/kit.js';
import type { DB, StockTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as catalog from '../catalog/index.js';
import * as notifications from '../notifications/index.js';

import { MOVEMENT_TYPES, type MovementType } from '@yunying/core';
export { MOVEMENT_TYPES, type MovementType };

export interface Delta {
  onHand?: number;
  reserved?: number;
  available?: number;
  defective?: number;
}

export interface MovementInput {
  skuId: string;
  warehouseId: string;
  type: MovementType;
  delta: Delta;
  refType?: string | null;
  refId?: string | null;
  note?: string;
}

export interface StockLevel {
  skuId: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
  available: number;
  defective: number;
}

export function stockRowToLevel(r: StockTable): StockLevel {
  return {
    skuId: r.sku_id,
    warehouseId: r.warehouse_id,
    onHand: r.on_hand,
    reserved: r.reserved,
    available: r.available,
    defective: r.defective,
  };
}

/** What each movement type does to the four figures, for a positive quantity. */
export const MOVEMENT_EFFECT: Record<Exclude<MovementType, 'adjust' | 'stocktake'>, (qty: number) => Delta> = {
  inbound: (q) => ({ onHand: q, available: q }),
  reserve: (q) => ({ available: -q, reserved: q }),
  release: (q) => ({ available: q, reserved: -q }),
  ship: (q) => ({ onHand: -q, reserved: -q }),
  transfer_out: (q) => ({ onHand: -q, available: -q }),
  transfer_in: (q) => ({ onHand: q, available: q }),
  return: (q) => ({ onHand: q, available: q }),
  defective: (q) => ({ defective: q }),
};

async function ensureRow(trx: Kysely<DB>, orgId: string, skuId: string, warehouseId: string): Promise<void> {
  await trx
    .insertInto('stock')
    .values({
      sku_id: skuId,
      warehouse_id: warehouseId,
      org_id: orgId,
      on_hand: 0,
      reserved: 0,
      available: 0,
      defective: 0,
      updated_at: Date.now(),
    })
    .onConflict((oc) => oc.columns(['sku_id', 'warehouse_id']).doNothing())
    .execute();
}

/**
 * Apply one movement. Throws `conflict` (库存不足) when it would take any figure below zero; the
 * affected-row count of the guarded UPDATE decides, not a prior read.
 */
export async function move(trx: Transaction<DB>, actor: Actor, m: MovementInput): Promise<void> {
  const d = {
    onHand: m.delta.onHand ?? 0,
    reserved: m.delta.reserved ?? 0,
    available: m.delta.available ?? 0,
    defective: m.delta.defective ?? 0,
  };
  if (d.onHand !== d.available + d.reserved) throw new Error(`unbalanced movement ${JSON.stringify(d)}`);
  for (const v of Object.values(d)) if (!Number.isSafeInteger(v)) throw new AppError('validation_failed', '数量必须是整数');
  if (d.onHand === 0 && d.reserved === 0 && d.available === 0 && d.defective === 0) return;
  await ensureRow(trx, actor.orgId, m.skuId, m.warehouseId);
  const res = await trx
    .updateTable('stock')
    .set({
      on_hand: sql`on_hand + ${d.onHand}`,
      reserved: sql`reserved + ${d.reserved}`,
      available: sql`available + ${d.available}`,
      defective: sql`defective + ${d.defective}`,
      updated_at: Date.now(),
    })
    .where('sku_id', '=', m.skuId)
    .where('warehouse_id', '=', m.warehouseId)
    .where(sql<boolean>`on_hand + ${d.onHand} >= 0`)
    .where(sql<boolean>`reserved + ${d.reserved} >= 0`)
    .where(sql<boolean>`available + ${d.available} >= 0`)
    .where(sql<boolean>`defective + ${d.defective} >= 0`)
    .executeTakeFirst();
  if (res.numUpdatedRows !== 1n) {
    const sku = (await catalog.skuSummaries(trx, actor.orgId, [m.skuId])).get(m.skuId);
    const cur = await trx
      .selectFrom('stock')
      .selectAll()
      .where('sku_id', '=', m.skuId)
      .where('warehouse_id', '=', m.warehouseId)
      .executeTakeFirst();
    const need = d.available < 0 ? -d.available : d.reserved < 0 ? -d.reserved : -d.onHand || -d.defective;
    throw new AppError('conflict', `库存不足：${sku?.code ?? m.skuId} 可用 ${cur?.available ?? 0} 件，需要 ${need} 件`, {
      skuId: m.skuId,
      warehouseId: m.warehouseId,
      available: cur?.available ?? 0,
      reserved: cur?.reserved ?? 0,
      requested: need,
    });
  }
  await trx
    .insertInto('stock_movements')
    .values({
      id: newId('movement'),
      org_id: actor.orgId,
      sku_id: m.skuId,
      warehouse_id: m.warehouseId,
      type: m.type,
      d_on_hand: d.onHand,
      d_reserved: d.reserved,
      d_available: d.available,
      d_defective: d.defective,
      ref_type: m.refType ?? null,
      ref_id: m.refId ?? null,
      note: m.note ?? '',
      actor_id: actor.userId || null,
      actor_name: actor.via === 'system' ? actor.username : actor.displayName,
      at: Date.now(),
    })
    .execute();
  await checkThresholds(trx, actor.orgId, m.skuId);
}

/** Shorthand for the fixed-effect movements. */
export function moveQty(
  trx: Transaction<DB>,
  actor: Actor,
  type: keyof typeof MOVEMENT_EFFECT,
  skuId: string,
  warehouseId: string,
  qty: number,
  ref: { refType?: string; refId?: string; note?: string } = {},
): Promise<void> {
  if (!Number.isSafeInteger(qty) || qty <= 0) throw new AppError('validation_failed', `数量必须是正整数（收到 ${qty}）`);
  return move(trx, actor, { skuId, warehouseId, type, delta: MOVEMENT_EFFECT[type](qty), ...ref });
}

/**
 * Raise or resolve the low/over-stock alert of a SKU. Thresholds are on the SKU and compare with
 * the total across warehouses: available below `low_stock`, on hand above `over_stock`.
 */
export async function checkThresholds(trx: Kysely<DB>, orgId: string, skuId: string): Promise<void> {
  const sku = (await catalog.skuSummaries(trx, orgId, [skuId])).get(skuId);
  if (!sku || (sku.lowStock === null && sku.overStock === null)) return;
  const t = await trx
    .selectFrom('stock')
    .select((eb) => [eb.fn.sum<number>('available').as('available'), eb.fn.sum<number>('on_hand').as('on_hand')])
    .where('sku_id', '=', skuId)
    .executeTakeFirst();
  const available = Number(t?.available ?? 0);
  const onHand = Number(t?.on_hand ?? 0);
  const lowKey = `low_stock:${skuId}`;
  const overKey = `over_stock:${skuId}`;
  if (sku.lowStock !== null && available < sku.lowStock) {
    await notifications.raise(trx, {
      orgId,
      type: 'low_stock',
      level: available === 0 ? 'error' : 'warning',
      title: `库存不足：${sku.code}`,
      body: `${sku.code}（${sku.specText || '默认规格'}）可用库存 ${available} 件，低于预警值 ${sku.lowStock} 件，请及时补货。`,
      permission: 'inventory.read',
      entityType: 'sku',
      entityId: skuId,
      dedupeKey: lowKey,
    });
  } else {
    await notifications.resolve(trx, orgId, lowKey);
  }
  if (sku.overStock !== null && onHand > sku.overStock) {
    await notifications.raise(trx, {
      orgId,
      type: 'over_stock',
      level: 'info',
      title: `库存积压：${sku.code}`,
      body: `${sku.code}（${sku.specText || '默认规格'}）在库 ${onHand} 件，高于上限 ${sku.overStock} 件，考虑促销或暂停采购。`,
      permission: 'inventory.read',
      entityType: 'sku',
      entityId: skuId,
      dedupeKey: overKey,
    });
  } else {
    await notifications.resolve(trx, orgId, overKey);
  }
}

/**
 * Read the stock rows of `skuIds` in a warehouse and keep them locked for the rest of the
 * transaction, for a caller that computes a movement from the figures it reads (a stocktake sets
 * on hand to a counted figure): nobody can move these rows between the read and the write.
 * Missing rows are created first (at zero), so a first inbound cannot slip in unseen. PostgreSQL:
 * SELECT … FOR UPDATE in SKU order (the order order creation locks them in, so no deadlock);
 * SQLite runs one write transaction at a time, so the plain read is already serial.
 */
export async function lockLevels(
  trx: Transaction<DB>,
  orgId: string,
  warehouseId: string,
  skuIds: readonly string[],
): Promise<Map<string, StockLevel>> {
  const ids = [...new Set(skuIds)].sort();
  const out = new Map<string, StockLevel>();
  const now = Date.now();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await trx
      .insertInto('stock')
      .values(
        chunk.map((sku_id) => ({
          sku_id,
          warehouse_id: warehouseId,
          org_id: orgId,
          on_hand: 0,
          reserved: 0,
          available: 0,
          defective: 0,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['sku_id', 'warehouse_id']).doNothing())
      .execute();
    let q = trx.selectFrom('stock').selectAll().where('warehouse_id', '=', warehouseId).where('sku_id', 'in', chunk).orderBy('sku_id');
    q = forUpdate(trx, q);
    for (const r of await q.execute()) out.set(r.sku_id, stockRowToLevel(r));
  }
  return out;
}

export async function levels(db: Kysely<DB>, skuIds: string[], warehouseId?: string): Promise<StockLevel[]> {
  if (skuIds.length === 0) return [];
  let q = db.selectFrom('stock').selectAll().where('sku_id', 'in', skuIds);
  if (warehouseId) q = q.where('warehouse_id', '=', warehouseId);
  return (await q.execute()).map(stockRowToLevel);
}

/** Ledger totals per SKU × warehouse — equal to the stock rows when the books balance. */
export async function ledgerTotals(db: Kysely<DB>, orgId: string, skuId?: string): Promise<StockLevel[]> {
  let q = db
    .selectFrom('stock_movements')
    .select((eb) => [
      'sku_id',
      'warehouse_id',
      eb.fn.sum<number>('d_on_hand').as('on_hand'),
      eb.fn.sum<number>('d_reserved').as('reserved'),
      eb.fn.sum<number>('d_available').as('available'),
      eb.fn.sum<number>('d_defective').as('defective'),
    ])
    .where('org_id', '=', orgId)
    .groupBy(['sku_id', 'warehouse_id']);
  if (skuId) q = q.where('sku_id', '=', skuId);
  const rows = await q.execute();
  return rows.map((r) => ({
    skuId: r.sku_id,
    warehouseId: r.warehouse_id,
    onHand: Number(r.on_hand),
    reserved: Number(r.reserved),
    available: Number(r.available),
    defective: Number(r.defective),
  }));
}

/** The organisation's default warehouse, created on first use (默认仓). */
export async function defaultWarehouseId(trx: Kysely<DB>, orgId: string): Promise<string> {
  const wh = await trx.selectFrom('warehouses').select('id').where('org_id', '=', orgId).where('is_default', '=', 1).executeTakeFirst();
  if (wh) return wh.id;
  const id = newId('warehouse');
  await trx
    .insertInto('warehouses')
    .values({ id, org_id: orgId, code: 'WH01', name: '默认仓', address: '', is_default: 1, status: 'active', created_at: Date.now() })
    .onConflict((oc) => oc.columns(['org_id', 'code']).doNothing())
    .execute();
  const again = await trx
    .selectFrom('warehouses')
    .select('id')
    .where('org_id', '=', orgId)
    .where('code', '=', 'WH01')
    .executeTakeFirstOrThrow();
  return again.id;
}

/**
 * The stock ledger. Every change to a SKU's stock in a warehouse is one conditional UPDATE (the
 * database refuses to go below zero, so concurrent buyers cannot oversell) plus one movement row
 * that explains it, in the caller's transaction. Sum of a SKU's movements = its stock row.
 */
import { AppError, newId } from '@yunying/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import { forUpdate, isPostgres } from '../../db/kit.js';
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
  if (res.numUpdatedRows !== 1n) throw await stockConflict(trx, actor, m.skuId, m.warehouseId, d);
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

/** The Chinese 库存不足 conflict for a movement the guarded UPDATE refused. */
async function stockConflict(trx: Kysely<DB>, actor: Actor, skuId: string, warehouseId: string, delta: Delta): Promise<AppError> {
  const d = { onHand: delta.onHand ?? 0, reserved: delta.reserved ?? 0, available: delta.available ?? 0, defective: delta.defective ?? 0 };
  const sku = (await catalog.skuSummaries(trx, actor.orgId, [skuId])).get(skuId);
  const cur = await trx
    .selectFrom('stock')
    .selectAll()
    .where('sku_id', '=', skuId)
    .where('warehouse_id', '=', warehouseId)
    .executeTakeFirst();
  const need = d.available < 0 ? -d.available : d.reserved < 0 ? -d.reserved : -d.onHand || -d.defective;
  return new AppError('conflict', `库存不足：${sku?.code ?? skuId} 可用 ${cur?.available ?? 0} 件，需要 ${need} 件`, {
    skuId,
    warehouseId,
    available: cur?.available ?? 0,
    reserved: cur?.reserved ?? 0,
    requested: need,
  });
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
 * One fixed-effect movement for many SKUs of one warehouse, set-based (issue 10 item 3): one
 * guarded UPDATE for all the rows (each row's change picked by a CASE on its SKU) whose row count
 * decides — any SKU short of stock, or without a stock row, fails the whole call with the same
 * Chinese conflict as `move` — then one multi-row ledger insert and one threshold check. A
 * 20-line order costs the statements of a 1-line one. Quantities of a repeated SKU are added up.
 * PostgreSQL locks the rows in the index order of the SKU list, the same for every caller.
 * `skus`: the SKUs' summaries when the caller has read them already (their thresholds), so the
 * threshold check does not read the catalogue again.
 */
export async function moveQtyMany(
  trx: Transaction<DB>,
  actor: Actor,
  type: keyof typeof MOVEMENT_EFFECT,
  warehouseId: string,
  items: readonly { skuId: string; qty: number }[],
  ref: { refType?: string; refId?: string; note?: string } = {},
  skus?: ReadonlyMap<string, catalog.SkuSummary>,
): Promise<void> {
  const plan = planMoveMany(trx, actor, type, warehouseId, items, ref);
  if (!plan) return;
  if (plan.ensureRows) await plan.ensureRows.execute();
  const res = await plan.update.executeTakeFirst();
  if (Number(res.numUpdatedRows) !== plan.skuIds.length) throw await plan.shortfall();
  await plan.ledger.execute();
  await checkThresholdsMany(trx, actor.orgId, plan.skuIds, skus);
}

/**
 * The statements of `moveQtyMany`, built and not run, for a caller that runs them inside a
 * statement of its own (PostgreSQL: order creation puts the reservation, its ledger rows and the
 * order in one statement, so the SKUs' stock rows are held for one round trip; issue 10). The
 * caller runs `ensureRows` first when there is one, compares the rows `update` returns with
 * `skuIds.length` and throws `shortfall()` when fewer, then checks the thresholds
 * (`checkThresholdsMany`). Undefined for no items.
 */
export function planMoveMany(
  trx: Transaction<DB>,
  actor: Actor,
  type: keyof typeof MOVEMENT_EFFECT,
  warehouseId: string,
  items: readonly { skuId: string; qty: number }[],
  ref: { refType?: string; refId?: string; note?: string } = {},
) {
  const bySku = new Map<string, number>();
  for (const it of items) {
    if (!Number.isSafeInteger(it.qty) || it.qty <= 0) throw new AppError('validation_failed', `数量必须是正整数（收到 ${it.qty}）`);
    bySku.set(it.skuId, (bySku.get(it.skuId) ?? 0) + it.qty);
  }
  const skuIds = [...bySku.keys()].sort();
  if (skuIds.length === 0) return undefined;
  const deltas = new Map(skuIds.map((id) => [id, MOVEMENT_EFFECT[type](bySku.get(id)!)]));
  const FIELDS = [
    ['on_hand', 'onHand'],
    ['reserved', 'reserved'],
    ['available', 'available'],
    ['defective', 'defective'],
  ] as const;
  const used = FIELDS.filter(([, k]) => skuIds.some((id) => (deltas.get(id)![k] ?? 0) !== 0));
  const now = Date.now();
  // A movement that only adds may meet a SKU with no stock row yet: create those rows at zero
  // (one insert). One that takes away fails on a missing row, as it would on a zero one.
  const ensureRows = used.every(([, k]) => skuIds.every((id) => (deltas.get(id)![k] ?? 0) >= 0))
    ? trx
        .insertInto('stock')
        .values(
          skuIds.map((sku_id) => ({
            sku_id,
            warehouse_id: warehouseId,
            org_id: actor.orgId,
            on_hand: 0,
            reserved: 0,
            available: 0,
            defective: 0,
            updated_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['sku_id', 'warehouse_id']).doNothing())
    : undefined;
  const change = (k: keyof Delta) =>
    sql<number>`case sku_id ${sql.join(
      skuIds.map((id) => sql`when ${id} then cast(${deltas.get(id)![k] ?? 0} as integer)`),
      sql` `,
    )} else 0 end`;
  let update = trx
    .updateTable('stock')
    .set(Object.fromEntries([...used.map(([col, k]) => [col, sql`${sql.ref(col)} + ${change(k)}`]), ['updated_at', now]]))
    .where('warehouse_id', '=', warehouseId)
    .where('sku_id', 'in', skuIds);
  // PostgreSQL: the rows are locked in SKU order by a materialized sub-select before they are
  // updated (an UPDATE alone locks them in whatever order its plan reads them): two concurrent
  // orders of the same SKUs then queue instead of deadlocking. Materialized, so a nested loop
  // reads the locked ids again without locking them again. SQLite has one writer at a time.
  if (isPostgres(trx))
    update = update.where(
      'sku_id',
      'in',
      sql<string>`(with l as materialized (select sku_id from stock where warehouse_id = ${warehouseId} and sku_id in (${sql.join(
        skuIds,
      )}) order by sku_id for update) select sku_id from l)`,
    );
  for (const [col, k] of used) update = update.where(sql<boolean>`${sql.ref(col)} + ${change(k)} >= 0`);
  const ledger = trx.insertInto('stock_movements').values(
    skuIds.map((skuId) => {
      const d = deltas.get(skuId)!;
      return {
        id: newId('movement'),
        org_id: actor.orgId,
        sku_id: skuId,
        warehouse_id: warehouseId,
        type,
        d_on_hand: d.onHand ?? 0,
        d_reserved: d.reserved ?? 0,
        d_available: d.available ?? 0,
        d_defective: d.defective ?? 0,
        ref_type: ref.refType ?? null,
        ref_id: ref.refId ?? null,
        note: ref.note ?? '',
        actor_id: actor.userId || null,
        actor_name: actor.via === 'system' ? actor.username : actor.displayName,
        at: now,
      };
    }),
  );
  /** Some SKU is short (or has no stock row): the conflict naming the first one short now. */
  const shortfall = async (): Promise<AppError> => {
    // Always a conflict — the rows the UPDATE did change are rolled back with the caller's
    // transaction.
    const rows = await trx.selectFrom('stock').selectAll().where('warehouse_id', '=', warehouseId).where('sku_id', 'in', skuIds).execute();
    const byId = new Map(rows.map((r) => [r.sku_id, r]));
    const short =
      skuIds.find((id) => {
        const r = byId.get(id);
        const d = deltas.get(id)!;
        return !r || r.on_hand + (d.onHand ?? 0) < 0 || r.reserved + (d.reserved ?? 0) < 0 || r.available + (d.available ?? 0) < 0;
      }) ?? skuIds[0]!;
    return stockConflict(trx, actor, short, warehouseId, deltas.get(short)!);
  };
  return { skuIds, ensureRows, update, ledger, shortfall };
}

/**
 * Raise or resolve the low/over-stock alert of a SKU. Thresholds are on the SKU and compare with
 * the total across warehouses: available below `low_stock`, on hand above `over_stock`.
 */
export function checkThresholds(trx: Kysely<DB>, orgId: string, skuId: string): Promise<void> {
  return checkThresholdsMany(trx, orgId, [skuId]);
}

/**
 * `checkThresholds` for many SKUs: one catalogue look-up and one stock sum for all of them; the
 * alert is raised or resolved only for the SKUs that have a threshold set.
 */
export async function checkThresholdsMany(
  trx: Kysely<DB>,
  orgId: string,
  skuIds: readonly string[],
  /** The SKUs' summaries when the caller has them (read in this transaction): no catalogue read. */
  known?: ReadonlyMap<string, catalog.SkuSummary>,
): Promise<void> {
  const skus = known && skuIds.every((id) => known.has(id)) ? known : await catalog.skuSummaries(trx, orgId, skuIds);
  const watched = [...new Set(skuIds)]
    .map((id) => skus.get(id))
    .filter((s): s is catalog.SkuSummary => !!s && (s.lowStock !== null || s.overStock !== null));
  if (watched.length === 0) return;
  const totals = await trx
    .selectFrom('stock')
    .select((eb) => ['sku_id', eb.fn.sum<number>('available').as('available'), eb.fn.sum<number>('on_hand').as('on_hand')])
    .where(
      'sku_id',
      'in',
      watched.map((s) => s.id),
    )
    .groupBy('sku_id')
    .execute();
  const bySku = new Map(totals.map((t) => [t.sku_id, t]));
  for (const sku of watched) {
    const t = bySku.get(sku.id);
    await alertOnThresholds(trx, orgId, sku, Number(t?.available ?? 0), Number(t?.on_hand ?? 0));
  }
}

async function alertOnThresholds(
  trx: Kysely<DB>,
  orgId: string,
  sku: catalog.SkuSummary,
  available: number,
  onHand: number,
): Promise<void> {
  const skuId = sku.id;
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

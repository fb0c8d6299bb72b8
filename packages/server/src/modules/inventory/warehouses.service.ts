/** Warehouses: list, create, edit; exactly one default per organisation (默认仓 made on first use). */
import { AppError, newId, type Warehouse, type UpdateWarehouseInput, type WarehouseInput } from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { inChunks, insertOrConflict } from '../../db/kit.js';
import type { DB, WarehousesTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import { defaultWarehouseId } from './stock.service.js';
import { requireWarehouse } from './common.js';

export function warehouseRowToWarehouse(r: WarehousesTable): Warehouse {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    address: r.address,
    isDefault: r.is_default === 1,
    status: r.status as Warehouse['status'],
    createdAt: r.created_at,
  };
}

export async function listWarehouses(trx: Transaction<DB>, actor: Actor): Promise<Warehouse[]> {
  await defaultWarehouseId(trx, actor.orgId);
  const rows = await trx
    .selectFrom('warehouses')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .orderBy('is_default', 'desc')
    .orderBy('code')
    .execute();
  return rows.map(warehouseRowToWarehouse);
}

function codeTaken(code: string): AppError {
  return new AppError('conflict', `仓库编码「${code}」已被使用，请换一个编码`, { code }, [{ path: 'code', message: '仓库编码已存在' }]);
}

async function clearDefault(trx: Kysely<DB>, orgId: string): Promise<void> {
  await trx.updateTable('warehouses').set({ is_default: 0 }).where('org_id', '=', orgId).where('is_default', '=', 1).execute();
}

export async function createWarehouse(trx: Transaction<DB>, actor: Actor, input: WarehouseInput): Promise<Warehouse> {
  const any = await trx.selectFrom('warehouses').select('id').where('org_id', '=', actor.orgId).executeTakeFirst();
  const isDefault = input.isDefault || !any;
  if (isDefault) await clearDefault(trx, actor.orgId);
  const row: WarehousesTable = {
    id: newId('warehouse'),
    org_id: actor.orgId,
    code: input.code,
    name: input.name,
    address: input.address,
    is_default: isDefault ? 1 : 0,
    status: 'active',
    created_at: Date.now(),
  };
  await insertOrConflict(trx.insertInto('warehouses').values(row).execute(), () => codeTaken(input.code));
  const wh = warehouseRowToWarehouse(row);
  await audit.record(trx, actor, 'warehouse.create', { entityType: 'warehouse', entityId: row.id, after: wh });
  return wh;
}

export async function updateWarehouse(trx: Transaction<DB>, actor: Actor, id: string, input: UpdateWarehouseInput): Promise<Warehouse> {
  const before = await requireWarehouse(trx, actor.orgId, id);
  if (input.status === 'disabled' && (before.is_default === 1 || input.isDefault)) {
    throw new AppError('invalid_state', `「${before.name}」是默认仓，不能停用；请先把其他仓库设为默认`, {}, [
      { path: 'status', message: '默认仓不能停用' },
    ]);
  }
  if (input.isDefault && (input.status ?? before.status) !== 'active') {
    throw new AppError('invalid_state', `「${before.name}」已停用，不能设为默认仓；请先启用`, {}, [
      { path: 'isDefault', message: '仓库已停用' },
    ]);
  }
  const patch: Partial<WarehousesTable> = {};
  if (input.code !== undefined) patch.code = input.code;
  if (input.name !== undefined) patch.name = input.name;
  if (input.address !== undefined) patch.address = input.address;
  if (input.status !== undefined) patch.status = input.status;
  if (input.isDefault) {
    await clearDefault(trx, actor.orgId);
    patch.is_default = 1;
  }
  if (Object.keys(patch).length) {
    await insertOrConflict(trx.updateTable('warehouses').set(patch).where('id', '=', id).execute(), () => codeTaken(input.code ?? ''));
  }
  const after = await requireWarehouse(trx, actor.orgId, id);
  await audit.record(trx, actor, 'warehouse.update', {
    entityType: 'warehouse',
    entityId: id,
    before: warehouseRowToWarehouse(before),
    after: warehouseRowToWarehouse(after),
  });
  return warehouseRowToWarehouse(after);
}

/** Names of the organisation's warehouses among `ids`, by id (for other modules' lists). */
export async function warehouseNames(db: Kysely<DB>, orgId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await inChunks(ids, (chunk) =>
    db.selectFrom('warehouses').select(['id', 'name']).where('org_id', '=', orgId).where('id', 'in', chunk).execute(),
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

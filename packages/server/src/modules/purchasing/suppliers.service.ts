/** Suppliers (供应商): the companies purchase orders are placed with. */
import {
  AppError,
  newId,
  type Page,
  type Supplier,
  type SupplierFilter,
  type SupplierInput,
  type UpdateSupplierInput,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { DB, SuppliersTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import { anyTextMatch, insertOrConflict, pageOf, searchTerm, withPage } from '../../db/kit.js';

export function supplierRowToSupplier(r: SuppliersTable): Supplier {
  return { id: r.id, name: r.name, contact: r.contact, phone: r.phone, address: r.address, note: r.note, createdAt: Number(r.created_at) };
}

function nameTaken(name: string): AppError {
  return new AppError('conflict', `已有名为「${name}」的供应商，请换一个名称`, { name }, [{ path: 'name', message: '供应商名称已存在' }]);
}

export async function requireSupplier(db: Kysely<DB>, actor: Actor, id: string): Promise<SuppliersTable> {
  const s = await db.selectFrom('suppliers').selectAll().where('org_id', '=', actor.orgId).where('id', '=', id).executeTakeFirst();
  if (!s)
    throw new AppError('not_found', `供应商 ${id} 不存在，请重新选择`, { supplierId: id }, [
      { path: 'supplierId', message: '供应商不存在' },
    ]);
  return s;
}

export async function listSuppliers(db: Kysely<DB>, actor: Actor, f: SupplierFilter): Promise<Page<Supplier>> {
  let q = db.selectFrom('suppliers').where('org_id', '=', actor.orgId);
  const term = searchTerm(f.q);
  if (term) q = q.where(anyTextMatch(['name', 'contact', 'phone'], term));
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll()
    .orderBy('name')
    .$call((qb) => withPage(qb, f))
    .execute();
  return pageOf(rows.map(supplierRowToSupplier), Number(total), f);
}

export async function createSupplier(trx: Transaction<DB>, actor: Actor, input: SupplierInput): Promise<Supplier> {
  const row: SuppliersTable = { id: newId('supplier'), org_id: actor.orgId, ...input, created_at: Date.now() };
  await insertOrConflict(trx.insertInto('suppliers').values(row).execute(), () => nameTaken(input.name));
  const s = supplierRowToSupplier(row);
  await audit.record(trx, actor, 'supplier.create', { entityType: 'supplier', entityId: row.id, after: s });
  return s;
}

export async function updateSupplier(trx: Transaction<DB>, actor: Actor, id: string, input: UpdateSupplierInput): Promise<Supplier> {
  const before = await requireSupplier(trx, actor, id);
  const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<SuppliersTable>;
  if (Object.keys(patch).length) {
    await insertOrConflict(trx.updateTable('suppliers').set(patch).where('id', '=', id).execute(), () => nameTaken(input.name ?? ''));
  }
  const after = await requireSupplier(trx, actor, id);
  await audit.record(trx, actor, 'supplier.update', {
    entityType: 'supplier',
    entityId: id,
    before: supplierRowToSupplier(before),
    after: supplierRowToSupplier(after),
  });
  return supplierRowToSupplier(after);
}

export async function deleteSupplier(trx: Transaction<DB>, actor: Actor, id: string): Promise<void> {
  const s = await requireSupplier(trx, actor, id);
  const used = await trx.selectFrom('purchase_orders').select('code').where('supplier_id', '=', id).executeTakeFirst();
  if (used) throw new AppError('conflict', `供应商「${s.name}」已有采购单（如 ${used.code}），不能删除`, { supplierId: id });
  await trx.deleteFrom('suppliers').where('id', '=', id).execute();
  await audit.record(trx, actor, 'supplier.delete', { entityType: 'supplier', entityId: id, before: supplierRowToSupplier(s) });
}

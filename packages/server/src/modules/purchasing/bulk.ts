/**
 * Purchasing in bulk: suppliers and purchase orders written as given by the demo loader, the reads
 * it needs, and removing them again. Writes run in the caller's transaction; receipts are not
 * booked here (the caller writes their ledger rows through inventory).
 */
import type { Kysely } from 'kysely';
import { IN_CHUNK, chunk, inChunks, insertBatched } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

export interface BulkSupplier {
  id: string;
  name: string;
  contact: string;
  phone: string;
  address: string;
}

export interface BulkPurchaseOrder {
  id: string;
  code: string;
  supplierId: string;
  warehouseId: string;
  status: 'ordered' | 'received';
  note: string;
  createdAt: number;
  expectedAt: number;
  receivedAt: number | null;
  lines: readonly { id: string; skuId: string; qty: number; receivedQty: number; unitCostFen: number }[];
}

export async function insertSuppliers(
  trx: Kysely<DB>,
  opts: { orgId: string; createdAt: number; note: string; suppliers: readonly BulkSupplier[] },
): Promise<void> {
  await insertBatched(
    trx,
    'suppliers',
    opts.suppliers.map((s) => ({
      id: s.id,
      org_id: opts.orgId,
      name: s.name,
      contact: s.contact,
      phone: s.phone,
      address: s.address,
      note: opts.note,
      created_at: opts.createdAt,
    })),
  );
}

/** Insert purchase orders with their lines (no creator: system-made). */
export async function insertPurchaseOrders(
  trx: Kysely<DB>,
  opts: { orgId: string; purchaseOrders: readonly BulkPurchaseOrder[] },
): Promise<void> {
  const pos = opts.purchaseOrders;
  await insertBatched(
    trx,
    'purchase_orders',
    pos.map((p) => ({
      id: p.id,
      org_id: opts.orgId,
      code: p.code,
      supplier_id: p.supplierId,
      warehouse_id: p.warehouseId,
      status: p.status,
      expected_at: p.expectedAt,
      note: p.note,
      created_by: null,
      created_at: p.createdAt,
      updated_at: p.receivedAt ?? p.createdAt,
    })),
  );
  await insertBatched(
    trx,
    'purchase_order_lines',
    pos.flatMap((p) =>
      p.lines.map((l) => ({
        id: l.id,
        po_id: p.id,
        sku_id: l.skuId,
        qty: l.qty,
        received_qty: l.receivedQty,
        unit_cost_fen: l.unitCostFen,
      })),
    ),
  );
}

/** Which of these names already name a supplier of the organisation. */
export async function takenSupplierNames(db: Kysely<DB>, orgId: string, names: readonly string[]): Promise<string[]> {
  const rows = await inChunks(names, (c) =>
    db.selectFrom('suppliers').select('name').where('org_id', '=', orgId).where('name', 'in', c).execute(),
  );
  return rows.map((r) => r.name);
}

/**
 * Which of these SKUs are on a purchase order other than those from `supplierIds` into
 * `warehouseIds` (i.e. purchase orders of real data, when those are the demo's).
 */
export async function skusOnOtherPurchaseOrders(
  db: Kysely<DB>,
  opts: { skuIds: readonly string[]; supplierIds: readonly string[]; warehouseIds: readonly string[] },
): Promise<string[]> {
  const suppliers = opts.supplierIds.length ? [...opts.supplierIds] : ['-'];
  const warehouses = opts.warehouseIds.length ? [...opts.warehouseIds] : ['-'];
  const rows = await inChunks(opts.skuIds, (c) =>
    db
      .selectFrom('purchase_order_lines')
      .innerJoin('purchase_orders', 'purchase_orders.id', 'purchase_order_lines.po_id')
      .select('purchase_order_lines.sku_id')
      .distinct()
      .where('purchase_order_lines.sku_id', 'in', c)
      .where((eb) =>
        eb.or([eb('purchase_orders.supplier_id', 'not in', suppliers), eb('purchase_orders.warehouse_id', 'not in', warehouses)]),
      )
      .execute(),
  );
  return [...new Set(rows.map((r) => r.sku_id))];
}

/** Delete every purchase-order line of these SKUs. */
export async function removeSkuLines(trx: Kysely<DB>, skuIds: readonly string[]): Promise<void> {
  for (const c of chunk(skuIds, IN_CHUNK)) await trx.deleteFrom('purchase_order_lines').where('sku_id', 'in', c).execute();
}

/** Delete the purchase orders from these suppliers into these warehouses that have no lines left. */
export async function removeEmptyPurchaseOrders(
  trx: Kysely<DB>,
  opts: { orgId: string; supplierIds: readonly string[]; warehouseIds: readonly string[] },
): Promise<void> {
  if (!opts.supplierIds.length || !opts.warehouseIds.length) return;
  const empty = await trx
    .selectFrom('purchase_orders')
    .select('id')
    .where('org_id', '=', opts.orgId)
    .where('supplier_id', 'in', [...opts.supplierIds])
    .where('warehouse_id', 'in', [...opts.warehouseIds])
    .where((eb) =>
      eb.not(
        eb.exists(eb.selectFrom('purchase_order_lines').select('id').whereRef('purchase_order_lines.po_id', '=', 'purchase_orders.id')),
      ),
    )
    .execute();
  for (const c of chunk(
    empty.map((p) => p.id),
    IN_CHUNK,
  )) {
    await trx.deleteFrom('purchase_orders').where('id', 'in', c).execute();
  }
}

/** Delete those of these suppliers that no purchase order names. */
export async function removeUnusedSuppliers(trx: Kysely<DB>, supplierIds: readonly string[]): Promise<void> {
  for (const id of supplierIds) {
    const used = await trx.selectFrom('purchase_orders').select('id').where('supplier_id', '=', id).limit(1).executeTakeFirst();
    if (!used) await trx.deleteFrom('suppliers').where('id', '=', id).execute();
  }
}

/** Which of these warehouses a purchase order names. */
export async function warehousesInUse(db: Kysely<DB>, warehouseIds: readonly string[]): Promise<Set<string>> {
  const rows = await inChunks(warehouseIds, (c) =>
    db.selectFrom('purchase_orders').select('warehouse_id').distinct().where('warehouse_id', 'in', c).execute(),
  );
  return new Set(rows.map((r) => r.warehouse_id));
}

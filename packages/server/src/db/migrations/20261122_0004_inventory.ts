import { sql, type Kysely } from 'kysely';

/**
 * Stock: warehouses, stock per SKU × warehouse, and the movement ledger that explains every change.
 * Invariants (CHECK constraints on both dialects): available, reserved, on_hand, defective ≥ 0 and
 * on_hand = available + reserved. Purchasing, stocktakes and transfers feed the ledger.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('warehouses')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('code', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(60)', (c) => c.notNull())
    .addColumn('address', 'varchar(200)', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('warehouses_org_code_uq', ['org_id', 'code'])
    .execute();

  await db.schema
    .createTable('stock')
    .addColumn('sku_id', 'varchar(40)', (c) => c.notNull().references('skus.id'))
    .addColumn('warehouse_id', 'varchar(40)', (c) => c.notNull().references('warehouses.id'))
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('on_hand', 'bigint', (c) => c.notNull())
    .addColumn('reserved', 'bigint', (c) => c.notNull())
    .addColumn('available', 'bigint', (c) => c.notNull())
    .addColumn('defective', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('stock_pk', ['sku_id', 'warehouse_id'])
    .addCheckConstraint('stock_nonneg', sql`available >= 0 and reserved >= 0 and on_hand >= 0 and defective >= 0`)
    .addCheckConstraint('stock_balance', sql`on_hand = available + reserved`)
    .execute();
  await db.schema.createIndex('stock_org_idx').on('stock').columns(['org_id', 'warehouse_id']).execute();

  await db.schema
    .createTable('stock_movements')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('sku_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('warehouse_id', 'varchar(40)', (c) => c.notNull())
    // inbound | reserve | release | ship | adjust | stocktake | transfer_out | transfer_in | return | defective
    .addColumn('type', 'varchar(20)', (c) => c.notNull())
    .addColumn('d_on_hand', 'bigint', (c) => c.notNull())
    .addColumn('d_reserved', 'bigint', (c) => c.notNull())
    .addColumn('d_available', 'bigint', (c) => c.notNull())
    .addColumn('d_defective', 'bigint', (c) => c.notNull())
    .addColumn('ref_type', 'varchar(30)')
    .addColumn('ref_id', 'varchar(80)')
    .addColumn('note', 'varchar(400)', (c) => c.notNull())
    .addColumn('actor_id', 'varchar(40)')
    .addColumn('actor_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('stock_movements_sku_idx').on('stock_movements').columns(['sku_id', 'warehouse_id', 'at']).execute();
  await db.schema.createIndex('stock_movements_ref_idx').on('stock_movements').columns(['ref_type', 'ref_id']).execute();
  await db.schema.createIndex('stock_movements_org_at_idx').on('stock_movements').columns(['org_id', 'at']).execute();

  await db.schema
    .createTable('stocktakes')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('code', 'varchar(40)', (c) => c.notNull())
    .addColumn('warehouse_id', 'varchar(40)', (c) => c.notNull().references('warehouses.id'))
    .addColumn('status', 'varchar(20)', (c) => c.notNull()) // counting | applied | cancelled
    .addColumn('note', 'varchar(400)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(40)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('applied_at', 'bigint')
    .addUniqueConstraint('stocktakes_org_code_uq', ['org_id', 'code'])
    .execute();

  await db.schema
    .createTable('stocktake_lines')
    .addColumn('stocktake_id', 'varchar(40)', (c) => c.notNull().references('stocktakes.id').onDelete('cascade'))
    .addColumn('sku_id', 'varchar(40)', (c) => c.notNull().references('skus.id'))
    .addColumn('expected', 'bigint', (c) => c.notNull()) // on hand when the sheet was made
    .addColumn('counted', 'bigint')
    .addPrimaryKeyConstraint('stocktake_lines_pk', ['stocktake_id', 'sku_id'])
    .execute();

  await db.schema
    .createTable('transfers')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('code', 'varchar(40)', (c) => c.notNull())
    .addColumn('from_warehouse_id', 'varchar(40)', (c) => c.notNull().references('warehouses.id'))
    .addColumn('to_warehouse_id', 'varchar(40)', (c) => c.notNull().references('warehouses.id'))
    .addColumn('note', 'varchar(400)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(40)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('transfers_org_code_uq', ['org_id', 'code'])
    .execute();

  await db.schema
    .createTable('transfer_lines')
    .addColumn('transfer_id', 'varchar(40)', (c) => c.notNull().references('transfers.id').onDelete('cascade'))
    .addColumn('sku_id', 'varchar(40)', (c) => c.notNull().references('skus.id'))
    .addColumn('qty', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('transfer_lines_pk', ['transfer_id', 'sku_id'])
    .execute();

  await db.schema
    .createTable('suppliers')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('contact', 'varchar(60)', (c) => c.notNull())
    .addColumn('phone', 'varchar(30)', (c) => c.notNull())
    .addColumn('address', 'varchar(200)', (c) => c.notNull())
    .addColumn('note', 'varchar(400)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('suppliers_org_name_uq', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('purchase_orders')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('code', 'varchar(40)', (c) => c.notNull())
    .addColumn('supplier_id', 'varchar(40)', (c) => c.notNull().references('suppliers.id'))
    .addColumn('warehouse_id', 'varchar(40)', (c) => c.notNull().references('warehouses.id'))
    .addColumn('status', 'varchar(20)', (c) => c.notNull()) // draft | ordered | partial | received | cancelled
    .addColumn('expected_at', 'bigint')
    .addColumn('note', 'varchar(400)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(40)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('purchase_orders_org_code_uq', ['org_id', 'code'])
    .execute();

  await db.schema
    .createTable('purchase_order_lines')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('po_id', 'varchar(40)', (c) => c.notNull().references('purchase_orders.id').onDelete('cascade'))
    .addColumn('sku_id', 'varchar(40)', (c) => c.notNull().references('skus.id'))
    .addColumn('qty', 'bigint', (c) => c.notNull())
    .addColumn('received_qty', 'bigint', (c) => c.notNull())
    .addColumn('unit_cost_fen', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('po_lines_po_idx').on('purchase_order_lines').column('po_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'purchase_order_lines',
    'purchase_orders',
    'suppliers',
    'transfer_lines',
    'transfers',
    'stocktake_lines',
    'stocktakes',
    'stock_movements',
    'stock',
    'warehouses',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}

import { sql, type Kysely } from 'kysely';

/**
 * Indexes for the lists at a million orders (issue 10 item 1). Each list's default sort and its
 * common filters get an index that ends in the list's order and its tie-breaker `id`, so the
 * first page, a keyset (cursor) page and a capped count each read a few index pages instead of
 * sorting every row of the organisation:
 *
 * - orders: newest first (org, ordered_at, id); by status tab (org, status, ordered_at, id —
 *   replaces (org, status, ordered_at)); by shop (shop, ordered_at, id — replaces
 *   (shop, ordered_at)); and the other sorts of the order list: paid time, ship time, paid amount.
 * - aftersales: newest first (org, created_at, id).
 * - stock_movements: newest first (org, at, id — replaces (org, at)); one SKU's history
 *   (sku, at, id).
 * - audit_log: newest first (org, at, id — replaces (org, at)).
 *
 * Building them reads each table once; on PostgreSQL this holds writes to the table meanwhile
 * (an upgrade runs before the server answers requests).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('orders_org_ordered_id_idx').on('orders').columns(['org_id', 'ordered_at', 'id']).execute();
  await db.schema.createIndex('orders_org_status_ordered_id_idx').on('orders').columns(['org_id', 'status', 'ordered_at', 'id']).execute();
  await db.schema.dropIndex('orders_org_status_idx').execute();
  await db.schema.createIndex('orders_shop_ordered_id_idx').on('orders').columns(['shop_id', 'ordered_at', 'id']).execute();
  await db.schema.dropIndex('orders_shop_ordered_idx').execute();
  await db.schema.createIndex('orders_org_paid_at_idx').on('orders').columns(['org_id', 'paid_at', 'id']).execute();
  await db.schema.createIndex('orders_org_shipped_at_idx').on('orders').columns(['org_id', 'shipped_at', 'id']).execute();
  await db.schema.createIndex('orders_org_paid_fen_idx').on('orders').columns(['org_id', 'paid_fen', 'id']).execute();

  await db.schema.createIndex('aftersales_org_created_idx').on('aftersales').columns(['org_id', 'created_at', 'id']).execute();

  await db.schema.createIndex('stock_movements_org_at_id_idx').on('stock_movements').columns(['org_id', 'at', 'id']).execute();
  await db.schema.dropIndex('stock_movements_org_at_idx').execute();
  await db.schema.createIndex('stock_movements_sku_at_idx').on('stock_movements').columns(['sku_id', 'at', 'id']).execute();

  await db.schema.createIndex('audit_org_at_id_idx').on('audit_log').columns(['org_id', 'at', 'id']).execute();
  await db.schema.dropIndex('audit_org_at_idx').execute();

  // Fresh statistics, so both planners pick the new indexes on an already large database.
  await sql`analyze`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_org_at_idx').on('audit_log').columns(['org_id', 'at']).execute();
  await db.schema.dropIndex('audit_org_at_id_idx').execute();
  await db.schema.dropIndex('stock_movements_sku_at_idx').execute();
  await db.schema.createIndex('stock_movements_org_at_idx').on('stock_movements').columns(['org_id', 'at']).execute();
  await db.schema.dropIndex('stock_movements_org_at_id_idx').execute();
  await db.schema.dropIndex('aftersales_org_created_idx').execute();
  await db.schema.dropIndex('orders_org_paid_fen_idx').execute();
  await db.schema.dropIndex('orders_org_shipped_at_idx').execute();
  await db.schema.dropIndex('orders_org_paid_at_idx').execute();
  await db.schema.createIndex('orders_shop_ordered_idx').on('orders').columns(['shop_id', 'ordered_at']).execute();
  await db.schema.dropIndex('orders_shop_ordered_id_idx').execute();
  await db.schema.createIndex('orders_org_status_idx').on('orders').columns(['org_id', 'status', 'ordered_at']).execute();
  await db.schema.dropIndex('orders_org_status_ordered_id_idx').execute();
  await db.schema.dropIndex('orders_org_ordered_id_idx').execute();
}

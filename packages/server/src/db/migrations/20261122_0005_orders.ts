import type { Kysely } from 'kysely';

/**
 * Orders from every channel, their lines and timeline; saved list views; idempotency keys;
 * import presets and per-row import errors; after-sales cases.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull().references('shops.id'))
    .addColumn('channel', 'varchar(20)', (c) => c.notNull())
    .addColumn('order_no', 'varchar(80)', (c) => c.notNull()) // platform order number, or our own for manual orders
    .addColumn('source', 'varchar(20)', (c) => c.notNull()) // manual | import | api
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('stock_mode', 'varchar(20)', (c) => c.notNull()) // none (history) | reserved | shipped | released
    .addColumn('warehouse_id', 'varchar(40)')
    .addColumn('buyer_nick', 'varchar(100)', (c) => c.notNull())
    .addColumn('receiver_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('receiver_phone', 'varchar(40)', (c) => c.notNull())
    .addColumn('receiver_address', 'varchar(400)', (c) => c.notNull())
    .addColumn('buyer_note', 'varchar(1000)', (c) => c.notNull())
    .addColumn('seller_memo', 'varchar(1000)', (c) => c.notNull())
    .addColumn('goods_fen', 'bigint', (c) => c.notNull())
    .addColumn('discount_fen', 'bigint', (c) => c.notNull())
    .addColumn('shipping_fen', 'bigint', (c) => c.notNull())
    .addColumn('paid_fen', 'bigint', (c) => c.notNull())
    .addColumn('refund_fen', 'bigint', (c) => c.notNull())
    .addColumn('item_count', 'integer', (c) => c.notNull())
    .addColumn('is_presale', 'integer', (c) => c.notNull())
    .addColumn('urgent', 'integer', (c) => c.notNull()) // 催单
    .addColumn('logistics_exception', 'integer', (c) => c.notNull())
    .addColumn('carrier', 'varchar(40)')
    .addColumn('tracking_no', 'varchar(60)')
    .addColumn('ordered_at', 'bigint', (c) => c.notNull())
    .addColumn('paid_at', 'bigint')
    .addColumn('shipped_at', 'bigint')
    .addColumn('delivered_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .addColumn('cancelled_at', 'bigint')
    .addColumn('order_day', 'varchar(10)', (c) => c.notNull()) // business day of ordered_at in the shop's zone
    .addColumn('paid_day', 'varchar(10)') // business day the (balance) payment landed
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('orders_shop_no_uq', ['shop_id', 'order_no'])
    .execute();
  await db.schema.createIndex('orders_shop_ordered_idx').on('orders').columns(['shop_id', 'ordered_at']).execute();
  await db.schema.createIndex('orders_shop_paid_day_idx').on('orders').columns(['shop_id', 'paid_day']).execute();
  await db.schema.createIndex('orders_org_status_idx').on('orders').columns(['org_id', 'status', 'ordered_at']).execute();
  await db.schema.createIndex('orders_tracking_idx').on('orders').column('tracking_no').execute();
  await db.schema.createIndex('orders_buyer_idx').on('orders').columns(['org_id', 'buyer_nick']).execute();

  await db.schema
    .createTable('order_lines')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('order_id', 'varchar(40)', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('sku_id', 'varchar(40)') // null until the line is matched to a SKU
    .addColumn('title', 'varchar(300)', (c) => c.notNull())
    .addColumn('spec_text', 'varchar(300)', (c) => c.notNull())
    .addColumn('merchant_code', 'varchar(80)', (c) => c.notNull())
    .addColumn('channel_item_id', 'varchar(80)', (c) => c.notNull())
    .addColumn('qty', 'integer', (c) => c.notNull())
    .addColumn('unit_price_fen', 'bigint', (c) => c.notNull())
    .addColumn('discount_fen', 'bigint', (c) => c.notNull()) // order discount allocated to this line
    .addColumn('paid_fen', 'bigint', (c) => c.notNull())
    .addColumn('refund_fen', 'bigint', (c) => c.notNull())
    .addColumn('refunded_qty', 'integer', (c) => c.notNull())
    .addColumn('unit_cost_fen', 'bigint', (c) => c.notNull()) // cost at the time of sale
    .execute();
  await db.schema.createIndex('order_lines_order_idx').on('order_lines').columns(['order_id', 'line_no']).unique().execute();
  await db.schema.createIndex('order_lines_sku_idx').on('order_lines').column('sku_id').execute();

  await db.schema
    .createTable('order_events')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('order_id', 'varchar(40)', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('type', 'varchar(30)', (c) => c.notNull()) // status | note | flag | ship | import | refund
    .addColumn('from_status', 'varchar(20)')
    .addColumn('to_status', 'varchar(20)')
    .addColumn('note', 'varchar(1000)', (c) => c.notNull())
    .addColumn('actor_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_events_order_idx').on('order_events').columns(['order_id', 'at']).execute();

  await db.schema
    .createTable('saved_views')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('page', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(60)', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('key', 'varchar(200)', (c) => c.primaryKey()) // user id + route + client key
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('import_presets')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull()) // orders | products | traffic
    .addColumn('name', 'varchar(60)', (c) => c.notNull())
    .addColumn('mapping', 'text', (c) => c.notNull()) // JSON { field: header }
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('import_presets_org_name_uq', ['org_id', 'kind', 'name'])
    .execute();

  await db.schema
    .createTable('import_errors')
    .addColumn('job_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('file', 'varchar(20)', (c) => c.notNull()) // orders | items
    .addColumn('row_no', 'bigint', (c) => c.notNull())
    .addColumn('column_name', 'varchar(60)', (c) => c.notNull())
    .addColumn('value', 'varchar(400)', (c) => c.notNull())
    .addColumn('reason', 'varchar(400)', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_errors_pk', ['job_id', 'seq'])
    .execute();

  await db.schema
    .createTable('aftersale_reasons')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(60)', (c) => c.notNull())
    .addColumn('responsibility', 'varchar(20)', (c) => c.notNull()) // default responsibility
    .addColumn('sort', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addUniqueConstraint('aftersale_reasons_org_name_uq', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('aftersales')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('order_id', 'varchar(40)', (c) => c.notNull().references('orders.id'))
    .addColumn('code', 'varchar(40)', (c) => c.notNull())
    // refund_only | return_refund | exchange | resend | repair | complaint
    .addColumn('type', 'varchar(20)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('reason_id', 'varchar(40)')
    .addColumn('responsibility', 'varchar(20)', (c) => c.notNull()) // product | logistics | service | buyer | other
    .addColumn('refund_fen', 'bigint', (c) => c.notNull())
    .addColumn('note', 'varchar(1000)', (c) => c.notNull())
    .addColumn('sla_due_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('created_by', 'varchar(40)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('aftersales_org_code_uq', ['org_id', 'code'])
    .execute();
  await db.schema.createIndex('aftersales_order_idx').on('aftersales').column('order_id').execute();
  await db.schema.createIndex('aftersales_status_idx').on('aftersales').columns(['org_id', 'status', 'sla_due_at']).execute();

  await db.schema
    .createTable('aftersale_lines')
    .addColumn('aftersale_id', 'varchar(40)', (c) => c.notNull().references('aftersales.id').onDelete('cascade'))
    .addColumn('order_line_id', 'varchar(40)', (c) => c.notNull().references('order_lines.id'))
    .addColumn('qty', 'integer', (c) => c.notNull())
    .addColumn('good_qty', 'integer', (c) => c.notNull()) // inspected back into sellable stock
    .addColumn('defective_qty', 'integer', (c) => c.notNull()) // inspected into defective stock
    .addPrimaryKeyConstraint('aftersale_lines_pk', ['aftersale_id', 'order_line_id'])
    .execute();

  await db.schema
    .createTable('aftersale_events')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('aftersale_id', 'varchar(40)', (c) => c.notNull().references('aftersales.id').onDelete('cascade'))
    .addColumn('from_status', 'varchar(20)')
    .addColumn('to_status', 'varchar(20)')
    .addColumn('note', 'varchar(1000)', (c) => c.notNull())
    .addColumn('actor_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'aftersale_events',
    'aftersale_lines',
    'aftersales',
    'aftersale_reasons',
    'import_errors',
    'import_presets',
    'idempotency_keys',
    'saved_views',
    'order_events',
    'order_lines',
    'orders',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}

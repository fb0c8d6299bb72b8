import type { Kysely } from 'kysely';

/**
 * Traffic and analytics: the editable source tree and mapping rules, per-shop collect keys, raw
 * tracker events, imported marketplace statistics, and the daily rollups every dashboard reads.
 * Also marks demo shops and gives orders their visitor and source attribution.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('shops')
    .addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('orders').addColumn('visitor_id', 'varchar(64)').execute();
  await db.schema.alterTable('orders').addColumn('source_code', 'varchar(40)').execute();
  // Rollups read a shop's orders by business day.
  await db.schema.createIndex('orders_shop_order_day_idx').on('orders').columns(['shop_id', 'order_day']).execute();

  await db.schema
    .createTable('traffic_sources')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('code', 'varchar(40)', (c) => c.notNull())
    .addColumn('group_code', 'varchar(20)', (c) => c.notNull()) // free | paid | own | offsite | other
    .addColumn('name', 'varchar(60)', (c) => c.notNull())
    .addColumn('builtin', 'integer', (c) => c.notNull())
    .addColumn('sort', 'integer', (c) => c.notNull())
    .addUniqueConstraint('traffic_sources_org_code_uq', ['org_id', 'code'])
    .execute();

  await db.schema
    .createTable('source_rules')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull()) // lower runs first
    .addColumn('field', 'varchar(20)', (c) => c.notNull()) // utm_source | utm_medium | utm_campaign | referrer_host | referrer | url
    .addColumn('op', 'varchar(10)', (c) => c.notNull()) // equals | contains | prefix | regex
    .addColumn('pattern', 'varchar(200)', (c) => c.notNull())
    .addColumn('source_code', 'varchar(40)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('source_rules_org_idx').on('source_rules').columns(['org_id', 'priority']).execute();

  await db.schema
    .createTable('collect_keys')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull().references('shops.id'))
    .addColumn('key', 'varchar(80)', (c) => c.notNull().unique()) // public write key embedded in the tracker snippet
    .addColumn('allowed_origins', 'text', (c) => c.notNull()) // JSON string[]; empty = any
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull()) // business day in the shop's zone
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('visitor_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('session_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('type', 'varchar(20)', (c) => c.notNull())
    .addColumn('product_id', 'varchar(40)')
    .addColumn('source_code', 'varchar(40)', (c) => c.notNull())
    .addColumn('url', 'varchar(500)', (c) => c.notNull())
    .addColumn('referrer', 'varchar(500)', (c) => c.notNull())
    .addColumn('dwell_ms', 'integer', (c) => c.notNull())
    .execute();
  // (shop, day, at): inserts arrive in time order, so new rows land at the end of the index
  // (a visitor-ordered index made every insert a random write); rollups read by shop and day.
  await db.schema.createIndex('events_shop_day_idx').on('events').columns(['shop_id', 'day', 'at']).execute();

  /** Imported per-day statistics from a marketplace's own analytics export (no tracker there). */
  await db.schema
    .createTable('traffic_stats')
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('product_id', 'varchar(40)', (c) => c.notNull()) // '' = whole shop
    .addColumn('source_code', 'varchar(40)', (c) => c.notNull()) // '' = all sources
    .addColumn('uv', 'bigint', (c) => c.notNull())
    .addColumn('pv', 'bigint', (c) => c.notNull())
    .addColumn('cart_uv', 'bigint', (c) => c.notNull())
    .addColumn('fav_uv', 'bigint', (c) => c.notNull())
    .addColumn('paying_buyers', 'bigint', (c) => c.notNull())
    .addColumn('paid_fen', 'bigint', (c) => c.notNull())
    .addColumn('imported_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('traffic_stats_pk', ['shop_id', 'day', 'product_id', 'source_code'])
    .execute();

  /**
   * Daily rollups by shop × day × product × source. product_id '' is the whole shop, source_code ''
   * all sources; visitor counts are distinct within the row's day. Recomputed per day.
   */
  await db.schema
    .createTable('rollup_daily')
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('product_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('source_code', 'varchar(40)', (c) => c.notNull())
    .addColumn('uv', 'bigint', (c) => c.notNull())
    .addColumn('pv', 'bigint', (c) => c.notNull())
    .addColumn('detail_uv', 'bigint', (c) => c.notNull())
    .addColumn('detail_visits', 'bigint', (c) => c.notNull())
    .addColumn('dwell_ms', 'bigint', (c) => c.notNull())
    .addColumn('bounce_uv', 'bigint', (c) => c.notNull())
    .addColumn('fav_uv', 'bigint', (c) => c.notNull())
    .addColumn('cart_uv', 'bigint', (c) => c.notNull())
    .addColumn('checkout_uv', 'bigint', (c) => c.notNull())
    .addColumn('order_uv', 'bigint', (c) => c.notNull())
    .addColumn('paying_buyers', 'bigint', (c) => c.notNull())
    .addColumn('paid_fen', 'bigint', (c) => c.notNull())
    .addColumn('orders', 'bigint', (c) => c.notNull())
    .addColumn('paid_orders', 'bigint', (c) => c.notNull())
    .addColumn('units', 'bigint', (c) => c.notNull())
    .addColumn('refund_fen', 'bigint', (c) => c.notNull())
    .addColumn('refund_orders', 'bigint', (c) => c.notNull())
    .addColumn('cost_fen', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_daily_pk', ['shop_id', 'day', 'product_id', 'source_code'])
    .execute();
  await db.schema.createIndex('rollup_daily_day_idx').on('rollup_daily').columns(['shop_id', 'product_id', 'source_code', 'day']).execute();

  /** Days whose rollups are stale (a late event, a re-imported day); the worker recomputes them. */
  await db.schema
    .createTable('rollup_dirty')
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('marked_at', 'bigint', (c) => c.notNull())
    // 1 = order figures changed (rebuild on the next read); 0 = only new events (today's rebuilds are throttled)
    .addColumn('urgent', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_dirty_pk', ['shop_id', 'day'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['rollup_dirty', 'rollup_daily', 'traffic_stats', 'events', 'collect_keys', 'source_rules', 'traffic_sources']) {
    await db.schema.dropTable(t).execute();
  }
  await db.schema.dropIndex('orders_shop_order_day_idx').execute();
  await db.schema.alterTable('orders').dropColumn('source_code').execute();
  await db.schema.alterTable('orders').dropColumn('visitor_id').execute();
  await db.schema.alterTable('shops').dropColumn('is_demo').execute();
}

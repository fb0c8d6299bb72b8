import type { Kysely } from 'kysely';

/**
 * Marketing (issue 12): promotions priced by the core engine, coupon templates and the coupons
 * buyers hold, each coupon's redemption by an order, activities on the calendar and their
 * preparation checklist. `coupon_claims` counts each buyer's claims of a template: a guarded UPDATE
 * on it (and on the template's `issued`) decides a race for the last coupon.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('promotions')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('type', 'varchar(30)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull()) // draft | scheduled | active | paused | ended
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('rule_json', 'text', (c) => c.notNull()) // the type's parameters (engine shape)
    .addColumn('scope_json', 'text', (c) => c.notNull()) // categories, products, SKUs, channels, member levels
    .addColumn('exclusive_group', 'varchar(40)') // null = stacks with everything
    .addColumn('weekdays', 'varchar(20)', (c) => c.notNull()) // '3' or '1,3' (1 = 周一), '' = every day
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('promotions_shop_updated_idx').on('promotions').columns(['shop_id', 'updated_at', 'id']).execute();
  await db.schema.createIndex('promotions_shop_status_idx').on('promotions').columns(['shop_id', 'status', 'ends_at']).execute();

  await db.schema
    .createTable('marketing_settings')
    .addColumn('shop_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('min_margin_bp', 'integer', (c) => c.notNull()) // the price floor: least gross margin a promotion may leave
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('coupon_templates')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull()) // amount | percent
    .addColumn('threshold_fen', 'bigint', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull()) // amount: the fen off
    .addColumn('off_bp', 'integer', (c) => c.notNull()) // percent: basis points off, 1500 = 15% off (8.5 折)
    .addColumn('cap_fen', 'bigint') // percent: the most it takes off
    .addColumn('scope_json', 'text', (c) => c.notNull())
    .addColumn('channel', 'varchar(20)') // null = every channel
    .addColumn('valid_from', 'bigint') // fixed window
    .addColumn('valid_to', 'bigint')
    .addColumn('valid_days', 'integer') // or N days after the claim
    .addColumn('total_limit', 'integer', (c) => c.notNull())
    .addColumn('per_customer_limit', 'integer', (c) => c.notNull())
    .addColumn('code', 'varchar(40)') // claim code (unique per shop), null = issued by the shop only
    .addColumn('return_on_refund', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull()) // active | stopped
    .addColumn('issued', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('coupon_templates_code_uq', ['shop_id', 'code'])
    .execute();
  await db.schema.createIndex('coupon_templates_shop_idx').on('coupon_templates').columns(['shop_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('coupon_claims')
    .addColumn('template_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('buyer_key', 'varchar(200)', (c) => c.notNull())
    .addColumn('claimed', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('coupon_claims_pk', ['template_id', 'buyer_key'])
    .execute();

  await db.schema
    .createTable('coupons')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('template_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('buyer_key', 'varchar(200)', (c) => c.notNull()) // the buyer nick it was issued to
    .addColumn('customer_id', 'varchar(40)')
    .addColumn('status', 'varchar(20)', (c) => c.notNull()) // unused | used | void
    .addColumn('source', 'varchar(20)', (c) => c.notNull()) // manual | segment | code | order
    .addColumn('valid_from', 'bigint', (c) => c.notNull())
    .addColumn('valid_to', 'bigint', (c) => c.notNull())
    .addColumn('order_id', 'varchar(40)')
    .addColumn('claimed_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('coupons_template_idx').on('coupons').columns(['template_id', 'status']).execute();
  await db.schema.createIndex('coupons_buyer_idx').on('coupons').columns(['shop_id', 'buyer_key', 'status']).execute();

  await db.schema
    .createTable('coupon_redemptions')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('coupon_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('template_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('order_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('buyer_key', 'varchar(200)', (c) => c.notNull())
    .addColumn('discount_fen', 'bigint', (c) => c.notNull())
    .addColumn('goods_fen', 'bigint', (c) => c.notNull())
    .addColumn('redeemed_at', 'bigint', (c) => c.notNull())
    .addColumn('released_at', 'bigint')
    .execute();
  await db.schema.createIndex('coupon_redemptions_order_idx').on('coupon_redemptions').columns(['order_id']).execute();
  await db.schema.createIndex('coupon_redemptions_template_idx').on('coupon_redemptions').columns(['template_id']).execute();

  await db.schema
    .createTable('activities')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull()) // platform | own | member_day
    .addColumn('platform_event', 'varchar(40)') // the platform event's key (double11, 618 …)
    .addColumn('start_day', 'varchar(10)', (c) => c.notNull())
    .addColumn('end_day', 'varchar(10)', (c) => c.notNull())
    .addColumn('baseline_from', 'varchar(10)', (c) => c.notNull())
    .addColumn('baseline_to', 'varchar(10)', (c) => c.notNull())
    .addColumn('promotion_ids', 'text', (c) => c.notNull()) // JSON array
    .addColumn('sku_ids', 'text', (c) => c.notNull()) // JSON array: the target products' SKUs
    .addColumn('status', 'varchar(20)', (c) => c.notNull()) // planned | ended
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('activities_shop_day_idx').on('activities').columns(['shop_id', 'start_day']).execute();

  await db.schema
    .createTable('activity_tasks')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('activity_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('role_name', 'varchar(60)', (c) => c.notNull())
    .addColumn('due_day', 'varchar(10)', (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull())
    .addColumn('done_by', 'varchar(100)')
    .addColumn('done_at', 'bigint')
    .addColumn('seq', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('activity_tasks_activity_idx').on('activity_tasks').columns(['activity_id', 'seq']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'activity_tasks',
    'activities',
    'coupon_redemptions',
    'coupons',
    'coupon_claims',
    'coupon_templates',
    'marketing_settings',
    'promotions',
  ])
    await db.schema.dropTable(t).execute();
}

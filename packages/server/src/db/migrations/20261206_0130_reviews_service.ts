import type { Kysely } from 'kysely';

/**
 * Reviews and customer service (issue 14).
 * - `reviews`: one row per platform review (unique per shop by platform + review id; hand-entered
 *   reviews get their own id), ratings, DSR sub-scores, keyword tags, the follow-up state and SLA.
 * - `review_followups`: the follow-up steps taken on a review (contact, compensation, revision
 *   request, public reply, close) — the timeline.
 * - `review_keywords`: an organisation's editable tag dictionary (tag → keywords).
 * - `review_dsr_benchmarks`: the category average DSR per shop and month, when imported/entered.
 * - `service_chats`: imported service conversations (unique per shop by the tool's conversation id).
 * - `service_qa`: quality checks of sampled conversations with a score.
 * - `service_settings`: per shop, the 询单转化 window and the staffing defaults.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reviews')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('platform', 'varchar(20)', (c) => c.notNull())
    .addColumn('review_key', 'varchar(120)', (c) => c.notNull()) // the platform's review id (manual: the row id)
    .addColumn('order_no', 'varchar(80)', (c) => c.notNull())
    .addColumn('product_title', 'varchar(300)', (c) => c.notNull())
    .addColumn('sku_text', 'varchar(300)', (c) => c.notNull())
    .addColumn('buyer_nick', 'varchar(100)', (c) => c.notNull())
    .addColumn('rating', 'integer', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('image_count', 'integer', (c) => c.notNull())
    .addColumn('append_content', 'text', (c) => c.notNull())
    .addColumn('dsr_desc', 'integer')
    .addColumn('dsr_service', 'integer')
    .addColumn('dsr_logistics', 'integer')
    .addColumn('tags', 'varchar(500)', (c) => c.notNull()) // '|'-joined tag names
    .addColumn('reviewed_at', 'bigint', (c) => c.notNull())
    .addColumn('review_day', 'varchar(10)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull()) // none | open | contacted | compensating | revision_requested | replied | closed
    .addColumn('sla_due_at', 'bigint')
    .addColumn('outcome', 'varchar(20)') // revised | compensated | replied_only | no_response
    .addColumn('reply', 'text', (c) => c.notNull())
    .addColumn('aftersale_id', 'varchar(40)')
    .addColumn('closed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('reviews_shop_key_uq', ['shop_id', 'platform', 'review_key'])
    .execute();
  await db.schema.createIndex('reviews_shop_time_idx').on('reviews').columns(['shop_id', 'reviewed_at', 'id']).execute();
  await db.schema.createIndex('reviews_org_time_idx').on('reviews').columns(['org_id', 'reviewed_at', 'id']).execute();
  await db.schema.createIndex('reviews_org_status_idx').on('reviews').columns(['org_id', 'status', 'sla_due_at']).execute();

  await db.schema
    .createTable('review_followups')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('review_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('action', 'varchar(20)', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('user_id', 'varchar(40)')
    .addColumn('user_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('review_followups_review_idx').on('review_followups').columns(['review_id', 'at']).execute();

  await db.schema
    .createTable('review_keywords')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('tag', 'varchar(40)', (c) => c.notNull())
    .addColumn('keywords', 'varchar(1000)', (c) => c.notNull()) // '|'-joined
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('review_keywords_org_tag_uq', ['org_id', 'tag'])
    .execute();

  await db.schema
    .createTable('review_dsr_benchmarks')
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('month', 'varchar(7)', (c) => c.notNull()) // YYYY-MM
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('dsr_desc', 'real', (c) => c.notNull())
    .addColumn('dsr_service', 'real', (c) => c.notNull())
    .addColumn('dsr_logistics', 'real', (c) => c.notNull())
    .addPrimaryKeyConstraint('review_dsr_benchmarks_pk', ['shop_id', 'month'])
    .execute();

  await db.schema
    .createTable('service_chats')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('chat_key', 'varchar(120)', (c) => c.notNull())
    .addColumn('agent', 'varchar(100)', (c) => c.notNull())
    .addColumn('customer', 'varchar(100)', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('start_day', 'varchar(10)', (c) => c.notNull())
    .addColumn('start_hour', 'integer', (c) => c.notNull()) // 0..23, shop's local hour
    .addColumn('first_response_s', 'integer') // null: never answered
    .addColumn('messages', 'integer', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('order_no', 'varchar(80)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('service_chats_shop_key_uq', ['shop_id', 'chat_key'])
    .execute();
  await db.schema.createIndex('service_chats_shop_day_idx').on('service_chats').columns(['shop_id', 'start_day', 'agent']).execute();
  await db.schema.createIndex('service_chats_shop_time_idx').on('service_chats').columns(['shop_id', 'started_at', 'id']).execute();
  await db.schema.createIndex('service_chats_shop_customer_idx').on('service_chats').columns(['shop_id', 'customer']).execute();

  await db.schema
    .createTable('service_qa')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('chat_id', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('agent', 'varchar(100)', (c) => c.notNull())
    .addColumn('score', 'integer') // null: sampled, not yet scored
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('reviewer', 'varchar(100)', (c) => c.notNull())
    .addColumn('sampled_at', 'bigint', (c) => c.notNull())
    .addColumn('scored_at', 'bigint')
    .execute();
  await db.schema.createIndex('service_qa_shop_agent_idx').on('service_qa').columns(['shop_id', 'agent', 'sampled_at']).execute();

  await db.schema
    .createTable('service_settings')
    .addColumn('shop_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('conversion_days', 'integer', (c) => c.notNull()) // 1 = same day + next day
    .addColumn('aht_seconds', 'integer', (c) => c.notNull())
    .addColumn('target', 'real', (c) => c.notNull())
    .addColumn('within_seconds', 'integer', (c) => c.notNull())
    .addColumn('shrinkage', 'real', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'service_settings',
    'service_qa',
    'service_chats',
    'review_dsr_benchmarks',
    'review_keywords',
    'review_followups',
    'reviews',
  ])
    await db.schema.dropTable(t).ifExists().execute();
}

import type { Kysely } from 'kysely';

/**
 * Outreach (issue 11 §5): sending settings per organisation (SMTP, SMS gateway, hourly limit),
 * campaigns to a saved segment, one row per recipient with its delivery status (the send is
 * idempotent on it), and the unsubscribe / do-not-contact list per address.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outreach_settings')
    .addColumn('org_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('smtp_host', 'varchar(200)', (c) => c.notNull())
    .addColumn('smtp_port', 'integer', (c) => c.notNull())
    .addColumn('smtp_secure', 'integer', (c) => c.notNull()) // 1 = TLS from the start (port 465)
    .addColumn('smtp_user', 'varchar(200)', (c) => c.notNull())
    .addColumn('smtp_pass', 'varchar(200)', (c) => c.notNull())
    .addColumn('mail_from', 'varchar(200)', (c) => c.notNull())
    .addColumn('sms_provider', 'varchar(20)', (c) => c.notNull()) // log | http
    .addColumn('sms_url', 'varchar(500)', (c) => c.notNull())
    .addColumn('sms_token', 'varchar(200)', (c) => c.notNull())
    .addColumn('hourly_limit', 'integer', (c) => c.notNull())
    .addColumn('public_url', 'varchar(300)', (c) => c.notNull()) // the console's address, for unsubscribe links
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('outreach_campaigns')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('segment_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('segment_name', 'varchar(60)', (c) => c.notNull())
    .addColumn('channel', 'varchar(10)', (c) => c.notNull()) // email | sms
    .addColumn('subject', 'varchar(200)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('coupon', 'varchar(100)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull()) // queued | sending | waiting | done | failed
    .addColumn('job_id', 'varchar(40)')
    .addColumn('resume_at', 'bigint')
    .addColumn('note', 'varchar(300)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(40)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('outreach_campaigns_org_idx').on('outreach_campaigns').columns(['org_id', 'created_at']).execute();
  await db.schema.createIndex('outreach_campaigns_status_idx').on('outreach_campaigns').columns(['status', 'resume_at']).execute();

  await db.schema
    .createTable('outreach_messages')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('campaign_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('customer_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('nick', 'varchar(100)', (c) => c.notNull())
    .addColumn('address', 'varchar(200)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull()) // pending | sending | sent | failed | skipped | unknown
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('error', 'varchar(500)', (c) => c.notNull())
    .addColumn('unsub_token', 'varchar(60)', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('outreach_messages_recipient_uq', ['campaign_id', 'customer_id'])
    .execute();
  await db.schema.createIndex('outreach_messages_status_idx').on('outreach_messages').columns(['campaign_id', 'status', 'id']).execute();
  await db.schema.createIndex('outreach_messages_sent_idx').on('outreach_messages').columns(['org_id', 'sent_at']).execute();
  await db.schema.createIndex('outreach_messages_token_idx').on('outreach_messages').columns(['unsub_token']).execute();

  await db.schema
    .createTable('outreach_unsubscribes')
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('address', 'varchar(200)', (c) => c.notNull())
    .addColumn('reason', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('outreach_unsubscribes_pk', ['org_id', 'address'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['outreach_unsubscribes', 'outreach_messages', 'outreach_campaigns', 'outreach_settings'])
    await db.schema.dropTable(t).execute();
}

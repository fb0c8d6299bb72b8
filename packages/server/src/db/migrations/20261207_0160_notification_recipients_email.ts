import type { Kysely } from 'kysely';

/**
 * Notifications for one user and by email (issues 14, 15): a notification may name its recipient
 * (null: everyone with its permission, as before) and carry a once-key (the morning digest: one per
 * user per day, unique per organisation even when two runs race). The bell's default list (the
 * organisation's newest first, ties by id) gets its index. The email outbox holds one row per
 * (notification, recipient), sent by a job at most once; each user's email opt-ins per kind.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('recipient_id', 'varchar(40)').execute();
  await db.schema.alterTable('notifications').addColumn('once_key', 'varchar(200)').execute();
  await db.schema.createIndex('notifications_bell_idx').on('notifications').columns(['org_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('notifications_recipient_idx').on('notifications').columns(['recipient_id', 'created_at']).execute();
  // NULLs are distinct in a unique index on both databases: only once-keyed rows are constrained.
  await db.schema.createIndex('notifications_once_uq').unique().on('notifications').columns(['org_id', 'once_key']).execute();

  await db.schema
    .createTable('notification_emails')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('notification_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('kind', 'varchar(40)', (c) => c.notNull())
    .addColumn('address', 'varchar(200)', (c) => c.notNull())
    .addColumn('subject', 'varchar(300)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(12)', (c) => c.notNull()) // pending | sending | sent | failed | unknown
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_until', 'bigint') // while `sending`: after this the sender is presumed dead
    .addColumn('job_id', 'varchar(40)')
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('notification_emails_once_uq', ['notification_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('notification_emails_due_idx')
    .on('notification_emails')
    .columns(['org_id', 'status', 'next_attempt_at'])
    .execute();
  await db.schema.createIndex('notification_emails_user_idx').on('notification_emails').columns(['user_id', 'created_at']).execute();

  await db.schema
    .createTable('notification_email_prefs')
    .addColumn('user_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('kind', 'varchar(40)', (c) => c.notNull())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_email_prefs_pk', ['user_id', 'kind'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_email_prefs').execute();
  await db.schema.dropTable('notification_emails').execute();
  await db.schema.dropIndex('notifications_once_uq').execute();
  await db.schema.dropIndex('notifications_recipient_idx').execute();
  await db.schema.dropIndex('notifications_bell_idx').execute();
  await db.schema.alterTable('notifications').dropColumn('once_key').execute();
  await db.schema.alterTable('notifications').dropColumn('recipient_id').execute();
}

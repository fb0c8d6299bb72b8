import type { Kysely } from 'kysely';

/** Durable job queue (imports, rollups, reports) and the in-app notification centre. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)')
    .addColumn('type', 'varchar(40)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull()) // queued | running | succeeded | failed | cancelled
    .addColumn('progress', 'integer', (c) => c.notNull()) // 0..100
    .addColumn('processed', 'bigint', (c) => c.notNull())
    .addColumn('total', 'bigint')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('created_by', 'varchar(40)')
    .addColumn('locked_by', 'varchar(80)')
    .addColumn('locked_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('jobs_status_idx').on('jobs').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('jobs_org_idx').on('jobs').columns(['org_id', 'created_at']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)')
    .addColumn('type', 'varchar(40)', (c) => c.notNull()) // low_stock | overstock | aftersale_overdue | job_done …
    .addColumn('level', 'varchar(10)', (c) => c.notNull()) // info | warning | error
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('permission', 'varchar(60)') // who may see it (null: everyone in the org)
    .addColumn('entity_type', 'varchar(40)')
    .addColumn('entity_id', 'varchar(80)')
    .addColumn('dedupe_key', 'varchar(200)') // an open alert with the same key is not raised twice
    .addColumn('resolved_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notifications_org_idx').on('notifications').columns(['org_id', 'created_at']).execute();
  await db.schema.createIndex('notifications_dedupe_idx').on('notifications').columns(['org_id', 'dedupe_key']).execute();

  await db.schema
    .createTable('notification_reads')
    .addColumn('notification_id', 'varchar(40)', (c) => c.notNull().references('notifications.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('read_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_reads_pk', ['notification_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['notification_reads', 'notifications', 'jobs']) await db.schema.dropTable(t).execute();
}

import { sql, type Kysely } from 'kysely';

/**
 * Shop diagnosis (issue 15): `diagnosis_findings` holds one row per finding — at most one open
 * finding per cause (shop, kind, subject), enforced by a partial unique index, updated by each
 * day's run; closed findings (resolved / dismissed) stay as history. `diagnosis_runs` records
 * which shop was diagnosed for which day, so the daily job runs each shop-day once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('diagnosis_findings')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('kind', 'varchar(40)', (c) => c.notNull())
    .addColumn('subject_type', 'varchar(20)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(80)', (c) => c.notNull())
    .addColumn('subject_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('severity', 'varchar(10)', (c) => c.notNull())
    .addColumn('status', 'varchar(12)', (c) => c.notNull()) // open | resolved | dismissed
    .addColumn('started_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('ended_on', 'varchar(10)')
    .addColumn('first_seen_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('last_seen_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('money_fen', 'bigint', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('evidence_json', 'text', (c) => c.notNull())
    .addColumn('causes_json', 'text', (c) => c.notNull())
    .addColumn('action_label', 'varchar(80)', (c) => c.notNull())
    .addColumn('action_path', 'varchar(300)', (c) => c.notNull())
    .addColumn('assignee_id', 'varchar(40)')
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .execute();
  // The page's default order: a shop's open findings by money at stake.
  await db.schema
    .createIndex('diagnosis_findings_list_idx')
    .on('diagnosis_findings')
    .columns(['shop_id', 'status', 'money_fen', 'id'])
    .execute();
  await db.schema.createIndex('diagnosis_findings_cause_idx').on('diagnosis_findings').columns(['shop_id', 'kind', 'subject_id']).execute();
  await sql`create unique index diagnosis_findings_open_uq on diagnosis_findings (shop_id, kind, subject_id) where status = 'open'`.execute(
    db,
  );

  await db.schema
    .createTable('diagnosis_runs')
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('findings', 'integer', (c) => c.notNull())
    .addColumn('ran_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('diagnosis_runs_pk', ['shop_id', 'day'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('diagnosis_runs').execute();
  await db.schema.dropTable('diagnosis_findings').execute();
}

import type { Kysely } from 'kysely';

/**
 * Team routine (issue 15): tasks linked to any object, activity plans whose tasks depend on each
 * other (critical path), the per-role daily self-check lists and their ticks, and sales targets
 * per shop (a month or an activity) with their split into visitors × conversion × AOV.
 * The permissions tasks.read / tasks.write go to every built-in role, targets.write to the owner
 * and the operator; custom roles are left as their owners made them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)')
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(12)', (c) => c.notNull())
    .addColumn('assignee_id', 'varchar(40)')
    .addColumn('due_on', 'varchar(10)')
    .addColumn('link_kind', 'varchar(20)')
    .addColumn('link_id', 'varchar(200)')
    .addColumn('link_label', 'varchar(200)')
    .addColumn('plan_id', 'varchar(40)')
    .addColumn('duration_days', 'integer')
    .addColumn('depends_json', 'text', (c) => c.notNull()) // JSON array of task ids of the same plan
    .addColumn('created_by', 'varchar(40)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('done_at', 'bigint')
    .execute();
  await db.schema.createIndex('tasks_org_status_due_idx').on('tasks').columns(['org_id', 'status', 'due_on', 'id']).execute();
  await db.schema.createIndex('tasks_assignee_status_due_idx').on('tasks').columns(['assignee_id', 'status', 'due_on']).execute();
  await db.schema.createIndex('tasks_link_idx').on('tasks').columns(['link_kind', 'link_id']).execute();
  await db.schema.createIndex('tasks_plan_idx').on('tasks').columns(['plan_id']).execute();

  await db.schema
    .createTable('activity_plans')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('start_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('activity_on', 'varchar(10)') // the activity's own day (the deadline the plan works towards)
    .addColumn('activity_id', 'varchar(40)') // the marketing calendar's activity it prepares, if any
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_by', 'varchar(40)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('activity_plans_shop_name_uq', ['shop_id', 'name'])
    .execute();

  await db.schema
    .createTable('checklist_items')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('role_code', 'varchar(40)', (c) => c.notNull())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('hint', 'varchar(400)', (c) => c.notNull())
    .addColumn('link', 'varchar(200)', (c) => c.notNull()) // a console path where the check is done ('' = none)
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('archived', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('checklist_items_org_role_idx').on('checklist_items').columns(['org_id', 'role_code', 'position']).execute();
  await db.schema
    .createIndex('checklist_items_title_uq')
    .on('checklist_items')
    .columns(['org_id', 'role_code', 'title'])
    .unique()
    .execute();

  await db.schema
    .createTable('checklist_ticks')
    .addColumn('item_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('note', 'varchar(400)', (c) => c.notNull())
    .addColumn('ticked_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('checklist_ticks_pk', ['item_id', 'user_id', 'day'])
    .execute();
  await db.schema.createIndex('checklist_ticks_user_day_idx').on('checklist_ticks').columns(['user_id', 'day']).execute();

  await db.schema
    .createTable('sales_targets')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('kind', 'varchar(10)', (c) => c.notNull()) // month | activity
    .addColumn('name', 'varchar(100)', (c) => c.notNull()) // 'YYYY-MM' for a month, the activity's name otherwise
    .addColumn('start_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('end_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('sales_fen', 'bigint', (c) => c.notNull())
    .addColumn('visitors', 'bigint', (c) => c.notNull())
    .addColumn('buyers', 'bigint', (c) => c.notNull()) // paying buyers needed (conversion = buyers ÷ visitors)
    .addColumn('aov_fen', 'bigint', (c) => c.notNull())
    .addColumn('basis', 'varchar(20)', (c) => c.notNull()) // last_month | last_year | manual
    .addColumn('created_by', 'varchar(40)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('sales_targets_shop_period_uq', ['shop_id', 'kind', 'start_on', 'name'])
    .execute();
  await db.schema.createIndex('sales_targets_shop_start_idx').on('sales_targets').columns(['shop_id', 'start_on']).execute();

  await grant(db, ['owner', 'operator', 'promotion', 'designer', 'service', 'warehouse', 'finance'], ['tasks.read', 'tasks.write']);
  await grant(db, ['owner', 'operator'], ['targets.write']);
}

async function grant(db: Kysely<any>, roleCodes: string[], permissions: string[]): Promise<void> {
  const roles = (await db.selectFrom('roles').select('id').where('builtin', '=', 1).where('code', 'in', roleCodes).execute()) as {
    id: string;
  }[];
  if (roles.length === 0) return;
  const have = new Set(
    (
      (await db.selectFrom('role_permissions').select(['role_id', 'permission']).where('permission', 'in', permissions).execute()) as {
        role_id: string;
        permission: string;
      }[]
    ).map((r) => `${r.role_id} ${r.permission}`),
  );
  const rows = roles
    .flatMap((r) => permissions.map((permission) => ({ role_id: r.id, permission })))
    .filter((r) => !have.has(`${r.role_id} ${r.permission}`));
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('role_permissions')
      .values(rows.slice(i, i + 500))
      .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('role_permissions').where('permission', 'in', ['tasks.read', 'tasks.write', 'targets.write']).execute();
  for (const t of ['sales_targets', 'checklist_ticks', 'checklist_items', 'activity_plans', 'tasks'])
    await db.schema.dropTable(t).execute();
}

/**
 * Tasks (issue 15, domain §10): a title, an assignee, a due day, a status and a link to the object
 * the work is about (a diagnosis finding, an order, a product, an activity …). Steps of an activity
 * plan are tasks too (plan_id, duration, dependencies; see plans.service.ts). Every change is
 * audited in the same transaction.
 */
import {
  AppError,
  addDays,
  businessDay,
  newId,
  type CreateTaskInput,
  type TaskDto,
  type TaskLinkKind,
  type TaskStatus,
  TaskBatchBody,
  TaskListQuery,
  UpdateTaskBody,
} from '@yunying/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { z } from 'zod';
import { anyTextMatch, assertShopVisible, inChunks, pageOf, scopeToShops, searchTerm, withPage } from '../../db/kit.js';
import type { DB, TasksTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as shops from '../shops/index.js';

export type TaskListFilter = z.output<typeof TaskListQuery>;
export type TaskUpdate = z.output<typeof UpdateTaskBody>;
export type TaskBatch = z.output<typeof TaskBatchBody>;

/** The input of `createTask` (other modules: a diagnosis finding assigned as a task). */
export interface NewTask extends Omit<CreateTaskInput, 'note' | 'link'> {
  /** Must be the actor's organisation (checked). */
  orgId?: string;
  note?: string;
  link?: { kind: TaskLinkKind; id: string; label?: string } | null;
  planId?: string | null;
  durationDays?: number | null;
  dependsOn?: string[];
}

/** Today in the organisation's business time zone (tasks are not per shop, so Asia/Shanghai). */
export function today(now = Date.now()): string {
  return businessDay(now);
}

async function userNames(db: Kysely<DB>, orgId: string, ids: (string | null)[]): Promise<Map<string, string>> {
  const want = [...new Set(ids.filter((x): x is string => !!x))];
  const map = new Map<string, string>();
  await inChunks(want, async (chunk) => {
    const rows = await db.selectFrom('users').select(['id', 'display_name']).where('org_id', '=', orgId).where('id', 'in', chunk).execute();
    for (const r of rows) map.set(r.id, r.display_name);
    return rows;
  });
  return map;
}

/** The assignee must be an active member of the organisation who may see the task's shop. */
async function assertAssignee(db: Kysely<DB>, orgId: string, userId: string, shopId: string | null): Promise<void> {
  const u = await db
    .selectFrom('users')
    .select(['id', 'status', 'all_shops', 'display_name'])
    .where('org_id', '=', orgId)
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!u || u.status !== 'active')
    throw new AppError('validation_failed', '负责人不存在或已停用，请重新选择负责人', {
      errors: [{ path: 'assigneeId', message: '请选择在职的团队成员' }],
    });
  if (shopId && !u.all_shops) {
    const ok = await db
      .selectFrom('user_shops')
      .select('shop_id')
      .where('user_id', '=', userId)
      .where('shop_id', '=', shopId)
      .executeTakeFirst();
    if (!ok)
      throw new AppError('validation_failed', `${u.display_name} 无权访问该店铺，请换一位负责人或先在用户管理中授予店铺权限`, {
        errors: [{ path: 'assigneeId', message: '负责人无权访问该店铺' }],
      });
  }
}

export function taskRowToDto(r: TasksTable, names: Map<string, string>, day = today()): TaskDto {
  const active = r.status === 'open' || r.status === 'doing';
  return {
    id: r.id,
    shopId: r.shop_id,
    title: r.title,
    note: r.note,
    status: r.status as TaskStatus,
    assigneeId: r.assignee_id,
    assigneeName: r.assignee_id ? (names.get(r.assignee_id) ?? null) : null,
    dueOn: r.due_on,
    overdue: active && r.due_on !== null && r.due_on < day,
    link: r.link_kind && r.link_id ? { kind: r.link_kind as TaskLinkKind, id: r.link_id, label: r.link_label ?? '' } : null,
    planId: r.plan_id,
    durationDays: r.duration_days,
    dependsOn: JSON.parse(r.depends_json) as string[],
    createdBy: r.created_by,
    createdByName: r.created_by ? (names.get(r.created_by) ?? null) : null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    doneAt: r.done_at === null ? null : Number(r.done_at),
  };
}

export async function toDtos(db: Kysely<DB>, orgId: string, rows: TasksTable[]): Promise<TaskDto[]> {
  const names = await userNames(
    db,
    orgId,
    rows.flatMap((r) => [r.assignee_id, r.created_by]),
  );
  const day = today();
  return rows.map((r) => taskRowToDto(r, names, day));
}

/** Create a task. Other modules call this through index.ts (e.g. diagnosis: "assign as a task"). */
export async function createTask(trx: Transaction<DB> | Kysely<DB>, input: NewTask, actor: Actor): Promise<TaskDto> {
  if (input.orgId && input.orgId !== actor.orgId) throw new AppError('forbidden', '不能为其他组织创建任务');
  const shopId = input.shopId ?? null;
  if (shopId) {
    await shops.getVisible(trx, actor, shopId);
  }
  if (input.assigneeId) await assertAssignee(trx, actor.orgId, input.assigneeId, shopId);
  const now = Date.now();
  const row: TasksTable = {
    id: newId('task'),
    org_id: actor.orgId,
    shop_id: shopId,
    title: input.title.trim(),
    note: input.note ?? '',
    status: 'open',
    assignee_id: input.assigneeId ?? null,
    due_on: input.dueOn ?? null,
    link_kind: input.link?.kind ?? null,
    link_id: input.link?.id ?? null,
    link_label: input.link ? (input.link.label ?? '') : null,
    plan_id: input.planId ?? null,
    duration_days: input.durationDays ?? null,
    depends_json: JSON.stringify(input.dependsOn ?? []),
    created_by: actor.userId || null,
    created_at: now,
    updated_at: now,
    done_at: null,
  };
  await trx.insertInto('tasks').values(row).execute();
  await audit.record(trx, actor, 'task.create', {
    shopId,
    entityType: 'task',
    entityId: row.id,
    after: { title: row.title, assigneeId: row.assignee_id, dueOn: row.due_on, link: input.link ?? null },
  });
  return (await toDtos(trx, actor.orgId, [row]))[0]!;
}

/** One task the actor may see (404 otherwise, never 403). */
export async function findTask(db: Kysely<DB>, actor: Actor, id: string): Promise<TasksTable> {
  const row = await db.selectFrom('tasks').selectAll().where('org_id', '=', actor.orgId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', `任务 ${id} 不存在或无权访问`, { taskId: id });
  if (row.shop_id) assertShopVisible(actor, row.shop_id, `任务 ${id} 不存在或无权访问`);
  return row;
}

export async function getTask(db: Kysely<DB>, actor: Actor, id: string): Promise<TaskDto> {
  return (await toDtos(db, actor.orgId, [await findTask(db, actor, id)]))[0]!;
}

function statusSet(status: TaskStatus, now: number): Partial<TasksTable> {
  return { status, done_at: status === 'done' ? now : null };
}

export async function updateTask(trx: Transaction<DB>, actor: Actor, id: string, patch: TaskUpdate): Promise<TaskDto> {
  const before = await findTask(trx, actor, id);
  if (patch.assigneeId) await assertAssignee(trx, actor.orgId, patch.assigneeId, before.shop_id);
  const now = Date.now();
  const set: Partial<TasksTable> = { updated_at: now };
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.note !== undefined) set.note = patch.note;
  if (patch.status !== undefined && patch.status !== before.status) Object.assign(set, statusSet(patch.status, now));
  if (patch.assigneeId !== undefined) set.assignee_id = patch.assigneeId;
  if (patch.dueOn !== undefined) set.due_on = patch.dueOn;
  await trx.updateTable('tasks').set(set).where('id', '=', id).execute();
  const after = { ...before, ...set };
  const changed = (['title', 'note', 'status', 'assignee_id', 'due_on'] as const).filter((k) => before[k] !== after[k]);
  if (changed.length)
    await audit.record(trx, actor, 'task.update', {
      shopId: before.shop_id,
      entityType: 'task',
      entityId: id,
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, after[k]])),
    });
  return (await toDtos(trx, actor.orgId, [after]))[0]!;
}

export async function deleteTask(trx: Transaction<DB>, actor: Actor, id: string): Promise<void> {
  const before = await findTask(trx, actor, id);
  if (before.plan_id) {
    const dependants = await trx.selectFrom('tasks').select(['title', 'depends_json']).where('plan_id', '=', before.plan_id).execute();
    const blocking = dependants.filter((d) => (JSON.parse(d.depends_json) as string[]).includes(id));
    if (blocking.length) throw new AppError('invalid_state', `「${blocking[0]!.title}」依赖此任务，请先去掉该依赖再删除`, { taskId: id });
  }
  await trx.deleteFrom('tasks').where('id', '=', id).execute();
  await audit.record(trx, actor, 'task.delete', {
    shopId: before.shop_id,
    entityType: 'task',
    entityId: id,
    before: { title: before.title },
  });
}

function visible(db: Kysely<DB>, actor: Actor) {
  return scopeToShops(db.selectFrom('tasks').where('tasks.org_id', '=', actor.orgId), actor, 'tasks.shop_id', { orNull: true });
}

export async function listTasks(db: Kysely<DB>, actor: Actor, f: TaskListFilter) {
  let q = visible(db, actor);
  if (f.scope === 'mine') q = q.where('tasks.assignee_id', '=', actor.userId);
  if (f.scope === 'created') q = q.where('tasks.created_by', '=', actor.userId);
  if (f.status === 'active') q = q.where('tasks.status', 'in', ['open', 'doing']);
  else if (f.status) q = q.where('tasks.status', '=', f.status);
  if (f.assigneeId)
    q = f.assigneeId === 'none' ? q.where('tasks.assignee_id', 'is', null) : q.where('tasks.assignee_id', '=', f.assigneeId);
  if (f.shopId) q = q.where('tasks.shop_id', '=', f.shopId);
  if (f.linkKind) q = q.where('tasks.link_kind', '=', f.linkKind);
  if (f.linkId) q = q.where('tasks.link_id', '=', f.linkId);
  if (f.planId) q = q.where('tasks.plan_id', '=', f.planId);
  const day = today();
  if (f.due === 'overdue') q = q.where('tasks.due_on', '<', day).where('tasks.status', 'in', ['open', 'doing']);
  if (f.due === 'today') q = q.where('tasks.due_on', '=', day);
  if (f.due === 'week') q = q.where('tasks.due_on', '>=', day).where('tasks.due_on', '<=', addDays(day, 6));
  if (f.due === 'none') q = q.where('tasks.due_on', 'is', null);
  const term = searchTerm(f.q);
  if (term) q = q.where(anyTextMatch(['tasks.title', 'tasks.link_label'], term));
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  // Undated tasks after dated ones on both dialects (SQLite sorts NULL first, PostgreSQL last).
  const rows = await withPage(
    q
      .selectAll('tasks')
      .orderBy(sql`case when tasks.due_on is null then 1 else 0 end`)
      .orderBy('tasks.due_on')
      .orderBy('tasks.id'),
    f,
  ).execute();
  return pageOf(await toDtos(db, actor.orgId, rows), Number(total), f);
}

/** Batch actions on the selected rows: change status, assign, or set the due day. All or nothing. */
export async function batchTasks(trx: Transaction<DB>, actor: Actor, b: TaskBatch): Promise<{ updated: number }> {
  const ids = [...new Set(b.ids)];
  const rows = await visible(trx, actor).selectAll('tasks').where('tasks.id', 'in', ids).execute();
  if (rows.length !== ids.length) {
    const missing = ids.filter((id) => !rows.some((r) => r.id === id));
    throw new AppError('not_found', `有 ${missing.length} 个任务不存在或无权访问（如 ${missing[0]}），请刷新列表后重试`, { missing });
  }
  const now = Date.now();
  const set: Partial<TasksTable> = { updated_at: now };
  if (b.action === 'status') Object.assign(set, statusSet(b.status!, now));
  if (b.action === 'assign') {
    set.assignee_id = b.assigneeId ?? null;
    if (b.assigneeId)
      for (const shopId of new Set(rows.map((r) => r.shop_id))) await assertAssignee(trx, actor.orgId, b.assigneeId, shopId);
  }
  if (b.action === 'due') set.due_on = b.dueOn ?? null;
  await trx.updateTable('tasks').set(set).where('org_id', '=', actor.orgId).where('id', 'in', ids).execute();
  for (const r of rows)
    await audit.record(trx, actor, `task.batch.${b.action}`, {
      shopId: r.shop_id,
      entityType: 'task',
      entityId: r.id,
      before: { status: r.status, assigneeId: r.assignee_id, dueOn: r.due_on },
      after: {
        status: set.status ?? r.status,
        assigneeId: set.assignee_id !== undefined ? set.assignee_id : r.assignee_id,
        dueOn: set.due_on !== undefined ? set.due_on : r.due_on,
      },
    });
  return { updated: rows.length };
}

/** Open tasks of a user (the morning digest): overdue and due today first. */
export async function openTasksOf(
  db: Kysely<DB>,
  actor: Actor,
  userId: string,
  limit = 10,
): Promise<{ total: number; overdue: number; items: TaskDto[] }> {
  const q = visible(db, actor).where('tasks.assignee_id', '=', userId).where('tasks.status', 'in', ['open', 'doing']);
  const day = today();
  const counts = await q
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      eb.fn.sum<number>(eb.case().when('tasks.due_on', '<', day).then(1).else(0).end()).as('overdue'),
    ])
    .executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('tasks')
    .orderBy(sql`case when tasks.due_on is null then 1 else 0 end`)
    .orderBy('tasks.due_on')
    .orderBy('tasks.id')
    .limit(limit)
    .execute();
  return { total: Number(counts.total), overdue: Number(counts.overdue ?? 0), items: await toDtos(db, actor.orgId, rows) };
}

/** Who a task can be given to: the organisation's active members (names only, for the picker). */
export async function assignees(db: Kysely<DB>, actor: Actor): Promise<{ id: string; displayName: string }[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('org_id', '=', actor.orgId)
    .where('status', '=', 'active')
    .orderBy('display_name')
    .orderBy('id')
    .limit(500)
    .execute();
  return rows.map((r) => ({ id: r.id, displayName: r.display_name }));
}

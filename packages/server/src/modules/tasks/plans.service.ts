/**
 * Activity plans (issue 15, domain §10): an activity's preparation as tasks with durations and
 * dependencies; the critical path (core/planning.ts criticalPath) gives each step its dates and
 * slack, and the steps' due days follow the schedule. Steps are tasks (plan_id set), so they show in
 * everyone's task lists and can be assigned, done and linked like any task.
 */
import {
  AppError,
  addDays,
  criticalPath,
  newId,
  type PlanDetail,
  type PlanStep,
  type PlanSummary,
  CreatePlanBody,
  PlanStepBody,
  UpdatePlanBody,
  UpdatePlanStepBody,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import { insertOrConflict, scopeToShops, assertShopVisible } from '../../db/kit.js';
import type { ActivityPlansTable, DB, TasksTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as shops from '../shops/index.js';
import { createTask, findTask, toDtos } from './tasks.service.js';

type NewPlan = z.output<typeof CreatePlanBody>;
type PlanPatch = z.output<typeof UpdatePlanBody>;
type NewStep = z.output<typeof PlanStepBody>;
type StepPatch = z.output<typeof UpdatePlanStepBody>;

const nameTaken = (name: string) => `店铺里已有名为「${name}」的活动计划，请换一个名称`;

async function findPlan(db: Kysely<DB>, actor: Actor, id: string): Promise<ActivityPlansTable> {
  const row = await db.selectFrom('activity_plans').selectAll().where('org_id', '=', actor.orgId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', `活动计划 ${id} 不存在或无权访问`, { planId: id });
  assertShopVisible(actor, row.shop_id, `活动计划 ${id} 不存在或无权访问`);
  return row;
}

export async function listPlans(db: Kysely<DB>, actor: Actor, shopId?: string): Promise<PlanSummary[]> {
  let q = scopeToShops(db.selectFrom('activity_plans').selectAll().where('org_id', '=', actor.orgId), actor, 'activity_plans.shop_id');
  if (shopId) q = q.where('shop_id', '=', shopId);
  const plans = await q.orderBy('start_on', 'desc').orderBy('id').limit(200).execute();
  if (!plans.length) return [];
  const counts = await db
    .selectFrom('tasks')
    .select(['plan_id'])
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'done').then(1).else(0).end()).as('done'),
    ])
    .where(
      'plan_id',
      'in',
      plans.map((p) => p.id),
    )
    .groupBy('plan_id')
    .execute();
  const byPlan = new Map(counts.map((c) => [c.plan_id, c]));
  return plans.map((p) => summary(p, Number(byPlan.get(p.id)?.n ?? 0), Number(byPlan.get(p.id)?.done ?? 0)));
}

function summary(p: ActivityPlansTable, steps: number, done: number): PlanSummary {
  return {
    id: p.id,
    shopId: p.shop_id,
    name: p.name,
    startOn: p.start_on,
    activityOn: p.activity_on,
    note: p.note,
    steps,
    doneSteps: done,
    createdAt: Number(p.created_at),
  };
}

export async function createPlan(trx: Transaction<DB>, actor: Actor, input: NewPlan): Promise<PlanDetail> {
  await shops.getVisible(trx, actor, input.shopId);
  if (input.activityOn && input.activityOn < input.startOn)
    throw new AppError('validation_failed', '活动日期不能早于计划开始日期', {}, [{ path: 'activityOn', message: '早于开始日期' }]);
  const now = Date.now();
  const row: ActivityPlansTable = {
    id: newId('plan'),
    org_id: actor.orgId,
    shop_id: input.shopId,
    name: input.name,
    start_on: input.startOn,
    activity_on: input.activityOn ?? null,
    activity_id: null,
    note: input.note,
    created_by: actor.userId || null,
    created_at: now,
    updated_at: now,
  };
  await insertOrConflict(trx.insertInto('activity_plans').values(row).execute(), nameTaken(input.name));
  await audit.record(trx, actor, 'plan.create', {
    shopId: row.shop_id,
    entityType: 'plan',
    entityId: row.id,
    after: { name: row.name, startOn: row.start_on },
  });
  return planDetail(trx, actor, row.id);
}

export async function updatePlan(trx: Transaction<DB>, actor: Actor, id: string, patch: PlanPatch): Promise<PlanDetail> {
  const before = await findPlan(trx, actor, id);
  const set: Partial<ActivityPlansTable> = { updated_at: Date.now() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.startOn !== undefined) set.start_on = patch.startOn;
  if (patch.activityOn !== undefined) set.activity_on = patch.activityOn ?? null;
  if (patch.note !== undefined) set.note = patch.note;
  await insertOrConflict(trx.updateTable('activity_plans').set(set).where('id', '=', id).execute(), nameTaken(patch.name ?? before.name));
  await audit.record(trx, actor, 'plan.update', {
    shopId: before.shop_id,
    entityType: 'plan',
    entityId: id,
    before: { name: before.name, startOn: before.start_on, activityOn: before.activity_on },
    after: { name: set.name ?? before.name, startOn: set.start_on ?? before.start_on, activityOn: set.activity_on ?? before.activity_on },
  });
  await reschedule(trx, { ...before, ...set });
  return planDetail(trx, actor, id);
}

/** A plan with its steps scheduled by the critical path method. */
export async function planDetail(db: Kysely<DB>, actor: Actor, id: string): Promise<PlanDetail> {
  const plan = await findPlan(db, actor, id);
  const rows = await db.selectFrom('tasks').selectAll().where('plan_id', '=', id).orderBy('created_at').orderBy('id').execute();
  const sched = schedule(rows);
  const dtos = await toDtos(db, actor.orgId, rows);
  const byId = new Map(sched.tasks.map((t) => [t.id, t]));
  const steps: PlanStep[] = dtos.map((d) => {
    const s = byId.get(d.id)!;
    return {
      ...d,
      ...s,
      startOn: addDays(plan.start_on, s.es),
      endOn: addDays(plan.start_on, Math.max(s.es, s.ef - 1)),
    };
  });
  const endOn = rows.length ? addDays(plan.start_on, Math.max(0, sched.durationDays - 1)) : null;
  return {
    ...summary(plan, rows.length, rows.filter((r) => r.status === 'done').length),
    durationDays: sched.durationDays,
    endOn,
    late: !!(endOn && plan.activity_on && endOn >= plan.activity_on),
    criticalPath: sched.criticalPath,
    schedule: steps,
  };
}

function schedule(rows: TasksTable[]) {
  const s = criticalPath(
    rows.map((r) => ({ id: r.id, durationDays: r.duration_days ?? 0, dependsOn: JSON.parse(r.depends_json) as string[] })),
  );
  if (!s.ok) {
    const names = rows
      .filter((r) => s.ids.includes(r.id))
      .map((r) => `「${r.title}」`)
      .join('、');
    throw new AppError(
      'validation_failed',
      s.error === 'cycle' ? `依赖关系形成了循环：${names}，请去掉其中一个依赖` : `${names} 依赖的任务不在这个计划里，请重新选择前置任务`,
      { ids: s.ids },
      [{ path: 'dependsOn', message: s.error === 'cycle' ? '依赖形成循环' : '前置任务不存在' }],
    );
  }
  return s;
}

/** Steps' due days follow the schedule (the last day of each step). Throws on a cycle. */
async function reschedule(trx: Transaction<DB>, plan: ActivityPlansTable): Promise<void> {
  const rows = await trx.selectFrom('tasks').selectAll().where('plan_id', '=', plan.id).execute();
  const s = schedule(rows);
  for (const t of s.tasks) {
    const due = addDays(plan.start_on, Math.max(t.es, t.ef - 1));
    const row = rows.find((r) => r.id === t.id)!;
    if (row.due_on !== due) await trx.updateTable('tasks').set({ due_on: due, updated_at: Date.now() }).where('id', '=', t.id).execute();
  }
}

export async function addStep(trx: Transaction<DB>, actor: Actor, planId: string, input: NewStep): Promise<PlanDetail> {
  const plan = await findPlan(trx, actor, planId);
  await assertSamePlan(trx, planId, input.dependsOn);
  await createTask(
    trx,
    {
      shopId: plan.shop_id,
      title: input.title,
      assigneeId: input.assigneeId ?? null,
      dueOn: null,
      planId,
      durationDays: input.durationDays,
      dependsOn: [...new Set(input.dependsOn)],
      link: { kind: 'plan', id: planId, label: plan.name },
    },
    actor,
  );
  await reschedule(trx, plan);
  return planDetail(trx, actor, planId);
}

async function assertSamePlan(trx: Kysely<DB>, planId: string, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  const found = await trx
    .selectFrom('tasks')
    .select('id')
    .where('plan_id', '=', planId)
    .where('id', 'in', [...ids])
    .execute();
  if (found.length !== new Set(ids).size)
    throw new AppError('validation_failed', '前置任务必须是这个计划里的任务，请重新选择', {}, [
      { path: 'dependsOn', message: '前置任务不在计划里' },
    ]);
}

export async function updateStep(
  trx: Transaction<DB>,
  actor: Actor,
  planId: string,
  stepId: string,
  patch: StepPatch,
): Promise<PlanDetail> {
  const plan = await findPlan(trx, actor, planId);
  const step = await findTask(trx, actor, stepId);
  if (step.plan_id !== planId) throw new AppError('not_found', `计划里没有任务 ${stepId}`, { stepId });
  if (patch.dependsOn) {
    if (patch.dependsOn.includes(stepId))
      throw new AppError('validation_failed', '任务不能依赖它自己', {}, [{ path: 'dependsOn', message: '不能依赖自己' }]);
    await assertSamePlan(trx, planId, patch.dependsOn);
  }
  const set: Partial<TasksTable> = { updated_at: Date.now() };
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.durationDays !== undefined) set.duration_days = patch.durationDays;
  if (patch.dependsOn !== undefined) set.depends_json = JSON.stringify([...new Set(patch.dependsOn)]);
  if (patch.assigneeId !== undefined) set.assignee_id = patch.assigneeId ?? null;
  await trx.updateTable('tasks').set(set).where('id', '=', stepId).execute();
  await reschedule(trx, plan); // a cycle throws here and the transaction rolls back
  await audit.record(trx, actor, 'plan.step.update', {
    shopId: plan.shop_id,
    entityType: 'task',
    entityId: stepId,
    before: { title: step.title, durationDays: step.duration_days, dependsOn: JSON.parse(step.depends_json) },
    after: {
      title: set.title ?? step.title,
      durationDays: set.duration_days ?? step.duration_days,
      dependsOn: set.depends_json ? JSON.parse(set.depends_json) : JSON.parse(step.depends_json),
    },
  });
  return planDetail(trx, actor, planId);
}

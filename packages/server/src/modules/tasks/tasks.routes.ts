import {
  ChecklistDayQuery,
  ChecklistHistoryQuery,
  ChecklistItemsQuery,
  ChecklistTickBody,
  CreatePlanBody,
  PlanListQuery,
  PlanStepBody,
  PlanStepParams,
  UpdatePlanBody,
  UpdatePlanStepBody,
  CreateChecklistItemBody,
  CreateTaskBody,
  IdParams,
  TaskBatchBody,
  TaskListQuery,
  UpdateChecklistItemBody,
  UpdateTaskBody,
} from '@yunying/core';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AppInstance } from '../../http/types.js';
import * as checklists from './checklists.service.js';
import * as plans from './plans.service.js';
import * as tasks from './tasks.service.js';

const R = { read: { permission: 'tasks.read' }, write: { permission: 'tasks.write' }, manage: { permission: 'targets.write' } } as const;
const tags = ['tasks'];

export async function tasksRoutes(app: AppInstance): Promise<void> {
  const tx = <T>(fn: (trx: Transaction<DB>) => Promise<T>) => app.db.transaction().execute(fn);

  app.get(
    '/tasks',
    { schema: { tags, summary: '任务列表（我的任务 / 团队任务，筛选）', querystring: TaskListQuery }, config: R.read },
    (req) => tasks.listTasks(app.db, req.actor!, req.query),
  );
  app.post(
    '/tasks',
    { schema: { tags, summary: '新建任务（可链接订单、商品、活动、诊断发现）', body: CreateTaskBody }, config: R.write },
    async (req, reply) => reply.code(201).send(await tx((trx) => tasks.createTask(trx, req.body, req.actor!))),
  );
  app.post(
    '/tasks/batch',
    { schema: { tags, summary: '批量处理勾选的任务（状态、负责人、截止日）', body: TaskBatchBody }, config: R.write },
    (req) => tx((trx) => tasks.batchTasks(trx, req.actor!, req.body)),
  );
  app.get('/tasks/assignees', { schema: { tags, summary: '可指派的团队成员' }, config: R.read }, (req) =>
    tasks.assignees(app.db, req.actor!),
  );
  app.get('/tasks/:id', { schema: { tags, summary: '任务详情', params: IdParams }, config: R.read }, (req) =>
    tasks.getTask(app.db, req.actor!, req.params.id),
  );
  app.patch('/tasks/:id', { schema: { tags, summary: '修改任务', params: IdParams, body: UpdateTaskBody }, config: R.write }, (req) =>
    tx((trx) => tasks.updateTask(trx, req.actor!, req.params.id, req.body)),
  );
  app.delete('/tasks/:id', { schema: { tags, summary: '删除任务', params: IdParams }, config: R.write }, async (req, reply) => {
    await tx((trx) => tasks.deleteTask(trx, req.actor!, req.params.id));
    return reply.code(204).send();
  });

  // Daily self-checks (自查).
  const ctags = ['checklists'];
  app.get(
    '/checklists/today',
    { schema: { tags: ctags, summary: '我的今日自查清单（按角色）', querystring: ChecklistDayQuery }, config: R.read },
    (req) => checklists.checklistDay(app.db, req.actor!, req.query.day),
  );
  app.post(
    '/checklists/ticks',
    { schema: { tags: ctags, summary: '勾选或取消一项自查', body: ChecklistTickBody }, config: R.write },
    (req) => tx((trx) => checklists.tick(trx, req.actor!, req.body)),
  );
  app.get(
    '/checklists/history',
    { schema: { tags: ctags, summary: '自查记录（每天完成几项）', querystring: ChecklistHistoryQuery }, config: R.read },
    (req) => checklists.history(app.db, req.actor!, req.query),
  );
  app.get(
    '/checklists/items',
    { schema: { tags: ctags, summary: '各角色的自查清单', querystring: ChecklistItemsQuery }, config: R.read },
    (req) => checklists.listItems(app.db, req.actor!, req.query.role),
  );
  app.post(
    '/checklists/items',
    { schema: { tags: ctags, summary: '新增自查项', body: CreateChecklistItemBody }, config: R.manage },
    async (req, reply) => reply.code(201).send(await tx((trx) => checklists.createItem(trx, req.actor!, req.body))),
  );
  app.patch(
    '/checklists/items/:id',
    { schema: { tags: ctags, summary: '修改、排序或停用自查项', params: IdParams, body: UpdateChecklistItemBody }, config: R.manage },
    (req) => tx((trx) => checklists.updateItem(trx, req.actor!, req.params.id, req.body)),
  );

  // Activity plans: steps with durations and dependencies, the critical path, a Gantt view.
  const ptags = ['plans'];
  app.get('/plans', { schema: { tags: ptags, summary: '活动计划列表', querystring: PlanListQuery }, config: R.read }, (req) =>
    plans.listPlans(app.db, req.actor!, req.query.shopId),
  );
  app.post('/plans', { schema: { tags: ptags, summary: '新建活动计划', body: CreatePlanBody }, config: R.manage }, async (req, reply) =>
    reply.code(201).send(await tx((trx) => plans.createPlan(trx, req.actor!, req.body))),
  );
  app.get('/plans/:id', { schema: { tags: ptags, summary: '活动计划（排期、关键路径）', params: IdParams }, config: R.read }, (req) =>
    plans.planDetail(app.db, req.actor!, req.params.id),
  );
  app.patch(
    '/plans/:id',
    { schema: { tags: ptags, summary: '修改活动计划', params: IdParams, body: UpdatePlanBody }, config: R.manage },
    (req) => tx((trx) => plans.updatePlan(trx, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/plans/:id/steps',
    { schema: { tags: ptags, summary: '给计划添加任务（工期、前置任务）', params: IdParams, body: PlanStepBody }, config: R.manage },
    (req) => tx((trx) => plans.addStep(trx, req.actor!, req.params.id, req.body)),
  );
  app.patch(
    '/plans/:id/steps/:stepId',
    {
      schema: { tags: ptags, summary: '修改计划里的任务（工期、前置任务）', params: PlanStepParams, body: UpdatePlanStepBody },
      config: R.manage,
    },
    (req) => tx((trx) => plans.updateStep(trx, req.actor!, req.params.id, req.params.stepId, req.body)),
  );
}

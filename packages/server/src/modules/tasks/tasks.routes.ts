import { CreateTaskBody, IdParams, TaskBatchBody, TaskListQuery, UpdateTaskBody } from '@yunying/core';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AppInstance } from '../../http/types.js';
import * as tasks from './tasks.service.js';

const R = { read: { permission: 'tasks.read' }, write: { permission: 'tasks.write' } } as const;
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
}

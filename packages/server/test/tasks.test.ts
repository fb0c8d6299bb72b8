import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { makeShop } from './fixtures.js';
import { useTestApp } from './harness.js';

describeEachDialect('tasks', (dialect) => {
  const ctx = useTestApp(dialect);

  it('creates a task linked to an order, lists it as mine and the team’s, filters, and audits the change', async () => {
    const admin = await ctx.admin();
    const shopId = await makeShop(ctx, admin, '任务测试店');
    const { client: cs, id: csId } = await ctx.userWithRoles('kefu1', ['service']);
    const res = await admin.post('/api/v1/tasks', {
      shopId,
      title: '核对订单 T001 的催单',
      assigneeId: csId,
      dueOn: '2020-01-01',
      link: { kind: 'order', id: 'ord_x', label: 'T001' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const task = res.json();
    expect(task).toMatchObject({
      status: 'open',
      assigneeName: 'kefu1',
      overdue: true,
      link: { kind: 'order', id: 'ord_x', label: 'T001' },
    });
    await admin.post('/api/v1/tasks', { title: '整理本周数据', dueOn: null });

    const mine = (await cs.get('/api/v1/tasks?scope=mine')).json();
    expect(mine.items.map((t: { id: string }) => t.id)).toEqual([task.id]);
    const team = (await admin.get('/api/v1/tasks?scope=team&status=active')).json();
    expect(team.total).toBe(2);
    expect(team.items[0].id).toBe(task.id); // dated before undated
    expect((await admin.get('/api/v1/tasks?due=overdue')).json().total).toBe(1);
    expect((await admin.get('/api/v1/tasks?due=none')).json().total).toBe(1);
    expect((await admin.get('/api/v1/tasks?linkKind=order&linkId=ord_x')).json().total).toBe(1);
    expect((await admin.get(`/api/v1/tasks?q=${encodeURIComponent('催单')}`)).json().total).toBe(1);

    const done = await cs.patch(`/api/v1/tasks/${task.id}`, { status: 'done' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done', overdue: false });
    expect(done.json().doneAt).toBeGreaterThan(0);
    const log = (await admin.get(`/api/v1/audit?entityType=task&entityId=${task.id}`)).json().items;
    expect(log.map((e: { action: string }) => e.action).sort()).toEqual(['task.create', 'task.update']);
    expect(log.find((e: { action: string }) => e.action === 'task.update')).toMatchObject({
      before: { status: 'open' },
      after: { status: 'done' },
    });
  });

  it('batch-updates the selected tasks all or nothing, and refuses an assignee outside the shop in Chinese', async () => {
    const admin = await ctx.admin();
    const shopA = await makeShop(ctx, admin, '批量店A');
    const shopB = await makeShop(ctx, admin, '批量店B');
    const ids: string[] = [];
    for (const t of ['甲', '乙', '丙']) ids.push((await admin.post('/api/v1/tasks', { shopId: shopA, title: `批量${t}` })).json().id);
    const { id: designer } = await ctx.userWithRoles('meigong1', ['designer'], { allShops: false, shopIds: [shopB] });

    const assign = await admin.post('/api/v1/tasks/batch', { ids, action: 'assign', assigneeId: designer });
    expect(assign.statusCode).toBe(400);
    expect(assign.json().detail ?? assign.json().title).toMatch(/无权访问该店铺/);

    const ok = await admin.post('/api/v1/tasks/batch', { ids: ids.slice(0, 2), action: 'status', status: 'doing' });
    expect(ok.json()).toEqual({ updated: 2 });
    const missing = await admin.post('/api/v1/tasks/batch', { ids: [ids[2], 'tsk_nope'], action: 'status', status: 'done' });
    expect(missing.statusCode).toBe(404);
    expect((await admin.get(`/api/v1/tasks/${ids[2]}`)).json().status).toBe('open');
    const noStatus = await admin.post('/api/v1/tasks/batch', { ids, action: 'status' });
    expect(noStatus.statusCode).toBe(400);
    expect(JSON.stringify(noStatus.json())).toContain('请选择要改成的状态');
    const due = await admin.post('/api/v1/tasks/batch', { ids, action: 'due', dueOn: '2099-01-02' });
    expect(due.json().updated).toBe(3);
    expect((await admin.get(`/api/v1/tasks?shopId=${shopA}`)).json().items.every((t: { dueOn: string }) => t.dueOn === '2099-01-02')).toBe(
      true,
    );
  });

  it('hides another shop’s tasks from a user limited to one shop (404, not 403)', async () => {
    const admin = await ctx.admin();
    const shopA = await makeShop(ctx, admin, '可见店');
    const shopB = await makeShop(ctx, admin, '不可见店');
    const hidden = (await admin.post('/api/v1/tasks', { shopId: shopB, title: '别家的任务' })).json();
    const seen = (await admin.post('/api/v1/tasks', { shopId: shopA, title: '自家的任务' })).json();
    const { client } = await ctx.userWithRoles('yunying1', ['operator'], { allShops: false, shopIds: [shopA] });
    const list = (await client.get('/api/v1/tasks?q=的任务')).json();
    expect(list.items.map((t: { id: string }) => t.id)).toEqual([seen.id]);
    expect((await client.get(`/api/v1/tasks/${hidden.id}`)).statusCode).toBe(404);
    expect((await client.patch(`/api/v1/tasks/${hidden.id}`, { status: 'done' })).statusCode).toBe(404);
    expect((await client.post('/api/v1/tasks', { shopId: shopB, title: '越权' })).statusCode).toBe(404);
  });
});

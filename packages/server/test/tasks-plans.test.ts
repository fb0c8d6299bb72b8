import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { makeShop } from './fixtures.js';
import { useTestApp } from './harness.js';

interface Step {
  id: string;
  title: string;
  es: number;
  ef: number;
  slack: number;
  critical: boolean;
  startOn: string;
  endOn: string;
  dueOn: string;
}

describeEachDialect('activity plans and the critical path', (dialect) => {
  const ctx = useTestApp(dialect);

  it('schedules a 双11 preparation plan: dates, slack, the critical path, due days and the late flag', async () => {
    const admin = await ctx.admin();
    const shopId = await makeShop(ctx, admin, '计划店');
    const created = await admin.post('/api/v1/plans', { shopId, name: '双11 备战', startOn: '2026-10-20', activityOn: '2026-10-30' });
    expect(created.statusCode, created.body).toBe(201);
    const planId = created.json().id;
    const ids: Record<string, string> = {};
    const add = async (key: string, title: string, durationDays: number, deps: string[]) => {
      const r = await admin.post(`/api/v1/plans/${planId}/steps`, { title, durationDays, dependsOn: deps.map((d) => ids[d]) });
      expect(r.statusCode, r.body).toBe(200);
      ids[key] = (r.json().schedule as Step[]).find((s) => s.title === title)!.id;
      return r.json();
    };
    await add('A', '选品', 3, []);
    await add('B', '拍照', 4, ['A']);
    await add('C', '报名', 2, ['A']);
    await add('D', '详情页', 3, ['B']);
    await add('E', '备货', 5, ['C']);
    await add('F', '上线检查', 1, ['D', 'E']);
    const plan = await add('G', '客服话术', 2, []);
    expect(plan.durationDays).toBe(11);
    expect(plan.endOn).toBe('2026-10-30');
    expect(plan.late).toBe(true); // the last step ends on the activity's day
    expect(plan.criticalPath).toEqual(['A', 'B', 'D', 'F'].map((k) => ids[k]));
    const s = Object.fromEntries((plan.schedule as Step[]).map((x) => [x.title, x]));
    expect(s['拍照']).toMatchObject({
      es: 3,
      ef: 7,
      slack: 0,
      critical: true,
      startOn: '2026-10-23',
      endOn: '2026-10-26',
      dueOn: '2026-10-26',
    });
    expect(s['客服话术']).toMatchObject({ slack: 9, critical: false, dueOn: '2026-10-21' });
    // Steps are tasks: they show in the task list of the plan.
    expect((await admin.get(`/api/v1/tasks?planId=${planId}`)).json().total).toBe(7);

    // Shortening 备货 leaves 拍照 → 详情页 alone on the critical path; moving the start moves every due day.
    const shorter = (await admin.patch(`/api/v1/plans/${planId}/steps/${ids.E}`, { durationDays: 1 })).json();
    expect((shorter.schedule as Step[]).find((x) => x.title === '报名')!.critical).toBe(false);
    const moved = (await admin.patch(`/api/v1/plans/${planId}`, { startOn: '2026-10-10' })).json();
    expect(moved.late).toBe(false);
    expect((moved.schedule as Step[]).find((x) => x.title === '上线检查')!.dueOn).toBe('2026-10-20');
  });

  it('refuses a dependency cycle in Chinese and leaves the plan as it was; a step others depend on cannot be deleted', async () => {
    const admin = await ctx.admin();
    const shopId = await makeShop(ctx, admin, '循环店');
    const planId = (await admin.post('/api/v1/plans', { shopId, name: '年货节', startOn: '2026-12-01' })).json().id;
    const a = (await admin.post(`/api/v1/plans/${planId}/steps`, { title: '甲', durationDays: 1 })).json().schedule[0].id;
    const b = (await admin.post(`/api/v1/plans/${planId}/steps`, { title: '乙', durationDays: 2, dependsOn: [a] })).json().schedule[1].id;
    const cycle = await admin.patch(`/api/v1/plans/${planId}/steps/${a}`, { dependsOn: [b] });
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().detail).toContain('循环');
    expect(cycle.json().detail).toContain('「甲」');
    const after = (await admin.get(`/api/v1/plans/${planId}`)).json();
    expect(after.durationDays).toBe(3);
    const self = await admin.patch(`/api/v1/plans/${planId}/steps/${a}`, { dependsOn: [a] });
    expect(self.statusCode).toBe(400);
    const del = await admin.delete(`/api/v1/tasks/${a}`);
    expect(del.statusCode).toBe(409);
    expect(del.json().detail).toContain('「乙」依赖此任务');
    expect((await admin.post('/api/v1/plans', { shopId, name: '年货节', startOn: '2026-12-02' })).statusCode).toBe(409);
    const { client: designer } = await ctx.userWithRoles('meigong-p', ['designer']);
    expect((await designer.post(`/api/v1/plans/${planId}/steps`, { title: '丙', durationDays: 1 })).statusCode).toBe(403);
    expect((await designer.get(`/api/v1/plans/${planId}`)).statusCode).toBe(200);
  });
});

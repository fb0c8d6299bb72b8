import { addDays, businessDay } from '@yunying/core';
import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { useTestApp } from './harness.js';

interface Item {
  id: string;
  roleCode: string;
  title: string;
  done: boolean;
  note: string;
}

describeEachDialect('daily self-checks', (dialect) => {
  const ctx = useTestApp(dialect);
  const today = businessDay(Date.now());

  it('seeds each role its list; a customer-service user ticks items off for today and sees them in the history', async () => {
    const { client: cs } = await ctx.userWithRoles('kefu', ['service']);
    const day = (await cs.get('/api/v1/checklists/today')).json();
    expect(day.roles).toEqual(['service']);
    expect(day.day).toBe(today);
    const titles = day.items.map((i: Item) => i.title);
    expect(titles.some((t: string) => t.includes('问题件'))).toBe(true);
    expect(titles.some((t: string) => t.includes('库存'))).toBe(true);
    expect(day.items.every((i: Item) => i.roleCode === 'service' && !i.done)).toBe(true);

    const first = day.items[0] as Item;
    const ticked = await cs.post('/api/v1/checklists/ticks', { itemId: first.id, day: today, done: true, note: '3 个问题件已登记' });
    expect(ticked.statusCode, ticked.body).toBe(200);
    expect(ticked.json()).toMatchObject({ done: 1, total: day.total });
    expect(ticked.json().items[0]).toMatchObject({ id: first.id, done: true, note: '3 个问题件已登记' });
    // Ticking twice keeps one tick; yesterday is its own day.
    await cs.post('/api/v1/checklists/ticks', { itemId: first.id, day: today, done: true });
    await cs.post('/api/v1/checklists/ticks', { itemId: day.items[1].id, day: addDays(today, -1), done: true });
    const hist = (await cs.get(`/api/v1/checklists/history?from=${addDays(today, -2)}&to=${today}`)).json();
    expect(hist.map((h: { day: string; done: number }) => [h.day, h.done])).toEqual([
      [addDays(today, -2), 0],
      [addDays(today, -1), 1],
      [today, 1],
    ]);
    expect(hist[2].total).toBe(day.total);
    // Untick.
    const un = (await cs.post('/api/v1/checklists/ticks', { itemId: first.id, day: today, done: false })).json();
    expect(un.done).toBe(0);

    const future = await cs.post('/api/v1/checklists/ticks', { itemId: first.id, day: addDays(today, 1), done: true });
    expect(future.statusCode).toBe(400);
    expect(future.json().detail).toContain('不能勾选未来日期');
    // Someone else's history needs targets.write.
    const { id: other } = await ctx.userWithRoles('meigong', ['designer']);
    expect((await cs.get(`/api/v1/checklists/history?from=${today}&to=${today}&userId=${other}`)).statusCode).toBe(403);
    const admin = await ctx.admin();
    expect((await admin.get(`/api/v1/checklists/history?from=${today}&to=${today}&userId=${other}`)).statusCode).toBe(200);
  });

  it('a designer cannot tick the service list; the manager edits a role’s list (add, rename clash, archive)', async () => {
    const admin = await ctx.admin();
    const { client: designer } = await ctx.userWithRoles('meigong2', ['designer']);
    const serviceItems = (await admin.get('/api/v1/checklists/items?role=service')).json() as Item[];
    const refused = await designer.post('/api/v1/checklists/ticks', { itemId: serviceItems[0]!.id, day: today, done: true });
    expect(refused.statusCode).toBe(403);

    expect((await designer.post('/api/v1/checklists/items', { roleCode: 'designer', title: '检查主图' })).statusCode).toBe(403);
    const added = await admin.post('/api/v1/checklists/items', {
      roleCode: 'designer',
      title: '检查主图是否符合平台规范',
      link: '/products',
    });
    expect(added.statusCode, added.body).toBe(201);
    const dup = await admin.post('/api/v1/checklists/items', { roleCode: 'designer', title: '检查主图是否符合平台规范' });
    expect(dup.statusCode).toBe(409);
    const badLink = await admin.post('/api/v1/checklists/items', { roleCode: 'designer', title: '外链', link: 'https://example.com' });
    expect(badLink.statusCode).toBe(400);
    expect(JSON.stringify(badLink.json())).toContain('以 / 开头');

    let mine = (await designer.get('/api/v1/checklists/today')).json();
    expect(mine.items.at(-1)).toMatchObject({ title: '检查主图是否符合平台规范', link: '/products' });
    await admin.patch(`/api/v1/checklists/items/${added.json().id}`, { archived: true });
    mine = (await designer.get('/api/v1/checklists/today')).json();
    expect(mine.items.some((i: Item) => i.title === '检查主图是否符合平台规范')).toBe(false);
    const audit = (await admin.get(`/api/v1/audit?entityType=checklist_item&entityId=${added.json().id}`)).json().items;
    expect(audit.map((a: { action: string }) => a.action).sort()).toEqual(['checklist.item.create', 'checklist.item.update']);
  });
});

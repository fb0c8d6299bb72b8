import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { useTestApp } from './harness.js';

describeEachDialect('users, roles, shops and audit', (dialect) => {
  const ctx = useTestApp(dialect);

  it('seeds the seven team roles with the owner holding every permission', async () => {
    const admin = await ctx.admin();
    const roles = (await admin.get('/api/v1/roles')).json().items as { code: string; builtin: boolean; permissions: string[] }[];
    expect(roles.map((r) => r.code).sort()).toEqual(['designer', 'finance', 'operator', 'owner', 'promotion', 'service', 'warehouse']);
    const perms = (await admin.get('/api/v1/permissions'))
      .json()
      .groups.flatMap((g: { permissions: { code: string }[] }) => g.permissions.map((p) => p.code));
    expect(roles.find((r) => r.code === 'owner')!.permissions.sort()).toEqual(perms.sort());
    expect(roles.every((r) => r.builtin)).toBe(true);
  });

  it('creates a user with a role; the change is audited with before/after and no password', async () => {
    const admin = await ctx.admin();
    const roles = (await admin.get('/api/v1/roles')).json().items as { id: string; code: string }[];
    const op = roles.find((r) => r.code === 'operator')!;
    const res = await admin.post('/api/v1/users', {
      username: 'xiaowang',
      displayName: '小王',
      password: 'Passw0rd1',
      phone: '13812341234',
      roleIds: [op.id],
      allShops: true,
    });
    expect(res.statusCode).toBe(201);
    const user = res.json();
    expect(user).toMatchObject({ username: 'xiaowang', displayName: '小王', phone: '13812341234', status: 'active', allShops: true });
    expect(user.roles).toEqual([{ id: op.id, code: 'operator', name: '店铺运营' }]);
    const dup = await admin.post('/api/v1/users', { username: 'xiaowang', displayName: 'x', password: 'Passw0rd1', roleIds: [op.id] });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().errors[0].path).toBe('username');
    const audit = (await admin.get(`/api/v1/audit?entityType=user&entityId=${user.id}`)).json();
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      action: 'user.create',
      actorName: '店长（admin）',
      after: { username: 'xiaowang', roles: ['店铺运营'] },
    });
    expect(JSON.stringify(audit.items[0])).not.toContain('Passw0rd1');
    expect(JSON.stringify(audit.items[0])).not.toContain('13812341234');

    const patched = await admin.patch(`/api/v1/users/${user.id}`, { displayName: '王小二', status: 'disabled' });
    expect(patched.statusCode).toBe(200);
    const upd = (await admin.get(`/api/v1/audit?action=user.update&entityId=${user.id}`)).json().items[0];
    expect(upd.before.displayName).toBe('小王');
    expect(upd.after).toMatchObject({ displayName: '王小二', status: 'disabled' });
    expect((await ctx.client().login('xiaowang', 'Passw0rd1')).statusCode).toBe(403);
  });

  it('masks phone and email for roles without customers.pii.read', async () => {
    const admin = await ctx.admin();
    const roles = (await admin.get('/api/v1/roles')).json().items as { id: string; code: string }[];
    const viewer = await admin.post('/api/v1/roles', { name: '用户查看员', permissions: ['users.read'] });
    expect(viewer.statusCode).toBe(201);
    await admin.post('/api/v1/users', {
      username: 'pii',
      displayName: '隐私',
      password: 'Passw0rd1',
      phone: '13912345678',
      email: 'lisi@example.com',
      roleIds: [roles.find((r) => r.code === 'designer')!.id],
    });
    const { client } = await ctx.userWithRoles('viewer1', [], { roleIds: [viewer.json().id] });
    const seen = (await client.get('/api/v1/users?q=pii')).json().items[0];
    expect(seen.phone).toBe('139****5678');
    expect(seen.email).toBe('l***@example.com');
    const full = (await admin.get('/api/v1/users?q=pii')).json().items[0];
    expect(full.phone).toBe('13912345678');
    const masked = await admin.patch(`/api/v1/users/${full.id}`, { email: 'l***@example.com' });
    expect(masked.statusCode).toBe(400);
    expect(masked.json().errors[0].path).toBe('email');
    expect((await admin.get('/api/v1/users?q=pii')).json().items[0].email).toBe('lisi@example.com');
  });

  it('edits the permission matrix of a role, refuses to touch the owner role, deletes only unused custom roles', async () => {
    const admin = await ctx.admin();
    const roles = (await admin.get('/api/v1/roles')).json().items as { id: string; code: string; permissions: string[] }[];
    const designer = roles.find((r) => r.code === 'designer')!;
    const res = await admin.patch(`/api/v1/roles/${designer.id}`, { permissions: [...designer.permissions, 'orders.read'] });
    expect(res.statusCode).toBe(200);
    expect(res.json().permissions).toContain('orders.read');
    const owner = roles.find((r) => r.code === 'owner')!;
    expect((await admin.patch(`/api/v1/roles/${owner.id}`, { permissions: ['users.read'] })).statusCode).toBe(409);
    expect((await admin.delete(`/api/v1/roles/${designer.id}`)).statusCode).toBe(409);
    const custom = (await admin.post('/api/v1/roles', { name: '临时工', permissions: ['orders.read'] })).json();
    const unknown = await admin.post('/api/v1/roles', { name: '坏角色', permissions: ['orders.fly'] });
    expect(unknown.statusCode).toBe(400);
    expect((await admin.delete(`/api/v1/roles/${custom.id}`)).statusCode).toBe(204);
    const actions = (await admin.get('/api/v1/audit?entityType=role')).json().items.map((a: { action: string }) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['role.update', 'role.create', 'role.delete']));
  });

  it('does not let a user grant more than they hold', async () => {
    const admin = await ctx.admin();
    const roles = (await admin.get('/api/v1/roles')).json().items as { id: string; code: string }[];
    const hr = (await admin.post('/api/v1/roles', { name: '人事', permissions: ['users.read', 'users.write', 'roles.read'] })).json();
    const { client } = await ctx.userWithRoles('hr1', [], { roleIds: [hr.id] });
    const escalate = await client.post('/api/v1/users', {
      username: 'boss2',
      displayName: 'x',
      password: 'Passw0rd1',
      roleIds: [roles.find((r) => r.code === 'owner')!.id],
    });
    expect(escalate.statusCode).toBe(403);
    expect(escalate.json().errors[0].path).toBe('roleIds');
    const ok = await client.post('/api/v1/users', { username: 'hr2', displayName: 'x', password: 'Passw0rd1', roleIds: [hr.id] });
    expect(ok.statusCode).toBe(201);
  });

  it('scopes shops to the ones a user belongs to', async () => {
    const admin = await ctx.admin();
    const a = (await admin.post('/api/v1/shops', { name: '天猫旗舰店', channel: 'tmall' })).json();
    const b = (await admin.post('/api/v1/shops', { name: '京东自营店', channel: 'jd', timezone: 'Asia/Shanghai' })).json();
    expect(a).toMatchObject({ channel: 'tmall', timezone: 'Asia/Shanghai', status: 'active' });
    expect((await admin.post('/api/v1/shops', { name: '天猫旗舰店', channel: 'tmall' })).statusCode).toBe(409);
    expect((await admin.post('/api/v1/shops', { name: '坏时区', channel: 'tmall', timezone: 'Mars/Olympus' })).statusCode).toBe(400);
    const { client } = await ctx.userWithRoles('jdop', ['operator'], { allShops: false, shopIds: [b.id] });
    const seen = (await client.get('/api/v1/shops')).json().items.map((s: { id: string }) => s.id);
    expect(seen).toEqual([b.id]);
    const me = (await client.get('/api/v1/auth/me')).json();
    expect(me.user.allShops).toBe(false);
    expect(me.shops.map((s: { id: string }) => s.id)).toEqual([b.id]);
    const renamed = await admin.patch(`/api/v1/shops/${a.id}`, { name: '天猫旗舰店（主）' });
    expect(renamed.json().name).toBe('天猫旗舰店（主）');
    const shopAudit = (await admin.get(`/api/v1/audit?shopId=${a.id}`)).json().items.map((x: { action: string }) => x.action);
    expect(shopAudit).toEqual(['shop.update', 'shop.create']);
  });

  it('keeps at least one active owner', async () => {
    const admin = await ctx.admin();
    const me = (await admin.get('/api/v1/auth/me')).json();
    const self = await admin.patch(`/api/v1/users/${me.user.id}`, { status: 'disabled' });
    expect(self.statusCode).toBe(409);
    const roles = (await admin.get('/api/v1/roles')).json().items as { id: string; code: string }[];
    const demote = await admin.patch(`/api/v1/users/${me.user.id}`, { roleIds: [roles.find((r) => r.code === 'operator')!.id] });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().detail).toContain('店长');
  });

  it('paginates and filters the audit log', async () => {
    const admin = await ctx.admin();
    const page1 = (await admin.get('/api/v1/audit?pageSize=2&page=1')).json();
    const page2 = (await admin.get('/api/v1/audit?pageSize=2&page=2')).json();
    expect(page1.items).toHaveLength(2);
    expect(page1.total).toBeGreaterThan(4);
    expect(page1.items[0].at).toBeGreaterThanOrEqual(page1.items[1].at);
    expect(page2.items[0].id).not.toBe(page1.items[0].id);
    const future = (await admin.get(`/api/v1/audit?from=${Date.now() + 60_000}`)).json();
    expect(future.total).toBe(0);
    expect((await admin.get('/api/v1/audit?pageSize=500')).statusCode).toBe(400);
  });
});

/**
 * Issue 17, accounts: who may change whom, what a password reset ends, the login lock under a
 * burst of simultaneous guesses, the scope of organisation-wide deletes, and unique names.
 */
import { Migrator, type Kysely, type Migration } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../src/db/dialect.js';
import { passwordChecks } from '../src/modules/auth/passwords.js';
import { admitAttempt, recordSuccess } from '../src/modules/auth/throttle.js';
import * as m0001 from '../src/db/migrations/20261122_0001_foundation.js';
import * as m0002 from '../src/db/migrations/20261122_0002_jobs_notifications.js';
import * as m0003 from '../src/db/migrations/20261122_0003_catalog.js';
import * as m0004 from '../src/db/migrations/20261122_0004_inventory.js';
import * as m0005 from '../src/db/migrations/20261122_0005_orders.js';
import * as m0006 from '../src/db/migrations/20261122_0006_analytics.js';
import * as accounts from '../src/db/migrations/20261206_0001_accounts.js';
import { describeEachDialect, freshDatabaseUrl } from './dialects.js';
import { makeShop } from './fixtures.js';
import { ADMIN_PASSWORD, useTestApp, type Client } from './harness.js';

const PASSWORD = 'Passw0rd!';

describeEachDialect('accounts security (issue 17)', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let ownerId: string;
  let shopA: string;
  let shopB: string;
  let roles: Map<string, string>;

  async function role(name: string, permissions: string[]): Promise<string> {
    const res = await admin.post('/api/v1/roles', { name, permissions });
    if (res.statusCode !== 201) throw new Error(`role ${name}: ${res.body}`);
    return res.json().id;
  }

  /** A user made by the owner; `shops` 'all' or a list. Returns their id and a logged-in client. */
  async function user(username: string, roleIds: string[], shops: 'all' | string[], ip = '127.0.0.1') {
    const res = await admin.post('/api/v1/users', {
      username,
      displayName: username,
      password: PASSWORD,
      roleIds,
      ...(shops === 'all' ? { allShops: true } : { allShops: false, shopIds: shops }),
    });
    if (res.statusCode !== 201) throw new Error(`user ${username}: ${res.body}`);
    const client = ctx.client(ip);
    expect((await client.login(username, PASSWORD)).statusCode).toBe(200);
    return { id: res.json().id as string, client };
  }

  /** Audit entries of a user with the given action (filtered here: the action filter matches by prefix). */
  async function auditOf(userId: string, action: string): Promise<{ action: string; after: unknown }[]> {
    const items = (await admin.get(`/api/v1/audit?entityType=user&entityId=${userId}&pageSize=200`)).json().items as {
      action: string;
      after: unknown;
    }[];
    return items.filter((e) => e.action === action);
  }

  beforeAll(async () => {
    admin = await ctx.admin();
    ownerId = (await admin.get('/api/v1/auth/me')).json().user.id;
    shopA = await makeShop(ctx, admin, '甲店', { channel: 'tmall' });
    shopB = await makeShop(ctx, admin, '乙店', { channel: 'jd' });
    const list = (await admin.get('/api/v1/roles')).json().items as { id: string; code: string | null; name: string }[];
    roles = new Map(list.map((r) => [r.code ?? r.name, r.id]));
    roles.set('hr', await role('人事（甲店）', ['users.read', 'users.write', 'roles.read', 'shops.read']));
    roles.set('viewer', await role('只读员工', ['shops.read']));
  });

  it('a shop-A user manager cannot reset, narrow or disable the owner (403), and the owner can still log in', async () => {
    const { client: hr } = await user('hr_a', [roles.get('hr')!], [shopA]);
    const reset = await hr.post(`/api/v1/users/${ownerId}/reset-password`, { newPassword: 'Taken0ver!' });
    expect(reset.statusCode).toBe(403);
    expect(reset.json().detail).toContain('只有店长可以重置店长账号「admin」的密码');
    const narrow = await hr.patch(`/api/v1/users/${ownerId}`, { allShops: false, shopIds: [shopA] });
    expect(narrow.statusCode).toBe(403);
    const disable = await hr.patch(`/api/v1/users/${ownerId}`, { status: 'disabled' });
    expect(disable.statusCode).toBe(403);
    expect(disable.json().detail).toContain('停用店长账号');
    expect(await ctx.client('10.17.0.1').login('admin', 'Taken0ver!')).toMatchObject({ statusCode: 401 });
    const owner = (await admin.get(`/api/v1/users/${ownerId}`)).json();
    expect(owner).toMatchObject({ status: 'active', allShops: true });
    expect((await ctx.client('10.17.0.2').login('admin', ADMIN_PASSWORD)).statusCode).toBe(200);
  });

  it('a shop-A user manager cannot touch a shop-B user or a user with more permissions, but may manage a smaller one in shop A', async () => {
    const { client: hr } = await user('hr_a2', [roles.get('hr')!], [shopA]);
    const inB = await user('clerk_b', [roles.get('viewer')!], [shopB]);
    const resetB = await hr.post(`/api/v1/users/${inB.id}/reset-password`, { newPassword: 'Taken0ver!' });
    expect(resetB.statusCode).toBe(403);
    expect(resetB.json().detail).toContain('无权访问的店铺');
    expect((await hr.patch(`/api/v1/users/${inB.id}`, { shopIds: [shopA] })).statusCode).toBe(403);
    expect((await hr.patch(`/api/v1/users/${inB.id}`, { status: 'disabled' })).statusCode).toBe(403);
    expect((await inB.client.get('/api/v1/auth/me')).statusCode).toBe(200);

    const everywhere = await user('clerk_all', [roles.get('viewer')!], 'all');
    const resetAll = await hr.post(`/api/v1/users/${everywhere.id}/reset-password`, { newPassword: 'Taken0ver!' });
    expect(resetAll.statusCode).toBe(403);
    expect(resetAll.json().detail).toContain('全部店铺');

    const stronger = await user('op_a', [roles.get('operator')!], [shopA]);
    const resetStronger = await hr.post(`/api/v1/users/${stronger.id}/reset-password`, { newPassword: 'Taken0ver!' });
    expect(resetStronger.statusCode).toBe(403);
    expect(resetStronger.json().detail).toContain('拥有你没有的权限');

    const smaller = await user('clerk_a', [roles.get('viewer')!], [shopA]);
    expect((await hr.post(`/api/v1/users/${smaller.id}/reset-password`, { newPassword: 'NewPassw0rd' })).statusCode).toBe(204);
    expect((await hr.patch(`/api/v1/users/${smaller.id}`, { displayName: '甲店文员' })).statusCode).toBe(200);
    // A permission code no longer in the catalogue grants nothing and does not put a user out of reach.
    const legacy = await role('旧角色', ['shops.read']);
    await ctx.tdb.database.db.insertInto('role_permissions').values({ role_id: legacy, permission: 'legacy.removed' }).execute();
    const old = await user('legacy_a', [legacy], [shopA]);
    expect((await hr.post(`/api/v1/users/${old.id}/reset-password`, { newPassword: 'NewPassw0rd' })).statusCode).toBe(204);
  });

  it('refuses escalation when creating or changing users: other shops, all shops, the owner role (403)', async () => {
    const { client: hr } = await user('hr_a3', [roles.get('hr')!], [shopA]);
    const base = { displayName: 'x', password: PASSWORD, roleIds: [roles.get('viewer')!] };
    const inB = await hr.post('/api/v1/users', { ...base, username: 'esc_b', allShops: false, shopIds: [shopB] });
    expect(inB.statusCode).toBe(403);
    expect(inB.json().errors[0].path).toBe('shopIds');
    expect((await hr.post('/api/v1/users', { ...base, username: 'esc_all', allShops: true })).statusCode).toBe(403);
    const mine = await hr.post('/api/v1/users', { ...base, username: 'esc_ok', allShops: false, shopIds: [shopA] });
    expect(mine.statusCode).toBe(201);
    expect((await hr.patch(`/api/v1/users/${mine.json().id}`, { shopIds: [shopA, shopB] })).statusCode).toBe(403);

    // Every permission and every shop, but not the owner role: still no owner powers.
    const deputyRole = await role(
      '副店长',
      (await admin.get('/api/v1/roles')).json().items.find((r: { code: string }) => r.code === 'owner').permissions,
    );
    const { client: deputy } = await user('deputy', [deputyRole], 'all');
    const makeOwner = await deputy.post('/api/v1/users', { ...base, username: 'owner_x', roleIds: [roles.get('owner')!], allShops: true });
    expect(makeOwner.statusCode).toBe(403);
    expect(makeOwner.json().errors[0].path).toBe('roleIds');
    expect((await deputy.post(`/api/v1/users/${ownerId}/reset-password`, { newPassword: 'Taken0ver!' })).statusCode).toBe(403);
    expect((await deputy.patch(`/api/v1/users/${ownerId}`, { roleIds: [deputyRole] })).statusCode).toBe(403);
  });

  it('a user limited to some shops lists and opens only the users whose shops lie within theirs', async () => {
    const lister = await user('list_a', [roles.get('hr')!], [shopA]);
    const inA = await user('seen_a', [roles.get('viewer')!], [shopA]);
    const noShop = await user('seen_none', [roles.get('viewer')!], []);
    const inB = await user('unseen_b', [roles.get('viewer')!], [shopB]);
    const inBoth = await user('unseen_ab', [roles.get('viewer')!], [shopA, shopB]);
    const everywhere = await user('unseen_all', [roles.get('viewer')!], 'all');
    const list = async (client: Client, q = '') =>
      (await client.get(`/api/v1/users?pageSize=200${q}`)).json() as { items: { id: string }[]; total: number };

    const seen = await list(lister.client);
    const ids = seen.items.map((u) => u.id);
    expect(ids).toEqual(expect.arrayContaining([lister.id, inA.id, noShop.id]));
    for (const hidden of [inB.id, inBoth.id, everywhere.id, ownerId]) expect(ids).not.toContain(hidden);
    expect(seen.total).toBe(ids.length);
    expect(await list(lister.client, '&q=unseen')).toMatchObject({ items: [], total: 0 });
    // The detail follows the list: a user outside the lister's shops is not found.
    expect((await lister.client.get(`/api/v1/users/${inA.id}`)).statusCode).toBe(200);
    for (const hidden of [inB.id, inBoth.id, everywhere.id, ownerId]) {
      expect((await lister.client.get(`/api/v1/users/${hidden}`)).statusCode).toBe(404);
    }
    // Seeing every shop, the owner lists everyone.
    const all = (await list(admin)).items.map((u) => u.id);
    expect(all).toEqual(expect.arrayContaining([lister.id, inA.id, noShop.id, inB.id, inBoth.id, everywhere.id, ownerId]));
  });

  it('keeps the last full owner: neither disabled nor narrowed to some shops', async () => {
    const narrow = await admin.patch(`/api/v1/users/${ownerId}`, { allShops: false, shopIds: [shopA] });
    expect(narrow.statusCode).toBe(409);
    expect(narrow.json().detail).toContain('店长');
    const owner = (await admin.get(`/api/v1/users/${ownerId}`)).json();
    expect(owner.allShops).toBe(true);
    // With a second owner the first may be narrowed.
    const second = await user('owner2', [roles.get('owner')!], 'all');
    expect((await second.client.patch(`/api/v1/users/${ownerId}`, { allShops: false, shopIds: [shopA] })).statusCode).toBe(200);
    expect((await second.client.patch(`/api/v1/users/${ownerId}`, { allShops: true })).statusCode).toBe(200);
  });

  it('a password reset ends the target’s sessions and API tokens', async () => {
    const tokenRole = await role('对接员', ['shops.read', 'tokens.manage']);
    const target = await user('tokenholder', [tokenRole], [shopA]);
    const created = await target.client.post('/api/v1/tokens', { name: 'ERP', scopes: ['shops.read'] });
    expect(created.statusCode).toBe(201);
    const bot = ctx.client();
    bot.bearer = created.json().secret;
    expect((await bot.get('/api/v1/shops')).statusCode).toBe(200);
    expect((await admin.post(`/api/v1/users/${target.id}/reset-password`, { newPassword: 'NewPassw0rd' })).statusCode).toBe(204);
    expect((await target.client.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await bot.get('/api/v1/shops')).statusCode).toBe(401);
    const audit = await auditOf(target.id, 'user.reset_password');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toEqual({ tokensRevoked: 1 });
  });

  it('changing one’s own password ends one’s API tokens and other sessions', async () => {
    const tokenRole = await role('对接员2', ['shops.read', 'tokens.manage']);
    const me = await user('selfchanger', [tokenRole], [shopA]);
    const other = ctx.client();
    await other.login('selfchanger', PASSWORD);
    const created = await me.client.post('/api/v1/tokens', { name: 'ERP', scopes: ['shops.read'] });
    const bot = ctx.client();
    bot.bearer = created.json().secret;
    expect((await bot.get('/api/v1/shops')).statusCode).toBe(200);
    expect((await me.client.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'Better123' })).statusCode).toBe(204);
    expect((await bot.get('/api/v1/shops')).statusCode).toBe(401);
    expect((await other.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await me.client.get('/api/v1/auth/me')).statusCode).toBe(200);
  });

  it('an API token cannot create tokens (a leaked token cannot outlive its revocation)', async () => {
    const tokenRole = await role('对接员3', ['shops.read', 'tokens.manage']);
    const me = await user('minter', [tokenRole], [shopA]);
    const created = await me.client.post('/api/v1/tokens', { name: 'ERP', scopes: ['shops.read', 'tokens.manage'] });
    const bot = ctx.client();
    bot.bearer = created.json().secret;
    const minted = await bot.post('/api/v1/tokens', { name: 'child', scopes: ['shops.read'] });
    expect(minted.statusCode).toBe(403);
    expect(minted.json().detail).toContain('不能用 API 令牌创建');
    const beyond = await me.client.post('/api/v1/tokens', { name: 'more', scopes: ['users.write'] });
    expect(beyond.statusCode).toBe(403);
  });

  it('a user may not reset their own password without the current one', async () => {
    const { id, client } = await user('hr_self', [roles.get('hr')!], [shopA]);
    const res = await client.post(`/api/v1/users/${id}/reset-password`, { newPassword: 'Taken0ver!' });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toContain('修改密码');
  });

  it('role editing: non-owners cannot edit the owner role, a role beyond their permissions, or a role held outside their shops', async () => {
    const roleAdmin = await role('角色管理（甲店）', ['roles.read', 'roles.write', 'orders.read', 'shops.read']);
    const { client: ra } = await user('roleadmin_a', [roleAdmin], [shopA]);
    const ownerRename = await ra.patch(`/api/v1/roles/${roles.get('owner')!}`, { description: '改了' });
    expect(ownerRename.statusCode).toBe(403);
    expect(ownerRename.json().detail).toContain('只有店长');
    // 客服 carries permissions roleadmin_a lacks: adding one they hold would still edit it.
    const service = (await admin.get('/api/v1/roles')).json().items.find((r: { code: string }) => r.code === 'service');
    const widen = await ra.patch(`/api/v1/roles/${service.id}`, { permissions: [...service.permissions, 'shops.read'] });
    expect(widen.statusCode).toBe(403);
    expect(widen.json().detail).toContain('包含你没有的权限');
    // A role of their own size held by a shop-B user changes that user: refused; held only in shop A: allowed.
    const small = await role('查单员', ['orders.read']);
    await user('reader_b', [small], [shopB]);
    const viaB = await ra.patch(`/api/v1/roles/${small}`, { permissions: ['orders.read', 'shops.read'] });
    expect(viaB.statusCode).toBe(403);
    expect(viaB.json().detail).toContain('查单员');
    const smallA = await role('查单员（甲）', ['orders.read']);
    await user('reader_a', [smallA], [shopA]);
    expect((await ra.patch(`/api/v1/roles/${smallA}`, { permissions: ['orders.read', 'shops.read'] })).statusCode).toBe(200);
    // Deleting a role is organisation-wide.
    const unused = await role('闲置角色', ['orders.read']);
    const del = await ra.delete(`/api/v1/roles/${unused}`);
    expect(del.statusCode).toBe(403);
    expect(del.json().detail).toContain('全部店铺');
    expect((await admin.delete(`/api/v1/roles/${unused}`)).statusCode).toBe(204);
  });

  it('deleting the demo needs scope over every shop: a one-shop user gets 403 and the demo shops stay', async () => {
    const demo = (await admin.post('/api/v1/shops', { name: '演示店', channel: 'own' })).json().id as string;
    await ctx.tdb.database.db.updateTable('shops').set({ is_demo: 1 }).where('id', '=', demo).execute();
    const shopAdmin = await role('店铺管理（甲店）', ['shops.read', 'shops.write']);
    const { client } = await user('shopadmin_a', [shopAdmin], [shopA]);
    const res = await client.delete('/api/v1/demo');
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toContain('删除全部演示数据');
    expect((await admin.get('/api/v1/shops')).json().items.map((s: { id: string }) => s.id)).toContain(demo);
    expect((await admin.delete('/api/v1/demo')).statusCode).toBe(204);
    expect((await admin.get('/api/v1/shops')).json().items.map((s: { id: string }) => s.id)).not.toContain(demo);
  });

  it('traffic sources and source rules classify every shop’s traffic: a one-shop user gets 403', async () => {
    const trafficRole = await role('流量管理（甲店）', ['analytics.read', 'traffic.manage']);
    const { client } = await user('traffic_a', [trafficRole], [shopA]);
    const src = await client.post('/api/v1/traffic/sources', { code: 'blog_a', groupCode: 'offsite', name: '甲店博客' });
    expect(src.statusCode).toBe(403);
    expect(src.json().detail).toContain('新增流量来源');
    const rules = (await admin.get('/api/v1/traffic/rules')).json().items as { id: string }[];
    expect(rules.length).toBeGreaterThan(0);
    expect((await client.delete(`/api/v1/traffic/rules/${rules[0]!.id}`)).statusCode).toBe(403);
    expect((await client.patch(`/api/v1/traffic/rules/${rules[0]!.id}`, { enabled: false })).statusCode).toBe(403);
    expect((await admin.get('/api/v1/traffic/rules')).json().items).toHaveLength(rules.length);
  });

  it('100 simultaneous logins (99 wrong, the right one last) verify at most 5 passwords and refuse the right one', async () => {
    const target = await user('burst', [roles.get('viewer')!], [shopA]);
    // Each guess from its own IP: the per-user count alone must hold.
    const checksBefore = passwordChecks.count;
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => ctx.client(`10.77.${i >> 8}.${i & 255}`).login('burst', i === 99 ? PASSWORD : `wrong-${i}-pw`)),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(0);
    expect(codes[99]).toBe(429);
    // A verified wrong password is audited; four answer 401, the fifth locks (429).
    expect(passwordChecks.count - checksBefore).toBe(5);
    expect(await auditOf(target.id, 'auth.login_failed')).toHaveLength(5);
    expect(codes.filter((c) => c === 401)).toHaveLength(4);
    expect(results.filter((r) => r.statusCode === 429).every((r) => r.json().detail.includes('登录失败次数过多'))).toBe(true);
  });

  it('simultaneous logins from one IP across many names verify at most maxIpFailures passwords', async () => {
    const max = ctx.config.login.maxIpFailures;
    const n = max * 2;
    const checksBefore = passwordChecks.count;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        ctx.client('10.88.0.1').login(i === n - 1 ? 'admin' : `ghost${i}`, i === n - 1 ? ADMIN_PASSWORD : 'x'),
      ),
    );
    expect(passwordChecks.count - checksBefore).toBe(max);
    expect(results.filter((r) => r.statusCode === 401)).toHaveLength(max - 1);
    expect(results[n - 1]!.statusCode).toBe(429);
    expect((await ctx.client('10.88.0.2').login('admin', ADMIN_PASSWORD)).statusCode).toBe(200);
  });

  it('successful logins from one office IP do not use up its attempts', async () => {
    const cfg = { ...ctx.config.login, maxIpFailures: 3 };
    const db = ctx.tdb.database.db;
    for (let i = 0; i < 10; i++) {
      await admitAttempt(db, cfg, [{ key: 'ip:10.99.0.1', max: cfg.maxIpFailures }]);
      await recordSuccess(db, 'user:office', 'ip:10.99.0.1');
    }
    const row = await db.selectFrom('login_throttle').selectAll().where('key', '=', 'ip:10.99.0.1').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ failures: 0, locked_until: null });
  });

  it('usernames are unique ignoring case (409) and login ignores case', async () => {
    const viewer = roles.get('viewer')!;
    const first = await admin.post('/api/v1/users', { username: 'CaseUser', displayName: 'x', password: PASSWORD, roleIds: [viewer] });
    expect(first.statusCode).toBe(201);
    const dup = await admin.post('/api/v1/users', { username: 'caseuser', displayName: 'y', password: PASSWORD, roleIds: [viewer] });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().detail).toContain('不区分大小写');
    expect(dup.json().errors[0].path).toBe('username');
    const upper = await admin.post('/api/v1/users', { username: 'ADMIN', displayName: 'z', password: PASSWORD, roleIds: [viewer] });
    expect(upper.statusCode).toBe(409);
    const login = await ctx.client('10.66.0.1').login('CASEUSER', PASSWORD);
    expect(login.statusCode).toBe(200);
    expect(login.json().user.username).toBe('CaseUser');
  });

  it('shop names are stored in NFC and unique after normalisation', async () => {
    const decomposed = 'Cafe\u0301 小店';
    const created = await admin.post('/api/v1/shops', { name: decomposed, channel: 'own' });
    expect(created.statusCode).toBe(201);
    expect(created.json().name).toBe('Caf\u00e9 小店');
    const row = await ctx.tdb.database.db.selectFrom('shops').select('name').where('id', '=', created.json().id).executeTakeFirstOrThrow();
    expect(row.name).toBe(decomposed.normalize('NFC'));
    const dup = await admin.post('/api/v1/shops', { name: 'Caf\u00e9 小店', channel: 'jd' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().detail).toContain('已有名为');
    const renamed = await admin.patch(`/api/v1/shops/${shopB}`, { name: decomposed });
    expect(renamed.statusCode).toBe(409);
  });
});

describeEachDialect('accounts migration over existing duplicates', (dialect) => {
  it('keeps case-duplicate usernames and NFC-duplicate shop names working instead of failing', async () => {
    const { url, drop } = await freshDatabaseUrl(dialect);
    const database = openDatabase(url);
    try {
      const migrations: Record<string, Migration> = {
        '20261122_0001_foundation': m0001,
        '20261122_0002_jobs_notifications': m0002,
        '20261122_0003_catalog': m0003,
        '20261122_0004_inventory': m0004,
        '20261122_0005_orders': m0005,
        '20261122_0006_analytics': m0006,
        '20261206_0001_accounts': accounts,
      };
      const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } });
      expect((await migrator.migrateTo('20261122_0006_analytics')).error).toBeUndefined();
      // The tables as they were before this migration, not as schema.ts types them now.
      const db = database.db as unknown as Kysely<any>;
      await db.insertInto('orgs').values({ id: 'org_1', name: 'o', created_at: 1 }).execute();
      const u = (id: string, username: string, at: number) => ({
        id,
        org_id: 'org_1',
        username,
        display_name: username,
        password_hash: 'x',
        status: 'active',
        all_shops: 1,
        password_changed_at: at,
        created_at: at,
        updated_at: at,
      });
      await db
        .insertInto('users')
        .values([u('user_old', 'Admin', 1), u('user_new', 'admin', 2), u('user_x', 'Other', 3)])
        .execute();
      const s = (id: string, name: string, at: number) => ({
        id,
        org_id: 'org_1',
        name,
        channel: 'own',
        timezone: 'Asia/Shanghai',
        status: 'active',
        created_at: at,
        updated_at: at,
      });
      await db
        .insertInto('shops')
        .values([s('shop_nfc', 'Caf\u00e9', 1), s('shop_nfd_dup', 'Cafe\u0301', 2), s('shop_nfd', 'Ve\u0301lo', 3)])
        .execute();

      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const users = await db.selectFrom('users').select(['id', 'username_key']).orderBy('id').execute();
      expect(users).toEqual([
        { id: 'user_new', username_key: 'admin#user_new' },
        { id: 'user_old', username_key: 'admin' },
        { id: 'user_x', username_key: 'other' },
      ]);
      const shops = await db.selectFrom('shops').select(['id', 'name']).orderBy('id').execute();
      expect(shops).toEqual([
        { id: 'shop_nfc', name: 'Caf\u00e9' },
        { id: 'shop_nfd', name: 'V\u00e9lo' },
        { id: 'shop_nfd_dup', name: 'Caf\u00e9（fd_dup）' },
      ]);
      // The unique key now holds: a second 'ADMIN' key cannot be stored.
      await expect(
        db
          .insertInto('users')
          .values({ ...u('user_3', 'ADMIN', 4), username_key: 'admin' })
          .execute(),
      ).rejects.toThrow();
    } finally {
      await database.close();
      await drop();
    }
  });
});

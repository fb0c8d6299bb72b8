import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { ADMIN_PASSWORD, useTestApp } from './harness.js';

describeEachDialect('authentication', (dialect) => {
  const ctx = useTestApp(dialect);

  it('logs in as admin, returns me with all permissions, and logs out', async () => {
    const c = ctx.client();
    const res = await c.login('admin', ADMIN_PASSWORD);
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const me = res.json();
    expect(me.user.username).toBe('admin');
    expect(me.user.permissions).toContain('users.write');
    expect(me.user.roles.map((r: { code: string }) => r.code)).toEqual(['owner']);
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(200);
    expect((await c.post('/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('never stores the password in plain text', async () => {
    const row = await ctx.tdb.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).not.toContain(ADMIN_PASSWORD);
    expect(row.password_hash).toMatch(/^scrypt\$/);
  });

  it('locks a user after 5 wrong passwords with a clear Chinese message, even for the right password', async () => {
    await ctx.userWithRoles('locky', ['operator']);
    const c = ctx.client('10.0.0.5');
    for (let i = 0; i < 4; i++) {
      const r = await c.login('locky', 'wrong-password1');
      expect(r.statusCode).toBe(401);
      expect(r.json().detail).toContain('用户名或密码错误');
    }
    const fifth = await c.login('locky', 'wrong-password1');
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().detail).toMatch(/登录失败次数过多.*15 分钟/);
    const right = await ctx.client('10.0.0.6').login('locky', 'Passw0rd!');
    expect(right.statusCode).toBe(429);
    expect(right.headers['content-type']).toContain('application/problem+json');
    // Admin resets the password, which lifts the lock.
    const admin = await ctx.admin();
    const users = (await admin.get('/api/v1/users?q=locky')).json().items;
    expect((await admin.post(`/api/v1/users/${users[0].id}/reset-password`, { newPassword: 'NewPassw0rd' })).statusCode).toBe(204);
    expect((await ctx.client('10.0.0.7').login('locky', 'NewPassw0rd')).statusCode).toBe(200);
  });

  it('locks an IP that fails too often across many usernames', async () => {
    const c = ctx.client('10.9.9.9');
    let last = 0;
    for (let i = 0; i < ctx.config.login.maxIpFailures; i++) last = (await c.login(`nobody${i}`, 'x')).statusCode;
    expect(last).toBe(429);
    expect((await c.login('admin', ADMIN_PASSWORD)).statusCode).toBe(429);
    expect((await ctx.client('10.9.9.10').login('admin', ADMIN_PASSWORD)).statusCode).toBe(200);
  });

  it('requires the CSRF token for cookie-authenticated writes', async () => {
    const c = await ctx.admin();
    const noToken = await c.request('POST', '/api/v1/shops', { name: 'CSRF 店', channel: 'own' }, { 'x-csrf-token': '' });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().detail).toContain('CSRF');
    const ok = await c.post('/api/v1/shops', { name: 'CSRF 店', channel: 'own' });
    expect(ok.statusCode).toBe(201);
  });

  it('keeps sessions across a server restart', async () => {
    const c = await ctx.admin();
    await ctx.restart();
    const c2 = ctx.client();
    c2.cookie = c.cookie;
    expect((await c2.get('/api/v1/auth/me')).statusCode).toBe(200);
  });

  it('changes the own password and ends other sessions', async () => {
    const { client } = await ctx.userWithRoles('changer', ['designer']);
    const other = ctx.client();
    await other.login('changer', 'Passw0rd!');
    const bad = await client.post('/api/v1/auth/password', { currentPassword: 'nope', newPassword: 'Better123' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('currentPassword');
    const weak = await client.post('/api/v1/auth/password', { currentPassword: 'Passw0rd!', newPassword: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0]).toMatchObject({ path: 'newPassword' });
    expect((await client.post('/api/v1/auth/password', { currentPassword: 'Passw0rd!', newPassword: 'Better123' })).statusCode).toBe(204);
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(200);
    expect((await other.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await ctx.client().login('changer', 'Better123')).statusCode).toBe(200);
  });

  it('API tokens: scoped, hashed at rest, revocable', async () => {
    const admin = await ctx.admin();
    const created = await admin.post('/api/v1/tokens', { name: '对接 ERP', scopes: ['shops.read'] });
    expect(created.statusCode).toBe(201);
    const { secret, token } = created.json();
    expect(secret).toMatch(/^yyt_/);
    const stored = await ctx.tdb.database.db.selectFrom('api_tokens').selectAll().where('id', '=', token.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(secret.slice(4));
    const bot = ctx.client();
    bot.bearer = secret;
    expect((await bot.get('/api/v1/shops')).statusCode).toBe(200);
    // Out of scope even though the owner may.
    expect((await bot.get('/api/v1/users')).statusCode).toBe(403);
    // No CSRF needed for bearer writes, but still scope-checked.
    expect((await bot.post('/api/v1/shops', { name: 'x', channel: 'jd' })).statusCode).toBe(403);
    expect((await admin.get('/api/v1/tokens')).json().items[0]).toMatchObject({ name: '对接 ERP', scopes: ['shops.read'] });
    expect((await admin.delete(`/api/v1/tokens/${token.id}`)).statusCode).toBe(204);
    const after = await bot.get('/api/v1/shops');
    expect(after.statusCode).toBe(401);
    expect(after.json().detail).toContain('吊销');
  });

  it('refuses a token scope the creator does not hold', async () => {
    const { client } = await ctx.userWithRoles('tokenop', ['operator']);
    const r = await client.post('/api/v1/tokens', { name: 't', scopes: ['users.write'] });
    expect(r.statusCode).toBe(403);
    expect(r.json().errors[0].path).toBe('scopes');
  });
});

import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { useTestApp } from './harness.js';

const PUBLIC = new Set([
  'POST /api/v1/auth/login',
  // The unsubscribe link of a marketing email: the recipient has no account; the link carries a
  // random 144-bit token of one message and only ever adds that address to the do-not-contact list.
  'GET /api/v1/outreach/unsubscribe',
  'POST /api/v1/collect',
  'OPTIONS /api/v1/collect',
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /api/openapi.json',
]);

describeEachDialect('route guard', (dialect) => {
  const ctx = useTestApp(dialect);

  it('every /api/v1 route declares a permission and rejects an anonymous request with 401', async () => {
    const api = ctx.app.routeTable.filter((r) => r.url.startsWith('/api/v1'));
    expect(api.length).toBeGreaterThan(15);
    for (const r of api) {
      const key = `${r.method} ${r.url}`;
      if (PUBLIC.has(key)) {
        expect(r.permission).toBe('public');
        continue;
      }
      expect(r.permission, key).not.toBe('public');
      const url = r.url.replace(/:(\w+)/g, 'x_$1');
      const res = await ctx.app.inject({
        method: r.method as 'GET',
        url,
        payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
      });
      expect(res.statusCode, key).toBe(401);
      expect(res.json().code, key).toBe('unauthenticated');
    }
  });

  it('only the listed routes are public', () => {
    const publicRoutes = ctx.app.routeTable
      .filter((r) => r.permission === 'public' && r.url.startsWith('/api/v1'))
      .map((r) => `${r.method} ${r.url}`);
    expect(publicRoutes.sort()).toEqual([
      'GET /api/v1/outreach/unsubscribe',
      'OPTIONS /api/v1/collect',
      'POST /api/v1/auth/login',
      'POST /api/v1/collect',
    ]);
  });

  it('a customer-service user gets 403 on user management and has no settings permissions', async () => {
    const { client } = await ctx.userWithRoles('kefu1', ['service']);
    const me = (await client.get('/api/v1/auth/me')).json();
    expect(me.user.permissions).not.toContain('users.read');
    const list = await client.get('/api/v1/users');
    expect(list.statusCode).toBe(403);
    expect(list.json().detail).toContain('没有权限');
    expect(
      (await client.post('/api/v1/users', { username: 'x1', displayName: 'x', password: 'Passw0rd1', roleIds: ['r'] })).statusCode,
    ).toBe(403);
    expect((await client.get('/api/v1/roles')).statusCode).toBe(403);
    expect((await client.get('/api/v1/audit')).statusCode).toBe(403);
  });

  it('answers problem+json with request ids, health, readiness, metrics and OpenAPI', async () => {
    const nf = await ctx.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(nf.statusCode).toBe(404);
    expect(nf.headers['content-type']).toContain('application/problem+json');
    expect(nf.json().requestId).toBe(nf.headers['x-request-id']);
    expect((await ctx.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await ctx.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready', database: dialect });
    const metrics = await ctx.app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('yunying_http_requests_total');
    const spec = (await ctx.app.inject({ url: '/api/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toContain('/api/v1/users');
    expect(spec.paths['/api/v1/users'].post.requestBody).toBeTruthy();
    const docs = await ctx.app.inject({ url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    expect(docs.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('rejects oversized and malformed bodies with a Chinese problem', async () => {
    const admin = await ctx.admin();
    const big = await admin.request('POST', '/api/v1/shops', JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), channel: 'jd' }), {
      'content-type': 'application/json',
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('payload_too_large');
    const bad = await admin.request('POST', '/api/v1/shops', '{not json', { 'content-type': 'application/json' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain('JSON');
    const invalid = await admin.post('/api/v1/shops', { name: '', channel: 'amazon' });
    expect(invalid.statusCode).toBe(400);
    const paths = invalid
      .json()
      .errors.map((e: { path: string }) => e.path)
      .sort();
    expect(paths).toEqual(['channel', 'name']);
    expect(invalid.json().detail).toMatch(/渠道必须是/);
  });
});

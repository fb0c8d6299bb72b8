/**
 * Every route that declares a permission refuses a user whose role lacks exactly that permission,
 * generated from the route table so a new route is covered without editing this file.
 */
import { ALL_PERMISSIONS } from '@yunying/core';
import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { makeUserWithPermissions } from './fixtures.js';
import { useTestApp } from './harness.js';

describeEachDialect('route permissions', (dialect) => {
  const ctx = useTestApp(dialect);

  it('a role holding every permission but P gets 403 on every route that needs P', async () => {
    const admin = await ctx.admin();
    const routes = ctx.app.routeTable.filter(
      (r) => r.url.startsWith('/api/v1') && r.permission !== 'public' && r.permission !== 'authenticated',
    );
    const needed = [...new Set(routes.map((r) => r.permission))].sort();
    expect(needed.length).toBeGreaterThan(10);
    // A declared permission that is not in the catalogue could never be granted: a typo.
    for (const p of needed) expect(ALL_PERMISSIONS, p).toContain(p);

    let checked = 0;
    for (const [i, permission] of needed.entries()) {
      const client = await makeUserWithPermissions(ctx, admin, {
        username: `noperm${i}`,
        permissions: ALL_PERMISSIONS.filter((p) => p !== permission),
      });

      for (const r of routes.filter((x) => x.permission === permission)) {
        const url = r.url.replace(/:(\w+)/g, 'x_$1');
        const res = await client.request(r.method as 'GET', url, r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
        expect(res.statusCode, `${r.method} ${r.url} without ${permission}`).toBe(403);
        expect(res.json().code).toBe('forbidden');
        expect(res.json().detail).toContain(permission);
        checked++;
      }
    }
    expect(checked).toBe(routes.length);
  }, 240_000); // one request per route × permission: ~45 s on PostgreSQL on a busy 2-core machine

  it('every delete is organisation-wide or scoped to what the user owns, and org-wide actions refuse a one-shop user', async () => {
    // Deletes of things that belong to one user or one shop (checked in their services); every
    // other delete removes what all shops share and must be declared orgWide.
    const SCOPED_DELETES = new Set([
      'DELETE /api/v1/orders/views/:id',
      'DELETE /api/v1/tokens/:id',
      'DELETE /api/v1/imports/presets/:id',
      'DELETE /api/v1/products/:id/images/:imageId',
      'DELETE /api/v1/traffic/keys/:id',
      'DELETE /api/v1/tasks/:id', // a task of one shop (or of none), checked like its reads
      'DELETE /api/v1/targets/:id', // one shop's target
      'DELETE /api/v1/customers/segments/:id', // one shop's saved segment (scopeToShops, like its reads)
    ]);
    const api = ctx.app.routeTable.filter((r) => r.url.startsWith('/api/v1'));
    for (const r of api.filter((x) => x.method === 'DELETE')) {
      const key = `${r.method} ${r.url}`;
      expect(r.orgWide || SCOPED_DELETES.has(key), `${key} is neither orgWide nor a scoped delete`).toBe(true);
    }
    const orgWide = api.filter((r) => r.orgWide);
    expect(orgWide.length).toBeGreaterThanOrEqual(10);

    const admin = await ctx.admin();
    const shopA = (await admin.post('/api/v1/shops', { name: '单店A', channel: 'tmall', timezone: 'Asia/Shanghai' })).json().id;
    await admin.post('/api/v1/shops', { name: '单店B', channel: 'jd', timezone: 'Asia/Shanghai' });
    const client = await makeUserWithPermissions(ctx, admin, {
      username: 'oneshop_all',
      permissions: ALL_PERMISSIONS.filter((p) => p !== 'customers.pii.read'),
      shopIds: [shopA],
    });
    for (const r of orgWide) {
      const url = r.url.replace(/:(\w+)/g, 'x_$1');
      const res = await client.request(r.method as 'GET', url, r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      expect(res.statusCode, `${r.method} ${r.url} by a one-shop user`).toBe(403);
      expect(res.json().detail).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

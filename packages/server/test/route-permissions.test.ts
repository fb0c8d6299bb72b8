/**
 * Every route that declares a permission refuses a user whose role lacks exactly that permission,
 * generated from the route table so a new route is covered without editing this file.
 */
import { ALL_PERMISSIONS } from '@yunying/core';
import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
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
      const role = await admin.post('/api/v1/roles', {
        name: `缺${i}`,
        permissions: ALL_PERMISSIONS.filter((p) => p !== permission),
      });
      expect(role.statusCode, role.body).toBe(201);
      const username = `noperm${i}`;
      const created = await admin.post('/api/v1/users', {
        username,
        displayName: username,
        password: 'Passw0rd!',
        roleIds: [role.json().id],
        allShops: true,
      });
      expect(created.statusCode, created.body).toBe(201);
      const client = ctx.client();
      expect((await client.login(username, 'Passw0rd!')).statusCode).toBe(200);

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
  });
});

import { IdParams, PERMISSION_GROUPS, RoleBody, UpdateRoleBody } from '@yunying/core';
import type { AppInstance } from '../../http/types.js';
import * as roles from './roles.service.js';

export async function rolesRoutes(app: AppInstance): Promise<void> {
  app.get('/permissions', { schema: { tags: ['roles'], summary: '权限目录' }, config: { permission: 'authenticated' } }, async () => ({
    groups: PERMISSION_GROUPS,
  }));

  app.get('/roles', { schema: { tags: ['roles'], summary: '角色列表' }, config: { permission: 'roles.read' } }, async (req) => ({
    items: await roles.listRoles(app.db, req.actor!.orgId),
  }));

  app.post(
    '/roles',
    { schema: { tags: ['roles'], summary: '新建角色', body: RoleBody }, config: { permission: 'roles.write' } },
    async (req, reply) => reply.code(201).send(await app.db.transaction().execute((trx) => roles.createRole(trx, req.actor!, req.body))),
  );

  app.patch(
    '/roles/:id',
    {
      schema: { tags: ['roles'], summary: '修改角色与权限', params: IdParams, body: UpdateRoleBody },
      config: { permission: 'roles.write' },
    },
    (req) => app.db.transaction().execute((trx) => roles.updateRole(trx, req.actor!, req.params.id, req.body)),
  );

  app.delete(
    '/roles/:id',
    { schema: { tags: ['roles'], summary: '删除角色', params: IdParams }, config: { permission: 'roles.write', orgWide: true } },
    async (req, reply) => {
      await app.db.transaction().execute((trx) => roles.deleteRole(trx, req.actor!, req.params.id));
      return reply.code(204).send();
    },
  );
}

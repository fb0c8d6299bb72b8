import { CreateUserBody, IdParams, ResetPasswordBody, UpdateUserBody, UserListQuery } from '@yunying/core';
import type { AppInstance } from '../../http/types.js';
import * as users from './users.service.js';

export async function usersRoutes(app: AppInstance): Promise<void> {
  app.get(
    '/users',
    { schema: { tags: ['users'], summary: '用户列表', querystring: UserListQuery }, config: { permission: 'users.read' } },
    (req) => users.listUsers(app.db, req.actor!, req.query),
  );

  app.get(
    '/users/:id',
    { schema: { tags: ['users'], summary: '用户详情', params: IdParams }, config: { permission: 'users.read' } },
    (req) => users.getUser(app.db, req.actor!, req.actor!.orgId, req.params.id),
  );

  app.post(
    '/users',
    { schema: { tags: ['users'], summary: '新建用户', body: CreateUserBody }, config: { permission: 'users.write' } },
    async (req, reply) => {
      const user = await app.db.transaction().execute((trx) => users.createUser(trx, req.actor!, req.body));
      return reply.code(201).send(user);
    },
  );

  app.patch(
    '/users/:id',
    { schema: { tags: ['users'], summary: '修改用户', params: IdParams, body: UpdateUserBody }, config: { permission: 'users.write' } },
    (req) => app.db.transaction().execute((trx) => users.updateUser(trx, req.actor!, req.params.id, req.body)),
  );

  app.post(
    '/users/:id/reset-password',
    { schema: { tags: ['users'], summary: '重置密码', params: IdParams, body: ResetPasswordBody }, config: { permission: 'users.write' } },
    async (req, reply) => {
      await app.db.transaction().execute((trx) => users.resetPassword(trx, req.actor!, req.params.id, req.body.newPassword));
      return reply.code(204).send();
    },
  );
}

import { CreateTokenBody, IdParams } from '@yunying/core';
import type { AppInstance } from '../../http/types.js';
import * as tokens from './tokens.service.js';

export async function tokensRoutes(app: AppInstance): Promise<void> {
  app.get('/tokens', { schema: { tags: ['tokens'], summary: '我的 API 令牌' }, config: { permission: 'tokens.manage' } }, async (req) => ({
    items: await tokens.listOwn(app.db, req.actor!),
  }));

  app.post(
    '/tokens',
    {
      schema: { tags: ['tokens'], summary: '新建 API 令牌（密钥只显示一次）', body: CreateTokenBody },
      config: { permission: 'tokens.manage' },
    },
    async (req, reply) => reply.code(201).send(await app.db.transaction().execute((trx) => tokens.createToken(trx, req.actor!, req.body))),
  );

  app.delete(
    '/tokens/:id',
    { schema: { tags: ['tokens'], summary: '吊销 API 令牌', params: IdParams }, config: { permission: 'tokens.manage' } },
    async (req, reply) => {
      await app.db.transaction().execute((trx) => tokens.revokeToken(trx, req.actor!, req.params.id));
      return reply.code(204).send();
    },
  );
}

import { CreateShopBody, IdParams, UpdateShopBody } from '@yunying/core';
import type { AppInstance } from '../../http/types.js';
import * as shops from './shops.service.js';

export async function shopsRoutes(app: AppInstance): Promise<void> {
  app.get('/shops', { schema: { tags: ['shops'], summary: '店铺列表' }, config: { permission: 'shops.read' } }, async (req) => ({
    items: await shops.listVisible(app.db, req.actor!),
  }));

  app.post(
    '/shops',
    { schema: { tags: ['shops'], summary: '新建店铺', body: CreateShopBody }, config: { permission: 'shops.write' } },
    async (req, reply) => {
      const shop = await app.db.transaction().execute((trx) => shops.createShop(trx, req.actor!, req.body));
      return reply.code(201).send(shop);
    },
  );

  app.patch(
    '/shops/:id',
    { schema: { tags: ['shops'], summary: '修改店铺', params: IdParams, body: UpdateShopBody }, config: { permission: 'shops.write' } },
    (req) => app.db.transaction().execute((trx) => shops.updateShop(trx, req.actor!, req.params.id, req.body)),
  );
}

import type { AppInstance } from '../../http/types.js';
import { canSeeShop } from '../../db/kit.js';
import { deleteDemo } from './remove.js';
import { demoShops } from './status.js';

export async function demoRoutes(app: AppInstance): Promise<void> {
  app.get('/demo', { schema: { tags: ['demo'], summary: '演示数据状态' }, config: { permission: 'authenticated' } }, async (req) => {
    const all = await demoShops(app.db, req.actor!.orgId);
    const shops = all.filter((s) => canSeeShop(req.actor!, s.id));
    return { loaded: all.length > 0, shops };
  });

  app.delete(
    '/demo',
    // Deletes every demo shop and the demo's organisation-wide catalogue, stock and suppliers.
    { schema: { tags: ['demo'], summary: '删除全部演示数据' }, config: { permission: 'shops.write', orgWide: true } },
    async (req, reply) => {
      await app.db.transaction().execute((trx) => deleteDemo(trx, req.actor!));
      return reply.code(204).send();
    },
  );
}

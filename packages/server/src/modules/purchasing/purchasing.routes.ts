import {
  IdParams,
  PurchaseOrderBody,
  PurchaseOrderQuery,
  ReceiveBody,
  SupplierBody,
  SupplierQuery,
  UpdatePurchaseOrderBody,
  UpdateSupplierBody,
} from '@yunying/core';
import type { AppInstance } from '../../http/types.js';
import * as po from './purchase-orders.service.js';
import * as suppliers from './suppliers.service.js';

const tags = ['purchasing'];

export async function purchasingRoutes(app: AppInstance): Promise<void> {
  const tx = app.db.transaction.bind(app.db);
  const config = { permission: 'purchasing.write' } as const;

  app.get('/suppliers', { schema: { tags, summary: '供应商列表', querystring: SupplierQuery }, config }, (req) =>
    suppliers.listSuppliers(app.db, req.actor!, req.query),
  );
  app.post('/suppliers', { schema: { tags, summary: '新建供应商', body: SupplierBody }, config }, async (req, reply) =>
    reply.code(201).send(await tx().execute((trx) => suppliers.createSupplier(trx, req.actor!, req.body))),
  );
  app.patch('/suppliers/:id', { schema: { tags, summary: '修改供应商', params: IdParams, body: UpdateSupplierBody }, config }, (req) =>
    tx().execute((trx) => suppliers.updateSupplier(trx, req.actor!, req.params.id, req.body)),
  );
  app.delete(
    '/suppliers/:id',
    { schema: { tags, summary: '删除供应商', params: IdParams }, config: { ...config, orgWide: true } },
    async (req, reply) => {
      await tx().execute((trx) => suppliers.deleteSupplier(trx, req.actor!, req.params.id));
      return reply.code(204).send();
    },
  );

  app.get('/purchase-orders', { schema: { tags, summary: '采购单列表', querystring: PurchaseOrderQuery }, config }, (req) =>
    po.listPurchaseOrders(app.db, req.actor!, req.query),
  );
  app.post('/purchase-orders', { schema: { tags, summary: '新建采购单（草稿）', body: PurchaseOrderBody }, config }, async (req, reply) =>
    reply.code(201).send(await tx().execute((trx) => po.createPurchaseOrder(trx, req.actor!, req.body))),
  );
  app.get('/purchase-orders/:id', { schema: { tags, summary: '采购单详情', params: IdParams }, config }, (req) =>
    po.getPurchaseOrder(app.db, req.actor!, req.params.id),
  );
  app.patch(
    '/purchase-orders/:id',
    { schema: { tags, summary: '修改草稿采购单', params: IdParams, body: UpdatePurchaseOrderBody }, config },
    (req) => tx().execute((trx) => po.updatePurchaseOrder(trx, req.actor!, req.params.id, req.body)),
  );
  app.post('/purchase-orders/:id/order', { schema: { tags, summary: '确认下单', params: IdParams }, config }, (req) =>
    tx().execute((trx) => po.orderPurchaseOrder(trx, req.actor!, req.params.id)),
  );
  app.post('/purchase-orders/:id/receive', { schema: { tags, summary: '收货入库', params: IdParams, body: ReceiveBody }, config }, (req) =>
    tx().execute((trx) => po.receivePurchaseOrder(trx, req.actor!, req.params.id, req.body)),
  );
  app.post('/purchase-orders/:id/cancel', { schema: { tags, summary: '取消采购单', params: IdParams }, config }, (req) =>
    tx().execute((trx) => po.cancelPurchaseOrder(trx, req.actor!, req.params.id)),
  );
}

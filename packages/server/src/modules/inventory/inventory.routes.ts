import {
  AdjustBody,
  AppError,
  ApplyStocktakeBody,
  CreateStocktakeBody,
  DefectiveBody,
  IdParams,
  LedgerCheckQuery,
  MovementsQuery,
  SkuIdParams as SkuParams,
  StockSkuOptionsQuery,
  StockQuery,
  StocktakeLinesBody,
  StocktakeListQuery,
  ThresholdsBody,
  TransferBody,
  TransferListQuery,
  UpdateWarehouseBody,
  WarehouseBody,
} from '@yunying/core';
import type { AppInstance } from '../../http/types.js';
import * as changes from './adjust.service.js';
import * as stocktakes from './stocktake.service.js';
import * as view from './stockview.service.js';
import * as transfers from './transfers.service.js';
import * as warehouses from './warehouses.service.js';

const tags = ['inventory'];

export async function inventoryRoutes(app: AppInstance): Promise<void> {
  const tx = app.db.transaction.bind(app.db);

  // ---- warehouses ----
  app.get('/warehouses', { schema: { tags, summary: '仓库列表' }, config: { permission: 'inventory.read' } }, async (req) => ({
    items: await tx().execute((trx) => warehouses.listWarehouses(trx, req.actor!)),
  }));
  app.post(
    '/warehouses',
    { schema: { tags, summary: '新建仓库', body: WarehouseBody }, config: { permission: 'inventory.write' } },
    async (req, reply) => reply.code(201).send(await tx().execute((trx) => warehouses.createWarehouse(trx, req.actor!, req.body))),
  );
  app.patch(
    '/warehouses/:id',
    {
      schema: { tags, summary: '修改仓库', params: IdParams, body: UpdateWarehouseBody },
      config: { permission: 'inventory.write', orgWide: true },
    },
    (req) => tx().execute((trx) => warehouses.updateWarehouse(trx, req.actor!, req.params.id, req.body)),
  );

  // ---- stock ----
  app.get(
    '/stock',
    { schema: { tags, summary: '库存（SKU × 仓库）', querystring: StockQuery }, config: { permission: 'inventory.read' } },
    (req) => view.listStock(app.db, req.actor!, req.query),
  );
  app.patch(
    '/stock/skus/:skuId/thresholds',
    { schema: { tags, summary: '设置库存预警值', params: SkuParams, body: ThresholdsBody }, config: { permission: 'inventory.write' } },
    (req) => tx().execute((trx) => changes.setThresholds(trx, req.actor!, req.params.skuId, req.body)),
  );
  app.post('/stock/adjust', { schema: { tags, summary: '库存调整', body: AdjustBody }, config: { permission: 'inventory.write' } }, (req) =>
    tx().execute((trx) => changes.adjust(trx, req.actor!, req.body)),
  );
  app.post(
    '/stock/defective',
    { schema: { tags, summary: '报次品', body: DefectiveBody }, config: { permission: 'inventory.write' } },
    (req) => tx().execute((trx) => changes.reportDefective(trx, req.actor!, req.body)),
  );
  app.get(
    '/stock/movements',
    { schema: { tags, summary: '出入库流水', querystring: MovementsQuery }, config: { permission: 'inventory.read' } },
    (req) => view.listMovements(app.db, req.actor!, req.query),
  );
  app.get(
    '/stock/ledger-check',
    { schema: { tags, summary: '流水与库存对账', querystring: LedgerCheckQuery }, config: { permission: 'inventory.read' } },
    (req) => view.ledgerCheck(app.db, req.actor!, req.query),
  );
  app.get(
    '/inventory/sku-options',
    {
      schema: { tags, summary: 'SKU 选择器', querystring: StockSkuOptionsQuery },
      config: { permission: 'authenticated' },
    },
    async (req) => {
      const a = req.actor!;
      if (!['inventory.read', 'inventory.write', 'purchasing.write'].some((p) => a.permissions.has(p))) {
        throw new AppError('forbidden', '没有权限执行此操作（需要库存或采购权限），请联系店长为你的角色添加。');
      }
      return { items: await view.skuOptions(app.db, a, req.query.q) };
    },
  );

  // ---- stocktakes ----
  app.get(
    '/stocktakes',
    {
      schema: {
        tags,
        summary: '盘点单列表',
        querystring: StocktakeListQuery,
      },
      config: { permission: 'inventory.read' },
    },
    (req) => stocktakes.listStocktakes(app.db, req.actor!, req.query),
  );
  app.post(
    '/stocktakes',
    { schema: { tags, summary: '新建盘点单', body: CreateStocktakeBody }, config: { permission: 'inventory.write' } },
    async (req, reply) => reply.code(201).send(await tx().execute((trx) => stocktakes.createStocktake(trx, req.actor!, req.body))),
  );
  app.get(
    '/stocktakes/:id',
    { schema: { tags, summary: '盘点单详情', params: IdParams }, config: { permission: 'inventory.read' } },
    (req) => stocktakes.getStocktake(app.db, req.actor!, req.params.id),
  );
  app.patch(
    '/stocktakes/:id/lines',
    { schema: { tags, summary: '录入实盘数', params: IdParams, body: StocktakeLinesBody }, config: { permission: 'inventory.write' } },
    (req) => tx().execute((trx) => stocktakes.saveCounts(trx, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/stocktakes/:id/apply',
    {
      schema: { tags, summary: '应用盘点差异', params: IdParams, body: ApplyStocktakeBody },
      config: { permission: 'inventory.write' },
    },
    (req) => tx().execute((trx) => stocktakes.applyStocktake(trx, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/stocktakes/:id/cancel',
    { schema: { tags, summary: '取消盘点', params: IdParams }, config: { permission: 'inventory.write' } },
    (req) => tx().execute((trx) => stocktakes.cancelStocktake(trx, req.actor!, req.params.id)),
  );

  // ---- transfers ----
  app.get(
    '/transfers',
    {
      schema: { tags, summary: '调拨单列表', querystring: TransferListQuery },
      config: { permission: 'inventory.read' },
    },
    (req) => transfers.listTransfers(app.db, req.actor!, req.query),
  );
  app.post(
    '/transfers',
    { schema: { tags, summary: '新建调拨', body: TransferBody }, config: { permission: 'inventory.write' } },
    async (req, reply) => reply.code(201).send(await tx().execute((trx) => transfers.createTransfer(trx, req.actor!, req.body))),
  );
  app.get(
    '/transfers/:id',
    { schema: { tags, summary: '调拨单详情', params: IdParams }, config: { permission: 'inventory.read' } },
    (req) => transfers.getTransfer(app.db, req.actor!, req.params.id),
  );
}

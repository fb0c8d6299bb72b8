/**
 * Removing the demo: every demo shop with all its rows, plus the catalogue, stock, ledger,
 * suppliers and warehouses the demo created (from its manifest) — except what real data has come
 * to use since. Each table is deleted by its owner; one transaction, one audit entry.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as ads from '../ads/index.js';
import * as aftersales from '../aftersales/index.js';
import * as analytics from '../analytics/index.js';
import * as audit from '../audit/index.js';
import * as catalog from '../catalog/index.js';
import * as customers from '../customers/index.js';
import * as inventory from '../inventory/index.js';
import * as jobs from '../jobs/index.js';
import * as marketing from '../marketing/index.js';
import * as notifications from '../notifications/index.js';
import * as orders from '../orders/index.js';
import * as purchasing from '../purchasing/index.js';
import * as shops from '../shops/index.js';
import * as traffic from '../traffic/index.js';
import * as trafficImport from '../traffic-import/index.js';
import * as users from '../users/index.js';
import { deleteManifest, readManifest, type DeleteSummary, type DemoManifest } from './manifest.js';
import * as reviews from '../reviews/index.js';
import * as service from '../service/index.js';

/**
 * Remove every demo shop and all its rows, plus the catalogue, stock, ledger, suppliers and
 * warehouses the demo created — except what real data has come to use since (a demo SKU sold in
 * a real shop stays, with its stock and ledger, so the ledger still adds up). One transaction.
 */
export async function deleteDemo(trx: Transaction<DB>, actor: Actor): Promise<DeleteSummary> {
  const orgId = actor.orgId;
  const shopIds = (await shops.bulk.demoShops(trx, orgId)).map((s) => s.id);
  const manifest = await readManifest(trx, orgId);
  const summary: DeleteSummary = { shops: shopIds.length, orders: 0, events: 0, products: 0, skus: 0, keptProducts: 0 };
  if (shopIds.length) {
    await marketing.bulk.removeShopMarketing(trx, shopIds);
    await aftersales.bulk.removeShopCases(trx, shopIds);
    summary.orders = await orders.bulk.removeShopOrders(trx, shopIds);
    summary.events = await traffic.bulk.removeShopTraffic(trx, shopIds);
    await trafficImport.bulk.removeShopTrafficStats(trx, shopIds);
    await reviews.bulk.removeShopReviews(trx, shopIds);
    await service.bulk.removeShopChats(trx, shopIds);
    await ads.bulk.removeShopAds(trx, shopIds);
    await analytics.bulk.removeShopRollups(trx, shopIds);
    await customers.bulk.removeShopCustomers(trx, shopIds);
    await catalog.bulk.removeShopListings(trx, shopIds);
    await users.bulk.removeShopGrants(trx, shopIds);
    await jobs.bulk.removeShopJobs(trx, shopIds);
    await notifications.bulk.removeShopNotifications(trx, shopIds);
    await shops.bulk.removeShops(trx, shopIds);
  }
  if (manifest) await deleteCatalogue(trx, { orgId, manifest, summary });
  await deleteManifest(trx, orgId);
  if (shopIds.length || manifest) {
    await audit.record(trx, actor, 'demo.delete', {
      entityType: 'demo',
      entityId: manifest ? String(manifest.seed) : null,
      before: summary,
    });
  }
  return summary;
}

interface CatalogueOptions {
  orgId: string;
  manifest: DemoManifest;
  /** Filled in: products and SKUs removed, products kept. */
  summary: DeleteSummary;
}

async function deleteCatalogue(trx: Transaction<DB>, { orgId, manifest: m, summary }: CatalogueOptions): Promise<void> {
  // SKUs / products real data now uses are kept (with their stock and ledger).
  const usedSkus = [
    ...(await orders.bulk.skusInUse(trx, m.skuIds)),
    ...(await inventory.bulk.skusInUse(trx, m.skuIds)),
    ...(await purchasing.bulk.skusOnOtherPurchaseOrders(trx, {
      skuIds: m.skuIds,
      supplierIds: m.supplierIds,
      warehouseIds: m.warehouseIds,
    })),
  ];
  const keptProducts = new Set([
    ...(await catalog.bulk.productIdsOfSkus(trx, usedSkus)),
    ...(await catalog.bulk.listedProductIds(trx, m.productIds)),
  ]);
  const productIds = m.productIds.filter((id) => !keptProducts.has(id));
  summary.keptProducts = keptProducts.size;
  const skuIds = await catalog.bulk.skuIdsOfProducts(trx, productIds);
  await inventory.bulk.removeSkuStock(trx, skuIds);
  await purchasing.bulk.removeSkuLines(trx, skuIds);
  await notifications.bulk.removeEntityNotifications(trx, { entityType: 'sku', entityIds: skuIds });
  await catalog.bulk.removeProducts(trx, { productIds, skuIds });
  summary.products = productIds.length;
  summary.skus = skuIds.length;
  // Purchase orders of the demo's suppliers into the demo's warehouses, once they have no lines;
  // then the suppliers, warehouses, categories and brands of the demo that nothing uses any more.
  await purchasing.bulk.removeEmptyPurchaseOrders(trx, { orgId, supplierIds: m.supplierIds, warehouseIds: m.warehouseIds });
  await purchasing.bulk.removeUnusedSuppliers(trx, m.supplierIds);
  const usedWarehouses = new Set([
    ...(await inventory.bulk.warehousesInUse(trx, m.warehouseIds)),
    ...(await purchasing.bulk.warehousesInUse(trx, m.warehouseIds)),
    ...(await orders.bulk.warehousesInUse(trx, m.warehouseIds)),
  ]);
  await inventory.bulk.removeWarehouses(
    trx,
    m.warehouseIds.filter((id) => !usedWarehouses.has(id)),
  );
  await catalog.bulk.removeUnusedCategories(trx, m.categoryIds);
  await catalog.bulk.removeUnusedBrands(trx, m.brandIds);
}

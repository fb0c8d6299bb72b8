/**
 * Loading the demo: what @yunying/sim generates goes into the database through each owning
 * module's bulk writer, with multi-row inserts in batched transactions; the shops are marked
 * `is_demo`, the daily rollups rebuilt, and a manifest remembers what the demo created.
 */
import { AppError, DEFAULT_TIMEZONE, businessDay } from '@yunying/core';
import { IdMaker, Rng, generate, type Generated, type Profile } from '@yunying/sim';
import { sql, type Kysely } from 'kysely';
import { getOrgId } from '../../bootstrap.js';
import type { Database } from '../../db/dialect.js';
import type { DB } from '../../db/schema.js';
import { systemActor } from '../../http/actor.js';
import * as ads from '../ads/index.js';
import * as aftersales from '../aftersales/index.js';
import { recomputeDays } from '../analytics/index.js';
import * as audit from '../audit/index.js';
import * as catalog from '../catalog/index.js';
import * as customers from '../customers/index.js';
import * as inventory from '../inventory/index.js';
import * as marketing from '../marketing/index.js';
import * as purchasing from '../purchasing/index.js';
import * as reviews from '../reviews/index.js';
import * as service from '../service/index.js';
import * as shops from '../shops/index.js';
import { ensureSeeded } from '../traffic/index.js';
import { writeDays, type DayCounts } from './days.js';
import { ACTOR_NAME, DEMO_DEFAULT_SEED, claimManifest, type DemoManifest, type DemoSummary } from './manifest.js';
import { eachSimBatch } from './sim-thread.js';

export interface LoadOptions {
  profile: Profile;
  seed?: number;
  /** The simulated present (default: the real clock). */
  now?: number;
  timezone?: string;
  onProgress?: (done: number, total: number) => void;
}

/** Rows (roughly) written per transaction while loading the days. */
const ROWS_PER_TRANSACTION = 60_000;

/** Load a demo business (refuses when one is loaded: delete it first). */
export async function loadDemo(database: Database, opts: LoadOptions): Promise<DemoSummary> {
  const started = Date.now();
  const db = database.db;
  const orgId = await getOrgId(db);
  if (!orgId) throw new AppError('invalid_state', '数据库还没有初始化，请先运行 yunying migrate 或启动一次控制台');
  if ((await shops.bulk.demoShops(db, orgId)).length) {
    throw new AppError('conflict', '演示数据已经加载过了；如需重新加载，请先删除演示数据（设置 → 店铺，或 yunying demo --delete）');
  }
  const seed = opts.seed ?? DEMO_DEFAULT_SEED;
  const timezone = opts.timezone ?? DEFAULT_TIMEZONE;
  const now = opts.now ?? Date.now();
  const gen = { profile: opts.profile, seed, timezone, now, endDay: businessDay(now, timezone) };
  // The static world here (cheap); the days come from the simulation thread, which builds the same one.
  const g = generate(gen);
  await checkCollisions(db, orgId, g);
  await aftersales.ensureReasons(db, orgId);
  await ensureSeeded(db, orgId);
  const existingBrand = await catalog.bulk.brandIdByName(db, orgId, g.brands[0]!.name);
  const brandId = existingBrand ?? g.brands[0]!.id;

  const manifest: DemoManifest = {
    profile: opts.profile,
    seed,
    loadedAt: now,
    shopIds: g.shops.map((s) => s.id),
    productIds: g.products.map((p) => p.id),
    skuIds: g.products.flatMap((p) => p.skus.map((s) => s.id)),
    categoryIds: g.categories.map((c) => c.id),
    brandIds: existingBrand ? [] : [brandId],
    warehouseIds: g.warehouses.map((w) => w.id),
    supplierIds: g.suppliers.map((s) => s.id),
  };
  const writeStart = Date.now();
  await db.transaction().execute(async (trx) => {
    if (!(await claimManifest(trx, orgId, manifest))) throw new Error('demo manifest already present');
    await writeStatic(trx, { orgId, g, brandId: existingBrand ?? null, now });
    await catalog.bulk.insertProductPictures(trx, database, { orgId, products: g.products });
  });

  // The days, a few at a time per transaction, simulated in a worker thread while the previous
  // batch is written (sim-thread.ts); then the stock rows are set to the ledger sums.
  const ids = new IdMaker(Rng.of(seed, 'loader-ids'));
  const counts: DayCounts = { orders: 0, orderLines: 0, aftersales: 0, events: 0, trafficStats: 0, purchaseOrders: 0, movements: 0 };
  let done = 0;
  const { end, waitMs: simWaitMs } = await eachSimBatch({ gen, rowsPerBatch: ROWS_PER_TRANSACTION }, async (days) => {
    await db.transaction().execute((trx) => writeDays(trx, { orgId, days, ids, counts, now }));
    done += days.length;
    opts.onProgress?.(done, g.dayList.length);
  });
  const { ads: adData, service: serviceData, emails: emailsOf } = end;
  // Paid promotion: the ad reports the simulated paid-search traffic implies (sim/src/ads.ts).
  await db.transaction().execute(async (trx) => {
    await ads.bulk.insertPlans(trx, { orgId, now, plans: adData.plans });
    await ads.bulk.insertRows(trx, { importedAt: now, rows: adData.rows });
  });
  // Reviews and service conversations derived from the orders (sim/src/reviews.ts).
  await db.transaction().execute(async (trx) => {
    await reviews.bulk.insertReviews(trx, { orgId, timezone: g.timezone, now, actorName: ACTOR_NAME, reviews: serviceData.reviews });
    await service.bulk.insertChats(trx, { orgId, timezone: g.timezone, now, chats: serviceData.chats });
  });
  await db.transaction().execute(async (trx) => {
    await marketing.bulk.countClaims(
      trx,
      g.marketing.couponTemplates.map((t) => t.id),
    );
    await inventory.bulk.stockFromLedger(trx, { orgId, now, skuIds: manifest.skuIds });
    await audit.record(trx, systemActor(orgId, ACTOR_NAME), 'demo.load', {
      entityType: 'demo',
      entityId: String(seed),
      after: { profile: opts.profile, seed, shops: g.shops.map((s) => s.name), ...counts },
    });
  });
  const writeMs = Date.now() - writeStart;

  const rollupStart = Date.now();
  for (const shop of g.shops) await recomputeDays(db, shop.id, g.dayList);
  const customersStart = Date.now();
  // Customers from the loaded orders, built now so the first customer page opens at once.
  for (const shop of g.shops) await customers.rebuildShop(db, shop.id);
  // Buyers who left an email (most own-site members): outreach by email has someone to reach.
  await db.transaction().execute((trx) => customers.bulk.setEmails(trx, emailsOf));
  const rollupMs = Date.now() - rollupStart;
  const customersMs = Date.now() - customersStart;
  // PostgreSQL plans by table statistics; right after a bulk load they still describe nearly
  // empty tables until autovacuum gets round to them, and the planner then picks nested loops
  // that made the dashboard's low-stock query 200 ms instead of 2. Refresh them now.
  if (database.dialect === 'postgres') await sql`analyze`.execute(db);

  return {
    profile: opts.profile,
    seed,
    from: g.startDay,
    to: g.endDay,
    shops: g.shops.length,
    products: g.products.length,
    skus: manifest.skuIds.length,
    ...counts,
    writeMs,
    simWaitMs,
    rollupMs,
    customersMs,
    elapsedMs: Date.now() - started,
  };
}

/** Refuse (409, naming what is taken) when a demo shop, code or name is already in use. */
async function checkCollisions(db: Kysely<DB>, orgId: string, g: Generated): Promise<void> {
  const codes = await catalog.bulk.takenCodes(db, orgId, {
    skuCodes: g.products.flatMap((p) => p.skus.map((s) => s.code)),
    productCodes: g.products.map((p) => p.code),
  });
  const taken = [
    ...(
      await shops.bulk.takenShopNames(
        db,
        orgId,
        g.shops.map((s) => s.name),
      )
    ).map((n) => `店铺「${n}」`),
    ...codes.skuCodes.map((c) => `商家编码 ${c}`),
    ...codes.productCodes.map((c) => `货号 ${c}`),
    ...(
      await inventory.bulk.takenWarehouseCodes(
        db,
        orgId,
        g.warehouses.map((w) => w.code),
      )
    ).map((c) => `仓库编码 ${c}`),
    ...(
      await purchasing.bulk.takenSupplierNames(
        db,
        orgId,
        g.suppliers.map((s) => s.name),
      )
    ).map((n) => `供应商「${n}」`),
  ];
  if (taken.length) {
    throw new AppError('conflict', `不能加载演示数据：${taken.slice(0, 5).join('、')} 已被占用，请改名后再试`, { taken });
  }
}

interface StaticOptions {
  orgId: string;
  g: Generated;
  /** The organisation's brand of the demo's brand name, or null to create the demo's brands. */
  brandId: string | null;
  now: number;
}

/** Shops, catalogue, listings, warehouses and suppliers: everything the days refer to. */
async function writeStatic(trx: Kysely<DB>, { orgId, g, brandId, now }: StaticOptions): Promise<void> {
  const catalogueAt = g.products[0]!.createdAt;
  await shops.bulk.insertShops(trx, { orgId, timezone: g.timezone, isDemo: true, shops: g.shops });
  await catalog.bulk.insertCategories(trx, { orgId, createdAt: catalogueAt, categories: g.categories });
  if (!brandId) await catalog.bulk.insertBrands(trx, { orgId, createdAt: catalogueAt, brands: g.brands });
  await catalog.bulk.insertProducts(trx, { orgId, brandId: brandId ?? g.brands[0]!.id, extraTags: ['演示数据'], products: g.products });
  const shopCreated = new Map(g.shops.map((s) => [s.id, s.createdAt]));
  await catalog.bulk.insertListings(trx, { orgId, listings: g.listings.map((l) => ({ ...l, createdAt: shopCreated.get(l.shopId)! })) });
  await inventory.bulk.insertWarehouses(trx, { orgId, createdAt: catalogueAt, warehouses: g.warehouses });
  await purchasing.bulk.insertSuppliers(trx, { orgId, createdAt: now, note: '演示数据', suppliers: g.suppliers });
  // The shops' promotions, coupon templates and calendar activities the days are priced with.
  await marketing.bulk.insertPlan(trx, { orgId, actorName: ACTOR_NAME, ...g.marketing });
}

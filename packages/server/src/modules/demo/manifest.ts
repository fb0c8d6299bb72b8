/**
 * What the demo remembers about itself: the manifest (meta `demo:<orgId>`) of the catalogue, stock
 * places and suppliers it created, so that deleting removes only what the demo brought, and the
 * shapes the loader and the remover report.
 */
import type { Profile } from '@yunying/sim';
import type { Kysely } from 'kysely';
import { claimMeta, deleteMeta, getMeta } from '../../db/meta.js';
import type { DB } from '../../db/schema.js';

export const DEMO_DEFAULT_SEED = 20261122;
/** Who the demo's ledger rows and audit entries name. */
export const ACTOR_NAME = '系统（演示数据）';

export interface DemoManifest {
  profile: Profile;
  seed: number;
  loadedAt: number;
  shopIds: string[];
  productIds: string[];
  skuIds: string[];
  categoryIds: string[];
  brandIds: string[];
  warehouseIds: string[];
  supplierIds: string[];
}

export interface DemoSummary {
  profile: Profile;
  seed: number;
  from: string;
  to: string;
  shops: number;
  products: number;
  skus: number;
  orders: number;
  orderLines: number;
  aftersales: number;
  events: number;
  trafficStats: number;
  purchaseOrders: number;
  movements: number;
  /** Milliseconds spent writing rows, and rebuilding rollups. */
  writeMs: number;
  /** Of writeMs: the loading thread waiting for the simulation thread's next days. */
  simWaitMs: number;
  rollupMs: number;
  /** Of rollupMs: the customers' rebuild and their emails. */
  customersMs: number;
  elapsedMs: number;
}

export interface DeleteSummary {
  shops: number;
  orders: number;
  events: number;
  products: number;
  skus: number;
  keptProducts: number;
}

const manifestKey = (orgId: string) => `demo:${orgId}`;

/** Store the manifest; false when one is already stored (a demo is loaded or being loaded). */
export function claimManifest(db: Kysely<DB>, orgId: string, manifest: DemoManifest): Promise<boolean> {
  return claimMeta(db, manifestKey(orgId), JSON.stringify(manifest));
}

/** The stored manifest, or null when there is none (or it cannot be read). */
export async function readManifest(db: Kysely<DB>, orgId: string): Promise<DemoManifest | null> {
  const text = await getMeta(db, manifestKey(orgId));
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as DemoManifest;
  } catch {
    return null;
  }
}

export function deleteManifest(db: Kysely<DB>, orgId: string): Promise<void> {
  return deleteMeta(db, manifestKey(orgId));
}

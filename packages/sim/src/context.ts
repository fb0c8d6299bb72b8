/** What every part of the day's simulation shares: the world, the SKU table, the id stream and the books. */
import type { Aftersales } from './aftersales.js';
import type { Ledger, SkuTable } from './ledger.js';
import type { MarketingBook } from './marketing.js';
import type { IdMaker } from './prng.js';
import type { Purchasing } from './purchasing.js';
import type { ShopState } from './shops.js';
import type { PaidBook } from './stats.js';
import type { SimWorld } from './types.js';
import type { ProductModel } from './world.js';

export interface SimContext {
  readonly w: SimWorld;
  readonly models: readonly ProductModel[];
  readonly skus: SkuTable;
  /** One seeded id stream for the whole run: the order of `make` calls is part of the output. */
  readonly ids: IdMaker;
  readonly shops: readonly ShopState[];
  readonly ledger: Ledger;
  readonly purchasing: Purchasing;
  readonly aftersales: Aftersales;
  readonly paid: PaidBook;
  /** Coupons held and claimed, per-buyer promotion usage: the engine's side of each order. */
  readonly marketing: MarketingBook;
}

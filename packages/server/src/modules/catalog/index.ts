/** What other modules (and the CLI) may call of the catalogue. */
export {
  getSkusByIds,
  findSkuByCode,
  findSkuByListing,
  skuSummaries,
  searchSkus,
  getProduct,
  canSeeCost,
  type SkuSummary,
} from './catalog.service.js';
export { importProductsFile, exportProductsFile, importProducts, exportProducts } from './io.service.js';
export { dataDir, sniffImage } from './images.service.js';
export { checkProducts } from './check.service.js';
export { ensureSeeded as ensureBannedWordsSeeded } from './words.service.js';

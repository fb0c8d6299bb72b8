/** What other modules (and the CLI) may call of the catalogue. */
export { getSkusByIds, findSkuByCode, findSkuByListing, skuSummaries, searchSkus, type SkuSummary } from './sku-lookup.service.js';
export { getProduct } from './catalog.service.js';
export { skuThumbnails } from './thumbnails.js';
export { setSkuCost, setSkuStockLimits } from './skus.service.js';
export { canSeeCost } from './product-rules.js';
export { importProductsFile, exportProductsFile, importProducts, exportProducts } from './io.service.js';
export { dataDir, sniffImage } from './images.service.js';
export { checkProducts } from './check.service.js';
export { ensureSeeded as ensureBannedWordsSeeded } from './words.service.js';
export { skuCostsByCode, skuCostsByListing, linkListing, type SkuCost, type LinkListingInput } from './order-links.js';
export * as bulk from './bulk.js';

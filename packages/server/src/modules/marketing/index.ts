/** What other modules (orders, the demo, the CLI) may call of marketing. */
export {
  priceCart,
  priceOrder,
  preview,
  recordOrderPricing,
  orderPricing,
  type PriceCartInput,
  type PricingLine,
  type OrderPricingInput,
} from './pricing.service.js';
export { redeemCoupons, releaseCoupons, claimOne, claimByCode } from './coupons.service.js';
export { runningPromotions, rowToEngine, effectiveStatus } from './promotions.service.js';
export { marketingRoutes } from './marketing.routes.js';
export * as bulk from './bulk.js';

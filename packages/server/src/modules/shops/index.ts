export {
  listVisible,
  getVisible,
  findByIdOrName,
  createShop,
  updateShop,
  shopRowToShop,
  normalizeShopName,
  existingIds,
  firstOrgId,
  createOrg,
} from './shops.service.js';
export * as bulk from './bulk.js';

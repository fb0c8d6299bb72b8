export { listVisible, getVisible, findByIdOrName, createShop, updateShop, shopRowToShop, normalizeShopName } from './shops.service.js';

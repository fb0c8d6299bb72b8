export { listVisible, getVisible, findByIdOrName, createShop, updateShop, shopRowToShop } from './shops.service.js';

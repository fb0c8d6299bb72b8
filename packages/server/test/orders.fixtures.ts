/** The old name of the shared fixtures, kept so an import by it still works: use ./fixtures.ts. */
export { ledgerOf, makeShop, makeSku, orderBody, stockOf } from './fixtures.js';

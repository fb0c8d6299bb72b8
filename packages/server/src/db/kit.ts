/**
 * The query kit: the one way each module scopes to shops, searches text, locks rows, pages,
 * chunks `IN` lists, batches inserts (bulk rows below the query builder too) and turns unique violations into 409s. Lint rejects raw
 * `'like'` and `actor.shopIds` outside `db/kit*` (eslint.config.js).
 */
export * from './kit/scope.js';
export * from './kit/search.js';
export * from './kit/paging.js';
export * from './kit/batch.js';
export * from './kit/bulk.js';
export * from './kit/lock.js';
export * from './kit/errors.js';
export * from './kit/stats.js';

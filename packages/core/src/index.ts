export * from './money.js';
export * from './ids.js';
export * from './time.js';
export * from './errors.js';
export * from './mask.js';
export * from './permissions.js';
export * from './shops.js';
export * from './api.js';

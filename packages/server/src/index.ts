export { buildApp } from './http/app.js';
export { loadConfig } from './config.js';
export { openDatabase } from './db/dialect.js';
export { bootstrap } from './bootstrap.js';
export { startServer } from './server.js';

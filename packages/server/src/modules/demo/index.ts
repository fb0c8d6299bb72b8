/** What other modules (and the CLI / server start) may call. */
export { loadDemo, type LoadOptions } from './load.js';
export { deleteDemo } from './remove.js';
export { demoShops, firstStartDemo } from './status.js';
export { DEMO_DEFAULT_SEED, type DemoSummary, type DeleteSummary, type DemoManifest } from './manifest.js';
export { demoRoutes } from './demo.routes.js';

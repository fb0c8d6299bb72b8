/** What other modules (and the CLI / server start) may call. */
export { loadDemo, deleteDemo, firstStartDemo, demoShops, DEMO_DEFAULT_SEED } from './demo.service.js';
export type { DemoSummary, DeleteSummary, DemoManifest, LoadOptions } from './demo.service.js';
export { demoRoutes } from './demo.routes.js';

/** What other modules may call: a shop's month board (the morning digest reads its pace). */
export { board, listTargets, monthRange } from './targets.service.js';
export { kpiBoard } from './kpis.service.js';
export { targetsRoutes } from './targets.routes.js';

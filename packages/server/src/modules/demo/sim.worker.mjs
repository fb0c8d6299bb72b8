// Entry of the demo load's simulation thread (sim-thread.ts): TypeScript through tsx, as the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./sim.worker.ts');

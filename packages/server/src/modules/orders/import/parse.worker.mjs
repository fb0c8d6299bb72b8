// Entry of the import's reading thread (import.parse-worker.ts): TypeScript through tsx, as the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./parse.worker.ts');

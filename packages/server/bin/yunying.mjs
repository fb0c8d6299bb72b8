#!/usr/bin/env node
// The `yunying` command: runs the TypeScript CLI through tsx (no separate compile step).
import { register } from 'tsx/esm/api';
import { followSupervisor } from './supervisor.mjs';

// Started by `npm start` (scripts/start.mjs → supervisor.mjs): stop cleanly if the supervisor goes.
followSupervisor();
register();
await import('../src/cli.ts');

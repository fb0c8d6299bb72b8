/**
 * The demo load's simulation thread: runs the simulator (simDays in sim-thread.ts) on the options
 * in workerData and posts one batch of days each time the loading thread asks for the next.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { simDays, type SimSpec, type SimMessage } from './sim-thread.js';

const port = parentPort!;
const batches = simDays(workerData as SimSpec);
const post = (m: SimMessage) => port.postMessage(m);

port.on('message', () => {
  try {
    const r = batches.next();
    post(r.done ? { type: 'end', end: r.value } : { type: 'batch', days: r.value });
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});

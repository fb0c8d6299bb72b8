/**
 * The import's reading thread: runs readBatches (import.read.ts) on the file in workerData and
 * posts one batch each time the importing thread asks for the next ('next').
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '@yunying/core';
import type { WorkerMessage } from './import.parse-worker.js';
import { readBatches, type ReadSpec } from './import.read.js';

const port = parentPort!;
const batches = readBatches(workerData as ReadSpec);
const post = (m: WorkerMessage) => port.postMessage(m);

port.on('message', () => {
  batches.next().then(
    (r) => {
      if (!r.done) post({ type: 'batch', batch: r.value });
    },
    (err: unknown) => {
      post(
        err instanceof AppError
          ? { type: 'error', appError: { code: err.code, message: err.message, details: err.details }, message: err.message }
          : { type: 'error', appError: null, message: err instanceof Error ? err.message : String(err) },
      );
    },
  );
});

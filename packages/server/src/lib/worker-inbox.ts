/**
 * A worker thread and its messages as a queue, for the loops that keep a worker one batch ahead
 * (the import's file reader, the demo load's simulator): `receive()` waits for the next message,
 * throws the worker's own error if it crashed, and gives null once it exited without one.
 *
 * The entry is a `.mjs` that registers tsx itself, so this process's loader flags are not passed
 * on (however it started: `--import tsx`, the bin's register(), vitest); profiling flags are.
 */
import { Worker } from 'node:worker_threads';

export class WorkerInbox<M> {
  private readonly worker: Worker;
  private readonly queue: M[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  private exited = false;

  constructor(entry: URL, workerData: unknown) {
    const execArgv = process.execArgv.filter((a) => /^--(cpu|heap)-prof/.test(a));
    this.worker = new Worker(entry, { workerData, execArgv });
    this.worker.on('message', (m: M) => {
      this.queue.push(m);
      this.nudge();
    });
    this.worker.on('error', (e) => {
      this.failure = e;
      this.nudge();
    });
    this.worker.on('exit', () => {
      this.exited = true;
      this.nudge();
    });
  }

  private nudge(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  post(message: unknown): void {
    this.worker.postMessage(message);
  }

  /** The next message; the worker's error if it crashed first; null if it exited first. */
  async receive(): Promise<M | null> {
    while (!this.queue.length && !this.failure && !this.exited) await new Promise<void>((r) => (this.wake = r));
    const m = this.queue.shift();
    if (m !== undefined) return m;
    if (this.failure) throw this.failure;
    return null;
  }

  /** Stop the worker (whatever it is doing). */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

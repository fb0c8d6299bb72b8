/**
 * The simulated days of a demo load, generated in a worker thread (sim.worker.ts): the simulator
 * is about half the CPU of a large load (a year of visitor sessions counted into statistics,
 * 530,000 orders priced by the engine), and in the loading thread it ran between the writes. In
 * its own thread it runs on the other core while this one writes the previous batch. The worker
 * stays one batch ahead (the next is asked for as soon as one arrives), so at most two batches
 * wait in memory besides the one being written.
 *
 * The worker also keeps what the loader derives from every day (the ad reports, reviews and
 * service chats, the buyers' emails) and hands it over at the end, so the days cross between the
 * threads once and the books never do.
 */
import {
  AdBook,
  ServiceBook,
  generate,
  type GenerateOptions,
  type SimAdPlan,
  type SimAdRow,
  type SimChat,
  type SimDay,
  type SimReview,
} from '@yunying/sim';
import { WorkerInbox } from '../../lib/worker-inbox.js';

export interface SimSpec {
  gen: GenerateOptions;
  /** A batch ends once it holds more than this many rows (events, orders × 6, ledger rows). */
  rowsPerBatch: number;
}

/** What the books hold once every day has passed. */
export interface SimEnd {
  ads: { plans: SimAdPlan[]; rows: SimAdRow[] };
  service: { reviews: SimReview[]; chats: SimChat[] };
  /** Shop id → buyer nick → email, of the buyers who left one. */
  emails: Map<string, Map<string, string>>;
}

export type SimMessage = { type: 'batch'; days: SimDay[] } | { type: 'end'; end: SimEnd } | { type: 'error'; message: string };

/** The days in batches of about `rowsPerBatch` rows, then the books (the worker's side; pure). */
export function* simDays({ gen, rowsPerBatch }: SimSpec): Generator<SimDay[], SimEnd> {
  const g = generate(gen);
  const adBook = new AdBook(g);
  const serviceBook = new ServiceBook(g);
  const emails = new Map<string, Map<string, string>>();
  let batch: SimDay[] = [];
  let rows = 0;
  for (const day of g.days()) {
    for (const o of day.orders) {
      if (!o.buyerEmail) continue;
      let m = emails.get(o.shopId);
      if (!m) emails.set(o.shopId, (m = new Map()));
      m.set(o.buyerNick, o.buyerEmail);
    }
    adBook.add(day);
    serviceBook.add(day);
    batch.push(day);
    rows += day.events.length + day.orders.length * 6 + day.movements.length;
    if (rows > rowsPerBatch) {
      yield batch;
      batch = [];
      rows = 0;
    }
  }
  if (batch.length) yield batch;
  return { ads: adBook.finish(), service: serviceBook.finish(), emails };
}

const ENTRY = new URL('./sim.worker.mjs', import.meta.url);

/**
 * simDays run in a worker thread: `write` gets each batch (the worker simulates the next one
 * meanwhile); the books are returned after the last, with the milliseconds this thread waited
 * for the simulation. The worker is stopped whatever happens.
 */
export async function eachSimBatch(spec: SimSpec, write: (days: SimDay[]) => Promise<void>): Promise<{ end: SimEnd; waitMs: number }> {
  const inbox = new WorkerInbox<SimMessage>(ENTRY, spec);
  let waitMs = 0;
  try {
    inbox.post('next');
    for (;;) {
      const waitStart = performance.now();
      const m = await inbox.receive();
      waitMs += performance.now() - waitStart;
      if (!m) throw new Error('demo simulation thread exited unexpectedly');
      if (m.type === 'error') throw new Error(`demo simulation thread: ${m.message}`);
      if (m.type === 'end') return { end: m.end, waitMs: Math.round(waitMs) };
      // Simulate the next batch while this one is written.
      inbox.post('next');
      await write(m.days);
    }
  } finally {
    await inbox.close();
  }
}

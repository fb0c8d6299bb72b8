/**
 * Single flight for read answers (issue 10 item 2): ten people opening the dashboard at the same
 * moment share one computation instead of queueing ten identical ones on the one event loop.
 *
 * Freshness is kept: a request never receives an answer whose computation started before the
 * request arrived. While a computation of a key runs, every request of that key joins the *next*
 * one, which starts as soon as the running one settles; so one key has at most one computation
 * running and one waiting, and under load a request waits for at most two computations (the rest
 * of the running one and its own), however many people ask.
 *
 * A computation starts one event-loop turn after it is asked for (`setImmediate`), and requests
 * arriving before it starts join it. On SQLite a computation runs its statements synchronously in
 * one run of microtasks, so without that turn the server would read the next request from its
 * socket only after the whole computation had finished and answered: requests never overlapped
 * and each computed its own answer (measured: 617 dashboards for 617 requests from ten clients).
 * The turn lets the requests already waiting on their sockets arrive first and share it.
 *
 * The key must name everything the answer depends on besides the database and the clock: the
 * organisation, the shops the actor may see, the query. Answers are shared objects: callers must
 * not change them (Fastify only serialises them).
 */

import { hasAllShops, type Actor } from '../../http/actor.js';

interface Flight {
  /** The computation running now (or about to start: see `started`). */
  running: Promise<unknown>;
  /** Whether `running` has started computing; until then new requests join it. */
  started: boolean;
  /** The computation the requests that arrived meanwhile wait for (starts when `running` settles). */
  next: Promise<unknown> | null;
}

const flights = new WeakMap<object, Map<string, Flight>>();

/** Run `compute` for `key` (within `owner`, e.g. the database), sharing it with the requests of the same key that arrive while it waits to start. */
export function singleFlight<T>(owner: object, key: string, compute: () => Promise<T>): Promise<T> {
  let byKey = flights.get(owner);
  if (!byKey) flights.set(owner, (byKey = new Map()));
  const f = byKey.get(key);
  if (!f) return start(byKey, key, compute);
  if (!f.started) return f.running as Promise<T>;
  const settle = () => undefined;
  f.next ??= f.running.then(settle, settle).then(() => start(byKey, key, compute));
  return f.next as Promise<T>;
}

function start<T>(byKey: Map<string, Flight>, key: string, compute: () => Promise<T>): Promise<T> {
  const f: Flight = { running: Promise.resolve(), next: null, started: false };
  const running = new Promise<void>((r) => setImmediate(r)).then(() => {
    f.started = true;
    return compute();
  });
  f.running = running;
  byKey.set(key, f);
  const done = () => {
    // With requests waiting, `next` starts now and takes the key's place; else the key is free.
    if (byKey.get(key) === f && !f.next) byKey.delete(key);
  };
  running.then(done, done);
  return running;
}

/**
 * The share key of an actor's scope: the organisation and the shops it may see (null = all). Not a
 * query scope (the answer is scoped by the service it shares): two actors share only when equal.
 */
export function scopeKey(who: Actor): string {
  return JSON.stringify([who.orgId, hasAllShops(who) ? null : [...(who.shopIds ?? [])].sort()]);
}

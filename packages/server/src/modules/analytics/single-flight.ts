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
 * The key must name everything the answer depends on besides the database and the clock: the
 * organisation, the shops the actor may see, the query. Answers are shared objects: callers must
 * not change them (Fastify only serialises them).
 */

import { hasAllShops, type Actor } from '../../http/actor.js';

interface Flight {
  /** The computation running now. */
  running: Promise<unknown>;
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
  const settle = () => undefined;
  f.next ??= f.running.then(settle, settle).then(() => start(byKey, key, compute));
  return f.next as Promise<T>;
}

function start<T>(byKey: Map<string, Flight>, key: string, compute: () => Promise<T>): Promise<T> {
  const running = Promise.resolve().then(compute);
  const f: Flight = { running, next: null };
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

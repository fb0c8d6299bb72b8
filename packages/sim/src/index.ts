/**
 * @yunying/sim — a deterministic simulator of an e-commerce business for the console's demo data.
 * Pure (no I/O): `generate()` returns the static world and a lazy, day-by-day stream of what
 * happened, so the same seed always gives the same data and a year never sits in memory.
 */
import { Hasher } from './prng.js';
import { Simulator } from './simulate.js';
import type { GenerateOptions, SimDay, SimWorld } from './types.js';
import { buildWorld } from './world.js';

export * from './types.js';
export { Rng, Weighted, IdMaker, Hasher, hash32 } from './prng.js';
export { visitorIdOf } from './shops.js';
export { AdBook, type SimAdPlan, type SimAdRow } from './ads.js';
export { ServiceBook, type SimReview, type SimChat } from './reviews.js';

export interface Generated extends SimWorld {
  /** A fresh run of the simulation, one day at a time (call again to replay it identically). */
  days(): Generator<SimDay>;
}

export function generate(opts: GenerateOptions): Generated {
  if (!Number.isSafeInteger(opts.seed)) throw new RangeError(`seed must be an integer, got ${opts.seed}`);
  const model = buildWorld(opts);
  return {
    ...model.world,
    days: () => new Simulator(buildWorld(opts)).days(),
  };
}

/** A fingerprint of everything generated (static world and every day), for determinism checks. */
export function digest(g: Generated): string {
  const h = new Hasher();
  const { days: _days, ...world } = g;
  void _days;
  h.update(JSON.stringify(world));
  for (const d of g.days()) h.update(JSON.stringify(d));
  return h.digest();
}

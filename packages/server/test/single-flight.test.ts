/**
 * Single flight (analytics/single-flight.ts): requests of one key arriving while a computation runs
 * share the next one, which starts after all of them arrived; different keys never share.
 */
import { describe, expect, it } from 'vitest';
import { singleFlight } from '../src/modules/analytics/single-flight.js';

describe('single flight', () => {
  it('shares one computation among the requests that arrived while another ran, never an older one', async () => {
    const owner = {};
    const starts: number[] = [];
    let clock = 0;
    let release: (() => void)[] = [];
    const compute = () => {
      starts.push(clock);
      const n = starts.length;
      return new Promise<number>((r) => release.push(() => r(n)));
    };
    // A computation starts one event-loop turn after it is asked for: let that turn pass.
    const flush = () => new Promise((r) => setTimeout(() => setImmediate(r), 0));
    clock = 1;
    const a = singleFlight(owner, 'k', compute); // starts at once
    await flush();
    clock = 2;
    const later = Array.from({ length: 9 }, () => singleFlight(owner, 'k', compute)); // arrive while it runs
    const other = singleFlight(owner, 'other', compute); // another key: its own computation
    await flush();
    expect(starts).toEqual([1, 2]);
    clock = 3;
    release.shift()!(); // the first ends: the nine share the next one, started after they arrived
    expect(await a).toBe(1);
    await flush();
    expect(starts).toEqual([1, 2, 3]);
    release.shift()!();
    expect(await other).toBe(2);
    release.shift()!();
    expect(await Promise.all(later)).toEqual(Array(9).fill(3));
    // Nothing running: the next request starts its own computation at once.
    clock = 4;
    const d = singleFlight(owner, 'k', compute);
    await flush();
    expect(starts).toEqual([1, 2, 3, 4]);
    release.shift()!();
    expect(await d).toBe(4);
    release = [];
  });

  it('requests asked for before the computation starts share it (a server reading requests from its sockets)', async () => {
    const owner = {};
    let n = 0;
    const compute = async () => ++n;
    const first = Array.from({ length: 10 }, () => singleFlight(owner, 'k', compute));
    expect(await Promise.all(first)).toEqual(Array(10).fill(1));
    expect(n).toBe(1);
    // Ten requests read in one pass over the sockets: each is its own callback (its microtasks run
    // before the next callback), all in one event-loop phase, as a server's I/O callbacks are.
    // Immediates queued together run in one check phase, and the computation's own immediate,
    // queued from inside that phase, only in the next loop turn — however loaded the machine.
    // (Ten 1 ms timers were not one phase on a loaded machine: created across a millisecond
    // boundary, the later ones fired a turn later, after the computation had started.)
    const later = await new Promise<Promise<number>[]>((done) => {
      const asked: Promise<number>[] = [];
      for (let i = 0; i < 10; i++)
        setImmediate(() => {
          asked.push(singleFlight(owner, 'k', compute));
          if (asked.length === 10) done(asked);
        });
    });
    expect(await Promise.all(later)).toEqual(Array(10).fill(2));
    expect(n).toBe(2);
  });

  it('a failed computation fails only the requests that shared it', async () => {
    const owner = {};
    let n = 0;
    const compute = async () => {
      n++;
      if (n === 1) throw new Error('boom');
      return n;
    };
    await expect(singleFlight(owner, 'k', compute)).rejects.toThrow('boom');
    expect(await singleFlight(owner, 'k', compute)).toBe(2);
  });
});

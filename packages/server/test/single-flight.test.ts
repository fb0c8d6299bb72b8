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
    const flush = () => new Promise((r) => setTimeout(r, 0));
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

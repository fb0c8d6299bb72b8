/**
 * `withAdvisoryLock` (db/kit/lock.ts): work guarded by it runs one at a time across separate
 * connection pools on one PostgreSQL database — as it would across server processes — and a
 * waiter holds no connection while it waits. The customers refresh of a shop runs under it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/dialect.js';
import { withAdvisoryLock } from '../src/db/kit.js';
import { describeEachDialect, freshDatabaseUrl } from './dialects.js';

describeEachDialect('advisory lock across pools', (dialect) => {
  const pools: Database[] = [];
  let drop: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const f = await freshDatabaseUrl(dialect);
    drop = f.drop;
    // Three pools of 2 connections each, as three processes would have; SQLite: one.
    for (let i = 0; i < (dialect === 'postgres' ? 3 : 1); i++) pools.push(openDatabase(f.url, { poolSize: 2 }));
  });
  afterAll(async () => {
    for (const p of pools) await p.close();
    await drop();
  });

  it('runs the guarded work of one key one at a time, other keys alongside, and releases it on errors', async () => {
    const log: string[] = [];
    let inside = 0;
    let most = 0;
    const work = (who: string) => async () => {
      inside++;
      most = Math.max(most, inside);
      log.push(`${who}+`);
      await new Promise((r) => setTimeout(r, 30));
      log.push(`${who}-`);
      inside--;
      return who;
    };
    const runs = Array.from({ length: 12 }, (_, i) => withAdvisoryLock(pools[i % pools.length]!.db, 1, 'shop-A', work(`r${i}`), 5));
    expect((await Promise.all(runs)).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `r${i}`).sort());
    if (dialect === 'postgres') {
      expect(most).toBe(1);
      for (let i = 0; i < log.length; i += 2) expect(log[i]!.slice(0, -1)).toBe(log[i + 1]!.slice(0, -1));
    } // SQLite: one process per file, the work simply runs (callers keep their in-process guard).

    // A failing holder lets the next one in.
    await expect(withAdvisoryLock(pools[0]!.db, 1, 'shop-A', () => Promise.reject(new Error('坏了')))).rejects.toThrow('坏了');
    expect(await withAdvisoryLock(pools.at(-1)!.db, 1, 'shop-A', async () => 'next')).toBe('next');

    if (dialect === 'postgres') {
      // Another key is not blocked by a holder of the first, and waiters keep no connection: with
      // every pool of 2 connections, six waiters on a held key leave room for the other key's work.
      let release: () => void = () => {};
      const held = withAdvisoryLock(pools[0]!.db, 1, 'shop-A', () => new Promise<void>((r) => (release = r)));
      await new Promise((r) => setTimeout(r, 50));
      const waiters = Array.from({ length: 6 }, (_, i) => withAdvisoryLock(pools[i % pools.length]!.db, 1, 'shop-A', async () => i, 5));
      const other = await withAdvisoryLock(pools[1]!.db, 1, 'shop-B', async () => 'B');
      expect(other).toBe('B');
      release();
      await held;
      expect((await Promise.all(waiters)).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });
});

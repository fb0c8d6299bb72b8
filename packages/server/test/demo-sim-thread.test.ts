/**
 * The demo load's simulation thread hands over exactly what the simulator makes in this thread:
 * the same days in the same order (batched by the loader's row budget) and the same ad reports,
 * reviews, chats and buyers' emails.
 */
import { generate, type SimDay } from '@yunying/sim';
import { expect, it } from 'vitest';
import { eachSimBatch, simDays, type SimSpec } from '../src/modules/demo/sim-thread.js';

const NOW = Date.parse('2026-11-20T07:00:00Z');
const spec: SimSpec = {
  gen: { profile: 'small', seed: 4242, timezone: 'Asia/Shanghai', now: NOW, endDay: '2026-11-20' },
  rowsPerBatch: 20_000,
};
const rowsOf = (days: readonly SimDay[]) => days.reduce((a, d) => a + d.events.length + d.orders.length * 6 + d.movements.length, 0);

it('the worker thread yields the in-thread days in the same batches, then the same books', async () => {
  const here: SimDay[][] = [];
  const local = simDays(spec);
  let r = local.next();
  for (; !r.done; r = local.next()) here.push(r.value);
  const there: SimDay[][] = [];
  const { end } = await eachSimBatch(spec, async (days) => {
    there.push(days);
  });
  expect(there.length).toBeGreaterThan(3);
  expect(there).toStrictEqual(here);
  expect(end).toStrictEqual(r.value);
  expect(end.emails.size).toBeGreaterThan(0);
  expect(end.service.reviews.length).toBeGreaterThan(0);
  expect(end.ads.rows.length).toBeGreaterThan(0);
  // Every day once, in order; a batch closes on the day that takes it past the row budget.
  expect(there.flat().map((d) => d.day)).toEqual(generate(spec.gen).dayList);
  for (const batch of there.slice(0, -1)) {
    expect(rowsOf(batch)).toBeGreaterThan(spec.rowsPerBatch);
    expect(rowsOf(batch.slice(0, -1))).toBeLessThanOrEqual(spec.rowsPerBatch);
  }
}, 120_000);

it('a failing write stops the thread and the error reaches the caller', async () => {
  let calls = 0;
  await expect(
    eachSimBatch(spec, async () => {
      calls++;
      throw new Error('disk full');
    }),
  ).rejects.toThrow('disk full');
  expect(calls).toBe(1);
});

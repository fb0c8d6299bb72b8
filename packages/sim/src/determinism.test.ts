/**
 * Golden fingerprints of the demo data. The generator must produce exactly these bytes for these
 * seeds: refactoring it must not change a single row, id or timestamp of what `yunying demo` loads.
 *
 * When you change the generator ON PURPOSE (new behaviour, different numbers), run this file, check
 * that the other sim tests still pass, and replace the hashes below with the new ones in the same
 * commit, saying why in the message. A changed hash you did not intend is a bug.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generate, type GenerateOptions } from './index.js';

const NOW = Date.parse('2026-11-20T07:00:00Z'); // 15:00 in Shanghai
const base = { seed: 7, endDay: '2026-11-20', timezone: 'Asia/Shanghai', now: NOW };

/** sha256 over the JSON of the static world and of each day, in order (at most `maxDays` days). */
function fingerprint(opts: GenerateOptions, maxDays = Infinity): string {
  const h = createHash('sha256');
  const { days, ...world } = generate(opts);
  h.update(JSON.stringify(world));
  let n = 0;
  for (const d of days()) {
    if (n++ >= maxDays) break;
    h.update(JSON.stringify(d));
  }
  return h.digest('hex');
}

describe('sim: golden output', () => {
  it('small profile, seed 7: every day of the 90', () => {
    expect(fingerprint({ ...base, profile: 'small' })).toBe('e2097612c520da468e092ec872fa3a9d7be56a93c2dcd7817c5fe581aeec79df');
  }, 120_000);

  it('large profile, seed 7: the first 5 days (statistics days, no raw events)', () => {
    expect(fingerprint({ ...base, profile: 'large' }, 5)).toBe('bde3ea8e860d6e84ed658b4ebebe98195adef566d5a00797263095287253932a');
  }, 120_000);
});

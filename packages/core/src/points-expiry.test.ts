import { describe, expect, it } from 'vitest';
import { addMonths, expiringPoints, expiryCutoff, nextExpiryDay } from './schemas/membership.js';

describe('points expiry (积分有效期)', () => {
  it('addMonths clamps to the month end', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-15');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
  });
  it('years: earned in year Y usable through 31 December of Y + n', () => {
    const rule = { mode: 'years', n: 1 } as const;
    expect(expiryCutoff(rule, '2027-12-31')).toBe('2026-01-01'); // 2026's points still valid
    expect(expiryCutoff(rule, '2028-01-01')).toBe('2027-01-01'); // 2026's points gone
    expect(expiryCutoff({ mode: 'none', n: 1 }, '2028-01-01')).toBeNull();
    expect(nextExpiryDay(rule, '2026-12-07')).toBe('2026-12-31');
  });
  it('months: earned on d usable through the day before d + n months, also across month ends', () => {
    const rule = { mode: 'months', n: 6 } as const;
    // Earned 2026-01-15: expired from 2026-07-15 on.
    expect('2026-01-15' < expiryCutoff(rule, '2026-07-15')!).toBe(true);
    expect('2026-01-15' < expiryCutoff(rule, '2026-07-14')!).toBe(false);
    // Earned 2026-08-31 (+6 months = 2027-02-28): expired from 2027-02-28 on, not the day before.
    expect('2026-08-31' < expiryCutoff(rule, '2027-02-28')!).toBe(true);
    expect('2026-08-31' < expiryCutoff(rule, '2027-02-27')!).toBe(false);
    for (let i = 0; i < 800; i++) {
      const d = new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      const asOf = addMonths(d, 6);
      expect(d < expiryCutoff(rule, asOf)!, d).toBe(true);
    }
  });
  it('FIFO: what expires is the old points not yet used, never more than the balance', () => {
    expect(expiringPoints({ earnedBeforeCutoff: 100, deducted: 30, balance: 170 })).toBe(70);
    expect(expiringPoints({ earnedBeforeCutoff: 100, deducted: 130, balance: 70 })).toBe(0);
    expect(expiringPoints({ earnedBeforeCutoff: 100, deducted: 0, balance: 40 })).toBe(40);
  });
});

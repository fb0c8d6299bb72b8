import { describe, expect, it } from 'vitest';
import { addDays, businessDay, dayStart, isBusinessDay, isValidTimeZone } from './time.js';

describe('business-day time', () => {
  it('puts an instant on the shop-local day', () => {
    // 2026-11-10 16:30 UTC is 2026-11-11 00:30 in Shanghai: a 双11 order.
    const at = Date.UTC(2026, 10, 10, 16, 30);
    expect(businessDay(at)).toBe('2026-11-11');
    expect(businessDay(at, 'UTC')).toBe('2026-11-10');
    expect(businessDay(at, 'America/Los_Angeles')).toBe('2026-11-10');
  });

  it('finds the instant a day starts, also across DST', () => {
    expect(dayStart('2026-11-11')).toBe(Date.UTC(2026, 10, 10, 16, 0));
    expect(dayStart('2026-03-08', 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 5, 0));
    expect(dayStart('2026-03-09', 'America/New_York')).toBe(Date.UTC(2026, 2, 9, 4, 0));
    expect(businessDay(dayStart('2026-06-18'))).toBe('2026-06-18');
    expect(businessDay(dayStart('2026-06-18') - 1)).toBe('2026-06-17');
  });

  it('does calendar arithmetic and validates days and zones', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(isBusinessDay('2026-02-30')).toBe(false);
    expect(isBusinessDay('2026-12-31')).toBe(true);
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });

  it('gives the same day from its cache as from Intl, every 7 minutes across DST changes', () => {
    for (const tz of ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
      const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
      // March and November 2026 hold the northern DST changes; Lord Howe shifts by 30 minutes.
      for (const from of [Date.UTC(2026, 2, 6), Date.UTC(2026, 3, 3), Date.UTC(2026, 9, 30)]) {
        for (let at = from; at < from + 4 * 86_400_000; at += 7 * 60_000) {
          expect(businessDay(at, tz), `${tz} ${new Date(at).toISOString()}`).toBe(fmt.format(new Date(at)));
        }
      }
    }
  });
});

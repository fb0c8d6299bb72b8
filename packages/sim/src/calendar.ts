/** Time units and the business calendar of the simulation: day strings, promotion and presale days. */
import { addDays } from '@yunying/core';
import type { SimWorld } from './types.js';

export const HOUR = 3_600_000;
export const DAY_MS = 24 * HOUR;

export function promoOn(w: SimWorld, day: string): boolean {
  return w.promotions.some((p) => day >= p.fromDay && day <= p.toDay);
}

/** The promotion's first day when `day` is in the presale window before it, else null. */
export function presaleWindow(w: SimWorld, day: string): string | null {
  const p = w.promotions.find((x) => day >= x.presaleFromDay && day < x.fromDay);
  return p ? p.fromDay : null;
}

/** Conversion multiplier of the day: lift on promotion days, wait-and-see just before. */
export function dayConv(w: SimWorld, day: string): number {
  if (promoOn(w, day)) return 1.5;
  if (w.promotions.some((p) => day >= addDays(p.fromDay, -4) && day < p.fromDay)) return 0.8;
  if (w.promotions.some((p) => day > p.toDay && day <= addDays(p.toDay, 2))) return 0.85;
  return 1;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
/** The YYYY-MM-DD day of an instant in a zone. */
export function dayOf(at: number, tz: string): string {
  let f = dayFormatters.get(tz);
  if (!f)
    dayFormatters.set(tz, (f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(new Date(at));
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
/** Milliseconds since local midnight of an instant in a zone. */
export function msOfDay(at: number, tz: string): number {
  let f = offsetFormatters.get(tz);
  if (!f)
    offsetFormatters.set(
      tz,
      (f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' })),
    );
  const [h, m, sec] = f.format(new Date(at)).split(':').map(Number) as [number, number, number];
  return ((h * 60 + m) * 60 + sec) * 1000 + (at % 1000);
}

/**
 * The first instant at or after `at` inside the warehouse's working hours (09:00–18:00 local):
 * parcels leave during the shift; what is due at night waits for the morning.
 */
export function inWarehouseHours(at: number, tz: string, jitterMs: number): number {
  const t = msOfDay(at, tz);
  if (t >= 9 * HOUR && t < 18 * HOUR) return at;
  const untilNine = t < 9 * HOUR ? 9 * HOUR - t : DAY_MS - t + 9 * HOUR;
  return at + untilNine + jitterMs;
}

/** 2026-11-20 → 20261120 (for document numbers). */
export function compact(day: string): string {
  return day.replace(/-/g, '');
}

/**
 * Time: instants are epoch milliseconds (UTC) everywhere; the business day is the shop's local
 * calendar day `YYYY-MM-DD` in its IANA time zone (default Asia/Shanghai).
 */
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The business day (YYYY-MM-DD) an instant falls on in a time zone. */
export function businessDay(at: number, timeZone: string = DEFAULT_TIMEZONE): string {
  // Hot path (every collected event): remember the last few days' [start, end) per zone, so
  // events of the same day skip Intl formatting. The bounds come from dayStart, which is exact.
  let spans = daySpans.get(timeZone);
  if (spans) {
    for (const s of spans) if (at >= s.start && at < s.end) return s.day;
  } else {
    spans = [];
    daySpans.set(timeZone, spans);
  }
  const day = formatDay(at, timeZone);
  if (Number.isFinite(at)) {
    const start = dayStart(day, timeZone);
    const end = dayStart(addDays(day, 1), timeZone);
    // Only cache a span that really contains `at` (guards against a zone whose day start is odd).
    if (at >= start && at < end) {
      spans.unshift({ start, end, day });
      if (spans.length > 8) spans.pop();
    }
  }
  return day;
}

const daySpans = new Map<string, { start: number; end: number; day: string }[]>();

function formatDay(at: number, timeZone: string): string {
  const parts = formatterFor(timeZone).formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isBusinessDay(day: string): boolean {
  const m = DAY_RE.exec(day);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === day;
}

/** Add whole days to a business day (calendar arithmetic, no time zone involved). */
export function addDays(day: string, n: number): string {
  const m = DAY_RE.exec(day);
  if (!m) throw new RangeError(`not a day: ${day}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + n));
  return d.toISOString().slice(0, 10);
}

/** Whole days from business day `from` to `to` (negative when `to` is earlier). */
export function dayDiff(from: string, to: string): number {
  const a = Date.UTC(+from.slice(0, 4), +from.slice(5, 7) - 1, +from.slice(8, 10));
  const b = Date.UTC(+to.slice(0, 4), +to.slice(5, 7) - 1, +to.slice(8, 10));
  return Math.round((b - a) / 86_400_000);
}

/** The UTC instant at which a business day starts in a time zone. */
export function dayStart(day: string, timeZone: string = DEFAULT_TIMEZONE): number {
  const m = DAY_RE.exec(day);
  if (!m) throw new RangeError(`not a day: ${day}`);
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Find the offset at that moment and correct once more around DST changes.
  let t = guess - offsetMs(guess, timeZone);
  t = guess - offsetMs(t, timeZone);
  return t;
}

/** One formatter per zone: constructing an Intl.DateTimeFormat costs far more than formatting with it. */
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

function offsetMs(at: number, timeZone: string): number {
  let f = offsetFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The instant on `day` at the same time of day as `now` (the elapsed time since the start of
 * `now`'s business day added to the start of `day`), capped at the end of `day`: the cut-off of a
 * 同时段 comparison (yesterday 00:00 up to the minute it is now today).
 */
export function sameTimeOn(day: string, now: number, timeZone: string = DEFAULT_TIMEZONE): number {
  const elapsed = now - dayStart(businessDay(now, timeZone), timeZone);
  const start = dayStart(day, timeZone);
  return Math.min(start + elapsed, dayStart(addDays(day, 1), timeZone));
}

/** The time of day HH:mm of an instant in a time zone. */
export function clockOf(at: number, timeZone: string = DEFAULT_TIMEZONE): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).format(new Date(at));
}

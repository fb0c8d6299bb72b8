/**
 * Money is always an integer number of fen (分). These helpers are the only place arithmetic on
 * money happens, so rounding is decided once.
 */
import { z } from 'zod';

export type Fen = number;

/**
 * The largest amount of money accepted anywhere (a price, a total, a refund): 10^13 fen =
 * ¥100,000,000,000.00 (1000 亿元). Far above any real order, far below 2^53, so sums of many
 * amounts stay exact integers and never reach the database as a float or an overflow.
 */
export const MAX_FEN: Fen = 10_000_000_000_000;
const MAX_FEN_TEXT = '¥100,000,000,000.00（1000 亿元）';

/** Whether `n` is a whole number of fen within ± MAX_FEN (min 0 unless `signed`). */
export function isFenInRange(n: number, opts: { signed?: boolean } = {}): boolean {
  return Number.isSafeInteger(n) && n <= MAX_FEN && n >= (opts.signed ? -MAX_FEN : 0);
}

/** The message for an amount beyond MAX_FEN: `${what}不能超过 ¥100,000,000,000.00（1000 亿元）…`. */
export function fenTooLargeMessage(what: string): string {
  return `${what}不能超过 ${MAX_FEN_TEXT}，请检查金额（单位：分）`;
}

/**
 * The zod schema of an amount in fen, bounded by MAX_FEN, with Chinese messages naming the field:
 * `fenSchema('单价')`; `{ signed: true }` for a change that may be negative; `{ min: 1 }` for an
 * amount that must be positive.
 */
export function fenSchema(what: string, opts: { signed?: boolean; min?: number } = {}) {
  const min = opts.min ?? (opts.signed ? -MAX_FEN : 0);
  return z
    .number({ message: `${what}应为整数（单位：分）` })
    .int(`${what}应为整数（单位：分）`)
    .min(
      min,
      min === 0 ? `${what}不能为负数` : min > 0 ? `${what}至少为 ${min} 分` : `${what}不能低于 -${MAX_FEN_TEXT}，请检查金额（单位：分）`,
    )
    .max(MAX_FEN, fenTooLargeMessage(what));
}

function assertFen(n: number, what = 'amount'): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be an integer number of fen, got ${n}`);
}

export function add(...amounts: Fen[]): Fen {
  let total = 0;
  for (const a of amounts) {
    assertFen(a);
    total += a;
  }
  assertFen(total, 'sum');
  return total;
}

export function sub(a: Fen, b: Fen): Fen {
  return add(a, -b);
}

/** Multiply by a quantity or factor, rounding half away from zero to whole fen. */
export function mul(a: Fen, factor: number): Fen {
  assertFen(a);
  const raw = a * factor;
  const r = Math.sign(raw) * Math.round(Math.abs(raw));
  return r === 0 ? 0 : r;
}

/**
 * Split `total` over parts in proportion to `weights` by the largest-remainder method, so the
 * parts always add up to `total` exactly (e.g. an order discount allocated over its lines).
 */
export function allocate(total: Fen, weights: readonly number[]): Fen[] {
  assertFen(total);
  if (weights.length === 0) return [];
  if (weights.some((w) => w < 0 || !Number.isFinite(w))) throw new RangeError('weights must be finite and ≥ 0');
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum === 0) {
    // No basis for proportion: spread evenly.
    return allocate(
      total,
      weights.map(() => 1),
    );
  }
  const sign = total < 0 ? -1 : 1;
  const abs = Math.abs(total);
  const exact = weights.map((w) => (abs * w) / sum);
  const floors = exact.map((x) => Math.floor(x));
  let rest = abs - floors.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (rest <= 0) break;
    floors[i]! += 1;
    rest -= 1;
  }
  return floors.map((x) => (x === 0 ? 0 : sign * x));
}

/** ¥1,234.50 — formatting happens only at the edge. */
export function formatFen(fen: Fen, opts: { symbol?: boolean } = {}): string {
  assertFen(fen);
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  const grouped = yuan.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${opts.symbol === false ? '' : '¥'}${grouped}.${cents}`;
}

/**
 * Parse a yuan amount as typed or exported ("129", "129.5", "¥1,299.00") into fen without going
 * through floating point. Returns null when the text is not a plain amount.
 */
export function parseYuan(text: string): Fen | null {
  const t = text
    .trim()
    .replace(/^[¥￥]/, '')
    .replace(/,/g, '');
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return null;
  return m[1] ? -fen : fen;
}

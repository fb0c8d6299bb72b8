/**
 * Whole numbers in requests (quantities, weights, sort orders). A PostgreSQL `integer` column holds
 * at most 2^31 − 1 and JavaScript counts exactly only to 2^53 − 1, so an unbounded
 * `z.number().int()` lets a number through that the database refuses (a 500) or that stops adding
 * up. Every integer a request carries gets its range from `intSchema`, with a Chinese message
 * that names the field.
 */
import { z } from 'zod';

/** Largest quantity in one request line or stock count: 10,000,000 units (a bigint column). */
export const MAX_QTY = 10_000_000;
/** Largest SKU weight: 1,000,000 g = 1 tonne (`skus.weight_g` is an integer column). */
export const MAX_WEIGHT_G = 1_000_000;
/** Largest sort order of a category, image, reason or rule (integer columns). */
export const MAX_SORT = 1_000_000;

/** 10000000 → "10,000,000", without depending on the runtime's locale data. */
export function groupDigits(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * The zod schema of a whole number between `min` (default 0) and `max`, with Chinese messages
 * naming the field: `intSchema('重量', { max: MAX_WEIGHT_G, unit: '克' })`. Each value gets one
 * message: a number past a bound (2^31, 2^53, 1e300) says the bound, not "must be an integer".
 */
export function intSchema(label: string, opts: { min?: number; max: number; unit?: string }) {
  const min = opts.min ?? 0;
  const unit = opts.unit ? ` ${opts.unit}` : '';
  const notInt = `${label}必须是整数${opts.unit ? `（单位：${opts.unit}）` : ''}`;
  const tooSmall = min === 0 ? `${label}不能为负数` : min === 1 ? `${label}至少为 1${unit}` : `${label}不能小于 ${groupDigits(min)}${unit}`;
  return z
    .number({ message: notInt })
    .min(min, { message: tooSmall, abort: true })
    .max(opts.max, { message: `${label}不能超过 ${groupDigits(opts.max)}${unit}，请检查后重新填写`, abort: true })
    .int(notInt);
}

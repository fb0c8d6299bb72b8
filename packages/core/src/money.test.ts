import { describe, expect, it } from 'vitest';
import { add, allocate, formatFen, mul, parseYuan, sub } from './money.js';

describe('money (integer fen)', () => {
  it('adds and subtracts only whole fen', () => {
    expect(add(12_900, 1_000, 50)).toBe(13_950);
    expect(sub(10_000, 12_345)).toBe(-2_345);
    expect(() => add(1.5)).toThrow(RangeError);
  });

  it('multiplies with half-away-from-zero rounding', () => {
    expect(mul(12_900, 3)).toBe(38_700);
    expect(mul(999, 0.5)).toBe(500); // 499.5 → 500
    expect(mul(-999, 0.5)).toBe(-500);
    expect(mul(10_000, 0.88)).toBe(8_800);
  });

  it('allocates a discount over lines so the parts add up exactly (largest remainder)', () => {
    // ¥10.00 off an order of three lines worth ¥33.33, ¥33.33, ¥33.34.
    const parts = allocate(1_000, [3_333, 3_333, 3_334]);
    expect(parts).toEqual([333, 333, 334]);
    expect(parts.reduce((s, x) => s + x, 0)).toBe(1_000);
    // ¥1.00 over three equal lines: the remainder fen goes to the first line.
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocate(7, [0, 0])).toEqual([4, 3]);
    expect(allocate(500, [])).toEqual([]);
  });

  it('formats at the edge and parses typed amounts without floating point', () => {
    expect(formatFen(129_900)).toBe('¥1,299.00');
    expect(formatFen(-5)).toBe('-¥0.05');
    expect(formatFen(12_345_678_901, { symbol: false })).toBe('123,456,789.01');
    expect(parseYuan('¥1,299.00')).toBe(129_900);
    expect(parseYuan('0.1')).toBe(10);
    expect(parseYuan('19.99')).toBe(1_999);
    expect(parseYuan('-3.5')).toBe(-350);
    expect(parseYuan('1.999')).toBeNull();
    expect(parseYuan('abc')).toBeNull();
  });
});

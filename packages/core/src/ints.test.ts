import { describe, expect, it } from 'vitest';
import { groupDigits, intSchema, MAX_QTY } from './ints.js';

const messages = (schema: ReturnType<typeof intSchema>, v: unknown) => schema.safeParse(v).error?.issues.map((i) => i.message) ?? [];

describe('whole numbers in requests', () => {
  it('says once, in Chinese and naming the field, what is wrong with a value', () => {
    const weight = intSchema('重量', { max: 1_000_000, unit: '克' });
    expect(weight.safeParse(0).success).toBe(true);
    expect(weight.safeParse(1_000_000).success).toBe(true);
    // Past the bound — whether past int4 (2^31), past exact doubles (2^53) or absurd — the bound is named, not "must be an integer".
    for (const v of [1_000_001, 2 ** 31, 2 ** 53, 2 ** 60, 1e300]) {
      expect(messages(weight, v)).toEqual(['重量不能超过 1,000,000 克，请检查后重新填写']);
    }
    expect(messages(weight, -1)).toEqual(['重量不能为负数']);
    expect(messages(weight, -(2 ** 60))).toEqual(['重量不能为负数']);
    for (const v of [1.5, Number.NaN, Number.POSITIVE_INFINITY, '200', null])
      expect(messages(weight, v)).toEqual(['重量必须是整数（单位：克）']);
  });

  it('words the lower bound by its kind: none below 0, at least 1, or a signed range', () => {
    expect(messages(intSchema('调拨数量', { min: 1, max: MAX_QTY, unit: '件' }), 0)).toEqual(['调拨数量至少为 1 件']);
    const adjust = intSchema('调整数量', { min: -MAX_QTY, max: MAX_QTY, unit: '件' });
    expect(adjust.safeParse(-MAX_QTY).success).toBe(true);
    expect(messages(adjust, -MAX_QTY - 1)).toEqual(['调整数量不能小于 -10,000,000 件']);
    expect(messages(intSchema('排序值', { max: 100 }), 101)).toEqual(['排序值不能超过 100，请检查后重新填写']);
  });

  it('groups digits without the runtime locale', () => {
    expect(groupDigits(0)).toBe('0');
    expect(groupDigits(999)).toBe('999');
    expect(groupDigits(1000)).toBe('1,000');
    expect(groupDigits(-10_000_000)).toBe('-10,000,000');
    expect(groupDigits(2 ** 31)).toBe('2,147,483,648');
  });
});

import { describe, expect, it } from 'vitest';
import { maskPhonesInText } from './mask.js';
import { fenSchema, isFenInRange, MAX_FEN } from './money.js';

describe('phone numbers in free text', () => {
  it('masks mobiles and landlines like a receiver phone, in any common spelling', () => {
    expect(maskPhonesInText('请联系13812345678谢谢')).toBe('请联系138****5678谢谢');
    expect(maskPhonesInText('电话 138 1234 5678，备用 139-1234-5678')).toBe('电话 138****5678，备用 139****5678');
    expect(maskPhonesInText('+86 150-0000-1111 或 0571-87654321')).toBe('+86 150****1111 或 057****4321');
    expect(maskPhonesInText('8613812345678')).toBe('86138****5678');
  });

  it('leaves codes that merely contain digits alone', () => {
    for (const t of ['SF13812345678', 'M20261122000001', '订单号 212345678901234', '1381234567', '数量 12 件，合计 ¥129.00']) {
      expect(maskPhonesInText(t)).toBe(t);
    }
    expect(maskPhonesInText('')).toBe('');
    expect(maskPhonesInText(null)).toBeNull();
  });
});

describe('money bound', () => {
  it('accepts 0…MAX_FEN and says in Chinese what is wrong otherwise', () => {
    expect(fenSchema('单价').safeParse(MAX_FEN).success).toBe(true);
    const over = fenSchema('单价').safeParse(MAX_FEN + 1);
    expect(over.success).toBe(false);
    expect(over.error?.issues[0]?.message).toContain('单价不能超过 ¥100,000,000,000.00');
    expect(fenSchema('单价').safeParse(-1).error?.issues[0]?.message).toBe('单价不能为负数');
    expect(fenSchema('调整金额', { signed: true }).safeParse(-MAX_FEN).success).toBe(true);
    expect(fenSchema('调整金额', { signed: true }).safeParse(-MAX_FEN - 1).success).toBe(false);
    expect(fenSchema('单价').safeParse(1.5).success).toBe(false);
    expect(isFenInRange(MAX_FEN)).toBe(true);
    expect(isFenInRange(MAX_FEN + 1)).toBe(false);
    expect(isFenInRange(-1)).toBe(false);
    expect(isFenInRange(Number.NaN)).toBe(false);
    expect(MAX_FEN * 100).toBeLessThan(Number.MAX_SAFE_INTEGER); // a hundred lines at the bound still add up exactly
  });
});

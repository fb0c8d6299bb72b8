import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { clipText, keepHiddenPhones, maskPhonesInText, unmaskEdited } from './mask.js';
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

describe('saving back text that was shown masked', () => {
  const edit = (stored: string, change: (masked: string) => string) => unmaskEdited(stored, change(maskPhonesInText(stored)));

  it('puts the stored number back where the masked form was kept, as it was spelled', () => {
    expect(edit('请联系 13812345678 送货前打电话', () => '请联系 138****5678 周末送货')).toBe('请联系 13812345678 周末送货');
    expect(edit('电话 138 1234 5678，备用 0571-87654321', (m) => `改：${m}`)).toBe('改：电话 138 1234 5678，备用 0571-87654321');
    expect(edit('+86 150-0000-1111', (m) => `${m} 白天`)).toBe('+86 150-0000-1111 白天');
    expect(edit('8613812345678', (m) => m)).toBe('8613812345678');
    expect(edit('座机 010-1234567', (m) => m)).toBe('座机 010-1234567'); // masked 01***67
    // Two numbers, the edit keeps both, swapped.
    expect(edit('A 13812345678 B 13900001111', () => 'B 139****1111 A 138****5678')).toBe('B 13900001111 A 13812345678');
  });

  it('keeps deleted numbers deleted and typed numbers as typed', () => {
    expect(edit('请联系 13812345678', () => '不用联系了')).toBe('不用联系了');
    expect(edit('请联系 13812345678', () => '改打 13900001111')).toBe('改打 13900001111');
    expect(unmaskEdited('', '138****5678')).toBe('138****5678');
    expect(unmaskEdited(null, '138****5678')).toBe('138****5678');
    expect(unmaskEdited('请联系 13812345678', '请联系 139****5678')).toBe('请联系 139****5678'); // no such number stored
    expect(unmaskEdited('请联系 13812345678', 'X138****5678')).toBe('X138****5678'); // part of a longer code
  });

  it('restores a masked form shared by several stored numbers in order of appearance', () => {
    const stored = '买家 13812345678，收件人 13899995678';
    expect(maskPhonesInText(stored)).toBe('买家 138****5678，收件人 138****5678');
    expect(edit(stored, (m) => `${m}。`)).toBe(`${stored}。`);
    // Only one kept: it gets the first of them (the documented rule, whichever one the user meant).
    expect(unmaskEdited(stored, '收件人 138****5678')).toBe('收件人 13812345678');
    // More copies than numbers: the extra copy gets the last one.
    expect(unmaskEdited(stored, '138****5678 / 138****5678 / 138****5678')).toBe('13812345678 / 13899995678 / 13899995678');
    // One number written twice is not ambiguous.
    expect(unmaskEdited('13812345678 或 13812345678', '只打 138****5678')).toBe('只打 13812345678');
  });

  it('never restores a number into a place where it would be shown unmasked', () => {
    // Every restored number is masked again when read back: the reader sees exactly what they saved.
    const stored = '请联系 13812345678 或 0571-87654321';
    for (const edited of ['0571-138****5678', '139-1234-138****5678', '+86138****5678', '138****5678-057****4321', '86-057****4321']) {
      const saved = unmaskEdited(stored, edited);
      expect(maskPhonesInText(saved)).toBe(maskPhonesInText(edited));
    }
    // Restored here, 0571-87654321 would run into the digits before it and read 139****0571-87654321:
    // that one stays masked as written, the other is still restored.
    expect(unmaskEdited(stored, '139-1234-057****4321 和 138****5678')).toBe('139-1234-057****4321 和 13812345678');
    expect(maskPhonesInText('139-1234-0571-87654321')).toBe('139****0571-87654321');
  });

  it('refuses a save that the restored numbers make longer than the field allows', () => {
    const field = { label: '卖家备注', path: 'sellerMemo', max: 20 };
    const stored = '电话 138 1234 5678';
    expect(keepHiddenPhones(stored, '电话 138****5678 快', field)).toBe('电话 138 1234 5678 快');
    expect(keepHiddenPhones(stored, '电话 138****5678 周末送', field)).toHaveLength(20);
    const tooLong = '电话 138****5678 周末送到'; // 19 characters as seen, 21 as stored
    try {
      keepHiddenPhones(stored, tooLong, field);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('validation_failed');
      expect((e as AppError).fieldErrors?.[0]?.path).toBe('sellerMemo');
      expect((e as AppError).message).toContain('卖家备注中打码的电话号码会按完整号码保存，保存后超过 20 个字符');
    }
  });
});

describe('clipping text for a column', () => {
  it('never cuts through a phone number, which would then be shown unmasked', () => {
    const text = `${'备注'.repeat(5)} 13812345678 谢谢`;
    expect(maskPhonesInText(text.slice(0, 21))).toContain('1381234567'); // the plain cut leaks 10 digits
    expect(clipText(text, 22)).toBe(`${'备注'.repeat(5)} …`);
    expect(clipText(text, text.length)).toBe(text);
    expect(clipText('订单 M20261122000001 已处理', 10)).toBe('订单 M…');
    expect(clipText('abcdef', 4)).toBe('abc…');
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

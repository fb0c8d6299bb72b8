import { describe, expect, it } from 'vitest';
import {
  AdjustBody,
  TransferBody,
  averageDailySales,
  daysOfCover,
  movingAverageCost,
  sellThroughRate,
  stockTurnoverDays,
} from './inventory.js';

describe('movingAverageCost', () => {
  it('blends the stock on hand with the receipt, rounded to whole fen', () => {
    // 10 on hand at ¥40.00, receive 5 at ¥46.00 → (400.00 + 230.00) / 15 = ¥42.00
    expect(movingAverageCost(10, 4000, 5, 4600)).toBe(4200);
    // 3 at ¥10.00 + 4 at ¥11.00 → 7400 / 7 = 1057.14… → 1057
    expect(movingAverageCost(3, 1000, 4, 1100)).toBe(1057);
    // 1 at 1 fen + 1 at 2 fen → 1.5 → rounds half up to 2
    expect(movingAverageCost(1, 1, 1, 2)).toBe(2);
    // 2 at 0 + 1 at 100 → 33.33 → 33
    expect(movingAverageCost(2, 0, 1, 100)).toBe(33);
  });
  it('takes the unit cost when nothing is on hand', () => {
    expect(movingAverageCost(0, 9999, 5, 1234)).toBe(1234);
    expect(movingAverageCost(-3, 9999, 5, 1234)).toBe(1234);
  });
  it('refuses non-integer or non-positive input', () => {
    expect(() => movingAverageCost(1, 10.5, 1, 1)).toThrow(RangeError);
    expect(() => movingAverageCost(1, 10, 0, 1)).toThrow(RangeError);
  });
});

describe('days of cover, 售罄率 and 库存周转天数', () => {
  it('divides available by the average daily sales of the window', () => {
    expect(averageDailySales(60, 30)).toBe(2);
    expect(daysOfCover(100, 60, 30)).toBe(50); // 100 / (60/30)
    expect(daysOfCover(10, 90, 30)).toBeCloseTo(3.3); // 10 / 3
    expect(daysOfCover(0, 90, 30)).toBe(0);
    expect(daysOfCover(100, 0, 30)).toBeNull();
  });
  it('售罄率 = sold / (sold + stock)', () => {
    expect(sellThroughRate(30, 70)).toBeCloseTo(0.3);
    expect(sellThroughRate(0, 0)).toBeNull();
    expect(sellThroughRate(10, 0)).toBe(1);
  });
  it('库存周转天数 = average stock / average daily sales', () => {
    // stock 120 at the start, 80 at the end → average 100; 150 sold in 30 days → 5/day → 20 days
    expect(stockTurnoverDays((120 + 80) / 2, 150, 30)).toBe(20);
    expect(stockTurnoverDays(100, 0, 30)).toBeNull();
  });
});

describe('request schemas', () => {
  it('rejects a zero adjustment and the same warehouse on both ends of a transfer', () => {
    expect(AdjustBody.safeParse({ skuId: 's', warehouseId: 'w', qty: 0, reason: 'x' }).success).toBe(false);
    const t = TransferBody.safeParse({ fromWarehouseId: 'a', toWarehouseId: 'a', lines: [{ skuId: 's', qty: 1 }] });
    expect(t.success).toBe(false);
    expect(t.error?.issues[0]?.message).toBe('调出仓与调入仓不能相同');
  });
});

import { describe, expect, it } from 'vitest';
import {
  AFTERSALE_STATUSES,
  AFTERSALE_STATUS_LABELS,
  AFTERSALE_TYPES,
  AFTERSALE_TYPE_LABELS,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  canTransition,
  transitionRefusal,
} from './orders.js';

describe('order status machine', () => {
  it('only names known statuses and ends in cancelled / refunded', () => {
    for (const s of ORDER_STATUSES) for (const t of ORDER_TRANSITIONS[s]) expect(ORDER_STATUSES).toContain(t);
    expect(ORDER_TRANSITIONS.cancelled).toEqual([]);
    expect(ORDER_TRANSITIONS.refunded).toEqual([]);
  });
  it('refuses cancelling a shipped order in words a user understands', () => {
    expect(canTransition('shipped', 'cancelled')).toBe(false);
    expect(canTransition('paid', 'shipped')).toBe(true);
    expect(transitionRefusal('shipped', 'cancelled')).toBe('订单状态为「已发货」，不能取消');
  });
  it('labels every after-sales type and status in both languages', () => {
    for (const t of AFTERSALE_TYPES) expect(AFTERSALE_TYPE_LABELS[t].zh && AFTERSALE_TYPE_LABELS[t].en).toBeTruthy();
    for (const s of AFTERSALE_STATUSES) expect(AFTERSALE_STATUS_LABELS[s].zh && AFTERSALE_STATUS_LABELS[s].en).toBeTruthy();
  });
});

import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { ORDER_MACHINE } from './orders.js';
import { PRODUCT_MACHINE } from './catalog.js';
import { PO_MACHINE } from './inventory.js';
import { defineMachine, type Machine } from './state-machine.js';

describe('defineMachine', () => {
  const m: Machine<'a' | 'b' | 'c'> = defineMachine<'a' | 'b' | 'c'>({
    states: ['a', 'b', 'c'],
    transitions: { a: ['b'], b: ['c'] },
    refusal: (from, to, subject) => `${subject ?? ''}${from}→${to} 不行`,
  });

  it('answers can / next / isTerminal from the table', () => {
    expect(m.can('a', 'b')).toBe(true);
    expect(m.can('a', 'c')).toBe(false);
    expect(m.can('zz', 'a')).toBe(false);
    expect(m.next('a')).toEqual(['b']);
    expect(m.next('c')).toEqual([]);
    expect(m.next('zz')).toEqual([]);
    expect(m.isTerminal('c')).toBe(true);
    expect(m.isTerminal('b')).toBe(false);
  });

  it('refuses with invalid_state, the message and from/to in the details', () => {
    expect(() => m.assert('a', 'b')).not.toThrow();
    try {
      m.assert('a', 'c', { id: 'x' }, 'X: ');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('invalid_state');
      expect((e as AppError).message).toBe('X: a→c 不行');
      expect((e as AppError).details).toEqual({ id: 'x', from: 'a', to: 'c' });
    }
    expect(() => m.assert('zz', 'a')).toThrow('状态「zz」无法识别，不能变更');
  });

  it('keeps the messages of the real machines', () => {
    expect(() => ORDER_MACHINE.assert('shipped', 'cancelled')).toThrow('订单状态为「已发货」，不能取消');
    expect(() => ORDER_MACHINE.assert('nope', 'cancelled')).toThrow('订单状态「nope」无法识别，不能变更');
    expect(ORDER_MACHINE.isTerminal('refunded')).toBe(true);
    expect(PRODUCT_MACHINE.can('on_sale', 'on_sale')).toBe(true);
    expect(() => PRODUCT_MACHINE.assert('on_sale', 'draft', {}, '保温杯')).toThrow('商品「保温杯」当前是「在售」，不能直接改为「草稿」');
    expect(() => PO_MACHINE.assert('received', 'cancelled', {}, 'PO-1')).toThrow('采购单 PO-1 当前为「已收货」，不能变为「已取消」');
  });
});

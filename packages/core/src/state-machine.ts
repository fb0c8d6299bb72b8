/**
 * One helper for every status machine (orders, products, purchase orders, after-sales cases): the
 * rules stay data (`from → allowed next statuses`), and the checks — may it move, what may follow,
 * is it final, refuse in Chinese — are written once here.
 */
import { AppError } from './errors.js';

export interface MachineSpec<S extends string> {
  /** Every status the machine knows, in display order. */
  states: readonly S[];
  /** Allowed moves; a status missing from the table (or with an empty list) has no way on. */
  transitions: Partial<Record<S, readonly S[]>>;
  /** Final statuses; by default those with no way on. */
  terminal?: readonly S[];
  /** Staying in the same status counts as allowed (a no-op edit), e.g. for product status. */
  allowSame?: boolean;
  /** The Chinese refusal a user sees; `subject` names the thing (a code, a title) when given. */
  refusal: (from: S, to: S, subject?: string) => string;
  /** The refusal for a status the machine does not know (data from an older version, a typo). */
  unknown?: (from: string, subject?: string) => string;
}

export interface Machine<S extends string> {
  readonly states: readonly S[];
  readonly transitions: Partial<Record<S, readonly S[]>>;
  is(s: string): s is S;
  can(from: string, to: S): boolean;
  next(from: string): S[];
  isTerminal(s: string): boolean;
  /** Throws `invalid_state` with the Chinese refusal and `{ ...details, from, to }`. */
  assert(from: string, to: S, details?: Record<string, unknown>, subject?: string): asserts from is S;
}

export function defineMachine<S extends string>(spec: MachineSpec<S>): Machine<S> {
  const { states, transitions } = spec;
  const is = (s: string): s is S => (states as readonly string[]).includes(s);
  const next = (from: string): S[] => (is(from) ? [...(transitions[from] ?? [])] : []);
  const terminal: readonly S[] = spec.terminal ?? states.filter((s) => next(s).length === 0);
  const can = (from: string, to: S): boolean => is(from) && ((spec.allowSame === true && from === to) || next(from).includes(to));
  return {
    states,
    transitions,
    is,
    can,
    next,
    isTerminal: (s) => (terminal as readonly string[]).includes(s),
    assert(from, to, details = {}, subject) {
      if (!is(from)) {
        const message = spec.unknown ? spec.unknown(from, subject) : `状态「${from}」无法识别，不能变更`;
        throw new AppError('invalid_state', message, details);
      }
      if (!can(from, to)) throw new AppError('invalid_state', spec.refusal(from, to, subject), { ...details, from, to });
    },
  };
}

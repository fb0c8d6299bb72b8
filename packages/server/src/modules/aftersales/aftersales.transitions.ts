/**
 * The after-sales status machine, per case type, as data. Terminal: completed, rejected, closed.
 * Some steps are taken by actions rather than by a plain status change: receiving returned goods
 * (inspect → received) and refunding (refund → completed); they are listed here all the same so
 * one table says what can follow what.
 */
import {
  AFTERSALE_STATUSES,
  AFTERSALE_STATUS_LABELS,
  AFTERSALE_TERMINAL,
  AFTERSALE_TYPES,
  defineMachine,
  type AftersaleStatus,
  type AftersaleType,
  type Machine,
} from '@yunying/core';

type Table = Partial<Record<AftersaleStatus, readonly AftersaleStatus[]>>;

export const AFTERSALE_TRANSITIONS: Record<AftersaleType, Table> = {
  // 仅退款: review, then refund.
  refund_only: {
    pending: ['processing', 'completed', 'rejected', 'closed'],
    processing: ['completed', 'rejected', 'closed'],
  },
  // 退货退款: agree → buyer sends back → warehouse inspects → refund.
  return_refund: {
    pending: ['processing', 'rejected', 'closed'],
    processing: ['awaiting_return', 'received', 'rejected', 'closed'],
    awaiting_return: ['received', 'closed'],
    received: ['completed'],
  },
  // 换货: like a return, then the replacement goes out and the case completes.
  exchange: {
    pending: ['processing', 'rejected', 'closed'],
    processing: ['awaiting_return', 'received', 'rejected', 'closed'],
    awaiting_return: ['received', 'closed'],
    received: ['completed'],
  },
  // 补发: nothing comes back; a replacement order is sent.
  resend: {
    pending: ['processing', 'rejected', 'closed'],
    processing: ['completed', 'closed'],
  },
  // 维修: the item comes back, is repaired and sent again.
  repair: {
    pending: ['processing', 'rejected', 'closed'],
    processing: ['awaiting_return', 'received', 'rejected', 'closed'],
    awaiting_return: ['received', 'closed'],
    received: ['completed'],
  },
  // 投诉: handle and close.
  complaint: {
    pending: ['processing', 'closed'],
    processing: ['completed', 'closed'],
  },
};

/** Statuses only reachable through an action (inspect, refund), not a plain status change. */
export const ACTION_ONLY: Partial<Record<AftersaleType, readonly AftersaleStatus[]>> = {
  refund_only: ['completed'],
  return_refund: ['received', 'completed'],
  exchange: ['received'],
  repair: ['received'],
  // 补发 completes when its replacement order is created (returns.reship).
  resend: ['completed'],
};

/**
 * SLA per stage, in hours: how long a case may sit in a status before it is overdue. `pending`
 * is the time to first handling (48 h, the common platform rule).
 */
export const SLA_HOURS: Record<AftersaleType, Partial<Record<AftersaleStatus, number>>> = {
  refund_only: { pending: 48, processing: 24 },
  return_refund: { pending: 48, processing: 48, awaiting_return: 7 * 24, received: 48 },
  exchange: { pending: 48, processing: 48, awaiting_return: 7 * 24, received: 72 },
  resend: { pending: 48, processing: 48 },
  repair: { pending: 48, processing: 48, awaiting_return: 7 * 24, received: 7 * 24 },
  complaint: { pending: 24, processing: 72 },
};

export const TERMINAL: readonly AftersaleStatus[] = AFTERSALE_TERMINAL;

const label = (s: AftersaleStatus) => AFTERSALE_STATUS_LABELS[s]?.zh ?? s;

/** One machine per case type (core's `defineMachine`): `can` / `assert` / `next` / `isTerminal`. */
export const AFTERSALE_MACHINES = Object.fromEntries(
  AFTERSALE_TYPES.map((type) => [
    type,
    defineMachine<AftersaleStatus>({
      states: AFTERSALE_STATUSES,
      transitions: AFTERSALE_TRANSITIONS[type],
      terminal: AFTERSALE_TERMINAL,
      refusal: (from, to) => `售后单状态为「${label(from)}」，不能改为「${label(to)}」`,
    }),
  ]),
) as Record<AftersaleType, Machine<AftersaleStatus>>;

export function slaDueAt(type: AftersaleType, status: AftersaleStatus, from: number): number {
  const h = SLA_HOURS[type][status];
  // Terminal statuses keep no clock; a far-future due time keeps them out of the overdue queue.
  return h === undefined ? from + 100 * 365 * 24 * 3600_000 : from + h * 3600_000;
}

export function canMove(type: AftersaleType, from: AftersaleStatus, to: AftersaleStatus): boolean {
  return AFTERSALE_MACHINES[type].can(from, to);
}

/** Next statuses a user may pick directly (without inspect/refund). */
export function manualNext(type: AftersaleType, from: AftersaleStatus): AftersaleStatus[] {
  const actionOnly = ACTION_ONLY[type] ?? [];
  return AFTERSALE_MACHINES[type].next(from).filter((s) => !actionOnly.includes(s));
}

export function assertMove(type: AftersaleType, from: AftersaleStatus, to: AftersaleStatus): void {
  const machine: Machine<AftersaleStatus> = AFTERSALE_MACHINES[type];
  machine.assert(from, to, { type });
}

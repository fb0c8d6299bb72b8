/**
 * Customer-service staffing with the Erlang C queue model (M/M/N, callers wait, nobody abandons).
 *
 *   offered load   A = λ · AHT                         (Erlangs; λ per second, AHT in seconds)
 *   Erlang B       B(0) = 1,  B(n) = A·B(n−1) / (n + A·B(n−1))
 *   Erlang C       C(N) = N·B(N) / (N − A·(1 − B(N)))  (probability an enquiry waits; N > A)
 *   service level  SL(t) = 1 − C · e^(−(N−A)·t/AHT)
 *   ASA            C · AHT / (N − A)
 *   occupancy      A / N
 *   scheduled      ⌈N / (1 − shrinkage)⌉
 *
 * The recursion keeps every intermediate value in (0, 1], so no factorial or power ever overflows:
 * A = 5,000 Erlangs (λ = 20,000/h at 15 min handling) costs about five thousand steps and stays exact
 * to double precision. N ≤ A is an unstable queue (it grows without bound): P(wait) = 1, SL = 0,
 * ASA = ∞, reported as `null`.
 */

export interface StaffingInput {
  /** Enquiries arriving per hour (λ). */
  perHour: number;
  /** Average handling time in seconds (talk + after-work). */
  ahtSeconds: number;
  /** Target service level, 0..1 (0.8 = 80 %). */
  target: number;
  /** Answered within this many seconds. */
  withinSeconds: number;
  /** Share of paid time an agent is not available (breaks, meetings, leave), 0..1. Default 0. */
  shrinkage?: number;
}

export interface StaffingResult {
  /** Offered load in Erlangs (λ·AHT). */
  load: number;
  /** Agents on the phones needed to reach the target. */
  agents: number;
  /** Probability that an enquiry waits at all (Erlang C). */
  pWait: number;
  /** Share answered within `withinSeconds`. */
  serviceLevel: number;
  /** Average speed of answer in seconds. */
  asaSeconds: number;
  /** Agents' busy share, A / N. */
  occupancy: number;
  /** Agents to schedule once shrinkage is allowed for. */
  scheduled: number;
}

export interface QueueFigures {
  pWait: number;
  serviceLevel: number;
  /** null when the queue is unstable (N ≤ A). */
  asaSeconds: number | null;
  occupancy: number;
}

/** Hard stop for the agent search: far beyond any shop's service team (λ = 20,000/h at 1 h handling). */
export const MAX_AGENTS = 100_000;

/** Erlang B blocking probability for `n` servers and load `a`, by the recursion. */
export function erlangB(n: number, a: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('servers must be a whole number ≥ 0');
  if (!(a >= 0) || !Number.isFinite(a)) throw new RangeError('load must be a finite number ≥ 0');
  let b = 1;
  for (let k = 1; k <= n; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C from the Erlang B value of the same `n`: the probability of waiting (1 when n ≤ a). */
export function erlangCFromB(n: number, a: number, b: number): number {
  if (n <= a) return 1;
  return (n * b) / (n - a * (1 - b));
}

/** Erlang C probability of waiting for `n` agents and load `a`. */
export function erlangC(n: number, a: number): number {
  return erlangCFromB(n, a, erlangB(n, a));
}

function figuresFromB(n: number, a: number, b: number, ahtSeconds: number, withinSeconds: number): QueueFigures {
  if (a === 0) return { pWait: 0, serviceLevel: 1, asaSeconds: 0, occupancy: 0 };
  if (n <= a) return { pWait: 1, serviceLevel: 0, asaSeconds: null, occupancy: n === 0 ? 1 : Math.min(1, a / n) };
  const c = erlangCFromB(n, a, b);
  const sl = 1 - c * Math.exp((-(n - a) * withinSeconds) / ahtSeconds);
  return { pWait: c, serviceLevel: Math.max(0, Math.min(1, sl)), asaSeconds: (c * ahtSeconds) / (n - a), occupancy: a / n };
}

/** Queue figures for a given number of agents (a what-if on the team size). */
export function queueFigures(agents: number, perHour: number, ahtSeconds: number, withinSeconds: number): QueueFigures {
  const a = offeredLoad(perHour, ahtSeconds);
  return figuresFromB(agents, a, erlangB(agents, a), ahtSeconds, withinSeconds);
}

/** λ·AHT in Erlangs. */
export function offeredLoad(perHour: number, ahtSeconds: number): number {
  return (perHour * ahtSeconds) / 3600;
}

/** Validate the input; returns a Chinese reason naming the field, or null. */
export function staffingInputProblem(i: StaffingInput): string | null {
  if (!Number.isFinite(i.perHour) || i.perHour < 0) return '每小时咨询量（per-hour）应为 ≥ 0 的数字';
  if (!Number.isFinite(i.ahtSeconds) || i.ahtSeconds <= 0) return '平均处理时长（aht，秒）应为大于 0 的数字';
  if (!Number.isFinite(i.target) || i.target <= 0 || i.target >= 1) return '目标服务水平（target）应在 0 与 1 之间，例如 0.8';
  if (!Number.isFinite(i.withinSeconds) || i.withinSeconds < 0) return '接通时限（within，秒）应为 ≥ 0 的数字';
  const s = i.shrinkage ?? 0;
  if (!Number.isFinite(s) || s < 0 || s >= 1) return '缺勤率（shrinkage）应在 0 与 1 之间（不含 1），例如 0.3';
  if (offeredLoad(i.perHour, i.ahtSeconds) > MAX_AGENTS / 2) return '话务量过大：每小时咨询量 × 处理时长超出可计算范围';
  return null;
}

/**
 * The fewest agents whose service level reaches the target, with the figures at that size.
 * Walks n upward carrying B(n), so the whole search is one pass of the recursion.
 */
export function staffing(input: StaffingInput): StaffingResult {
  const problem = staffingInputProblem(input);
  if (problem) throw new RangeError(problem);
  const a = offeredLoad(input.perHour, input.ahtSeconds);
  const shrink = input.shrinkage ?? 0;
  if (a === 0) return { load: 0, agents: 0, pWait: 0, serviceLevel: 1, asaSeconds: 0, occupancy: 0, scheduled: 0 };
  let b = 1;
  for (let n = 1; n <= MAX_AGENTS; n++) {
    b = (a * b) / (n + a * b);
    if (n <= a) continue;
    const f = figuresFromB(n, a, b, input.ahtSeconds, input.withinSeconds);
    if (f.serviceLevel >= input.target) {
      return {
        load: a,
        agents: n,
        pWait: f.pWait,
        serviceLevel: f.serviceLevel,
        asaSeconds: f.asaSeconds ?? 0,
        occupancy: f.occupancy,
        scheduled: scheduledStaff(n, shrink),
      };
    }
  }
  throw new RangeError('话务量过大：超出可计算的坐席数');
}

/** Staff to schedule so that `agents` are available after shrinkage: ⌈N / (1 − s)⌉. */
export function scheduledStaff(agents: number, shrinkage: number): number {
  // Round away float noise first (12 / 0.75 must be 16, not 16.000000000000004 → 17).
  return Math.ceil(Math.round((agents / (1 - shrinkage)) * 1e9) / 1e9);
}

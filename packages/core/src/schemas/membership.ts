/**
 * Membership (会员, issue 11 §4): settings, levels and points requests, stated once.
 */
import { z } from 'zod';
import { PageQuery } from '../api.js';
import { addDays } from '../time.js';

/**
 * Points expiry rules (积分有效期). `years`: points earned in year Y expire after 31 December of
 * Y + n — n = 1 is the marketplaces' and CRM tools' common 次年年底清零 (earned this year, usable
 * through the end of next year). `months`: points earned on day d are usable through the day
 * before d + n months. Consumption is first-in first-out: redemptions, reversals and earlier
 * expiries use the oldest points first, so what expires as of a day is
 * max(0, points earned before the cutoff − every deduction so far), never more than the balance.
 */
export const POINTS_EXPIRY_MODES = ['none', 'years', 'months'] as const;
export type PointsExpiryMode = (typeof POINTS_EXPIRY_MODES)[number];

/** The same day n months later (negative n: earlier), clamped to the month's last day. */
export function addMonths(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/**
 * The first earning day whose points are still valid on `asOf`: points earned before it have
 * expired by `asOf`. Null when points never expire.
 */
export function expiryCutoff(rule: { mode: PointsExpiryMode; n: number }, asOf: string): string | null {
  if (rule.mode === 'none') return null;
  if (rule.mode === 'years') return `${String(Number(asOf.slice(0, 4)) - rule.n).padStart(4, '0')}-01-01`;
  // The first day d with addMonths(d, n) > asOf (addMonths is monotone, so the expired days are a prefix).
  let d = addMonths(asOf, -rule.n);
  while (addMonths(d, rule.n) <= asOf) d = addDays(d, 1);
  while (addMonths(addDays(d, -1), rule.n) > asOf) d = addDays(d, -1);
  return d;
}

/** Points due to expire: earned before the cutoff minus every deduction so far (FIFO), within the balance. */
export function expiringPoints(opts: { earnedBeforeCutoff: number; deducted: number; balance: number }): number {
  return Math.max(0, Math.min(opts.balance, opts.earnedBeforeCutoff - opts.deducted));
}

/** The next day points expire on (for "expiring soon"): the end of this year, or 30 days ahead for months. */
export function nextExpiryDay(rule: { mode: PointsExpiryMode; n: number }, asOf: string): string | null {
  if (rule.mode === 'none') return null;
  return rule.mode === 'years' ? `${asOf.slice(0, 4)}-12-31` : addDays(asOf, 30);
}

export const MemberSettingsBody = z.object({
  enabled: z.boolean({ message: '请选择是否启用会员积分' }),
  pointsPerYuan: z
    .number({ message: '每元积分应为整数' })
    .int('每元积分应为整数')
    .min(0, '每元积分不能为负数')
    .max(100, '每元积分最多 100'),
  /** ISO weekday 1 (Mon) … 7 (Sun), null = no member day. */
  memberDay: z.number().int().min(1, '会员日应为周一至周日').max(7, '会员日应为周一至周日').nullable(),
  memberDayMultiplier: z
    .number({ message: '会员日积分倍数应为百分比整数' })
    .int('会员日积分倍数应为百分比整数')
    .min(100, '会员日积分倍数至少 100%')
    .max(1000, '会员日积分倍数最多 1000%'),
  /** Points expiry (积分有效期): none, end of the n-th year after earning (years), n months after earning (months). */
  pointsExpiry: z
    .enum(POINTS_EXPIRY_MODES, { message: '积分有效期应为 none（永久）、years（按年清零）或 months（按月数）' })
    .default('none'),
  pointsExpiryN: z
    .number({ message: '积分有效期应为整数' })
    .int('积分有效期应为整数')
    .min(1, '积分有效期至少为 1（年或月）')
    .max(120, '积分有效期最多为 120（年或月）')
    .default(1),
});
export type MemberSettingsInput = z.output<typeof MemberSettingsBody>;
export type MemberSettingsRequest = z.input<typeof MemberSettingsBody>;

export const MemberLevelBody = z
  .object({
    name: z.string({ message: '请填写等级名称' }).trim().min(1, '请填写等级名称').max(40, '等级名称最长 40 个字符'),
    /** Reached at this net paid amount (fen) … */
    minNetFen: z.number().int('消费门槛应为整数分').min(0, '消费门槛不能为负数').max(100_000_000_000).nullable(),
    /** … or at this many paid orders. */
    minOrders: z.number().int('订单门槛应为整数').min(1, '订单门槛至少 1 单').max(100_000).nullable(),
    pointsMultiplier: z.number().int().min(100, '积分倍数至少 100%').max(1000, '积分倍数最多 1000%').default(100),
    /** Member price: 95 = 95% of the price (95 折). */
    discountPct: z.number().int().min(50, '会员价折扣不能低于 50%').max(100, '会员价折扣不能高于 100%').default(100),
    freeShipping: z.boolean().default(false),
  })
  .refine((l) => l.minNetFen !== null || l.minOrders !== null, {
    message: '请至少填写一个门槛：累计消费金额或付款订单数',
    path: ['minNetFen'],
  });
export type MemberLevelInput = z.output<typeof MemberLevelBody>;
export type MemberLevelRequest = z.input<typeof MemberLevelBody>;

export const MemberLevelIdParams = z.object({ id: z.string().min(1).max(64) });

export const PointsBody = z.object({
  /** redeem: spend points (positive amount); adjust: add (positive) or remove (negative). */
  kind: z.enum(['redeem', 'adjust'], { message: '操作应为 redeem（兑换）或 adjust（调整）' }),
  points: z
    .number({ message: '积分应为整数' })
    .int('积分应为整数')
    .min(-1_000_000, '一次最多调整 1,000,000 积分')
    .max(1_000_000, '一次最多调整 1,000,000 积分')
    .refine((n) => n !== 0, '积分不能为 0'),
  reason: z.string({ message: '请填写原因' }).trim().min(1, '请填写原因').max(200, '原因最长 200 个字符'),
});
export type PointsInput = z.output<typeof PointsBody>;
export type PointsRequest = z.input<typeof PointsBody>;

export const PointsLedgerQuery = PageQuery;

export interface MemberLevel {
  id: string;
  name: string;
  minNetFen: number | null;
  minOrders: number | null;
  pointsMultiplier: number;
  discountPct: number;
  freeShipping: boolean;
}

export interface MemberSettings {
  enabled: boolean;
  pointsPerYuan: number;
  memberDay: number | null;
  memberDayMultiplier: number;
  pointsExpiry: PointsExpiryMode;
  pointsExpiryN: number;
}

/** The level a customer reaches: the highest (by threshold) whose amount or order threshold is met. */
export function levelFor<L extends Pick<MemberLevel, 'minNetFen' | 'minOrders'>>(
  levels: readonly L[],
  netFen: number,
  paidOrders: number,
): L | null {
  let best: L | null = null;
  let bestRank = -1;
  for (const l of levels) {
    const met = (l.minNetFen !== null && netFen >= l.minNetFen) || (l.minOrders !== null && paidOrders >= l.minOrders);
    if (!met) continue;
    const rank = levelRank(l);
    if (rank > bestRank) {
      best = l;
      bestRank = rank;
    }
  }
  return best;
}

/** Levels order by their amount threshold, then their order threshold. */
export function levelRank(l: Pick<MemberLevel, 'minNetFen' | 'minOrders'>): number {
  return (l.minNetFen ?? 0) * 1000 + (l.minOrders ?? 0);
}

/**
 * Points an order earns: floor(net paid yuan × points per yuan × level multiplier × member-day
 * multiplier); 0 when unpaid, cancelled or fully refunded.
 */
export function orderPoints(opts: { netFen: number; pointsPerYuan: number; levelMultiplierPct: number; memberDayPct: number }): number {
  if (opts.netFen <= 0 || opts.pointsPerYuan <= 0) return 0;
  // Integer arithmetic: fen × per-yuan × pct × pct / (100 × 100 × 100).
  const n = BigInt(opts.netFen) * BigInt(opts.pointsPerYuan) * BigInt(opts.levelMultiplierPct) * BigInt(opts.memberDayPct);
  return Number(n / 1_000_000n);
}

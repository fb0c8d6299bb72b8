/**
 * The shop diagnosis contract (店铺诊断, issue 15): the finding kinds, what a finding carries, and
 * the request shapes of its routes and CLI.
 */
import { z } from 'zod';
import { PageQuery } from '../api.js';
import { BusinessDay } from './analytics.js';

export const FINDING_KINDS = [
  'conversion_drop',
  'traffic_drop',
  'aov_drop',
  'refund_rise',
  'refund_reason_rise',
  'late_shipments',
  'stockout_risk',
  'slow_mover',
  'ads_below_break_even',
  'repeated_complaints',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const FINDING_KIND_LABELS: Record<FindingKind, { zh: string; en: string }> = {
  conversion_drop: { zh: '商品转化率下降', en: 'Product conversion drop' },
  traffic_drop: { zh: '来源流量下降', en: 'Traffic drop from a source' },
  aov_drop: { zh: '客单价下降', en: 'AOV drop' },
  refund_rise: { zh: '商品退款率上升', en: 'Product refund rate rise' },
  refund_reason_rise: { zh: '售后原因增多', en: 'After-sales reason rise' },
  late_shipments: { zh: '仓库发货超时', en: 'Late shipments' },
  stockout_risk: { zh: '补货周期内将断货', en: 'Stock-out within lead time' },
  slow_mover: { zh: '滞销压货', en: 'Slow mover tying up stock' },
  ads_below_break_even: { zh: '推广低于保本', en: 'Ad plan below break-even' },
  repeated_complaints: { zh: '同一问题反复差评', en: 'Repeated complaints' },
};

export const FINDING_SUBJECTS = ['shop', 'product', 'sku', 'source', 'reason', 'warehouse', 'plan'] as const;
export type FindingSubjectType = (typeof FINDING_SUBJECTS)[number];

export const FINDING_SEVERITIES = ['high', 'medium', 'low'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

export const FINDING_STATUSES = ['open', 'resolved', 'dismissed'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** One number of the evidence, before vs after the change (after only when there is no before). */
export interface EvidenceFigure {
  key: string;
  label: string;
  unit: 'count' | 'fen' | 'rate' | 'days' | 'hours';
  before: number | null;
  after: number;
}

export interface FindingEvidence {
  figures: EvidenceFigure[];
  /** The metric the change was found on, one point per day. */
  series: { label: string; unit: EvidenceFigure['unit']; points: { day: string; value: number }[] };
  /** Days of the comparison level and of the new level (inclusive). */
  beforeFrom: string | null;
  beforeTo: string | null;
  afterFrom: string;
  afterTo: string;
}

export interface Finding {
  id: string;
  shopId: string;
  shopName: string;
  kind: FindingKind;
  severity: FindingSeverity;
  status: FindingStatus;
  subjectType: FindingSubjectType;
  subjectId: string;
  subjectName: string;
  /** The first day of the change (change-point detection). */
  startedOn: string;
  /** The last day of an episode that is over (late shipments), else null. */
  endedOn: string | null;
  firstSeenOn: string;
  lastSeenOn: string;
  /** Estimated sales lost per day (fen); for stock tied up, its carrying cost per day. */
  moneyAtStakeFen: number;
  summary: string;
  evidence: FindingEvidence;
  causes: string[];
  action: { label: string; path: string };
  assigneeId: string | null;
  assigneeName: string | null;
  note: string;
  updatedAt: number;
  /** Only in the answer to an assignment: the task created for the assignee. */
  taskId?: string;
}

export const FindingListQuery = PageQuery.extend({
  shopId: z.string().max(64).optional(),
  status: z.enum([...FINDING_STATUSES, 'all'], { message: '状态应为 open / resolved / dismissed / all 之一' }).default('open'),
  kind: z.enum(FINDING_KINDS, { message: `类型应为 ${FINDING_KINDS.join(' / ')} 之一` }).optional(),
});
export type FindingListRequest = z.input<typeof FindingListQuery>;

export const FindingIdParams = z.object({ id: z.string().min(1).max(64) });

export const RunDiagnosisBody = z.object({
  shopId: z.string().min(1, '请选择店铺').max(64),
  /** The last day analysed (default: yesterday in the shop's zone). */
  date: BusinessDay.optional(),
});
export type RunDiagnosisRequest = z.input<typeof RunDiagnosisBody>;

export const UpdateFindingBody = z
  .object({
    action: z.enum(['assign', 'resolve', 'dismiss', 'reopen'], { message: '操作应为 assign / resolve / dismiss / reopen 之一' }),
    assigneeId: z.string().max(64).nullable().optional(),
    /** Assigning to someone also creates a task for them (tasks module), due on this day when given. */
    dueOn: BusinessDay.optional(),
    note: z.string().trim().max(500, '备注最多 500 字').default(''),
  })
  .refine((b) => b.action !== 'dismiss' || b.note.length > 0, { message: '忽略一条诊断请写明原因（备注）', path: ['note'] });
export type UpdateFindingRequest = z.input<typeof UpdateFindingBody>;

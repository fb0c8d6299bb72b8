/**
 * Team routine (issue 15, domain §10): tasks linked to any object, the per-role daily self-check
 * lists, monthly sales targets and activity plans. Request shapes are stated once here; the
 * server validates with them and the console types its requests from them.
 */
import { z } from 'zod';
import { PageQuery } from '../api.js';
import type { Fit } from '../planning.js';

export const TASK_STATUSES = ['open', 'doing', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** What a task may point at; the console turns kind + id into a link to the page where it is done. */
export const TASK_LINK_KINDS = ['finding', 'order', 'product', 'activity', 'aftersale', 'customer', 'plan', 'url'] as const;
export type TaskLinkKind = (typeof TASK_LINK_KINDS)[number];

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
const title = z.string().trim().min(1, '请填写任务标题').max(200, '任务标题最多 200 字');

export const TaskLink = z.object({
  kind: z.enum(TASK_LINK_KINDS),
  id: z.string().trim().min(1).max(200),
  label: z.string().trim().max(200).default(''),
});
export type TaskLinkInput = z.input<typeof TaskLink>;

export const CreateTaskBody = z.object({
  shopId: z.string().max(64).nullish(),
  title,
  note: z.string().max(2000).default(''),
  assigneeId: z.string().max(64).nullish(),
  dueOn: day.nullish(),
  link: TaskLink.nullish(),
});
export type CreateTaskInput = z.output<typeof CreateTaskBody>;

export const UpdateTaskBody = z.object({
  title: title.optional(),
  note: z.string().max(2000).optional(),
  status: z.enum(TASK_STATUSES).optional(),
  assigneeId: z.string().max(64).nullable().optional(),
  dueOn: day.nullable().optional(),
});

export const TASK_DUE_FILTERS = ['overdue', 'today', 'week', 'none'] as const;

export const TaskListQuery = PageQuery.extend({
  /** mine: assigned to me; team: everyone's (the default). */
  scope: z.enum(['mine', 'team', 'created']).default('team'),
  status: z.enum([...TASK_STATUSES, 'active'] as const).optional(),
  assigneeId: z.string().max(64).optional(),
  shopId: z.string().max(64).optional(),
  linkKind: z.enum(TASK_LINK_KINDS).optional(),
  linkId: z.string().max(200).optional(),
  due: z.enum(TASK_DUE_FILTERS).optional(),
  planId: z.string().max(64).optional(),
  q: z.string().max(100).optional(),
});

export const TaskBatchBody = z
  .object({
    ids: z.array(z.string().max(64)).min(1, '请先勾选任务').max(500, '一次最多处理 500 个任务'),
    action: z.enum(['status', 'assign', 'due']),
    status: z.enum(TASK_STATUSES).optional(),
    assigneeId: z.string().max(64).nullable().optional(),
    dueOn: day.nullable().optional(),
  })
  .superRefine((b, ctx) => {
    if (b.action === 'status' && !b.status) ctx.addIssue({ code: 'custom', path: ['status'], message: '请选择要改成的状态' });
    if (b.action === 'assign' && b.assigneeId === undefined)
      ctx.addIssue({ code: 'custom', path: ['assigneeId'], message: '请选择负责人（或选择“不指派”）' });
    if (b.action === 'due' && b.dueOn === undefined) ctx.addIssue({ code: 'custom', path: ['dueOn'], message: '请选择截止日期' });
  });

export interface TaskDto {
  id: string;
  shopId: string | null;
  title: string;
  note: string;
  status: TaskStatus;
  assigneeId: string | null;
  assigneeName: string | null;
  dueOn: string | null;
  overdue: boolean;
  link: { kind: TaskLinkKind; id: string; label: string } | null;
  planId: string | null;
  durationDays: number | null;
  dependsOn: string[];
  createdBy: string | null;
  createdByName: string | null;
  createdAt: number;
  updatedAt: number;
  doneAt: number | null;
}

// ───────────────────────────── daily self-checks (自查) ─────────────────────────────

/** The roles that have a self-check list (the seeded role codes). */
export const CHECKLIST_ROLES = ['operator', 'promotion', 'service', 'designer', 'warehouse', 'finance', 'owner'] as const;
export type ChecklistRole = (typeof CHECKLIST_ROLES)[number];

export const ChecklistDayQuery = z.object({ day: day.optional() });
export const ChecklistTickBody = z.object({
  itemId: z.string().max(64),
  day,
  done: z.boolean(),
  note: z.string().max(400).default(''),
});
export const ChecklistHistoryQuery = z.object({
  from: day,
  to: day,
  /** Someone else's history (needs targets.write); default: mine. */
  userId: z.string().max(64).optional(),
});
export const ChecklistItemsQuery = z.object({ role: z.enum(CHECKLIST_ROLES).optional() });
const itemLink = z
  .string()
  .trim()
  .max(200)
  .regex(/^(\/[\w\-/?=&.%]*)?$/, '链接应为本系统的页面路径，以 / 开头，如 /aftersales');
export const CreateChecklistItemBody = z.object({
  roleCode: z.enum(CHECKLIST_ROLES),
  title: z.string().trim().min(1, '请填写检查项').max(200, '检查项最多 200 字'),
  hint: z.string().trim().max(400).default(''),
  link: itemLink.default(''),
});
export const UpdateChecklistItemBody = z.object({
  title: z.string().trim().min(1, '请填写检查项').max(200, '检查项最多 200 字').optional(),
  hint: z.string().trim().max(400).optional(),
  link: itemLink.optional(),
  position: z.number().int().min(0).max(10_000).optional(),
  archived: z.boolean().optional(),
});

export interface ChecklistItemDto {
  id: string;
  roleCode: ChecklistRole;
  title: string;
  hint: string;
  link: string;
  position: number;
  archived: boolean;
}
export interface ChecklistDayItem extends ChecklistItemDto {
  done: boolean;
  doneAt: number | null;
  note: string;
}
export interface ChecklistDay {
  day: string;
  /** The user's roles that have a list (a user holding none sees the operator's list). */
  roles: ChecklistRole[];
  items: ChecklistDayItem[];
  done: number;
  total: number;
}
export interface ChecklistHistoryDay {
  day: string;
  done: number;
  total: number;
  items: { itemId: string; title: string; doneAt: number; note: string }[];
}

// ───────────────────────────── sales targets and KPIs ─────────────────────────────

export const TARGET_BASES = ['last_month', 'last_year', 'manual'] as const;
export type TargetBasis = (typeof TARGET_BASES)[number];
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM');

export const TargetBoardQuery = z.object({
  shopId: z.string().max(64),
  month: month.optional(),
  /** An activity target's board (its window instead of a month). */
  targetId: z.string().max(64).optional(),
});
export const SetTargetBody = z
  .object({
    shopId: z.string().max(64),
    kind: z.enum(['month', 'activity']).default('month'),
    /** Edit this target (an activity's name and window may change); without it the shop's target of the same period and name is set. */
    id: z.string().max(64).optional(),
    /** kind month: the month. */
    month: month.optional(),
    /** kind activity: its name and days. */
    name: z.string().trim().max(100).optional(),
    startOn: day.optional(),
    endOn: day.optional(),
    salesFen: z.number().int().min(100, '目标销售额至少 ¥1').max(10_000_000_000_000, '目标销售额过大'),
    basis: z.enum(TARGET_BASES).default('last_month'),
    /** basis manual: the conversion (0–1) and AOV (fen) to split by. */
    conversion: z.number().gt(0, '转化率应大于 0').max(1, '转化率不能超过 100%').optional(),
    aovFen: z.number().int().min(1, '客单价应大于 0').optional(),
  })
  .superRefine((b, ctx) => {
    if (b.kind === 'month' && !b.month) ctx.addIssue({ code: 'custom', path: ['month'], message: '请选择目标月份' });
    if (b.kind === 'activity') {
      if (!b.name) ctx.addIssue({ code: 'custom', path: ['name'], message: '请填写活动名称' });
      if (!b.startOn || !b.endOn) ctx.addIssue({ code: 'custom', path: ['startOn'], message: '请选择活动的开始和结束日期' });
      else if (b.startOn > b.endOn) ctx.addIssue({ code: 'custom', path: ['endOn'], message: '结束日期不能早于开始日期' });
    }
    if (b.basis === 'manual' && (b.conversion === undefined || b.aovFen === undefined))
      ctx.addIssue({ code: 'custom', path: ['conversion'], message: '手动拆分时请填写转化率和客单价' });
  });
export type SetTargetInput = z.output<typeof SetTargetBody>;

export const KpiQuery = z.object({ shopId: z.string().max(64), from: day, to: day });

export interface TargetSplitDto {
  salesFen: number;
  visitors: number;
  buyers: number;
  conversion: number;
  aovFen: number;
}
export interface TargetBasisDto {
  basis: Exclude<TargetBasis, 'manual'>;
  from: string;
  to: string;
  salesFen: number;
  visitors: number;
  buyers: number;
  /** null when the period had no visitors or no buyers (the split cannot use it). */
  conversion: number | null;
  aovFen: number | null;
}
export interface TargetDto extends TargetSplitDto {
  id: string;
  shopId: string;
  kind: 'month' | 'activity';
  name: string;
  startOn: string;
  endOn: string;
  basis: TargetBasis;
  updatedAt: number;
}
export interface TargetBoard {
  shopId: string;
  shopName: string;
  /** month: a calendar month's board; activity: the window of one activity target (`targetId`). */
  kind: 'month' | 'activity';
  /** The month (kind activity: the month the activity starts in). */
  month: string;
  startOn: string;
  endOn: string;
  today: string;
  target: TargetDto | null;
  bases: TargetBasisDto[];
  pace: {
    /** Past months that shaped the curve (0: a straight line); kind activity: past periods (activities or last year's window). */
    months: number;
    shaped: boolean;
    /** What shaped it: past months, past activity targets of the shop, the same window a year earlier, or nothing (a straight line). */
    shapedBy: 'months' | 'activities' | 'last_year' | 'linear';
    days: { day: string; expectedCumFen: number | null; actualFen: number | null; actualCumFen: number | null }[];
  };
  status: {
    elapsed: number;
    actualFen: number;
    expectedFen: number | null;
    gapFen: number | null;
    ratio: number | null;
    forecastFen: number | null;
    /** Visitors, conversion and AOV so far against what the target needs. */
    visitors: number;
    buyers: number;
    conversion: number | null;
    aovFen: number | null;
  };
}
export type KpiKey = 'newCustomerCost' | 'fullRoi' | 'repeatRate' | 'grossMargin' | 'inventoryDays';
export interface KpiDto {
  key: KpiKey;
  /** null with `missing` saying why (e.g. 无推广数据). */
  value: number | null;
  missing: string | null;
  /** The figures it is computed from (fen, counts). */
  parts: Record<string, number>;
  /** The same KPI over the previous period of equal length. */
  previous: number | null;
}
export interface KpiBoard {
  shopId: string;
  from: string;
  to: string;
  kpis: KpiDto[];
}

// ───────────────────────────── activity plans (critical path) ─────────────────────────────

export const PlanListQuery = z.object({ shopId: z.string().max(64).optional() });
export const CreatePlanBody = z.object({
  shopId: z.string().max(64),
  name: z.string().trim().min(1, '请填写计划名称').max(100, '计划名称最多 100 字'),
  startOn: day,
  /** The activity's day: the plan should finish before it. */
  activityOn: day.nullish(),
  note: z.string().max(2000).default(''),
});
export const UpdatePlanBody = CreatePlanBody.omit({ shopId: true }).partial();
export const PlanStepBody = z.object({
  title,
  durationDays: z.number().int().min(0, '工期不能为负').max(365, '工期最长 365 天'),
  dependsOn: z.array(z.string().max(64)).max(50).default([]),
  assigneeId: z.string().max(64).nullish(),
});
export const UpdatePlanStepBody = PlanStepBody.partial();
export const PlanStepParams = z.object({ id: z.string(), stepId: z.string() });

export interface PlanSummary {
  id: string;
  shopId: string;
  name: string;
  startOn: string;
  activityOn: string | null;
  note: string;
  steps: number;
  doneSteps: number;
  createdAt: number;
}
export interface PlanStep extends TaskDto {
  /** Days from the plan start (finish exclusive), latest start/finish, slack; dates are inclusive days. */
  es: number;
  ef: number;
  ls: number;
  lf: number;
  slack: number;
  critical: boolean;
  startOn: string;
  endOn: string;
}
export interface PlanDetail extends PlanSummary {
  durationDays: number;
  /** Last day of work (inclusive); null for a plan without steps. */
  endOn: string | null;
  /** The plan finishes after the activity's day. */
  late: boolean;
  criticalPath: string[];
  schedule: PlanStep[];
}

// What the console sends (typed from the shapes above).
export type TaskListRequest = Partial<z.input<typeof TaskListQuery>>;
export type CreateTaskRequest = z.input<typeof CreateTaskBody>;
export type UpdateTaskRequest = z.input<typeof UpdateTaskBody>;
export type TaskBatchRequest = z.input<typeof TaskBatchBody>;
export type ChecklistTickRequest = z.input<typeof ChecklistTickBody>;
export type CreateChecklistItemRequest = z.input<typeof CreateChecklistItemBody>;
export type UpdateChecklistItemRequest = z.input<typeof UpdateChecklistItemBody>;
export type CreatePlanRequest = z.input<typeof CreatePlanBody>;
export type PlanStepRequest = z.input<typeof PlanStepBody>;
export type UpdatePlanStepRequest = z.input<typeof UpdatePlanStepBody>;
export type SetTargetRequest = z.input<typeof SetTargetBody>;

// ───────────────────────────── what-if (模拟) ─────────────────────────────

export const WhatIfBaseQuery = z.object({ shopId: z.string().max(64), from: day, to: day });

export interface WhatIfBaseDto {
  shopId: string;
  from: string;
  to: string;
  /** Inputs of core `whatIf` (visitors split over the first-level source groups in proportion to their visitors). */
  base: {
    days: number;
    visitorsBySource: Record<string, number>;
    buyers: number;
    salesFen: number;
    costFen: number;
    adSpendFen: number;
    /** Sales the ad plans attribute to themselves in the period (fen). */
    adSalesFen: number;
    discount: number;
  };
  /** Paid source groups: an ad budget change moves their visitors. */
  paidGroups: string[];
  elasticities: {
    discountOnConversion: Fit | null;
    /** Days used and the range of daily discount depth seen (an estimate holds only near it). */
    days: number;
    discountMin: number | null;
    discountMax: number | null;
    /**
     * Ad sales' response to spend: the slope of ln(ad sales) on ln(spend) over the plans' days in the
     * history window, each plan centred on its own level (core withinLogLogElasticity); below 1 means
     * diminishing returns. null when there are too few plan-days with spend and sales, or no spread.
     */
    adOnAdSales: Fit | null;
    /** Plan-days and plans the fit used, and the range of a day's spend ÷ its plan's usual spend (geometric mean) seen. */
    adDays: number;
    adPlans: number;
    adSpendRelMin: number | null;
    adSpendRelMax: number | null;
  };
  /** The shop's daily ad spend and ad sales over the history window (days with spend). */
  adHistory: { day: string; spendFen: number; salesFen: number }[];
  /** Daily sales and units of the history window (for the activity band). */
  history: { day: string; salesFen: number; units: number; discount: number | null }[];
}

// ───────────────────────────── morning digest (早报) ─────────────────────────────

export interface MorningDigest {
  day: string;
  tasks: { open: number; overdue: number; dueToday: number; top: TaskDto[] };
  checks: { done: number; total: number } | null;
  /** Month targets of the visible shops that have one. */
  targets: {
    shopId: string;
    shopName: string;
    salesFen: number;
    actualFen: number;
    expectedFen: number | null;
    ratio: number | null;
    forecastFen: number | null;
  }[];
  /** The open findings with the most money at stake (when the user may read them). */
  findings: { id: string; shopName: string; summary: string; moneyAtStakeFen: number; path: string }[];
}

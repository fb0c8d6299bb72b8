/**
 * The traffic API contract — sources, source rules, collect keys and the collector's batch —
 * stated once: route validation and OpenAPI, the service's input types and the console's request
 * types all come from these schemas.
 */
import { z } from 'zod';
import { EVENT_TYPES, SOURCE_FAMILIES, SOURCE_GROUPS, type SourceGroupCode } from '../analytics.js';
import { PageQuery } from '../api.js';

// ---- sources ----

const SOURCE_GROUP_CODES = SOURCE_GROUPS.map((g) => g.code) as [SourceGroupCode, ...SourceGroupCode[]];
const SourceGroupSchema = z.enum(SOURCE_GROUP_CODES);
/** The channel tree a source belongs to (all = every channel's tree). */
const SourceFamilySchema = z.enum([...SOURCE_FAMILIES, 'all'], {
  message: `来源所属渠道应为 ${[...SOURCE_FAMILIES, 'all'].join(' / ')} 之一（all 表示所有渠道）`,
});

export const TrafficSourceBody = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, '来源代码须为 2–40 位小写字母、数字或下划线，并以字母开头'),
  groupCode: SourceGroupSchema,
  name: z.string().trim().min(1).max(60),
  family: SourceFamilySchema.default('all'),
});
export type TrafficSourceRequest = z.input<typeof TrafficSourceBody>;
export type TrafficSourceInput = z.output<typeof TrafficSourceBody>;

export const UpdateTrafficSourceBody = z.object({
  name: z.string().trim().min(1).max(60).optional(),
  groupCode: SourceGroupSchema.optional(),
  sort: z.number().int().min(0).max(1_000_000).optional(),
  family: SourceFamilySchema.optional(),
});

/** One channel's tree (taobao | jd | pdd | douyin | web), or every source when absent. */
export const SourceTreeQuery = z.object({ family: z.enum(SOURCE_FAMILIES).optional() });
export type UpdateTrafficSourceRequest = z.input<typeof UpdateTrafficSourceBody>;
export type UpdateTrafficSourceInput = z.output<typeof UpdateTrafficSourceBody>;

// ---- source rules ----

/** What a rule may test: UTM tags (also read from the url), the referrer, its host, the url. */
export const RULE_FIELDS = ['utm_source', 'utm_medium', 'utm_campaign', 'referrer_host', 'referrer', 'url'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];
export const RULE_OPS = ['equals', 'contains', 'prefix', 'regex'] as const;
export type RuleOp = (typeof RULE_OPS)[number];

export const SourceRuleBody = z.object({
  priority: z.number().int().min(0).max(1_000_000),
  field: z.enum(RULE_FIELDS),
  op: z.enum(RULE_OPS),
  pattern: z.string().max(200),
  sourceCode: z.string().min(1).max(40),
  enabled: z.boolean().default(true),
});
export type SourceRuleRequest = z.input<typeof SourceRuleBody>;
export type SourceRuleInput = z.output<typeof SourceRuleBody>;

export const UpdateSourceRuleBody = SourceRuleBody.partial();
export type UpdateSourceRuleRequest = z.input<typeof UpdateSourceRuleBody>;
export type UpdateSourceRuleInput = z.output<typeof UpdateSourceRuleBody>;

/** Try the rule table on a url and referrer. */
export const RuleTestBody = z.object({
  url: z.string().max(2000),
  referrer: z.string().max(2000).default(''),
  /** The channel tree whose rules run (a shop only runs its own tree's); Taobao's when absent. */
  family: z.enum(SOURCE_FAMILIES).default('taobao'),
});
export type RuleTestRequest = z.input<typeof RuleTestBody>;

// ---- collect keys ----

export const CollectKeysQuery = z.object({ shopId: z.string().max(64).optional() });
export type CollectKeysRequest = z.input<typeof CollectKeysQuery>;

export const CollectKeyBody = z.object({
  shopId: z.string().min(1).max(64),
  allowedOrigins: z.array(z.string().max(200)).max(50).default([]),
});
export type CollectKeyRequest = z.input<typeof CollectKeyBody>;
export type CollectKeyInput = z.output<typeof CollectKeyBody>;

// ---- the collector (POST /api/v1/collect) ----

/** Events per collect request. */
export const COLLECT_MAX_BATCH = 50;

const Str = (max: number) => z.string().max(max);

/** One event as the tracker sends it (batched). */
export const CollectEventSchema = z.object({
  type: z.enum(EVENT_TYPES),
  /** Client time, epoch ms (the server clamps it to its own clock ± 1 day). */
  at: z.number().int().nonnegative(),
  visitorId: z.string().min(1).max(64),
  sessionId: Str(64).optional(),
  /** Page path and query. */
  url: Str(2000),
  referrer: Str(2000).optional(),
  utm: z
    .object({
      source: Str(200).optional(),
      medium: Str(200).optional(),
      campaign: Str(200).optional(),
      term: Str(200).optional(),
      content: Str(200).optional(),
    })
    .optional(),
  /** For product events: the product id (prd_…) or the shop's own item id. */
  productId: Str(40).optional(),
  skuId: Str(40).optional(),
  /** product_view: time spent on the page before leaving, ms. */
  dwellMs: z
    .number()
    .int()
    .nonnegative()
    .max(24 * 3600_000)
    .optional(),
});
export type CollectEvent = z.output<typeof CollectEventSchema>;

export const CollectBody = z.object({
  key: z.string().min(1).max(80),
  events: z.array(CollectEventSchema).min(1).max(COLLECT_MAX_BATCH, `每批最多 ${COLLECT_MAX_BATCH} 个事件，请分批发送`),
});
export type CollectRequest = z.input<typeof CollectBody>;
export type CollectInput = z.output<typeof CollectBody>;

// ---- traffic statistics import ----

/** GET /traffic/imports: past imports, newest first. */
export const TrafficImportListQuery = PageQuery.extend({ shopId: z.string().max(64).optional() });
export type TrafficImportListRequest = z.input<typeof TrafficImportListQuery>;
export type TrafficImportListInput = z.output<typeof TrafficImportListQuery>;

/**
 * Traffic sources (the two-level tree), the source rules that map referrers/UTM tags onto them,
 * and the per-shop collect keys the tracker authenticates with.
 */
import crypto from 'node:crypto';
import {
  AppError,
  DEFAULT_SOURCES,
  newId,
  SOURCE_GROUP_NAMES,
  SOURCE_GROUPS,
  sourceInFamily,
  type SourceFamily,
  type SourceFamilyOrAll,
  type CollectKeyInput,
  type RuleField,
  type RuleOp,
  type SourceGroupCode,
  type SourceRuleInput,
  type TrafficSourceInput,
  type UpdateSourceRuleInput,
  type UpdateTrafficSourceInput,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { isUniqueViolation } from '../../db/dialect.js';
import { canSeeShop, scopeToShops } from '../../db/kit.js';
import { claimMeta, getMeta } from '../../db/meta.js';
import type { CollectKeysTable, DB, SourceRulesTable, TrafficSourcesTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as shops from '../shops/index.js';
import { announce, onAnnounce } from '../../lib/announce.js';
import { compileRegex, orderRules, STARTER_RULES, type SourceRule } from './classify.js';

type Db = Kysely<DB> | Transaction<DB>;

const seededKey = (orgId: string) => `traffic.seeded.${orgId}`;
/** The per-channel trees (JD, PDD, Douyin, web) came later: organisations seeded before get them once. */
const treesKey = (orgId: string) => `traffic.seeded.trees.${orgId}`;
const seededOrgs = new Set<string>();
const TAOBAO_CODES = new Set(DEFAULT_SOURCES.filter((s) => s.family === 'taobao' || s.family === 'all').map((s) => s.code));

async function seedSources(trx: Transaction<DB>, orgId: string, now: number, which: (code: string) => boolean): Promise<void> {
  const sources = DEFAULT_SOURCES.map((s, i) => ({ s, sort: (i + 1) * 10 })).filter((x) => which(x.s.code));
  const rules = STARTER_RULES.filter((r) => which(r.sourceCode));
  if (sources.length)
    await trx
      .insertInto('traffic_sources')
      .values(
        sources.map(({ s, sort }) => ({
          id: newId('src'),
          org_id: orgId,
          code: s.code,
          group_code: s.group,
          name: s.zh,
          builtin: 1,
          sort,
          family: s.family,
        })),
      )
      .onConflict((oc) => oc.columns(['org_id', 'code']).doNothing())
      .execute();
  if (rules.length)
    await trx
      .insertInto('source_rules')
      .values(
        rules.map((r) => ({
          id: newId('srl'),
          org_id: orgId,
          priority: r.priority,
          field: r.field,
          op: r.op,
          pattern: r.pattern,
          source_code: r.sourceCode,
          enabled: 1,
          created_at: now,
        })),
      )
      .execute();
}

/**
 * Seed the built-in sources of every channel's tree and the starter rule table once per
 * organisation. Meta flags remember it, so rules an operator deleted do not come back; concurrent
 * callers seed once (the flag row is inserted first and only the caller that inserted it seeds).
 * An organisation seeded before the per-channel trees existed gets the other trees' sources and
 * rules once (its Taobao sources and rules stay as the operator left them).
 */
export async function ensureSeeded(db: Kysely<DB>, orgId: string): Promise<void> {
  if (seededOrgs.has(orgId)) return;
  const first = (await getMeta(db, seededKey(orgId))) === undefined;
  if (first || (await getMeta(db, treesKey(orgId))) === undefined) {
    await db.transaction().execute(async (trx) => {
      const now = Date.now();
      const fresh = await claimMeta(trx, seededKey(orgId), String(now));
      if (!(await claimMeta(trx, treesKey(orgId), String(now)))) return;
      await seedSources(trx, orgId, now, fresh ? () => true : (code) => !TAOBAO_CODES.has(code));
    });
  }
  seededOrgs.add(orgId);
}

// ---------------------------------------------------------------- sources

export interface SourceDto {
  id: string;
  code: string;
  groupCode: SourceGroupCode;
  name: string;
  builtin: boolean;
  sort: number;
  /** The channel tree it belongs to, or all. */
  family: SourceFamilyOrAll;
}

export function sourceRowToDto(r: TrafficSourcesTable): SourceDto {
  return {
    id: r.id,
    code: r.code,
    groupCode: r.group_code as SourceGroupCode,
    name: r.name,
    builtin: r.builtin === 1,
    sort: r.sort,
    family: r.family as SourceFamilyOrAll,
  };
}

export async function listSources(db: Kysely<DB>, orgId: string): Promise<SourceDto[]> {
  await ensureSeeded(db, orgId);
  const rows = await db.selectFrom('traffic_sources').selectAll().where('org_id', '=', orgId).orderBy('sort').orderBy('code').execute();
  return rows.map(sourceRowToDto);
}

/** The source tree of one channel (its first-level names in the platform's words), or of every channel. */
export async function sourceTree(db: Kysely<DB>, orgId: string, family?: SourceFamily) {
  const sources = (await listSources(db, orgId)).filter((s) => family === undefined || sourceInFamily(s.family, family));
  const names = SOURCE_GROUP_NAMES[family ?? 'mixed'];
  return {
    family: family ?? null,
    groups: SOURCE_GROUPS.map((g) => ({
      code: g.code,
      name: names[g.code].zh,
      children: sources
        .filter((s) => s.groupCode === g.code)
        .map((s) => ({ id: s.id, code: s.code, name: s.name, builtin: s.builtin, sort: s.sort, family: s.family })),
    })),
  };
}

async function getSource(db: Db, actor: Actor, id: string): Promise<TrafficSourcesTable> {
  const row = await db.selectFrom('traffic_sources').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!row) throw new AppError('not_found', `流量来源 ${id} 不存在`, { id });
  return row;
}

export async function createSource(trx: Transaction<DB>, actor: Actor, input: TrafficSourceInput): Promise<SourceDto> {
  const max = await trx
    .selectFrom('traffic_sources')
    .select((eb) => eb.fn.max('sort').as('m'))
    .where('org_id', '=', actor.orgId)
    .executeTakeFirst();
  const row: TrafficSourcesTable = {
    id: newId('src'),
    org_id: actor.orgId,
    code: input.code,
    group_code: input.groupCode,
    name: input.name,
    builtin: 0,
    sort: Number(max?.m ?? 0) + 10,
    family: input.family,
  };
  try {
    await trx.insertInto('traffic_sources').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError('conflict', `来源代码「${input.code}」已存在，请换一个`, { code: input.code }, [
        { path: 'code', message: '来源代码已存在' },
      ]);
    throw err;
  }
  const dto = sourceRowToDto(row);
  await audit.record(trx, actor, 'traffic_source.create', { entityType: 'traffic_source', entityId: row.id, after: dto });
  return dto;
}

export async function updateSource(trx: Transaction<DB>, actor: Actor, id: string, input: UpdateTrafficSourceInput): Promise<SourceDto> {
  const before = await getSource(trx, actor, id);
  const patch: Partial<TrafficSourcesTable> = {};
  if (input.name !== undefined) patch.name = input.name;
  if (input.groupCode !== undefined) patch.group_code = input.groupCode;
  if (input.sort !== undefined) patch.sort = input.sort;
  if (input.family !== undefined) patch.family = input.family;
  if (Object.keys(patch).length) await trx.updateTable('traffic_sources').set(patch).where('id', '=', id).execute();
  forgetRules(actor.orgId);
  const after = sourceRowToDto({ ...before, ...patch });
  await audit.record(trx, actor, 'traffic_source.update', {
    entityType: 'traffic_source',
    entityId: id,
    before: sourceRowToDto(before),
    after,
  });
  return after;
}

export async function deleteSource(trx: Transaction<DB>, actor: Actor, id: string): Promise<void> {
  const row = await getSource(trx, actor, id);
  if (row.builtin === 1) throw new AppError('conflict', `「${row.name}」是内置来源，不能删除；可以改名或调整分组`, { id });
  const used = await trx
    .selectFrom('source_rules')
    .select('id')
    .where('org_id', '=', actor.orgId)
    .where('source_code', '=', row.code)
    .limit(1)
    .executeTakeFirst();
  if (used) throw new AppError('conflict', `来源「${row.name}」仍被来源规则使用，请先修改或删除这些规则`, { id, code: row.code });
  await trx.deleteFrom('traffic_sources').where('id', '=', id).execute();
  await audit.record(trx, actor, 'traffic_source.delete', { entityType: 'traffic_source', entityId: id, before: sourceRowToDto(row) });
}

// ---------------------------------------------------------------- rules

export function ruleRowToRule(r: SourceRulesTable): SourceRule {
  return {
    id: r.id,
    priority: r.priority,
    field: r.field as RuleField,
    op: r.op as RuleOp,
    pattern: r.pattern,
    sourceCode: r.source_code,
    enabled: r.enabled === 1,
    createdAt: Number(r.created_at),
  };
}

export function ruleDto(r: SourceRule) {
  return { id: r.id, priority: r.priority, field: r.field, op: r.op, pattern: r.pattern, sourceCode: r.sourceCode, enabled: r.enabled };
}

/**
 * Rules of an organisation in evaluation order; cached per process for the collector (30 s,
 * cleared on edits here). With a channel tree, only the rules that lead to that tree's sources
 * (or to one shown on every tree): a visit to the own site is never filed under 手淘搜索.
 */
const rulesCache = new Map<string, { at: number; rules: SourceRule[] }>();
const RULES_TTL_MS = 30_000;

export async function loadRules(
  db: Kysely<DB>,
  orgId: string,
  opts: { fresh?: boolean; family?: SourceFamily | undefined } = {},
): Promise<SourceRule[]> {
  const cacheKey = `${orgId}\u0000${opts.family ?? ''}`;
  const hit = rulesCache.get(cacheKey);
  if (!opts.fresh && hit && Date.now() - hit.at < RULES_TTL_MS) return hit.rules;
  await ensureSeeded(db, orgId);
  const rows = await db.selectFrom('source_rules').selectAll().where('org_id', '=', orgId).execute();
  let rules = orderRules(rows.map(ruleRowToRule));
  if (opts.family) {
    const fam = opts.family;
    const families = new Map(
      (await db.selectFrom('traffic_sources').select(['code', 'family']).where('org_id', '=', orgId).execute()).map((r) => [
        r.code,
        r.family,
      ]),
    );
    rules = rules.filter((r) => sourceInFamily(families.get(r.sourceCode) ?? 'all', fam));
  }
  rulesCache.set(cacheKey, { at: Date.now(), rules });
  return rules;
}

/** Rule edits reach the other server processes' caches too (lib/announce.ts), not after 30 s. */
const RULES_TOPIC = 'source-rules';
onAnnounce(RULES_TOPIC, (orgId) => {
  if (!orgId) rulesCache.clear();
  else for (const k of [...rulesCache.keys()]) if (k.startsWith(`${orgId}\u0000`)) rulesCache.delete(k);
});

function forgetRules(orgId: string): void {
  announce(RULES_TOPIC, orgId);
}

/**
 * After the transaction of a source or rule edit committed: forget the organisation's rules again,
 * here and in the other processes (the forget inside the transaction may be followed by a read of
 * the old rules before the commit, which would then be kept for 30 s).
 */
export function rulesCommitted<T>(orgId: string, value: T): T {
  forgetRules(orgId);
  return value;
}

export async function listRules(db: Kysely<DB>, orgId: string) {
  return { items: (await loadRules(db, orgId, { fresh: true })).map(ruleDto) };
}

async function checkRule(db: Db, orgId: string, input: UpdateSourceRuleInput): Promise<void> {
  if (input.op === 'regex' && input.pattern !== undefined && !compileRegex(input.pattern)) {
    throw new AppError('validation_failed', '正则表达式写法有误，请检查后重试', { pattern: input.pattern }, [
      { path: 'pattern', message: '不是合法的正则表达式' },
    ]);
  }
  if (input.sourceCode !== undefined) {
    const src = await db
      .selectFrom('traffic_sources')
      .select('id')
      .where('org_id', '=', orgId)
      .where('code', '=', input.sourceCode)
      .executeTakeFirst();
    if (!src)
      throw new AppError('validation_failed', `来源「${input.sourceCode}」不存在，请先在来源列表中添加`, { sourceCode: input.sourceCode }, [
        { path: 'sourceCode', message: '来源不存在' },
      ]);
  }
}

export async function createRule(trx: Transaction<DB>, actor: Actor, input: SourceRuleInput) {
  await checkRule(trx, actor.orgId, input);
  const row: SourceRulesTable = {
    id: newId('srl'),
    org_id: actor.orgId,
    priority: input.priority,
    field: input.field,
    op: input.op,
    pattern: input.pattern,
    source_code: input.sourceCode,
    enabled: input.enabled ? 1 : 0,
    created_at: Date.now(),
  };
  await trx.insertInto('source_rules').values(row).execute();
  forgetRules(actor.orgId);
  const dto = ruleDto(ruleRowToRule(row));
  await audit.record(trx, actor, 'source_rule.create', { entityType: 'source_rule', entityId: row.id, after: dto });
  return dto;
}

async function getRule(db: Db, actor: Actor, id: string): Promise<SourceRulesTable> {
  const row = await db.selectFrom('source_rules').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!row) throw new AppError('not_found', `来源规则 ${id} 不存在`, { id });
  return row;
}

export async function updateRule(trx: Transaction<DB>, actor: Actor, id: string, input: UpdateSourceRuleInput) {
  const before = await getRule(trx, actor, id);
  await checkRule(trx, actor.orgId, { op: input.op ?? (before.op as RuleOp), pattern: input.pattern ?? before.pattern, ...input });
  const patch: Partial<SourceRulesTable> = {};
  if (input.priority !== undefined) patch.priority = input.priority;
  if (input.field !== undefined) patch.field = input.field;
  if (input.op !== undefined) patch.op = input.op;
  if (input.pattern !== undefined) patch.pattern = input.pattern;
  if (input.sourceCode !== undefined) patch.source_code = input.sourceCode;
  if (input.enabled !== undefined) patch.enabled = input.enabled ? 1 : 0;
  if (Object.keys(patch).length) await trx.updateTable('source_rules').set(patch).where('id', '=', id).execute();
  forgetRules(actor.orgId);
  const after = ruleDto(ruleRowToRule({ ...before, ...patch }));
  await audit.record(trx, actor, 'source_rule.update', {
    entityType: 'source_rule',
    entityId: id,
    before: ruleDto(ruleRowToRule(before)),
    after,
  });
  return after;
}

export async function deleteRule(trx: Transaction<DB>, actor: Actor, id: string): Promise<void> {
  const row = await getRule(trx, actor, id);
  await trx.deleteFrom('source_rules').where('id', '=', id).execute();
  forgetRules(actor.orgId);
  await audit.record(trx, actor, 'source_rule.delete', { entityType: 'source_rule', entityId: id, before: ruleDto(ruleRowToRule(row)) });
}

// ---------------------------------------------------------------- collect keys

export interface CollectKeyDto {
  id: string;
  shopId: string;
  key: string;
  allowedOrigins: string[];
  createdAt: number;
  revokedAt: number | null;
}

export function keyRowToDto(r: CollectKeysTable): CollectKeyDto {
  return {
    id: r.id,
    shopId: r.shop_id,
    key: r.key,
    allowedOrigins: JSON.parse(r.allowed_origins) as string[],
    createdAt: Number(r.created_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  };
}

export async function listKeys(db: Kysely<DB>, actor: Actor, shopId?: string): Promise<{ items: CollectKeyDto[] }> {
  if (shopId) await shops.getVisible(db, actor, shopId);
  let q = db.selectFrom('collect_keys').selectAll().where('org_id', '=', actor.orgId);
  q = shopId ? q.where('shop_id', '=', shopId) : scopeToShops(q, actor, 'shop_id');
  const rows = await q.orderBy('created_at', 'desc').orderBy('id').execute();
  return { items: rows.map(keyRowToDto) };
}

/** A public write key: `yyw_` + 32 base62 characters (190 bits). */
export function newWriteKey(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const bytes = crypto.randomBytes(32);
  let s = '';
  for (const b of bytes) s += alphabet[b % 62];
  return `yyw_${s}`;
}

/** `https://shop.example.com` → itself; anything that is not a bare origin is rejected. */
export function normalizeOrigin(o: string): string | null {
  try {
    const u = new URL(o);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    if (u.pathname !== '/' || u.search || u.hash || u.username) return null;
    return u.origin;
  } catch {
    return null;
  }
}

export async function createKey(trx: Transaction<DB>, actor: Actor, input: CollectKeyInput): Promise<CollectKeyDto> {
  await shops.getVisible(trx, actor, input.shopId);
  const origins: string[] = [];
  const errors: { path: string; message: string }[] = [];
  input.allowedOrigins.forEach((o, i) => {
    const n = normalizeOrigin(o.trim());
    if (!n) errors.push({ path: `allowedOrigins.${i}`, message: '应为 https://域名[:端口] 形式，不带路径' });
    else if (!origins.includes(n)) origins.push(n);
  });
  if (errors.length) throw new AppError('validation_failed', '允许的来源网址格式不正确，例如 https://shop.example.com', undefined, errors);
  const row: CollectKeysTable = {
    id: newId('ckey'),
    org_id: actor.orgId,
    shop_id: input.shopId,
    key: newWriteKey(),
    allowed_origins: JSON.stringify(origins),
    created_at: Date.now(),
    revoked_at: null,
  };
  await trx.insertInto('collect_keys').values(row).execute();
  const dto = keyRowToDto(row);
  await audit.record(trx, actor, 'collect_key.create', {
    entityType: 'collect_key',
    entityId: row.id,
    shopId: input.shopId,
    after: { ...dto, key: `${dto.key.slice(0, 8)}…` },
  });
  return dto;
}

export async function revokeKey(trx: Transaction<DB>, actor: Actor, id: string): Promise<CollectKeyDto> {
  const row = await trx.selectFrom('collect_keys').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!row || !canSeeShop(actor, row.shop_id)) throw new AppError('not_found', `埋点密钥 ${id} 不存在或无权访问`, { id });
  if (row.revoked_at === null) {
    const now = Date.now();
    await trx.updateTable('collect_keys').set({ revoked_at: now }).where('id', '=', id).execute();
    row.revoked_at = now;
    await audit.record(trx, actor, 'collect_key.revoke', { entityType: 'collect_key', entityId: id, shopId: row.shop_id });
  }
  return keyRowToDto(row);
}

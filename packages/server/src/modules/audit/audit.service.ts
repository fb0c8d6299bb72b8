import { COUNT_CAP, maskPhonesInText, newId, type AuditEntry, type AuditFilter, type Page } from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { cappedCount, keysetPage, scopeToShops, searchTerm, textMatch } from '../../db/kit.js';

export interface AuditInput {
  entityType: string;
  entityId?: string | null;
  shopId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Record a change in the same transaction as the change itself. */
export async function record(trx: Transaction<DB> | Kysely<DB>, actor: Actor, action: string, input: AuditInput): Promise<void> {
  await recordInsert(trx, actor, action, input).execute();
}

/**
 * `record`'s insert, built and not run, for a caller that runs it inside a statement of its own
 * (PostgreSQL order creation writes its audit row in the order's statement; issue 10).
 */
export function recordInsert(trx: Transaction<DB> | Kysely<DB>, actor: Actor, action: string, input: AuditInput) {
  return trx.insertInto('audit_log').values({
    id: newId('audit'),
    org_id: actor.orgId,
    shop_id: input.shopId ?? null,
    actor_id: actor.userId || null,
    actor_name: actor.via === 'system' ? actor.username : `${actor.displayName}（${actor.username}）`,
    action,
    entity_type: input.entityType,
    entity_id: input.entityId ?? null,
    before_json: input.before === undefined ? null : JSON.stringify(input.before),
    after_json: input.after === undefined ? null : JSON.stringify(input.after),
    ip: actor.ip,
    request_id: actor.requestId,
    at: Date.now(),
  });
}

export async function search(db: Kysely<DB>, actor: Actor, f: AuditFilter): Promise<Page<AuditEntry>> {
  let q = db.selectFrom('audit_log').where('org_id', '=', actor.orgId);
  q = scopeToShops(q, actor, 'shop_id', { orNull: true });
  // The action filter is an action code or a dot-separated prefix of one: `auth.login` finds
  // `auth.login` (and `auth.login.*`), never `auth.login_failed`; `auth` finds every `auth.*`.
  const action = searchTerm(f.action)?.replace(/\.+$/, '');
  if (action) q = q.where((eb) => eb.or([eb('action', '=', action), textMatch('action', `${action}.`, 'prefix')]));
  const actorName = searchTerm(f.actor);
  if (actorName) q = q.where(textMatch('actor_name', actorName));
  if (f.entityType) q = q.where('entity_type', '=', f.entityType);
  if (f.entityId) q = q.where('entity_id', '=', f.entityId);
  if (f.shopId) q = q.where('shop_id', '=', f.shopId);
  if (f.from !== undefined) q = q.where('at', '>=', f.from);
  if (f.to !== undefined) q = q.where('at', '<', f.to);
  const total = await cappedCount(db, q);
  const { rows, nextCursor } = await keysetPage(
    q.selectAll().orderBy('at', 'desc').orderBy('id', 'desc'),
    { columns: ['at', 'id'], desc: true, kinds: ['number', 'string'], of: (r) => [Number(r.at), r.id] },
    f,
  );
  const json = (text: string | null): unknown => {
    if (text === null) return null;
    const value: unknown = JSON.parse(text);
    return canSeePii(actor) ? value : maskPhonesDeep(value);
  };
  return {
    items: rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorId: r.actor_id,
      actorName: r.actor_name,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      shopId: r.shop_id,
      before: json(r.before_json),
      after: json(r.after_json),
      ip: r.ip,
      requestId: r.request_id,
    })),
    total,
    page: f.page,
    pageSize: f.pageSize,
    totalCapped: total > COUNT_CAP,
    nextCursor,
  };
}

/** The CLI (system) and roles with `customers.pii.read` see personal data in full. */
function canSeePii(actor: Actor): boolean {
  return actor.via === 'system' || actor.permissions.has('customers.pii.read');
}

/**
 * Before/after snapshots copy free text (an order's seller memo, an after-sales note, a refund
 * reason) that may hold a buyer's phone number: every string in them is masked like the
 * receiver's phone (138****5678) for readers without `customers.pii.read`.
 */
function maskPhonesDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskPhonesInText(value);
  if (Array.isArray(value)) return value.map(maskPhonesDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskPhonesDeep(v)]));
  }
  return value;
}

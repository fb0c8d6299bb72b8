import { maskPhonesInText, newId, type NotificationDto, type NotificationLevel, type NotificationListFilter } from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { DB, NotificationsTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { scopeToShops } from '../../db/kit.js';
import { enqueueEmails } from './emails.js';

export interface RaiseInput {
  orgId: string;
  shopId?: string | null;
  type: string;
  level: NotificationLevel;
  title: string;
  body: string;
  /** Only users with this permission see it (null: everyone in the organisation). */
  permission?: string | null;
  entityType?: string | null;
  entityId?: string | null;
  /** An unresolved notification with the same key is not raised again. */
  dedupeKey?: string | null;
  /** For this user only (null: everyone with `permission`). */
  recipientId?: string | null;
  /** Raised once ever per organisation (the morning digest: `digest:<user>:<day>`), even when two runs race. */
  onceKey?: string | null;
  /**
   * Also by email, for the kinds in NOTIFICATION_EMAIL_KINDS: an outbox row per recipient who has an
   * email and opted in, written in this transaction and sent afterwards by a job (never here).
   */
  email?: { subject: string; text: string } | null;
}

/** Raise an alert unless the same one is already open. Returns the notification id (new or existing). */
export async function raise(trx: Transaction<DB> | Kysely<DB>, input: RaiseInput): Promise<string> {
  return (await raiseOnce(trx, input)).id;
}

/** `raise`, telling whether this call made the notification (false: an open duplicate or the once-key's). */
export async function raiseOnce(trx: Transaction<DB> | Kysely<DB>, input: RaiseInput): Promise<{ id: string; created: boolean }> {
  if (input.dedupeKey) {
    const open = await trx
      .selectFrom('notifications')
      .select('id')
      .where('org_id', '=', input.orgId)
      .where('dedupe_key', '=', input.dedupeKey)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    if (open) return { id: open.id, created: false };
  }
  const id = newId('notification');
  const row = {
    id,
    org_id: input.orgId,
    shop_id: input.shopId ?? null,
    type: input.type,
    level: input.level,
    title: input.title,
    body: input.body,
    permission: input.permission ?? null,
    entity_type: input.entityType ?? null,
    entity_id: input.entityId ?? null,
    dedupe_key: input.dedupeKey ?? null,
    resolved_at: null,
    created_at: Date.now(),
    recipient_id: input.recipientId ?? null,
    once_key: input.onceKey ?? null,
  };
  if (input.onceKey) {
    const res = await trx
      .insertInto('notifications')
      .values(row)
      .onConflict((oc) => oc.columns(['org_id', 'once_key']).doNothing())
      .executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0n) !== 1) {
      const had = await trx
        .selectFrom('notifications')
        .select('id')
        .where('org_id', '=', input.orgId)
        .where('once_key', '=', input.onceKey)
        .executeTakeFirstOrThrow();
      return { id: had.id, created: false };
    }
  } else await trx.insertInto('notifications').values(row).execute();
  if (input.email) await enqueueEmails(trx, row, input.email);
  return { id, created: true };
}

/** Whether a once-keyed notification was raised already (the digest skips its work then). */
export async function raisedOnce(db: Kysely<DB>, orgId: string, onceKey: string): Promise<boolean> {
  const r = await db
    .selectFrom('notifications')
    .select('id')
    .where('org_id', '=', orgId)
    .where('once_key', '=', onceKey)
    .executeTakeFirst();
  return r !== undefined;
}

/** Close the open alert with this key (the condition went away). */
export async function resolve(trx: Transaction<DB> | Kysely<DB>, orgId: string, dedupeKey: string): Promise<void> {
  await trx
    .updateTable('notifications')
    .set({ resolved_at: Date.now() })
    .where('org_id', '=', orgId)
    .where('dedupe_key', '=', dedupeKey)
    .where('resolved_at', 'is', null)
    .execute();
}

function visible(db: Kysely<DB>, actor: Actor) {
  let q = db.selectFrom('notifications').where('notifications.org_id', '=', actor.orgId);
  const perms = [...actor.permissions];
  q = q.where((eb) =>
    eb.or([eb('notifications.permission', 'is', null), ...(perms.length ? [eb('notifications.permission', 'in', perms)] : [])]),
  );
  q = scopeToShops(q, actor, 'notifications.shop_id', { orNull: true });
  // Personal ones (a user's morning digest) only for their recipient.
  q = q.where((eb) => eb.or([eb('notifications.recipient_id', 'is', null), eb('notifications.recipient_id', '=', actor.userId)]));
  return q;
}

export async function list(
  db: Kysely<DB>,
  actor: Actor,
  f: NotificationListFilter,
): Promise<{ items: NotificationDto[]; total: number; unread: number }> {
  const base = visible(db, actor).leftJoin('notification_reads as r', (j) =>
    j.onRef('r.notification_id', '=', 'notifications.id').on('r.user_id', '=', actor.userId),
  );
  let q = base;
  if (f.unreadOnly) q = q.where('r.read_at', 'is', null);
  if (f.open) q = q.where('notifications.resolved_at', 'is', null);
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const { unread } = await base
    .where('r.read_at', 'is', null)
    .select((eb) => eb.fn.countAll<number>().as('unread'))
    .executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('notifications')
    .select('r.read_at')
    .orderBy('notifications.created_at', 'desc')
    .orderBy('notifications.id', 'desc')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  // Titles and bodies are composed by the server from codes and numbers today; should one ever
  // quote a buyer's words, a phone number in it is masked for readers without customers.pii.read.
  const pii = actor.via === 'system' || actor.permissions.has('customers.pii.read');
  const text = (t: string) => (pii ? t : maskPhonesInText(t));
  return {
    items: rows.map((r) => {
      const dto = toDto(r, r.read_at);
      return { ...dto, title: text(dto.title), body: text(dto.body) };
    }),
    total: Number(total),
    unread: Number(unread),
  };
}

function toDto(r: NotificationsTable, readAt: number | null): NotificationDto {
  return {
    id: r.id,
    shopId: r.shop_id,
    type: r.type,
    level: r.level as NotificationLevel,
    title: r.title,
    body: r.body,
    entityType: r.entity_type,
    entityId: r.entity_id,
    resolved: r.resolved_at !== null,
    read: readAt !== null,
    createdAt: Number(r.created_at),
    personal: r.recipient_id !== null,
  };
}

export async function markRead(db: Kysely<DB>, actor: Actor, ids: string[] | 'all'): Promise<void> {
  const targets =
    ids === 'all'
      ? (await visible(db, actor).select('notifications.id').execute()).map((r) => r.id)
      : (
          await visible(db, actor)
            .select('notifications.id')
            .where('notifications.id', 'in', ids.length ? ids : [''])
            .execute()
        ).map((r) => r.id);
  if (targets.length === 0) return;
  const now = Date.now();
  await db
    .insertInto('notification_reads')
    .values(targets.map((id) => ({ notification_id: id, user_id: actor.userId, read_at: now })))
    .onConflict((oc) => oc.columns(['notification_id', 'user_id']).doNothing())
    .execute();
}

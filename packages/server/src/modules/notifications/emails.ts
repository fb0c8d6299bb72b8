/**
 * Notification emails (issues 14, 15): a durable outbox, `notification_emails`, one row per
 * (notification, recipient) — unique, so a notification is mailed to a user at most once whatever
 * raises it again. Rows are written in the transaction that raises the notification (an import's,
 * a digest's), together with a job of the jobs module; the job sends them afterwards through the
 * organisation's SMTP settings (outreach's `sendOneEmail`) — never inside the raising transaction.
 *
 * At most once per row, as outreach's campaigns: before a message goes out its row is switched
 * pending → sending (with the job's id and a lease) by a guarded UPDATE and committed; after the
 * server accepts it, sending → sent. A job that dies in between leaves the row `sending`: when that
 * job runs again, or once the lease has run out, the row becomes `unknown` (状态不明: the server
 * may have it) and is never sent again. Temporary refusals (4xx, connection trouble) retry with
 * backoff up to `maxAttempts`; permanent ones fail.
 *
 * Who gets one: the notification's recipient, or everyone who would see it in the bell (its
 * permission, its shop), with an email on their account and the kind switched on — the 中差评
 * alert is on by default, the morning digest off (a per-user choice in 账号设置).
 */
import {
  AppError,
  maskPhonesInText,
  NOTIFICATION_EMAIL_KINDS,
  newId,
  type EmailPrefsDto,
  type EmailPrefsRequest,
  type NotificationEmailDto,
  type NotificationEmailKind,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { DB, JobsTable, NotificationEmailsTable, NotificationsTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as jobs from '../jobs/index.js';
import * as outreach from '../outreach/index.js';
import * as roles from '../roles/index.js';
import * as users from '../users/index.js';

export const NOTIFICATION_EMAIL_JOB_TYPE = 'notifications.email';

/** Knobs the tests turn down — not settings. */
export const notificationEmailTuning = { retryBaseMs: 5_000, maxAttempts: 3, leaseMs: 5 * 60_000 };

/** Each kind's setting for a user who never chose. */
const DEFAULT_ON: Record<NotificationEmailKind, boolean> = { review_negative: true, digest: false };

const isEmailKind = (k: string): k is NotificationEmailKind => (NOTIFICATION_EMAIL_KINDS as readonly string[]).includes(k);

type Member = Awaited<ReturnType<typeof users.activeMembers>>[number];

interface TrxMemo {
  configured: boolean;
  members: Member[];
  permissions: Map<string, Set<string>>;
  prefs: Map<string, boolean>;
  jobQueued: boolean;
}

/** What one transaction has looked up already: an import raising a hundred alerts reads the members once. */
const memos = new WeakMap<object, Map<string, TrxMemo>>();

async function memoOf(trx: Kysely<DB>, orgId: string): Promise<TrxMemo> {
  let byOrg = memos.get(trx);
  if (!byOrg) memos.set(trx, (byOrg = new Map()));
  let m = byOrg.get(orgId);
  if (m) return m;
  const configured = await outreach.emailConfigured(trx, orgId);
  const members = configured ? (await users.activeMembers(trx, orgId)).filter((u) => u.email !== '') : [];
  const grants = await roles.grantsOfUsers(
    trx,
    members.map((u) => u.id),
  );
  const prefRows = members.length
    ? await trx.selectFrom('notification_email_prefs').select(['user_id', 'kind', 'enabled']).where('org_id', '=', orgId).execute()
    : [];
  m = {
    configured,
    members,
    permissions: new Map([...grants].map(([id, g]) => [id, g.permissions])),
    prefs: new Map(prefRows.map((r) => [`${r.user_id}:${r.kind}`, Number(r.enabled) === 1])),
    jobQueued: false,
  };
  byOrg.set(orgId, m);
  return m;
}

/**
 * Write the email of a just-raised notification for each recipient, and queue the sending job
 * (once per transaction). Nothing when the organisation has no SMTP settings. Returns the rows written.
 */
export async function enqueueEmails(
  trx: Kysely<DB>,
  n: Pick<NotificationsTable, 'id' | 'org_id' | 'shop_id' | 'type' | 'permission' | 'recipient_id'>,
  mail: { subject: string; text: string },
): Promise<number> {
  if (!isEmailKind(n.type)) return 0;
  const kind = n.type;
  const memo = await memoOf(trx, n.org_id);
  if (!memo.configured) return 0;
  const now = Date.now();
  const rows: NotificationEmailsTable[] = memo.members
    .filter((u) => (n.recipient_id ? u.id === n.recipient_id : true))
    .filter((u) => n.permission === null || memo.permissions.get(u.id)?.has(n.permission))
    .filter((u) => n.shop_id === null || u.shopIds === null || u.shopIds.includes(n.shop_id))
    .filter((u) => memo.prefs.get(`${u.id}:${kind}`) ?? DEFAULT_ON[kind])
    .map((u) => {
      // As in the bell: a phone number quoted in the text is masked for readers without customers.pii.read.
      const pii = memo.permissions.get(u.id)?.has('customers.pii.read') ?? false;
      const text = (t: string) => (pii ? t : maskPhonesInText(t));
      return { u, subject: text(mail.subject), body: text(mail.text) };
    })
    .map(({ u, subject, body }) => ({
      id: newId('nmail'),
      org_id: n.org_id,
      notification_id: n.id,
      user_id: u.id,
      kind,
      address: u.email,
      subject: subject.slice(0, 300),
      body,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      lease_until: null,
      job_id: null,
      error: '',
      sent_at: null,
      created_at: now,
      updated_at: now,
    }));
  if (!rows.length) return 0;
  await trx
    .insertInto('notification_emails')
    .values(rows)
    .onConflict((oc) => oc.columns(['notification_id', 'user_id']).doNothing())
    .execute();
  if (!memo.jobQueued) {
    await jobs.enqueue(trx, { orgId: n.org_id, type: NOTIFICATION_EMAIL_JOB_TYPE, payload: { orgId: n.org_id } });
    memo.jobQueued = true;
  }
  return rows.length;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}

const UNKNOWN = '发送过程中断：邮件服务器可能已收到，为避免重复不再重发';

/** The job: send the organisation's due notification emails until none is left. */
export function makeNotificationEmailHandler(db: Kysely<DB>): jobs.JobHandler {
  return async (job: JobsTable, ctx) => {
    const { orgId } = JSON.parse(job.payload) as { orgId: string };
    // This job ran before and died mid-send: what it left `sending` may have reached the server.
    await db
      .updateTable('notification_emails')
      .set({ status: 'unknown', error: UNKNOWN, lease_until: null, updated_at: Date.now() })
      .where('org_id', '=', orgId)
      .where('status', '=', 'sending')
      .where('job_id', '=', job.id)
      .execute();
    let sent = 0;
    let failed = 0;
    for (;;) {
      if (ctx.signal.aborted) throw new jobs.JobInterrupted();
      const now = Date.now();
      // Another job's sender presumed dead (its lease ran out): same verdict.
      await db
        .updateTable('notification_emails')
        .set({ status: 'unknown', error: UNKNOWN, lease_until: null, updated_at: now })
        .where('org_id', '=', orgId)
        .where('status', '=', 'sending')
        .where('lease_until', '<', now)
        .execute();
      const next = await db
        .selectFrom('notification_emails')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('status', '=', 'pending')
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!next) break;
      if (Number(next.next_attempt_at) > now) {
        await sleep(Number(next.next_attempt_at) - now, ctx.signal);
        continue;
      }
      const attempts = Number(next.attempts) + 1;
      const claimed = await db
        .updateTable('notification_emails')
        .set({ status: 'sending', attempts, job_id: job.id, lease_until: now + notificationEmailTuning.leaseMs, updated_at: now })
        .where('id', '=', next.id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      let r: outreach.SendOneResult;
      try {
        r = await outreach.sendOneEmail(
          db,
          orgId,
          { to: next.address, subject: next.subject, text: next.body, messageId: next.id },
          ctx.signal,
        );
      } catch (e) {
        // Stopped mid-send: leave it `sending` (this job's next run marks it unknown) and give the job back.
        if (ctx.signal.aborted) throw new jobs.JobInterrupted();
        r = { ok: false, temporary: true, error: e instanceof Error ? e.message : String(e) };
      }
      if (r.ok) {
        await db
          .updateTable('notification_emails')
          .set({ status: 'sent', sent_at: Date.now(), error: '', lease_until: null, updated_at: Date.now() })
          .where('id', '=', next.id)
          .where('status', '=', 'sending')
          .execute();
        sent++;
      } else {
        const retry = r.temporary && attempts < notificationEmailTuning.maxAttempts;
        if (!retry) failed++;
        await db
          .updateTable('notification_emails')
          .set({
            status: retry ? 'pending' : 'failed',
            error: `${retry ? '暂时失败，稍后重试：' : ''}${r.error}`.slice(0, 500),
            next_attempt_at: Date.now() + notificationEmailTuning.retryBaseMs * 2 ** (attempts - 1),
            lease_until: null,
            updated_at: Date.now(),
          })
          .where('id', '=', next.id)
          .where('status', '=', 'sending')
          .execute();
      }
      ctx.progress(sent + failed);
    }
    return { orgId, sent, failed };
  };
}

// ------------------------------------------------------------------ a user's own settings and mail

/** A user's email opt-ins (账号设置), with whether anything can be sent at all. */
export async function emailPrefs(db: Kysely<DB>, actor: Actor): Promise<EmailPrefsDto> {
  const user = await users.findById(db, actor.userId);
  const rows = await db.selectFrom('notification_email_prefs').select(['kind', 'enabled']).where('user_id', '=', actor.userId).execute();
  const chosen = new Map(rows.map((r) => [r.kind, Number(r.enabled) === 1]));
  return {
    email: (user?.email ?? '').trim(),
    smtpConfigured: await outreach.emailConfigured(db, actor.orgId),
    prefs: NOTIFICATION_EMAIL_KINDS.map((kind) => ({
      kind,
      enabled: chosen.get(kind) ?? DEFAULT_ON[kind],
      available: kind === 'review_negative' ? actor.permissions.has('reviews.read') : true,
    })),
  };
}

export async function setEmailPrefs(trx: Transaction<DB>, actor: Actor, body: EmailPrefsRequest): Promise<EmailPrefsDto> {
  if (!actor.userId) throw new AppError('invalid_state', '邮件提醒是个人设置：请用自己的账号登录后再设置');
  const now = Date.now();
  for (const p of body.prefs) {
    const row = { user_id: actor.userId, kind: p.kind, org_id: actor.orgId, enabled: p.enabled ? 1 : 0, updated_at: now };
    await trx
      .insertInto('notification_email_prefs')
      .values(row)
      .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet({ enabled: row.enabled, updated_at: now }))
      .execute();
  }
  return emailPrefs(trx, actor);
}

/** The user's latest notification emails with their state (sent, failed, 状态不明 …). */
export async function myEmails(db: Kysely<DB>, actor: Actor, limit = 20): Promise<NotificationEmailDto[]> {
  const rows = await db
    .selectFrom('notification_emails')
    .selectAll()
    .where('user_id', '=', actor.userId)
    .where('org_id', '=', actor.orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as NotificationEmailKind,
    subject: r.subject,
    address: r.address,
    status: r.status as NotificationEmailDto['status'],
    attempts: Number(r.attempts),
    error: r.error,
    sentAt: r.sent_at === null ? null : Number(r.sent_at),
    createdAt: Number(r.created_at),
  }));
}

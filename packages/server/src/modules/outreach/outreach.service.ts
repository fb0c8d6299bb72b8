/**
 * Outreach (触达, issue 11 §5): campaigns to a saved segment by email (SMTP) or SMS (a provider:
 * the development log or an HTTP gateway), sent by a durable job of the jobs module.
 *
 * Never twice: each recipient is one `outreach_messages` row (unique per campaign and customer).
 * Before a message goes out its row is switched pending → sending by a guarded UPDATE and
 * committed; after the server accepts it, sending → sent. A job that dies in between leaves the row
 * `sending`; the resumed job turns such rows into `unknown` (the server may have it) and never
 * sends them again — at most once per recipient, and everything else is sent on resume.
 * Temporary refusals (4xx, connection trouble) retry with backoff (3 attempts); permanent ones fail.
 * Unsubscribed / do-not-contact addresses are skipped; the organisation's hourly limit and, for SMS,
 * quiet hours (21:00–08:00 shop time) put the campaign in `waiting` until `resume_at`, when
 * `resumeDue` queues it again.
 */
import crypto from 'node:crypto';
import { AppError, DEFAULT_TIMEZONE, newId, renderTemplate, type CampaignInput, type OutreachSettingsInput } from '@yunying/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import { pageOf, scopeToShops, withPage } from '../../db/kit.js';
import type { DB, JobsTable, OutreachCampaignsTable, OutreachMessagesTable, OutreachSettingsTable } from '../../db/schema.js';
import { systemActor, type Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as customers from '../customers/index.js';
import * as jobs from '../jobs/index.js';
import * as shops from '../shops/index.js';
import { sendMail, SmtpError, type SmtpConfig } from './smtp.js';

export const OUTREACH_JOB_TYPE = 'outreach.send';

/** Knobs the tests turn down (retry backoff) — not settings. */
export const outreachTuning = { retryBaseMs: 5_000, maxAttempts: 3, longWaitMs: 60_000, insecureTls: false };

type Db = Kysely<DB> | Transaction<DB>;

const NO_SETTINGS: Omit<OutreachSettingsTable, 'org_id' | 'updated_at'> = {
  smtp_host: '',
  smtp_port: 25,
  smtp_secure: 0,
  smtp_user: '',
  smtp_pass: '',
  mail_from: '',
  sms_provider: 'log',
  sms_url: '',
  sms_token: '',
  hourly_limit: 500,
  public_url: '',
};

async function settingsRow(db: Db, orgId: string) {
  const r = await db.selectFrom('outreach_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  return r ?? { org_id: orgId, updated_at: 0, ...NO_SETTINGS };
}

/** The settings as the console sees them (secrets only as "set"). */
export async function getSettings(db: Kysely<DB>, actor: Actor) {
  const r = await settingsRow(db, actor.orgId);
  return {
    smtpHost: r.smtp_host,
    smtpPort: Number(r.smtp_port),
    smtpSecure: Number(r.smtp_secure) === 1,
    smtpUser: r.smtp_user,
    smtpPassSet: r.smtp_pass !== '',
    mailFrom: r.mail_from,
    smsProvider: r.sms_provider,
    smsUrl: r.sms_url,
    smsTokenSet: r.sms_token !== '',
    hourlyLimit: Number(r.hourly_limit),
    publicUrl: r.public_url,
  };
}

export async function saveSettings(trx: Transaction<DB>, actor: Actor, input: OutreachSettingsInput) {
  const before = await settingsRow(trx, actor.orgId);
  const row: OutreachSettingsTable = {
    org_id: actor.orgId,
    smtp_host: input.smtpHost,
    smtp_port: input.smtpPort,
    smtp_secure: input.smtpSecure ? 1 : 0,
    smtp_user: input.smtpUser,
    smtp_pass: input.smtpPass ? input.smtpPass : before.smtp_pass,
    mail_from: input.mailFrom,
    sms_provider: input.smsProvider,
    sms_url: input.smsUrl,
    sms_token: input.smsToken ? input.smsToken : before.sms_token,
    hourly_limit: input.hourlyLimit,
    public_url: input.publicUrl.replace(/\/+$/, ''),
    updated_at: Date.now(),
  };
  const { org_id: _o, ...rest } = row;
  await trx
    .insertInto('outreach_settings')
    .values(row)
    .onConflict((oc) => oc.column('org_id').doUpdateSet(rest))
    .execute();
  const { smtpPass: _p, smsToken: _t, ...visible } = input;
  await audit.record(trx, actor, 'outreach.settings', { entityType: 'outreach_settings', after: visible });
  return getSettings(trx, actor);
}

function smtpOf(s: OutreachSettingsTable): SmtpConfig {
  return {
    host: s.smtp_host,
    port: Number(s.smtp_port),
    secure: Number(s.smtp_secure) === 1,
    user: s.smtp_user,
    pass: s.smtp_pass,
    insecureTls: outreachTuning.insecureTls,
  };
}

function needSmtp(s: OutreachSettingsTable) {
  if (!s.smtp_host || !s.mail_from)
    throw new AppError('validation_failed', '还没有配置邮件发送：请在 触达 → 发送设置 中填写 SMTP 服务器和发件人', { field: 'channel' });
}

/**
 * Send one email now through the organisation's SMTP settings (reviews alerts, the morning digest).
 * Refused for an address on the unsubscribe / do-not-contact list.
 */
export async function sendEmail(
  db: Kysely<DB>,
  orgId: string,
  mail: { to: string; subject: string; text: string },
): Promise<{ accepted: string }> {
  const s = await settingsRow(db, orgId);
  needSmtp(s);
  if (await isUnsubscribed(db, orgId, mail.to)) throw new AppError('invalid_state', `${mail.to} 已退订或在勿扰名单中，不发送`);
  try {
    return { accepted: await sendMail(smtpOf(s), { from: s.mail_from, ...mail }) };
  } catch (e) {
    throw new AppError('invalid_state', `邮件发送失败：${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Whether the organisation can send email (SMTP host and sender set in 触达 → 发送设置). */
export async function emailConfigured(db: Db, orgId: string): Promise<boolean> {
  const s = await settingsRow(db, orgId);
  return !!s.smtp_host && !!s.mail_from;
}

export type SendOneResult = { ok: true; accepted: string } | { ok: false; temporary: boolean; error: string };

/**
 * Send one email through the organisation's SMTP settings, for a caller that keeps its own outbox
 * (the notification emails): the outcome is a typed result — `temporary` (4xx, connection
 * trouble: try again later) or permanent (5xx, no settings, an unsubscribed address). An abort of
 * `signal` closes the connection and throws (the caller cannot know whether the server took it).
 */
export async function sendOneEmail(
  db: Kysely<DB>,
  orgId: string,
  mail: { to: string; subject: string; text: string; messageId?: string },
  signal?: AbortSignal,
): Promise<SendOneResult> {
  const s = await settingsRow(db, orgId);
  if (!s.smtp_host || !s.mail_from)
    return { ok: false, temporary: false, error: '还没有配置邮件发送：请在 触达 → 发送设置 中填写 SMTP 服务器和发件人' };
  if (await isUnsubscribed(db, orgId, mail.to)) return { ok: false, temporary: false, error: `${mail.to} 已退订或在勿扰名单中，不发送` };
  try {
    const accepted = await sendMail(
      smtpOf(s),
      {
        from: s.mail_from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.messageId ? { headers: { 'Message-ID': `<${mail.messageId}@yunying>` } } : {}),
      },
      signal,
    );
    return { ok: true, accepted };
  } catch (e) {
    if (signal?.aborted) throw e;
    const err = e instanceof SmtpError ? e : new SmtpError(e instanceof Error ? e.message : String(e), 0);
    return { ok: false, temporary: err.temporary, error: err.message };
  }
}

const normAddress = (a: string) => a.trim().toLowerCase();

async function isUnsubscribed(db: Db, orgId: string, address: string): Promise<boolean> {
  const r = await db
    .selectFrom('outreach_unsubscribes')
    .select('address')
    .where('org_id', '=', orgId)
    .where('address', '=', normAddress(address))
    .executeTakeFirst();
  return !!r;
}

async function addUnsubscribe(db: Db, orgId: string, address: string, reason: string) {
  await db
    .insertInto('outreach_unsubscribes')
    .values({ org_id: orgId, address: normAddress(address), reason, created_at: Date.now() })
    .onConflict((oc) => oc.columns(['org_id', 'address']).doNothing())
    .execute();
}

/** Put an address on the do-not-contact list by hand. */
export async function addDoNotContact(trx: Transaction<DB>, actor: Actor, input: { address: string; reason: string }) {
  await addUnsubscribe(trx, actor.orgId, input.address, input.reason);
  await audit.record(trx, actor, 'outreach.do_not_contact', { entityType: 'outreach_unsubscribe', after: input });
  return { address: normAddress(input.address) };
}

/** The public unsubscribe link: the message's token puts its address on the list. */
export async function unsubscribeByToken(db: Kysely<DB>, token: string): Promise<{ address: string } | null> {
  const m = await db.selectFrom('outreach_messages').select(['org_id', 'address']).where('unsub_token', '=', token).executeTakeFirst();
  if (!m || !m.address) return null;
  await addUnsubscribe(db, m.org_id, m.address, '通过退订链接退订');
  return { address: m.address };
}

// ------------------------------------------------------------------ campaigns

export async function createCampaign(trx: Transaction<DB>, actor: Actor, input: CampaignInput) {
  const seg = await customers.getSegment(trx, actor, input.segmentId);
  const s = await settingsRow(trx, actor.orgId);
  if (input.channel === 'email') needSmtp(s);
  if (input.channel === 'sms' && s.sms_provider === 'http' && !s.sms_url)
    throw new AppError('validation_failed', '短信网关地址未配置：请在发送设置中填写，或改用开发通道（写入日志）', { field: 'channel' });
  const id = newId('ocp');
  const now = Date.now();
  const row: OutreachCampaignsTable = {
    id,
    org_id: actor.orgId,
    shop_id: seg.shopId,
    segment_id: seg.id,
    segment_name: seg.name,
    channel: input.channel,
    subject: input.channel === 'email' ? input.subject : '',
    body: input.body,
    coupon: input.coupon,
    status: 'queued',
    job_id: null,
    resume_at: null,
    note: '',
    created_by: actor.userId || null,
    created_at: now,
    finished_at: null,
  };
  await trx.insertInto('outreach_campaigns').values(row).execute();
  const jobId = await jobs.enqueue(trx, {
    orgId: actor.orgId,
    shopId: seg.shopId,
    type: OUTREACH_JOB_TYPE,
    payload: { campaignId: id },
    createdBy: actor.userId || null,
  });
  await trx.updateTable('outreach_campaigns').set({ job_id: jobId }).where('id', '=', id).execute();
  await audit.record(trx, actor, 'outreach.campaign_create', {
    entityType: 'outreach_campaign',
    entityId: id,
    shopId: seg.shopId,
    after: { segment: seg.name, channel: input.channel, subject: input.subject },
  });
  return campaignDto({ ...row, job_id: jobId }, emptyCounts());
}

const emptyCounts = () => ({ pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0, unknown: 0 });
type Counts = ReturnType<typeof emptyCounts>;

function campaignDto(r: OutreachCampaignsTable, counts: Counts) {
  return {
    id: r.id,
    shopId: r.shop_id,
    segmentId: r.segment_id,
    segmentName: r.segment_name,
    channel: r.channel,
    subject: r.subject,
    body: r.body,
    coupon: r.coupon,
    status: r.status,
    jobId: r.job_id,
    resumeAt: r.resume_at === null ? null : Number(r.resume_at),
    note: r.note,
    createdAt: Number(r.created_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
    counts,
    total: Object.values(counts).reduce((a, b) => a + b, 0),
  };
}

async function countsOf(db: Db, ids: readonly string[]): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>();
  if (!ids.length) return out;
  const rows = await db
    .selectFrom('outreach_messages')
    .select(['campaign_id', 'status', sql<number | string>`count(*)`.as('n')])
    .where('campaign_id', 'in', [...ids])
    .groupBy(['campaign_id', 'status'])
    .execute();
  for (const r of rows) {
    const c = out.get(r.campaign_id) ?? emptyCounts();
    c[r.status as keyof Counts] = Number(r.n);
    out.set(r.campaign_id, c);
  }
  return out;
}

export async function listCampaigns(db: Kysely<DB>, actor: Actor, q: { page: number; pageSize: number; shopId?: string | undefined }) {
  let base = scopeToShops(db.selectFrom('outreach_campaigns').where('org_id', '=', actor.orgId), actor, 'shop_id');
  if (q.shopId) base = base.where('shop_id', '=', q.shopId);
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const rows = await withPage(base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'), q).execute();
  const counts = await countsOf(
    db,
    rows.map((r) => r.id),
  );
  return pageOf(
    rows.map((r) => campaignDto(r, counts.get(r.id) ?? emptyCounts())),
    total,
    q,
  );
}

async function mustFindCampaign(db: Db, actor: Actor, id: string) {
  const row = await scopeToShops(
    db.selectFrom('outreach_campaigns').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId),
    actor,
    'shop_id',
  ).executeTakeFirst();
  if (!row) throw new AppError('not_found', `触达活动 ${id} 不存在或无权访问`);
  return row;
}

export async function getCampaign(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  q: { page: number; pageSize: number; status?: string | undefined },
) {
  const row = await mustFindCampaign(db, actor, id);
  const counts = (await countsOf(db, [id])).get(id) ?? emptyCounts();
  let base = db.selectFrom('outreach_messages').where('campaign_id', '=', id);
  if (q.status) base = base.where('status', '=', q.status);
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const rows = await withPage(base.selectAll().orderBy('id'), q).execute();
  const pii = actor.via === 'system' || actor.permissions.has('customers.pii.read');
  const mask = (a: string) =>
    pii || !a ? a : a.includes('@') ? a.replace(/^(.).*(@.*)$/, '$1***$2') : a.replace(/^(\d{3})\d+(\d{4})$/, '$1****$2');
  return {
    campaign: campaignDto(row, counts),
    messages: pageOf(
      rows.map((m) => ({
        id: m.id,
        customerId: m.customer_id,
        nick: m.nick,
        address: mask(m.address),
        status: m.status,
        attempts: Number(m.attempts),
        error: m.error,
        sentAt: m.sent_at === null ? null : Number(m.sent_at),
      })),
      total,
      q,
    ),
  };
}

/** Queue again the waiting campaigns whose time has come (the server's timer). */
export async function resumeDue(db: Kysely<DB>, now = Date.now()): Promise<number> {
  const due = await db
    .selectFrom('outreach_campaigns')
    .select(['id', 'org_id', 'shop_id', 'created_by'])
    .where('status', '=', 'waiting')
    .where('resume_at', '<=', now)
    .limit(100)
    .execute();
  for (const c of due) {
    const res = await db
      .updateTable('outreach_campaigns')
      .set({ status: 'queued', resume_at: null })
      .where('id', '=', c.id)
      .where('status', '=', 'waiting')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) continue;
    const jobId = await jobs.enqueue(db, {
      orgId: c.org_id,
      shopId: c.shop_id,
      type: OUTREACH_JOB_TYPE,
      payload: { campaignId: c.id },
      createdBy: c.created_by,
    });
    await db.updateTable('outreach_campaigns').set({ job_id: jobId }).where('id', '=', c.id).execute();
  }
  return due.length;
}

// ------------------------------------------------------------------ the sending job

/** The recipients of a campaign, written once: address by channel, skipped ones with the reason. */
async function createRecipients(db: Kysely<DB>, c: OutreachCampaignsTable, ctx: jobs.JobContext): Promise<void> {
  const { members } = await customers.segmentMembers(db, c.org_id, c.segment_id);
  const unsub = new Set(
    (await db.selectFrom('outreach_unsubscribes').select('address').where('org_id', '=', c.org_id).execute()).map((r) => r.address),
  );
  const now = Date.now();
  const rows: OutreachMessagesTable[] = members.map((m) => {
    const address = c.channel === 'email' ? m.email.trim() : /^\+?\d{5,20}$/.test(m.phone) ? m.phone : '';
    const skip = !address
      ? c.channel === 'email'
        ? '没有邮箱'
        : '没有可用的手机号'
      : unsub.has(normAddress(address))
        ? '已退订或在勿扰名单中'
        : '';
    return {
      id: newId('omsg'),
      campaign_id: c.id,
      org_id: c.org_id,
      customer_id: m.id,
      nick: m.nick,
      address,
      status: skip ? 'skipped' : 'pending',
      attempts: 0,
      next_attempt_at: now,
      error: skip,
      unsub_token: crypto.randomBytes(18).toString('base64url'),
      sent_at: null,
      created_at: now,
    };
  });
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500)
      await trx
        .insertInto('outreach_messages')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.columns(['campaign_id', 'customer_id']).doNothing())
        .execute();
    await trx.updateTable('outreach_campaigns').set({ status: 'sending' }).where('id', '=', c.id).execute();
    await ctx.checkpoint(trx, { campaignId: c.id, recipients: rows.length });
  });
}

/** Minutes past midnight in a zone. */
function localMinutes(at: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** Quiet hours for SMS (21:00–08:00 shop time): the instant they end, or null outside them. */
export function quietUntil(at: number, tz: string): number | null {
  const m = localMinutes(at, tz);
  if (m >= 8 * 60 && m < 21 * 60) return null;
  const wait = (8 * 60 - m + 1440) % 1440;
  return at - (at % 60_000) + wait * 60_000;
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

async function sendSms(s: OutreachSettingsTable, to: string, text: string, signal: AbortSignal): Promise<string> {
  if (s.sms_provider !== 'http') {
    // The development provider: the message goes to the server log only.
    process.stdout.write(`${JSON.stringify({ level: 30, msg: 'sms (development provider, not sent)', to, text })}\n`);
    return 'logged';
  }
  let res: Response;
  try {
    res = await fetch(s.sms_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(s.sms_token ? { authorization: `Bearer ${s.sms_token}` } : {}) },
      body: JSON.stringify({ to, text }),
      signal,
    });
  } catch (e) {
    throw new SmtpError(`短信网关无法连接：${e instanceof Error ? e.message : String(e)}`, 0);
  }
  const body = (await res.text()).slice(0, 200);
  if (res.ok) return body || String(res.status);
  throw new SmtpError(`短信网关拒绝：${res.status} ${body}`, res.status === 429 || res.status >= 500 ? 450 : 550);
}

function unsubscribeLink(s: OutreachSettingsTable, token: string): string {
  return `${s.public_url || 'http://127.0.0.1:3000'}/api/v1/outreach/unsubscribe?t=${token}`;
}

export function makeOutreachHandler(db: Kysely<DB>): jobs.JobHandler {
  return async (job: JobsTable, ctx) => {
    const { campaignId } = JSON.parse(job.payload) as { campaignId: string };
    let c = await db.selectFrom('outreach_campaigns').selectAll().where('id', '=', campaignId).executeTakeFirst();
    if (!c) throw new AppError('not_found', `触达活动 ${campaignId} 不存在`);
    if (c.status === 'done') return { campaignId, status: 'done' };
    const has = await db.selectFrom('outreach_messages').select('id').where('campaign_id', '=', c.id).limit(1).executeTakeFirst();
    if (!has) await createRecipients(db, c, ctx);
    else await db.updateTable('outreach_campaigns').set({ status: 'sending' }).where('id', '=', c.id).execute();
    // A message left `sending` by a job that died: the server may have it — never send it again.
    await db
      .updateTable('outreach_messages')
      .set({ status: 'unknown', error: '发送过程中断：邮件服务器可能已收到，为避免重复不再重发' })
      .where('campaign_id', '=', c.id)
      .where('status', '=', 'sending')
      .execute();
    c = (await db.selectFrom('outreach_campaigns').selectAll().where('id', '=', campaignId).executeTakeFirstOrThrow())!;
    const s = await settingsRow(db, c.org_id);
    const shop = await shops.getVisible(db, systemActor(c.org_id), c.shop_id);
    const tz = shop.timezone || DEFAULT_TIMEZONE;
    const total = Number(
      (
        await db
          .selectFrom('outreach_messages')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('campaign_id', '=', c.id)
          .executeTakeFirst()
      )?.n ?? 0,
    );
    let done = 0;
    const wait = async (until: number, note: string) => {
      await db.updateTable('outreach_campaigns').set({ status: 'waiting', resume_at: until, note }).where('id', '=', c!.id).execute();
      return { campaignId, status: 'waiting', resumeAt: until };
    };
    for (;;) {
      if (ctx.signal.aborted) throw new jobs.JobInterrupted();
      const now = Date.now();
      const next = await db
        .selectFrom('outreach_messages')
        .selectAll()
        .where('campaign_id', '=', c.id)
        .where('status', '=', 'pending')
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!next) break;
      if (Number(next.next_attempt_at) > now) {
        const ms = Number(next.next_attempt_at) - now;
        if (ms > outreachTuning.longWaitMs) return wait(Number(next.next_attempt_at), '等待重试');
        await sleep(ms, ctx.signal);
        continue;
      }
      if (c.channel === 'sms') {
        const until = quietUntil(now, tz);
        if (until !== null) return wait(until, '短信免打扰时段（21:00–08:00），将于 08:00 继续');
      }
      const window = await db
        .selectFrom('outreach_messages')
        .select([sql<number | string>`count(*)`.as('n'), sql<number | string | null>`min(sent_at)`.as('first')])
        .where('org_id', '=', c.org_id)
        .where('sent_at', '>', now - 3_600_000)
        .executeTakeFirst();
      if (Number(window?.n ?? 0) >= Number(s.hourly_limit))
        return wait(Number(window?.first ?? now) + 3_600_000, `已达每小时 ${s.hourly_limit} 条的发送上限，稍后自动继续`);
      if (await isUnsubscribed(db, c.org_id, next.address)) {
        await db
          .updateTable('outreach_messages')
          .set({ status: 'skipped', error: '已退订或在勿扰名单中' })
          .where('id', '=', next.id)
          .where('status', '=', 'pending')
          .execute();
        continue;
      }
      const claimed = await db
        .updateTable('outreach_messages')
        .set({ status: 'sending', attempts: Number(next.attempts) + 1 })
        .where('id', '=', next.id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      const link = unsubscribeLink(s, next.unsub_token);
      const vars = { 昵称: next.nick || '顾客', 姓名: next.nick || '顾客', 店铺: shop.name, 优惠券: c.coupon, 退订链接: link };
      let text = renderTemplate(c.body, vars);
      try {
        if (c.channel === 'email') {
          if (!c.body.includes('{{退订链接}}')) text += `\n\n——\n不想再收到「${shop.name}」的邮件？点此退订：${link}`;
          await sendMail(
            smtpOf(s),
            {
              from: s.mail_from,
              to: next.address,
              subject: renderTemplate(c.subject, vars),
              text,
              headers: { 'Message-ID': `<${next.id}@yunying>`, 'List-Unsubscribe': `<${link}>` },
            },
            ctx.signal,
          );
        } else {
          if (!c.body.includes('{{退订链接}}')) text += ` 退订：${link}`;
          await sendSms(s, next.address, text, ctx.signal);
        }
      } catch (e) {
        // Stopped mid-send: leave it `sending` (the resumed job marks it unknown) and give the job back.
        if (ctx.signal.aborted) throw new jobs.JobInterrupted();
        const err = e instanceof SmtpError ? e : new SmtpError(e instanceof Error ? e.message : String(e), 0);
        const attempts = Number(next.attempts) + 1;
        const retry = err.temporary && attempts < outreachTuning.maxAttempts;
        await db
          .updateTable('outreach_messages')
          .set({
            status: retry ? 'pending' : 'failed',
            error: `${retry ? '暂时失败，稍后重试：' : ''}${err.message}`.slice(0, 500),
            next_attempt_at: Date.now() + outreachTuning.retryBaseMs * 2 ** (attempts - 1),
          })
          .where('id', '=', next.id)
          .where('status', '=', 'sending')
          .execute();
        continue;
      }
      await db
        .updateTable('outreach_messages')
        .set({ status: 'sent', sent_at: Date.now(), error: '' })
        .where('id', '=', next.id)
        .where('status', '=', 'sending')
        .execute();
      done++;
      ctx.progress(done, total);
    }
    await db
      .updateTable('outreach_campaigns')
      .set({ status: 'done', finished_at: Date.now(), resume_at: null, note: '' })
      .where('id', '=', c.id)
      .execute();
    return { campaignId, status: 'done', counts: (await countsOf(db, [c.id])).get(c.id) ?? emptyCounts() };
  };
}

/** Every minute, queue the waiting campaigns whose time has come (quiet hours over, hourly limit freed). */
export function startOutreachTimer(db: Kysely<DB>, opts: { onError?: (err: unknown) => void } = {}): { stop(): void } {
  const timer = setInterval(() => {
    resumeDue(db).catch((err: unknown) => opts.onError?.(err));
  }, 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

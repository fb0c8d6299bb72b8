/**
 * Notifications with a recipient, the notification-email outbox and the per-user morning digest
 * (issues 14 and 15), against a local SMTP server: a personal notification is in its recipient's
 * bell only; the email of an alert is written with it and sent afterwards by a job, once per
 * person who may see it, has an email and opted in; a job stopped mid-send leaves that message
 * 状态不明 and never sends it again; temporary refusals retry, permanent ones fail; the digest is
 * one per user per day even when two runs race.
 */
import { businessDay } from '@yunying/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as jobs from '../src/modules/jobs/index.js';
import * as notifications from '../src/modules/notifications/index.js';
import * as tasks from '../src/modules/tasks/index.js';
import { describeEachDialect } from './dialects.js';
import { makeShop } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

describeEachDialect('notifications: recipients, the email outbox and the morning digest', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let sink: SmtpSink;
  let shop: string;
  let other: string;
  const u: Record<string, { client: Client; id: string }> = {};
  const db = () => ctx.tdb.database.db;
  const worker = () =>
    jobs.startJobWorker(
      db(),
      { [notifications.NOTIFICATION_EMAIL_JOB_TYPE]: notifications.makeNotificationEmailHandler(db()) },
      { pollMs: 30 },
    );
  const until = async (what: () => Promise<boolean> | boolean, ms = 15_000) => {
    const end = Date.now() + ms;
    while (!(await what())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  const emailJobsDone = async () => {
    const open = await db()
      .selectFrom('jobs')
      .select('id')
      .where('type', '=', notifications.NOTIFICATION_EMAIL_JOB_TYPE)
      .where('status', 'in', ['queued', 'running'])
      .execute();
    return open.length === 0;
  };
  const outbox = (where: { notificationId?: string; userId?: string } = {}) => {
    let q = db().selectFrom('notification_emails').selectAll().where('org_id', '=', ctx.orgId);
    if (where.notificationId) q = q.where('notification_id', '=', where.notificationId);
    if (where.userId) q = q.where('user_id', '=', where.userId);
    return q.orderBy('id').execute();
  };
  const alert = (key: string, title = `新差评（1 星）：${key}`) =>
    db()
      .transaction()
      .execute((trx) =>
        notifications.raise(trx, {
          orgId: ctx.orgId,
          shopId: shop,
          type: 'review_negative',
          level: 'error',
          title,
          body: '买家：质量太差',
          permission: 'reviews.read',
          entityType: 'review',
          entityId: key,
          dedupeKey: `review:${key}`,
          email: { subject: `【差评提醒】${title}`, text: `${title}\n买家留的电话 13812345678，请跟进` },
        }),
      );

  beforeAll(async () => {
    notifications.notificationEmailTuning.retryBaseMs = 20;
    sink = await startSmtpSink();
    admin = await ctx.admin();
    shop = await makeShop(ctx, admin, '提醒测试店');
    other = await makeShop(ctx, admin, '另一家店');
    u.kefu = await ctx.userWithRoles('kefu', ['service'], { email: 'kefu@example.com' });
    u.kefu2 = await ctx.userWithRoles('kefu2', ['service'], { email: 'kefu2@example.com' });
    u.noemail = await ctx.userWithRoles('kefu_noemail', ['service']);
    u.designer = await ctx.userWithRoles('meigong', ['designer'], { email: 'designer@example.com' });
    u.elsewhere = await ctx.userWithRoles('kefu_other', ['service'], { email: 'other@example.com', allShops: false, shopIds: [other] });
    const s = await admin.post('/api/v1/outreach/settings', {
      smtpHost: '127.0.0.1',
      smtpPort: sink.port,
      smtpUser: '',
      smtpPass: '',
      mailFrom: '运营台 <console@example.com>',
      hourlyLimit: 1000,
      publicUrl: '',
    });
    expect(s.statusCode, s.body).toBe(200);
  });
  afterAll(async () => {
    await sink?.close();
  });

  it('a personal notification is in its recipient’s bell only; marking all read elsewhere leaves it unread', async () => {
    const id = await notifications.raise(db(), {
      orgId: ctx.orgId,
      type: 'note',
      level: 'info',
      title: '只给客服一号',
      body: '个人通知',
      recipientId: u.kefu!.id,
    });
    const mine = (await u.kefu!.client.get('/api/v1/notifications?pageSize=50')).json();
    expect(mine.items.find((n: { id: string }) => n.id === id)).toMatchObject({ personal: true, read: false, title: '只给客服一号' });
    for (const c of [admin, u.kefu2!.client]) {
      const theirs = (await c.get('/api/v1/notifications?pageSize=50')).json();
      expect(theirs.items.map((n: { id: string }) => n.id)).not.toContain(id);
      expect((await c.post('/api/v1/notifications/read', { all: true })).statusCode).toBe(200);
      // Naming it does not work either.
      await c.post('/api/v1/notifications/read', { ids: [id] });
    }
    const after = (await u.kefu!.client.get('/api/v1/notifications?unreadOnly=true&pageSize=50')).json();
    expect(after.items.map((n: { id: string }) => n.id)).toContain(id);
  });

  it('email opt-ins: 中差评 on by default for review readers, 早报 off; each user switches their own; a wrong kind is refused in Chinese', async () => {
    const k = (await u.kefu!.client.get('/api/v1/notifications/email-prefs')).json();
    expect(k).toEqual({
      email: 'kefu@example.com',
      smtpConfigured: true,
      prefs: [
        { kind: 'review_negative', enabled: true, available: true },
        { kind: 'digest', enabled: false, available: true },
      ],
    });
    const d = (await u.designer!.client.get('/api/v1/notifications/email-prefs')).json();
    expect(d.prefs[0]).toMatchObject({ kind: 'review_negative', available: false });
    const off = await u.kefu2!.client.post('/api/v1/notifications/email-prefs', {
      prefs: [{ kind: 'review_negative', enabled: false }],
    });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().prefs[0]).toMatchObject({ kind: 'review_negative', enabled: false });
    // Someone else's choice is untouched.
    expect((await u.kefu!.client.get('/api/v1/notifications/email-prefs')).json().prefs[0].enabled).toBe(true);
    const bad = await u.kefu!.client.post('/api/v1/notifications/email-prefs', { prefs: [{ kind: 'sms', enabled: true }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('邮件提醒类型');
  });

  it('a 中差评 alert is mailed after its transaction by the job: once to each reader of its shop with an email who opted in', async () => {
    sink.received.length = 0;
    const id = await alert('R-1');
    const rows = await outbox({ notificationId: id });
    // kefu: yes. kefu2: opted out. kefu_noemail: no address. meigong: no reviews.read. kefu_other: another shop.
    expect(rows.map((r) => r.address)).toEqual(['kefu@example.com']);
    expect(rows[0]).toMatchObject({ status: 'pending', kind: 'review_negative', attempts: 0 });
    // The same alert raised again (still open) writes nothing more.
    expect(await alert('R-1')).toBe(id);
    expect(await outbox({ notificationId: id })).toHaveLength(1);
    expect(sink.received).toHaveLength(0);
    const w = worker();
    try {
      await until(emailJobsDone);
    } finally {
      await w.stop();
    }
    expect(sink.received.map((m) => [m.to, m.subject])).toEqual([['kefu@example.com', '【差评提醒】新差评（1 星）：R-1']]);
    // A phone number in the text is masked for a reader without customers.pii.read, as in the bell.
    expect(sink.received[0]!.text).toContain('买家留的电话 138****5678，请跟进');
    expect(sink.received[0]!.text).not.toContain('13812345678');
    expect((await outbox({ notificationId: id }))[0]).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('a job stopped mid-send leaves that message 状态不明 and never sends it again; a dead sender’s lease runs out the same way', async () => {
    sink.received.length = 0;
    // The server takes the first message but never answers: the sender is stopped not knowing.
    sink.decide = (_m, i) => (i === 0 ? 'stall' : 'ok');
    const ids = [await alert('R-2'), await alert('R-3'), await alert('R-4')];
    // A row claimed by a sender that died elsewhere (lease over).
    const [dead] = await outbox({ notificationId: ids[2] });
    await db()
      .updateTable('notification_emails')
      .set({ status: 'sending', job_id: 'job_dead', lease_until: Date.now() - 1, attempts: 1 })
      .where('id', '=', dead!.id)
      .execute();
    const a = worker();
    await until(() => sink.received.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    await a.stop(5_000);
    const [stalled] = await outbox({ notificationId: ids[0] });
    expect(stalled!.status).toBe('sending');
    sink.decide = () => 'ok';
    const b = worker();
    try {
      await until(emailJobsDone);
    } finally {
      await b.stop();
    }
    const status = async (n: string) => (await outbox({ notificationId: n }))[0]!.status;
    expect([await status(ids[0]!), await status(ids[1]!), await status(ids[2]!)]).toEqual(['unknown', 'sent', 'unknown']);
    // One message per alert reached the server at most: R-2 once (the stalled one), R-3 once, R-4 never.
    expect(sink.received.map((m) => m.subject.replace(/^.*：/, ''))).toEqual(['R-2', 'R-3']);
    const mine = (await u.kefu!.client.get('/api/v1/notifications/emails')).json().items as {
      status: string;
      error: string;
      subject: string;
    }[];
    const unknown = mine.find((m) => m.subject.endsWith('R-2'))!;
    expect(unknown).toMatchObject({ status: 'unknown' });
    expect(unknown.error).toContain('可能已收到');
  });

  it('a temporary refusal is retried with backoff and then sent; a permanent one fails with the server’s answer', async () => {
    sink.received.length = 0;
    let refused = 0;
    sink.decide = (m) => {
      if (m.subject.endsWith('R-5') && refused++ === 0) return 'temporary';
      if (m.subject.endsWith('R-6')) return 'permanent';
      return 'ok';
    };
    const t = await alert('R-5');
    const p = await alert('R-6');
    const w = worker();
    try {
      await until(emailJobsDone);
    } finally {
      await w.stop();
    }
    sink.decide = () => 'ok';
    expect((await outbox({ notificationId: t }))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    const failed = (await outbox({ notificationId: p }))[0]!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.error).toContain('550');
    expect(sink.received.map((m) => m.subject.replace(/^.*：/, ''))).toEqual(['R-5']);
  });

  it('the morning digest: one per user per day in their own bell, by email when they opted in, even when two runs race', async () => {
    const day = businessDay(Date.now());
    const made = await admin.post('/api/v1/tasks', { title: '回复昨天的差评', assigneeId: u.kefu!.id, dueOn: day });
    expect(made.statusCode, made.body).toBeLessThan(300);
    const on = await u.kefu!.client.post('/api/v1/notifications/email-prefs', { prefs: [{ kind: 'digest', enabled: true }] });
    expect(on.statusCode, on.body).toBe(200);
    sink.received.length = 0;
    const [r1, r2] = await Promise.all([tasks.raiseMorningDigests(db(), ctx.orgId), tasks.raiseMorningDigests(db(), ctx.orgId)]);
    // Each user raised by exactly one of the two runs.
    expect([...r1.raised, ...r2.raised].filter((x) => x === u.kefu!.id)).toHaveLength(1);
    expect((await tasks.raiseMorningDigests(db(), ctx.orgId)).raised).toEqual([]);
    const digests = await db()
      .selectFrom('notifications')
      .select(['id', 'recipient_id', 'title', 'body'])
      .where('type', '=', 'digest')
      .where('org_id', '=', ctx.orgId)
      .execute();
    const recipients = digests.map((d) => d.recipient_id);
    expect(new Set(recipients).size).toBe(recipients.length);
    const mine = digests.find((d) => d.recipient_id === u.kefu!.id)!;
    expect(mine.title).toContain(`早报 ${day}`);
    expect(mine.title).toContain('待办 1 项');
    expect(mine.body).toContain('今天到期 1');
    const bell = (await u.kefu!.client.get('/api/v1/notifications?pageSize=50')).json().items as {
      id: string;
      type: string;
      personal: boolean;
    }[];
    expect(bell.filter((n) => n.type === 'digest')).toEqual([expect.objectContaining({ id: mine.id, personal: true })]);
    const theirs = (await u.kefu2!.client.get('/api/v1/notifications?pageSize=50')).json().items as { id: string; type: string }[];
    expect(theirs.map((n) => n.id)).not.toContain(mine.id);
    // Email: kefu opted in; kefu2 (default off) has a digest in the bell but no email.
    const mails = await db()
      .selectFrom('notification_emails')
      .select(['user_id', 'notification_id'])
      .where('kind', '=', 'digest')
      .execute();
    expect(mails).toEqual([{ user_id: u.kefu!.id, notification_id: mine.id }]);
    expect(digests.some((d) => d.recipient_id === u.kefu2!.id)).toBe(true);
    const w = worker();
    try {
      await until(emailJobsDone);
    } finally {
      await w.stop();
    }
    expect(sink.received.map((m) => m.to)).toEqual(['kefu@example.com']);
    expect(sink.received[0]!.subject).toBe(mine.title);
    expect(sink.received[0]!.text).toContain('回复昨天的差评');
  });
});

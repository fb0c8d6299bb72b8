/**
 * Notification emails and the morning digest in a real browser: 个人设置 → 邮件提醒 shows the
 * user's address and switches (中差评 on, 早报 off by default); switching 早报 on is saved; the
 * day's digest arrives in the bell marked 给你的 and leads to 今日自查; its email goes through a
 * local SMTP server and shows as 已发送 in the account's latest alert emails.
 */
import { businessDay } from '@yunying/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../server/src/http/actor.js';
import * as jobs from '../../server/src/modules/jobs/index.js';
import { jobHandlers } from '../../server/src/modules/jobs/registry.js';
import * as tasks from '../../server/src/modules/tasks/index.js';
import { startSmtpSink, type SmtpSink } from '../../server/test/smtp-sink.js';
import { ADMIN_PASSWORD, chromiumMissing, login, startE2E, type E2E } from './harness.js';

function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: 20_000 });
}

describe.skipIf(chromiumMissing)('notifications: email opt-ins in 个人设置 and the morning digest in the bell (browser)', () => {
  let e: E2E;
  let sink: SmtpSink;
  let worker: jobs.JobWorker;
  let orgId = '';
  let adminId = '';
  beforeAll(async () => {
    e = await startE2E();
    sink = await startSmtpSink();
    const db = e.database.db;
    const admin = await db.selectFrom('users').select(['id', 'org_id']).where('username', '=', 'admin').executeTakeFirstOrThrow();
    orgId = admin.org_id;
    adminId = admin.id;
    await db.updateTable('users').set({ email: 'boss@example.com' }).where('id', '=', adminId).execute();
    await db
      .insertInto('outreach_settings')
      .values({
        org_id: orgId,
        smtp_host: '127.0.0.1',
        smtp_port: sink.port,
        smtp_secure: 0,
        smtp_user: '',
        smtp_pass: '',
        mail_from: '运营台 <console@example.com>',
        sms_provider: 'log',
        sms_url: '',
        sms_token: '',
        hourly_limit: 500,
        public_url: '',
        updated_at: Date.now(),
      })
      .execute();
    await tasks.createTask(db, { title: '核对今天的活动库存', assigneeId: adminId, dueOn: businessDay(Date.now()) }, systemActor(orgId));
    worker = jobs.startJobWorker(db, jobHandlers(db), { pollMs: 100 });
  });
  afterAll(async () => {
    await worker?.stop();
    await sink?.close();
    await e?.close();
  });

  it('switch 早报 on in 个人设置, get the digest in the bell (给你的 → 今日自查) and by email (已发送)', async () => {
    const { page, baseUrl } = e;
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await login(page, baseUrl, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));

    await page.goto(`${baseUrl}/account`);
    const card = page.getByTestId('account-email-alerts');
    await poll(() => card.getByTestId('email-alerts-address').textContent()).toContain('boss@example.com');
    const digest = card.getByTestId('email-alert-digest');
    expect(await card.getByTestId('email-alert-review_negative').getAttribute('aria-checked')).toBe('true');
    expect(await digest.getAttribute('aria-checked')).toBe('false');
    await digest.click();
    await poll(() => page.getByText('已保存').first().isVisible()).toBe(true);
    await e.shot('account-email-alerts');
    await page.reload();
    await poll(() => page.getByTestId('email-alert-digest').getAttribute('aria-checked')).toBe('true');

    // 08:00: the day's digests (the timer's work, run here at once).
    const r = await tasks.raiseMorningDigests(e.database.db, orgId);
    expect(r.raised).toContain(adminId);
    await poll(() => sink.received.length).toBe(1);
    expect(sink.received[0]).toMatchObject({ to: 'boss@example.com' });
    expect(sink.received[0]!.text).toContain('核对今天的活动库存');

    await page.reload();
    await page.getByTestId('notification-bell').click();
    const item = page.getByTestId('notification-item').filter({ has: page.getByTestId('notification-personal') });
    await poll(() => item.count()).toBe(1);
    expect(await item.textContent()).toContain('早报');
    expect(await item.textContent()).toContain('给你的');
    await e.shot('bell-digest');
    await item.getByRole('link').click();
    await page.waitForURL((u) => u.pathname === '/checks');

    await page.goto(`${baseUrl}/account`);
    const row = page.getByTestId('email-alert-row').first();
    await poll(() => row.getAttribute('data-status')).toBe('sent');
    expect(await row.textContent()).toContain('已发送');
  });
});

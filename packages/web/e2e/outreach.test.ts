/**
 * Segments and outreach in a real browser over the demo shop: RFM 分析 → 重要挽留 → 保存为分群 (the
 * builder opens with the segment, its live count equals the RFM page's), save it, send it an
 * email through a local SMTP server started by the test (settings entered on 发送设置), and see
 * each recipient's delivery status; the SMTP server received exactly the members with an email.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as customers from '../../server/src/modules/customers/index.js';
import { loadDemo } from '../../server/src/modules/demo/index.js';
import * as jobs from '../../server/src/modules/jobs/index.js';
import { jobHandlers } from '../../server/src/modules/jobs/registry.js';
import { systemActor } from '../../server/src/http/actor.js';
import { startSmtpSink, type SmtpSink } from '../../server/test/smtp-sink.js';
import { ADMIN_PASSWORD, chromiumMissing, login, startE2E, type E2E } from './harness.js';

function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: 20_000 });
}

describe.skipIf(chromiumMissing)('outreach: RFM segment saved and sent an email through a local SMTP server (browser)', () => {
  let e: E2E;
  let sink: SmtpSink;
  let worker: jobs.JobWorker;
  let shopId = '';
  let orgId = '';
  beforeAll(async () => {
    e = await startE2E();
    sink = await startSmtpSink();
    await loadDemo(e.database, { profile: 'small', seed: 7 });
    const row = await e.database.db.selectFrom('shops').select(['id', 'org_id']).orderBy('created_at').executeTakeFirstOrThrow();
    shopId = row.id;
    orgId = row.org_id;
    worker = jobs.startJobWorker(e.database.db, jobHandlers(e.database.db), { pollMs: 200 });
  });
  afterAll(async () => {
    await worker?.stop();
    await sink?.close();
    await e?.close();
  });

  it('RFM 重要挽留 → save as a segment → email it → delivery status per recipient', async () => {
    const { page, baseUrl } = e;
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.setViewportSize({ width: 1440, height: 900 });
    await login(page, baseUrl, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.evaluate((id) => localStorage.setItem('yy.shop', id), shopId);

    // 发送设置: the local SMTP server.
    await page.goto(`${baseUrl}/outreach/settings`);
    await page.getByTestId('settings-smtp-host').fill('127.0.0.1');
    await page.getByTestId('settings-smtp-port').fill(String(sink.port));
    await page.getByTestId('settings-mail-from').fill('演示店 <shop@example.com>');
    await page.getByTestId('settings-public-url').fill(baseUrl);
    await page.getByTestId('settings-save').click();
    await poll(() => page.getByText('发送设置已保存').isVisible()).toBe(true);

    await page.goto(`${baseUrl}/customers/rfm`);
    const segments = page.getByTestId('rfm-segments');
    await poll(() => segments.locator('tbody tr.ant-table-row').count()).toBe(8);
    const retain = segments.locator('tbody tr.ant-table-row').filter({ hasText: '重要挽留客户' });
    const count = Number(((await retain.locator('td').nth(1).textContent()) ?? '').replace(/[^\d]/g, ''));
    expect(count).toBeGreaterThan(0);
    await page.getByTestId('rfm-drill-important_retain').click();
    await page.waitForURL(/\/customers\?segment=important_retain/);
    await page.getByTestId('customers-save-segment').click();
    await page.waitForURL(/\/customers\/segments\?rfm=important_retain/);
    await poll(async () => Number(((await page.getByTestId('segment-total').textContent()) ?? '').replace(/[^\d]/g, ''))).toBe(count);
    await e.shot('o01-segment-builder');
    await page.getByTestId('segment-save').click();
    await page.getByTestId('segment-name').fill('重要挽留（邮件）');
    await page.getByTestId('segment-save-ok').click();
    await poll(() => page.getByText('已保存分群「重要挽留（邮件）」').isVisible()).toBe(true);
    await poll(async () =>
      Number(((await page.getByTestId('segment-count-重要挽留（邮件）').textContent()) ?? '').replace(/[^\d]/g, '')),
    ).toBe(count);

    // Exactly three members get an email (some demo buyers carry one: cleared here); the others are skipped.
    const seg = await e.database.db
      .selectFrom('customer_segments')
      .select('id')
      .where('shop_id', '=', shopId)
      .where('name', '=', '重要挽留（邮件）')
      .executeTakeFirstOrThrow();
    const { members } = await customers.segmentMembers(e.database.db, orgId, seg.id);
    expect(members).toHaveLength(count);
    const withEmail = members.slice(0, 3);
    await e.database.db.transaction().execute(async (trx) => {
      for (const [i, m] of members.entries())
        await customers.updateCustomer(trx, systemActor(orgId, 'e2e'), m.id, { email: i < 3 ? `retain${i}@example.com` : '' });
    });

    await page.getByTestId('segment-send-重要挽留（邮件）').click();
    await page.waitForURL(/\/outreach\?segment=/);
    await page.getByTestId('campaign-subject').fill('{{昵称}}，好久不见');
    await page.getByTestId('campaign-body').fill('{{昵称}} 您好，送您一张回归券：{{优惠券}}');
    await page.getByTestId('campaign-send').click();
    await poll(() => page.getByText('已开始向「重要挽留（邮件）」发送').isVisible()).toBe(true);
    await page.getByTestId('campaign-link-重要挽留（邮件）').click();
    await page.waitForURL(/\/outreach\/ocp_/);
    await poll(() => page.getByTestId('campaign-status').textContent()).toBe('已完成');
    const rows = page.getByTestId('campaign-messages').locator('tbody tr.ant-table-row');
    await poll(() => rows.filter({ hasText: '已发送' }).count()).toBe(Math.min(3, count));
    expect(await rows.filter({ hasText: '没有邮箱' }).count()).toBe(Math.min(count, 20) - Math.min(3, count));
    await e.shot('o02-campaign-status');
    expect(sink.received.map((m) => m.to).sort()).toEqual(withEmail.map((_, i) => `retain${i}@example.com`).sort());
    expect(sink.received[0]!.subject).toContain('好久不见');
    expect(sink.received[0]!.text).toContain(`${baseUrl}/api/v1/outreach/unsubscribe?t=`);
    // No page-level horizontal scroll at 1440×900.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });
});

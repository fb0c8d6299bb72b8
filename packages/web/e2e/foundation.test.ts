import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, chromiumMissing, login, startE2E, type E2E } from './harness.js';

describe.skipIf(chromiumMissing)('console in a real browser', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E();
  });
  afterAll(() => e?.close());

  it('logs in as admin and lands on the overview with the settings menu', async () => {
    const { page, baseUrl } = e;
    await page.goto(`${baseUrl}/settings/users`);
    await page.waitForURL(/\/login/);
    await login(page, baseUrl, 'admin', ADMIN_PASSWORD);
    await expect.poll(() => page.getByTestId('home-greeting').textContent()).toContain('店长');
    await expect.poll(() => page.getByTestId('menu-group-settings').isVisible()).toBe(true);
    expect(await page.getByTestId('menu-users').isVisible()).toBe(true);
    await e.shot('01-home');
  });

  it('switches the language to English and back', async () => {
    const { page } = e;
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('lang-en').click();
    await expect.poll(() => page.getByTestId('menu-group-settings').textContent()).toBe('Settings');
    await e.shot('02-home-en');
    await page.reload();
    await expect.poll(() => page.getByTestId('menu-group-settings').textContent()).toBe('Settings');
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('lang-zh-CN').click();
    await expect.poll(() => page.getByTestId('menu-group-settings').textContent()).toBe('设置');
  });

  it('creates a customer-service user and finds the change in the audit log', async () => {
    const { page } = e;
    await page.getByTestId('menu-users').click();
    await page.getByTestId('user-create').click();
    const modal = page.getByTestId('user-form-modal');
    await modal.locator('#username').fill('kefu01');
    await modal.locator('#displayName').fill('客服小美');
    await modal.locator('#password').fill('Kefu12345');
    await modal.locator('#phone').fill('13800138000');
    await modal.locator('#roleIds').click();
    await page.locator('.ant-select-dropdown:visible').getByText('客服', { exact: true }).click();
    await page.keyboard.press('Escape');
    await modal.locator('#allShops').click();
    await e.shot('03-user-form');
    await page.getByTestId('user-form-submit').click();
    await expect.poll(() => page.getByTestId('users-table').textContent()).toContain('kefu01');
    expect(await page.getByTestId('users-table').textContent()).toContain('客服小美');
    await e.shot('04-users');

    await page.getByTestId('menu-audit').click();
    await expect.poll(() => page.getByTestId('audit-table').textContent()).toContain('店长（admin）');
    const rowText = await page.getByTestId('audit-table').locator('tbody tr.ant-table-row').first().textContent();
    expect(rowText).toMatch(/user\.create|新建用户|创建用户/);
    await page.getByTestId('audit-table').locator('tbody tr.ant-table-row').first().locator('.ant-table-row-expand-icon').click();
    await expect.poll(() => page.getByTestId('audit-diff').first().textContent()).toContain('kefu01');
    await e.shot('05-audit');
  });

  it('shows the new user only what the role allows: no settings menu, 403 on user management', async () => {
    const { page, baseUrl } = e;
    await page.getByTestId('user-menu').click();
    await page.getByTestId('menu-logout').click();
    await page.waitForURL(/\/login/);
    await login(page, baseUrl, 'kefu01', 'Kefu12345');
    await expect.poll(() => page.getByTestId('home-greeting').textContent()).toContain('客服小美');
    expect(await page.getByTestId('menu-group-settings').count()).toBe(0);
    expect(await page.getByTestId('menu-users').count()).toBe(0);
    await e.shot('06-kefu-home');
    await page.goto(`${baseUrl}/settings/users`);
    await expect.poll(() => page.getByTestId('forbidden').isVisible()).toBe(true);
    const status = await page.evaluate(async () => (await fetch('/api/v1/users')).status);
    expect(status).toBe(403);
  });

  it('locks the login after five wrong passwords with a Chinese message', async () => {
    const { page, baseUrl } = e;
    await page.getByTestId('user-menu').click();
    await page.getByTestId('menu-logout').click();
    await page.waitForURL(/\/login/);
    for (let i = 0; i < 5; i++) {
      await page.locator('#username').fill('kefu01');
      await page.locator('#password').fill('wrong-pass-1');
      await page.getByTestId('login-submit').click();
      await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(i < 4 ? /用户名或密码错误/ : /登录失败次数过多/);
    }
    await e.shot('07-locked');
    await login(page, baseUrl, 'kefu01', 'Kefu12345');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/登录失败次数过多/);
  });
});

// Developer aid: screenshot a console page in headless Chromium.
// node scripts/screenshot.mjs <url> <out.png> [username password]
import { chromium } from 'playwright-core';
const [, , url, out, user, pass] = process.argv;
const ctx = await chromium.launchPersistentContext('/tmp/prof-' + Date.now(), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: Number(process.env.W ?? 1440), height: Number(process.env.H ?? 900) },
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
const base = new URL(url).origin;
if (user) {
  await page.goto(base + '/login');
  await page.fill('#username', user);
  await page.fill('#password', pass);
  await page.click('[data-testid=login-submit]');
  await page.waitForTimeout(1500);
}
await page.goto(url);
await page.waitForTimeout(2000);
await page.screenshot({ path: out, fullPage: true });
await ctx.close();

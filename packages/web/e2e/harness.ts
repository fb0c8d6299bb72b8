/**
 * Browser-test harness: the real server (in-process, on a free port, fresh SQLite file) serving
 * the built console, and Debian's Chromium driven by playwright-core in a fresh profile.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { bootstrap } from '../../server/src/bootstrap.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase, type Database } from '../../server/src/db/dialect.js';
import { buildApp, DEFAULT_WEB_DIST, type App } from '../../server/src/http/app.js';

export const CHROMIUM = process.env.YUNYING_CHROMIUM ?? '/usr/bin/chromium';
export const ADMIN_PASSWORD = 'Admin12345';
/** Chromium missing: skipped locally with a banner, a failure under CI. */
export const chromiumMissing = !fs.existsSync(CHROMIUM) && process.env.CI !== 'true';
if (!fs.existsSync(CHROMIUM))
  console.warn(
    `\n!!!! Chromium not found at ${CHROMIUM}: browser tests ${process.env.CI === 'true' ? 'FAIL' : 'SKIPPED'} (apt-get install -y chromium)\n`,
  );

export interface E2E {
  baseUrl: string;
  app: App;
  database: Database;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
  shot(name: string): Promise<void>;
}

export async function startE2E(): Promise<E2E> {
  // YUNYING_WEB_DIST lets a developer test a console built elsewhere (e.g. while packages/web/dist is being rebuilt).
  const webDist = process.env.YUNYING_WEB_DIST ?? DEFAULT_WEB_DIST;
  if (!fs.existsSync(path.join(webDist, 'index.html'))) throw new Error('console not built: run `npm run build` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-e2e-'));
  const database = openDatabase(`sqlite:${path.join(dir, 'e2e.db')}`);
  await bootstrap(database, { adminPassword: ADMIN_PASSWORD });
  const app = await buildApp({ database, config: { ...loadConfig({}), port: 0, webDist } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const baseUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
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
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  const shotsDir = process.env.YUNYING_E2E_SHOTS;
  return {
    baseUrl,
    app,
    database,
    context,
    page,
    shot: async (name) => {
      if (shotsDir) {
        fs.mkdirSync(shotsDir, { recursive: true });
        await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: true });
      }
    },
    close: async () => {
      await context.close().catch(() => {});
      await app.close();
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function login(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByTestId('login-submit').click();
}

/**
 * `npm run bench -- login [--runs 7]`: the login page on a warm server, as a new visitor sees it.
 * The real server (in-process, fresh SQLite file) serves the built console; headless Chromium with
 * an empty cache opens /login each run; printed: time until the login form can be used (the
 * username field and the submit button are on screen and enabled) and the bytes that crossed the
 * wire (encoded) against their size once decoded. Asserts nothing (figures, not a test).
 */
import { parseArgs } from 'node:util';
import { startE2E } from '../packages/web/e2e/harness.js';

const { values } = parseArgs({ args: process.argv.slice(3), options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs 必须是正整数');

const e2e = await startE2E();
try {
  const { page, context, baseUrl } = e2e;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  let encoded = 0;
  let decoded = 0;
  let requests = 0;
  const sizes = new Map<string, number>();
  cdp.on('Network.dataReceived', (ev: { requestId: string; dataLength: number }) => {
    sizes.set(ev.requestId, (sizes.get(ev.requestId) ?? 0) + ev.dataLength);
  });
  cdp.on('Network.loadingFinished', (ev: { requestId: string; encodedDataLength: number }) => {
    encoded += ev.encodedDataLength;
    decoded += sizes.get(ev.requestId) ?? 0;
    requests++;
  });

  // Warm the server (its file cache and the first request's code paths), not the browser.
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId('login-submit').waitFor();

  const times: number[] = [];
  const bytes: { encoded: number; decoded: number; requests: number }[] = [];
  for (let i = 0; i < runs; i++) {
    await cdp.send('Network.clearBrowserCache');
    await page.goto('about:blank');
    encoded = decoded = requests = 0;
    sizes.clear();
    const t0 = Date.now();
    await page.goto(`${baseUrl}/login`, { waitUntil: 'commit' });
    await page.locator('input[name="username"]').waitFor({ state: 'visible' });
    const submit = page.getByTestId('login-submit');
    await submit.waitFor({ state: 'visible' });
    await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid="login-submit"]')?.disabled);
    times.push(Date.now() - t0);
    await page.waitForLoadState('networkidle');
    bytes.push({ encoded, decoded, requests });
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const last = bytes[bytes.length - 1]!;
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  console.log('| 登录页 login page (warm server, empty browser cache) | value |');
  console.log('|---|---|');
  console.log(
    `| 可交互时间 time to interactive, median of ${runs} | ${median} ms (min ${times[0]} ms, max ${times[times.length - 1]} ms) |`,
  );
  console.log(`| 传输字节 bytes over the wire | ${kb(last.encoded)} in ${last.requests} requests |`);
  console.log(`| 解压后 decoded size | ${kb(last.decoded)} |`);
} finally {
  await e2e.close();
}

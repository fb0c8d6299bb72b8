/**
 * The `yunying` command for tests that run it many times.
 *
 * `bin/yunying.mjs` compiles the CLI through tsx on every start: about 2.5 s of CPU per command,
 * most of it resolving and transforming a few hundred modules. The CLI test files run it dozens
 * of times per database, so they run the same sources bundled once by esbuild (the compiler tsx
 * uses) into `node_modules/.cache` — 0.8 s of CPU per command. Dependencies stay external and
 * load from node_modules as they would under tsx. The shipped bin itself is still started by
 * `first-start.test.ts`, `supervisor.test.ts` and the fault suites, and by `cli.test.ts` once.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(serverDir, '../..');

/** The shipped entry point, compiled by tsx at each start. */
export const SHIPPED_BIN = path.join(serverDir, 'bin/yunying.mjs');

let bundled: Promise<string> | undefined;

/** A path to run with `node`: the CLI's sources bundled (built once per test process). */
export function cliBundle(): Promise<string> {
  bundled ??= (async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(serverDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const external = Object.keys(pkg.dependencies).filter((d) => !d.startsWith('@yunying/'));
    const dir = path.join(root, 'node_modules/.cache/yunying-test-cli');
    fs.mkdirSync(dir, { recursive: true });
    // Private name per process: files running at once never read a half-written bundle.
    const out = path.join(dir, `cli-${process.pid}-${crypto.randomBytes(4).toString('hex')}.mjs`);
    await build({
      entryPoints: [path.join(serverDir, 'src/cli.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: out,
      external: [...external, 'nodemailer', 'smtp-server', 'playwright-core'],
      logLevel: 'error',
      // CommonJS dependencies bundled into an ES module still call require().
      banner: { js: "import { createRequire as __yyRequire } from 'node:module'; const require = __yyRequire(import.meta.url);" },
    });
    process.once('exit', () => fs.rmSync(out, { force: true }));
    return out;
  })();
  return bundled;
}

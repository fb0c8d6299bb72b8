// `npm start`: make sure the console is built, then start the server and keep it running: it is
// started again after a crash or an out-of-memory kill, with a growing pause, and given up on when
// it keeps crashing right after starting (packages/server/bin/supervisor.mjs). Ctrl-C / SIGTERM
// stop it cleanly. YUNYING_RESTART=0 turns restarting off (e.g. under systemd or Docker, which
// restart it themselves).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { supervise } from '../packages/server/bin/supervisor.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const index = path.join(root, 'packages/web/dist/index.html');
if (!fs.existsSync(index)) {
  console.log('首次启动：正在构建控制台前端… (building the console)');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const { done } = supervise({
  args: [path.join(root, 'packages/server/bin/yunying.mjs'), 'start', ...process.argv.slice(2)],
  cwd: root,
  maxCrashes: process.env.YUNYING_RESTART === '0' ? 0 : 5,
});
process.exit(await done);

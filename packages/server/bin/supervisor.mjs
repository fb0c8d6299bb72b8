// Keeps the server running: `npm start` runs it under `supervise()`, which starts it again when
// it exits unexpectedly (a crash, an out-of-memory kill), waiting longer after each quick crash
// and giving up when it keeps crashing (a wrong setting or a busy port: restarting cannot help).
// SIGINT / SIGTERM / SIGHUP are passed to the server once, for its clean stop; a clean stop (or the
// server ending by itself with exit code 0) is not restarted. Plain JavaScript without
// dependencies, so the supervisor itself costs little memory and cannot fail the way the server can.
import { spawn } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';

/**
 * @typedef {object} SuperviseOptions
 * @property {string[]} args              arguments of the command (e.g. [bin, 'start'])
 * @property {string} [command]           default: this Node
 * @property {string} [cwd]
 * @property {NodeJS.ProcessEnv} [env]
 * @property {number} [stableMs]          a run this long resets the crash count (default 60 s)
 * @property {number} [maxCrashes]        quick crashes in a row before giving up (default 5)
 * @property {number} [backoffMs]         first wait before a restart, doubled per quick crash (default 1 s)
 * @property {number} [maxBackoffMs]      longest wait (default 30 s)
 * @property {number} [stopTimeoutMs]     after a stop signal, kill the server if it has not exited (default 30 s)
 * @property {(line: string) => void} [log]
 * @property {boolean} [handleSignals]    listen to SIGINT/SIGTERM/SIGHUP of this process (default true)
 */

/**
 * Run the command and keep it running. Resolves with the exit code to exit with: the server's
 * own after a stop, non-zero after giving up.
 * @param {SuperviseOptions} opts
 * @returns {{ done: Promise<number>, stop: (signal?: NodeJS.Signals) => void, pid: () => number | undefined }}
 */
export function supervise(opts) {
  const {
    command = process.execPath,
    args,
    cwd,
    env = process.env,
    stableMs = 60_000,
    maxCrashes = 5,
    backoffMs = 1000,
    maxBackoffMs = 30_000,
    stopTimeoutMs = 30_000,
    log = (line) => process.stderr.write(`${line}\n`),
    handleSignals = true,
  } = opts;

  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  let crashes = 0;
  let stopping = false;
  let stoppingAt = 0;
  /** @type {NodeJS.Timeout | null} */
  let restartTimer = null;
  /** @type {NodeJS.Timeout | null} */
  let killTimer = null;
  /** @type {(code: number) => void} */
  let finish = () => {};
  const done = new Promise((resolve) => (finish = resolve));

  const end = (/** @type {number} */ code) => {
    if (restartTimer) clearTimeout(restartTimer);
    if (killTimer) clearTimeout(killTimer);
    if (handleSignals) for (const s of SIGNALS) process.removeListener(s, onSignal);
    finish(code);
  };

  const start = () => {
    restartTimer = null;
    const startedAt = Date.now();
    // Own process group: a Ctrl-C in the terminal reaches only the supervisor, which passes it on
    // exactly once (twice would cut the server's clean stop short). The IPC channel tells the
    // server when the supervisor is gone (bin/yunying.mjs stops it then).
    const c = spawn(command, args, {
      cwd,
      env: { ...env, YUNYING_SUPERVISED: '1' },
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      detached: true,
    });
    child = c;
    c.on('error', (err) => {
      // Could not start at all (the command is missing): restarting cannot help.
      log(`无法启动服务器进程 / cannot start the server: ${err.message}`);
      child = null;
      end(1);
    });
    c.on('exit', (code, signal) => {
      if (child !== c) return;
      child = null;
      if (killTimer) clearTimeout(killTimer);
      if (stopping) return end(code ?? (signal ? 128 + (SIGNAL_NUMBERS[signal] ?? 1) : 0));
      if (code === 0) {
        log('服务器进程已退出 / the server stopped (exit code 0)');
        return end(0);
      }
      const how = signal
        ? `信号 signal ${signal}${signal === 'SIGKILL' ? '（可能是内存不足被系统终止 / possibly killed for lack of memory）' : ''}`
        : `退出码 exit code ${code}`;
      if (Date.now() - startedAt >= stableMs) crashes = 0;
      crashes++;
      if (crashes > maxCrashes) {
        log(
          `服务器进程连续 ${crashes} 次在启动后 ${Math.round(stableMs / 1000)} 秒内意外退出（${how}），不再重启：请查看上面的错误信息（常见原因：端口被占用、DATABASE_URL 不正确）。` +
            ` / The server crashed ${crashes} times in a row; not restarting it again.`,
        );
        return end(code || 1);
      }
      const wait = Math.min(maxBackoffMs, backoffMs * 2 ** (crashes - 1));
      log(
        `服务器进程意外退出（${how}），${(wait / 1000).toFixed(wait < 1000 ? 2 : 0)} 秒后重启（第 ${crashes} 次）` +
          ` / The server exited unexpectedly; restarting in ${wait} ms (restart ${crashes}).`,
      );
      restartTimer = setTimeout(start, wait);
    });
  };

  /** @param {NodeJS.Signals} [signal] */
  const stop = (signal = 'SIGTERM') => {
    if (stopping) {
      // Ctrl-C again, later: do not wait for the clean stop. The same Ctrl-C arriving twice at once
      // (from the terminal and passed on by npm) is not a second one.
      if (child && Date.now() - stoppingAt > 2000) child.kill('SIGKILL');
      return;
    }
    stopping = true;
    stoppingAt = Date.now();
    if (restartTimer) {
      clearTimeout(restartTimer);
      restartTimer = null;
    }
    if (!child) return end(0);
    child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
    killTimer = setTimeout(() => child?.kill('SIGKILL'), stopTimeoutMs);
    killTimer.unref();
  };

  const onSignal = (/** @type {NodeJS.Signals} */ signal) => stop(signal);
  if (handleSignals) for (const s of SIGNALS) process.on(s, onSignal);
  start();
  return { done, stop, pid: () => child?.pid };
}

/** @type {NodeJS.Signals[]} */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** @type {Record<string, number>} */
const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGABRT: 6, SIGSEGV: 11 };

/**
 * In the supervised server: stop cleanly when the supervisor goes away (killed, or its terminal
 * closed), instead of running on unsupervised.
 */
export function followSupervisor() {
  if (process.env.YUNYING_SUPERVISED !== '1' || !process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

/**
 * A background check repeated in the server process (diagnosis, points expiry, the morning digest):
 * `work` runs after `firstMs` and then every `intervalMs`, never two at once (a check still running
 * when the next is due is skipped), errors go to `onError`, and the timers do not keep the process
 * alive. What is due, and whether it already ran today, is the work's own business (each records
 * its runs in the database, so a restart or a second process does not repeat it).
 */
export interface RepeatOptions {
  intervalMs?: number;
  firstMs?: number;
  onError?: (err: unknown) => void;
}

export function repeatInBackground(
  work: () => Promise<unknown>,
  opts: RepeatOptions,
  defaults: { firstMs: number; intervalMs: number },
): { stop(): void } {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    work()
      .catch((err: unknown) => opts.onError?.(err))
      .finally(() => {
        running = false;
      });
  };
  const first = setTimeout(tick, opts.firstMs ?? defaults.firstMs);
  const timer = setInterval(tick, opts.intervalMs ?? defaults.intervalMs);
  first.unref();
  timer.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}

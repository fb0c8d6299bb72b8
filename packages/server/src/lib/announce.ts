/**
 * "This changed" between the server processes that share a database (cluster.ts): a module that
 * caches something in memory listens to a topic (`onAnnounce`) and clears its copy; the code that
 * changes it announces the topic after the commit (`announce`). Local listeners run at once; the
 * other processes hear it through PostgreSQL LISTEN/NOTIFY (cluster.ts's peer link registers
 * itself as a publisher). Without a publisher (SQLite, the CLI) only this process hears it.
 */
type Listener = (payload: string) => void;
const listeners = new Map<string, Set<Listener>>();
const publishers = new Set<(topic: string, payload: string) => void>();

/** Run `fn` when this or another process announces `topic`. Returns the unsubscribe function. */
export function onAnnounce(topic: string, fn: Listener): () => void {
  let set = listeners.get(topic);
  if (!set) listeners.set(topic, (set = new Set()));
  set.add(fn);
  return () => set.delete(fn);
}

/** Run this process's listeners of `topic` (a notice from another process, or a local change). */
export function hearAnnouncement(topic: string, payload: string): void {
  for (const fn of listeners.get(topic) ?? []) {
    try {
      fn(payload);
    } catch (err) {
      process.emitWarning(`announce listener for ${topic} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Every topic with a listener here (a link back after a lost connection clears them all). */
export function announcedTopics(): string[] {
  return [...listeners.keys()];
}

/** Tell this process and every other one on the database that `topic` changed (after the commit). */
export function announce(topic: string, payload = ''): void {
  hearAnnouncement(topic, payload);
  for (const p of publishers) p(topic, payload);
}

/** A way to reach the other processes (the peer link). Returns the function that removes it. */
export function addPublisher(p: (topic: string, payload: string) => void): () => void {
  publishers.add(p);
  return () => publishers.delete(p);
}

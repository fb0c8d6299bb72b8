/**
 * Several server processes on one PostgreSQL database (issue 10 item 5).
 *
 * - `YUNYING_WORKERS=N` (N > 1): this process becomes the primary of a node:cluster. It brings the
 *   database up to date once (migrations, owner account, demo), then starts N workers that share
 *   the port (the primary hands connections to them in turn) and starts a worker again when one
 *   dies. Several separate `yunying start` (on one machine or several) work the same way: nothing
 *   below depends on the processes being one cluster.
 * - Jobs: every process runs a job worker; a job is claimed with `FOR UPDATE SKIP LOCKED`
 *   (jobs.service.ts), so it runs in one process only.
 * - Background timers (rollups, diagnosis, digest, outreach resume, points expiry) run in one
 *   process at a time, the leader: the process whose peer link holds a PostgreSQL advisory lock.
 *   When the leader dies its connection closes, the lock is free, and another process takes it
 *   within `LEADER_POLL_MS`. Each of those timers is also safe to run twice (claims and unique
 *   keys in the database), so a hand-over that overlaps does no harm.
 * - Caches: a process that changes something another process caches announces it
 *   (lib/announce.ts): the local listeners run at once, and the others through PostgreSQL
 *   LISTEN/NOTIFY on the same link. A link that lost its connection clears every cache when it is
 *   back (notices may have been missed meanwhile). Sessions and API tokens are not cached: every
 *   request reads them, so a logout or a revoked token is refused by every process at once.
 *
 * On SQLite there is one writer at a time and the in-process write queue cannot be shared, so
 * `YUNYING_WORKERS` > 1 is refused (`clusterRefusal`).
 */
import cluster from 'node:cluster';
import os from 'node:os';
import pg from 'pg';
import type { Config } from './config.js';
import { parseDatabaseUrl } from './db/dialect.js';
import { addPublisher, announcedTopics, hearAnnouncement } from './lib/announce.js';

/** The PostgreSQL channel every process listens on. */
export const PEER_CHANNEL = 'yunying_peers';
/** This process among its peers (a notice it sent itself is not applied twice). */
const SELF = `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;

// ---------------------------------------------------------------- the peer link and the leader

/** Key of the advisory lock the leader holds (any constant; "YYLD"). */
export const LEADER_LOCK_KEY = 0x59594c44;
const LEADER_POLL_MS = 5_000;
/** First wait before reconnecting the link, doubled per failure up to 30 s. */
const RECONNECT_MS = 1_000;

export interface PeerLink {
  /** Whether this process holds the leader lock now. */
  readonly leader: boolean;
  publish(topic: string, payload: string): void;
  stop(): Promise<void>;
}

export interface PeerLinkOptions {
  /** Started when this process becomes the leader; the returned function stops them. */
  leaderDuties?: () => () => void;
  onError?: (err: unknown) => void;
  leaderPollMs?: number;
}

/**
 * One dedicated PostgreSQL connection per process: LISTEN for announcements, and try to hold the
 * leader lock. Reconnects after a lost connection (a database restart), clearing every cache.
 */
export function startPeerLink(databaseUrl: string, opts: PeerLinkOptions = {}): PeerLink {
  let client: pg.Client | null = null;
  let stopped = false;
  let leader = false;
  let stopDuties: (() => void) | null = null;
  let pollTimer: NodeJS.Timeout | null = null;
  let connected = false;
  let everConnected = false;
  let failures = 0;
  const report = (err: unknown) => opts.onError?.(err);

  const loseLeadership = () => {
    leader = false;
    if (stopDuties) {
      const stop = stopDuties;
      stopDuties = null;
      stop();
    }
  };

  let trying = false;
  const tryLead = async () => {
    if (stopped || leader || trying || !client || !connected || !opts.leaderDuties) return;
    const c = client;
    trying = true;
    try {
      const r = await c.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [LEADER_LOCK_KEY]);
      if (r.rows[0]?.ok && !stopped && c === client) {
        leader = true;
        stopDuties = opts.leaderDuties();
      }
    } finally {
      trying = false;
    }
  };

  const schedulePoll = () => {
    if (stopped || !opts.leaderDuties) return;
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = setTimeout(() => {
      pollTimer = null;
      tryLead()
        .catch(report)
        .finally(() => {
          if (!leader) schedulePoll();
        });
    }, opts.leaderPollMs ?? LEADER_POLL_MS);
    pollTimer.unref();
  };

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: databaseUrl, application_name: `yunying-peer-link:${process.pid}` });
    client = c;
    const lost = (err?: unknown) => {
      if (client !== c) return;
      if (err) report(err);
      connected = false;
      client = null;
      loseLeadership();
      c.end().catch(() => {});
      const wait = Math.min(30_000, RECONNECT_MS * 2 ** Math.min(failures++, 5));
      if (!stopped) setTimeout(() => void connect().catch(report), wait).unref();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (msg) => {
      if (msg.channel !== PEER_CHANNEL || !msg.payload) return;
      try {
        const m = JSON.parse(msg.payload) as { from: string; topic: string; payload: string };
        if (m.from !== SELF) hearAnnouncement(m.topic, m.payload);
      } catch {
        // not ours
      }
    });
    try {
      await c.connect();
      await c.query(`listen ${PEER_CHANNEL}`);
    } catch (err) {
      lost(err);
      return;
    }
    connected = true;
    // Back after a lost connection: what others announced meanwhile is unknown, forget it all.
    if (everConnected) for (const topic of announcedTopics()) hearAnnouncement(topic, '');
    everConnected = true;
    failures = 0;
    await tryLead().catch(report);
    if (!leader) schedulePoll();
  };

  const link: PeerLink = {
    get leader() {
      return leader;
    },
    publish(topic: string, payload: string) {
      const c = client;
      if (!c || !connected) return; // the caches' own time limits cover a notice lost here
      const body = JSON.stringify({ from: SELF, topic, payload });
      c.query('select pg_notify($1, $2)', [PEER_CHANNEL, body]).catch(report);
    },
    async stop() {
      stopped = true;
      removePublisher();
      if (pollTimer) clearTimeout(pollTimer);
      loseLeadership();
      const c = client;
      client = null;
      // Closing the session releases the advisory lock: another process leads within its poll.
      if (c) await c.end().catch(() => {});
    },
  };
  const removePublisher = addPublisher((topic, payload) => link.publish(topic, payload));
  void connect().catch(report);
  return link;
}

// ---------------------------------------------------------------- node:cluster

/** Why `workers` processes cannot serve this database, or null when they can. */
export function clusterRefusal(cfg: Pick<Config, 'databaseUrl' | 'workers'>): string | null {
  if (cfg.workers <= 1) return null;
  if (parseDatabaseUrl(cfg.databaseUrl).dialect === 'sqlite')
    return (
      `YUNYING_WORKERS=${cfg.workers} 需要 PostgreSQL：SQLite 同一时刻只有一个写入者，写入由进程内的队列排队，` +
      '多个进程只会互相等待（并且后台任务无法在进程之间协调）。请去掉 YUNYING_WORKERS（或设为 1），' +
      '或把 DATABASE_URL 改为 postgres://… 后再启动。'
    );
  return null;
}

/** Messages a worker sends to the primary. */
interface WorkerMessage {
  type: 'yunying:ready';
  url: string;
}

/** Whether this process is a worker started by `startCluster`. */
export function isClusterWorker(): boolean {
  return cluster.isWorker && process.env.YUNYING_CLUSTER_WORKER === '1';
}

/** A worker tells the primary it is listening. */
export function reportReady(url: string): void {
  if (isClusterWorker() && process.send) process.send({ type: 'yunying:ready', url } satisfies WorkerMessage);
}

export interface ClusterPrimary {
  url: string;
  close(): Promise<void>;
}

/**
 * The primary: `prepare` (migrations, owner account, demo) runs once here, then `cfg.workers`
 * workers start (the same command, marked by YUNYING_CLUSTER_WORKER=1) and share the port.
 * Resolves when all are listening; a worker that dies before that fails the start (a wrong
 * setting or a busy port: starting it again cannot help). Later, a dead worker is started again
 * after a second. `close()` stops the workers (SIGTERM: each finishes its requests and puts its
 * running job back in the queue) and waits for them.
 */
export async function startCluster(cfg: Config, prepare: () => Promise<void>): Promise<ClusterPrimary> {
  const refusal = clusterRefusal(cfg);
  if (refusal) throw new Error(refusal);
  await prepare();
  let stopping = false;
  let url = '';
  const live = new Set<ReturnType<typeof cluster.fork>>();
  const fork = () => {
    const w = cluster.fork({ YUNYING_CLUSTER_WORKER: '1', YUNYING_WORKER_INDEX: String(live.size + 1) });
    live.add(w);
    return w;
  };
  await new Promise<void>((resolve, reject) => {
    let ready = 0;
    for (let i = 0; i < cfg.workers; i++) {
      const w = fork();
      const onMessage = (m: WorkerMessage) => {
        if (m?.type !== 'yunying:ready') return;
        url ||= m.url;
        w.off('exit', onEarlyExit);
        if (++ready === cfg.workers) resolve();
      };
      const onEarlyExit = (code: number | null) => {
        stopping = true;
        for (const other of live) if (other !== w) other.process.kill('SIGTERM');
        reject(new Error(`工作进程启动失败（退出码 ${code ?? '无'}），见上方日志。`));
      };
      w.on('message', onMessage);
      w.once('exit', onEarlyExit);
    }
  });
  cluster.on('exit', (w, code, signal) => {
    live.delete(w);
    if (stopping) return;
    process.stderr.write(`工作进程 ${w.process.pid} 已退出（${signal ?? `退出码 ${code}`}），1 秒后重新启动。\n`);
    setTimeout(() => {
      if (!stopping) fork();
    }, 1000).unref();
  });
  return {
    url,
    async close() {
      stopping = true;
      const exits = [...live].map((w) => new Promise<void>((r) => (w.isDead() ? r() : w.once('exit', () => r()))));
      for (const w of live) if (!w.isDead()) w.process.kill('SIGTERM');
      let t: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(exits), new Promise<void>((r) => (t = setTimeout(r, 30_000)))]);
      clearTimeout(t);
      for (const w of live) if (!w.isDead()) w.process.kill('SIGKILL');
    },
  };
}

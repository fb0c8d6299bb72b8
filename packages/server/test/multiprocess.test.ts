/**
 * Several server processes on one database (issue 10 item 5, cluster.ts).
 *
 * PostgreSQL: a `YUNYING_WORKERS=2` server (node:cluster: a primary and two workers sharing the
 * port) and a second plain `yunying start`, all on one database. One of the three holds the leader
 * lock (the background timers); killing it hands the lock to another. Two more processes take
 * jobs with the jobs module's real claim: 300 jobs, each run exactly once. A session logged out,
 * an API token revoked and a collector write key revoked in one server are refused by the other
 * at once (sessions and tokens are read from the database on every request; the key cache is told
 * through NOTIFY).
 *
 * SQLite: `YUNYING_WORKERS=2` is refused with the reason and what to do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LEADER_LOCK_KEY } from '../src/cluster.js';
import { enqueue } from '../src/modules/jobs/index.js';
import { createTestDatabase, describeEachDialect, type TestDatabase } from './dialects.js';
import { ADMIN_PASSWORD, HttpSession, startServerProcess, type ServerProcess } from './proc.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(here, '../bin/yunying.mjs');
const JOBS = 300;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A job worker process (multiprocess-worker.ts), resolved once it polls. */
function startJobProcess(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'multiprocess-worker.ts')], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve(child);
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`job process exited with ${code}:\n${out}`)));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describeEachDialect('several server processes on one database', (dialect) => {
  let tdb: TestDatabase;
  const db = () => tdb.database.db;

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  if (dialect === 'sqlite') {
    it('YUNYING_WORKERS=2 on SQLite is refused with the reason and what to do', async () => {
      const child = spawn(process.execPath, [BIN, 'start'], {
        env: { ...process.env, PORT: '0', DATABASE_URL: tdb.url, YUNYING_WORKERS: '2', YUNYING_DEMO: '0', LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code).toBe(1);
      expect(err).toContain('YUNYING_WORKERS=2 需要 PostgreSQL');
      expect(err).toContain('DATABASE_URL 改为 postgres://');
    });
    return;
  }

  let clustered: ServerProcess | undefined;
  let single: ServerProcess | undefined;
  const jobProcesses: ChildProcess[] = [];

  afterAll(async () => {
    await Promise.all(jobProcesses.map(stopProcess));
    await clustered?.kill('SIGTERM');
    await single?.kill('SIGTERM');
  });

  /** The OS pid of each process's peer link, and which one holds the leader lock. */
  async function links(): Promise<{ pids: number[]; leader: number | null; backends: number[] }> {
    const rows = await sql<{ app: string; leader: boolean; backend: number }>`
      select a.application_name as app, a.pid as backend,
        exists (select 1 from pg_locks l where l.pid = a.pid and l.locktype = 'advisory'
          and l.objid = ${LEADER_LOCK_KEY} and l.granted) as leader
      from pg_stat_activity a
      where a.datname = current_database() and a.application_name like 'yunying-peer-link:%'`.execute(db());
    const pids = rows.rows.map((r) => Number(r.app.split(':')[1])).sort();
    const leaders = rows.rows.filter((r) => r.leader).map((r) => Number(r.app.split(':')[1]));
    expect(leaders.length, 'at most one leader').toBeLessThanOrEqual(1);
    return { pids, leader: leaders[0] ?? null, backends: rows.rows.map((r) => Number(r.backend)) };
  }

  it('a 2-worker cluster and a second server start on one database; exactly one process leads the timers', async () => {
    clustered = await startServerProcess(tdb.url, { YUNYING_WORKERS: '2' });
    single = await startServerProcess(tdb.url);
    const seen = await waitFor('three peer links and a leader', async () => {
      const l = await links();
      return l.pids.length === 3 && l.leader !== null ? l : undefined;
    });
    expect(seen.pids).toContain(single.child.pid);
    expect(seen.pids).not.toContain(clustered.child.pid); // the primary only starts the workers
    expect(seen.pids).toContain(seen.leader);
    // Both servers answer for the same database.
    for (const s of [clustered, single]) {
      const r = await fetch(`${s.base}/readyz`);
      expect(await r.json()).toEqual({ status: 'ready', database: 'postgres' });
    }
  }, 90_000);

  it(`${JOBS} jobs taken by two competing job processes: each runs exactly once`, async () => {
    await sql`create table mp_runs (job_id text not null, pid integer not null)`.execute(db());
    jobProcesses.push(...(await Promise.all([startJobProcess(tdb.url), startJobProcess(tdb.url)])));
    const orgId = (await db().selectFrom('orgs').select('id').executeTakeFirstOrThrow()).id;
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) ids.push(await enqueue(db(), { orgId, type: 'mp.probe', payload: { i } }));
    await waitFor(
      'every job to finish',
      async () => {
        const left = await db().selectFrom('jobs').select('id').where('type', '=', 'mp.probe').where('status', '!=', 'succeeded').execute();
        return left.length === 0 ? true : undefined;
      },
      45_000,
    );
    const runs = await sql<{ job_id: string; n: number | string }>`select job_id, count(*) as n from mp_runs group by job_id`.execute(db());
    expect(runs.rows).toHaveLength(JOBS);
    expect(runs.rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(new Set(runs.rows.map((r) => r.job_id))).toEqual(new Set(ids));
    const byPid = await sql<{ pid: number }>`select distinct pid from mp_runs`.execute(db());
    // Both processes took jobs: the claims really competed.
    expect(byPid.rows.map((r) => r.pid).sort()).toEqual(jobProcesses.map((c) => c.pid).sort());
  }, 60_000);

  it('a logout, a revoked API token and a revoked write key in one server are refused by the other at once', async () => {
    const a = new HttpSession(single!.base);
    await a.login('admin', ADMIN_PASSWORD);
    const b = new HttpSession(clustered!.base);
    await b.login('admin', ADMIN_PASSWORD);

    // API token: made in one, used in the other, revoked in the first.
    const token = await a.send('POST', '/api/v1/tokens', { name: '多进程', scopes: ['orders.read'] });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    const bearer = { authorization: `Bearer ${token.body.secret as string}` };
    const viaB = () => fetch(`${clustered!.base}/api/v1/auth/me`, { headers: bearer }).then((r) => r.status);
    expect(await viaB()).toBe(200);
    expect((await a.send('DELETE', `/api/v1/tokens/${token.body.token.id as string}`)).status).toBe(204);
    expect(await viaB()).toBe(401);

    // Session: logged out in the cluster, refused by the single server at the next request.
    const shared = new HttpSession(clustered!.base);
    await shared.login('admin', ADMIN_PASSWORD);
    const elsewhere = new HttpSession(single!.base);
    Object.assign(elsewhere, {
      cookie: (shared as unknown as { cookie: string }).cookie,
      csrf: (shared as unknown as { csrf: string }).csrf,
    });
    expect((await elsewhere.send('GET', '/api/v1/auth/me')).status).toBe(200);
    expect((await shared.send('POST', '/api/v1/auth/logout', {})).status).toBe(204);
    expect((await elsewhere.send('GET', '/api/v1/auth/me')).status).toBe(401);

    // Collector write key: cached by the single server, revoked through the cluster.
    const shop = await a.send('POST', '/api/v1/shops', { name: '多进程店', channel: 'own', timezone: 'Asia/Shanghai' });
    expect(shop.status, JSON.stringify(shop.body)).toBe(201);
    const key = await a.send('POST', '/api/v1/traffic/keys', { shopId: shop.body.id, allowedOrigins: [] });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const collect = () =>
      fetch(`${single!.base}/api/v1/collect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          key: key.body.key,
          events: [{ type: 'page_view', at: Date.now(), visitorId: 'v1', sessionId: 's1', url: '/' }],
        }),
      }).then((r) => r.status);
    expect(await collect()).toBe(202); // the single server now holds the key in its cache
    expect((await b.send('DELETE', `/api/v1/traffic/keys/${key.body.id as string}`)).status).toBe(204);
    // NOTIFY arrives within milliseconds (the cache would otherwise hold the key for 30 s).
    const refusedAfter = Date.now();
    await waitFor('the single server to refuse the revoked key', async () => ((await collect()) === 403 ? true : undefined), 2_000);
    expect(Date.now() - refusedAfter).toBeLessThan(2_000);
  }, 60_000);

  it('the leader killed: another process takes the timers over', async () => {
    const before = await links();
    const leaderPid = before.leader!;
    process.kill(leaderPid, 'SIGKILL');
    // A killed cluster worker is started again by the primary; a killed single server is not.
    const after = await waitFor(
      'a new leader',
      async () => {
        const l = await links();
        return l.leader !== null && l.leader !== leaderPid ? l : undefined;
      },
      20_000,
    );
    expect(after.pids).not.toContain(leaderPid);
    if (leaderPid !== single!.child.pid) {
      // It was a cluster worker: the primary starts a new one, whose link joins the others.
      const back = await waitFor(
        'the replacement worker',
        async () => {
          const l = await links();
          return l.pids.length === before.pids.length ? l : undefined;
        },
        45_000,
      );
      expect(back.pids).not.toContain(leaderPid);
    }
  }, 60_000);

  it('every link cut by the database (a restart): they reconnect and one of them leads again', async () => {
    const before = await links();
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and application_name like 'yunying-peer-link:%'`.execute(db());
    const after = await waitFor(
      'the links back with a leader',
      async () => {
        const l = await links();
        const fresh = l.backends.every((b) => !before.backends.includes(b));
        return fresh && l.pids.length === before.pids.length && l.leader !== null ? l : undefined;
      },
      20_000,
    );
    expect(after.pids).toEqual(before.pids);
  }, 30_000);
});

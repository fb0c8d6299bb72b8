/**
 * A job worker in its own process for multiprocess.test.ts: takes `mp.probe` jobs from the database
 * at DATABASE_URL with the jobs module's real claim (FOR UPDATE SKIP LOCKED) and records every run
 * in `mp_runs` (created by the test), so a job run twice shows as two rows. Prints "ready" once
 * polling; stops on SIGTERM.
 */
import { sql } from 'kysely';
import { openDatabase } from '../src/db/dialect.js';
import { startJobWorker } from '../src/modules/jobs/index.js';

const database = openDatabase(process.env.DATABASE_URL!, { poolSize: 4 });
const db = database.db;
const worker = startJobWorker(
  db,
  {
    'mp.probe': async (job) => {
      await sql`insert into mp_runs (job_id, pid) values (${job.id}, ${process.pid})`.execute(db);
      // A little work, so the other process has time to reach for the same job.
      await new Promise((r) => setTimeout(r, 3));
      return { pid: process.pid };
    },
  },
  { pollMs: 20, onError: (err) => process.stderr.write(`worker error: ${String(err)}\n`) },
);
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker
    .stop()
    .then(() => database.close())
    .then(() => process.exit(0));
});

/**
 * The daily diagnosis: a timer finds the shops whose yesterday has not been diagnosed and runs
 * each as a job through the jobs module (`runInProcess`: a job row with its outcome, visible in
 * the job list), one shop at a time.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { systemActor } from '../../http/actor.js';
import * as jobs from '../jobs/index.js';
import * as shopsSvc from '../shops/index.js';
import { dueShops, runDiagnosis, shopRef } from './diagnosis.service.js';
import { repeatInBackground, type RepeatOptions } from '../../lib/timer.js';

export const DIAGNOSIS_JOB_TYPE = 'diagnosis.daily';

/** Diagnose every shop that is due (their yesterday not yet run). Returns the runs made. */
export async function runDueDiagnoses(db: Kysely<DB>, now = Date.now()) {
  const orgId = await shopsSvc.firstOrgId(db);
  if (!orgId) return [];
  const shops = (await shopsSvc.listVisible(db, systemActor(orgId, '店铺诊断'))).map((s) =>
    shopRef({ id: s.id, org_id: orgId, name: s.name, timezone: s.timezone, channel: s.channel }),
  );
  const out = [];
  for (const { shop, date } of await dueShops(db, shops, now)) {
    out.push(
      await jobs.runInProcess(db, { orgId, shopId: shop.id, type: DIAGNOSIS_JOB_TYPE, payload: { shopId: shop.id, date } }, () =>
        runDiagnosis(db, shop, date, now),
      ),
    );
  }
  return out;
}

/** Check every `intervalMs` (default 30 min, first check after `firstMs`) for shops due a diagnosis. */
export function startDiagnosisTimer(db: Kysely<DB>, opts: RepeatOptions = {}): { stop(): void } {
  return repeatInBackground(() => runDueDiagnoses(db), opts, { firstMs: 10_000, intervalMs: 30 * 60_000 });
}

/** Reading jobs for the modules that own a job type (order import's 导入记录). */
import type { Page } from '@yunying/core';
import type { Kysely } from 'kysely';
import { canSeeShop, pageOf, scopeToShops, withPage, type PageQuery } from '../../db/kit.js';
import type { DB, JobsTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';

/** A job of this type in the actor's organisation and shops (org-wide jobs included); undefined otherwise. */
export async function findVisibleJob(db: Kysely<DB>, actor: Actor, type: string, id: string): Promise<JobsTable | undefined> {
  const row = await db
    .selectFrom('jobs')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', actor.orgId)
    .where('type', '=', type)
    .executeTakeFirst();
  return row && canSeeShop(actor, row.shop_id, true) ? row : undefined;
}

export interface JobListQuery extends PageQuery {
  type: string;
  shopId?: string | undefined;
}

/** A page of the actor's jobs of one type, newest first. */
export async function listVisibleJobs(db: Kysely<DB>, actor: Actor, q: JobListQuery): Promise<Page<JobsTable>> {
  let base = db.selectFrom('jobs').where('org_id', '=', actor.orgId).where('type', '=', q.type);
  base = scopeToShops(base, actor, 'shop_id');
  if (q.shopId) base = base.where('shop_id', '=', q.shopId);
  const [rows, count] = await Promise.all([
    withPage(base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'), q).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return pageOf(rows, Number(count?.n ?? 0), q);
}

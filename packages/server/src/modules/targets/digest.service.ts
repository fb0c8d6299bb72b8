/**
 * The morning digest (早报, issue 15): what a user needs first thing — their open tasks (overdue and
 * due today first), today's self-checks, each shop's month target against its pace, and the open
 * diagnosis findings with the most money at stake. Computed when asked: the 今日自查 page, where the
 * day starts, shows it. The morning's personal copy in the bell (and by email when opted in) is
 * raised by tasks' digest.notify.ts; see decisions.md.
 */
import { businessDay, type MorningDigest } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { can, type Actor } from '../../http/actor.js';
import * as diagnosis from '../diagnosis/index.js';
import * as shops from '../shops/index.js';
import * as tasks from '../tasks/index.js';
import { board } from './targets.service.js';

export async function morningDigest(db: Kysely<DB>, actor: Actor, now = Date.now()): Promise<MorningDigest> {
  const day = businessDay(now);
  const open = await tasks.openTasksOf(db, actor, actor.userId, 5);
  const dueToday = open.items.filter((t) => t.dueOn === day).length;
  const checks = can(actor, 'tasks.read') ? await tasks.checklistDay(db, actor, day) : null;
  const targets: MorningDigest['targets'] = [];
  if (can(actor, 'analytics.read')) {
    const month = day.slice(0, 7);
    const visible = await shops.listVisible(db, actor);
    const withTarget = await shopsWithTarget(db, actor.orgId, month);
    for (const s of visible.filter((x) => withTarget.has(x.id))) {
      const b = await board(db, actor, { shopId: s.id, month }, now);
      if (!b.target) continue;
      targets.push({
        shopId: s.id,
        shopName: s.name,
        salesFen: b.target.salesFen,
        actualFen: b.status.actualFen,
        expectedFen: b.status.expectedFen,
        ratio: b.status.ratio,
        forecastFen: b.status.forecastFen,
      });
    }
  }
  const findings: MorningDigest['findings'] = [];
  if (can(actor, 'analytics.read')) {
    const page = await diagnosis.listFindings(db, actor, { page: 1, pageSize: 3, status: 'open' });
    for (const f of page.items)
      findings.push({
        id: f.id,
        shopName: f.shopName,
        summary: f.summary,
        moneyAtStakeFen: f.moneyAtStakeFen,
        path: `/diagnosis?finding=${encodeURIComponent(f.id)}`,
      });
  }
  return {
    day,
    tasks: { open: open.total, overdue: open.overdue, dueToday, top: open.items },
    checks: checks ? { done: checks.done, total: checks.total } : null,
    targets,
    findings,
  };
}

/** Shops of the organisation with a target for the month (one query; the board is read only for them). */
async function shopsWithTarget(db: Kysely<DB>, orgId: string, month: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('sales_targets')
    .select('shop_id')
    .where('org_id', '=', orgId)
    .where('kind', '=', 'month')
    .where('name', '=', month)
    .execute();
  return new Set(rows.map((r) => r.shop_id));
}

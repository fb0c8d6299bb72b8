/**
 * Paid visitors by hour of day (budget pacing's curve, ads module): the distinct visitors of each
 * day and hour from the tracker's events whose source is in the paid group (付费流量), summed over
 * the days. The hour is counted from the first day's midnight in the shop's zone (a zone with
 * daylight saving shifts by an hour on the days after a change; the shops' zone, Asia/Shanghai,
 * has none).
 */
import { dayStart } from '@yunying/core';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export async function paidVisitorsByHour(
  db: Kysely<DB>,
  orgId: string,
  shopId: string,
  from: string,
  to: string,
  timezone: string,
): Promise<number[]> {
  const start = dayStart(from, timezone);
  const hour = sql<number>`((${sql.ref('e.at')} - ${sql.lit(start)}) % ${sql.lit(DAY_MS)}) / ${sql.lit(HOUR_MS)}`;
  const rows = await db
    .selectFrom('events as e')
    .innerJoin('traffic_sources as s', (j) => j.onRef('s.code', '=', 'e.source_code').on('s.org_id', '=', orgId))
    .select((eb) => [hour.as('hour'), eb.fn.count<number>('e.visitor_id').distinct().as('uv')])
    .where('e.shop_id', '=', shopId)
    .where('e.day', '>=', from)
    .where('e.day', '<=', to)
    .where('s.group_code', '=', 'paid')
    .groupBy(['e.day', hour])
    .execute();
  const out = Array.from({ length: 24 }, () => 0);
  for (const r of rows) {
    const h = Number(r.hour);
    if (h >= 0 && h < 24) out[h]! += Number(r.uv);
  }
  return out;
}

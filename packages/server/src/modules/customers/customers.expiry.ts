/**
 * Points expiry (积分有效期, issue 11 §4). The organisation's rule (core's `expiryCutoff`: none,
 * 次年年底清零 by default when on, or n months) is applied once a day per shop by
 * `expireShopPoints`: in one transaction it claims the shop's business day in
 * `member_expiry_runs` (a second run that day does nothing), locks the accounts with a balance,
 * and for each computes the points due first-in first-out — earned before the cutoff minus every
 * deduction so far (redemptions, reversals, negative adjustments, earlier expiries), never more
 * than the balance — and writes them as one `expire` ledger row through `applyPoints`, so the
 * balance stays the ledger sum and never goes below zero. Running it again on a later day expires
 * only what became due since: the earlier expiry rows count as deductions.
 *
 * `startPointsExpiryTimer` checks every 30 minutes for shops whose today has not run.
 */
import {
  businessDay,
  dayStart,
  DEFAULT_TIMEZONE,
  expiringPoints,
  expiryCutoff,
  nextExpiryDay,
  addDays,
  type MemberSettings,
} from '@yunying/core';
import { sql, type Kysely } from 'kysely';
import { forUpdate, inChunks } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';
import { systemActor, type Actor } from '../../http/actor.js';
import * as shops from '../shops/index.js';
import { applyPoints, settingsOf } from './customers.members.js';
import { repeatInBackground, type RepeatOptions } from '../../lib/timer.js';

type Db = Kysely<DB>;

/** What a rule says in words (ledger reasons, the member page). */
export function ruleText(s: Pick<MemberSettings, 'pointsExpiry' | 'pointsExpiryN'>): string {
  if (s.pointsExpiry === 'none') return '积分永久有效';
  if (s.pointsExpiry === 'years') return s.pointsExpiryN === 1 ? '次年年底清零' : `获得后第 ${s.pointsExpiryN} 年年底清零`;
  return `获得后 ${s.pointsExpiryN} 个月到期`;
}

/** Per customer: points earned (credits) before an instant, and every deduction so far. */
async function creditsAndDebits(db: Db, customerIds: readonly string[], beforeAt: number) {
  const rows = await inChunks([...customerIds], (chunk) =>
    db
      .selectFrom('member_points')
      .select([
        'customer_id',
        sql<number | string>`sum(case when points > 0 and created_at < ${beforeAt} then points else 0 end)`.as('earned'),
        sql<number | string>`sum(case when points < 0 then -points else 0 end)`.as('deducted'),
      ])
      .where('customer_id', 'in', chunk)
      .groupBy('customer_id')
      .execute(),
  );
  return new Map(rows.map((r) => [r.customer_id, { earned: Number(r.earned), deducted: Number(r.deducted) }]));
}

export interface ExpiryRun {
  shopId: string;
  day: string;
  ran: boolean;
  customers: number;
  points: number;
}

/** Expire a shop's due points as of its business day `day` (once per shop and day). */
export async function expireShopPoints(db: Db, shop: { id: string; orgId: string; timezone: string }, day: string): Promise<ExpiryRun> {
  const none = { shopId: shop.id, day, ran: false, customers: 0, points: 0 };
  const s = await settingsOf(db, shop.orgId);
  const cutoff = expiryCutoff({ mode: s.pointsExpiry, n: s.pointsExpiryN }, day);
  if (cutoff === null) return none;
  const cutoffAt = dayStart(cutoff, shop.timezone || DEFAULT_TIMEZONE);
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('member_expiry_runs')
      .values({ shop_id: shop.id, day, org_id: shop.orgId, customers: 0, points: 0, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['shop_id', 'day']).doNothing())
      .returning('shop_id')
      .executeTakeFirst();
    if (!claimed) return none;
    const accounts = await forUpdate(
      trx,
      trx
        .selectFrom('member_accounts')
        .select(['customer_id', 'balance'])
        .where('shop_id', '=', shop.id)
        .where('balance', '>', 0)
        .orderBy('customer_id'),
    ).execute();
    const sums = await creditsAndDebits(
      trx,
      accounts.map((a) => a.customer_id),
      cutoffAt,
    );
    let customers = 0;
    let points = 0;
    const reason = `积分到期（${ruleText(s)}）：${cutoff} 之前获得、尚未使用的积分`;
    for (const a of accounts) {
      const f = sums.get(a.customer_id);
      if (!f) continue;
      const due = expiringPoints({ earnedBeforeCutoff: f.earned, deducted: f.deducted, balance: Number(a.balance) });
      if (due <= 0) continue;
      await applyPoints(trx, { orgId: shop.orgId, shopId: shop.id, customerId: a.customer_id }, -due, { kind: 'expire', reason });
      customers++;
      points += due;
    }
    await trx.updateTable('member_expiry_runs').set({ customers, points }).where('shop_id', '=', shop.id).where('day', '=', day).execute();
    return { shopId: shop.id, day, ran: true, customers, points };
  });
}

/** Run the expiry for every shop whose business day today has not run yet. */
export async function runDueExpiries(db: Db, now = Date.now()): Promise<ExpiryRun[]> {
  const orgId = await shops.firstOrgId(db);
  if (!orgId) return [];
  const s = await settingsOf(db, orgId);
  if (s.pointsExpiry === 'none') return [];
  const out: ExpiryRun[] = [];
  for (const shop of await shops.listVisible(db, systemActor(orgId, '积分到期'))) {
    const day = businessDay(now, shop.timezone || DEFAULT_TIMEZONE);
    const done = await db
      .selectFrom('member_expiry_runs')
      .select('day')
      .where('shop_id', '=', shop.id)
      .where('day', '=', day)
      .executeTakeFirst();
    if (done) continue;
    out.push(await expireShopPoints(db, { id: shop.id, orgId, timezone: shop.timezone }, day));
  }
  return out;
}

/** Run today's expiry now for the shops an actor sees (each at most once a day). */
export async function expireVisibleShops(db: Db, actor: Actor, now = Date.now()): Promise<{ runs: ExpiryRun[] }> {
  const runs: ExpiryRun[] = [];
  for (const shop of await shops.listVisible(db, actor))
    runs.push(
      await expireShopPoints(
        db,
        { id: shop.id, orgId: actor.orgId, timezone: shop.timezone },
        businessDay(now, shop.timezone || DEFAULT_TIMEZONE),
      ),
    );
  return { runs };
}

/** Check every `intervalMs` (default 30 min, first after `firstMs`) for shops due their daily expiry. */
export function startPointsExpiryTimer(db: Db, opts: RepeatOptions = {}): { stop(): void } {
  return repeatInBackground(() => runDueExpiries(db), opts, { firstMs: 20_000, intervalMs: 30 * 60_000 });
}

/**
 * A member's expiry outlook as of a day: the rule in words and the points that will have expired
 * by the next expiry day (the end of this year, or within 30 days for month rules) unless used.
 */
export async function expiryOutlook(
  db: Db,
  orgId: string,
  group: readonly string[],
  balance: number,
  asOf: string,
  timezone: string,
): Promise<{ rule: string; mode: MemberSettings['pointsExpiry']; n: number; nextDay: string | null; expiringPoints: number }> {
  const s = await settingsOf(db, orgId);
  const rule = { mode: s.pointsExpiry, n: s.pointsExpiryN };
  const nextDay = nextExpiryDay(rule, asOf);
  const base = { rule: ruleText(s), mode: s.pointsExpiry, n: s.pointsExpiryN, nextDay, expiringPoints: 0 };
  if (nextDay === null || balance <= 0) return base;
  const cutoff = expiryCutoff(rule, addDays(nextDay, 1))!;
  const sums = await creditsAndDebits(db, group, dayStart(cutoff, timezone || DEFAULT_TIMEZONE));
  let earned = 0;
  let deducted = 0;
  for (const v of sums.values()) {
    earned += v.earned;
    deducted += v.deducted;
  }
  return { ...base, expiringPoints: expiringPoints({ earnedBeforeCutoff: earned, deducted, balance }) };
}

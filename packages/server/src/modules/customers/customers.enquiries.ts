/**
 * 咨询用户 (issue 11 §1, issue 14 §2): buyers who talked to customer service. The service module
 * owns the conversations; `enquiriesByCustomer()` (its index.ts) gives the count and the latest day
 * per buyer nick of a shop. Each such nick is a customer of the shop under the same identity as
 * its orders (`nick:<nick>`), so one who enquired and never paid gets a customer row with zero
 * figures, and the lifecycle type 咨询 (core's `lifecycleOf` with `hasEnquiries`). When the buyer
 * later pays, the order lands on the same row and the type becomes 购买.
 *
 * Kept current two ways: the chat import calls `syncEnquiries` (through index.ts) after it wrote
 * its rows, and a whole-shop rebuild (`rebuildShop`, e.g. after the demo load) applies the same
 * facts in memory through `applyEnquiries`.
 */
import { newId } from '@yunying/core';
import type { Kysely } from 'kysely';
import { inChunks, insertBatched } from '../../db/kit.js';
import type { CustomersTable, DB } from '../../db/schema.js';
import * as service from '../service/index.js';
import * as shops from '../shops/index.js';
import { refreshShops } from './customers.sync.js';

export type EnquiryFacts = Map<string, { enquiries: number; lastDay: string }>;

/** The identity key of an enquiring buyer nick (the same as an order's `nick:<nick>`). */
export function enquiryKey(nick: string): string {
  return `nick:${nick.trim()}`.slice(0, 200);
}

/** The service module's enquiries per buyer nick of a shop, keyed by customer identity. */
export async function enquiryFacts(db: Kysely<DB>, shopId: string): Promise<EnquiryFacts> {
  const out: EnquiryFacts = new Map();
  for (const [nick, e] of await service.enquiriesByCustomer(db, shopId)) {
    if (!nick.trim()) continue;
    const key = enquiryKey(nick);
    const prev = out.get(key);
    out.set(key, prev ? { enquiries: prev.enquiries + e.enquiries, lastDay: prev.lastDay > e.lastDay ? prev.lastDay : e.lastDay } : e);
  }
  return out;
}

/** A customer row for a buyer who has only enquired so far. */
export function enquirerRow(shop: { id: string; orgId: string; channel: string }, key: string, now: number): CustomersTable {
  return {
    id: newId('cus'),
    org_id: shop.orgId,
    shop_id: shop.id,
    identity_key: key,
    channel: shop.channel,
    nick: key.slice('nick:'.length, 'nick:'.length + 100),
    name: '',
    phone: '',
    email: '',
    note: '',
    merged_into: null,
    order_count: 0,
    paid_orders: 0,
    paid_fen: 0,
    refund_fen: 0,
    first_paid_at: null,
    last_paid_at: null,
    first_paid_day: null,
    last_paid_day: null,
    cycle_days: null,
    created_at: now,
    updated_at: now,
    enquiries: 0,
    last_enquiry_day: null,
  };
}

/**
 * Apply the enquiry facts to a shop's customers held in memory (a rebuild): every customer gets
 * its count (0 when none), and nicks without a customer get a new row (returned) when the shop is
 * known.
 */
export function applyEnquiries(
  byKey: Map<string, CustomersTable>,
  facts: EnquiryFacts,
  shop: { id: string; orgId: string; channel: string } | null,
  now: number,
): CustomersTable[] {
  const created: CustomersTable[] = [];
  for (const c of byKey.values()) {
    c.enquiries = 0;
    c.last_enquiry_day = null;
  }
  for (const [key, e] of facts) {
    let c = byKey.get(key);
    if (!c) {
      if (!shop) continue;
      c = enquirerRow(shop, key, now);
      byKey.set(key, c);
      created.push(c);
    }
    c.enquiries = e.enquiries;
    c.last_enquiry_day = e.lastDay;
  }
  return created;
}

/** The shop's organisation and channel (for new enquirer rows). */
export async function shopOf(db: Kysely<DB>, orgId: string, shopId: string): Promise<{ id: string; orgId: string; channel: string }> {
  const s = await shops.findByIdOrName(db, orgId, shopId);
  return { id: s.id, orgId: s.org_id, channel: s.channel };
}

/**
 * Bring a shop's 咨询 facts up to date with its service conversations (after a chat import):
 * new customer rows for nicks never seen, counts and latest day on the others (set to 0 where the
 * conversations are gone). Updates are grouped by value, so a large import costs a few statements.
 */
export async function syncEnquiries(db: Kysely<DB>, orgId: string, shopId: string): Promise<{ created: number; updated: number }> {
  await refreshShops(db, [shopId]); // a pending whole-shop rebuild first (it applies the same facts)
  const shop = await shopOf(db, orgId, shopId);
  const facts = await enquiryFacts(db, shopId);
  const known = await inChunks([...facts.keys()], (chunk) =>
    db
      .selectFrom('customers')
      .select(['id', 'identity_key', 'enquiries', 'last_enquiry_day'])
      .where('shop_id', '=', shopId)
      .where('identity_key', 'in', chunk)
      .execute(),
  );
  const stale = await db
    .selectFrom('customers')
    .select(['id', 'identity_key', 'enquiries', 'last_enquiry_day'])
    .where('shop_id', '=', shopId)
    .where('enquiries', '>', 0)
    .execute();
  const byKey = new Map([...stale, ...known].map((c) => [c.identity_key, c]));
  const now = Date.now();
  const created: CustomersTable[] = [];
  const groups = new Map<string, { enquiries: number; lastDay: string | null; ids: string[] }>();
  const setTo = (id: string, enquiries: number, lastDay: string | null) => {
    const k = `${enquiries}\u0000${lastDay ?? ''}`;
    const g = groups.get(k) ?? { enquiries, lastDay, ids: [] };
    g.ids.push(id);
    groups.set(k, g);
  };
  for (const [key, e] of facts) {
    const c = byKey.get(key);
    if (!c) {
      created.push({ ...enquirerRow(shop, key, now), enquiries: e.enquiries, last_enquiry_day: e.lastDay });
      continue;
    }
    if (Number(c.enquiries) !== e.enquiries || c.last_enquiry_day !== e.lastDay) setTo(c.id, e.enquiries, e.lastDay);
  }
  for (const c of stale) if (!facts.has(c.identity_key)) setTo(c.id, 0, null);
  let updated = 0;
  await db.transaction().execute(async (trx) => {
    await insertBatched(trx, 'customers', created);
    for (const g of groups.values())
      await inChunks(g.ids, async (chunk) => {
        await trx.updateTable('customers').set({ enquiries: g.enquiries, last_enquiry_day: g.lastDay }).where('id', 'in', chunk).execute();
        updated += chunk.length;
        return [];
      });
  });
  return { created: created.length, updated };
}

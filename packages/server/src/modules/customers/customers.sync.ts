/**
 * Customers built from orders, kept current like the rollups.
 *
 * Freshness: the orders module calls `markOrdersDirty` (through index.ts) in the transaction that
 * changes an order — creation, payment, cancellation, refund, import — so a mark is never lost;
 * bulk writers (the demo) call `markShopDirty`, which asks for a rebuild of the whole shop. Every
 * customer read first runs `refreshShops` for the shops it reads: marked orders are re-read and
 * their customers' figures recomputed; a whole-shop mark rebuilds the shop set-based.
 *
 * A mark carries a random `mark`; re-marking replaces it, and a refresh deletes only the marks
 * whose value it read, in the transaction that writes the result — a change committed meanwhile
 * keeps its mark for the next refresh.
 *
 * Identity within a shop: the platform buyer nick (`nick:<nick>`); an order without a nick is
 * matched by the receiver's phone to a customer of the shop with that phone, else becomes
 * `phone:<phone>`; an order with neither has no customer. Phones masked by the platform
 * (138****5678) never identify anyone.
 */
import { newId, purchaseCycle, REPLACEMENT_SOURCE } from '@yunying/core';
import { sql, type Kysely, type Transaction } from 'kysely';
import { analyzeIfBehind, bulkInsert, inChunks, insertBatched, isPostgres, keysetAfter, withAdvisoryLock } from '../../db/kit.js';
import type { CustomersTable, CustomerOrdersTable, DB } from '../../db/schema.js';
import { applyEnquiries, enquiryFacts, shopOf } from './customers.enquiries.js';
import { settleOrders, settleShop } from './customers.members.js';

type Db = Kysely<DB> | Transaction<DB>;
const WHOLE_SHOP = '*';
/** Marked orders handled per refresh round. */
const ROUND = 5000;
/** Orders read per page during a whole-shop rebuild. */
const PAGE = 20_000;
/**
 * Marks from which a refresh rebuilds the whole shop instead of re-reading the marked orders in
 * rounds, when they are also at least a quarter of the shop's orders (a large import into a young
 * shop): the rebuild costs about a tenth of the rounds per order (100,000 imported orders: 47 s of
 * rounds, 5 s rebuilt, bench `import --customers`).
 */
const REBUILD_MARKS = 20_000;
/** From this many marks cleared at once, make sure PostgreSQL's statistics know the table holds them. */
const CLEAR_ANALYZE_MARKS = 20_000;

let marking = true;
/** Benchmarks only (bench/import-child.ts): switch the marking off to measure what it costs an import. */
export function setMarking(on: boolean): void {
  marking = on;
}

/** Mark orders of a shop for the customers module (call inside the transaction that changes them). */
export async function markOrdersDirty(db: Db, shopId: string, orderIds: readonly string[]): Promise<void> {
  if (!marking) return;
  const ids = [...new Set(orderIds.filter(Boolean))];
  if (!ids.length) return;
  const now = Date.now();
  const mark = newId('cmk');
  for (let i = 0; i < ids.length; i += 2000) {
    await db
      .insertInto('customer_dirty')
      .values(ids.slice(i, i + 2000).map((order_id) => ({ shop_id: shopId, order_id, mark, marked_at: now })))
      .onConflict((oc) => oc.columns(['shop_id', 'order_id']).doUpdateSet({ mark, marked_at: now }))
      .execute();
  }
}

/** Ask for a rebuild of a shop's customers from all its orders (after bulk loads and removals). */
export async function markShopDirty(db: Db, shopId: string): Promise<void> {
  await markOrdersDirty(db, shopId, [WHOLE_SHOP]);
}

/** A phone that may identify a buyer: digits (and + -), no platform mask. */
export function usablePhone(raw: string | null | undefined): string {
  const p = (raw ?? '').replace(/[\s-]/g, '');
  return /^\+?\d{5,20}$/.test(p) ? p : '';
}

interface OrderFact {
  id: string;
  org_id: string;
  shop_id: string;
  channel: string;
  order_no: string;
  status: string;
  buyer_nick: string;
  receiver_name: string;
  receiver_phone: string;
  paid_fen: number;
  refund_fen: number;
  paid_day: string | null;
  paid_at: number | null;
  ordered_at: number;
}

function selectFacts(db: Db) {
  return db
    .selectFrom('orders')
    .select([
      'id',
      'org_id',
      'shop_id',
      'channel',
      'order_no',
      'status',
      'buyer_nick',
      'receiver_name',
      'receiver_phone',
      'paid_fen',
      'refund_fen',
      'paid_day',
      'paid_at',
      'ordered_at',
    ])
    .where('source', '!=', REPLACEMENT_SOURCE);
}

function factRow(o: OrderFact, customerId: string): CustomerOrdersTable {
  const paid = o.paid_day !== null && o.status !== 'cancelled' ? 1 : 0;
  return {
    order_id: o.id,
    customer_id: customerId,
    shop_id: o.shop_id,
    order_no: o.order_no,
    channel: o.channel,
    status: o.status,
    paid,
    paid_day: o.paid_day,
    paid_at: o.paid_at === null ? null : Number(o.paid_at),
    paid_fen: Number(o.paid_fen),
    refund_fen: Number(o.refund_fen),
    ordered_at: Number(o.ordered_at),
  };
}

type Figures = Pick<
  CustomersTable,
  | 'order_count'
  | 'paid_orders'
  | 'paid_fen'
  | 'refund_fen'
  | 'first_paid_at'
  | 'last_paid_at'
  | 'first_paid_day'
  | 'last_paid_day'
  | 'cycle_days'
>;

/** A customer's figures from their orders (and those of the customers merged into them). */
export function figuresOf(
  orders: readonly Pick<CustomerOrdersTable, 'paid' | 'paid_day' | 'paid_at' | 'paid_fen' | 'refund_fen'>[],
): Figures {
  const f: Figures = {
    order_count: orders.length,
    paid_orders: 0,
    paid_fen: 0,
    refund_fen: 0,
    first_paid_at: null,
    last_paid_at: null,
    first_paid_day: null,
    last_paid_day: null,
    cycle_days: null,
  };
  const days: string[] = [];
  for (const o of orders) {
    if (!Number(o.paid) || o.paid_day === null) continue;
    f.paid_orders++;
    f.paid_fen += Number(o.paid_fen);
    f.refund_fen += Number(o.refund_fen);
    const at = o.paid_at === null ? null : Number(o.paid_at);
    if (at !== null && (f.first_paid_at === null || at < f.first_paid_at)) f.first_paid_at = at;
    if (at !== null && (f.last_paid_at === null || at > f.last_paid_at)) f.last_paid_at = at;
    if (f.first_paid_day === null || o.paid_day < f.first_paid_day) f.first_paid_day = o.paid_day;
    if (f.last_paid_day === null || o.paid_day > f.last_paid_day) f.last_paid_day = o.paid_day;
    days.push(o.paid_day);
  }
  f.cycle_days = days.length > 1 ? purchaseCycle(days, null) : null;
  return f;
}

/** Identity of an order's buyer within its shop, or null (no nick, no usable phone). */
function identityOf(o: OrderFact, phoneOwner: (phone: string) => string | undefined): { key: string } | { customerId: string } | null {
  const nick = o.buyer_nick.trim();
  if (nick) return { key: `nick:${nick}` };
  const phone = usablePhone(o.receiver_phone);
  if (!phone) return null;
  const owner = phoneOwner(phone);
  return owner ? { customerId: owner } : { key: `phone:${phone}` };
}

function newCustomer(o: OrderFact, key: string, now: number): CustomersTable {
  return {
    id: newId('cus'),
    org_id: o.org_id,
    shop_id: o.shop_id,
    identity_key: key.slice(0, 200),
    channel: o.channel,
    nick: o.buyer_nick.trim().slice(0, 100),
    name: o.receiver_name.slice(0, 100),
    phone: usablePhone(o.receiver_phone),
    email: '',
    note: '',
    merged_into: null,
    ...figuresOf([]),
    created_at: now,
    updated_at: now,
    enquiries: 0,
    last_enquiry_day: null,
  };
}

/** Latest contact details (name, phone) of a customer from its newest order with them. */
function contactFrom(c: CustomersTable, orders: readonly OrderFact[]): void {
  let best: OrderFact | null = null;
  for (const o of orders) if (!best || Number(o.ordered_at) > Number(best.ordered_at)) best = o;
  if (!best) return;
  if (best.receiver_name) c.name = best.receiver_name.slice(0, 100);
  const phone = usablePhone(best.receiver_phone);
  if (phone) c.phone = phone;
}

const inFlight = new Map<string, Promise<void>>();
/** Advisory lock space of a shop's customer refresh ("YYCR"). */
const REFRESH_LOCK_SPACE = 0x59594352;

/** Bring the customers of these shops (all with marks when omitted) up to date with their orders. */
export async function refreshShops(db: Kysely<DB>, shopIds?: readonly string[] | null): Promise<void> {
  let q = db.selectFrom('customer_dirty').select('shop_id').distinct();
  if (shopIds) {
    if (!shopIds.length) return;
    q = q.where('shop_id', 'in', [...shopIds]);
  }
  const shops = (await q.execute()).map((r) => r.shop_id);
  for (const shopId of shops) {
    const running = inFlight.get(shopId);
    if (running) {
      await running;
      continue;
    }
    // In this process one refresh per shop at a time (the map); across the server processes of one
    // PostgreSQL database, one at a time too (an advisory lock): two processes applying the same
    // marks at once would both write the shop's customers and settle its points.
    const p = withAdvisoryLock(db, REFRESH_LOCK_SPACE, shopId, () => refreshShop(db, shopId)).finally(() => inFlight.delete(shopId));
    inFlight.set(shopId, p);
    await p;
  }
}

async function refreshShop(db: Kysely<DB>, shopId: string): Promise<void> {
  if (await manyMarks(db, shopId)) await rebuildShop(db, shopId);
  for (;;) {
    const whole = await db
      .selectFrom('customer_dirty')
      .select(['order_id', 'mark'])
      .where('shop_id', '=', shopId)
      .where('order_id', '=', WHOLE_SHOP)
      .executeTakeFirst();
    if (whole) {
      await rebuildShop(db, shopId, whole.mark);
      continue;
    }
    const marks = await db
      .selectFrom('customer_dirty')
      .select(['order_id', 'mark'])
      .where('shop_id', '=', shopId)
      .orderBy('order_id')
      .limit(ROUND)
      .execute();
    if (!marks.length) return;
    await refreshOrders(db, shopId, marks);
  }
}

/** Whether a shop's marks call for a whole-shop rebuild (REBUILD_MARKS). */
async function manyMarks(db: Kysely<DB>, shopId: string): Promise<boolean> {
  const count = async (table: 'customer_dirty' | 'customer_orders') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('shop_id', '=', shopId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const marks = await count('customer_dirty');
  return marks >= REBUILD_MARKS && marks * 4 >= (await count('customer_orders'));
}

/** Delete the marks read (only those not re-marked since). */
async function clearMarks(trx: Transaction<DB>, shopId: string, marks: readonly { order_id: string; mark: string }[]): Promise<void> {
  // After a large import the marks table's statistics may still say it is empty, and each chunk's
  // delete would then scan every mark: a refresh after a 1M-line import spent most of its time there.
  if (marks.length >= CLEAR_ANALYZE_MARKS) await analyzeIfBehind(trx, 'customer_dirty', marks.length);
  const byMark = new Map<string, string[]>();
  for (const m of marks) {
    const ids = byMark.get(m.mark);
    if (ids) ids.push(m.order_id);
    else byMark.set(m.mark, [m.order_id]);
  }
  for (const [mark, ids] of byMark)
    await inChunks(ids, async (chunk) => {
      await trx
        .deleteFrom('customer_dirty')
        .where('shop_id', '=', shopId)
        .where('mark', '=', mark)
        .where('order_id', 'in', chunk)
        .execute();
      return [];
    });
}

/** Re-read some marked orders of a shop and recompute the customers they touch. */
async function refreshOrders(db: Kysely<DB>, shopId: string, marks: readonly { order_id: string; mark: string }[]): Promise<void> {
  const ids = marks.map((m) => m.order_id);
  const orders = (await inChunks(ids, (chunk) => selectFacts(db).where('id', 'in', chunk).execute())) as OrderFact[];
  const previous = await inChunks(ids, (chunk) =>
    db.selectFrom('customer_orders').select(['order_id', 'customer_id']).where('order_id', 'in', chunk).execute(),
  );
  const keys = new Set<string>();
  const phones = new Set<string>();
  for (const o of orders) {
    const nick = o.buyer_nick.trim();
    if (nick) keys.add(`nick:${nick}`);
    else if (usablePhone(o.receiver_phone)) phones.add(usablePhone(o.receiver_phone));
  }
  for (const p of phones) keys.add(`phone:${p}`);
  const known = await inChunks([...keys], (chunk) =>
    db.selectFrom('customers').selectAll().where('shop_id', '=', shopId).where('identity_key', 'in', chunk).execute(),
  );
  const byPhone = await inChunks([...phones], (chunk) =>
    db
      .selectFrom('customers')
      .select(['id', 'phone'])
      .where('shop_id', '=', shopId)
      .where('phone', 'in', chunk)
      .orderBy('created_at')
      .execute(),
  );
  const byKey = new Map(known.map((c) => [c.identity_key, c]));
  const phoneOwner = new Map<string, string>();
  for (const c of byPhone) if (!phoneOwner.has(c.phone)) phoneOwner.set(c.phone, c.id);

  const now = Date.now();
  const created: CustomersTable[] = [];
  const facts: CustomerOrdersTable[] = [];
  const ordersOf = new Map<string, OrderFact[]>();
  for (const o of orders) {
    const who = identityOf(o, (p) => phoneOwner.get(p));
    if (!who) continue;
    let customerId: string;
    if ('customerId' in who) customerId = who.customerId;
    else {
      let c = byKey.get(who.key);
      if (!c) {
        c = newCustomer(o, who.key, now);
        byKey.set(who.key, c);
        created.push(c);
        if (c.phone && !phoneOwner.has(c.phone)) phoneOwner.set(c.phone, c.id);
      }
      customerId = c.id;
    }
    facts.push(factRow(o, customerId));
    const list = ordersOf.get(customerId);
    if (list) list.push(o);
    else ordersOf.set(customerId, [o]);
  }
  const touched = new Set<string>([...previous.map((p) => p.customer_id), ...ordersOf.keys()]);

  await db.transaction().execute(async (trx) => {
    await insertBatched(trx, 'customers', created);
    await inChunks(ids, async (chunk) => {
      await trx.deleteFrom('customer_orders').where('order_id', 'in', chunk).execute();
      return [];
    });
    await insertBatched(trx, 'customer_orders', facts);
    const byId = new Map([...byKey.values()].map((c) => [c.id, c]));
    const contacts: { id: string; name: string; phone: string }[] = [];
    for (const [customerId, os] of ordersOf) {
      const c = byId.get(customerId);
      if (!c) continue;
      const before = { name: c.name, phone: c.phone };
      contactFrom(c, os);
      if (before.name !== c.name || before.phone !== c.phone) contacts.push({ id: c.id, name: c.name, phone: c.phone });
    }
    await updateCustomers(
      trx,
      [
        ['name', 'varchar(100)'],
        ['phone', 'varchar(40)'],
      ],
      contacts,
    );
    await recomputeFigures(trx, [...touched]);
    await settleOrders(trx, ids);
    await clearMarks(trx, shopId, marks);
  });
}

/**
 * Recompute the stored figures of these customers and of the customers they are merged into:
 * a standalone or source customer from its own orders, a merge target from its own and its
 * members' orders.
 */
export async function recomputeFigures(trx: Transaction<DB>, customerIds: readonly string[]): Promise<void> {
  if (!customerIds.length) return;
  const rows = await inChunks([...customerIds], (chunk) =>
    trx.selectFrom('customers').select(['id', 'merged_into']).where('id', 'in', chunk).execute(),
  );
  const targets = new Set<string>();
  const all = new Set<string>();
  for (const r of rows) {
    all.add(r.id);
    targets.add(r.merged_into ?? r.id);
    if (r.merged_into) all.add(r.merged_into);
  }
  const members = await inChunks([...targets], (chunk) =>
    trx.selectFrom('customers').select(['id', 'merged_into']).where('merged_into', 'in', chunk).execute(),
  );
  const groupOf = new Map<string, string[]>(); // target → ids whose orders count for it
  for (const t of targets) groupOf.set(t, [t]);
  for (const m of members) {
    groupOf.get(m.merged_into!)!.push(m.id);
    all.add(m.id);
  }
  const facts = await inChunks([...all], (chunk) =>
    trx
      .selectFrom('customer_orders')
      .select(['customer_id', 'paid', 'paid_day', 'paid_at', 'paid_fen', 'refund_fen'])
      .where('customer_id', 'in', chunk)
      .execute(),
  );
  const ordersOf = new Map<string, typeof facts>();
  for (const f of facts) {
    const list = ordersOf.get(f.customer_id);
    if (list) list.push(f);
    else ordersOf.set(f.customer_id, [f]);
  }
  const now = Date.now();
  const updates: FigureUpdate[] = [];
  for (const id of all) {
    const ids = groupOf.get(id) ?? [id];
    updates.push({ id, ...figuresOf(ids.flatMap((x) => ordersOf.get(x) ?? [])), updated_at: now });
  }
  await updateCustomers(trx, FIGURE_COLUMNS, updates);
}

type FigureUpdate = Figures & { id: string; updated_at: number };
/** The figure columns with the SQL type each value is cast to (PostgreSQL types a bare parameter as text). */
const FIGURE_COLUMNS = [
  ['order_count', 'integer'],
  ['paid_orders', 'integer'],
  ['paid_fen', 'bigint'],
  ['refund_fen', 'bigint'],
  ['first_paid_at', 'bigint'],
  ['last_paid_at', 'bigint'],
  ['first_paid_day', 'varchar(10)'],
  ['last_paid_day', 'varchar(10)'],
  ['cycle_days', 'integer'],
  ['updated_at', 'bigint'],
] as const satisfies readonly (readonly [keyof FigureUpdate, string])[];
/** Rows per batched customers UPDATE (at most 11 parameters a row). */
const UPDATE_ROWS = 1000;

/**
 * Update some columns of many customers, a thousand per statement (`WITH v AS (VALUES …) UPDATE …
 * FROM v`, on both dialects) instead of one UPDATE per customer.
 */
async function updateCustomers<K extends string>(
  trx: Transaction<DB>,
  columns: readonly (readonly [K, string])[],
  rows: readonly ({ id: string } & Record<K, string | number | null>)[],
): Promise<void> {
  const cols = sql.join(columns.map(([c]) => sql.ref(c)));
  const set = sql.join(columns.map(([c]) => sql`${sql.ref(c)} = ${sql.ref(`v.${c}`)}`));
  for (let i = 0; i < rows.length; i += UPDATE_ROWS) {
    const values = sql.join(
      rows
        .slice(i, i + UPDATE_ROWS)
        .map((r) => sql`(cast(${r.id} as varchar(40)), ${sql.join(columns.map(([c, t]) => sql`cast(${r[c]} as ${sql.raw(t)})`))})`),
    );
    await sql`with v (id, ${cols}) as (values ${values}) update customers set ${set} from v where customers.id = v.id`.execute(trx);
  }
}

/**
 * Rebuild a shop's customers from all its orders: orders are read in pages, identities resolved
 * in memory (existing customers keep their ids, notes, tags and merges), the service module's
 * enquiries applied (咨询, customers.enquiries.ts), then one transaction writes what differs from
 * the stored rows: new and changed customers and order facts upserted, vanished ones deleted,
 * unchanged rows left alone (a rebuild over current customers writes next to nothing).
 * Customers whose orders are all gone remain with zero figures when they carry a note, email,
 * tag, merge or enquiry; others are removed.
 */
export async function rebuildShop(db: Kysely<DB>, shopId: string, mark?: string): Promise<Rebuilt> {
  return withRebuildSettings(db, () => rebuild(db, shopId, mark));
}

/** What a rebuild found (customers, order facts) and wrote (rows upserted, rows removed). */
export interface Rebuilt {
  customers: number;
  orders: number;
  written: { customers: number; orders: number; removed: number };
}

async function rebuild(db: Kysely<DB>, shopId: string, mark?: string): Promise<Rebuilt> {
  const existing = await db.selectFrom('customers').selectAll().where('shop_id', '=', shopId).execute();
  const stored = new Map(existing.map((c) => [c.id, c]));
  const byKey = new Map(existing.map((c) => [c.identity_key, { ...c }]));
  const byId = new Map([...byKey.values()].map((c) => [c.id, c]));
  const phoneOwner = new Map<string, string>();
  for (const c of [...existing].sort((a, b) => Number(a.created_at) - Number(b.created_at)))
    if (c.phone && !phoneOwner.has(c.phone)) phoneOwner.set(c.phone, c.id);
  const marks = await db.selectFrom('customer_dirty').select(['order_id', 'mark']).where('shop_id', '=', shopId).execute();

  const now = Date.now();
  const facts: CustomerOrdersTable[] = [];
  const newest = new Map<string, OrderFact>();
  // The shop's orders, read in pages along the (shop_id, ordered_at, id) index — a page by id alone
  // had no index to walk and sorted the whole shop once per page (quadratic: 1M orders in two shops
  // took 443 s) — then taken in id order (the order they were written), as identities resolve.
  const all: OrderFact[] = [];
  let cursor: [number, string] | null = null;
  for (;;) {
    let q = selectFacts(db).where('shop_id', '=', shopId);
    if (cursor) q = q.where(keysetAfter(['ordered_at', 'id'], cursor));
    const page = (await q.orderBy('ordered_at').orderBy('id').limit(PAGE).execute()) as OrderFact[];
    for (const o of page) all.push(o);
    if (page.length < PAGE) break;
    const last = page[page.length - 1]!;
    cursor = [Number(last.ordered_at), last.id];
  }
  all.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const facts0OrgId = all[0]?.org_id;
  for (const o of all) {
    const who = identityOf(o, (p) => phoneOwner.get(p));
    if (!who) continue;
    let customerId: string;
    if ('customerId' in who) customerId = who.customerId;
    else {
      let c = byKey.get(who.key);
      if (!c) {
        c = newCustomer(o, who.key, now);
        byKey.set(who.key, c);
        byId.set(c.id, c);
        if (c.phone && !phoneOwner.has(c.phone)) phoneOwner.set(c.phone, c.id);
      }
      customerId = c.id;
    }
    facts.push(factRow(o, customerId));
    const n = newest.get(customerId);
    if (!n || Number(o.ordered_at) > Number(n.ordered_at)) newest.set(customerId, o);
  }
  all.length = 0;
  // 咨询: buyers who enquired (the service module's conversations), with or without orders.
  const orgId = existing[0]?.org_id ?? facts0OrgId;
  const enquirers = applyEnquiries(byKey, await enquiryFacts(db, shopId), orgId ? await shopOf(db, orgId, shopId) : null, now);
  for (const c of enquirers) byId.set(c.id, c);

  // Figures: own orders per customer; merge targets in this shop also count their members'
  // orders (members in other shops are read from their stored facts).
  const ordersOf = new Map<string, CustomerOrdersTable[]>();
  for (const f of facts) {
    const list = ordersOf.get(f.customer_id);
    if (list) list.push(f);
    else ordersOf.set(f.customer_id, [f]);
  }
  const tagged = new Set(
    (
      await inChunks(
        existing.map((c) => c.id),
        (chunk) => db.selectFrom('customer_tags').select('customer_id').where('customer_id', 'in', chunk).execute(),
      )
    ).map((t) => t.customer_id),
  );
  const merged = await db
    .selectFrom('customers')
    .select(['id', 'merged_into'])
    .where('merged_into', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('shop_id', '=', shopId),
        eb('merged_into', 'in', eb.selectFrom('customers as t').select('t.id').where('t.shop_id', '=', shopId)),
      ]),
    )
    .execute();
  const mergeParties = new Set(merged.flatMap((m) => [m.id, m.merged_into!]));
  const keep: CustomersTable[] = [];
  const upserts: CustomersTable[] = [];
  for (const c of byId.values()) {
    const own = ordersOf.get(c.id);
    const isMergeParty = mergeParties.has(c.id);
    if (!own && !c.note && !c.email && !tagged.has(c.id) && !isMergeParty && !Number(c.enquiries)) continue;
    const latest = newest.get(c.id);
    if (latest) {
      if (latest.receiver_name) c.name = latest.receiver_name.slice(0, 100);
      const phone = usablePhone(latest.receiver_phone);
      if (phone) c.phone = phone;
    }
    Object.assign(c, figuresOf(own ?? []));
    keep.push(c);
    const before = stored.get(c.id);
    if (!before || !sameRow(before, c, CUSTOMER_COLUMNS)) {
      c.updated_at = now;
      upserts.push(c);
    }
  }
  ordersOf.clear();

  // The stored order facts, compared with the computed ones: only the difference is written.
  const known = existing.length
    ? new Map((await db.selectFrom('customer_orders').selectAll().where('shop_id', '=', shopId).execute()).map((f) => [f.order_id, f]))
    : new Map<string, CustomerOrdersTable>();
  const factUpserts: CustomerOrdersTable[] = [];
  for (const f of facts) {
    const before = known.get(f.order_id);
    if (before) known.delete(f.order_id);
    if (!before || !sameRow(before, f, FACT_COLUMNS)) factUpserts.push(f);
  }
  const vanished = [...known.keys()];
  known.clear();

  const kept = new Set(keep.map((c) => c.id));
  const gone = existing.filter((c) => !kept.has(c.id)).map((c) => c.id);
  await db.transaction().execute(async (trx) => {
    // Gone customers first (with their facts and tags), so no stored row points at them.
    await inChunks(vanished, async (chunk) => {
      await trx.deleteFrom('customer_orders').where('order_id', 'in', chunk).execute();
      return [];
    });
    await inChunks(gone, async (chunk) => {
      await trx.deleteFrom('customer_orders').where('customer_id', 'in', chunk).execute();
      await trx.deleteFrom('customer_tags').where('customer_id', 'in', chunk).execute();
      await trx.deleteFrom('customers').where('id', 'in', chunk).execute();
      return [];
    });
    await withoutIndexes(trx, 'customers', upserts.length, () =>
      bulkInsert(trx, 'customers', upserts, { key: 'id', update: CUSTOMER_COLUMNS }),
    );
    await withoutIndexes(trx, 'customer_orders', factUpserts.length, () =>
      bulkInsert(trx, 'customer_orders', factUpserts, { key: 'order_id', update: FACT_COLUMNS }),
    );
    // Merge targets (here or elsewhere) recount their members.
    if (merged.length) await recomputeFigures(trx, [...mergeParties]);
    await settleShop(trx, shopId);
    if (mark !== undefined || marks.length) await clearMarks(trx, shopId, marks);
  });
  const written = { customers: upserts.length, orders: factUpserts.length, removed: gone.length + vanished.length };
  return { customers: keep.length, orders: facts.length, written };
}

/** SQLite settings of the connection while whole shops are rebuilt (KiB of page cache, bytes mapped). */
const REBUILD_CACHE_KB = 256 * 1024;
const REBUILD_MMAP = 2 ** 31;
let rebuilding = 0;
let saved: { cache: number; mmap: number } | null = null;

/**
 * Run a whole-shop rebuild with a bigger SQLite page cache and the database file memory-mapped,
 * then put the connection's settings back (after the last of concurrent rebuilds). Inserting a
 * million order facts touches their indexes all over: with the usual 32 MB most of those pages are
 * evicted and spilled to the WAL again and again; reading a shop's orders along an index is a
 * random read per order, cheaper mapped than copied in by a system call each. PostgreSQL: as is.
 */
async function withRebuildSettings<R>(db: Kysely<DB>, run: () => Promise<R>): Promise<R> {
  if (isPostgres(db)) return run();
  const pragma = async (text: string) => (await sql.raw<Record<string, unknown>>(`pragma ${text}`).execute(db)).rows[0];
  if (rebuilding++ === 0) {
    const cache = Number(Object.values((await pragma('cache_size')) ?? {})[0] ?? -32000);
    const mmap = Number(Object.values((await pragma('mmap_size')) ?? {})[0] ?? 0);
    saved = { cache, mmap };
    await pragma(`cache_size = ${-REBUILD_CACHE_KB}`);
    if (mmap < REBUILD_MMAP) await pragma(`mmap_size = ${REBUILD_MMAP}`);
  }
  try {
    return await run();
  } finally {
    if (--rebuilding === 0 && saved) {
      await pragma(`cache_size = ${Math.round(saved.cache)}`);
      await pragma(`mmap_size = ${Math.round(saved.mmap)}`);
      saved = null;
    }
  }
}

/** Rows written into a table from which its secondary indexes may be rebuilt instead (SQLite); tests lower it. */
export const rebuildLimits = { reindexFrom: 50_000 };

/**
 * SQLite, when the rows to write are at least half as many as the table holds (a fresh rebuild of
 * a large shop): drop the table's secondary indexes (not its key or unique constraints), write,
 * then create them again from their stored definitions (`sqlite_master`), all inside the
 * rebuild's transaction. Building an index by one sort costs a fraction of inserting half a million
 * keys into it one by one at random places (1M orders: ≈ 5 CPU s for the nine indexes of both
 * tables against ≈ 15 s of index upkeep). Readers keep seeing the committed rows and indexes (WAL);
 * a failure rolls the drop back with the rest. PostgreSQL keeps its indexes: dropping one would
 * lock the table against every reader until the rebuild commits.
 */
async function withoutIndexes(trx: Transaction<DB>, table: 'customers' | 'customer_orders', rows: number, write: () => Promise<void>) {
  if (rows < rebuildLimits.reindexFrom || isPostgres(trx)) return write();
  const held = Number(
    (
      await trx
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  if (rows * 2 < held) return write();
  const indexes = (
    await sql<{
      name: string;
      sql: string;
    }>`select name, sql from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(trx)
  ).rows;
  for (const i of indexes) await sql`drop index ${sql.id(i.name)}`.execute(trx);
  await write();
  for (const i of indexes) await sql.raw(i.sql).execute(trx);
}

/** The customer columns a rebuild computes (compared with the stored row; rewritten when one differs). */
const CUSTOMER_COLUMNS = [
  'name',
  'phone',
  'order_count',
  'paid_orders',
  'paid_fen',
  'refund_fen',
  'first_paid_at',
  'last_paid_at',
  'first_paid_day',
  'last_paid_day',
  'cycle_days',
  'enquiries',
  'last_enquiry_day',
  'updated_at',
] as const satisfies readonly (keyof CustomersTable)[];
/** The order fact columns a rebuild computes (all but the key). */
const FACT_COLUMNS = [
  'customer_id',
  'shop_id',
  'order_no',
  'channel',
  'status',
  'paid',
  'paid_day',
  'paid_at',
  'paid_fen',
  'refund_fen',
  'ordered_at',
] as const satisfies readonly (keyof CustomerOrdersTable)[];

/** Whether two rows agree on these columns (updated_at aside); numbers compare by value (pg int8, SQLite integers). */
function sameRow<T extends object>(a: T, b: T, columns: readonly (keyof T)[]): boolean {
  for (const k of columns) {
    if (k === 'updated_at') continue;
    const x = a[k] as unknown;
    const y = b[k] as unknown;
    if (x === y) continue;
    if (x === null || y === null || x === undefined || y === undefined) return false;
    if (typeof x === 'number' || typeof y === 'number' ? Number(x) !== Number(y) : String(x) !== String(y)) return false;
  }
  return true;
}

/** The shops with marks waiting (for the timer and tests). */
export async function dirtyShops(db: Kysely<DB>): Promise<string[]> {
  return (await db.selectFrom('customer_dirty').select('shop_id').distinct().execute()).map((r) => r.shop_id);
}

/**
 * The collector behind POST /api/v1/collect: write-key lookup, token buckets per visitor, client
 * IP and key, bot filtering, source classification (once per event, by the rule table), the
 * business day in the shop's zone, one bulk insert, then the touched days are marked for re-rollup.
 */
import {
  AppError,
  businessDay,
  COLLECT_MAX_BATCH,
  EVENT_TYPES,
  newId,
  sourceFamilyOf,
  type CollectEvent,
  type CollectInput,
  type CollectRequest,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { CollectKeysTable, DB, EventsTable } from '../../db/schema.js';
import { announce, onAnnounce } from '../../lib/announce.js';
import { classifySourceCode } from './classify.js';
import { writeEvents } from './event-writer.js';
import { ensureSeeded, loadRules } from './traffic.service.js';

export const MAX_BATCH = COLLECT_MAX_BATCH;

const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const optStr = (v: unknown, max: number) => v === undefined || isStr(v, max);
const isInt = (v: unknown, min: number, max: number) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const;

/**
 * A quick check that a parsed body certainly satisfies CollectBody (core) (zod's parse is a large share
 * of a busy collector's time). False does not mean invalid: the caller then lets the zod schema
 * decide and word the errors, so both paths accept exactly the same bodies.
 */
export function isPlainCollectBody(data: unknown): data is CollectRequest {
  if (typeof data !== 'object' || data === null) return false;
  const { key, events } = data as { key?: unknown; events?: unknown };
  if (!isStr(key, 80) || key.length < 1 || !Array.isArray(events) || events.length < 1 || events.length > MAX_BATCH) return false;
  for (const e of events as unknown[]) {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return false;
    const ev = e as Record<string, unknown>;
    if (typeof ev.type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(ev.type)) return false;
    if (!isInt(ev.at, 0, Number.MAX_SAFE_INTEGER)) return false;
    if (!isStr(ev.visitorId, 64) || ev.visitorId.length < 1) return false;
    if (!optStr(ev.sessionId, 64) || !isStr(ev.url, 2000) || !optStr(ev.referrer, 2000)) return false;
    if (!optStr(ev.productId, 40) || !optStr(ev.skuId, 40)) return false;
    if (ev.dwellMs !== undefined && !isInt(ev.dwellMs, 0, 24 * 3600_000)) return false;
    if (ev.utm !== undefined) {
      if (typeof ev.utm !== 'object' || ev.utm === null || Array.isArray(ev.utm)) return false;
      const utm = ev.utm as Record<string, unknown>;
      for (const k of UTM_KEYS) if (!optStr(utm[k], 200)) return false;
    }
  }
  return true;
}

/** User agents of crawlers, headless browsers and monitoring bots; their events are dropped. */
export const BOT_UA =
  /bot|spider|crawl|slurp|headless|phantomjs|selenium|puppeteer|playwright|lighthouse|curl\/|wget|python-requests|httpclient|java\/|go-http-client|preview|monitor|pingdom/i;

export function isBot(userAgent: string | undefined | null): boolean {
  return !!userAgent && BOT_UA.test(userAgent);
}

export interface IngestShop {
  id: string;
  orgId: string;
  timezone: string;
  /** The shop's channel: its tree's rules classify the visits (absent: every rule of the organisation). */
  channel?: string;
}

const CLOCK_SKEW_MS = 24 * 3600_000;

/** Map shop-own item ids (listings.channel_item_id) to our product ids; prd_… ids pass through. */
async function resolveProducts(db: Kysely<DB>, shopId: string, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const foreign = [...new Set(ids.filter((p) => !p.startsWith('prd_')))];
  if (foreign.length) {
    const rows = await db
      .selectFrom('listings')
      .select(['channel_item_id', 'product_id'])
      .where('shop_id', '=', shopId)
      .where('channel_item_id', 'in', foreign)
      .execute();
    for (const r of rows) out.set(r.channel_item_id, r.product_id);
  }
  return out;
}

/**
 * Store a batch of tracker events for a shop. Events from bots are dropped; client clocks are
 * clamped to the server's ± 1 day; each event gets its source from the rule table and its
 * business day in the shop's zone. Every touched (shop, day) is marked dirty afterwards (today
 * included: a day's rollup is only final once it is rebuilt after the day closed; today itself is
 * rebuilt on read at most once a minute).
 */
export async function ingestEvents(
  db: Kysely<DB>,
  shop: IngestShop,
  events: CollectEvent[],
  opts: {
    userAgent?: string | null | undefined;
    now?: number;
    /** Clamp event times to the server clock ± 1 day (default true; false loads history, e.g. demo data). */
    clamp?: boolean;
  } = {},
): Promise<{ accepted: number; dropped: number }> {
  if (isBot(opts.userAgent)) return { accepted: 0, dropped: events.length };
  const now = opts.now ?? Date.now();
  const rules = await loadRules(db, shop.orgId, { family: shop.channel === undefined ? undefined : sourceFamilyOf(shop.channel) });
  const products = await resolveProducts(
    db,
    shop.id,
    events.map((e) => e.productId ?? '').filter((p) => p !== ''),
  );
  const rows: EventsTable[] = [];
  let dropped = 0;
  for (const e of events) {
    if (!(EVENT_TYPES as readonly string[]).includes(e.type) || !e.visitorId) {
      dropped++;
      continue;
    }
    const at = opts.clamp === false ? e.at : Math.min(Math.max(e.at, now - CLOCK_SKEW_MS), now + CLOCK_SKEW_MS);
    const sourceCode = classifySourceCode(rules, e);
    const productId = e.productId ? (products.get(e.productId) ?? e.productId) : null;
    rows.push({
      id: newId('evt'),
      shop_id: shop.id,
      day: businessDay(at, shop.timezone),
      at,
      visitor_id: e.visitorId.slice(0, 64),
      session_id: (e.sessionId ?? '').slice(0, 64),
      type: e.type,
      product_id: productId ? productId.slice(0, 40) : null,
      source_code: sourceCode,
      url: e.url.slice(0, 500),
      referrer: (e.referrer ?? '').slice(0, 500),
      dwell_ms: e.type === 'product_view' ? (e.dwellMs ?? 0) : 0,
    });
  }
  // Group-committed with other requests' events; the days are marked dirty after the commit.
  await writeEvents(db, rows);
  return { accepted: rows.length, dropped };
}

// ---------------------------------------------------------------- keys and rate limit

interface KeyInfo {
  row: CollectKeysTable;
  origins: string[];
  shop: IngestShop;
}
/**
 * Key lookups, for 30 s. A revoked key is forgotten at once in every server process: the revoke
 * announces it (lib/announce.ts; other processes hear it through PostgreSQL NOTIFY). The 30 s
 * limit only covers a notice lost while a process's link to the database was down.
 */
const keyCache = new Map<string, { at: number; info: KeyInfo | null }>();
const KEY_TTL_MS = 30_000;
const KEYS_TOPIC = 'collect-keys';
onAnnounce(KEYS_TOPIC, () => keyCache.clear());

/** Forget cached key lookups here and in the other server processes (a key was revoked). */
export function forgetKeys(): void {
  announce(KEYS_TOPIC);
}

async function lookupKey(db: Kysely<DB>, key: string): Promise<KeyInfo | null> {
  const hit = keyCache.get(key);
  if (hit && Date.now() - hit.at < KEY_TTL_MS) return hit.info;
  const row = await db
    .selectFrom('collect_keys')
    .innerJoin('shops', 'shops.id', 'collect_keys.shop_id')
    .selectAll('collect_keys')
    .select(['shops.timezone as timezone', 'shops.channel as channel'])
    .where('collect_keys.key', '=', key)
    .executeTakeFirst();
  let info: KeyInfo | null = null;
  if (row) {
    const { timezone, channel, ...keyRow } = row;
    info = {
      row: keyRow,
      origins: JSON.parse(keyRow.allowed_origins) as string[],
      shop: { id: keyRow.shop_id, orgId: keyRow.org_id, timezone, channel },
    };
    await ensureSeeded(db, keyRow.org_id);
  }
  if (keyCache.size > 10_000) keyCache.clear();
  keyCache.set(key, { at: Date.now(), info });
  return info;
}

/** The processes sharing the port (YUNYING_WORKERS) among which the per-key ceiling is split. */
function processShare(): number {
  const n = Number(process.env.YUNYING_WORKERS);
  return Number.isInteger(n) && n > 1 && n <= 64 ? n : 1;
}

function envRate(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) && v > 0 ? v : fallback;
}

export interface BucketLimit {
  /** Requests at once (one request carries up to 50 events). */
  capacity: number;
  /** Refill, requests per second. */
  perSecond: number;
}

/**
 * The collector's limits: token buckets per visitor, per client address and per write key, so one
 * client cannot spend the budget of a shop's real visitors (the write key is public: it sits in
 * the storefront page).
 *
 * - Per visitor — (key, client IP, visitor id of the batch): sized for one browser tab's tracker,
 *   which sends a batch at most every 2 s plus a beacon on leaving the page. Default 20 at once,
 *   2/s (YUNYING_COLLECT_VISITOR_BURST / _RATE).
 * - Per client IP — (key, IP): room for the visitors behind one NAT, and the limit for a client
 *   that invents a new visitor id per request. Default 120, 20/s (YUNYING_COLLECT_IP_BURST / _RATE).
 * - Per key — the global ceiling that protects the database. Default 600, 200/s
 *   (YUNYING_COLLECT_BURST / _RATE). Its last `reserve` share is kept for light clients: an IP
 *   that has used no more than one visitor's burst. Heavy clients (many requests from one
 *   address) stop at the reserve, so real visitors are still served while they are limited.
 *
 * The limits live in each server process, with the client IP as Fastify sees it (set
 * YUNYING_TRUST_PROXY=1 behind a reverse proxy, or every visitor shares the proxy's address).
 * With YUNYING_WORKERS=N processes sharing the port, each takes 1/N of the per-key ceiling (the
 * primary hands connections round-robin, so a key's many visitors spread evenly and the sum stays
 * the configured ceiling); the per-visitor and per-IP buckets stay whole in each process, since
 * one client's keep-alive connection stays with one process (a client that opens connections to
 * every process gets at most N times its share, still inside the key's ceiling). Kept in memory,
 * not in the database: a shared bucket would cost a write per collect request.
 */
export const collectRateLimit: BucketLimit & { ip: BucketLimit; visitor: BucketLimit; reserve: number } = {
  capacity: envRate('YUNYING_COLLECT_BURST', 600) / processShare(),
  perSecond: envRate('YUNYING_COLLECT_RATE', 200) / processShare(),
  ip: { capacity: envRate('YUNYING_COLLECT_IP_BURST', 120), perSecond: envRate('YUNYING_COLLECT_IP_RATE', 20) },
  visitor: { capacity: envRate('YUNYING_COLLECT_VISITOR_BURST', 20), perSecond: envRate('YUNYING_COLLECT_VISITOR_RATE', 2) },
  reserve: 0.25,
};

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets by id; bounded in memory by forgetting buckets that have refilled to full. */
class Buckets {
  private readonly map = new Map<string, Bucket>();
  constructor(private readonly max: number) {}

  /** The bucket of `id`, refilled up to `now` (a new one is full). */
  get(id: string, limit: BucketLimit, now: number): Bucket {
    let b = this.map.get(id);
    if (!b) {
      if (this.map.size >= this.max) this.evict(limit, now);
      b = { tokens: limit.capacity, at: now };
      this.map.set(id, b);
      return b;
    }
    b.tokens = Math.min(limit.capacity, b.tokens + (Math.max(0, now - b.at) / 1000) * limit.perSecond);
    b.at = now;
    return b;
  }

  /** Drop the buckets that are full again (they hold nothing a new bucket would not); if that frees little, all. */
  private evict(limit: BucketLimit, now: number): void {
    const before = this.map.size;
    for (const [id, b] of this.map) {
      if (b.tokens + (Math.max(0, now - b.at) / 1000) * limit.perSecond >= limit.capacity) this.map.delete(id);
    }
    if (this.map.size > before / 2) this.map.clear();
  }

  clear(): void {
    this.map.clear();
  }
}

const visitorBuckets = new Buckets(100_000);
const ipBuckets = new Buckets(50_000);
const keyBuckets = new Buckets(10_000);

/** Which limit refused a request, or 'ok' (then one token was taken from each bucket). */
export type RateVerdict = 'ok' | 'visitor' | 'ip' | 'key';

/**
 * Admit one collect request of write key `keyId` from `ip` for `visitorId`. All three buckets
 * are checked before any token is taken, so a refused request costs nothing, and a client over
 * its own limit never spends the key's budget.
 */
export function admit(keyId: string, ip: string, visitorId: string, now = Date.now()): RateVerdict {
  const limits = collectRateLimit;
  const visitor = visitorBuckets.get(`${keyId}\n${ip}\n${visitorId}`, limits.visitor, now);
  if (visitor.tokens < 1) return 'visitor';
  const client = ipBuckets.get(`${keyId}\n${ip}`, limits.ip, now);
  if (client.tokens < 1) return 'ip';
  const key = keyBuckets.get(keyId, limits, now);
  const light = client.tokens >= limits.ip.capacity - limits.visitor.capacity;
  if (key.tokens < (light ? 1 : 1 + limits.capacity * limits.reserve)) return 'key';
  visitor.tokens -= 1;
  client.tokens -= 1;
  key.tokens -= 1;
  return 'ok';
}

export function resetRateLimits(): void {
  visitorBuckets.clear();
  ipBuckets.clear();
  keyBuckets.clear();
}

const RATE_MESSAGES: Record<Exclude<RateVerdict, 'ok'>, string> = {
  visitor: '该访客的埋点上报过于频繁，请稍后再试（每个访客有速率限制；埋点代码每 2 秒最多发送一批）。',
  ip: '来自同一网络地址的埋点上报过于频繁，请稍后再试（每个网络地址有速率限制）。',
  key: '埋点上报过于频繁，请稍后再试（每个密钥有速率限制；店铺访问量很大时可提高 YUNYING_COLLECT_BURST / YUNYING_COLLECT_RATE）。',
};

/**
 * Authenticate and ingest one POST /collect. `origin` is the request's Origin header. Throws
 * AppError 401 (unknown key), 403 (revoked key or origin not allowed), 429 (rate limit).
 */
export async function collect(
  db: Kysely<DB>,
  body: CollectInput,
  req: { origin?: string | undefined; userAgent?: string | undefined; ip?: string | undefined },
): Promise<{ accepted: number; dropped: number; allowOrigin: string }> {
  const info = await lookupKey(db, body.key);
  if (!info) throw new AppError('unauthenticated', '埋点密钥无效：请在「流量来源 → 埋点密钥」中复制正确的 data-key。');
  if (info.row.revoked_at !== null) throw new AppError('forbidden', '埋点密钥已被吊销：请在控制台生成新的密钥并更新店铺页面上的代码。');
  let allowOrigin = '*';
  if (info.origins.length) {
    if (!req.origin || !info.origins.includes(req.origin))
      throw new AppError('forbidden', `来源网址 ${req.origin ?? '（未提供）'} 不在此埋点密钥允许的网址列表中。`, {
        origin: req.origin ?? null,
      });
    allowOrigin = req.origin;
  }
  // A tracker batch carries one visitor; the first event's id names the batch's visitor.
  const verdict = admit(info.row.id, req.ip ?? '', body.events[0]?.visitorId ?? '');
  if (verdict !== 'ok') throw new AppError('rate_limited', RATE_MESSAGES[verdict], { limit: verdict });
  const r = await ingestEvents(db, info.shop, body.events, { userAgent: req.userAgent });
  return { ...r, allowOrigin };
}

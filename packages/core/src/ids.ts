/**
 * Sortable, prefixed ids: `<prefix>_<ULID>` (e.g. `usr_01JD…`). Generated in the app so inserts
 * need no round trip, sortable by creation time, and the prefix tells a reader what it names.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const ID_PREFIXES = {
  org: 'org',
  shop: 'shp',
  user: 'usr',
  role: 'rol',
  session: 'ses',
  token: 'tok',
  audit: 'aud',
  notification: 'ntf',
  job: 'job',
  category: 'cat',
  brand: 'brd',
  product: 'prd',
  sku: 'sku',
  listing: 'lst',
  image: 'img',
  bannedWord: 'bwd',
  exemption: 'bwe',
  warehouse: 'wh',
  movement: 'smv',
  stocktake: 'stk',
  transfer: 'trf',
  supplier: 'sup',
  purchaseOrder: 'po',
  purchaseLine: 'pol',
  order: 'ord',
  orderLine: 'orl',
  orderEvent: 'oev',
  refund: 'rfd',
  view: 'view',
  preset: 'ipr',
  aftersale: 'as',
  aftersaleReason: 'asr',
  aftersaleEvent: 'ase',
  task: 'tsk',
  checkItem: 'chk',
  target: 'tgt',
  plan: 'pln',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

let lastTime = -1;
let lastTimeText = '';
const lastRandom = new Uint8Array(16);

/** A ULID string; monotonic within the same millisecond. */
export function ulid(now: number = Date.now()): string {
  if (now === lastTime) {
    // Same millisecond: the previous random part plus one (base 32, carrying leftwards).
    for (let i = lastRandom.length - 1; i >= 0; i--) {
      if (lastRandom[i]! < 31) {
        lastRandom[i]! += 1;
        break;
      }
      lastRandom[i] = 0;
    }
  } else {
    globalThis.crypto.getRandomValues(lastRandom);
    for (let i = 0; i < lastRandom.length; i++) lastRandom[i]! &= 31;
    let time = '';
    let t = now;
    for (let i = 0; i < 10; i++) {
      time = ALPHABET[t % 32]! + time;
      t = Math.floor(t / 32);
    }
    lastTime = now;
    lastTimeText = time;
  }
  let out = lastTimeText;
  for (let i = 0; i < lastRandom.length; i++) out += ALPHABET[lastRandom[i]!]!;
  return out;
}

export function newId(kind: IdKind | string): string {
  const prefix = (ID_PREFIXES as Record<string, string>)[kind] ?? kind;
  return `${prefix}_${ulid()}`;
}

export function idPrefix(id: string): string {
  const i = id.indexOf('_');
  return i < 0 ? '' : id.slice(0, i);
}

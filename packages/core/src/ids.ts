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
  view: 'view',
  preset: 'ipr',
  aftersale: 'as',
  aftersaleReason: 'asr',
  aftersaleEvent: 'ase',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

let lastTime = -1;
let lastRandom: number[] = [];

function randomDigits(n: number): number[] {
  const bytes = new Uint8Array(n);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b % 32);
}

/** A ULID string; monotonic within the same millisecond. */
export function ulid(now: number = Date.now()): string {
  let rand: number[];
  if (now === lastTime) {
    rand = lastRandom.slice();
    for (let i = rand.length - 1; i >= 0; i--) {
      if (rand[i]! < 31) {
        rand[i]! += 1;
        break;
      }
      rand[i] = 0;
    }
  } else {
    rand = randomDigits(16);
  }
  lastTime = now;
  lastRandom = rand;
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  return time + rand.map((d) => ALPHABET[d]).join('');
}

export function newId(kind: IdKind | string): string {
  const prefix = (ID_PREFIXES as Record<string, string>)[kind] ?? kind;
  return `${prefix}_${ulid()}`;
}

export function idPrefix(id: string): string {
  const i = id.indexOf('_');
  return i < 0 ? '' : id.slice(0, i);
}

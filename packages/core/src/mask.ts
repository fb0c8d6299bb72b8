import { AppError } from './errors.js';

/** Personal data masking for roles without `customers.pii.read`. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return phone ?? null;
  const digits = phone.replace(/\s+/g, '');
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length >= 7) return `${digits.slice(0, 2)}***${digits.slice(-2)}`;
  return '****';
}

export function maskEmail(email: string | null | undefined): string | null {
  if (!email) return email ?? null;
  const at = email.indexOf('@');
  if (at <= 0) return '****';
  return `${email[0]}***${email.slice(at)}`;
}

export function maskName(name: string | null | undefined): string | null {
  if (!name) return name ?? null;
  const chars = Array.from(name);
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

export function maskAddress(address: string | null | undefined): string | null {
  if (!address) return address ?? null;
  const chars = Array.from(address);
  return chars.slice(0, Math.min(6, chars.length)).join('') + '****';
}

/**
 * Phone numbers inside free text (a buyer's note, a seller's memo, a timeline entry): mainland
 * mobiles (13812345678, 138 1234 5678, +86 138-1234-5678) and landlines with an area code
 * (0571-87654321), not when part of a longer code (SF13812345678, M20261122000001).
 */
const PHONE_IN_TEXT = /(?<![0-9A-Za-z])(\+?86[ -]?)?(1[3-9]\d(?:[ -]?\d{4}){2}|0\d{2,3}[ -]?\d{7,8})(?![0-9A-Za-z])/g;

/** Free text with every phone number in it masked like a receiver's phone (138****5678). */
export function maskPhonesInText(text: string): string;
export function maskPhonesInText(text: string | null | undefined): string | null;
export function maskPhonesInText(text: string | null | undefined): string | null {
  if (!text) return text ?? null;
  return text.replace(PHONE_IN_TEXT, (_m, prefix: string | undefined, phone: string) => {
    return `${prefix ?? ''}${maskPhone(phone.replace(/[ -]/g, ''))}`;
  });
}

/** A masked phone as `maskPhonesInText` writes it (138****5678, 01***67), with its optional +86 prefix. */
const MASKED_IN_TEXT = /(?<![0-9A-Za-z*])(\+?86[ -]?)?(\d{3}\*{4}\d{4}|\d{2}\*{3}\d{2})(?![0-9A-Za-z*])/g;

/**
 * The text to store when a user who sees phone numbers masked edits free text and saves it back:
 * every masked phone in `edited` (138****5678) that is the masked form of a phone in `stored` is
 * put back as that phone, spelled as stored, so an edit around a number keeps the number.
 *
 * Rule for one masked form shared by several stored phones (13812345678 and 13899995678 are both
 * 138****5678): the k-th such masked phone in `edited` gets the k-th of those phones in `stored`,
 * in order of appearance; masked phones beyond their count get the last one (a copied number).
 * Masked phones matching nothing in `stored`, and phones typed in full, are kept as written.
 *
 * Never reveals anything: the result, masked again, reads exactly like `edited` masked. A masked
 * phone whose number would not be masked again where it stands (139-1234-057****4321 would read
 * 139****0571-87654321) stays as written.
 * Only for users without `customers.pii.read` — the others see and send the real numbers.
 */
export function unmaskEdited(stored: string | null | undefined, edited: string): string {
  if (!stored || !edited.includes('*')) return edited;
  const phones = new Map<string, string[]>();
  for (const m of stored.matchAll(PHONE_IN_TEXT)) {
    const phone = m[2]!;
    const masked = maskPhone(phone.replace(/[ -]/g, ''))!;
    phones.set(masked, [...(phones.get(masked) ?? []), phone]);
  }
  if (phones.size === 0) return edited;
  // Each masked phone in `edited` with the stored phone it stands for, in order of appearance.
  const used = new Map<string, number>();
  const spots: { at: number; end: number; phone: string }[] = [];
  for (const m of edited.matchAll(MASKED_IN_TEXT)) {
    const candidates = phones.get(m[2]!);
    if (!candidates) continue;
    const k = used.get(m[2]!) ?? 0;
    used.set(m[2]!, k + 1);
    const at = m.index + (m[1]?.length ?? 0);
    spots.push({ at, end: at + m[2]!.length, phone: candidates[Math.min(k, candidates.length - 1)]! });
  }
  // Restore one at a time, keeping a restoration only if the text still reads the same masked.
  const seen = maskPhonesInText(edited);
  const kept: typeof spots = [];
  let text = edited;
  for (const spot of spots) {
    const candidate = restoreAt(edited, [...kept, spot]);
    if (maskPhonesInText(candidate) === seen) {
      kept.push(spot);
      text = candidate;
    }
  }
  return text;
}

function restoreAt(text: string, spots: readonly { at: number; end: number; phone: string }[]): string {
  let out = '';
  let from = 0;
  for (const s of spots) {
    out += text.slice(from, s.at) + s.phone;
    from = s.end;
  }
  return out + text.slice(from);
}

/**
 * `unmaskEdited` for a field with a length limit: restoring a number spelled with separators
 * (138 1234 5678, 0571-87654321) makes the text longer than the masked form the user saw, so past
 * `max` the save is refused with a field error instead of failing in the database.
 */
export function keepHiddenPhones(
  stored: string | null | undefined,
  edited: string,
  field: { label: string; path: string; max: number },
): string {
  const text = unmaskEdited(stored, edited);
  if (text.length > field.max) {
    const message = `${field.label}中打码的电话号码会按完整号码保存，保存后超过 ${field.max} 个字符：请删减一些文字后再保存`;
    throw new AppError('validation_failed', message, { max: field.max }, [{ path: field.path, message }]);
  }
  return text;
}

/**
 * `text` cut to at most `max` characters for a column, never through a phone number: a cut number
 * (1381234567) is no longer recognised by `maskPhonesInText` and would be shown in clear. The
 * digits at the cut are dropped and the cut marked with "…".
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/\+?\d[\d +-]*$/, '')}…`;
}

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

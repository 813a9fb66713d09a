/**
 * E-mail addresses typed by customers, checked before they reach a mail header or the database.
 *
 * Deliberately conservative: a bare addr-spec `local@domain.tld` in ASCII, nothing else. Display names, comments,
 * quoted local parts, IP literals, several recipients, internationalised (non-ASCII) addresses and anything with
 * whitespace or control characters are refused, so an accepted address can never add a header or a recipient.
 */

const MAX_ADDRESS = 254; // RFC 5321 forward-path limit minus the angle brackets
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

/**
 * Local part: dot-separated runs of letters, digits and `_ % + - '` (covers real-world addresses such as
 * `first.last+tag@…` and `o'brien@…`; the rarer RFC 5322 atext characters like `|`, `/`, `{` and backticks are refused).
 */
const LOCAL = /^[A-Za-z0-9_%+'-]+(?:\.[A-Za-z0-9_%+'-]+)*$/;
/** One DNS label: letters, digits and inner hyphens, at most 63 characters. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Top-level domain: letters only, or an IDNA (punycode) label. */
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * The address in canonical form (surrounding spaces removed, domain lower-cased, local part kept as typed), or
 * undefined when it is not a plain, conservative addr-spec.
 */
export function normalizeEmail(input: string): string | undefined {
  if (typeof input !== 'string') return undefined;
  // Any control character anywhere (CR, LF, TAB, NUL, DEL …) rejects the input instead of being trimmed away.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(input)) return undefined;
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_ADDRESS) return undefined;
  // ASCII only: no non-breaking spaces, homoglyphs or SMTPUTF8 addresses.
  if (!/^[\x21-\x7e]+$/.test(trimmed)) return undefined;

  const at = trimmed.indexOf('@');
  if (at <= 0 || at !== trimmed.lastIndexOf('@')) return undefined;
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1).toLowerCase();

  if (local.length > MAX_LOCAL || !LOCAL.test(local)) return undefined;
  if (domain.length === 0 || domain.length > MAX_DOMAIN) return undefined;
  const labels = domain.split('.');
  if (labels.length < 2) return undefined;
  if (!labels.every((label) => LABEL.test(label))) return undefined;
  const tld = labels[labels.length - 1];
  if (tld === undefined || !TLD.test(tld)) return undefined;

  return `${local}@${domain}`;
}

/**
 * The key two addresses are compared by (caps, suppression list): the normalised address, wholly lower-cased.
 * Undefined when the input is not a valid address.
 */
export function emailKey(input: string): string | undefined {
  return normalizeEmail(input)?.toLowerCase();
}

/**
 * `budi@example.com` → `b***@example.com`, for logs and chat summaries. Works on any text (the result never contains
 * more than the first character of the local part); text without an `@` becomes `***`.
 */
export function maskEmail(input: string): string {
  const text = String(input).trim();
  const at = text.lastIndexOf('@');
  if (at < 0) return '***';
  const first = text.slice(0, 1);
  const domain = text
    .slice(at + 1)
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '');
  return at === 0 ? `***@${domain}` : `${first}***@${domain}`;
}

/** Anything that looks like an address inside free text (e.g. an SMTP server's reply). */
const EMAIL_IN_TEXT = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+/g;

/** Free text with every address-looking part masked by maskEmail(). */
export function maskEmailsIn(text: string): string {
  return text.replace(EMAIL_IN_TEXT, (match) => maskEmail(match));
}

export type AddressField = 'from' | 'to' | 'replyTo';

/** An address that normalizeEmail() refused. The message names the field, never the address itself. */
export class InvalidAddressError extends Error {
  constructor(readonly field: AddressField) {
    super(`invalid e-mail address in "${field}"`);
    this.name = 'InvalidAddressError';
  }
}

/** The only e-mail address written in a text ("email saya budi@x.com."), normalised; undefined for none or several. */
export function firstEmailIn(text: string): string | undefined {
  const found = text.match(/[^\s<>()"',;:]+@[^\s<>()"',;:]+/g) ?? [];
  return found.length === 1 ? normalizeEmail((found[0] ?? '').replace(/[.!?]+$/, '')) : undefined;
}

/** Domains whose mailboxes ignore dots in the local part (and share one mailbox between the two names). */
const DOTLESS_DOMAINS: Readonly<Record<string, string>> = { 'gmail.com': 'gmail.com', 'googlemail.com': 'gmail.com' };

/**
 * The canonical mailbox an address delivers to, for anything that counts or compares recipients (mail caps, the
 * suppression list): lower case, a `+tag` removed (`budi+promo@x` is `budi@x`), and for Gmail the dots removed and
 * `googlemail.com` read as `gmail.com`. Undefined when the input is not a valid address. Never used as the address a
 * mail is sent to: mail goes to the address as typed.
 */
export function mailboxKey(input: string): string | undefined {
  const key = emailKey(input);
  if (!key) return undefined;
  const at = key.indexOf('@');
  let local = key.slice(0, at);
  let domain = key.slice(at + 1);
  const plus = local.indexOf('+');
  // `+tag` only: a local part that starts with "+" is kept whole (nothing before the tag to deliver to).
  if (plus > 0) local = local.slice(0, plus);
  const dotless = DOTLESS_DOMAINS[domain];
  if (dotless) {
    domain = dotless;
    local = local.replace(/\./g, '');
  }
  return `${local}@${domain}`;
}

/** A sender with an optional display name (`Wowrack Privacy <privacy@wowrack.co.id>`), checked. */
export interface Mailbox {
  /** The display name, unquoted; empty for a plain address. */
  readonly name: string;
  /** The address, normalised by normalizeEmail(). */
  readonly address: string;
}

const MAX_DISPLAY_NAME = 100;

/**
 * Reads `address` or `Display Name <address>` (the name optionally in double quotes), or undefined. The address part
 * must pass normalizeEmail(); the name is 1–100 characters of letters, digits, spaces and ordinary punctuation, with no
 * control or bidi characters, no `< > " \` and no `@` (a name that looks like an address would mislead readers). The
 * name is handed to nodemailer as a separate field, which quotes or encodes it: it never becomes raw header text.
 */
export function parseMailbox(input: string): Mailbox | undefined {
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  const plain = normalizeEmail(text);
  if (plain) return { name: '', address: plain };
  const match = /^(.*?)\s*<([^<>]*)>$/s.exec(text);
  if (!match) return undefined;
  let name = (match[1] ?? '').trim();
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1).trim();
  const address = normalizeEmail(match[2] ?? '');
  if (!address || name.length === 0 || name.length > MAX_DISPLAY_NAME) return undefined;
  if (!/^[\p{L}\p{M}\p{N} .,'()&_-]+$/u.test(name)) return undefined;
  return { name, address };
}

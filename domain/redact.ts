/**
 * Masks personal data in text before it reaches a log: e-mail addresses (quoted local parts, spaces around the @, a
 * missing top-level domain and `[at]`/`(dot)` spellings included) and any run of 8 or more digits (phone, card,
 * account or ID numbers), separators included, so no part of a number survives next to another. Logs keep the shape
 * of a question without the customer's data.
 *
 * The text is first folded so look-alikes cannot slip past: NFKC (full-width digits `４１１１` and `＠` become ASCII),
 * then invisible format characters (zero-width spaces and joiners, soft hyphens, bidi controls) and control
 * characters are removed. Digits of any script count (`\p{Nd}`).
 */

/** Invisible characters that could split a number or an address without being seen: removed before matching. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const INVISIBLE = /[\p{Cf}\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u115f\u1160\u3164\uffa0]/gu;

// Parts of an address are bounded (a local part is at most 64 characters, a domain 253): unbounded runs made every
// start position scan to the end of the text, quadratic in its length (10,000 characters of `a.a.a…`: 136 ms).

/** `"john doe"@example.com`: a quoted local part (spaces allowed inside the quotes). */
const QUOTED_EMAIL = /"[^"\r\n]{1,64}"\s*@\s*[^\s@<>()"',;:]{1,253}\.[^\s@<>()"',;:]{1,253}/gu;
/** An address, also typed with a space on either side of the @ (phone keyboards add them: `budi @ gmail.com`). */
const EMAIL = /[^\s@<>()"',;:]{1,64}[ \t]{0,2}@[ \t]{0,2}[^\s@<>()"',;:]{1,253}\.[^\s@<>()"',;:]{1,253}/gu;
/** What is left of an address without a dot after the @ (`budi@gmail`). */
const PARTIAL_EMAIL = /[^\s@<>()"',;:]{1,64}@[^\s@<>()"',;:]{1,253}/gu;
/** An address written out: `budi [at] gmail (dot) com`, `budi at gmail titik com`. */
const SPELLED_AT = String.raw`(?:\s*[[(<{]\s*(?:at|et)\s*[\])>}]\s*|\s+(?:at|et)\s+)`;
const SPELLED_DOT = String.raw`(?:\s*[[(<{]\s*(?:dot|titik)\s*[\])>}]\s*|\s+(?:dot|titik)\s+|\.)`;
const SPELLED_EMAIL = new RegExp(
  String.raw`[\p{L}\p{N}._%+-]{1,64}${SPELLED_AT}[\p{L}\p{N}-]{1,63}(?:${SPELLED_DOT}[\p{L}\p{N}-]{1,63})+`,
  'giu',
);
/**
 * 8+ digits with at most 3 separator characters between two of them: spaces of any kind, `( ) . - _ / \ ,`, and the
 * dashes and dots people type from phones (`‐ ‑ ‒ – — − · •`). `4111 - 1111 - 1111 - 1112` has 3 between groups.
 */
const NUMBER = /\+?(?<!\p{Nd})\p{Nd}(?:[\s().\-_/\\,\u2010-\u2015\u2212\u00b7\u2022]{0,3}\p{Nd}){7,}(?!\p{Nd})/gu;

/** The text as redact() matches it: NFKC-folded, invisible and control characters (not line breaks) removed. */
export function foldForMatching(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '');
}

/**
 * What SPELLED_EMAIL cannot match without: "at"/"et" between a space or bracket on either side. The address patterns
 * try every word of a text; these tests skip them when they cannot match (a 600-character answer: 42 µs → 3 µs).
 */
const SPELLED_AT_WORD = /[\s[(<{](?:at|et)[\s\])>}]/iu;

export function redact(text: string): string {
  let folded = foldForMatching(String(text));
  if (folded.includes('@')) folded = folded.replace(QUOTED_EMAIL, '[email]').replace(EMAIL, '[email]');
  if (SPELLED_AT_WORD.test(folded)) folded = folded.replace(SPELLED_EMAIL, '[email]');
  if (folded.includes('@')) folded = folded.replace(PARTIAL_EMAIL, '[email]');
  return folded.replace(NUMBER, '[number]');
}

/**
 * A request path safe for a log: the token of a consent link (`/consent/<token>`, a live secret) becomes
 * `/consent/[token]` (also when percent-encoded), so does any other run of 32+ URL-safe characters, and the rest goes
 * through redact(). Bounded to 200 characters.
 */
export function redactPath(path: string): string {
  let decoded = String(path);
  try {
    decoded = decodeURIComponent(decoded); // `/%63onsent/…` is the same page
  } catch {
    // malformed escapes: match the raw text
  }
  const masked = decoded
    .replace(/\/(consent|verify)\/[^/?#]*/gi, (_, page: string) => `/${page.toLowerCase()}/[token]`)
    // Any other token-like run (a consent token is 43 URL-safe characters) is not logged either.
    .replace(/[A-Za-z0-9_-]{32,}/g, '[token]');
  const safe = redact(masked);
  return safe.length > 200 ? `${safe.slice(0, 199)}…` : safe;
}

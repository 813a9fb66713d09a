/**
 * Masks personal data in text before it reaches a log: e-mail addresses (quoted local parts included) and any run of
 * 8 or more digits (phone, card, account or ID numbers), separators included, so no part of a number survives next to
 * another. Logs keep the shape of a question without the customer's data.
 *
 * The text is first folded so look-alikes cannot slip past: NFKC (full-width digits `４１１１` and `＠` become ASCII),
 * then invisible format characters (zero-width spaces and joiners, soft hyphens, bidi controls) and control
 * characters are removed. Digits of any script count (`\p{Nd}`).
 */

/** Invisible characters that could split a number or an address without being seen: removed before matching. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const INVISIBLE = /[\p{Cf}\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u115f\u1160\u3164\uffa0]/gu;

/** `"john doe"@example.com`: a quoted local part (spaces allowed inside the quotes). */
const QUOTED_EMAIL = /"[^"\r\n]{1,64}"\s*@\s*[^\s@<>()"',;:]+\.[^\s@<>()"',;:]+/gu;
const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[^\s@<>()"',;:]+/gu;
/**
 * 8+ digits with at most 3 separator characters between two of them: spaces of any kind, `( ) . - _ / \ ,`, and the
 * dashes and dots people type from phones (`‐ ‑ ‒ – — − · •`). `4111 - 1111 - 1111 - 1112` has 3 between groups.
 */
const NUMBER = /\+?(?<!\p{Nd})\p{Nd}(?:[\s().\-_/\\,\u2010-\u2015\u2212\u00b7\u2022]{0,3}\p{Nd}){7,}(?!\p{Nd})/gu;

/** The text as redact() matches it: NFKC-folded, invisible and control characters (not line breaks) removed. */
export function foldForMatching(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '');
}

export function redact(text: string): string {
  return foldForMatching(String(text))
    .replace(QUOTED_EMAIL, '[email]')
    .replace(EMAIL, '[email]')
    .replace(NUMBER, '[number]');
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

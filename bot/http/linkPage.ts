/**
 * What the pages behind links in e-mails share (a parent's consent link, a customer's identity link): the page
 * frame and its headers, the check that a decision was posted from the page itself, and the deciding browser's
 * User-Agent. GET shows; only a POST from the page decides (mail scanners follow links).
 */
import { createHash } from 'node:crypto';
import type restify from 'restify';
import type { Lang } from '../../knowledge/types.ts';
import { escapeHtml } from './html.ts';

export interface Page {
  readonly status: number;
  readonly html: string;
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6f9;color:#1d2733;margin:0}
main{max-width:560px;margin:40px auto;background:#fff;border-radius:12px;padding:28px 32px;box-shadow:0 2px 12px rgba(0,0,0,.08)}
h1{font-size:1.35rem;color:#0b4f8a;margin-top:0}blockquote{border-left:4px solid #f28c28;margin:16px 0;padding:4px 14px;color:#44505c;white-space:pre-line}
.actions{display:flex;gap:12px;margin-top:24px}button{font-size:1rem;padding:10px 22px;border-radius:8px;border:0;cursor:pointer}
.approve{background:#0b4f8a;color:#fff}.decline{background:#e4e8ee;color:#1d2733}small{color:#6b7785}`;

/** The CSP source of the one style block these pages have: that block is allowed by its hash, no other inline style. */
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

export function layout(lang: Lang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} – Wowrack Indonesia</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  // The token is in the URL: never cached, never sent on as a referrer, never framed or indexed.
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Robots-Tag': 'noindex',
  'Content-Security-Policy': `default-src 'none'; style-src ${STYLE_HASH}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
};

export function send(res: restify.Response, page: Page): void {
  res.writeHead(page.status, SECURITY_HEADERS);
  res.end(page.html);
}

/** How much of the deciding browser's User-Agent is kept with the decision (proof of consent, Pasal 24). */
const USER_AGENT_MAX = 300;

export function userAgentOf(req: restify.Request): string | undefined {
  const agent = req.headers['user-agent'];
  return typeof agent === 'string' && agent !== '' ? agent.slice(0, USER_AGENT_MAX) : undefined;
}

/** This server's origin as the browser sees it: from the Host header (and X-Forwarded-Proto behind a proxy). */
function ownOrigins(req: restify.Request, publicUrl: string | undefined): Set<string> {
  const origins = new Set<string>();
  if (publicUrl) origins.add(new URL(publicUrl).origin);
  const host = req.headers.host;
  if (host && /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(host)) {
    origins.add(`http://${host.toLowerCase()}`);
    origins.add(`https://${host.toLowerCase()}`);
  }
  return origins;
}

/**
 * Why a decision POST is refused as cross-site (a form on another site posting to the parent's link), or undefined.
 * Sec-Fetch-Site (every current browser) decides when present: only same-origin, or none (typed by the user).
 * Otherwise an Origin must be this server's: "null" (an opaque or privacy-hiding origin) is refused too. A request
 * with neither is not from a browser that another site could drive, and is allowed.
 */
export function crossSiteProblem(req: restify.Request, publicUrl?: string): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== '')
    return site === 'same-origin' || site === 'none' ? undefined : `Sec-Fetch-Site is ${site.slice(0, 20)}`;
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === '') return undefined;
  return ownOrigins(req, publicUrl).has(origin.toLowerCase()) ? undefined : 'the Origin is another site';
}

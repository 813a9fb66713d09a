/**
 * What every console route shares: response headers (strict CSP, never cached), the session cookie, the session a
 * request carries, the CSRF check of every POST, and reading form fields.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type restify from 'restify';
import type { ActiveSession, StaffSessionService } from '../../../domain/staffSessions.ts';
import { csrfMatches } from '../../../domain/staffSessions.ts';
import { crossSiteProblem } from '../linkPage.ts';
import { clientIp } from '../rateLimit.ts';

/** Scripts and styles from this origin only, nothing inline, no framing, forms only to itself. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  // Personal data: never stored by the browser or a proxy, never sent on as a referrer, never framed or indexed.
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'X-Robots-Tag': 'noindex',
  'Content-Security-Policy': CONSOLE_CSP,
};

export interface ConsoleHttpOptions {
  readonly sessions: StaffSessionService;
  /** Secure cookies (PUBLIC_URL is https). */
  readonly secureCookies: boolean;
  readonly publicUrl?: string;
  readonly trustProxy: boolean;
}

export const SESSION_COOKIE = 'wpc_session';
/** The sign-in form's own CSRF token (double submit: this cookie and the form field must match). */
export const SIGN_IN_COOKIE = 'wpc_signin';

export function sendHtml(res: restify.Response, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { ...PAGE_HEADERS, ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** 303: after a POST the browser GETs the next page (a reload does not repeat the action). */
export function redirect(res: restify.Response, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store', ...headers });
  res.end();
}

export function sendJsonError(res: restify.Response, status: number, error: string, message: string): void {
  const body = JSON.stringify({ error, message });
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

function cookieValue(req: restify.Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A CSV download: never cached, never sniffed as anything else. */
export function sendCsv(res: restify.Response, filename: string, csv: string): void {
  const body = Buffer.from(csv, 'utf8');
  res.writeHead(200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

/** A refusal a route can explain to the staff member (bad form input, a rule of the domain). */
export class ConsoleInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function rawField(req: restify.Request, name: string): string {
  const body: unknown = req.body;
  const value = typeof body === 'object' && body !== null && name in body ? Reflect.get(body, name) : undefined;
  return typeof value === 'string' ? value : '';
}

/**
 * A form field as one trimmed string, cut to `maxLength` ('' when missing or not a single value). Only for the
 * sign-in forms, whose values are compared, never kept; console forms read their fields with formText.
 */
export function field(req: restify.Request, name: string, maxLength = 20_000): string {
  return rawField(req, name).slice(0, maxLength).trim();
}

/**
 * A console form's field as one trimmed string ('' when missing or not a single value). Longer than `maxLength`
 * characters is refused (ConsoleInputError 400), never cut: a reply or note cut short would be kept or sent as if
 * the staff member had written it so.
 */
export function formText(req: restify.Request, name: string, maxLength: number): string {
  const value = rawField(req, name).trim();
  if (Array.from(value).length > maxLength)
    throw new ConsoleInputError(
      `Isian "${name}" terlalu panjang (maks. ${maxLength} karakter) · The field "${name}" is too long (${maxLength} characters at most)`,
    );
  return value;
}

const FORM_KEY = /^[A-Za-z0-9_-]{16,64}$/;

/** A new one-time key for a form whose action must happen once however often it is posted (a reply, a note). */
export const newFormKey = (): string => randomBytes(16).toString('base64url');

/** The one-time key a form carried (field `once`), or undefined when it has none of the right shape. */
export function formKey(req: restify.Request): string | undefined {
  const value = rawField(req, 'once');
  return FORM_KEY.test(value) ? value : undefined;
}

/** Whether a form field is at most `maxLength` long (field() cuts longer ones: where a cut would change data, ask). */
export function fieldFits(req: restify.Request, name: string, maxLength: number): boolean {
  const body: unknown = req.body;
  const value = typeof body === 'object' && body !== null && name in body ? Reflect.get(body, name) : undefined;
  return typeof value !== 'string' || value.length <= maxLength;
}

/** A query parameter as one trimmed string. */
export function queryParam(req: restify.Request, name: string, maxLength = 200): string {
  const url = new URL(req.url ?? '/', 'http://console.invalid');
  return (url.searchParams.get(name) ?? '').slice(0, maxLength).trim();
}

/** Where to go after signing in: a console page of this server only (never an open redirect). */
export function safeNext(value: string): string {
  return /^\/console(\/[A-Za-z0-9/_\-.?=&%]*)?$/.test(value) && !value.includes('//') ? value : '/console';
}

export class ConsoleHttp {
  constructor(readonly options: ConsoleHttpOptions) {}

  sessionId(req: restify.Request): string | undefined {
    return cookieValue(req, SESSION_COOKIE);
  }

  /** Set-Cookie for a new session id (Path /console: the chat pages never see it). */
  sessionCookie(id: string): string {
    // No Max-Age: a browser cookie with a lifetime would end a session in daily use that long after sign-in, while
    // the server keeps it alive on use; the server's idle expiry is what ends a session, and closing the browser.
    return `${SESSION_COOKIE}=${id}; Path=/console; HttpOnly; SameSite=Strict${this.options.secureCookies ? '; Secure' : ''}`;
  }

  /** A new token for the sign-in form and the cookie that carries it (1 hour, only to /console/login). */
  signInToken(): { readonly token: string; readonly cookie: string } {
    const token = randomBytes(32).toString('base64url');
    const secure = this.options.secureCookies ? '; Secure' : '';
    return {
      token,
      cookie: `${SIGN_IN_COOKIE}=${token}; Path=/console/login; HttpOnly; SameSite=Strict; Max-Age=3600${secure}`,
    };
  }

  /** Why a sign-in POST is refused (another site's form, or its token is not the cookie's), or undefined. */
  signInProblem(req: restify.Request): string | undefined {
    const crossSite = crossSiteProblem(req, this.options.publicUrl);
    if (crossSite) return crossSite;
    const cookie = cookieValue(req, SIGN_IN_COOKIE) ?? '';
    const token = field(req, 'csrf', 100);
    const same =
      cookie.length === 43 &&
      token.length === cookie.length &&
      timingSafeEqual(Buffer.from(cookie), Buffer.from(token));
    return same ? undefined : 'the sign-in form token is missing or wrong';
  }

  clearedCookie(): string {
    return `${SESSION_COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0${this.options.secureCookies ? '; Secure' : ''}`;
  }

  /** The per-client key for the sign-in limits (a hash: the address itself is not kept). */
  clientKey(req: restify.Request): string {
    return createHash('sha256').update(clientIp(req, this.options.trustProxy)).digest('hex').slice(0, 32);
  }

  /** The signed-in session (the second factor given), or undefined. */
  async session(req: restify.Request): Promise<ActiveSession | undefined> {
    const active = await this.options.sessions.resolve(this.sessionId(req));
    return active && !active.session.pendingSecondFactor ? active : undefined;
  }

  /** Why a POST is refused (another site's form, or no/wrong CSRF token), or undefined. */
  postProblem(req: restify.Request, active: ActiveSession | undefined): string | undefined {
    const crossSite = crossSiteProblem(req, this.options.publicUrl);
    if (crossSite) return crossSite;
    if (active && !csrfMatches(active.session, field(req, 'csrf', 100))) return 'the form token is missing or wrong';
    return undefined;
  }
}

import type restify from 'restify';
import type { ConsentService } from '../../domain/consent.ts';
import type { ConsentNotifier } from '../../domain/ports.ts';
import type { ConsentDecision } from '../../domain/records.ts';
import type { Logger } from '../log/logger.ts';
import { badRequestPage, consentPage, crossSitePage, type Page, recordedPage } from './consentPage.ts';
import { loggablePath } from './loggablePath.ts';

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  // The token is in the URL: never cached, never sent on as a referrer, never framed or indexed.
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Robots-Tag': 'noindex',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

function send(res: restify.Response, page: Page): void {
  res.writeHead(page.status, SECURITY_HEADERS);
  res.end(page.html);
}

/** How much of the deciding browser's User-Agent is kept with the decision (proof of consent, Pasal 24). */
const USER_AGENT_MAX = 300;

function userAgentOf(req: restify.Request): string | undefined {
  const agent = req.headers['user-agent'];
  return typeof agent === 'string' && agent !== '' ? agent.slice(0, USER_AGENT_MAX) : undefined;
}

function decisionOf(body: unknown): ConsentDecision | undefined {
  const value = typeof body === 'object' && body !== null && 'decision' in body ? body.decision : undefined;
  return value === 'approve' ? 'approved' : value === 'decline' ? 'declined' : undefined;
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

/** GET shows the request (it never decides: mail scanners follow links); POST records the parent's decision. */
export interface ConsentRouteDeps {
  readonly consents: ConsentService;
  /** Tells the customer's chat about the decision, after it is recorded (in the background). */
  readonly notifier: ConsentNotifier;
  readonly logger: Logger;
  /** The support address the pages name. */
  readonly support: string;
  /** PUBLIC_URL: the origin the consent links use (decisions must come from a page on it). */
  readonly publicUrl?: string;
}

export function registerConsentRoutes(server: restify.Server, deps: ConsentRouteDeps): void {
  const { consents, notifier, logger, support } = deps;
  const show = async (req: restify.Request, res: restify.Response) => {
    const token = String(req.params.token ?? '');
    send(res, consentPage(await consents.lookup(token), token, support));
  };
  server.get('/consent/:token', show);
  server.head('/consent/:token', show);

  server.post('/consent/:token', async (req, res) => {
    const token = String(req.params.token ?? '');
    const crossSite = crossSiteProblem(req, deps.publicUrl);
    if (crossSite) {
      logger.warn({ path: loggablePath(req.url ?? ''), reason: crossSite }, 'cross-site consent decision refused');
      send(res, crossSitePage());
      return;
    }
    const decision = decisionOf(req.body);
    if (!decision) {
      send(res, badRequestPage());
      return;
    }
    const result = await consents.decide(token, decision, userAgentOf(req));
    if (result.status === 'recorded') {
      logger.info({ consent: result.consent.id, decision }, 'parental consent decided');
      // The decision is already safe and mailed; a chat that does not answer never keeps the parent waiting.
      void notifier.notify(result.consent).catch(() => undefined);
      send(res, recordedPage(result.consent));
    } else send(res, consentPage(result, token, support));
  });
}

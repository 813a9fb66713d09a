import type restify from 'restify';
import type { ConsentService } from '../../domain/consent.ts';
import type { ConsentDecision } from '../../domain/records.ts';
import type { Logger } from '../log/logger.ts';
import { badRequestPage, consentPage, type Page, recordedPage } from './consentPage.ts';

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

function decisionOf(body: unknown): ConsentDecision | undefined {
  const value = typeof body === 'object' && body !== null && 'decision' in body ? body.decision : undefined;
  return value === 'approve' ? 'approved' : value === 'decline' ? 'declined' : undefined;
}

/** GET shows the request (it never decides: mail scanners follow links); POST records the parent's decision. */
export function registerConsentRoutes(server: restify.Server, consents: ConsentService, logger: Logger): void {
  const show = async (req: restify.Request, res: restify.Response) => {
    const token = String(req.params.token ?? '');
    send(res, consentPage(consents.lookup(token), token));
  };
  server.get('/consent/:token', show);
  server.head('/consent/:token', show);

  server.post('/consent/:token', async (req, res) => {
    const token = String(req.params.token ?? '');
    const decision = decisionOf(req.body);
    if (!decision) {
      send(res, badRequestPage());
      return;
    }
    const result = await consents.decide(token, decision);
    if (result.status === 'recorded') {
      logger.info({ consent: result.consent.id, decision }, 'parental consent decided');
      send(res, recordedPage(result.consent));
    } else send(res, consentPage(result, token));
  });
}

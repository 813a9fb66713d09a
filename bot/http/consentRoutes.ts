import type restify from 'restify';
import type { ConsentService } from '../../domain/consent.ts';
import type { ConsentNotifier } from '../../domain/ports.ts';
import type { ConsentDecision } from '../../domain/records.ts';
import type { Logger } from '../log/logger.ts';
import { badRequestPage, consentPage, crossSitePage, recordedPage } from './consentPage.ts';
import { crossSiteProblem, send, userAgentOf } from './linkPage.ts';
import { loggablePath } from './loggablePath.ts';

function decisionOf(body: unknown): ConsentDecision | undefined {
  const value = typeof body === 'object' && body !== null && 'decision' in body ? body.decision : undefined;
  return value === 'approve' ? 'approved' : value === 'decline' ? 'declined' : undefined;
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

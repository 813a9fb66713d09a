import { ConsentService } from '../domain/consent.ts';
import { FeedbackService } from '../domain/feedback.ts';
import { MailQuota } from '../domain/mailQuota.ts';
import type { Clock, MailDelivery, RequestStore } from '../domain/ports.ts';
import { RequestRecorder } from '../domain/requestMail.ts';
import { TicketService } from '../domain/tickets.ts';
import { UnsubscribeService } from '../domain/unsubscribe.ts';
import type { Config } from './config.ts';

export interface DomainServices {
  readonly unsubscribes: UnsubscribeService;
  readonly tickets: TicketService;
  readonly consents: ConsentService;
  readonly feedback: FeedbackService;
}

/** The domain's services on the store and the mail delivery, with the configured addresses. */
export function buildServices(
  config: Pick<Config, 'supportEmail' | 'publicUrl' | 'deadlines'> & {
    readonly mail: Pick<Config['mail'], 'marketingEmail'>;
  },
  store: RequestStore,
  delivery: MailDelivery,
  seams: { readonly now: Clock; readonly deliveryWaitMs: number },
): DomainServices {
  const { now, deliveryWaitMs } = seams;
  const { supportEmail } = config;
  const marketingEmail = config.mail.marketingEmail;
  const quota = new MailQuota([supportEmail, marketingEmail]);
  const requests = new RequestRecorder({ store, delivery, quota, now, deliveryWaitMs });
  return {
    unsubscribes: new UnsubscribeService({ store, requests, marketingEmail, supportEmail }),
    tickets: new TicketService({ requests, supportEmail, deadlines: config.deadlines }),
    consents: new ConsentService({ store, requests, delivery, quota, supportEmail, publicUrl: config.publicUrl, now }),
    feedback: new FeedbackService({ store, now }),
  };
}

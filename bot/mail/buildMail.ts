import { join } from 'node:path';
import type { Clock } from '../../domain/ports.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/store.ts';
import { Outbox, type RetryPolicy } from './outbox.ts';
import { createMailTransport, type MailTransport } from './transport.ts';

export interface Mail {
  readonly outbox: Outbox;
  readonly transport: MailTransport;
  /** "smtp" or the folder the .eml files are written to, for the start-up log. */
  readonly destination: string;
}

/** The transport SMTP_URL names (or .eml files in DATA_DIR/mail) and the outbox worker that delivers through it. */
export function buildMail(
  config: Pick<Config, 'dataDir' | 'mail'>,
  store: Pick<Store, 'requests' | 'mailQueue'>,
  logger: Logger,
  seams: { readonly now: Clock; readonly transport?: MailTransport; readonly retry?: Partial<RetryPolicy> },
): Mail {
  const mailDir = join(config.dataDir, 'mail');
  const transport =
    seams.transport ??
    createMailTransport({ ...(config.mail.smtpUrl ? { smtpUrl: config.mail.smtpUrl } : {}), mailDir });
  const outbox = new Outbox({
    store: store.requests,
    queue: store.mailQueue,
    claimMs: config.mail.claimSeconds * 1000,
    transport,
    logger,
    from: config.mail.from,
    now: seams.now,
    ...(seams.retry ? { retry: seams.retry } : {}),
  });
  return { outbox, transport, destination: config.mail.smtpUrl ? 'smtp' : `files in ${mailDir}` };
}

import type { Lang } from '../knowledge/types.ts';
import { emailKey, InvalidAddressError } from './address.ts';
import { removeRequestMail, unsubscribeConfirmationMail } from './mailTemplates.ts';
import type { RequestStore } from './ports.ts';
import type { RequestOrigin, UnsubscribeRecord } from './records.ts';
import { originOf, type RequestOutcome, type RequestRecorder, recordOrigin } from './requestMail.ts';

export interface UnsubscribeInput extends RequestOrigin {
  readonly email: string;
  readonly lang: Lang;
}

export interface UnsubscribeDeps {
  readonly store: RequestStore;
  readonly requests: RequestRecorder;
  readonly marketingEmail: string;
  readonly supportEmail: string;
}

/**
 * Stop promotional e-mail: records the address in the suppression list (a withdrawal of consent, UU PDP Pasal 9),
 * sends the marketing mailbox the statement's "REMOVE" request and the customer a confirmation, all in one unit of
 * work. An address already on the list is reported as existing: nothing is recorded or sent twice.
 */
export class UnsubscribeService {
  constructor(private readonly deps: UnsubscribeDeps) {}

  async find(email: string): Promise<UnsubscribeRecord | undefined> {
    const key = emailKey(email);
    return key ? this.deps.store.transaction((tx) => tx.unsubscribes.find(key)) : undefined;
  }

  async unsubscribe(input: UnsubscribeInput): Promise<RequestOutcome<UnsubscribeRecord>> {
    const { requests, marketingEmail, supportEmail } = this.deps;
    const email = emailKey(input.email);
    if (!email) throw new InvalidAddressError('to');
    return requests.record<UnsubscribeRecord>({
      origin: originOf(input),
      findByKey: (tx, key) => tx.unsubscribes.findByRequestKey(key),
      recipients: [email],
      prepare: async (tx, now) => {
        const existing = await tx.unsubscribes.find(email);
        if (existing) return { existing };
        const createdAt = now.toISOString();
        const record: UnsubscribeRecord = { email, createdAt, source: 'chat', ...recordOrigin(input) };
        return {
          record,
          save: (t) => t.unsubscribes.add(record),
          mails: [
            {
              to: marketingEmail,
              replyTo: email,
              ...removeRequestMail(email, createdAt),
              purpose: 'unsubscribe-remove',
            },
            {
              to: email,
              ...unsubscribeConfirmationMail(email, createdAt, input.lang, supportEmail),
              purpose: 'unsubscribe-confirmation',
            },
          ],
        };
      },
    });
  }
}

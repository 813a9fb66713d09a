import type { Lang } from '../knowledge/types.ts';
import { emailKey, InvalidAddressError, mailboxKey } from './address.ts';
import { appendAudit } from './audit.ts';
import { removeRequestMail, unsubscribeConfirmationMail } from './mailTemplates.ts';
import type { RequestStore, Transaction } from './ports.ts';
import type { RequestOrigin, UnsubscribeRecord } from './records.ts';
import { originOf, type RequestOutcome, type RequestRecorder, recordOrigin } from './requestMail.ts';
import { mailboxTarget } from './suppressionList.ts';

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
    if (!mailboxKey(email)) return undefined;
    return this.deps.store.transaction((tx) => findEntry(tx, email));
  }

  async unsubscribe(input: UnsubscribeInput): Promise<RequestOutcome<UnsubscribeRecord>> {
    const { requests, marketingEmail, supportEmail } = this.deps;
    // The list keys on the mailbox (`a.b+promo@gmail.com` is `ab@gmail.com`): every variant of one mailbox is one
    // entry, so variants are "already done" and get no new mail. Mail goes to the address as typed.
    const email = emailKey(input.email);
    const mailbox = mailboxKey(input.email);
    if (!email || !mailbox) throw new InvalidAddressError('to');
    return requests.record<UnsubscribeRecord>({
      origin: originOf(input),
      findByKey: (tx, key) => tx.unsubscribes.findByRequestKey(key),
      // The confirmation is a courtesy: the suppression entry and the REMOVE mail stand whatever the caps say.
      recipients: [],
      prepare: async (tx, now) => {
        const existing = await findEntry(tx, email);
        if (existing) return { existing };
        const createdAt = now.toISOString();
        const record: UnsubscribeRecord = { email: mailbox, createdAt, source: 'chat', ...recordOrigin(input) };
        return {
          record,
          save: async (t) => {
            await t.unsubscribes.add(record);
            // The trail names the mailbox by a hash, never the address (suppressionList.ts mailboxTarget).
            const event = {
              actor: 'customer',
              action: 'unsubscribe.recorded',
              target: mailboxTarget(mailbox),
            } as const;
            await appendAudit(t, event, now);
          },
          mails: [
            {
              to: marketingEmail,
              replyTo: email,
              ...removeRequestMail(email, createdAt, mailbox),
              purpose: 'unsubscribe-remove',
            },
            {
              to: email,
              ...unsubscribeConfirmationMail(email, createdAt, input.lang, supportEmail),
              purpose: 'unsubscribe-confirmation',
              courtesy: true,
            },
          ],
        };
      },
    });
  }
}

/**
 * The list entry for an address: by its mailbox, or (entries recorded before the list keyed on mailboxes) by the
 * whole lower-cased address.
 */
async function findEntry(tx: Transaction, email: string): Promise<UnsubscribeRecord | undefined> {
  const mailbox = mailboxKey(email);
  const exact = emailKey(email);
  if (!mailbox || !exact) return undefined;
  return (await tx.unsubscribes.find(mailbox)) ?? (exact === mailbox ? undefined : tx.unsubscribes.find(exact));
}

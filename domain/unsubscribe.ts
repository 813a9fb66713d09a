import type { Outbox } from '../bot/mail/outbox.ts';
import type { Db } from '../bot/store/lowdb/jsonDocument.ts';
import type { Lang } from '../knowledge/types.ts';
import { emailKey, InvalidAddressError } from './address.ts';
import type { MailQuota } from './mailQuota.ts';
import { removeRequestMail, unsubscribeConfirmationMail } from './mailTemplates.ts';
import type { UnsubscribeRecord } from './records.ts';
import type { Clock } from './time.ts';

export type UnsubscribeResult =
  | { readonly status: 'done'; readonly record: UnsubscribeRecord; readonly delivered: boolean }
  | { readonly status: 'already'; readonly record: UnsubscribeRecord }
  | { readonly status: 'limited' };

export interface UnsubscribeDeps {
  readonly db: Db;
  readonly outbox: Outbox;
  readonly quota: MailQuota;
  readonly marketingEmail: string;
  readonly now: Clock;
  /** How long to wait for the mails to go out before answering the customer (then they are retried). */
  readonly deliveryWaitMs: number;
}

/**
 * Stop promotional e-mail: records the address in the suppression list (a withdrawal of consent, UU PDP Pasal 9),
 * sends the marketing mailbox the statement's "REMOVE" request and the customer a confirmation.
 * The record and both mails are written in one database update: all or nothing.
 */
export class UnsubscribeService {
  constructor(private readonly deps: UnsubscribeDeps) {}

  find(email: string): UnsubscribeRecord | undefined {
    const key = emailKey(email);
    return key ? this.deps.db.read((d) => d.unsubscribes.find((u) => u.email === key)) : undefined;
  }

  async unsubscribe(input: { email: string; lang: Lang; conversationId: string }): Promise<UnsubscribeResult> {
    const { outbox, quota, marketingEmail, now, deliveryWaitMs } = this.deps;
    const email = emailKey(input.email);
    if (!email) throw new InvalidAddressError('to');
    const existing = this.find(email);
    if (existing) return { status: 'already', record: existing };
    if (!quota.allows(input.conversationId, [email])) return { status: 'limited' };

    const createdAt = now().toISOString();
    const record: UnsubscribeRecord = { email, createdAt, source: 'chat', conversationId: input.conversationId };
    const { result, records } = await outbox.enqueueWith((data) => {
      // Checked again inside the update: two turns racing must not record (and mail) twice.
      const raced = data.unsubscribes.find((u) => u.email === email);
      if (raced) return { result: raced, mails: [] };
      data.unsubscribes.push({ ...record });
      const conversationId = input.conversationId;
      return {
        result: record,
        mails: [
          {
            to: marketingEmail,
            replyTo: email,
            ...removeRequestMail(email, createdAt),
            purpose: 'unsubscribe-remove',
            conversationId,
          },
          {
            to: email,
            ...unsubscribeConfirmationMail(email, createdAt, input.lang),
            purpose: 'unsubscribe-confirmation',
            conversationId,
          },
        ],
      };
    });
    if (records.length === 0) return { status: 'already', record: result };
    const delivered = await outbox.waitForDelivery(
      records.map((r) => r.id),
      deliveryWaitMs,
    );
    return { status: 'done', record: result, delivered };
  }
}

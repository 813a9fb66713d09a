/**
 * The one sequence every request follows: normalise (by the caller) → check the mail caps → record the request and
 * its mails in one unit of work → wait (briefly) for delivery. "Recorded" is only ever reported after the unit of
 * work is durable; "limited" and "existing" record and send nothing.
 */
import type { MailQuota } from './mailQuota.ts';
import { type MailRequest, newOutboxRecord } from './outgoingMail.ts';
import type { Clock, MailDelivery, RequestStore, Transaction } from './ports.ts';

/** What a request came to. */
export type RequestOutcome<T> =
  | { readonly status: 'recorded'; readonly record: T; readonly delivered: boolean }
  /** The same request was already recorded (nothing new kept or sent). */
  | { readonly status: 'existing'; readonly record: T }
  /** A mail cap was reached (nothing kept or sent). */
  | { readonly status: 'limited' };

/** What a request's own code decides inside the unit of work, before anything is written. */
export type Prepared<T> =
  | { readonly existing: T }
  | { readonly record: T; readonly mails: readonly MailRequest[]; readonly save: (tx: Transaction) => Promise<void> };

export interface RequestSpec<T> {
  /** The conversation the request comes from (for the per-conversation cap). */
  readonly conversationId?: string;
  /** Outside addresses that will get a mail (checked against the caps); empty: no cap applies. */
  readonly recipients: readonly string[];
  /** Looks for an existing record, or builds the new one with its mails (throws InvalidAddressError on bad input). */
  readonly prepare: (tx: Transaction, now: Date) => Promise<Prepared<T>>;
}

export interface RequestRecorderDeps {
  readonly store: RequestStore;
  readonly delivery: MailDelivery;
  readonly quota: MailQuota;
  readonly now: Clock;
  /** How long to wait for the mails before answering the customer (they are retried in the background after). */
  readonly deliveryWaitMs: number;
}

export class RequestRecorder {
  constructor(private readonly deps: RequestRecorderDeps) {}

  /** Runs a request's sequence; see RequestOutcome. Rejects (nothing kept) when the store cannot record it. */
  async record<T>(spec: RequestSpec<T>): Promise<RequestOutcome<T>> {
    const { store, delivery, quota, now, deliveryWaitMs } = this.deps;
    const at = now();
    const outcome = await store.transaction(async (tx) => {
      const prepared = await spec.prepare(tx, at);
      if ('existing' in prepared) return { status: 'existing', record: prepared.existing } as const;
      if (!(await quota.allows(tx, spec.conversationId, spec.recipients, at))) return { status: 'limited' } as const;
      await prepared.save(tx);
      const mailIds = await addMails(tx, prepared.mails, at);
      return { status: 'recorded', record: prepared.record, mailIds } as const;
    });
    if (outcome.status !== 'recorded') return outcome;
    const delivered = await delivery.waitForDelivery(outcome.mailIds, deliveryWaitMs);
    return { status: 'recorded', record: outcome.record, delivered };
  }
}

/** Records mails in the unit of work `tx` (validated: InvalidAddressError undoes the whole unit); returns their ids. */
export async function addMails(tx: Transaction, mails: readonly MailRequest[], at: Date): Promise<string[]> {
  const records = mails.map((mail) => newOutboxRecord(mail, at.toISOString()));
  for (const record of records) await tx.outbox.add(record);
  return records.map((r) => r.id);
}

/**
 * The one sequence every request follows: normalise (by the caller) → check the mail caps → record the request and
 * its mails in one unit of work → wait (briefly) for delivery. "Recorded" is only ever reported after the unit of
 * work is durable; "limited" and "existing" record and send nothing.
 */
import type { MailQuota } from './mailQuota.ts';
import { type MailRequest, newOutboxRecord } from './outgoingMail.ts';
import type { Clock, MailDelivery, RequestStore, Transaction } from './ports.ts';
import type { RequestOrigin } from './records.ts';

/** What a request came to. */
export type RequestOutcome<T> =
  | {
      readonly status: 'recorded';
      readonly record: T;
      readonly delivered: boolean;
      /** A courtesy mail (a confirmation) was not sent: its mailbox reached the caps. The request itself stands. */
      readonly withheld: boolean;
    }
  /** The same request was already recorded (nothing new kept or sent). */
  | { readonly status: 'existing'; readonly record: T }
  /** A mail cap was reached (nothing kept or sent). */
  | { readonly status: 'limited' };

/** What a request's own code decides inside the unit of work, before anything is written. */
export type Prepared<T> =
  | { readonly existing: T }
  | { readonly record: T; readonly mails: readonly PreparedMail[]; readonly save: (tx: Transaction) => Promise<void> };

/**
 * A mail of a request. A courtesy mail (`courtesy: true`: an acknowledgement, a confirmation) is dropped when its
 * mailbox reached the caps instead of refusing the request: three requests naming someone's address must not lock
 * that person out of their own request for an hour.
 */
export type PreparedMail = MailRequest & { readonly courtesy?: boolean };

export interface RequestSpec<T> {
  /** Where the request comes from: its conversation and client (for the caps) and its idempotency key. */
  readonly origin?: RequestOrigin;
  /** The record already made for `origin.requestKey`: then nothing new is recorded or sent. */
  readonly findByKey?: (tx: Transaction, requestKey: string) => Promise<T | undefined>;
  /**
   * Outside addresses whose mail is the point of the request (the parent's consent link): capped, the request is
   * refused. The per-client cap applies to every request; courtesy mails are checked one by one.
   */
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
    const { origin } = spec;
    const outcome = await store.transaction(async (tx) => {
      const requestKey = origin?.requestKey;
      const same = requestKey && spec.findByKey ? await spec.findByKey(tx, requestKey) : undefined;
      if (same) return { status: 'existing', record: same } as const;
      const prepared = await spec.prepare(tx, at);
      if ('existing' in prepared) return { status: 'existing', record: prepared.existing } as const;
      const outsideMails = prepared.mails.filter((m) => !quota.isInternal(m.to)).length;
      if (!(await quota.sourceAllows(tx, origin, outsideMails, at))) return { status: 'limited' } as const;
      for (const recipient of spec.recipients)
        if (!(await quota.recipientAllows(tx, recipient, at))) return { status: 'limited' } as const;
      await prepared.save(tx);
      const mailIds: string[] = [];
      let withheld = false;
      for (const { courtesy, ...mail } of prepared.mails) {
        if (courtesy && !(await quota.recipientAllows(tx, mail.to, at))) {
          withheld = true;
          continue;
        }
        // Every mail carries where the request came from, for the caps; recorded one by one, so the next courtesy
        // mail's check counts this one.
        const stamped: MailRequest = {
          ...mail,
          ...(origin?.conversationId !== undefined ? { conversationId: origin.conversationId } : {}),
          ...(origin?.clientKey !== undefined ? { clientKey: origin.clientKey } : {}),
        };
        mailIds.push(...(await addMails(tx, [stamped], at)));
      }
      return { status: 'recorded', record: prepared.record, mailIds, withheld } as const;
    });
    if (outcome.status !== 'recorded') return outcome;
    const delivered = await delivery.waitForDelivery(outcome.mailIds, deliveryWaitMs);
    return { status: 'recorded', record: outcome.record, delivered, withheld: outcome.withheld };
  }
}

/** Records mails in the unit of work `tx` (validated: InvalidAddressError undoes the whole unit); returns their ids. */
export async function addMails(tx: Transaction, mails: readonly MailRequest[], at: Date): Promise<string[]> {
  const records = mails.map((mail) => newOutboxRecord(mail, at.toISOString()));
  for (const record of records) await tx.outbox.add(record);
  return records.map((r) => r.id);
}

/** The origin fields of a request's input (the input may carry more). */
export function originOf(input: RequestOrigin): RequestOrigin {
  return {
    conversationId: input.conversationId,
    ...(input.requestKey !== undefined ? { requestKey: input.requestKey } : {}),
    ...(input.clientKey !== undefined ? { clientKey: input.clientKey } : {}),
  };
}

/** What a record keeps of its origin: the conversation and the request key (the client key stays with the mails). */
export function recordOrigin(input: RequestOrigin): Pick<RequestOrigin, 'conversationId' | 'requestKey'> {
  return {
    conversationId: input.conversationId,
    ...(input.requestKey !== undefined ? { requestKey: input.requestKey } : {}),
  };
}

import { mailboxKey } from './address.ts';
import type { Transaction } from './ports.ts';
import type { RequestOrigin } from './records.ts';

export interface QuotaLimits {
  /** Mails to outside addresses one conversation may trigger per window. */
  readonly perConversation: number;
  /** Mails one outside address may receive per window. */
  readonly perRecipient: number;
  /**
   * Mails (to anyone, our own mailboxes included) the requests of one client may cause per window: a new
   * conversation id does not reset it, and cheap requests cannot bury real customers' mail in the queue.
   */
  readonly perClient: number;
  readonly windowMs: number;
}

export const DEFAULT_QUOTA: QuotaLimits = { perConversation: 3, perRecipient: 3, perClient: 10, windowMs: 60 * 60_000 };

/**
 * Caps the e-mail the flows can make the assistant send, so it cannot be used to spam third parties.
 * Only mail to outside addresses counts (our own support and marketing mailboxes are not a spam target);
 * the counts come from the outbox itself, so they survive restarts and need no extra state.
 */
export class MailQuota {
  private readonly internal: ReadonlySet<string>;

  constructor(
    internalAddresses: readonly string[],
    private readonly limits: QuotaLimits = DEFAULT_QUOTA,
  ) {
    this.internal = new Set(internalAddresses.flatMap((a) => mailboxKey(a) ?? []));
  }

  /**
   * Whether a request from `origin` may make the assistant send `outsideMails` more mails to outside addresses now:
   * the per-client cap (every mail the client caused, ours included) and the per-conversation cap. Called inside
   * the unit of work that records the mails, so the check and the record cannot be raced.
   */
  async sourceAllows(
    tx: Transaction,
    origin: RequestOrigin | undefined,
    outsideMails: number,
    now: Date,
  ): Promise<boolean> {
    const recent = await this.recent(tx, now);
    const clientKey = origin?.clientKey;
    if (clientKey !== undefined && recent.filter((m) => m.clientKey === clientKey).length >= this.limits.perClient)
      return false;
    const conversationId = origin?.conversationId;
    if (outsideMails === 0 || conversationId === undefined) return true;
    const fromConversation = recent.filter((m) => !m.internal && m.conversationId === conversationId).length;
    return fromConversation + outsideMails <= this.limits.perConversation;
  }

  /** Whether `recipient` may get one more mail now (our own mailboxes always may). */
  async recipientAllows(tx: Transaction, recipient: string, now: Date): Promise<boolean> {
    const key = mailboxKey(recipient);
    if (key === undefined || this.internal.has(key)) return true;
    const recent = await this.recent(tx, now);
    return recent.filter((m) => m.to === key).length < this.limits.perRecipient;
  }

  /** Whether `recipient` is one of our own mailboxes (no cap applies to it). */
  isInternal(recipient: string): boolean {
    const key = mailboxKey(recipient);
    return key !== undefined && this.internal.has(key);
  }

  /** Both checks for one request mailing each of `recipients` once. */
  async allows(
    tx: Transaction,
    origin: RequestOrigin | undefined,
    recipients: readonly string[],
    now: Date,
  ): Promise<boolean> {
    const outside = recipients.filter((r) => !this.isInternal(r));
    if (!(await this.sourceAllows(tx, origin, outside.length, now))) return false;
    const keys = outside.map((r) => mailboxKey(r) ?? '');
    const recent = await this.recent(tx, now);
    return keys.every(
      (k) => recent.filter((m) => m.to === k).length + keys.filter((o) => o === k).length <= this.limits.perRecipient,
    );
  }

  private async recent(tx: Transaction, now: Date) {
    const since = new Date(now.getTime() - this.limits.windowMs);
    return (await tx.outbox.createdSince(since)).map((m) => {
      const to = mailboxKey(m.to) ?? '';
      return { to, internal: this.internal.has(to), conversationId: m.conversationId, clientKey: m.clientKey };
    });
  }
}

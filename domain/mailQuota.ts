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
   * Whether a request from `conversationId` may now send one more mail to each of `recipients`. Called inside the
   * unit of work that records the mails, so the check and the record cannot be raced.
   */
  async allows(
    tx: Transaction,
    origin: RequestOrigin | undefined,
    recipients: readonly string[],
    now: Date,
  ): Promise<boolean> {
    const since = new Date(now.getTime() - this.limits.windowMs);
    const all = await tx.outbox.createdSince(since);
    const clientKey = origin?.clientKey;
    if (clientKey !== undefined && all.filter((m) => m.clientKey === clientKey).length >= this.limits.perClient)
      return false;
    const outside = recipients.flatMap((r) => mailboxKey(r) ?? []).filter((r) => !this.internal.has(r));
    if (outside.length === 0) return true;
    const conversationId = origin?.conversationId;
    const recent = all
      .map((m) => ({ to: mailboxKey(m.to) ?? '', conversationId: m.conversationId }))
      .filter((m) => !this.internal.has(m.to));
    const fromConversation =
      conversationId === undefined ? 0 : recent.filter((m) => m.conversationId === conversationId).length;
    if (fromConversation + outside.length > this.limits.perConversation) return false;
    return outside.every(
      (r) =>
        recent.filter((m) => m.to === r).length + outside.filter((o) => o === r).length <= this.limits.perRecipient,
    );
  }
}

import type { Db } from '../bot/store/lowdb/jsonDocument.ts';
import { emailKey } from './address.ts';
import type { Clock } from './time.ts';

export interface QuotaLimits {
  /** Mails to outside addresses one conversation may trigger per window. */
  readonly perConversation: number;
  /** Mails one outside address may receive per window. */
  readonly perRecipient: number;
  readonly windowMs: number;
}

export const DEFAULT_QUOTA: QuotaLimits = { perConversation: 3, perRecipient: 3, windowMs: 60 * 60_000 };

/**
 * Caps the e-mail the flows can make the assistant send, so it cannot be used to spam third parties.
 * Only mail to outside addresses counts (our own support and marketing mailboxes are not a spam target);
 * the counts come from the outbox itself, so they survive restarts and need no extra state.
 */
export class MailQuota {
  private readonly internal: ReadonlySet<string>;

  constructor(
    private readonly db: Db,
    internalAddresses: readonly string[],
    private readonly limits: QuotaLimits = DEFAULT_QUOTA,
    private readonly now: Clock = () => new Date(),
  ) {
    this.internal = new Set(internalAddresses.flatMap((a) => emailKey(a) ?? []));
  }

  /** Whether a flow in this conversation may now send one more mail to each of `recipients`. */
  allows(conversationId: string, recipients: readonly string[]): boolean {
    const since = this.now().getTime() - this.limits.windowMs;
    const outside = recipients.flatMap((r) => emailKey(r) ?? []).filter((r) => !this.internal.has(r));
    return this.db.read((data) => {
      const recent = data.outbox.filter(
        (m) => Date.parse(m.createdAt) >= since && !this.internal.has(emailKey(m.to) ?? ''),
      );
      if (
        recent.filter((m) => m.conversationId === conversationId).length + outside.length >
        this.limits.perConversation
      )
        return false;
      return outside.every(
        (r) =>
          recent.filter((m) => emailKey(m.to) === r).length + outside.filter((o) => o === r).length <=
          this.limits.perRecipient,
      );
    });
  }
}

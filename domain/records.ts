/**
 * The records the assistant keeps (in whichever store), defined once; besides them the store holds Bot Framework
 * conversation state.
 * Keep only what a flow needs (privacy by design): no transcripts beyond the ticket, no tokens in clear.
 */
import type { Lang } from '../knowledge/types.ts';

/** Where a proactive message can reach the customer's conversation (a Bot Framework ConversationReference, as JSON). */
export type StoredConversationReference = Readonly<Record<string, unknown>>;

/**
 * Where a request comes from. `requestKey` identifies one confirmed request (the flow's dialog instance): the same
 * key recorded again is the same request, so a double click, a client retry or a turn replayed after a crash records
 * it once. `clientKey` is a keyed hash of the client's address (never the address), for the per-client caps.
 */
export interface RequestOrigin {
  readonly conversationId: string;
  readonly requestKey?: string;
  readonly clientKey?: string;
}

export type TicketKind = 'question' | 'access' | 'correction' | 'deletion' | 'withdraw-consent';

export interface TicketRecord extends RequestOrigin {
  readonly id: string; // PRV-YYYYMMDD-NNNN
  readonly createdAt: string; // ISO
  /** Statutory answer deadline (UU PDP: 3×24 h for access, correction, restriction), absent for plain questions. */
  readonly dueAt?: string;
  readonly kind: TicketKind;
  readonly lang: Lang;
  readonly name: string;
  readonly email: string;
  readonly account?: string;
  readonly question: string;
  /** The last few customer/assistant lines before the request, personal data masked. */
  readonly transcript: readonly string[];
}

export interface UnsubscribeRecord extends RequestOrigin {
  /** Lower-cased address: the suppression list must match it exactly. */
  readonly email: string;
  readonly createdAt: string;
  /** How the withdrawal of consent arrived (UU PDP Pasal 9), e.g. "chat". */
  readonly source: string;
}

export type ConsentDecision = 'approved' | 'declined';

export interface ConsentRecord extends RequestOrigin {
  readonly id: string; // CNS-YYYYMMDD-NNNN
  readonly createdAt: string;
  readonly expiresAt: string;
  /** sha256 of the token in the link: the token itself is never stored. */
  readonly tokenHash: string;
  readonly lang: Lang;
  readonly childName: string;
  readonly childEmail: string;
  readonly childAge: number;
  readonly parentName: string;
  readonly parentEmail: string;
  readonly conversationReference?: StoredConversationReference;
  decision?: ConsentDecision;
  decidedAt?: string;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface OutboxRecord {
  readonly id: string;
  readonly createdAt: string;
  readonly to: string;
  readonly replyTo?: string;
  readonly subject: string;
  /** Replaced by a scrubbed copy after sending when scrubAfterSend is set. */
  text: string;
  /** What caused the mail, for the per-conversation, per-client and per-recipient caps. */
  readonly conversationId?: string;
  readonly clientKey?: string;
  readonly purpose: string;
  /** The text holds a secret (a consent link): it is scrubbed from this record once the mail is sent. */
  readonly scrubAfterSend?: boolean;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  sentAt?: string;
  lastError?: string;
}

export type FeedbackVote = 'up' | 'down';

/**
 * A 👍/👎 on one policy answer. Deliberately anonymous: no conversation id, no user id, no message text, and the time
 * only to the hour, so a vote cannot be linked back to a conversation through the logs.
 */
export interface FeedbackRecord {
  readonly entryId: string;
  readonly vote: FeedbackVote;
  readonly lang: Lang;
  /** ISO time, rounded down to the hour. */
  readonly at: string;
}

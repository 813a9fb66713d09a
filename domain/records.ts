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

/** Where a ticket is in the privacy team's work (the deadline clock never pauses: UU PDP counts from receipt). */
export type TicketStatus = 'new' | 'in-progress' | 'waiting-customer' | 'resolved' | 'rejected';

/** An internal note of the privacy team on a ticket (never sent to the customer). */
export interface TicketNote {
  readonly at: string;
  readonly staffId: string;
  readonly text: string;
  /** The form's one-time key: the same form posted twice (a double click) adds the note once. */
  readonly key?: string;
}

/** An answer sent to the customer from the console (through the outbox). */
export interface TicketReply {
  readonly at: string;
  readonly staffId: string;
  readonly text: string;
  readonly outboxId: string;
  readonly messageId: string;
  /** The form's one-time key: the same form posted twice (a double click) sends one mail. */
  readonly key?: string;
}

/**
 * The customer's confirmation that the request is theirs: a single-use link in the acknowledgement mail (only its
 * SHA-256 is kept). `override` is a staff member's audited decision to resolve a request that was never confirmed.
 */
export interface TicketVerification {
  readonly tokenHash?: string;
  readonly expiresAt: string;
  readonly verifiedAt?: string;
  readonly override?: { readonly at: string; readonly staffId: string; readonly reason: string };
  /** New links staff sent (each replaced the one before), newest last; `key` is the form's one-time key. */
  readonly reissued?: readonly { readonly at: string; readonly staffId: string; readonly key?: string }[];
}

export interface TicketRecord extends RequestOrigin {
  readonly id: string; // PRV-YYYYMMDD-NNNN
  readonly createdAt: string; // ISO
  /** Answer deadline (deadlines.ts: the law's 3×24 h or the company's policy); absent on tickets recorded before. */
  readonly dueAt?: string;
  readonly kind: TicketKind;
  readonly lang: Lang;
  readonly name: string;
  readonly email: string;
  readonly account?: string;
  readonly question: string;
  /** The last few customer/assistant lines before the request, personal data masked. */
  readonly transcript: readonly string[];
  // The privacy team's work on it (absent on a ticket no one has touched: status 'new').
  readonly status?: TicketStatus;
  readonly statusChangedAt?: string;
  readonly rejectionReason?: string;
  readonly assigneeId?: string;
  readonly notes?: readonly TicketNote[];
  readonly replies?: readonly TicketReply[];
  readonly verification?: TicketVerification;
  /** The Message-ID of the mails the ticket started with, for threading the replies. */
  readonly messageId?: string;
  /** When the "12 hours left, no reply" alert went to the support mailbox (it goes once). */
  readonly alertedAt?: string;
  /** When retention removed the personal data of a closed ticket. */
  readonly anonymisedAt?: string;
}

export interface UnsubscribeRecord extends RequestOrigin {
  /** Lower-cased address: the suppression list must match it exactly. */
  readonly email: string;
  readonly createdAt: string;
  /** How the withdrawal of consent arrived (UU PDP Pasal 9), e.g. "chat". */
  readonly source: string;
}

export type StaffRole = 'support' | 'admin';

/** A member of the privacy team who signs in to the console. */
export interface StaffRecord {
  readonly id: string;
  /** Lower-cased. */
  readonly email: string;
  readonly name: string;
  readonly role: StaffRole;
  /** scrypt: `scrypt$N$r$p$salt$hash` (base64url). */
  readonly passwordHash: string;
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly passwordChangedAt: string;
  /** TOTP second factor (RFC 6238): the base32 secret; `totpEnabled` once a first code confirmed the enrolment. */
  readonly totpSecret?: string;
  readonly totpEnabled?: boolean;
  /** The last TOTP time step accepted (a code is never accepted twice). */
  readonly totpLastStep?: number;
}

/** A signed-in console session; only the SHA-256 of its id is stored (a copy of the store opens no session). */
export interface StaffSessionRecord {
  readonly idHash: string;
  readonly staffId: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly csrfToken: string;
  /** Password checked, the second factor not yet: the session opens nothing but the code form. */
  readonly pendingSecondFactor?: boolean;
}

/**
 * One entry of the append-only audit trail. `hash` = SHA-256 over the previous entry's hash and this entry's
 * fields, so changing or removing an entry breaks the chain from there on.
 */
export interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  /** `staff:<id>`, `customer`, `parent`, `system` or `cli`. */
  readonly actor: string;
  readonly action: string;
  /** What it was done to: a ticket, consent or staff id, a mailbox key. */
  readonly target?: string;
  readonly details?: Readonly<Record<string, string>>;
  readonly prevHash: string;
  readonly hash: string;
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
  /** SHA-256 of the consent text the parent was shown (ConsentTextRecord), the proof of Pasal 24. */
  readonly textHash?: string;
  decision?: ConsentDecision;
  decidedAt?: string;
  /** The User-Agent of the browser the decision was made in. */
  decisionUserAgent?: string;
}

/** A version of the consent text shown to parents, stored once and referenced by its hash. */
export interface ConsentTextRecord {
  readonly hash: string;
  readonly lang: Lang;
  readonly text: string;
  readonly firstUsedAt: string;
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
  /** The request the mail belongs to (a ticket or consent id): its sending is audited under it as `mail.sent`. */
  readonly ref?: string;
  /** The text holds a secret (a consent link): it is scrubbed from this record once the mail is sent. */
  readonly scrubAfterSend?: boolean;
  /** Threading: this mail's Message-ID and the one it answers. */
  readonly messageId?: string;
  readonly inReplyTo?: string;
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

/** What went wrong in a turn, for the admins' inbox. */
export type InboxKind = 'none' | 'suggest' | 'offtopic' | 'downvote' | 'midflow' | 'cancelled';

/**
 * One thing that went wrong for a customer, kept for the admins' inbox for RETENTION_DAYS. Anonymous by design: no
 * conversation or user id, the time only to the hour, and the question masked like the logs (domain/redact.ts).
 */
export interface InboxRecord {
  readonly id: string;
  readonly kind: InboxKind;
  /** ISO time, rounded down to the hour. */
  readonly at: string;
  readonly lang: Lang;
  /** The customer's message, personal data masked, at most 300 characters (absent for a cancelled flow). */
  readonly question?: string;
  /** The off-topic entry, the answer voted down, or the answer given to a question asked mid-flow. */
  readonly entryId?: string;
  /** The entries a "did you mean" offered. */
  readonly offered?: readonly string[];
  /** What the customer clicked after a "did you mean": an offered entry or `none-of-these`; absent: nothing. */
  readonly choice?: string;
  /** The flow a question was asked in or that was cancelled, and its step. */
  readonly flow?: string;
  readonly step?: string;
}

/** Counts of one day (WIB) for the admins' analytics: never a message, only numbers. */
export interface DailyStatsRecord {
  /** YYYY-MM-DD in WIB. */
  readonly day: string;
  /** Replies by kind: answer, suggest, none, offtopic, smalltalk, contact, … */
  readonly replies: Readonly<Record<string, number>>;
  /** Answers given per entry. */
  readonly entries: Readonly<Record<string, number>>;
  readonly votes: Readonly<Record<string, { readonly up: number; readonly down: number }>>;
  /** Customer messages per language. */
  readonly langs: Readonly<Record<string, number>>;
  readonly flows: Readonly<Record<string, FlowFunnel>>;
}

/** One flow's funnel on one day: started, completed (request recorded), cancelled at which step. */
export interface FlowFunnel {
  readonly started: number;
  readonly completed: number;
  readonly cancelled: Readonly<Record<string, number>>;
}

/** A labelled question an admin added to the regression set that guards every knowledge change. */
export interface KnowledgeTestCaseRecord {
  readonly id: string;
  readonly q: string;
  /** Entry ids a right answer may come from, or `out_of_scope` (no answer is right). */
  readonly expect: readonly string[] | 'out_of_scope';
  readonly addedAt: string;
  readonly addedBy: string;
}

/** One saved version of faq.yaml in DATA_DIR/knowledge-history/: who made it, when and what it changed. */
export interface KnowledgeVersionRecord {
  /** Sortable: `<UTC time>-<hash>`. */
  readonly id: string;
  readonly at: string;
  /** `staff:<id>`, or `disk` for a version found on disk (a hand edit, or the file before the first console change). */
  readonly actor: string;
  /** What the change was, in words (e.g. "alternate added to protect"). */
  readonly summary: string;
  /** SHA-256 (first 16 hex) of the text. */
  readonly hash: string;
  /** Labelled questions right before and after the change (of `total`). */
  readonly accuracy?: { readonly before: number; readonly after: number; readonly total: number };
  readonly dropConfirmed?: boolean;
}

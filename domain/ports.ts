/**
 * What the domain needs from the world, as interfaces: the store (repositories inside a unit of work), mail delivery,
 * the clock and the channel that can reach a customer's conversation. bot/ implements them (bot/store, bot/mail,
 * bot/channel); a test can implement them in memory.
 *
 * Every repository method is async, so that a store on another machine (PostgreSQL) fits the same shape. Records
 * handed out are copies: changing them changes nothing stored.
 */
import type {
  ConsentDecision,
  ConsentRecord,
  FeedbackRecord,
  OutboxRecord,
  TicketRecord,
  UnsubscribeRecord,
} from './records.ts';

/** The time now; injected everywhere so tests can move it. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export interface TicketRepository {
  /** Whether a ticket id is in use (readable ids are drawn at random). */
  idTaken(id: string): Promise<boolean>;
  add(ticket: TicketRecord): Promise<void>;
  /** The ticket recorded for this request key (see RequestOrigin), if any. */
  findByRequestKey(requestKey: string): Promise<TicketRecord | undefined>;
}

export interface UnsubscribeRepository {
  /** The suppression-list entry of a mailbox, by its key (see address.ts emailKey). */
  find(emailKey: string): Promise<UnsubscribeRecord | undefined>;
  add(record: UnsubscribeRecord): Promise<void>;
  findByRequestKey(requestKey: string): Promise<UnsubscribeRecord | undefined>;
}

export interface ConsentRepository {
  idTaken(id: string): Promise<boolean>;
  add(consent: ConsentRecord): Promise<void>;
  findByRequestKey(requestKey: string): Promise<ConsentRecord | undefined>;
  /** The request whose link token has this SHA-256 (the token itself is never stored). */
  findByTokenHash(tokenHash: string): Promise<ConsentRecord | undefined>;
  /** Records the parent's decision on request `id`. */
  decide(id: string, decision: ConsentDecision, decidedAt: string): Promise<void>;
}

export interface FeedbackRepository {
  /** Adds a vote and drops the oldest beyond the newest `keepNewest`. */
  add(record: FeedbackRecord, keepNewest: number): Promise<void>;
}

/** What the mail caps look at: who got a mail, for which conversation. */
export interface SentMailFact {
  readonly to: string;
  readonly conversationId?: string;
  readonly clientKey?: string;
}

/** The mail outbox as a collection: the domain adds to it; the delivery worker (bot/mail) works through it. */
export interface OutboxRepository {
  add(record: OutboxRecord): Promise<void>;
  get(id: string): Promise<OutboxRecord | undefined>;
  /** Mails queued at or after `since` (any status), for the caps. */
  createdSince(since: Date): Promise<readonly SentMailFact[]>;
  /** The oldest pending mail due at `now` whose id is not in `skip`. */
  nextDue(now: Date, skip: ReadonlySet<string>): Promise<OutboxRecord | undefined>;
  /** Pending mails, oldest first. */
  pending(): Promise<readonly OutboxRecord[]>;
  /** Replaces the stored mail with the same id (status, attempts, text after scrubbing). */
  replace(record: OutboxRecord): Promise<void>;
  /** Deletes sent and failed mails queued before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/** The repositories as one unit of work sees them. */
export interface Transaction {
  readonly tickets: TicketRepository;
  readonly unsubscribes: UnsubscribeRepository;
  readonly consents: ConsentRepository;
  readonly feedback: FeedbackRepository;
  readonly outbox: OutboxRepository;
}

/**
 * The store of requests. `transaction` runs `work` as one unit: the writes it makes reach durable storage together
 * once it resolves, or none of them when it throws (a request and its mails are recorded atomically). Units that
 * touch the same records do not interleave.
 */
export interface RequestStore {
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}

/** Delivery of the mails a unit of work recorded (the outbox worker in bot/mail). */
export interface MailDelivery {
  /** Starts delivering what is due now (in the background). */
  wake(): void;
  /**
   * Starts delivering and waits at most `timeoutMs` for these mails to be accepted, so a flow can say "sent" rather
   * than "queued". True once all are sent; false on timeout or when one failed an attempt (it is retried later).
   */
  waitForDelivery(ids: readonly string[], timeoutMs: number): Promise<boolean>;
}

/** Tells the customer's conversation about a parent's decision (a proactive message); implemented by bot/channel. */
export interface ConsentNotifier {
  notify(consent: ConsentRecord): Promise<void>;
}

/**
 * What the domain needs from the world, as interfaces: the store (repositories inside a unit of work), mail delivery,
 * the clock and the channel that can reach a customer's conversation. bot/ implements them (bot/store, bot/mail,
 * bot/channel); a test can implement them in memory.
 *
 * Every repository method is async, so that a store on another machine (PostgreSQL) fits the same shape. Records
 * handed out are copies: changing them changes nothing stored.
 */
import type {
  AuditEntry,
  ConsentDecision,
  ConsentRecord,
  ConsentTextRecord,
  DailyStatsRecord,
  FeedbackRecord,
  InboxRecord,
  KnowledgeTestCaseRecord,
  KnowledgeVersionRecord,
  OutboxRecord,
  StaffRecord,
  StaffSessionRecord,
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
  get(id: string): Promise<TicketRecord | undefined>;
  /** Every ticket, oldest first (the console filters and sorts them in domain/ticketQueue.ts). */
  list(): Promise<readonly TicketRecord[]>;
  /** The ticket whose identity link has this SHA-256. */
  findByVerificationHash(tokenHash: string): Promise<TicketRecord | undefined>;
  /** Replaces the stored ticket with the same id. */
  replace(ticket: TicketRecord): Promise<void>;
}

export interface UnsubscribeRepository {
  /** The suppression-list entry of a mailbox, by its key (see address.ts emailKey). */
  find(emailKey: string): Promise<UnsubscribeRecord | undefined>;
  add(record: UnsubscribeRecord): Promise<void>;
  findByRequestKey(requestKey: string): Promise<UnsubscribeRecord | undefined>;
  /** The whole list, oldest first. */
  list(): Promise<readonly UnsubscribeRecord[]>;
  /** Removes a mailbox from the list (it opted in again); false when it was not on it. */
  remove(emailKey: string): Promise<boolean>;
}

export interface ConsentRepository {
  idTaken(id: string): Promise<boolean>;
  add(consent: ConsentRecord): Promise<void>;
  findByRequestKey(requestKey: string): Promise<ConsentRecord | undefined>;
  /** The request whose link token has this SHA-256 (the token itself is never stored). */
  findByTokenHash(tokenHash: string): Promise<ConsentRecord | undefined>;
  /** Records the parent's decision on request `id` (with the deciding browser's User-Agent). */
  decide(id: string, decision: ConsentDecision, decidedAt: string, userAgent?: string): Promise<void>;
  get(id: string): Promise<ConsentRecord | undefined>;
  /** Every consent request, oldest first. */
  list(): Promise<readonly ConsentRecord[]>;
}

/** The consent texts parents were shown, one record per version (by hash). */
export interface ConsentTextRepository {
  get(hash: string): Promise<ConsentTextRecord | undefined>;
  /** Stores the text unless a record with its hash exists. */
  keep(record: ConsentTextRecord): Promise<void>;
}

export interface StaffRepository {
  get(id: string): Promise<StaffRecord | undefined>;
  /** By lower-cased address. */
  findByEmail(email: string): Promise<StaffRecord | undefined>;
  list(): Promise<readonly StaffRecord[]>;
  add(staff: StaffRecord): Promise<void>;
  replace(staff: StaffRecord): Promise<void>;
}

export interface StaffSessionRepository {
  get(idHash: string): Promise<StaffSessionRecord | undefined>;
  add(session: StaffSessionRecord): Promise<void>;
  replace(session: StaffSessionRecord): Promise<void>;
  remove(idHash: string): Promise<void>;
  /** Ends every session of a staff member (disabled, password reset); returns how many. */
  removeForStaff(staffId: string): Promise<number>;
  /** Deletes sessions last seen before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/** The append-only audit trail: nothing is ever changed or removed through it. */
export interface AuditRepository {
  /** The newest entry (the chain continues from its hash). */
  last(): Promise<AuditEntry | undefined>;
  append(entry: AuditEntry): Promise<void>;
  /** Every entry, oldest first. */
  list(): Promise<readonly AuditEntry[]>;
}

/** When each daily job last ran (the day key it ran for), so a restart does not repeat it. */
export interface JobMarkRepository {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
}

export interface FeedbackRepository {
  /** Adds a vote and drops the oldest beyond the newest `keepNewest`. */
  add(record: FeedbackRecord, keepNewest: number): Promise<void>;
  /** The votes kept, oldest first (for the answers' statistics). */
  list(): Promise<readonly FeedbackRecord[]>;
}

/**
 * The admins' inbox of what went wrong (anonymous records, see InboxRecord). Small on purpose: a store adds, lists,
 * updates one record's choice and removes by id or age.
 */
export interface InboxRepository {
  /** Adds records and drops the oldest beyond the newest `keepNewest`. */
  add(records: readonly InboxRecord[], keepNewest: number): Promise<void>;
  /** Sets what the customer clicked after a "did you mean"; false (nothing changed) when there is no such record. */
  setChoice(id: string, choice: string): Promise<boolean>;
  /** Every record, oldest first. */
  list(): Promise<readonly InboxRecord[]>;
  /** Removes these records; returns how many there were. */
  remove(ids: readonly string[]): Promise<number>;
  /** Deletes records from before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/** Daily counts for the analytics, one record per day (WIB). */
export interface DailyStatsRepository {
  get(day: string): Promise<DailyStatsRecord | undefined>;
  /** Stores the day's record, replacing the one of the same day. */
  put(record: DailyStatsRecord): Promise<void>;
  /** Days from `from` to `to` (inclusive, YYYY-MM-DD), oldest first. */
  list(from: string, to: string): Promise<readonly DailyStatsRecord[]>;
}

/** Labelled questions admins add to the regression set. */
export interface KnowledgeTestCaseRepository {
  list(): Promise<readonly KnowledgeTestCaseRecord[]>;
  add(record: KnowledgeTestCaseRecord): Promise<void>;
  /** False when there was no such case. */
  remove(id: string): Promise<boolean>;
}

/**
 * faq.yaml and its saved versions. Implemented on disk (bot/store/knowledgeFiles.ts): the file written atomically
 * (temp file, fsync, rename), each version kept as DATA_DIR/knowledge-history/<id>.yaml with its facts beside it.
 */
export interface KnowledgeFileStore {
  readFaq(): Promise<string>;
  /**
   * Replaces faq.yaml with `text` atomically; with `expected`, only while the file still holds exactly that (checked
   * just before the swap, so a hand edit saved meanwhile is not overwritten): false when it does not.
   */
  writeFaq(text: string, expected?: string): Promise<boolean>;
  /** Keeps a version (text and facts); keeping the same id again changes nothing. */
  keep(record: KnowledgeVersionRecord, text: string): Promise<void>;
  /** Every kept version, oldest first. */
  versions(): Promise<readonly KnowledgeVersionRecord[]>;
  /** A kept version's text; undefined when there is none with that id. */
  read(id: string): Promise<string | undefined>;
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
  /** Pending mails, oldest first. */
  pending(): Promise<readonly OutboxRecord[]>;
  /**
   * Replaces the stored mail with the same id (status, attempts, text after scrubbing). Written back by a delivery
   * worker, it also ends that worker's claim on the mail (bot/store's MailQueue).
   */
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
  readonly consentTexts: ConsentTextRepository;
  readonly staff: StaffRepository;
  readonly sessions: StaffSessionRepository;
  readonly audit: AuditRepository;
  readonly jobMarks: JobMarkRepository;
  readonly inbox: InboxRepository;
  readonly dailyStats: DailyStatsRepository;
  readonly knowledgeTests: KnowledgeTestCaseRepository;
}

/**
 * The store of requests. `transaction` runs `work` as one unit: the writes it makes reach durable storage together
 * once it resolves, or none of them when it throws (a request and its mails are recorded atomically). Units that
 * touch the same records do not interleave, also across several instances of the assistant on one database.
 *
 * A store may run `work` more than once (PostgreSQL aborts a unit that collided with a concurrent one, and the store
 * runs it again from the start): `work` must read and write only through `tx` and keep no other effect.
 */
export interface RequestStore {
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}

/** The outcome of counting one event against a rate limit. */
export type RateCheck =
  | { readonly allowed: true; readonly remaining: number }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * Counts events per key in fixed windows, for rate limits. With a shared store (PostgreSQL) every instance of the
 * assistant counts in the same place, so a limit holds however the load balancer spreads the requests.
 */
export interface RateCounter {
  /**
   * Counts one event for `key` if fewer than `limit` were counted in its current window (which starts at the first
   * event after the previous window ended and lasts `windowMs`); says whether it was allowed.
   */
  take(key: string, limit: number, windowMs: number): Promise<RateCheck>;
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

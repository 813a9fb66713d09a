/**
 * The outbox: every e-mail the assistant promises is first recorded on disk ('pending'), then delivered in the
 * background with retries and exponential back-off. Pending mail survives restarts (start() picks it up again).
 *
 * Delivery is at-least-once: if the process dies between the SMTP server accepting a message and the 'sent' status
 * reaching the disk, the message is sent again after the restart, with the same Message-ID so the duplicate is
 * recognisable. Within one process a record is never sent twice. Run one Outbox per database.
 */
import { randomUUID } from 'node:crypto';
import { emailKey, InvalidAddressError, maskEmail, maskEmailsIn, normalizeEmail } from '../../domain/address.ts';
import type { DatabaseShape, OutboxRecord } from '../../domain/records.ts';
import type { Logger } from '../log/logger.ts';
import type { Db } from '../store/lowdb/jsonDocument.ts';
import { type MailTransport, type OutgoingMail, safeSubject } from './transport.ts';

export { InvalidAddressError } from '../../domain/address.ts';

export interface RetryPolicy {
  /** Delay after the first failure; doubles with each further failure. */
  readonly baseMs: number;
  /** Longest delay between two attempts. */
  readonly maxMs: number;
  /** A record still failing this long after it was queued is marked 'failed' and no longer retried. */
  readonly giveUpAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 30_000,
  maxMs: 60 * 60_000,
  giveUpAfterMs: 72 * 60 * 60_000,
};

export interface OutboxDeps {
  readonly db: Db;
  readonly transport: MailTransport;
  readonly logger: Logger;
  /** Sender address (a plain addr-spec); its domain also names the Message-IDs. */
  readonly from: string;
  readonly now?: () => Date;
  readonly retry?: Partial<RetryPolicy>;
  /** Source of the ±20 % jitter, in [0, 1). */
  readonly random?: () => number;
}

export interface EnqueueInput {
  readonly to: string;
  readonly replyTo?: string;
  /** One of our fixed subject texts (control characters are removed anyway). */
  readonly subject: string;
  readonly text: string;
  /** What caused the mail (e.g. "ticket-confirmation"), for logs and caps. */
  readonly purpose: string;
  /** The text holds a secret (a link's token): replace long tokens in the stored copy once it is sent. */
  readonly scrubAfterSend?: boolean;
  readonly conversationId?: string;
}

/** What an enqueueWith() callback returns: its own result and the mails to record with it. */
export interface TransactionalMails<T> {
  readonly result: T;
  readonly mails: readonly EnqueueInput[];
}

export interface DeliveryTotals {
  /** Messages accepted by the transport in this run. */
  sent: number;
  /** Failed attempts in this run (retried later, or given up on). */
  failed: number;
}

export interface RecentQuery {
  readonly to?: string;
  readonly conversationId?: string;
  readonly since: Date;
}

interface SentMark {
  readonly id: string;
  readonly sentAt: string;
  readonly attempts: number;
}

const MAX_ERROR_LENGTH = 300;
const JITTER = 0.2;

export class Outbox {
  private readonly db: Db;
  private readonly transport: MailTransport;
  private readonly logger: Logger;
  private readonly from: string;
  private readonly messageIdDomain: string;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly retry: RetryPolicy;

  /** The delivery run in progress, joined by any deliverDue() call while `active`. */
  private running: Promise<DeliveryTotals> | undefined;
  private active = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Set by stop(): the run in progress finishes the message it is sending and then ends. */
  private halt = false;
  /** Sent, but the 'sent' status could not be written yet: never sent again by this process. */
  private readonly unrecorded = new Map<string, SentMark>();
  /** waitForDelivery() callers, told whenever a record was sent or failed. */
  private readonly waiters = new Set<() => void>();

  constructor(deps: OutboxDeps) {
    const from = normalizeEmail(deps.from);
    if (!from) throw new InvalidAddressError('from');
    this.db = deps.db;
    this.transport = deps.transport;
    this.logger = deps.logger;
    this.from = from;
    this.messageIdDomain = from.slice(from.indexOf('@') + 1);
    this.now = deps.now ?? (() => new Date());
    this.random = deps.random ?? Math.random;
    this.retry = { ...DEFAULT_RETRY, ...deps.retry };
    const { baseMs, maxMs, giveUpAfterMs } = this.retry;
    if (!(baseMs > 0 && maxMs >= baseMs && giveUpAfterMs >= 0))
      throw new RangeError('retry policy needs baseMs > 0, maxMs >= baseMs and giveUpAfterMs >= 0');
  }

  /**
   * Validates and records a message as 'pending' (resolves once it is on disk), then starts delivering it in the
   * background. Throws InvalidAddressError, and records nothing, when `to` or `replyTo` is not a plain address.
   */
  async enqueue(input: EnqueueInput): Promise<OutboxRecord> {
    const record = this.newRecord(input, this.now().toISOString()); // validates before touching the database
    await this.db.update((data) => {
      data.outbox.push(structuredClone(record));
    });
    this.queued([record]);
    return structuredClone(record);
  }

  /**
   * A transactional outbox: runs `fn` inside one database update and records the mails it returns in that same
   * update, so the flow's own change (a ticket, a consent decision …) and its mails reach the disk together or not at
   * all. An invalid address in any mail throws InvalidAddressError from inside the update, which then changes nothing.
   * `fn` must be synchronous. Delivery starts in the background once the update is on disk. (`const T` keeps the
   * literal types of a result returned from several branches, e.g. `{ status: 'decided' }`, instead of widening them.)
   */
  async enqueueWith<const T>(
    fn: (data: DatabaseShape) => TransactionalMails<T>,
  ): Promise<{ result: T; records: OutboxRecord[] }> {
    const createdAt = this.now().toISOString();
    const { result, records } = await this.db.update((data) => {
      const outcome = fn(data);
      const created = outcome.mails.map((mail) => this.newRecord(mail, createdAt));
      for (const record of created) data.outbox.push(structuredClone(record));
      return { result: outcome.result, records: created };
    });
    this.queued(records);
    return { result, records: records.map((r) => structuredClone(r)) };
  }

  /**
   * Waits (at most `timeoutMs` of real time) for the given records to be sent, so a flow can say "sent" rather than
   * "queued". Resolves true once all of them are sent; false on timeout, as soon as one of them has failed an attempt
   * (it is retried later, in the background) or given up, or when an id is unknown.
   */
  waitForDelivery(ids: readonly string[], timeoutMs: number): Promise<boolean> {
    const state = this.deliveryState(ids);
    if (state !== 'waiting') return Promise.resolve(state === 'sent');
    if (!(timeoutMs > 0)) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (delivered: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(delivered);
      };
      const check = (): void => {
        const now = this.deliveryState(ids);
        if (now !== 'waiting') finish(now === 'sent');
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      timer.unref();
      this.waiters.add(check);
    });
  }

  /**
   * Sends every pending record that is due, oldest first, one at a time. Single-flight: a call while a run is in
   * progress joins that run (which also picks up records that become due while it runs).
   */
  deliverDue(): Promise<DeliveryTotals> {
    if (this.active && this.running) return this.running;
    this.active = true;
    this.running = this.run();
    return this.running;
  }

  /** Delivers now and then every `intervalMs` (timer does not keep the process alive). Resumes mail left pending. */
  start(intervalMs = 15_000): void {
    this.stopped = false;
    this.halt = false; // a run still finishing after stop() carries on instead of ending early
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => this.trigger(), intervalMs);
    this.timer.unref();
    this.trigger();
  }

  /**
   * Stops the timer and background deliveries; a delivery in progress ends after its current message, and is awaited.
   * Manual deliverDue() calls still work afterwards.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halt = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.active && this.running) await this.running.catch(() => undefined);
  }

  /** How many messages (any status) were queued since `since`, to `to` and/or for `conversationId`. */
  countRecent(query: RecentQuery): number {
    const key = query.to === undefined ? undefined : emailKey(query.to);
    if (query.to !== undefined && key === undefined) return 0; // nothing invalid is ever stored
    const since = query.since.getTime();
    return this.db.read(
      (data) =>
        data.outbox.filter(
          (record) =>
            Date.parse(record.createdAt) >= since &&
            (key === undefined || emailKey(record.to) === key) &&
            (query.conversationId === undefined || record.conversationId === query.conversationId),
        ).length,
    );
  }

  /** Records still waiting for delivery, oldest first (copies). */
  pending(): OutboxRecord[] {
    return this.db
      .read((data) => data.outbox.filter((record) => record.status === 'pending').map((r) => structuredClone(r)))
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  }

  /**
   * Deletes sent and failed records queued before `before` (they hold personal data: addresses and mail bodies).
   * Pending records are kept. Resolves with the number removed, once on disk.
   */
  async prune(before: Date): Promise<number> {
    const limit = before.getTime();
    const removed = await this.db.update((data) => {
      const keep = data.outbox.filter((r) => r.status === 'pending' || Date.parse(r.createdAt) >= limit);
      const count = data.outbox.length - keep.length;
      data.outbox = keep;
      return count;
    });
    if (removed > 0) this.logger.info({ removed }, 'old outbox records pruned');
    return removed;
  }

  /** A new 'pending' record for `input`; throws InvalidAddressError when an address is not a plain addr-spec. */
  private newRecord(input: EnqueueInput, createdAt: string): OutboxRecord {
    const to = normalizeEmail(input.to);
    if (!to) throw new InvalidAddressError('to');
    let replyTo: string | undefined;
    if (input.replyTo !== undefined) {
      replyTo = normalizeEmail(input.replyTo);
      if (!replyTo) throw new InvalidAddressError('replyTo');
    }
    return {
      id: randomUUID(),
      createdAt,
      to,
      ...(replyTo ? { replyTo } : {}),
      subject: safeSubject(input.subject),
      text: input.text,
      ...(input.conversationId !== undefined ? { conversationId: input.conversationId } : {}),
      purpose: input.purpose,
      ...(input.scrubAfterSend ? { scrubAfterSend: true } : {}),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: createdAt,
    };
  }

  /** After new records reached the disk: log them and start delivering. */
  private queued(records: readonly OutboxRecord[]): void {
    for (const record of records)
      this.logger.info({ outboxId: record.id, purpose: record.purpose, to: maskEmail(record.to) }, 'mail queued');
    if (records.length > 0 && !this.stopped) this.trigger();
  }

  /** 'sent' when every record is sent, 'failed' when one failed an attempt, gave up or is unknown, else 'waiting'. */
  private deliveryState(ids: readonly string[]): 'sent' | 'failed' | 'waiting' {
    return this.db.read((data) => {
      let waiting = false;
      for (const id of ids) {
        const record = data.outbox.find((r) => r.id === id);
        if (!record || record.status === 'failed') return 'failed';
        if (record.status === 'pending') {
          if (record.attempts > 0) return 'failed';
          waiting = true;
        }
      }
      return waiting ? 'waiting' : 'sent';
    });
  }

  /** Lets waitForDelivery() callers look again after a record changed. */
  private notifyWaiters(): void {
    for (const check of [...this.waiters]) check();
  }

  /** Runs a delivery in the background; its failure is logged, never left unhandled. */
  private trigger(): void {
    this.deliverDue().catch((error: unknown) => {
      this.logger.error({ error: describeError(error) }, 'mail delivery run failed');
    });
  }

  private async run(): Promise<DeliveryTotals> {
    const totals: DeliveryTotals = { sent: 0, failed: 0 };
    const tried = new Set<string>();
    this.halt = false;
    try {
      await this.recordUnrecorded();
      while (!this.halt) {
        const record = this.nextDue(tried);
        if (!record) break;
        tried.add(record.id);
        await this.attempt(record, totals);
      }
    } finally {
      // Cleared in the same synchronous step as the last "anything due?" check: a later call starts a new run.
      this.active = false;
    }
    return totals;
  }

  /** The oldest pending record due now that this run has not tried yet. */
  private nextDue(tried: ReadonlySet<string>): OutboxRecord | undefined {
    const now = this.now().getTime();
    const found = this.db.read((data) => {
      let best: OutboxRecord | undefined;
      for (const record of data.outbox) {
        if (record.status !== 'pending' || tried.has(record.id) || this.unrecorded.has(record.id)) continue;
        if (Date.parse(record.nextAttemptAt) > now) continue;
        if (!best || Date.parse(record.createdAt) < Date.parse(best.createdAt)) best = record;
      }
      return best;
    });
    return found && structuredClone(found);
  }

  private async attempt(record: OutboxRecord, totals: DeliveryTotals): Promise<void> {
    const mail: OutgoingMail = {
      messageId: `<${record.id}@${this.messageIdDomain}>`,
      from: this.from,
      to: record.to,
      ...(record.replyTo ? { replyTo: record.replyTo } : {}),
      subject: record.subject,
      text: record.text,
    };
    const log = { outboxId: record.id, purpose: record.purpose, to: maskEmail(record.to) };
    try {
      await this.transport.send(mail);
    } catch (error) {
      totals.failed += 1;
      await this.recordFailure(record, error);
      return;
    }
    totals.sent += 1;
    const sent: SentMark = { id: record.id, sentAt: this.now().toISOString(), attempts: record.attempts + 1 };
    this.logger.info({ ...log, attempts: sent.attempts }, 'mail sent');
    try {
      await this.markSent(sent);
      this.notifyWaiters();
    } catch (error) {
      this.unrecorded.set(record.id, sent);
      this.logger.error({ ...log, error: describeError(error) }, 'mail sent but its status could not be saved');
      throw error;
    }
  }

  /** Idempotent: writing it again (after a failed disk write) changes nothing more. */
  private async markSent(sent: SentMark): Promise<void> {
    await this.db.update((data) => {
      const stored = data.outbox.find((r) => r.id === sent.id);
      if (!stored) return;
      stored.status = 'sent';
      stored.sentAt = sent.sentAt;
      stored.attempts = sent.attempts;
      // Secrets (a consent link's token) are kept only as long as the mail may still need sending.
      if (stored.scrubAfterSend) stored.text = scrubSecrets(stored.text);
    });
  }

  /** Retries writing the 'sent' status of messages whose first write failed. */
  private async recordUnrecorded(): Promise<void> {
    for (const sent of [...this.unrecorded.values()]) {
      await this.markSent(sent);
      this.unrecorded.delete(sent.id);
      this.notifyWaiters();
    }
  }

  private async recordFailure(record: OutboxRecord, error: unknown): Promise<void> {
    const now = this.now();
    const attempts = record.attempts + 1;
    const lastError = describeError(error);
    const giveUp = now.getTime() - Date.parse(record.createdAt) >= this.retry.giveUpAfterMs;
    const nextAttemptAt = giveUp
      ? record.nextAttemptAt
      : new Date(now.getTime() + this.backoff(attempts)).toISOString();
    await this.db.update((data) => {
      const stored = data.outbox.find((r) => r.id === record.id);
      if (stored?.status !== 'pending') return;
      stored.attempts = attempts;
      stored.lastError = lastError;
      if (giveUp) stored.status = 'failed';
      else stored.nextAttemptAt = nextAttemptAt;
    });
    const log = { outboxId: record.id, purpose: record.purpose, to: maskEmail(record.to), attempts, error: lastError };
    if (giveUp) this.logger.error(log, 'mail could not be delivered; giving up');
    else this.logger.warn({ ...log, nextAttemptAt }, 'mail delivery failed; will retry');
    this.notifyWaiters();
  }

  /** base · 2^(attempts−1), capped at maxMs, ±20 % jitter so queued mail does not retry in lockstep. */
  private backoff(attempts: number): number {
    const { baseMs, maxMs } = this.retry;
    const delay = Math.min(maxMs, baseMs * 2 ** Math.min(attempts - 1, 52));
    const jitter = 1 - JITTER + 2 * JITTER * this.random();
    return Math.max(1, Math.round(delay * jitter));
  }
}

/** `CODE: message`, one line, addresses masked, bounded: safe for the database and the logs. */
export function describeError(error: unknown): string {
  let text: string;
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    text = code && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
  } else {
    text = String(error);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const oneLine = maskEmailsIn(text.replace(/[\u0000-\u001f\u007f]+/g, ' ')).trim();
  return oneLine.length > MAX_ERROR_LENGTH ? `${oneLine.slice(0, MAX_ERROR_LENGTH - 1)}…` : oneLine || 'unknown error';
}

/** Replaces token-like runs (32+ URL-safe characters) with a marker: what stays of a sent mail that held a secret. */
export function scrubSecrets(text: string): string {
  return text.replace(/[A-Za-z0-9_-]{32,}/g, '[removed]');
}

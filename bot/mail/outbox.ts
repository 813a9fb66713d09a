/**
 * The outbox worker: every e-mail the assistant promises is first recorded in the store ('pending', by the domain's
 * unit of work), then delivered here in the background with retries and exponential back-off. Pending mail survives
 * restarts (start() picks it up again). Implements the domain's MailDelivery port.
 *
 * A permanent refusal (an SMTP 5xx reply, or a message the transport refuses as invalid) is not retried: the record is
 * marked 'failed' at once and an error naming its outbox id and purpose is logged, for support to follow up.
 *
 * Several workers (one per instance of the assistant) may share one store: each mail is claimed by one worker at a
 * time (the store's MailQueue) for CLAIM_MS, and writing it back ends the claim, so no two workers send the same mail.
 *
 * Delivery is at-least-once: if the process dies between the SMTP server accepting a message and the 'sent' status
 * reaching the store, the message is sent again (after a restart, or by another instance once the claim expired),
 * with the same Message-ID so the duplicate is recognisable. Within one process a record is never sent twice.
 */
import { InvalidAddressError, maskEmail, parseMailbox } from '../../domain/address.ts';
import { appendAudit } from '../../domain/audit.ts';
import { scrubSecrets } from '../../domain/outgoingMail.ts';
import type { Clock, MailDelivery, RequestStore } from '../../domain/ports.ts';
import type { OutboxRecord } from '../../domain/records.ts';
import { describeError } from '../log/describeError.ts';
import type { Logger } from '../log/logger.ts';
import type { MailQueue } from '../store/store.ts';
import { InvalidMailError, type MailTransport, type OutgoingMail } from './transport.ts';

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

/**
 * How long a worker holds a mail it is sending. Far longer than one send can take (every SMTP step times out after
 * 10 s), so another instance takes the mail over only when the one that claimed it is gone.
 */
export const CLAIM_MS = 5 * 60_000;

/** How often a flow waiting for its mail looks at the store (another instance's worker may be sending it). */
const WAIT_POLL_MS = 200;

export interface OutboxDeps {
  readonly store: RequestStore;
  /** Where the worker claims due mail (shared by the workers of every instance). */
  readonly queue: MailQueue;
  /** How long a claim lasts (default CLAIM_MS). */
  readonly claimMs?: number;
  readonly transport: MailTransport;
  readonly logger: Logger;
  /** Sender: `address` or `Display Name <address>` (MAIL_FROM); the address's domain also names the Message-IDs. */
  readonly from: string;
  readonly now?: Clock;
  readonly retry?: Partial<RetryPolicy>;
  /** Source of the ±20 % jitter, in [0, 1). */
  readonly random?: () => number;
}

export interface DeliveryTotals {
  /** Messages accepted by the transport in this run. */
  sent: number;
  /** Failed attempts in this run (retried later, or given up on). */
  failed: number;
}

interface SentMark {
  readonly id: string;
  readonly sentAt: string;
  readonly attempts: number;
}

const JITTER = 0.2;

export class Outbox implements MailDelivery {
  private readonly store: RequestStore;
  private readonly queue: MailQueue;
  private readonly claimMs: number;
  private readonly transport: MailTransport;
  private readonly logger: Logger;
  private readonly from: string;
  private readonly fromName: string;
  private readonly messageIdDomain: string;
  private readonly now: Clock;
  private readonly random: () => number;
  private readonly retry: RetryPolicy;

  /** The delivery run in progress, joined by any deliverDue() call while `active`. */
  private running: Promise<DeliveryTotals> | undefined;
  private active = false;
  /** A delivery was asked for while the run in progress was looking for due mail: it looks once more. */
  private lookAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Set by stop(): the run in progress finishes the message it is sending and then ends. */
  private halt = false;
  /** Sent, but the 'sent' status could not be written yet: never sent again by this process. */
  private readonly unrecorded = new Map<string, SentMark>();
  /** waitForDelivery() callers, told whenever a record was sent or failed. */
  private readonly waiters = new Set<() => void>();

  constructor(deps: OutboxDeps) {
    const sender = parseMailbox(deps.from);
    if (!sender) throw new InvalidAddressError('from');
    const from = sender.address;
    this.fromName = sender.name;
    this.store = deps.store;
    this.queue = deps.queue;
    this.claimMs = deps.claimMs ?? CLAIM_MS;
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

  /** Starts a delivery run in the background (new mail was recorded), unless stopped. */
  wake(): void {
    if (!this.stopped) this.trigger();
  }

  /**
   * Starts delivering, then waits (at most `timeoutMs` of real time) for the given records to be sent, so a flow can
   * say "sent" rather than "queued". Resolves true once all of them are sent; false on timeout, as soon as one of
   * them has failed an attempt (it is retried later, in the background) or given up, or when an id is unknown.
   */
  async waitForDelivery(ids: readonly string[], timeoutMs: number): Promise<boolean> {
    if (ids.length === 0) return true;
    this.wake();
    const state = await this.deliveryState(ids);
    if (state !== 'waiting') return state === 'sent';
    if (!(timeoutMs > 0)) return false;
    return new Promise((resolve) => {
      let done = false;
      const finish = (delivered: boolean): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(check);
        resolve(delivered);
      };
      const check = (): void => {
        void this.deliveryState(ids).then(
          (now) => now !== 'waiting' && finish(now === 'sent'),
          () => finish(false),
        );
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      timer.unref();
      // This worker tells its waiters at once; a mail another instance's worker took is seen by looking again.
      const poll = setInterval(check, WAIT_POLL_MS);
      poll.unref();
      this.waiters.add(check);
    });
  }

  /**
   * Sends every pending record that is due, oldest first, one at a time. Single-flight: a call while a run is in
   * progress joins that run (which also picks up records that become due while it runs).
   */
  deliverDue(): Promise<DeliveryTotals> {
    if (this.active && this.running) {
      // Mail recorded after the run's last look must not wait for the next timer: the run looks once more.
      this.lookAgain = true;
      return this.running;
    }
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

  /** Records still waiting for delivery, oldest first (copies). */
  pending(): Promise<readonly OutboxRecord[]> {
    return this.store.transaction((tx) => tx.outbox.pending());
  }

  /**
   * Deletes sent and failed records queued before `before` (they hold personal data: addresses and mail bodies).
   * Pending records are kept. Resolves with the number removed, once stored.
   */
  async prune(before: Date): Promise<number> {
    const removed = await this.store.transaction((tx) => tx.outbox.prune(before));
    if (removed > 0) this.logger.info({ removed }, 'old outbox records pruned');
    return removed;
  }

  /** 'sent' when every record is sent, 'failed' when one failed an attempt, gave up or is unknown, else 'waiting'. */
  private deliveryState(ids: readonly string[]): Promise<'sent' | 'failed' | 'waiting'> {
    return this.store.transaction(async (tx) => {
      let waiting = false;
      for (const id of ids) {
        const record = await tx.outbox.get(id);
        if (!record || record.status === 'failed') return 'failed';
        if (record.status === 'pending') {
          if (record.attempts > 0 && !this.unrecorded.has(id)) return 'failed';
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
    this.lookAgain = false;
    try {
      await this.recordUnrecorded();
      while (!this.halt) {
        const skip = new Set([...tried, ...this.unrecorded.keys()]);
        const now = this.now();
        const record = await this.queue.claimDue(now, new Date(now.getTime() + this.claimMs), skip);
        if (!record) {
          if (!this.lookAgain) break;
          this.lookAgain = false;
          continue;
        }
        tried.add(record.id);
        await this.attempt(record, totals);
      }
    } finally {
      // Cleared right after the last "anything due?" check: a later call starts a new run.
      this.active = false;
    }
    return totals;
  }

  private async attempt(record: OutboxRecord, totals: DeliveryTotals): Promise<void> {
    const mail: OutgoingMail = {
      messageId: record.messageId ?? `<${record.id}@${this.messageIdDomain}>`,
      ...(record.inReplyTo ? { inReplyTo: record.inReplyTo } : {}),
      from: this.from,
      ...(this.fromName ? { fromName: this.fromName } : {}),
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

  /**
   * Idempotent: writing it again (after a failed write) changes nothing more. A request's mail (one with a `ref`) is
   * audited as `mail.sent` under the request in the same unit of work.
   */
  private async markSent(sent: SentMark): Promise<void> {
    await this.store.transaction(async (tx) => {
      const stored = await tx.outbox.get(sent.id);
      if (!stored || stored.status === 'sent') return;
      if (stored.ref !== undefined) {
        const details = { purpose: stored.purpose, outboxId: stored.id };
        await appendAudit(
          tx,
          { actor: 'system', action: 'mail.sent', target: stored.ref, details },
          new Date(sent.sentAt),
        );
      }
      await tx.outbox.replace({
        ...stored,
        status: 'sent',
        sentAt: sent.sentAt,
        attempts: sent.attempts,
        // Secrets (a consent link's token) are kept only as long as the mail may still need sending.
        text: stored.scrubAfterSend ? scrubSecrets(stored.text) : stored.text,
      });
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
    const permanent = isPermanentFailure(error);
    const giveUp = permanent || now.getTime() - Date.parse(record.createdAt) >= this.retry.giveUpAfterMs;
    const nextAttemptAt = giveUp
      ? record.nextAttemptAt
      : new Date(now.getTime() + this.backoff(attempts)).toISOString();
    await this.store.transaction(async (tx) => {
      const stored = await tx.outbox.get(record.id);
      if (stored?.status !== 'pending') return;
      await tx.outbox.replace({
        ...stored,
        attempts,
        lastError,
        // A mail that will never be sent keeps no secret either (a consent link's token).
        ...(giveUp
          ? { status: 'failed', text: stored.scrubAfterSend ? scrubSecrets(stored.text) : stored.text }
          : { nextAttemptAt }),
      });
    });
    const log = { outboxId: record.id, purpose: record.purpose, to: maskEmail(record.to), attempts, error: lastError };
    if (permanent)
      this.logger.error(
        { ...log, permanent: true, ...responseCodeOf(error) },
        'mail refused permanently (a 5xx reply or an invalid message); marked failed, not retried',
      );
    else if (giveUp) this.logger.error(log, 'mail could not be delivered; giving up');
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

/**
 * A failure that no retry can fix: the SMTP server answered with a 5xx reply (RFC 5321 "permanent negative
 * completion": unknown mailbox, policy refusal, message refused), or the transport refused the message as invalid
 * before sending it. Everything else (4xx replies, connection errors, timeouts) is temporary and retried.
 */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof InvalidMailError) return true;
  const code = responseCodeOf(error).responseCode;
  return code !== undefined && code >= 500 && code <= 599;
}

/** The SMTP reply code nodemailer puts on its errors, when there is one. */
function responseCodeOf(error: unknown): { responseCode?: number } {
  if (typeof error !== 'object' || error === null || !('responseCode' in error)) return {};
  const code = Number((error as { responseCode: unknown }).responseCode);
  return Number.isInteger(code) ? { responseCode: code } : {};
}

import type { RequestStore } from '../../domain/ports.ts';
import type { TicketRetention } from '../../domain/ticketRetention.ts';
import { describeError } from '../log/describeError.ts';
import type { Logger } from '../log/logger.ts';
import type { Outbox } from '../mail/outbox.ts';
import type { ConversationStorage, JobLock } from '../store/store.ts';

const DAY_MS = 24 * 3_600_000;
const JOB = 'retention';

export interface RetentionDeps {
  readonly conversations: ConversationStorage;
  readonly outbox: Outbox;
  /** Deletes the admins' inbox records from before a time; returns how many. */
  readonly inbox?: (before: Date) => Promise<number>;
  /** Where the day the job last ran is kept (a job mark), so each day's clean-up runs once. */
  readonly store: RequestStore;
  /** One instance at a time runs it (several may share the store). */
  readonly jobs: JobLock;
  readonly retentionDays: number;
  /** Anonymises closed tickets after TICKET_RETENTION_DAYS. */
  readonly tickets?: TicketRetention;
  readonly now: () => Date;
  readonly logger: Logger;
}

/**
 * Privacy by design, daily: forgets idle conversation state, delivered mail and the admins' inbox records after
 * RETENTION_DAYS, and the personal data of tickets closed longer than TICKET_RETENTION_DAYS. With several instances
 * on one store, each tries at start and every day; one runs it at a time (the store's job lock), and a day already
 * done (its job mark, written after the clean-up) is not done again.
 */
export class RetentionJob {
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RetentionDeps) {}

  /** Runs once now, then every day (the timer does not keep the process alive). */
  start(): void {
    void this.runOnce();
    this.#timer = setInterval(() => void this.runOnce(), DAY_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * One clean-up, unless another instance is running it or today's was done; resolves with what happened. Failures
   * are logged, never thrown (the mark is not written: the next try runs it again).
   */
  async runOnce(): Promise<'done' | 'already done today' | 'running elsewhere' | 'failed'> {
    const { jobs, store, logger } = this.deps;
    let outcome: 'done' | 'already done today' = 'done';
    try {
      const ran = await jobs.runAlone(JOB, async () => {
        const day = this.deps.now().toISOString().slice(0, 10);
        if ((await store.transaction((tx) => tx.jobMarks.get(JOB))) === day) {
          outcome = 'already done today';
          return;
        }
        await this.cleanUp();
        await store.transaction((tx) => tx.jobMarks.set(JOB, day));
      });
      return ran ? outcome : 'running elsewhere';
    } catch (error) {
      logger.error({ error: describeError(error) }, 'clean-up failed');
      return 'failed';
    }
  }

  private async cleanUp(): Promise<void> {
    const { conversations, outbox, inbox, retentionDays, now, logger } = this.deps;
    const before = new Date(now().getTime() - retentionDays * DAY_MS);
    const states = await conversations.pruneState(before);
    const mails = await outbox.prune(before);
    const questions = (await inbox?.(before)) ?? 0;
    const tickets = (await this.deps.tickets?.run()) ?? 0;
    if (states + mails + questions + tickets > 0)
      logger.info({ states, mails, questions, tickets }, 'expired data removed');
  }
}

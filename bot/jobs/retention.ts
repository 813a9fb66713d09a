import type { TicketRetention } from '../../domain/ticketRetention.ts';
import type { Logger } from '../log/logger.ts';
import type { Outbox } from '../mail/outbox.ts';
import type { ConversationStorage } from '../store/openStore.ts';

const DAY_MS = 24 * 3_600_000;

export interface RetentionDeps {
  readonly conversations: ConversationStorage;
  readonly outbox: Outbox;
  /** Deletes the admins' inbox records from before a time; returns how many. */
  readonly inbox?: (before: Date) => Promise<number>;
  readonly retentionDays: number;
  /** Anonymises closed tickets after TICKET_RETENTION_DAYS. */
  readonly tickets?: TicketRetention;
  readonly now: () => Date;
  readonly logger: Logger;
}

/**
 * Privacy by design, daily: forgets idle conversation state, delivered mail and the admins' inbox records after
 * RETENTION_DAYS, and the personal data of tickets closed longer than TICKET_RETENTION_DAYS.
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

  /** One clean-up; failures are logged, never thrown. */
  async runOnce(): Promise<void> {
    const { conversations, outbox, inbox, retentionDays, now, logger } = this.deps;
    const before = new Date(now().getTime() - retentionDays * DAY_MS);
    try {
      const states = await conversations.pruneState(before);
      const mails = await outbox.prune(before);
      const questions = (await inbox?.(before)) ?? 0;
      const tickets = (await this.deps.tickets?.run()) ?? 0;
      if (states + mails + questions + tickets > 0)
        logger.info({ states, mails, questions, tickets }, 'expired data removed');
    } catch (error) {
      logger.error({ error: error instanceof Error ? error.message : String(error) }, 'clean-up failed');
    }
  }
}

import type { MailDelivery } from '../../domain/ports.ts';
import type { ReminderService } from '../../domain/reminders.ts';
import { describeError } from '../log/describeError.ts';
import type { Logger } from '../log/logger.ts';
import type { JobLock } from '../store/store.ts';

export interface ReminderJobDeps {
  readonly reminders: ReminderService;
  readonly delivery: MailDelivery;
  /** With several instances on one store, one looks at a time (what it sends is recorded once either way). */
  readonly jobs?: JobLock;
  readonly logger: Logger;
  /** How often to look (default 5 minutes): the digest's hour and the 12-hour alerts are met within that. */
  readonly intervalMs?: number;
}

/**
 * Looks every few minutes for reminders that are due (domain/reminders.ts: the daily digest, the 12-hour alerts) and
 * wakes the mail delivery when it recorded some. What was sent is kept in the store, so a restart repeats nothing.
 */
export class ReminderJob {
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ReminderJobDeps) {}

  /** Looks now (resolves when done: a restart's missed digest is recorded before the assistant reports ready), then every few minutes. */
  start(): Promise<void> {
    const first = this.runOnce();
    this.#timer = setInterval(() => void this.runOnce(), this.deps.intervalMs ?? 5 * 60_000);
    this.#timer.unref();
    return first;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One look; failures are logged, never thrown. */
  async runOnce(): Promise<void> {
    const { reminders, delivery, jobs, logger } = this.deps;
    const look = async (): Promise<void> => {
      const run = await reminders.run();
      if (run.digest || run.alerts > 0) {
        logger.info(run, 'reminders recorded');
        delivery.wake();
      }
    };
    try {
      if (jobs) await jobs.runAlone('reminders', look);
      else await look();
    } catch (error) {
      logger.error({ error: describeError(error) }, 'reminders failed');
    }
  }
}

import type { Db } from '../bot/store/lowdb/jsonDocument.ts';
import type { Lang } from '../knowledge/types.ts';
import type { FeedbackRecord, FeedbackVote } from './records.ts';
import { type Clock, systemClock } from './time.ts';

export interface FeedbackInput {
  readonly entryId: string;
  readonly vote: FeedbackVote;
  readonly lang: Lang;
}

export interface FeedbackServiceDeps {
  readonly db: Db;
  readonly now?: Clock;
  /** The newest this many votes are kept (the oldest go first), so clicking cannot grow the database without end. */
  readonly maxRecords?: number;
}

export interface FeedbackCount {
  readonly up: number;
  readonly down: number;
}

const HOUR_MS = 3_600_000;
const DEFAULT_MAX_RECORDS = 10_000;

/**
 * Records 👍/👎 on policy answers, to find the answers customers do not find helpful. Framework-free. A record holds
 * only the entry, the vote, the language and the hour (no conversation, user or text), so it is not personal data.
 */
export class FeedbackService {
  readonly #db: Db;
  readonly #now: Clock;
  readonly #maxRecords: number;

  constructor(deps: FeedbackServiceDeps) {
    this.#db = deps.db;
    this.#now = deps.now ?? systemClock;
    this.#maxRecords = Math.max(1, deps.maxRecords ?? DEFAULT_MAX_RECORDS);
  }

  /** Resolves once the vote is on disk (so the customer can be thanked truthfully); rejects when it could not be. */
  async record(input: FeedbackInput): Promise<FeedbackRecord> {
    const hour = Math.floor(this.#now().getTime() / HOUR_MS) * HOUR_MS;
    const record: FeedbackRecord = {
      entryId: input.entryId,
      vote: input.vote,
      lang: input.lang,
      at: new Date(hour).toISOString(),
    };
    await this.#db.update((data) => {
      data.feedback.push(record);
      const excess = data.feedback.length - this.#maxRecords;
      if (excess > 0) data.feedback.splice(0, excess);
    });
    return record;
  }

  /** Votes per entry, for reports. */
  counts(): ReadonlyMap<string, FeedbackCount> {
    return this.#db.read((data) => {
      const counts = new Map<string, { up: number; down: number }>();
      for (const { entryId, vote } of data.feedback) {
        const count = counts.get(entryId) ?? { up: 0, down: 0 };
        count[vote] += 1;
        counts.set(entryId, count);
      }
      return counts;
    });
  }
}

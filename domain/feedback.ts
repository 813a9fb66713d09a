import type { Lang } from '../knowledge/types.ts';
import type { Clock, RequestStore } from './ports.ts';
import type { FeedbackRecord, FeedbackVote } from './records.ts';

export interface FeedbackInput {
  readonly entryId: string;
  readonly vote: FeedbackVote;
  readonly lang: Lang;
}

export interface FeedbackServiceDeps {
  readonly store: RequestStore;
  readonly now: Clock;
  /** The newest this many votes are kept (the oldest go first), so clicking cannot grow the store without end. */
  readonly maxRecords?: number;
}

const HOUR_MS = 3_600_000;
const DEFAULT_MAX_RECORDS = 10_000;

/**
 * Records 👍/👎 on policy answers, to find the answers customers do not find helpful. A record holds only the entry,
 * the vote, the language and the hour (no conversation, user or text), so it is not personal data.
 */
export class FeedbackService {
  readonly #maxRecords: number;

  constructor(private readonly deps: FeedbackServiceDeps) {
    this.#maxRecords = Math.max(1, deps.maxRecords ?? DEFAULT_MAX_RECORDS);
  }

  /** Resolves once the vote is stored (so the customer can be thanked truthfully); rejects when it could not be. */
  async record(input: FeedbackInput): Promise<FeedbackRecord> {
    const hour = Math.floor(this.deps.now().getTime() / HOUR_MS) * HOUR_MS;
    const record: FeedbackRecord = {
      entryId: input.entryId,
      vote: input.vote,
      lang: input.lang,
      at: new Date(hour).toISOString(),
    };
    await this.deps.store.transaction((tx) => tx.feedback.add(record, this.#maxRecords));
    return record;
  }
}

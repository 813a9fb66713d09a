/**
 * Keeps anonymous 👍/👎 honest and bounded: one vote per answer per conversation, and at most VOTES_PER_CLIENT votes
 * an hour from one client (a new conversation id does not reset it). The votes themselves are anonymous, so the store
 * cannot tell who voted: the limits are counted apart, in the store's RateCounter (in the database with PostgreSQL,
 * so they hold across instances).
 */
import type { RateCounter } from '../../domain/ports.ts';

const VOTES_PER_CLIENT = 20;
const CLIENT_WINDOW_MS = 60 * 60_000;
/** How long "already voted on this answer" is remembered: as long as an idle conversation's state is kept. */
const ONE_VOTE_MS = 30 * 24 * 60 * 60_000;

export type VoteCheck = 'ok' | 'already' | 'limited';

export class VoteLimits {
  constructor(private readonly counter: RateCounter) {}

  /**
   * Whether this vote may be recorded; counts it when it may. The client's budget is looked at first: a vote refused
   * for it must not count as cast ("already noted" would then be untrue).
   */
  async take(conversationId: string, clientKey: string | undefined, entryId: string): Promise<VoteCheck> {
    if (clientKey !== undefined) {
      const client = await this.counter.take(`votes-client:${clientKey}`, VOTES_PER_CLIENT, CLIENT_WINDOW_MS);
      if (!client.allowed) return 'limited';
    }
    const once = await this.counter.take(`vote:${conversationId}\u0000${entryId}`, 1, ONE_VOTE_MS);
    return once.allowed ? 'ok' : 'already';
  }
}

/**
 * Keeps anonymous 👍/👎 honest and bounded: one vote per answer per conversation, and at most VOTES_PER_CLIENT votes
 * an hour from one client (a new conversation id does not reset it). Held in memory, bounded: the votes themselves
 * are anonymous, so the store cannot tell who voted (per process; several instances each count their own).
 */
import { setRecent } from './recentMap.ts';

const VOTES_PER_CLIENT = 20;
const WINDOW_MS = 60 * 60_000;
const MAX_TRACKED = 10_000;

export type VoteCheck = 'ok' | 'already' | 'limited';

interface ClientWindow {
  readonly startedAt: number;
  count: number;
}

export class VoteLimits {
  readonly #voted = new Map<string, true>();
  readonly #clients = new Map<string, ClientWindow>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether this vote may be recorded; counts it when it may. */
  take(conversationId: string, clientKey: string | undefined, entryId: string): VoteCheck {
    const key = `${conversationId}\u0000${entryId}`;
    if (this.#voted.has(key)) return 'already';
    if (clientKey !== undefined) {
      const now = this.now();
      const current = this.#clients.get(clientKey);
      const window = current && current.startedAt + WINDOW_MS > now ? current : { startedAt: now, count: 0 };
      if (window.count >= VOTES_PER_CLIENT) return 'limited';
      window.count += 1;
      setRecent(this.#clients, clientKey, window, MAX_TRACKED);
    }
    setRecent(this.#voted, key, true, MAX_TRACKED);
    return 'ok';
  }
}

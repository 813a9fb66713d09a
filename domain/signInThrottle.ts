/**
 * Limits guessing of console passwords: failed sign-ins are counted per account and per client, and after a few
 * the next attempt must wait, twice as long after each further failure (up to a cap). A success clears the
 * account's and the client's count. SignInThrottle keeps the counts in memory (one instance); with several
 * instances on PostgreSQL the store's implementation counts in the database (bot/store/postgres/signInThrottle.ts),
 * with the same policy (delayAfter).
 */
import type { Clock } from './ports.ts';

export interface ThrottlePolicy {
  /** Failures allowed before a delay applies. */
  readonly freeFailures: number;
  /** The first delay; each further failure doubles it. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A count with no failure for this long starts again from zero. */
  readonly forgetAfterMs: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  baseDelayMs: 2_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

/** What sign-in asks of the throttle, wherever the counts are kept. */
export interface SignInThrottling {
  /** Milliseconds until any of these keys may try again (0: now). */
  waitMs(keys: readonly string[]): Promise<number>;
  /** Counts a failure against each key. */
  failed(keys: readonly string[]): Promise<void>;
  /** Clears the keys' counts. */
  succeeded(keys: readonly string[]): Promise<void>;
}

/** How long a key must wait after its `failures`-th failure in a row (0: not yet). */
export function delayAfter(failures: number, policy: ThrottlePolicy): number {
  const over = failures - policy.freeFailures;
  return over > 0 ? Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(over - 1, 30)) : 0;
}

interface Count {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

/** Keys: e.g. `account:<address>` and `client:<keyed hash of the address>`. */
export class SignInThrottle implements SignInThrottling {
  readonly #counts = new Map<string, Count>();

  constructor(
    private readonly now: Clock,
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY,
    /** At most this many keys are kept (the oldest are forgotten first), so a flood cannot exhaust memory. */
    private readonly maxKeys = 50_000,
  ) {}

  async waitMs(keys: readonly string[]): Promise<number> {
    const at = this.now().getTime();
    let wait = 0;
    for (const key of keys) {
      const count = this.#current(key, at);
      if (count) wait = Math.max(wait, count.blockedUntil - at);
    }
    return Math.max(0, wait);
  }

  async failed(keys: readonly string[]): Promise<void> {
    const at = this.now().getTime();
    for (const key of keys) {
      const count = this.#current(key, at) ?? { failures: 0, lastFailureAt: at, blockedUntil: 0 };
      count.failures += 1;
      count.lastFailureAt = at;
      const delay = delayAfter(count.failures, this.policy);
      count.blockedUntil = delay > 0 ? at + delay : 0;
      this.#counts.delete(key);
      this.#counts.set(key, count);
    }
    while (this.#counts.size > this.maxKeys) {
      const oldest = this.#counts.keys().next().value;
      if (oldest === undefined) break;
      this.#counts.delete(oldest);
    }
  }

  async succeeded(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.#counts.delete(key);
  }

  #current(key: string, at: number): Count | undefined {
    const count = this.#counts.get(key);
    if (count && at - count.lastFailureAt > this.policy.forgetAfterMs) {
      this.#counts.delete(key);
      return undefined;
    }
    return count;
  }
}

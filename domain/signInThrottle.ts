/**
 * Limits guessing of console passwords: failed sign-ins are counted per account and per client, and after a few
 * the next attempt must wait, twice as long after each further failure (up to a cap). A success clears the
 * account's and the client's count. Kept in memory (one process): with several instances each counts its own
 * (the shared store of a later issue can hold the counters).
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

interface Count {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

/** Keys: e.g. `account:<address>` and `client:<keyed hash of the address>`. */
export class SignInThrottle {
  readonly #counts = new Map<string, Count>();

  constructor(
    private readonly now: Clock,
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY,
    /** At most this many keys are kept (the oldest are forgotten first), so a flood cannot exhaust memory. */
    private readonly maxKeys = 50_000,
  ) {}

  /** Milliseconds until any of these keys may try again (0: now). */
  waitMs(keys: readonly string[]): number {
    const at = this.now().getTime();
    let wait = 0;
    for (const key of keys) {
      const count = this.#current(key, at);
      if (count) wait = Math.max(wait, count.blockedUntil - at);
    }
    return Math.max(0, wait);
  }

  /** Counts a failure against each key. */
  failed(keys: readonly string[]): void {
    const at = this.now().getTime();
    const { freeFailures, baseDelayMs, maxDelayMs } = this.policy;
    for (const key of keys) {
      const count = this.#current(key, at) ?? { failures: 0, lastFailureAt: at, blockedUntil: 0 };
      count.failures += 1;
      count.lastFailureAt = at;
      const over = count.failures - freeFailures;
      count.blockedUntil = over > 0 ? at + Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(over - 1, 30)) : 0;
      this.#counts.delete(key);
      this.#counts.set(key, count);
    }
    while (this.#counts.size > this.maxKeys) {
      const oldest = this.#counts.keys().next().value;
      if (oldest === undefined) break;
      this.#counts.delete(oldest);
    }
  }

  succeeded(keys: readonly string[]): void {
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

/**
 * Rate counters held in this process's memory: the RateCounter of the embedded store (one instance). With
 * PostgreSQL every instance counts in the database instead (bot/store/postgres/rateCounter.ts).
 */
import type { RateCheck, RateCounter } from '../../../domain/ports.ts';

export interface RateLimitOptions {
  /** Requests allowed per key in one window. */
  readonly limit: number;
  readonly windowMs: number;
  /** At most this many keys are tracked; beyond it the oldest windows are forgotten (memory stays bounded). */
  readonly maxKeys?: number;
  readonly now?: () => number;
}

interface Window {
  readonly startedAt: number;
  count: number;
}

/**
 * A fixed-window rate limiter in memory, for one limit (per process: enough for one instance). Windows live in a Map in the
 * order they started, so expired ones are dropped from its front in O(1) per request.
 */
export class FixedWindowRateLimiter {
  readonly #windows = new Map<string, Window>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(options: RateLimitOptions) {
    if (!(options.limit >= 1 && options.windowMs >= 1)) throw new RangeError('limit and windowMs must be at least 1');
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#maxKeys = Math.max(1, options.maxKeys ?? 100_000);
    this.#now = options.now ?? Date.now;
  }

  /** Counts one request for `key`; says whether it is allowed, or after how many seconds the key may try again. */
  take(key: string): RateCheck {
    const now = this.#now();
    this.#sweep(now);
    let window = this.#windows.get(key);
    if (!window) {
      window = { startedAt: now, count: 0 };
      this.#windows.set(key, window);
      if (this.#windows.size > this.#maxKeys) {
        const oldest = this.#windows.keys().next().value;
        if (oldest !== undefined) this.#windows.delete(oldest);
      }
    }
    if (window.count >= this.#limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((window.startedAt + this.#windowMs - now) / 1000));
      return { allowed: false, retryAfterSeconds };
    }
    window.count += 1;
    return { allowed: true, remaining: this.#limit - window.count };
  }

  /** How many keys are tracked (for tests). */
  get size(): number {
    return this.#windows.size;
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) {
      if (window.startedAt + this.#windowMs > now) break;
      this.#windows.delete(key);
    }
  }
}

/** Every limit's counters in memory: one FixedWindowRateLimiter per limit and window length. */
export class MemoryRateCounter implements RateCounter {
  readonly #limiters = new Map<string, FixedWindowRateLimiter>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(key: string, limit: number, windowMs: number): Promise<RateCheck> {
    const name = `${limit}/${windowMs}`;
    let limiter = this.#limiters.get(name);
    if (!limiter) {
      limiter = new FixedWindowRateLimiter({ limit, windowMs, now: this.now });
      this.#limiters.set(name, limiter);
    }
    return limiter.take(key);
  }
}

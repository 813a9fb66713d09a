/**
 * The console's sign-in throttle counted in the database, so every instance holds back the same account and client
 * (domain/signInThrottle.ts has the policy, and the in-memory counts of a single instance). A failure is counted
 * with one atomic upsert per key; keys are stored as keyed hashes (an account key holds an address).
 */
import { createHmac } from 'node:crypto';
import type { Clock } from '../../../domain/ports.ts';
import { delayAfter, type SignInThrottling, type ThrottlePolicy } from '../../../domain/signInThrottle.ts';
import type { PostgresDatabase } from './database.ts';

export class PostgresSignInThrottle implements SignInThrottling {
  constructor(
    private readonly database: PostgresDatabase,
    private readonly keySecret: Buffer,
    private readonly now: Clock,
    private readonly policy: ThrottlePolicy,
  ) {}

  #hash(keys: readonly string[]): string[] {
    return keys.map((key) => createHmac('sha256', this.keySecret).update(`signin:${key}`).digest('base64url'));
  }

  #forgetBefore(at: Date): string {
    return new Date(at.getTime() - this.policy.forgetAfterMs).toISOString();
  }

  async waitMs(keys: readonly string[]): Promise<number> {
    const at = this.now();
    const { rows } = await this.database.query<{ until: Date | null }>(
      'SELECT max(blocked_until) AS until FROM signin_failures WHERE key = ANY ($1::text[]) AND last_failure_at >= $2',
      [this.#hash(keys), this.#forgetBefore(at)],
    );
    const until = rows[0]?.until?.getTime() ?? 0;
    return Math.max(0, until - at.getTime());
  }

  async failed(keys: readonly string[]): Promise<void> {
    const at = this.now();
    // A count not touched for forgetAfterMs starts again at one.
    const { rows } = await this.database.query<{ key: string; failures: number }>(
      `INSERT INTO signin_failures AS f (key, failures, last_failure_at, blocked_until)
       SELECT k, 1, $2, NULL FROM unnest($1::text[]) AS k
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN f.last_failure_at < $3 THEN 1 ELSE f.failures + 1 END,
         last_failure_at = $2
       RETURNING key, failures`,
      [this.#hash(keys), at.toISOString(), this.#forgetBefore(at)],
    );
    for (const { key, failures } of rows) {
      const delay = delayAfter(failures, this.policy);
      if (delay > 0)
        await this.database.query('UPDATE signin_failures SET blocked_until = $2 WHERE key = $1', [
          key,
          new Date(at.getTime() + delay).toISOString(),
        ]);
    }
  }

  async succeeded(keys: readonly string[]): Promise<void> {
    await this.database.query('DELETE FROM signin_failures WHERE key = ANY ($1::text[])', [this.#hash(keys)]);
  }

  /** Deletes counts nobody added to for forgetAfterMs (run with the rate windows' sweep). */
  async sweep(): Promise<number> {
    const result = await this.database.query('DELETE FROM signin_failures WHERE last_failure_at < $1', [
      this.#forgetBefore(this.now()),
    ]);
    return result.rowCount ?? 0;
  }
}

/**
 * Rate limits counted in the database, so they hold across instances: one row per key and window, counted with one
 * atomic statement (INSERT … ON CONFLICT DO UPDATE locks the row, so two instances counting the same key at once
 * are counted one after the other). Keys are stored as keyed hashes: a client address never reaches the table.
 */
import { createHmac } from 'node:crypto';
import type { RateCheck, RateCounter } from '../../../domain/ports.ts';
import type { PostgresDatabase } from './database.ts';

export class PostgresRateCounter implements RateCounter {
  constructor(
    private readonly database: PostgresDatabase,
    private readonly keySecret: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  async take(key: string, limit: number, windowMs: number): Promise<RateCheck> {
    if (!(limit >= 1 && windowMs >= 1)) throw new RangeError('limit and windowMs must be at least 1');
    const hashed = createHmac('sha256', this.keySecret).update(key).digest('base64url');
    const now = this.now();
    // A window that ended starts again at 1; a live one counts on while under the limit; at the limit, no row changes.
    const { rows } = await this.database.query<{ count: number }>(
      `INSERT INTO rate_windows AS w (key, count, expires_at) VALUES ($1, 1, $3)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN w.expires_at <= $2 THEN 1 ELSE w.count + 1 END,
         expires_at = CASE WHEN w.expires_at <= $2 THEN $3 ELSE w.expires_at END
       WHERE w.expires_at <= $2 OR w.count < $4
       RETURNING count`,
      [hashed, new Date(now).toISOString(), new Date(now + windowMs).toISOString(), limit],
    );
    const counted = rows[0];
    if (counted) return { allowed: true, remaining: limit - counted.count };
    const held = await this.database.query<{ expires_at: Date }>('SELECT expires_at FROM rate_windows WHERE key = $1', [
      hashed,
    ]);
    const endsAt = held.rows[0]?.expires_at.getTime() ?? now;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((endsAt - now) / 1000)) };
  }

  /** Deletes windows that ended before `before` (run every few minutes: a flood of new keys must not pile up). */
  async sweep(before: Date): Promise<number> {
    const result = await this.database.query('DELETE FROM rate_windows WHERE expires_at < $1', [before.toISOString()]);
    return result.rowCount ?? 0;
  }
}

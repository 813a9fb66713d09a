/**
 * The outbox as a work queue for the delivery workers of every instance. A claim is one statement: it locks the
 * oldest due mail that no live claim holds, skipping rows another worker is claiming at that moment (FOR UPDATE SKIP
 * LOCKED), and marks it as taken until `until`. The worker writes the mail back when it is done (which ends the
 * claim); a worker whose instance dies mid-send never does, and the mail is taken again once the claim expires.
 */
import type { OutboxRecord } from '../../../domain/records.ts';
import type { MailQueue } from '../store.ts';
import type { PostgresDatabase } from './database.ts';
import { pgText } from './recordTable.ts';

export class PostgresMailQueue implements MailQueue {
  constructor(private readonly database: PostgresDatabase) {}

  async claimDue(now: Date, until: Date, skip: ReadonlySet<string>): Promise<OutboxRecord | undefined> {
    const { rows } = await this.database.query<{ data: OutboxRecord }>(
      `UPDATE outbox SET claimed_until = $2
       WHERE id = (
         SELECT id FROM outbox
         WHERE status = 'pending' AND next_attempt_at <= $1
           AND (claimed_until IS NULL OR claimed_until <= $1) AND NOT (id = ANY ($3::text[]))
         ORDER BY created_at, ord
         LIMIT 1
         FOR UPDATE SKIP LOCKED)
       RETURNING data`,
      [now.toISOString(), until.toISOString(), [...skip].map(pgText)],
    );
    return rows[0]?.data;
  }
}

/**
 * One instance at a time runs a daily job: a session advisory lock, tried (never waited for) on a connection held
 * for the job's duration. An instance that dies mid-job loses its connection, and with it the lock.
 */
import { createHash } from 'node:crypto';
import type { JobLock } from '../store.ts';
import type { PostgresDatabase } from './database.ts';

/** The advisory lock key of a job: the first 8 bytes of a SHA-256 of its name, as a signed 64-bit number. */
export const jobLockKey = (name: string): string =>
  createHash('sha256').update(`wowrack-job:${name}`).digest().readBigInt64BE(0).toString();

export class PostgresJobLock implements JobLock {
  constructor(private readonly database: PostgresDatabase) {}

  async runAlone(name: string, job: () => Promise<void>): Promise<boolean> {
    const key = jobLockKey(name);
    const client = await this.database.pool.connect();
    let broken = false;
    try {
      const { rows } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1) AS taken', [key]);
      if (!rows[0]?.taken) return false;
      try {
        await job();
        return true;
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => {
          broken = true; // the session ends with the connection, and the lock with it
        });
      }
    } finally {
      client.release(broken);
    }
  }
}

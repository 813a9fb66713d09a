/**
 * The connection to PostgreSQL (DATABASE_URL) and the two ways the store talks to it:
 *
 * - `serializable(work)`: a unit of work of the domain. It runs at SERIALIZABLE isolation, so two units that read and
 *   write the same records (a check of the mail caps and the insert of a mail, `idTaken` and the insert of that id,
 *   the audit chain's last entry and the next one) behave as if they ran one after the other, on one instance or
 *   several. PostgreSQL detects the units that would not, and aborts one of them (SQLSTATE 40001); it is then run
 *   again from the start, with a short random pause, up to MAX_ATTEMPTS times. Row locks alone would not do: most of
 *   these checks are about rows that do not exist yet.
 * - `query(sql)`: one statement on its own (autocommit, READ COMMITTED), for work that is atomic in one statement
 *   and must not be retried as a whole: claiming a mail (FOR UPDATE SKIP LOCKED), counting a rate limit.
 */
import pg from 'pg';
import { describeError } from '../../log/describeError.ts';
import type { Logger } from '../../log/logger.ts';

/** SQLSTATEs after which a unit of work is run again: serialization_failure, deadlock_detected. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 30;

/** Something statements run on: a unit's connection, or the pool (each statement on its own). */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    values?: readonly unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** What the store logs about the connection (user, host, port, database: never the password). */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    return `postgres://${user}${parsed.host}${parsed.pathname}`;
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

const sqlState = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

export interface PostgresOptions {
  /** Connections in the pool (each unit of work holds one while it runs). */
  readonly poolSize?: number;
  /** Shown in pg_stat_activity: which instance a connection belongs to. */
  readonly applicationName?: string;
}

export class PostgresDatabase {
  readonly pool: pg.Pool;
  /** Units of work run again after a serialization failure, since start (for tests and the benchmark). */
  retries = 0;

  constructor(
    readonly url: string,
    private readonly logger: Logger,
    options: PostgresOptions = {},
  ) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'wowrack-privacy-assistant',
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection that breaks (the server restarted) must not crash the process; the pool replaces it.
    this.pool.on('error', (error) =>
      this.logger.warn({ error: describeError(error) }, 'idle database connection lost'),
    );
  }

  /** `postgres://user@host:port/db`, for the start-up log. */
  get location(): string {
    return describeDatabaseUrl(this.url);
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    values: readonly unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(sql, [...values]);
  }

  /** Runs `work` in a SERIALIZABLE transaction, again from the start after a serialization failure (see above). */
  async serializable<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.transaction('BEGIN ISOLATION LEVEL SERIALIZABLE', work);
      } catch (error) {
        const code = sqlState(error);
        if (code === undefined || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw error;
        this.retries += 1;
        // Random pauses growing to ~50 ms keep two colliding units from colliding again in lockstep.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
      }
    }
  }

  /** Runs `work` in one READ COMMITTED transaction (no retry): for statements that lock what they change. */
  readCommitted<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN', work);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async transaction<T>(begin: string, work: (client: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection itself failed: the pool must not hand it out again
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

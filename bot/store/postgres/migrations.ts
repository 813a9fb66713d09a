/**
 * The schema, as numbered migrations applied at start. `schema_migrations` says which ran; a session advisory lock
 * makes instances that start together take turns, so exactly one applies each migration (the others wait, then find
 * nothing left to do). Each migration runs in its own transaction with its row in `schema_migrations`: it is applied
 * completely or not at all. A database migrated by a newer release is refused (this code would not know its tables).
 *
 * Never edit a migration that has shipped: add the next one.
 */
import type { Logger } from '../../log/logger.ts';
import type { PostgresDatabase } from './database.ts';
import { SCHEMA } from './schema.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** pg_advisory_lock key of the migrations (an arbitrary constant; "wowrack" in ASCII). */
export const MIGRATION_LOCK = 0x776f_7772_6163_6b01n;

/** The database is newer than this code, or its migrations table is not ours. */
export class SchemaVersionError extends Error {
  override readonly name = 'SchemaVersionError';
}

/** Applies the migrations the database lacks; returns the versions applied by this call (none when up to date). */
export async function migrate(
  database: PostgresDatabase,
  logger: Logger,
  migrations: readonly Migration[] = SCHEMA,
): Promise<number[]> {
  const client = await database.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r) => r.version));
      const known = Math.max(0, ...migrations.map((m) => m.version));
      const newest = Math.max(0, ...applied);
      if (newest > known)
        throw new SchemaVersionError(
          `The database ${database.location} is at schema version ${newest}, newer than this release knows ` +
            `(${known}). Start the newer release, or restore a backup made for this one.`,
        );
      const done: number[] = [];
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (applied.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            migration.version,
            migration.name,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        logger.info({ version: migration.version, name: migration.name }, 'database migrated');
        done.push(migration.version);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]);
    }
  } finally {
    client.release();
  }
}

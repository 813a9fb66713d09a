import { hostname } from 'node:os';
import type { Clock } from '../../../domain/ports.ts';
import { DEFAULT_THROTTLE_POLICY } from '../../../domain/signInThrottle.ts';
import { describeError } from '../../log/describeError.ts';
import type { Logger } from '../../log/logger.ts';
import type { Store } from '../store.ts';
import { PostgresDatabase, type PostgresOptions } from './database.ts';
import { PostgresDirectLineState } from './directLineState.ts';
import { PostgresJobLock } from './jobLock.ts';
import { PostgresMailQueue } from './mailQueue.ts';
import { migrate, SchemaVersionError } from './migrations.ts';
import { PostgresRequestStore } from './postgresRequestStore.ts';
import { PostgresRateCounter } from './rateCounter.ts';
import { PostgresSecrets } from './secrets.ts';
import { PostgresSignInThrottle } from './signInThrottle.ts';
import { PostgresStateStorage } from './stateStorage.ts';

/** How often ended rate windows are deleted. */
const SWEEP_MS = 5 * 60_000;

/** The database cannot be reached or used at start; the message names it (never its password) and why. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/**
 * The shared store: everything in the PostgreSQL database at `url`, migrated to this release's schema first (one
 * instance migrates, the others wait for it). Several instances may open it at once.
 */
export async function openPostgresStore(
  url: string,
  now: Clock,
  logger: Logger,
  options: PostgresOptions = {},
): Promise<Store> {
  const database = new PostgresDatabase(url, logger, {
    applicationName: `wowrack-privacy-assistant ${hostname()}:${process.pid}`.slice(0, 63),
    ...options,
  });
  let counters: PostgresRateCounter;
  let rateKey: Buffer;
  const secrets = new PostgresSecrets(database);
  try {
    await migrate(database, logger);
    rateKey = await secrets.secret('rate-key');
    counters = new PostgresRateCounter(database, rateKey, () => now().getTime());
  } catch (error) {
    await database.close();
    if (error instanceof SchemaVersionError) throw error;
    throw new DatabaseUnavailableError(`PostgreSQL at ${database.location} could not be used: ${describeError(error)}`);
  }
  const throttle = new PostgresSignInThrottle(database, rateKey, now, DEFAULT_THROTTLE_POLICY);
  const sweeper = setInterval(() => {
    Promise.all([counters.sweep(new Date(now().getTime() - 60_000)), throttle.sweep()]).catch((error: unknown) => {
      logger.warn({ error: describeError(error) }, 'rate windows could not be swept');
    });
  }, SWEEP_MS);
  sweeper.unref();
  let closed: Promise<void> | undefined;
  return {
    requests: new PostgresRequestStore(database),
    conversations: new PostgresStateStorage(database, now),
    mailQueue: new PostgresMailQueue(database),
    counters,
    signInThrottle: (policy) =>
      policy === undefined ? throttle : new PostgresSignInThrottle(database, rateKey, now, policy),
    jobs: new PostgresJobLock(database),
    secret: (name) => secrets.secret(name),
    directLine: (settings) => new PostgresDirectLineState(database, settings, logger),
    shared: true,
    location: database.location,
    close: () => {
      clearInterval(sweeper);
      closed ??= database.close();
      return closed;
    },
  };
}

import { mkdir } from 'node:fs/promises';
import type { Clock } from '../../domain/ports.ts';
import { SignInThrottle } from '../../domain/signInThrottle.ts';
import type { Config } from '../config.ts';
import { MemoryDirectLineState } from '../directline/memoryState.ts';
import type { Logger } from '../log/logger.ts';
import { DataDirLock, type LockOptions } from './lowdb/dataDirLock.ts';
import { fileSecret } from './lowdb/fileSecrets.ts';
import { JsonDatabase } from './lowdb/jsonDatabase.ts';
import { JsonStateStorage } from './lowdb/jsonStateStorage.ts';
import { LowdbRequestStore } from './lowdb/lowdbRequestStore.ts';
import { LocalJobLock } from './memory/localJobLock.ts';
import { MemoryRateCounter } from './memory/rateCounter.ts';
import { openPostgresStore } from './postgres/openPostgresStore.ts';
import type { Store } from './store.ts';

export type { ConversationStorage, Store } from './store.ts';

/**
 * The one place a store is chosen: PostgreSQL when DATABASE_URL is set (several instances may share it), otherwise
 * the embedded store, one JSON file in DATA_DIR for one process. The embedded store throws DatabaseCorruptError,
 * touching nothing, on a bad file, and DataDirLockedError when another assistant uses the folder (a staff command
 * holding it is waited for, up to 15 s by default).
 */
export async function openStore(
  config: Pick<Config, 'dataDir' | 'database'>,
  now: Clock,
  logger: Logger,
  lockOptions: LockOptions = { waitForCliMs: 15_000 },
): Promise<Store> {
  if (config.database.url)
    return openPostgresStore(config.database.url, now, logger, { poolSize: config.database.poolSize });
  return openFileStore(config.dataDir, now, lockOptions);
}

async function openFileStore(dataDir: string, now: Clock, lockOptions: LockOptions): Promise<Store> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lock = await DataDirLock.acquire(dataDir, lockOptions);
  let db: JsonDatabase;
  try {
    db = await JsonDatabase.open(dataDir);
  } catch (error) {
    await lock.release();
    throw error;
  }
  const requests = new LowdbRequestStore(db);
  return {
    requests,
    conversations: new JsonStateStorage(db, { now }),
    mailQueue: requests.mailQueue,
    counters: new MemoryRateCounter(() => now().getTime()),
    signInThrottle: (policy) => new SignInThrottle(now, policy),
    jobs: new LocalJobLock(),
    secret: (name) => fileSecret(dataDir, name),
    directLine: (settings) => new MemoryDirectLineState(settings),
    shared: false,
    location: db.path,
    close: async () => {
      await db.close();
      await lock.release();
    },
  };
}

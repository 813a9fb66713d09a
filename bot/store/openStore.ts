import { mkdir } from 'node:fs/promises';
import type { Storage } from 'botbuilder';
import type { Clock, RequestStore } from '../../domain/ports.ts';
import type { Config } from '../config.ts';
import { DataDirLock, type LockOptions } from './lowdb/dataDirLock.ts';
import { JsonDatabase } from './lowdb/jsonDatabase.ts';
import { JsonStateStorage } from './lowdb/jsonStateStorage.ts';
import { LowdbRequestStore } from './lowdb/lowdbRequestStore.ts';

/** Bot Framework conversation state, plus forgetting what has been idle too long. */
export interface ConversationStorage extends Storage {
  /** Deletes state items not changed since `olderThan`; returns how many. */
  pruneState(olderThan: Date): Promise<number>;
}

/** Everything the assistant keeps, behind the domain's ports and Bot Framework's Storage. */
export interface Store {
  readonly requests: RequestStore;
  readonly conversations: ConversationStorage;
  /** Where the data lives, for the start-up log. */
  readonly location: string;
  /** Waits for pending writes, then lets go of the store. */
  close(): Promise<void>;
}

/**
 * The embedded store (one JSON file in DATA_DIR, one process at a time); throws DatabaseCorruptError, touching
 * nothing, on a bad file, and DataDirLockedError when another assistant uses the folder (a staff command holding it
 * is waited for, up to 15 s by default).
 */
export async function openStore(
  config: Pick<Config, 'dataDir'>,
  now: Clock,
  lockOptions: LockOptions = { waitForCliMs: 15_000 },
): Promise<Store> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const lock = await DataDirLock.acquire(config.dataDir, lockOptions);
  let db: JsonDatabase;
  try {
    db = await JsonDatabase.open(config.dataDir);
  } catch (error) {
    await lock.release();
    throw error;
  }
  return {
    requests: new LowdbRequestStore(db),
    conversations: new JsonStateStorage(db, { now }),
    location: db.path,
    close: async () => {
      await db.close();
      await lock.release();
    },
  };
}

import type { Storage } from 'botbuilder';
import type { Clock, RequestStore } from '../../domain/ports.ts';
import type { Config } from '../config.ts';
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

/** The embedded store (one JSON file in DATA_DIR); throws DatabaseCorruptError, touching nothing, on a bad file. */
export async function openStore(config: Pick<Config, 'dataDir'>, now: Clock): Promise<Store> {
  const db = await JsonDatabase.open(config.dataDir);
  return {
    requests: new LowdbRequestStore(db),
    conversations: new JsonStateStorage(db, { now }),
    location: db.path,
    close: () => db.close(),
  };
}

import type { DatabaseShape } from '../../../domain/records.ts';

/**
 * The assistant's database as the rest of the code sees it. Reads are synchronous (the data lives in memory);
 * update() applies a change and resolves only once the whole database is safely on disk, so "recorded" can be said
 * truthfully after `await update(...)`.
 */
export interface Db {
  read<T>(fn: (data: Readonly<DatabaseShape>) => T): T;
  update<T>(fn: (data: DatabaseShape) => T): Promise<T>;
}

export const emptyDatabase = (): DatabaseShape => ({
  version: 1,
  tickets: [],
  unsubscribes: [],
  consents: [],
  outbox: [],
  feedback: [],
  state: {},
});

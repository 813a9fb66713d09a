/**
 * The stores the contract suites run on: each opens an empty store for a test, and the same data again as a restarted
 * process (or another instance) would. A new store implementation adds a subject here and one test file that runs
 * runStoreContract() on it; a new repository adds its tests to the suite, and every store runs them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../../bot/log/logger.ts';
import { openStore } from '../../../../bot/store/openStore.ts';
import type { Store } from '../../../../bot/store/store.ts';
import type { Clock } from '../../../../domain/ports.ts';
import { resetDatabase, usePostgresDatabase } from '../../../support/postgres.ts';

export interface StoreSubject {
  readonly name: string;
  /** Whether two stores may be open on the same data at once (instances sharing a database). */
  readonly shared: boolean;
  /** A store on this test's data (empty at the start of each test). Every store opened is closed after the test. */
  open(now: Clock): Promise<Store>;
}

/** Closes `store` and opens its data again, as a restarted process does. */
export async function restart(subject: StoreSubject, store: Store, now: Clock): Promise<Store> {
  await store.close();
  return subject.open(now);
}

/** Registers the hooks that close what `open` opened; returns the tracking `open`. */
function closingAfterEach(open: (now: Clock) => Promise<Store>): (now: Clock) => Promise<Store> {
  const opened: Store[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  return async (now) => {
    const store = await open(now);
    opened.push(store);
    return store;
  };
}

const silent = createLogger('silent');

/** The embedded store: a fresh DATA_DIR per test. Call inside a describe. */
export function lowdbSubject(): StoreSubject {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wowrack-contract-'));
  });
  const open = closingAfterEach((now) => {
    if (!dir) throw new Error('no data dir');
    return openStore({ dataDir: dir, database: { url: '', poolSize: 1 } }, now, silent);
  });
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return { name: 'lowdb', shared: false, open };
}

/** PostgreSQL: one database for the file, emptied before each test. Call inside a describe. */
export function postgresSubject(): StoreSubject {
  const url = usePostgresDatabase();
  let migrated = false;
  beforeEach(async () => {
    if (migrated) await resetDatabase(url());
  });
  const open = closingAfterEach(async (now) => {
    const store = await openStore({ dataDir: tmpdir(), database: { url: url(), poolSize: 10 } }, now, silent);
    migrated = true;
    return store;
  });
  return { name: 'PostgreSQL', shared: true, open };
}

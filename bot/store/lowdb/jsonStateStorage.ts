/**
 * Bot Framework storage (conversation and user state) kept in the database's `state` map, with the same eTag
 * optimistic concurrency as botbuilder's MemoryStorage and Cosmos DB storage.
 */
import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import { changesOf, checkKeys, type JsonObject, StateConflictError, setOwnItem } from '../stateItems.ts';
import type { Db, StateItem } from './jsonDocument.ts';

export interface JsonStateStorageOptions {
  /** Clock for `changedAt` (tests). */
  readonly now?: () => Date;
}

const hasOwn = (state: Readonly<Record<string, StateItem>>, key: string): boolean => Object.hasOwn(state, key);

/** Assigns as an own data property, so that even a key like "__proto__" is stored as a plain entry. */
const setOwn = (state: Record<string, StateItem>, key: string, item: StateItem): void => {
  Object.defineProperty(state, key, { value: item, writable: true, enumerable: true, configurable: true });
};

export class JsonStateStorage implements Storage {
  readonly #db: Db;
  readonly #now: () => Date;

  constructor(db: Db, options: JsonStateStorageOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
  }

  /** The stored items among `keys` (missing keys are absent), as fresh copies carrying their current eTag. */
  async read(keys: string[]): Promise<StoreItems> {
    checkKeys(keys, 'read');
    return this.#db.read((data) => {
      const items: StoreItems = {};
      for (const key of keys) {
        if (!hasOwn(data.state, key)) continue;
        const stored = data.state[key];
        if (!stored) continue;
        const copy: JsonObject = JSON.parse(JSON.stringify(stored.value));
        copy.eTag = stored.eTag;
        setOwnItem(items, key, copy);
      }
      return items;
    });
  }

  /**
   * Stores every change in one database update. A change without eTag, or with eTag "*", overwrites; a change whose
   * eTag differs from the stored item's makes the whole batch fail with an "eTag conflict" error, nothing written.
   * Every stored item gets a new eTag. An empty change set does not touch the disk.
   */
  async write(changes: StoreItems): Promise<void> {
    const incoming = changesOf(changes);
    if (incoming.length === 0) return;
    await this.#db.update((data) => {
      for (const { key, eTag } of incoming) {
        if (eTag === undefined) continue;
        const stored = hasOwn(data.state, key) ? data.state[key] : undefined;
        if (stored && stored.eTag !== eTag) throw new StateConflictError(key);
      }
      const changedAt = this.#now().toISOString();
      for (const { key, value } of incoming) {
        setOwn(data.state, key, { eTag: randomUUID(), changedAt, value });
      }
    });
  }

  /** Forgets the items; keys that are not stored are ignored (no disk write when none is). */
  async delete(keys: string[]): Promise<void> {
    checkKeys(keys, 'delete');
    const present = this.#db.read((data) => keys.filter((key) => hasOwn(data.state, key)));
    if (present.length === 0) return;
    await this.#db.update((data) => {
      for (const key of present) delete data.state[key];
    });
  }

  /**
   * Privacy: forgets every state item (idle conversation or user) not changed since `olderThan`. Returns how many were
   * removed; does not touch the disk when none is.
   */
  async pruneState(olderThan: Date): Promise<number> {
    const cutoff = olderThan.getTime();
    if (Number.isNaN(cutoff)) throw new RangeError('pruneState: olderThan is not a valid date');
    // An unreadable changedAt counts as old: when in doubt, forget.
    const isOld = (item: StateItem): boolean => !(Date.parse(item.changedAt) >= cutoff);
    const stale = this.#db.read((data) =>
      Object.entries(data.state)
        .filter(([, item]) => isOld(item))
        .map(([key]) => key),
    );
    if (stale.length === 0) return 0;
    return this.#db.update((data) => {
      let removed = 0;
      for (const key of stale) {
        const item = hasOwn(data.state, key) ? data.state[key] : undefined;
        if (item && isOld(item)) {
          delete data.state[key];
          removed++;
        }
      }
      return removed;
    });
  }
}

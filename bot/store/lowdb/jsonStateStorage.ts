/**
 * Bot Framework storage (conversation and user state) kept in the database's `state` map, with the same eTag
 * optimistic concurrency as botbuilder's MemoryStorage and Cosmos DB storage.
 */
import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Db, StateItem } from './jsonDocument.ts';

/** Longest storage key accepted (Bot Framework keys are "<channel>/conversations/<id>" and the like). */
export const MAX_STATE_KEY_LENGTH = 512;

export interface JsonStateStorageOptions {
  /** Clock for `changedAt` (tests). */
  readonly now?: () => Date;
}

type JsonObject = Record<string, unknown>;

const isPlainObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const hasOwn = (state: Readonly<Record<string, StateItem>>, key: string): boolean => Object.hasOwn(state, key);

/** Assigns as an own data property, so that even a key like "__proto__" is stored as a plain entry. */
const setOwn = (state: Record<string, StateItem>, key: string, item: StateItem): void => {
  Object.defineProperty(state, key, { value: item, writable: true, enumerable: true, configurable: true });
};

function checkKeys(keys: unknown, operation: string): asserts keys is string[] {
  if (!Array.isArray(keys)) throw new TypeError(`Storage.${operation}: keys must be an array of strings`);
  for (const key of keys) checkKey(key, operation);
}

function checkKey(key: unknown, operation: string): asserts key is string {
  if (typeof key !== 'string' || key === '') {
    throw new TypeError(`Storage.${operation}: a key must be a non-empty string`);
  }
  if (key.length > MAX_STATE_KEY_LENGTH) {
    throw new RangeError(
      `Storage.${operation}: key "${key.slice(0, 40)}…" is ${key.length} characters long; ` +
        `the limit is ${MAX_STATE_KEY_LENGTH}`,
    );
  }
}

/** A JSON copy of a store item without its eTag (the eTag is kept beside the value). */
function copyValue(key: string, item: unknown): JsonObject {
  if (!isPlainObject(item)) throw new TypeError(`Storage.write: the item for "${key}" is not an object`);
  const copy: unknown = JSON.parse(JSON.stringify(item));
  if (!isPlainObject(copy)) throw new TypeError(`Storage.write: the item for "${key}" is not a JSON object`);
  delete copy.eTag;
  return copy;
}

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
    if (!isPlainObject(changes)) throw new TypeError('Storage.write: changes must be an object');
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    checkKeys(keys, 'write');
    const incoming = keys.map((key) => {
      const item: unknown = changes[key];
      const eTag = isPlainObject(item) ? item.eTag : undefined;
      return { key, eTag, value: copyValue(key, item) };
    });
    await this.#db.update((data) => {
      for (const { key, eTag } of incoming) {
        if (eTag === undefined || eTag === null || eTag === '' || eTag === '*') continue;
        const stored = hasOwn(data.state, key) ? data.state[key] : undefined;
        if (stored && stored.eTag !== eTag) {
          throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
        }
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

function setOwnItem(items: StoreItems, key: string, value: JsonObject): void {
  Object.defineProperty(items, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * What both Bot Framework Storage implementations (the lowdb file and PostgreSQL) check and copy the same way: keys,
 * items as JSON without their eTag, and the eTag conflict.
 */
import type { StoreItems } from 'botbuilder';

/** Longest storage key accepted (Bot Framework keys are "<channel>/conversations/<id>" and the like). */
export const MAX_STATE_KEY_LENGTH = 512;

export type JsonObject = Record<string, unknown>;

export const isPlainObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A write carried an eTag other than the stored item's: another turn (on this instance or another) changed the
 * item since it was read. Nothing of the write was stored. The message is botbuilder's MemoryStorage's.
 */
export class StateConflictError extends Error {
  override readonly name = 'StateConflictError';

  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
  }
}

export function checkKeys(keys: unknown, operation: string): asserts keys is string[] {
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

/** One change of a write: its key, the eTag it must match (undefined: none, it overwrites) and its value. */
export interface StateChange {
  readonly key: string;
  readonly eTag: string | undefined;
  readonly value: JsonObject;
}

/**
 * The changes of Storage.write(), checked and copied, in key order. An eTag that is missing, empty or "*" means
 * "overwrite whatever is stored" (botbuilder's MemoryStorage and Cosmos DB storage do the same).
 */
export function changesOf(changes: unknown): StateChange[] {
  if (!isPlainObject(changes)) throw new TypeError('Storage.write: changes must be an object');
  const keys = Object.keys(changes).sort();
  checkKeys(keys, 'write');
  return keys.map((key) => {
    const item: unknown = changes[key];
    const eTag = isPlainObject(item) ? item.eTag : undefined;
    const conditional = Boolean(eTag) && eTag !== '*';
    return { key, eTag: conditional ? String(eTag) : undefined, value: copyValue(key, item) };
  });
}

/** Adds an item to a read's result as an own data property (so even "__proto__" is a plain key). */
export function setOwnItem(items: StoreItems, key: string, value: JsonObject): void {
  Object.defineProperty(items, key, { value, writable: true, enumerable: true, configurable: true });
}

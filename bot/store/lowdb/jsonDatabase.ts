/**
 * The assistant's database: one JSON file, held in memory, rewritten atomically and durably after updates.
 *
 * Cost model: an update applies its fn in memory (O(changed items), plus a shallow copy of the record lists for
 * rollback) and joins the next disk write; concurrent updates share one serialisation and one write of the file.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DurableJsonFile } from './durableJsonFile.ts';
import type { DatabaseShape, StateItem } from './jsonDocument.ts';
import { type Db, emptyDatabase } from './jsonDocument.ts';

export { DatabaseCorruptError } from './durableJsonFile.ts';

export const DATABASE_FILE_NAME = 'assistant-db.json';

export interface DatabaseOptions {
  /** File name inside the data directory (default assistant-db.json). */
  readonly fileName?: string;
}

type JsonObject = Record<string, unknown>;

const isPlainObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Lists added after the first release: a file written before them lacks them and gets them, empty, when opened. */
const ADDED_COLLECTIONS = [
  'feedback',
  'consentTexts',
  'staff',
  'sessions',
  'audit',
  'jobMarks',
  'inbox',
  'dailyStats',
  'knowledgeTests',
] as const;

const COLLECTIONS = ['tickets', 'unsubscribes', 'consents', 'outbox', ...ADDED_COLLECTIONS] as const;

/**
 * Brings a version-1 file written by an older release up to date, in place: adds the lists it lacks, empty. Returns
 * whether it changed anything. Only fills in what is absent; a list that is present but wrong is left for
 * databaseProblem() to reject.
 */
export function migrateDatabase(value: unknown): boolean {
  if (!isPlainObject(value) || value.version !== 1) return false;
  let changed = false;
  for (const name of ADDED_COLLECTIONS) {
    if (Object.hasOwn(value, name)) continue;
    value[name] = [];
    changed = true;
  }
  return changed;
}

const stateItemProblem = (key: string, item: unknown): string | undefined =>
  isPlainObject(item) &&
  typeof item.eTag === 'string' &&
  typeof item.changedAt === 'string' &&
  isPlainObject(item.value)
    ? undefined
    : `state item ${JSON.stringify(key.slice(0, 80))} is not {eTag, changedAt, value}`;

/**
 * The shape problem of everything but the individual state items (cheap: no walk over the state map), checking the
 * records of the lists named (all by default; an update checks only the lists its fn read or replaced).
 */
function topLevelProblem(value: unknown, lists: Iterable<string> = COLLECTIONS): string | undefined {
  if (!isPlainObject(value)) return 'the top level is not a JSON object';
  if (value.version !== 1) return `version is ${JSON.stringify(value.version) ?? 'missing'}, expected 1`;
  for (const name of COLLECTIONS) if (!Array.isArray(value[name])) return `${name} is not an array`;
  for (const name of lists) {
    const list = value[name];
    if (!Array.isArray(list)) return `${name} is not an array`;
    const bad = list.findIndex((record) => !isPlainObject(record));
    if (bad >= 0) return `${name}[${bad}] is not an object`;
  }
  if (!isPlainObject(value.state)) return 'state is not an object';
  return undefined;
}

/**
 * Returns the first reason `value` is not a usable database (undefined when it is). Checks the top-level shape and
 * every state item (the Bot Framework storage relies on them); records in the collections only need to be objects.
 */
export function databaseProblem(value: unknown): string | undefined {
  const problem = topLevelProblem(value);
  if (problem !== undefined || !isPlainObject(value) || !isPlainObject(value.state)) return problem;
  const state = value.state;
  for (const key of Object.keys(state)) {
    const itemProblem = stateItemProblem(key, state[key]);
    if (itemProblem !== undefined) return itemProblem;
  }
  return undefined;
}

const isThenable = (value: unknown): boolean =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  'then' in value &&
  typeof value.then === 'function';

const ABSENT = Symbol('absent');

const copyRecord = (record: unknown): unknown => (isPlainObject(record) ? { ...record } : record);

const setOwn = (state: Record<string, StateItem>, key: string, item: StateItem): void => {
  Object.defineProperty(state, key, { value: item, writable: true, enumerable: true, configurable: true });
};

/**
 * What an update needs to undo its fn: the top-level fields, copies of the record lists the fn reads (each record
 * copied shallowly when the fn first reads its list, so in-place changes of a record's own fields are undone too; a
 * list the fn never reads is not copied, so a change of conversation state costs nothing per stored record), and a
 * log of the state keys the fn touched (the state map can hold thousands of items, so it is watched through a proxy
 * instead of copied).
 */
class UpdateScope {
  readonly #top: JsonObject;
  readonly #lists = new Map<string, unknown[]>();
  readonly #state: Record<string, StateItem>;
  readonly #proxy: Record<string, StateItem>;
  /** The first value each touched key had before the fn (ABSENT when it had none). */
  readonly touched = new Map<string, StateItem | typeof ABSENT>();
  #open = true;

  /** The data as the fn sees it: a list is copied for undo when the fn first reads it. */
  readonly view: DatabaseShape;

  constructor(data: DatabaseShape) {
    this.#top = { ...data };
    // Every way to a list goes through get or getOwnPropertyDescriptor (Object.values, spread, destructuring too).
    // Once the fn has returned, the view refuses everything: an async fn cannot reach a list it had not read after
    // its first await, when the list is no longer copied for undo nor checked.
    const copyForUndo = (target: DatabaseShape, key: string | symbol): void => {
      const value: unknown = Reflect.get(target, key);
      if (typeof key === 'string' && Array.isArray(value) && value === this.#top[key] && !this.#lists.has(key))
        this.#lists.set(key, value.map(copyRecord));
    };
    const closed = (): never => {
      throw new TypeError('Database.update(fn): the data is out of reach once fn has returned');
    };
    this.view = new Proxy(data, {
      get: (target, key, receiver) => {
        if (!this.#open) closed();
        copyForUndo(target, key);
        return Reflect.get(target, key, receiver);
      },
      getOwnPropertyDescriptor: (target, key) => {
        if (!this.#open) closed();
        copyForUndo(target, key);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
      set: (target, key, value, receiver) => (this.#open ? Reflect.set(target, key, value, receiver) : closed()),
      defineProperty: (target, key, descriptor) =>
        this.#open ? Reflect.defineProperty(target, key, descriptor) : closed(),
      deleteProperty: (target, key) => (this.#open ? Reflect.deleteProperty(target, key) : closed()),
      has: (target, key) => (this.#open ? Reflect.has(target, key) : closed()),
      ownKeys: (target) => (this.#open ? Reflect.ownKeys(target) : closed()),
    });
    this.#state = data.state;
    const remember = (target: Record<string, StateItem>, key: string | symbol): void => {
      if (typeof key !== 'string' || this.touched.has(key)) return;
      this.touched.set(key, Object.hasOwn(target, key) ? (target[key] as StateItem) : ABSENT);
    };
    this.#proxy = new Proxy(this.#state, {
      // Once the fn has returned, writes through a reference it kept fail (TypeError in strict code).
      defineProperty: (target, key, descriptor) => {
        if (!this.#open) return false;
        remember(target, key);
        return Reflect.defineProperty(target, key, descriptor);
      },
      deleteProperty: (target, key) => {
        if (!this.#open) return false;
        remember(target, key);
        return Reflect.deleteProperty(target, key);
      },
      setPrototypeOf() {
        return false;
      },
    });
    data.state = this.#proxy;
  }

  /** The lists the fn may have changed: those it read, and those it replaced. */
  listsTouched(data: DatabaseShape): string[] {
    const top: JsonObject = { ...data };
    return Object.keys(top).filter(
      (key) => Array.isArray(this.#top[key]) && (this.#lists.has(key) || top[key] !== this.#top[key]),
    );
  }

  /** After fn: puts the real state map back (unless fn replaced it); returns whether fn replaced it. */
  finish(data: DatabaseShape): { stateReplaced: boolean } {
    this.#open = false;
    if (data.state === this.#proxy) {
      data.state = this.#state;
      return { stateReplaced: false };
    }
    return { stateReplaced: true };
  }

  /**
   * The data as it was before fn, as a new top-level object (the one fn saw is abandoned: whatever an async fn still
   * does to it cannot reach the live data, and its proxy refuses writes).
   */
  restore(): DatabaseShape {
    this.#open = false;
    for (const [key, before] of this.touched) {
      if (before === ABSENT) Reflect.deleteProperty(this.#state, key);
      else setOwn(this.#state, key, before);
    }
    const restored: JsonObject = { ...this.#top, state: this.#state };
    for (const [key, list] of this.#lists) restored[key] = list;
    return restored as unknown as DatabaseShape;
  }
}

export class JsonDatabase implements Db {
  readonly #low: Low<DatabaseShape>;
  readonly #file: DurableJsonFile<DatabaseShape>;
  /** JSON of the data as it is on disk: what memory reverts to when a write fails. */
  #durable: string;
  /** Bumped whenever memory reverted to the disk: an update applied before that was undone, whatever else happens. */
  #generation = 0;
  #inUpdate = false;
  #closed = false;

  private constructor(low: Low<DatabaseShape>, file: DurableJsonFile<DatabaseShape>, durable: string) {
    this.#low = low;
    this.#file = file;
    this.#durable = durable;
  }

  /** A write reached the disk: that is the version to revert to from now on. */
  #written(text: string): void {
    this.#durable = text;
  }

  /**
   * A write failed (a full disk, an unserialisable value): every change since the last durable write is undone in
   * memory, so nothing unwritten is ever read, mailed or written later; each of their updates rejects.
   */
  #writeFailed(): void {
    this.#generation += 1;
    this.#low.data = JSON.parse(this.#durable);
  }

  /**
   * Opens (or creates) `<dataDir>/assistant-db.json`. Creates the directory (mode 0o700) when missing and writes an
   * empty database when there is no file. A file from an older release (without the feedback list) is migrated and
   * written back. Throws DatabaseCorruptError, leaving the file untouched, when it exists but cannot be used: the
   * application must stop rather than start over with an empty database.
   */
  static async open(dataDir: string, options: DatabaseOptions = {}): Promise<JsonDatabase> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    let migrated = false;
    let database: JsonDatabase | undefined;
    const file = new DurableJsonFile<DatabaseShape>(join(dataDir, options.fileName ?? DATABASE_FILE_NAME), {
      onWritten: (text) => {
        if (database) database.#written(text);
      },
      onWriteFailed: () => {
        if (database) database.#writeFailed();
      },
      // The file as read is migrated before it is checked: an older file is fine, a corrupt one is still refused.
      validate: (value) => {
        migrated = migrateDatabase(value);
        return databaseProblem(value);
      },
    });
    const empty = emptyDatabase();
    const low = new Low<DatabaseShape>(file, empty);
    await low.read();
    if (low.data === empty) {
      await low.write();
    } else {
      await file.removeStaleTempFiles();
      if (migrated) await low.write();
    }
    database = new JsonDatabase(low, file, JSON.stringify(low.data));
    return database;
  }

  /** Path of the database file (inside the data directory given to open()). */
  get path(): string {
    return this.#file.path;
  }

  read<T>(fn: (data: Readonly<DatabaseShape>) => T): T {
    return fn(this.#low.data);
  }

  /**
   * Applies `fn` to the in-memory data (synchronously, in call order) and resolves with its result once the whole
   * database, including this change, is on disk. Concurrent updates share one disk write.
   *
   * - `fn` throws, returns a promise, or leaves data that is not a valid database: its changes are undone, nothing is
   *   written, and the update rejects. (Undo covers the top-level fields, the lists, each record's own fields and the
   *   state map's entries; records and state items are treated as immutable below that, as their types say. During
   *   fn, `data.state` is a proxy that logs which keys change: do not structuredClone() it, and do not keep it.)
   * - The disk write fails: the update rejects and its change is undone in memory, together with every other change
   *   not yet on disk (their updates reject too): "not recorded" means nothing is kept.
   */
  update<T>(fn: (data: DatabaseShape) => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error(`Database ${this.path} is closed`));
    if (this.#inUpdate) return Promise.reject(new Error('Database.update() called from inside an update fn'));
    const data = this.#low.data;
    const scope = new UpdateScope(data);
    let result: T;
    this.#inUpdate = true;
    try {
      try {
        result = fn(scope.view);
      } finally {
        this.#inUpdate = false;
      }
      if (isThenable(result)) {
        // Its later failure (e.g. writing through the abandoned data) must not become an unhandled rejection.
        Promise.resolve(result).catch(() => {});
        throw new TypeError('Database.update(fn): fn must be synchronous, not return a promise');
      }
      const { stateReplaced } = scope.finish(data);
      const problem = stateReplaced
        ? databaseProblem(data)
        : this.#changedProblem(data, scope.touched.keys(), scope.listsTouched(data));
      if (problem !== undefined) throw new TypeError(`Database.update(fn) left an invalid database: ${problem}`);
    } catch (error) {
      this.#low.data = scope.restore();
      return Promise.reject(error);
    }
    const generation = this.#generation;
    return this.#file.writeWith(this.#serialise).then(() => {
      // A write failed after this change was applied and before it reached the disk: it was undone.
      if (generation !== this.#generation)
        throw new Error(`Database ${this.path}: not written, an earlier write failed and its changes were undone`);
      return result;
    });
  }

  /** Waits for pending writes. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#file.flushed();
  }

  #changedProblem(data: DatabaseShape, keys: Iterable<string>, lists: Iterable<string>): string | undefined {
    const problem = topLevelProblem(data, lists);
    if (problem !== undefined) return problem;
    for (const key of keys) {
      if (!Object.hasOwn(data.state, key)) continue;
      const itemProblem = stateItemProblem(key, data.state[key]);
      if (itemProblem !== undefined) return itemProblem;
    }
    return undefined;
  }

  /** Serialises the current data when the write starts (a failure undoes every change not on disk). */
  #serialise = (): string => JSON.stringify(this.#low.data);
}

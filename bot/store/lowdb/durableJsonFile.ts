/**
 * A lowdb adapter for one JSON file that survives crashes and power loss:
 * every write goes to a fresh temp file in the same directory, is fsynced, renamed over the target, and the directory
 * is fsynced, so the file on disk is always either the previous or the new complete version.
 *
 * A file that exists but cannot be understood is never overwritten, renamed or "repaired": read() throws
 * DatabaseCorruptError and the adapter refuses every later write, so an operator can inspect or restore it.
 */
import { readdir, readFile, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { hasCode, writeFileDurably } from '../durableWrite.ts';

/** The JSON file exists but is not a database this code can use. Its bytes were left exactly as they were. */
export class DatabaseCorruptError extends Error {
  override readonly name = 'DatabaseCorruptError';
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(
      `Database file ${path} cannot be used: ${reason}. The file was left untouched; ` +
        'restore it from a backup, or move it aside to start with an empty database.',
      options,
    );
    this.path = path;
    this.reason = reason;
  }
}

/**
 * Checks parsed JSON: returns a short description of the first problem found (e.g. "tickets is not an array"),
 * or undefined when the value is acceptable.
 */
export type JsonValidator = (value: unknown) => string | undefined;

export interface DurableJsonFileOptions {
  /** Shape check run on every read; a problem makes read() throw DatabaseCorruptError. */
  readonly validate?: JsonValidator;
  /** Permissions of the file (default 0o600: it holds personal data). */
  readonly mode?: number;
  /** Called with the text as soon as it is durably on disk (before the next write starts). */
  readonly onWritten?: (text: string) => void;
  /** Called when a write (or its serialiser) failed, before the next write starts. */
  readonly onWriteFailed?: (error: unknown) => void;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface Batch {
  /** Produces the text to write; called when the batch starts, so the newest data wins. */
  serialize: () => string;
  readonly waiters: Waiter[];
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class DurableJsonFile<T> implements Adapter<T> {
  readonly path: string;
  readonly #dir: string;
  readonly #base: string;
  readonly #validate: JsonValidator | undefined;
  readonly #mode: number;
  readonly #onWritten: ((text: string) => void) | undefined;
  readonly #onWriteFailed: ((error: unknown) => void) | undefined;
  /** Set once read() found the file unusable: from then on nothing may be written over it. */
  #corrupt: DatabaseCorruptError | undefined;
  /** Data waiting for the write in flight to finish; later calls replace its data and join its waiters. */
  #next: Batch | undefined;
  #running = false;
  #writes = 0;
  #idle: Promise<void> = Promise.resolve();
  #markIdle: () => void = () => {};

  constructor(path: string, options: DurableJsonFileOptions = {}) {
    this.path = path;
    this.#dir = dirname(path);
    this.#base = basename(path);
    this.#validate = options.validate;
    this.#mode = options.mode ?? 0o600;
    this.#onWritten = options.onWritten;
    this.#onWriteFailed = options.onWriteFailed;
  }

  /** The file's data; null when there is no file. Throws DatabaseCorruptError when it exists but is unusable. */
  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return null;
      throw error;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a BOM added by a text editor
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw this.#markCorrupt(
        text.trim() === '' ? 'the file is empty' : `it is not valid JSON (${describe(error)})`,
        error,
      );
    }
    const problem = this.#validate?.(value);
    if (problem !== undefined) throw this.#markCorrupt(problem);
    return value as T;
  }

  /**
   * Writes `data` (as compact JSON) atomically and durably. Writes never overlap: while one is in flight, later calls
   * wait and only the newest data is written, once. Resolves when data at least as new as this call's is on disk.
   */
  write(data: T): Promise<void> {
    return this.#enqueue(() => JSON.stringify(data));
  }

  /**
   * Like write(), with the caller's serialiser: `serialize` runs when this write actually starts (not at all when a
   * newer call supersedes it) and must return the JSON text of the complete document. If it throws, the write is
   * abandoned and every caller waiting on it gets that error.
   */
  writeWith(serialize: () => string): Promise<void> {
    return this.#enqueue(serialize);
  }

  /** How many times the file has been replaced since this adapter was created (coalesced calls count once). */
  get writeCount(): number {
    return this.#writes;
  }

  /** Resolves once no write is in flight or waiting (never rejects: failures went to the writers' promises). */
  flushed(): Promise<void> {
    return this.#idle;
  }

  /**
   * Deletes temp files that a crash left behind (they hold personal data). Only call this when this adapter is the
   * only writer of the file and no write is in flight, e.g. right after a successful read() at start-up.
   */
  async removeStaleTempFiles(): Promise<number> {
    const prefix = `.${this.#base}.`;
    let removed = 0;
    for (const name of await readdir(this.#dir)) {
      if (!name.startsWith(prefix) || !/^\d+\.[0-9a-f]+\.tmp$/.test(name.slice(prefix.length))) continue;
      try {
        await unlink(join(this.#dir, name));
        removed++;
      } catch (error) {
        if (!hasCode(error, 'ENOENT')) throw error;
      }
    }
    return removed;
  }

  #markCorrupt(reason: string, cause?: unknown): DatabaseCorruptError {
    this.#corrupt = new DatabaseCorruptError(this.path, reason, cause === undefined ? undefined : { cause });
    return this.#corrupt;
  }

  #enqueue(serialize: () => string): Promise<void> {
    if (this.#corrupt) return Promise.reject(this.#corrupt);
    return new Promise<void>((resolve, reject) => {
      if (this.#next) {
        this.#next.serialize = serialize;
        this.#next.waiters.push({ resolve, reject });
      } else {
        this.#next = { serialize, waiters: [{ resolve, reject }] };
      }
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    this.#idle = new Promise<void>((resolve) => {
      this.#markIdle = resolve;
    });
    try {
      for (let batch = this.#next; batch; batch = this.#next) {
        this.#next = undefined;
        try {
          const text = batch.serialize();
          await this.#writeNow(text);
          this.#onWritten?.(text);
          for (const waiter of batch.waiters) waiter.resolve();
        } catch (error) {
          this.#onWriteFailed?.(error);
          for (const waiter of batch.waiters) waiter.reject(error);
        }
      }
    } finally {
      this.#running = false;
      this.#markIdle();
    }
  }

  async #writeNow(text: string): Promise<void> {
    await writeFileDurably(this.path, text, this.#mode);
    this.#writes++;
  }
}

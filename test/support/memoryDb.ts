/**
 * An in-memory Db for tests, true to the contract of bot/store/db.ts: reads are synchronous; update() works on a deep
 * copy, commits it only when the change function returns, resolves asynchronously (as if written to disk) and runs one
 * at a time. Committed data is frozen, so code that mutates what read() hands it fails loudly.
 */
import type { DatabaseShape, Db } from '../../bot/store/lowdb/jsonDocument.ts';
import { emptyDatabase } from '../../bot/store/lowdb/jsonDocument.ts';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export class MemoryDb implements Db {
  private data: DatabaseShape;
  private queue: Promise<unknown> = Promise.resolve();
  private failures: Error[] = [];
  /** Number of committed updates ("disk writes"). */
  writes = 0;

  constructor(initial: DatabaseShape = emptyDatabase()) {
    this.data = deepFreeze(structuredClone(initial));
  }

  read<T>(fn: (data: Readonly<DatabaseShape>) => T): T {
    return fn(this.data);
  }

  update<T>(fn: (data: DatabaseShape) => T): Promise<T> {
    const next = this.queue.then(async () => {
      const draft = structuredClone(this.data);
      const result = fn(draft);
      await new Promise((resolve) => setImmediate(resolve)); // the "disk write"
      const failure = this.failures.shift();
      if (failure) throw failure;
      this.data = deepFreeze(draft);
      this.writes += 1;
      return result;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The next `count` updates fail (as a full disk would) and change nothing. */
  failNextUpdates(count: number, error = new Error('ENOSPC: no space left on device')): void {
    for (let i = 0; i < count; i += 1) this.failures.push(error);
  }

  /** A deep copy of the committed data. */
  snapshot(): DatabaseShape {
    return structuredClone(this.data);
  }
}

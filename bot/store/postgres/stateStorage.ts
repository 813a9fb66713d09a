/**
 * Bot Framework storage (conversation and user state) in the bot_state table, with the eTag optimistic concurrency
 * of JsonStateStorage (the same contract suite runs on both): a write whose eTag is not the stored item's fails with
 * StateConflictError and stores nothing of its batch. Because every instance reads and writes the same rows, a turn
 * of a conversation on one instance that overlaps a turn of the same conversation on another is detected, not
 * silently overwritten (see dialogs/checkedConversationState.ts, which makes Bot Framework's state send its eTag).
 */
import { randomUUID } from 'node:crypto';
import type { StoreItems } from 'botbuilder';
import {
  changesOf,
  checkKeys,
  isPlainObject,
  type StateChange,
  StateConflictError,
  setOwnItem,
} from '../stateItems.ts';
import type { ConversationStorage } from '../store.ts';
import type { PostgresDatabase, Queryable } from './database.ts';
import { pgText } from './recordTable.ts';

interface StateRow {
  readonly key: string;
  readonly etag: string;
  readonly value: unknown;
}

/** Writes one change (see write()); throws StateConflictError when its eTag is not the stored item's. */
async function writeChange(db: Queryable, { key, eTag, value }: StateChange, changedAt: string): Promise<void> {
  const row = [pgText(key), randomUUID(), changedAt, JSON.stringify(value)];
  if (eTag === undefined) {
    await db.query(
      `INSERT INTO bot_state (key, etag, changed_at, value) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO UPDATE SET etag = EXCLUDED.etag, changed_at = EXCLUDED.changed_at, value = EXCLUDED.value`,
      row,
    );
    return;
  }
  // Waits for a concurrent writer of the row, then compares with what it committed.
  const updated = await db.query(
    'UPDATE bot_state SET etag = $2, changed_at = $3, value = $4 WHERE key = $1 AND etag = $5',
    [...row, eTag],
  );
  if (updated.rowCount === 1) return;
  // Not stored (never, or pruned meanwhile): written, as MemoryStorage does; stored with another eTag: conflict.
  const inserted = await db.query(
    `INSERT INTO bot_state (key, etag, changed_at, value) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key) DO NOTHING`,
    row,
  );
  if (inserted.rowCount !== 1) throw new StateConflictError(key);
}

export class PostgresStateStorage implements ConversationStorage {
  constructor(
    private readonly database: PostgresDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The stored items among `keys` (missing keys are absent), as fresh copies carrying their current eTag. */
  async read(keys: string[]): Promise<StoreItems> {
    checkKeys(keys, 'read');
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    const { rows } = await this.database.query<StateRow>(
      'SELECT key, etag, value FROM bot_state WHERE key = ANY ($1::text[])',
      [keys.map(pgText)],
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    for (const key of keys) {
      const row = byKey.get(pgText(key));
      if (!row || !isPlainObject(row.value)) continue;
      setOwnItem(items, key, { ...row.value, eTag: row.etag });
    }
    return items;
  }

  /**
   * Stores every change, in one transaction when there are several, in key order (two batches never wait for each
   * other in a circle). A change without eTag, or with "*", overwrites; one whose eTag is not the stored item's fails
   * the whole batch. A single change (every turn's save) needs no transaction: each of its statements is atomic and
   * the conditional update alone decides, so it costs one round trip instead of three.
   */
  async write(changes: StoreItems): Promise<void> {
    const incoming = changesOf(changes);
    const changedAt = this.now().toISOString();
    const [only, ...more] = incoming;
    if (!only) return;
    if (more.length === 0) await writeChange(this.database, only, changedAt);
    else
      await this.database.readCommitted(async (client) => {
        for (const change of incoming) await writeChange(client, change, changedAt);
      });
  }

  /** Forgets the items; keys that are not stored are ignored. */
  async delete(keys: string[]): Promise<void> {
    checkKeys(keys, 'delete');
    if (keys.length === 0) return;
    await this.database.query('DELETE FROM bot_state WHERE key = ANY ($1::text[])', [keys.map(pgText)]);
  }

  /** Privacy: forgets every item not changed since `olderThan`; returns how many. */
  async pruneState(olderThan: Date): Promise<number> {
    if (Number.isNaN(olderThan.getTime())) throw new RangeError('pruneState: olderThan is not a valid date');
    const result = await this.database.query('DELETE FROM bot_state WHERE changed_at < $1', [olderThan.toISOString()]);
    return result.rowCount ?? 0;
  }
}

/**
 * What only the embedded store's Storage does: how items sit in the file, and that it touches the disk only when
 * something changed. What every Storage does (eTags, batches, copies, pruning) is in contract/stateStorage.contract.ts.
 */
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { JsonDatabase } from '../../../bot/store/lowdb/jsonDatabase.ts';
import type { DatabaseShape, Db } from '../../../bot/store/lowdb/jsonDocument.ts';
import { JsonStateStorage } from '../../../bot/store/lowdb/jsonStateStorage.ts';
import { MAX_STATE_KEY_LENGTH } from '../../../bot/store/stateItems.ts';
import { rejectionOf, useTempDir } from '../../support/tempDir.ts';

/** Counts the database updates a storage makes. */
class CountingDb implements Db {
  updates = 0;
  constructor(private readonly inner: JsonDatabase) {}
  read<T>(fn: (data: Readonly<DatabaseShape>) => T): T {
    return this.inner.read(fn);
  }
  update<T>(fn: (data: DatabaseShape) => T): Promise<T> {
    this.updates++;
    return this.inner.update(fn);
  }
}

describe('store/JsonStateStorage (the file)', () => {
  const tempDir = useTempDir();
  let db: JsonDatabase;
  let counting: CountingDb;
  let storage: JsonStateStorage;
  let clock: Date;

  beforeEach(async () => {
    db = await JsonDatabase.open(tempDir());
    counting = new CountingDb(db);
    clock = new Date('2025-03-01T10:00:00.000Z');
    storage = new JsonStateStorage(counting, { now: () => clock });
  });
  afterEach(async () => {
    await db.close();
  });

  it('stores the value without the eTag, with changedAt', async () => {
    await storage.write({ a: { n: 1, eTag: '*' } });
    const first = db.read((data) => data.state.a);
    expect(first).to.include({ changedAt: clock.toISOString() });
    expect(first?.value).to.deep.equal({ n: 1 });
  });

  it('a conflicting write leaves the file as it was, after one refused update', async () => {
    await storage.write({ a: { n: 1 } });
    const read1 = (await storage.read(['a'])).a;
    await storage.write({ a: { ...read1, n: 2 } });
    const before = await readFile(db.path);
    const updatesBefore = counting.updates;
    await rejectionOf(storage.write({ a: { ...read1, n: 3 } }));
    expect((await readFile(db.path)).equals(before)).to.equal(true);
    expect(counting.updates).to.equal(updatesBefore + 1);
  });

  it('makes one database update per write(), none for an empty change set or nothing to delete', async () => {
    await storage.write({ a: { n: 1 }, b: { n: 2 }, c: { n: 3 } });
    expect(counting.updates).to.equal(1);
    const before = await readFile(db.path);
    await storage.write({});
    await storage.delete([]);
    await storage.delete(['not-there']);
    expect(counting.updates).to.equal(1);
    expect((await readFile(db.path)).equals(before)).to.equal(true);
    await storage.delete(['a', 'b']);
    expect(counting.updates).to.equal(2);
  });

  it('touches no disk for keys it refuses or items that are not objects', async () => {
    await rejectionOf(storage.write({ ['k'.repeat(MAX_STATE_KEY_LENGTH + 1)]: { n: 1 } }));
    await rejectionOf(storage.write({ a: 5 }));
    expect(counting.updates).to.equal(0);
  });

  it('keeps a key such as "__proto__" as a plain entry of the state map', async () => {
    await storage.write({ ['__proto__']: { n: 1 } });
    expect(db.read((data) => Object.getPrototypeOf(data.state))).to.equal(Object.prototype);
    expect(db.read((data) => Object.keys(data.state))).to.deep.equal(['__proto__']);
  });

  it('pruneState() writes the file once, and not at all when there is nothing to prune', async () => {
    clock = new Date('2025-01-01T00:00:00.000Z');
    await storage.write({ old1: { n: 1 }, old2: { n: 2 } });
    clock = new Date('2025-02-01T00:00:00.000Z');
    await storage.write({ fresh: { n: 5 } });
    const updatesBefore = counting.updates;
    expect(await storage.pruneState(new Date('2025-01-15T00:00:00.000Z'))).to.equal(2);
    expect(counting.updates).to.equal(updatesBefore + 1);
    expect(await storage.pruneState(new Date('2025-01-15T00:00:00.000Z'))).to.equal(0);
    expect(counting.updates).to.equal(updatesBefore + 1);
    await db.close();
    db = await JsonDatabase.open(tempDir());
    expect(db.read((data) => Object.keys(data.state).sort())).to.deep.equal(['fresh']);
  });
});

import { readFile } from 'node:fs/promises';
import { ConversationState, TestAdapter, TurnContext } from 'botbuilder';
import { expect } from 'chai';
import { JsonDatabase } from '../../../bot/store/lowdb/jsonDatabase.ts';
import type { DatabaseShape, Db } from '../../../bot/store/lowdb/jsonDocument.ts';
import { JsonStateStorage, MAX_STATE_KEY_LENGTH } from '../../../bot/store/lowdb/jsonStateStorage.ts';
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

describe('store/JsonStateStorage', () => {
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

  it('writes, reads and deletes items', async () => {
    await storage.write({ a: { count: 1, nested: { list: [1, 2] } }, b: { name: 'Budi' } });
    const items = await storage.read(['a', 'b', 'missing']);
    expect(Object.keys(items).sort()).to.deep.equal(['a', 'b']);
    expect(items.a).to.deep.include({ count: 1, nested: { list: [1, 2] } });
    expect(items.a.eTag).to.be.a('string').that.is.not.empty;
    expect(items.b.name).to.equal('Budi');

    await storage.delete(['a', 'missing']);
    expect(Object.keys(await storage.read(['a', 'b']))).to.deep.equal(['b']);
    expect(await storage.read([])).to.deep.equal({});
  });

  it('stores the value without the eTag, with changedAt, and gives every write a new eTag', async () => {
    await storage.write({ a: { n: 1, eTag: '*' } });
    const first = db.read((data) => data.state.a);
    expect(first).to.include({ changedAt: clock.toISOString() });
    expect(first?.value).to.deep.equal({ n: 1 });
    await storage.write({ a: { n: 2 } });
    const second = db.read((data) => data.state.a);
    expect(second?.eTag).to.be.a('string').and.not.equal(first?.eTag);
  });

  it('accepts a write carrying the current eTag and rejects a stale one ("eTag conflict")', async () => {
    await storage.write({ a: { n: 1 } });
    const read1 = (await storage.read(['a'])).a;
    await storage.write({ a: { ...read1, n: 2 } });
    const read2 = (await storage.read(['a'])).a;
    expect(read2.n).to.equal(2);
    expect(read2.eTag).not.to.equal(read1.eTag);

    const before = await readFile(db.path);
    const updatesBefore = counting.updates;
    const error = await rejectionOf(storage.write({ a: { ...read1, n: 3 } }));
    expect(error).to.be.instanceOf(Error).with.property('message').that.includes('eTag conflict');
    expect((await storage.read(['a'])).a).to.deep.equal(read2);
    expect((await readFile(db.path)).equals(before)).to.equal(true);
    expect(counting.updates).to.equal(updatesBefore + 1);
  });

  it('writes nothing of a batch in which one item conflicts', async () => {
    await storage.write({ a: { n: 1 }, b: { n: 1 } });
    const stale = (await storage.read(['b'])).b;
    await storage.write({ b: { n: 2 } });
    const before = await storage.read(['a', 'b']);
    const error = await rejectionOf(storage.write({ a: { n: 9 }, b: { ...stale, n: 9 }, c: { n: 9 } }));
    expect(error).to.have.property('message').that.includes('eTag conflict');
    expect(await storage.read(['a', 'b', 'c'])).to.deep.equal(before);
  });

  it('lets eTag "*" and a missing eTag overwrite whatever is stored', async () => {
    await storage.write({ a: { n: 1 } });
    await storage.write({ a: { n: 2 } });
    await storage.write({ a: { n: 3, eTag: '*' } });
    expect((await storage.read(['a'])).a.n).to.equal(3);
    await storage.write({ a: { n: 4 } });
    expect((await storage.read(['a'])).a.n).to.equal(4);
  });

  it('accepts an eTag for an item that is not stored (e.g. pruned meanwhile), like MemoryStorage', async () => {
    await storage.write({ gone: { n: 1, eTag: 'from-an-earlier-read' } });
    expect((await storage.read(['gone'])).gone.n).to.equal(1);
  });

  it('returns copies, and keeps no reference to the objects it was given', async () => {
    const given = { list: [1], inner: { x: 1 } };
    await storage.write({ a: given });
    given.list.push(2);
    given.inner.x = 2;
    const read1 = (await storage.read(['a'])).a;
    expect(read1).to.deep.include({ list: [1], inner: { x: 1 } });
    read1.list.push(3);
    read1.inner.x = 3;
    read1.eTag = 'tampered';
    const read2 = (await storage.read(['a'])).a;
    expect(read2).to.deep.include({ list: [1], inner: { x: 1 } });
    expect(read2.eTag).not.to.equal('tampered');
    expect(read2).not.to.equal(read1);
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

  it(`accepts keys up to ${MAX_STATE_KEY_LENGTH} characters and rejects longer ones clearly`, async () => {
    const longest = 'k'.repeat(MAX_STATE_KEY_LENGTH);
    await storage.write({ [longest]: { n: 1 } });
    expect((await storage.read([longest]))[longest].n).to.equal(1);
    const tooLong = 'k'.repeat(MAX_STATE_KEY_LENGTH + 1);
    for (const attempt of [
      storage.write({ [tooLong]: { n: 1 } }),
      storage.read([tooLong]),
      storage.delete([tooLong]),
    ]) {
      const error = await rejectionOf(attempt);
      expect(error).to.be.instanceOf(RangeError);
      expect(error).to.have.property('message').that.includes(`limit is ${MAX_STATE_KEY_LENGTH}`);
    }
    expect(counting.updates).to.equal(1);
  });

  it('rejects items that are not objects', async () => {
    expect(await rejectionOf(storage.write({ a: 5 }))).to.be.instanceOf(TypeError);
    expect(await rejectionOf(storage.write({ a: [1, 2] }))).to.be.instanceOf(TypeError);
    expect(counting.updates).to.equal(0);
  });

  it('stores a key such as "__proto__" as a plain entry', async () => {
    await storage.write({ ['__proto__']: { n: 1 } });
    const items = await storage.read(['__proto__', 'n']);
    expect(Object.hasOwn(items, '__proto__')).to.equal(true);
    expect(Object.keys(items)).to.deep.equal(['__proto__']);
    expect(db.read((data) => Object.getPrototypeOf(data.state))).to.equal(Object.prototype);
  });

  it('keeps state across a restart (new JsonDatabase and new JsonStateStorage on the same directory)', async () => {
    await storage.write({ 'test/conversations/c1': { dialogState: { step: 2 } } });
    const stored = (await storage.read(['test/conversations/c1']))['test/conversations/c1'];
    await db.close();

    db = await JsonDatabase.open(tempDir());
    const restarted = new JsonStateStorage(db);
    const items = await restarted.read(['test/conversations/c1']);
    expect(items['test/conversations/c1']).to.deep.equal(stored);
    // The eTag read before the restart still guards the item.
    await restarted.write({ 'test/conversations/c1': { ...stored, dialogState: { step: 3 } } });
    expect(await rejectionOf(restarted.write({ 'test/conversations/c1': { ...stored, dialogState: { step: 4 } } })))
      .to.have.property('message')
      .that.includes('eTag conflict');
  });

  it('round-trips a ConversationState property across two TurnContexts, and across a restart', async () => {
    const adapter = new TestAdapter();
    const state = new ConversationState(storage);
    const counter = state.createProperty<{ count: number; lang: string }>('counter');
    // makeActivity() leaves out the channel, which ConversationState needs for its key.
    const activity = (text: string) => ({ ...adapter.makeActivity(text), channelId: adapter.conversation.channelId });

    const turn1 = new TurnContext(adapter, activity('hello'));
    await state.load(turn1);
    expect(await counter.get(turn1)).to.equal(undefined);
    await counter.set(turn1, { count: 1, lang: 'id' });
    await state.saveChanges(turn1);

    const turn2 = new TurnContext(adapter, activity('again'));
    const value2 = await counter.get(turn2, { count: 0, lang: 'en' });
    expect(value2).to.deep.equal({ count: 1, lang: 'id' });
    value2.count = 2;
    await state.saveChanges(turn2); // with the eTag read in this turn: no conflict

    await db.close();
    db = await JsonDatabase.open(tempDir());
    const restartedState = new ConversationState(new JsonStateStorage(db));
    const restartedCounter = restartedState.createProperty<{ count: number; lang: string }>('counter');
    const turn3 = new TurnContext(adapter, activity('after restart'));
    expect(await restartedCounter.get(turn3)).to.deep.equal({ count: 2, lang: 'id' });
    const key = `${turn3.activity.channelId}/conversations/${turn3.activity.conversation.id}/`;
    expect(db.read((data) => Object.keys(data.state))).to.deep.equal([key]);
  });

  it('pruneState() forgets only the items not changed since the given time', async () => {
    clock = new Date('2025-01-01T00:00:00.000Z');
    await storage.write({ old1: { n: 1 }, old2: { n: 2 }, kept: { n: 3 } });
    clock = new Date('2025-02-01T00:00:00.000Z');
    await storage.write({ kept: { n: 4 }, fresh: { n: 5 } });
    const updatesBefore = counting.updates;

    expect(await storage.pruneState(new Date('2025-01-15T00:00:00.000Z'))).to.equal(2);
    expect(Object.keys(await storage.read(['old1', 'old2', 'kept', 'fresh'])).sort()).to.deep.equal(['fresh', 'kept']);
    expect(counting.updates).to.equal(updatesBefore + 1);

    expect(await storage.pruneState(new Date('2025-01-15T00:00:00.000Z'))).to.equal(0);
    expect(counting.updates).to.equal(updatesBefore + 1); // nothing to prune: no disk write

    // Exactly at the cut-off counts as "changed since then".
    expect(await storage.pruneState(new Date('2025-02-01T00:00:00.000Z'))).to.equal(0);

    await db.close();
    db = await JsonDatabase.open(tempDir());
    expect(db.read((data) => Object.keys(data.state).sort())).to.deep.equal(['fresh', 'kept']);
  });
});

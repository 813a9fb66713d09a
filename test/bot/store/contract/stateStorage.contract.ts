/** Bot Framework Storage (conversation state) as every store must keep it: eTags, batches, copies, pruning. */
import { ConversationState, TestAdapter, TurnContext } from 'botbuilder';
import { expect } from 'chai';
import { MAX_STATE_KEY_LENGTH, StateConflictError } from '../../../../bot/store/stateItems.ts';
import type { ConversationStorage, Store } from '../../../../bot/store/store.ts';
import { rejectionOf } from '../../../support/tempDir.ts';
import { restart, type StoreSubject } from './subject.ts';

export function stateStorageContract(subject: StoreSubject): void {
  describe('conversation state (Bot Framework Storage)', () => {
    let clock: Date;
    let store: Store;
    let storage: ConversationStorage;
    const now = () => clock;

    beforeEach(async () => {
      clock = new Date('2025-03-01T10:00:00.000Z');
      store = await subject.open(now);
      storage = store.conversations;
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
      await storage.write({});
      await storage.delete([]);
    });

    it('gives every write a new eTag and keeps the value without the eTag it was written with', async () => {
      await storage.write({ a: { n: 1, eTag: '*' } });
      const first = (await storage.read(['a'])).a;
      expect(first).to.deep.equal({ n: 1, eTag: first.eTag });
      await storage.write({ a: { n: 2 } });
      const second = (await storage.read(['a'])).a;
      expect(second.eTag).to.be.a('string').and.not.equal(first.eTag);
    });

    it('accepts a write carrying the current eTag and rejects a stale one (StateConflictError, nothing written)', async () => {
      await storage.write({ a: { n: 1 } });
      const read1 = (await storage.read(['a'])).a;
      await storage.write({ a: { ...read1, n: 2 } });
      const read2 = (await storage.read(['a'])).a;
      expect(read2.n).to.equal(2);
      expect(read2.eTag).not.to.equal(read1.eTag);

      const error = await rejectionOf(storage.write({ a: { ...read1, n: 3 } }));
      expect(error).to.be.instanceOf(StateConflictError).with.property('message').that.includes('eTag conflict');
      expect((await storage.read(['a'])).a).to.deep.equal(read2);
    });

    it('of two writers that read the same eTag, the second is refused', async () => {
      await storage.write({ c: { step: 1 } });
      const [one, two] = [(await storage.read(['c'])).c, (await storage.read(['c'])).c];
      await storage.write({ c: { ...one, step: 2 } });
      expect(await rejectionOf(storage.write({ c: { ...two, step: 3 } }))).to.be.instanceOf(StateConflictError);
      expect((await storage.read(['c'])).c.step).to.equal(2);
    });

    it('writes nothing of a batch in which one item conflicts', async () => {
      await storage.write({ a: { n: 1 }, b: { n: 1 } });
      const stale = (await storage.read(['b'])).b;
      await storage.write({ b: { n: 2 } });
      const before = await storage.read(['a', 'b']);
      const error = await rejectionOf(storage.write({ a: { n: 9 }, b: { ...stale, n: 9 }, c: { n: 9 } }));
      expect(error).to.be.instanceOf(StateConflictError);
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

    it('keeps any text, a NUL, "%" and lone surrogates included, in keys and values', async () => {
      const key = 'webchat/conversations/a%00b\u0000c%25/';
      const value = { text: 'nul \u0000, percent %00 %25, surrogate \ud800, emoji 👍, quote " and \\' };
      await storage.write({ [key]: value, 'a%00b': { other: true } });
      const items = await storage.read([key, 'a%00b', 'a\u0000b']);
      expect(Object.keys(items).sort()).to.deep.equal(['a%00b', key].sort());
      expect(items[key]).to.deep.include(value);
      expect(items['a%00b']).to.deep.include({ other: true });
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
    });

    it('rejects items that are not objects, and keys that are not strings', async () => {
      expect(await rejectionOf(storage.write({ a: 5 }))).to.be.instanceOf(TypeError);
      expect(await rejectionOf(storage.write({ a: [1, 2] }))).to.be.instanceOf(TypeError);
      expect(await rejectionOf(storage.read([''])).then(String)).to.include('non-empty string');
      expect(await storage.read(['a'])).to.deep.equal({});
    });

    it('stores a key such as "__proto__" as a plain entry', async () => {
      await storage.write({ ['__proto__']: { n: 1 } });
      const items = await storage.read(['__proto__', 'n']);
      expect(Object.hasOwn(items, '__proto__')).to.equal(true);
      expect(Object.keys(items)).to.deep.equal(['__proto__']);
      expect(Object.getPrototypeOf(items)).to.equal(Object.prototype);
    });

    it('keeps state across a restart, and the eTag read before it still guards the item', async () => {
      const key = 'test/conversations/c1';
      await storage.write({ [key]: { dialogState: { step: 2 } } });
      const stored = (await storage.read([key]))[key];
      const restarted = (await restart(subject, store, now)).conversations;
      expect((await restarted.read([key]))[key]).to.deep.equal(stored);
      await restarted.write({ [key]: { ...stored, dialogState: { step: 3 } } });
      expect(await rejectionOf(restarted.write({ [key]: { ...stored, dialogState: { step: 4 } } }))).to.be.instanceOf(
        StateConflictError,
      );
    });

    it('round-trips a ConversationState property across two TurnContexts', async () => {
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
      await state.saveChanges(turn2);

      const turn3 = new TurnContext(adapter, activity('later'));
      expect(await counter.get(turn3)).to.deep.equal({ count: 2, lang: 'id' });
    });

    it('pruneState() forgets only the items not changed since the given time', async () => {
      clock = new Date('2025-01-01T00:00:00.000Z');
      await storage.write({ old1: { n: 1 }, old2: { n: 2 }, kept: { n: 3 } });
      clock = new Date('2025-02-01T00:00:00.000Z');
      await storage.write({ kept: { n: 4 }, fresh: { n: 5 } });

      expect(await storage.pruneState(new Date('2025-01-15T00:00:00.000Z'))).to.equal(2);
      expect(Object.keys(await storage.read(['old1', 'old2', 'kept', 'fresh'])).sort()).to.deep.equal([
        'fresh',
        'kept',
      ]);
      expect(await storage.pruneState(new Date('2025-01-15T00:00:00.000Z'))).to.equal(0);
      // Exactly at the cut-off counts as "changed since then".
      expect(await storage.pruneState(new Date('2025-02-01T00:00:00.000Z'))).to.equal(0);
      expect(await rejectionOf(storage.pruneState(new Date(Number.NaN)))).to.be.instanceOf(RangeError);
    });

    if (subject.shared)
      it('two instances on one database: a turn overlapping another instance’s turn is refused, not lost', async () => {
        const other = (await subject.open(now)).conversations;
        const key = 'directline/conversations/shared/';
        await storage.write({ [key]: { step: 'name' } });
        const onA = (await storage.read([key]))[key];
        const onB = (await other.read([key]))[key];
        await other.write({ [key]: { ...onB, step: 'email' } });
        expect(await rejectionOf(storage.write({ [key]: { ...onA, step: 'age' } }))).to.be.instanceOf(
          StateConflictError,
        );
        expect((await storage.read([key]))[key].step).to.equal('email');
      });
  });
}

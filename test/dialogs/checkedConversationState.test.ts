import { type Activity, type Storage, type StoreItems, TestAdapter, TurnContext } from 'botbuilder';
import { expect } from 'chai';
import { createAdapter } from '../../bot/channel/adapter.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log/logger.ts';
import { JsonStateStorage } from '../../bot/store/lowdb/jsonStateStorage.ts';
import { StateConflictError } from '../../bot/store/stateItems.ts';
import { CheckedConversationState } from '../../dialogs/checkedConversationState.ts';
import { ReplyComposer } from '../../dialogs/replies/composer.ts';
import { TEXTS } from '../../dialogs/replies/texts.ts';
import { defaultPrefs } from '../../dialogs/root/conversationPrefs.ts';
import { KNOWLEDGE_FILE, loadRealKnowledge } from '../support/buildBot.ts';
import { MemoryDb } from '../support/memoryDb.ts';
import { rejectionOf } from '../support/tempDir.ts';

/** A Storage that records every write it is given (and passes it on). */
class RecordingStorage implements Storage {
  readonly writes: StoreItems[] = [];
  constructor(private readonly inner: Storage) {}
  read(keys: string[]) {
    return this.inner.read(keys);
  }
  write(changes: StoreItems) {
    this.writes.push(structuredClone(changes));
    return this.inner.write(changes);
  }
  delete(keys: string[]) {
    return this.inner.delete(keys);
  }
}

describe('dialogs/CheckedConversationState: turns that overlap are detected', () => {
  const adapter = new TestAdapter();
  const turn = (text: string) =>
    new TurnContext(adapter, { ...adapter.makeActivity(text), channelId: adapter.conversation.channelId });
  let storage: RecordingStorage;
  let state: CheckedConversationState;

  beforeEach(() => {
    storage = new RecordingStorage(new JsonStateStorage(new MemoryDb()));
    state = new CheckedConversationState(storage);
  });

  it('of two turns that read the same state, the one that saves second is refused; the first one’s state stands', async () => {
    const step = state.createProperty<string>('step');
    const first = turn('a');
    await step.set(first, 'name');
    await state.saveChanges(first);

    const one = turn('Budi');
    const two = turn('budi@example.com');
    expect(await step.get(one)).to.equal('name');
    expect(await step.get(two)).to.equal('name');
    await step.set(one, 'email');
    await state.saveChanges(one);
    await step.set(two, 'age');
    expect(await rejectionOf(state.saveChanges(two))).to.be.instanceOf(StateConflictError);
    expect(await step.get(turn('later'))).to.equal('email');
  });

  it('writes only when the state changed, with the eTag it read; a new conversation’s first write with "*"', async () => {
    const step = state.createProperty<string>('step');
    const first = turn('a');
    await step.set(first, 'name');
    await state.saveChanges(first);
    expect(storage.writes.map((w) => Object.values(w)[0]?.eTag)).to.deep.equal(['*']);

    const unchanged = turn('b');
    await step.get(unchanged);
    await state.saveChanges(unchanged);
    expect(storage.writes).to.have.length(1);

    const changed = turn('c');
    await step.set(changed, 'email');
    const read = state.get(changed)?.eTag;
    expect(read).to.be.a('string').and.not.equal('*');
    await state.saveChanges(changed);
    expect(Object.values(storage.writes[1] ?? {})[0]?.eTag).to.equal(read);
    await state.saveChanges(changed, true); // a second save in the same turn: its own write, overwritten
    expect(storage.writes).to.have.length(3);
  });

  describe('with a mergeable property', () => {
    /** A property of lines, merged by appending this turn's lines again. */
    const mergeableState = (inner: Storage) => {
      const added = new WeakMap<TurnContext, string[]>();
      const merged: CheckedConversationState = new CheckedConversationState(inner, {
        name: 'lines',
        reapply: async (context) => {
          const now = (await lines.get(context)) ?? [];
          await lines.set(context, [...now, ...(added.get(context) ?? [])]);
        },
      });
      const lines = merged.createProperty<string[]>('lines');
      const say = async (context: TurnContext, line: string) => {
        added.set(context, [...(added.get(context) ?? []), line]);
        await lines.set(context, [...((await lines.get(context)) ?? []), line]);
      };
      /** Two turns that read the state as it is now. */
      const overlapping = async (): Promise<[TurnContext, TurnContext]> => {
        const one = turn('b');
        const two = turn('c');
        await Promise.all([lines.get(one), lines.get(two)]);
        return [one, two];
      };
      return { merged, lines, say, overlapping };
    };

    it('two turns that changed only it are both saved: the later one applied again to the earlier one’s state', async () => {
      const { merged, lines, say, overlapping } = mergeableState(storage);
      const first = turn('a');
      await say(first, 'a');
      await merged.saveChanges(first);

      const [one, two] = await overlapping();
      await say(one, 'b');
      await say(two, 'c');
      await merged.saveChanges(one);
      await merged.saveChanges(two);
      expect(await lines.get(turn('later'))).to.deep.equal(['a', 'b', 'c']);
      const eTags = storage.writes.map((w) => Object.values(w)[0]?.eTag);
      expect(eTags, 'the merged write carries the eTag of the state it merged into').to.have.length(4);
      expect(eTags[3]).to.not.equal(eTags[2]);
    });

    it('a turn that also changed another property is saved over one that changed only it, both kept', async () => {
      const { merged, lines, say, overlapping } = mergeableState(storage);
      const step = merged.createProperty<string>('step');
      const gone = merged.createProperty<string>('gone');
      const first = turn('a');
      await step.set(first, 'name');
      await gone.set(first, 'x');
      await merged.saveChanges(first);

      const [one, two] = await overlapping();
      await say(one, 'b'); // a question on one instance
      await merged.saveChanges(one);
      await say(two, 'c'); // the next step of a flow on the other
      await step.set(two, 'email');
      await gone.delete(two);
      await merged.saveChanges(two);
      const later = turn('later');
      expect(await lines.get(later)).to.deep.equal(['b', 'c']);
      expect(await step.get(later)).to.equal('email');
      expect(await gone.get(later), 'a property the turn removed stays removed').to.equal(undefined);
    });

    it('of two turns that both changed another property, the later one is still refused', async () => {
      const { merged, lines, say, overlapping } = mergeableState(storage);
      const step = merged.createProperty<string>('step');
      const first = turn('a');
      await step.set(first, 'name');
      await merged.saveChanges(first);

      const [one, two] = await overlapping();
      await say(one, 'b');
      await step.set(one, 'age');
      await merged.saveChanges(one);
      await say(two, 'c');
      await step.set(two, 'email');
      expect(await rejectionOf(merged.saveChanges(two))).to.be.instanceOf(StateConflictError);
      expect(await lines.get(turn('later'))).to.deep.equal(['b']);
      expect(await step.get(turn('later'))).to.equal('age');
    });

    it('a failing store is the turn’s failure, not an overlap', async () => {
      const failing: Storage = {
        read: (keys) => storage.read(keys),
        write: async () => {
          throw new Error('connection refused');
        },
        delete: (keys) => storage.delete(keys),
      };
      const { merged, say } = mergeableState(failing);
      const context = turn('a');
      await say(context, 'a');
      expect(await rejectionOf(merged.saveChanges(context))).to.have.property('message', 'connection refused');
    });
  });

  it('the adapter answers a refused turn with "send it again" and keeps the other turn’s state', async () => {
    const knowledge = await loadRealKnowledge();
    const composer = new ReplyComposer(() => knowledge.knowledge, {
      supportEmail: 'support@wowrack.co.id',
      flows: new Map(),
      feedback: false,
    });
    const prefs = state.createProperty('prefs');
    let deleted = false;
    const conversationState = Object.assign(Object.create(state), {
      delete: async () => {
        deleted = true;
      },
    });
    const cloud = createAdapter(loadConfig({ KNOWLEDGE_FILE }), createLogger('silent'), {
      conversationState,
      composer,
      prefs,
    });
    const sent: Partial<Activity>[] = [];
    const context = turn('x');
    context.onSendActivities(async (_ctx, activities) => {
      sent.push(...activities);
      return activities.map(() => ({ id: '1' }));
    });
    await prefs.set(context, { ...defaultPrefs(), lang: 'en' });
    await cloud.onTurnError(context, new StateConflictError('k'));
    expect(sent.map((a) => a.text)).to.deep.equal([TEXTS.crossedMessages.en]);
    expect(deleted).to.equal(false);
    await cloud.onTurnError(context, new Error('a real failure'));
    expect(sent.map((a) => a.text)).to.deep.equal([TEXTS.crossedMessages.en, TEXTS.error.id]);
    expect(deleted).to.equal(true);
  });
});

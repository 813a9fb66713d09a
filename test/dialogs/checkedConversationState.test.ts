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

/**
 * The built-in Direct Line's state as every store must keep it: tokens, conversations within their caps, activities
 * with watermarks and bounded history, streams that hear what is appended (for a shared store: appended by another
 * instance), sweeping.
 */
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { DEFAULT_CONVERSATION_LIMITS } from '../../../../bot/directline/conversations.ts';
import type { DirectLineSettings, DirectLineState, StateLimits } from '../../../../bot/directline/state.ts';
import type { Store } from '../../../../bot/store/store.ts';
import { eventually } from '../../../support/mail.ts';
import { T0 } from './records.ts';
import type { StoreSubject } from './subject.ts';

export function directLineContract(subject: StoreSubject): void {
  describe('built-in Direct Line state', () => {
    let clock: number;
    let store: Store;
    const states: DirectLineState[] = [];
    const settings = (limits: Partial<StateLimits> = {}): DirectLineSettings => ({
      tokenTtlMs: 60_000,
      idleMs: 10 * 60_000,
      now: () => clock,
      limits: { ...DEFAULT_CONVERSATION_LIMITS, maxTokens: 1000, ...limits },
    });
    const stateOf = (target: Store, limits: Partial<StateLimits> = {}): DirectLineState => {
      const state = target.directLine(settings(limits));
      states.push(state);
      return state;
    };
    const message = (text: string): Partial<Activity> => ({ type: 'message', text });

    beforeEach(async () => {
      clock = Date.parse(T0);
      store = await subject.open(() => new Date(clock));
    });
    afterEach(async () => {
      for (const state of states.splice(0)) await state.close();
    });

    it('issues tokens bound to one conversation, replaces them on refresh, and lets them expire', async () => {
      const state = stateOf(store);
      const conversation = await state.createConversation('user-1', 'client-a');
      if (typeof conversation === 'string') throw new Error(conversation);
      const issued = await state.issueToken(conversation.id, 'user-1', 'client-a');
      if (!issued) throw new Error('no token');
      expect(issued.token).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(issued.expiresIn).to.equal(60);
      expect(await state.verifyToken(issued.token)).to.deep.equal({
        conversationId: conversation.id,
        userId: 'user-1',
        address: 'client-a',
        expiresAt: clock + 60_000,
      });
      expect(await state.verifyToken('x'.repeat(43))).to.equal(undefined);

      clock += 30_000;
      const refreshed = await state.refreshToken(issued.token);
      expect(refreshed?.grant).to.include({ conversationId: conversation.id, userId: 'user-1' });
      expect(await state.verifyToken(issued.token), 'the old token stops at once').to.equal(undefined);
      expect(await state.refreshToken(issued.token), 'and cannot be refreshed again').to.equal(undefined);
      const fresh = refreshed?.token ?? '';
      expect((await state.verifyToken(fresh))?.expiresAt).to.equal(clock + 60_000);
      clock += 60_000;
      expect(await state.verifyToken(fresh)).to.equal(undefined);
    });

    it('holds at most maxTokens live tokens; a conversation’s own refresh never needs room', async () => {
      const state = stateOf(store, { maxTokens: 2 });
      const tokens: string[] = [];
      for (const id of ['c1', 'c2']) tokens.push((await state.issueToken(id, 'u', 'a'))?.token ?? '');
      expect(await state.issueToken('c3', 'u', 'a')).to.equal(undefined);
      expect(await state.refreshToken(tokens[0] ?? '')).to.not.equal(undefined);
      expect(await state.issueToken('c2', 'u', 'a')).to.not.equal(undefined); // replaces c2's own
      clock += 60_000;
      expect(await state.issueToken('c3', 'u', 'a')).to.not.equal(undefined);
    });

    it('caps conversations in total and per client; sweeping idle ones gives the room back', async () => {
      const state = stateOf(store, { maxConversations: 3, maxPerAddress: 2 });
      expect(await state.createConversation('u', 'a')).to.be.an('object');
      expect(await state.createConversation('u', 'a')).to.be.an('object');
      expect(await state.createConversation('u', 'a')).to.equal('address');
      const kept = await state.createConversation('u', 'b');
      expect(kept).to.be.an('object');
      expect(await state.createConversation('u', 'c')).to.equal('full');
      expect(await state.stats()).to.include({ conversations: 3, addresses: 2 });
      clock += 5 * 60_000;
      if (typeof kept === 'object') await state.conversation(kept.id); // active
      clock += 6 * 60_000;
      expect(await state.sweep()).to.equal(2);
      expect(await state.createConversation('u', 'c')).to.be.an('object');
    });

    it('comes back with the same id after being let go, and is started once', async () => {
      const state = stateOf(store);
      const created = await state.createConversation('user-1', 'a', 'fixed-id');
      expect(created).to.deep.equal({ id: 'fixed-id', userId: 'user-1', address: 'a' });
      expect(await state.createConversation('user-1', 'a', 'fixed-id')).to.deep.equal(created);
      expect(await state.markStarted('fixed-id')).to.equal(true);
      expect(await state.markStarted('fixed-id')).to.equal(false);
      expect(await state.markStarted('unknown')).to.equal(false);
      expect(await state.conversation('unknown')).to.equal(undefined);
      expect(await state.conversation('fixed-id')).to.deep.equal(created);
    });

    it('numbers activities with ids and watermarks, and hands out what is after a watermark', async () => {
      const state = stateOf(store);
      await state.createConversation('u', 'a', 'conv');
      const ids = await state.append('conv', [message('one'), message('two')]);
      expect(ids).to.deep.equal(['conv|0000000', 'conv|0000001']);
      expect(await state.append('conv', [message('three')])).to.deep.equal(['conv|0000002']);
      const all = await state.since('conv', undefined);
      expect(all.watermark).to.equal(3);
      expect(all.activities.map((a) => [a.id, a.text])).to.deep.equal([
        ['conv|0000000', 'one'],
        ['conv|0000001', 'two'],
        ['conv|0000002', 'three'],
      ]);
      expect(all.activities[0]?.timestamp).to.not.equal(undefined);
      expect((await state.since('conv', 2)).activities.map((a) => a.text)).to.deep.equal(['three']);
      expect(await state.since('conv', 3)).to.deep.equal({ activities: [], watermark: 3 });
      expect((await state.since('conv', -1)).activities).to.have.length(3);
      expect(await state.watermark('conv')).to.equal(3);
      expect(await state.watermark('nope')).to.equal(undefined);
      expect(await state.append('nope', [message('x')])).to.deep.equal([]);
    });

    it('keeps the newest maxActivities and maxBytes of history; watermarks keep counting', async () => {
      const state = stateOf(store, { maxActivities: 5, maxBytes: 2_000 });
      await state.createConversation('u', 'a', 'conv');
      for (let i = 0; i < 8; i += 1) await state.append('conv', [message(String(i))]);
      const counted = await state.since('conv', undefined);
      expect(counted.watermark).to.equal(8);
      expect(counted.activities.map((a) => a.text)).to.deep.equal(['3', '4', '5', '6', '7']);
      expect((await state.since('conv', 1)).activities[0]?.text).to.equal('3');
      await state.append('conv', [message('x'.repeat(900)), message('y'.repeat(900))]);
      const sized = await state.since('conv', undefined);
      expect(sized.watermark).to.equal(10);
      expect(sized.activities.map((a) => a.text?.[0])).to.deep.equal(['7', 'x', 'y'].slice(-sized.activities.length));
      expect(sized.activities.map((a) => JSON.stringify(a).length).reduce((s, n) => s + n, 0)).to.be.at.most(2_000);
      const stats = await state.stats();
      expect(stats.maxConversationActivities).to.equal(sized.activities.length);
    });

    it('streams the backlog after a watermark, then every new activity, each once and in order', async () => {
      const state = stateOf(store);
      await state.createConversation('u', 'a', 'conv');
      await state.append('conv', [message('a'), message('b')]);
      const heard: string[] = [];
      const marks: number[] = [];
      const stop = state.listen('conv', 1, (activities, watermark) => {
        heard.push(...activities.map((a) => a.text ?? ''));
        marks.push(watermark);
      });
      await eventually(() => heard.length === 1);
      for (const text of ['c', 'd', 'e']) await state.append('conv', [message(text)]);
      await eventually(() => heard.length === 4);
      expect(heard).to.deep.equal(['b', 'c', 'd', 'e']);
      expect(marks.at(-1)).to.equal(5);
      expect((await state.stats()).listeners).to.equal(1);
      stop();
      await state.append('conv', [message('f')]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(heard).to.deep.equal(['b', 'c', 'd', 'e']);
      expect((await state.stats()).listeners).to.equal(0);
    });

    it('never sweeps a conversation someone streams', async () => {
      const state = stateOf(store);
      await state.createConversation('u', 'a', 'listened');
      await state.createConversation('u', 'a', 'idle');
      const stop = state.listen('listened', 0, () => undefined);
      clock += 11 * 60_000;
      expect(await state.sweep()).to.equal(1);
      expect(await state.conversation('listened')).to.not.equal(undefined);
      expect(await state.conversation('idle')).to.equal(undefined);
      stop();
    });

    if (subject.shared)
      it('two instances: a token from one works on the other; what one appends reaches the other’s stream', async () => {
        const a = stateOf(store);
        const b = stateOf(await subject.open(() => new Date(clock)));
        const created = await a.createConversation('user-1', 'client-a');
        if (typeof created === 'string') throw new Error(created);
        const token = (await a.issueToken(created.id, 'user-1', 'client-a'))?.token ?? '';
        expect((await b.verifyToken(token))?.conversationId).to.equal(created.id);
        expect(await a.markStarted(created.id)).to.equal(true);
        expect(await b.markStarted(created.id), 'started once, on one instance').to.equal(false);

        const onA: string[] = [];
        a.listen(created.id, 0, (activities) => onA.push(...activities.map((x) => x.text ?? '')));
        const appended = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).append(created.id, [message(String(i))])),
        );
        expect(new Set(appended.flat()).size, 'every activity its own id').to.equal(10);
        await eventually(() => onA.length === 10, 5_000);
        expect([...onA].sort()).to.deep.equal(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
        const onB = await b.since(created.id, undefined);
        expect(onB.activities.map((x) => x.text)).to.deep.equal(onA);
      });
  });
}

/** The in-memory parts of the built-in Direct Line: tokens, the Authorization header, conversation history. */
import { expect } from 'chai';
import { ConversationStore } from '../../../bot/directline/conversations.ts';
import { MAX_HISTORY_ACTIVITIES, MAX_HISTORY_BYTES } from '../../../bot/directline/limits.ts';
import { bearerToken, TokenStore } from '../../../bot/directline/tokens.ts';

describe('Direct Line stores', () => {
  describe('TokenStore', () => {
    it('expires tokens at their time; when full of live ones it refuses new conversations and evicts nobody', () => {
      let now = 1_000;
      const tokens = new TokenStore(10_000, () => now, 3);
      const a = tokens.issue('c1', 'u1', '10.0.0.1');
      expect(a?.expiresIn).to.equal(10);
      expect(tokens.verify(a?.token ?? '')).to.deep.equal({
        conversationId: 'c1',
        userId: 'u1',
        address: '10.0.0.1',
        expiresAt: 11_000,
      });
      now = 10_999;
      expect(tokens.verify(a?.token ?? '')).to.not.equal(undefined);
      now = 11_000;
      expect(tokens.verify(a?.token ?? '')).to.equal(undefined);

      const live = ['c2', 'c3', 'c4'].map((id) => tokens.issue(id, 'u')?.token ?? '');
      expect(tokens.issue('c5', 'u')).to.equal(undefined);
      for (const token of live) expect(tokens.verify(token)?.userId).to.equal('u');
      // Refreshing a full store still works: it replaces the conversation's own token.
      expect(tokens.refresh(live[0] ?? '')?.grant.conversationId).to.equal('c2');
      expect(tokens.size).to.equal(3);
      // Once they expire, there is room again.
      now = 30_000;
      expect(tokens.issue('c5', 'u')).to.not.equal(undefined);
      expect(tokens.size).to.equal(1);
    });

    it('refresh replaces the token (the old one stops at once), keeps conversation and user; expired cannot refresh', () => {
      let now = 0;
      const tokens = new TokenStore(1_000, () => now);
      const first = tokens.issue('c', 'u')?.token ?? '';
      now = 500;
      const refreshed = tokens.refresh(first);
      expect(refreshed?.grant).to.include({ conversationId: 'c', userId: 'u' });
      expect(tokens.verify(refreshed?.token ?? '')?.expiresAt).to.equal(1_500);
      expect(tokens.verify(first)).to.equal(undefined);
      expect(tokens.refresh(first)).to.equal(undefined);
      expect(tokens.size).to.equal(1);
      now = 1_500;
      expect(tokens.refresh(refreshed?.token ?? '')).to.equal(undefined);
    });

    it('holds one live token per conversation however often it is refreshed', () => {
      const tokens = new TokenStore(60_000, () => 0, 10);
      let token = tokens.issue('c', 'u')?.token ?? '';
      const other = tokens.issue('d', 'v')?.token ?? '';
      for (let i = 0; i < 2_000; i += 1) token = tokens.refresh(token)?.token ?? '';
      expect(tokens.size).to.equal(2);
      expect(tokens.verify(token)?.conversationId).to.equal('c');
      expect(tokens.verify(other)?.conversationId).to.equal('d');
    });
  });

  describe('bearerToken()', () => {
    const token = 'A'.repeat(43);
    it('reads "Bearer <token>" (any case of the scheme, surrounding spaces)', () => {
      for (const header of [`Bearer ${token}`, `bearer ${token}`, `  BEARER   ${token}  `])
        expect(bearerToken(header), header).to.equal(token);
    });

    it('refuses other schemes, extra words, odd characters, wrong lengths and non-strings', () => {
      const bad: unknown[] = [
        `Bearer ${token} x`,
        `Basic ${token}`,
        `Bearer${token}`,
        'Bearer short',
        `Bearer ${'A'.repeat(201)}`,
        `Bearer ${token}=`,
        `Bearer ${token.slice(1)}+`,
        '',
        undefined,
        ['Bearer', token],
      ];
      for (const header of bad) expect(bearerToken(header), String(header)).to.equal(undefined);
    });
  });

  describe('ConversationStore', () => {
    it(`keeps the latest ${MAX_HISTORY_ACTIVITIES} activities; watermarks keep counting every activity ever added`, () => {
      const store = new ConversationStore(60_000, () => 0);
      const conversation = store.create('u', 'conv');
      const total = MAX_HISTORY_ACTIVITIES + 10;
      for (let i = 0; i < total; i += 1) store.append(conversation, [{ type: 'message', text: String(i) }]);
      expect(conversation.dropped).to.equal(10);
      const all = store.since(conversation, undefined);
      expect(all.watermark).to.equal(total);
      expect(all.activities).to.have.length(MAX_HISTORY_ACTIVITIES);
      expect(all.activities[0]).to.include({ id: 'conv|0000010', text: '10' });
      // A watermark older than what is kept starts at the oldest kept.
      expect(store.since(conversation, 3).activities[0]?.text).to.equal('10');
      expect(store.since(conversation, total - 5).activities.map((a) => a.text)).to.deep.equal(
        [5, 4, 3, 2, 1].map((back) => String(total - back)),
      );
      expect(store.since(conversation, total).activities).to.deep.equal([]);
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1.5])
        expect(store.since(conversation, bad).activities, String(bad)).to.have.length(MAX_HISTORY_ACTIVITIES);
    });

    it(`keeps at most ${MAX_HISTORY_BYTES / 1024} KB of history per conversation, the oldest going first`, () => {
      const store = new ConversationStore(60_000, () => 0);
      const conversation = store.create('u', 'conv');
      const big = 'x'.repeat(10_000);
      for (let i = 0; i < 100; i += 1) store.append(conversation, [{ type: 'message', text: big, name: String(i) }]);
      const sizes = conversation.activities.map((a) => JSON.stringify(a).length);
      const held = sizes.reduce((sum, n) => sum + n, 0);
      expect(held).to.equal(conversation.bytes).and.be.at.most(MAX_HISTORY_BYTES);
      expect(held + (sizes[0] ?? 0)).to.be.above(MAX_HISTORY_BYTES - 11_000);
      expect(store.stats().historyBytes).to.equal(held);
      // The watermark still counts all 100; the kept ones are the latest, in order.
      const all = store.since(conversation, undefined);
      expect(all.watermark).to.equal(100);
      expect(all.activities.at(-1)?.name).to.equal('99');
      expect(conversation.dropped + all.activities.length).to.equal(100);
      expect(store.since(conversation, 99).activities.map((a) => a.name)).to.deep.equal(['99']);
    });

    it('all histories together stay within their budget: a conversation appended to while it is spent keeps its floor', () => {
      const store = new ConversationStore(60_000, () => 0, { maxTotalBytes: 100_000, floorBytes: 10_000 });
      const text = 'y'.repeat(4_000);
      const conversations = Array.from({ length: 10 }, (_, i) => store.create(`u${i}`));
      for (let round = 0; round < 20; round += 1)
        for (const c of conversations) store.append(c, [{ type: 'message', text }]);
      const stats = store.stats();
      // Each at most its floor plus one activity beyond the budget's share.
      expect(stats.historyBytes).to.be.at.most(100_000 + 10 * (10_000 + 4_200));
      for (const c of conversations) {
        expect(c.activities.length).to.be.at.least(1);
        expect(c.dropped + c.activities.length).to.equal(20);
      }
      expect(stats.historyBytes).to.equal(conversations.reduce((sum, c) => sum + c.bytes, 0));
    });

    it('caps conversations in total and per address; sweeping gives the room back', () => {
      let now = 0;
      const store = new ConversationStore(1_000, () => now, { maxConversations: 4, maxPerAddress: 2 });
      expect(typeof store.tryCreate('u', 'a')).to.equal('object');
      expect(typeof store.tryCreate('u', 'a')).to.equal('object');
      expect(store.tryCreate('u', 'a')).to.equal('address');
      expect(typeof store.tryCreate('u', 'b')).to.equal('object');
      expect(typeof store.tryCreate('u', 'c')).to.equal('object');
      expect(store.tryCreate('u', 'd')).to.equal('full');
      expect(store.stats()).to.include({ conversations: 4, addresses: 3 });
      now = 5_000;
      expect(store.sweep()).to.equal(4);
      expect(store.stats()).to.include({ conversations: 0, addresses: 0, historyBytes: 0 });
      expect(typeof store.tryCreate('u', 'a')).to.equal('object');
    });

    it('tells listeners of new activities with the new watermark', () => {
      const store = new ConversationStore(60_000, () => 0);
      const conversation = store.create('u');
      const heard: [string[], number][] = [];
      conversation.listeners.add((activities, watermark) => heard.push([activities.map((a) => a.id ?? ''), watermark]));
      const ids = store.append(conversation, [{ type: 'message' }, { type: 'message' }]);
      expect(heard).to.deep.equal([[ids, 2]]);
    });

    it('sweeps only conversations idle for longer than idleMs with nobody listening', () => {
      let now = 0;
      const store = new ConversationStore(1_000, () => now);
      const idle = store.create('u1');
      const listened = store.create('u2');
      const active = store.create('u3');
      listened.listeners.add(() => undefined);
      now = 1_000;
      expect(store.sweep()).to.equal(0);
      now = 1_500;
      store.get(active.id);
      now = 1_001 + 1_000;
      expect(store.sweep()).to.equal(1);
      expect(store.get(idle.id)).to.equal(undefined);
      expect(store.get(listened.id)).to.equal(listened);
      expect(store.get(active.id)).to.equal(active);
      expect(store.size).to.equal(2);
    });
  });
});

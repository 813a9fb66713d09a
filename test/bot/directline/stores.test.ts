/** The in-memory parts of the built-in Direct Line: tokens, the Authorization header, conversation history. */
import { expect } from 'chai';
import { ConversationStore } from '../../../bot/directline/conversations.ts';
import { bearerToken, TokenStore } from '../../../bot/directline/tokens.ts';

describe('Direct Line stores', () => {
  describe('TokenStore', () => {
    it('expires tokens at their time, and lets go of the oldest when full of live ones', () => {
      let now = 1_000;
      const tokens = new TokenStore(10_000, () => now, 3);
      const a = tokens.issue('c1', 'u1');
      expect(a.expiresIn).to.equal(10);
      expect(tokens.verify(a.token)).to.deep.equal({ conversationId: 'c1', userId: 'u1', expiresAt: 11_000 });
      now = 10_999;
      expect(tokens.verify(a.token)).to.not.equal(undefined);
      now = 11_000;
      expect(tokens.verify(a.token)).to.equal(undefined);

      const [b, c, d] = ['c2', 'c3', 'c4'].map((id) => tokens.issue(id, 'u').token);
      const e = tokens.issue('c5', 'u').token;
      expect(tokens.verify(b ?? '')).to.equal(undefined);
      for (const live of [c, d, e]) expect(tokens.verify(live ?? '')?.userId).to.equal('u');
    });

    it('refresh keeps the conversation and user; an expired token cannot be refreshed', () => {
      let now = 0;
      const tokens = new TokenStore(1_000, () => now);
      const first = tokens.issue('c', 'u').token;
      now = 500;
      const refreshed = tokens.refresh(first);
      expect(refreshed?.grant).to.include({ conversationId: 'c', userId: 'u' });
      expect(tokens.verify(refreshed?.token ?? '')?.expiresAt).to.equal(1_500);
      now = 1_000;
      expect(tokens.refresh(first)).to.equal(undefined);
      expect(tokens.verify(refreshed?.token ?? '')).to.not.equal(undefined);
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
    it('keeps the latest 500 activities; watermarks keep counting every activity ever added', () => {
      const store = new ConversationStore(60_000, () => 0);
      const conversation = store.create('u', 'conv');
      for (let i = 0; i < 510; i += 1) store.append(conversation, [{ type: 'message', text: String(i) }]);
      expect(conversation.dropped).to.equal(10);
      const all = store.since(conversation, undefined);
      expect(all.watermark).to.equal(510);
      expect(all.activities).to.have.length(500);
      expect(all.activities[0]).to.include({ id: 'conv|0000010', text: '10' });
      // A watermark older than what is kept starts at the oldest kept.
      expect(store.since(conversation, 3).activities[0]?.text).to.equal('10');
      expect(store.since(conversation, 505).activities.map((a) => a.text)).to.deep.equal([
        '505',
        '506',
        '507',
        '508',
        '509',
      ]);
      expect(store.since(conversation, 510).activities).to.deep.equal([]);
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1.5])
        expect(store.since(conversation, bad).activities, String(bad)).to.have.length(500);
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

import { expect } from 'chai';
import { buildKnowledgeAdmin } from '../../bot/knowledgeAdmin.ts';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { Inbox } from '../../domain/inbox.ts';
import { InboxRecorder } from '../../domain/inboxRecorder.ts';
import type { InboxRecord } from '../../domain/records.ts';
import { loadRealKnowledge } from '../support/buildBot.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const rec = (id: string, question: string, at: string, extra: Partial<InboxRecord> = {}): InboxRecord => ({
  id,
  kind: 'none',
  lang: 'id',
  at,
  question,
  ...extra,
});

describe('Inbox: grouping and actions', () => {
  async function setup() {
    const knowledge = await loadRealKnowledge();
    const db = new MemoryDb();
    const store = new LowdbRequestStore(db);
    const now = () => new Date('2026-11-27T05:00:00Z');
    const recorder = new InboxRecorder({ store, now, flushMs: 0 });
    const { editor } = buildKnowledgeAdmin({ knowledge, store, dataDir: '/nonexistent', now, sets: [] });
    return { db, store, inbox: new Inbox({ store, recorder, knowledge, editor, now }) };
  }

  it('groups wordings with the same normalised words (case, punctuation, slang, typos), most frequent first', async () => {
    const { inbox } = await setup();
    const groups = inbox.group([
      rec('1', 'berapa harga vps?', '2026-11-27T01:00:00.000Z', { kind: 'offtopic', entryId: 'offtopic-sales' }),
      rec('2', 'Apakah kuda poni saya dijaga', '2026-11-27T02:00:00.000Z'),
      rec('3', 'apakah kuda poni sy dijaga??', '2026-11-27T04:00:00.000Z', { lang: 'en' }),
      rec('4', 'apakah kuda poni saya dijaga', '2026-11-27T03:00:00.000Z', { kind: 'suggest', offered: ['protect'] }),
      rec('5', 'zebra', '2026-11-27T03:00:00.000Z', { kind: 'downvote', entryId: 'cookie' }),
      { id: '6', kind: 'cancelled', lang: 'id', at: '2026-11-27T03:00:00.000Z', flow: 'support', step: 'email' },
    ]);
    const [top] = groups;
    expect(top?.count).to.equal(3);
    expect(top?.ids).to.deep.equal(['2', '3', '4']);
    expect(top).to.deep.include({
      firstSeen: '2026-11-27T02:00:00.000Z',
      lastSeen: '2026-11-27T04:00:00.000Z',
      lang: 'id',
    });
    expect(top?.kinds).to.deep.equal({ none: 2, suggest: 1 });
    expect(top?.langs).to.deep.equal({ id: 2, en: 1 });
    expect(top?.choices).to.deep.equal({ '(nothing)': 1 });
    expect(top?.guesses[0]?.entryId).to.be.a('string');
    expect(groups.find((g) => g.key === 'flow:support:email')).to.deep.include({
      flow: 'support',
      step: 'email',
      count: 1,
    });
    expect(groups.find((g) => g.downvoted.cookie === 1)?.question).to.equal('zebra');
    expect(groups.find((g) => g.question === 'berapa harga vps?')?.offtopicGuess).to.match(/^offtopic-/);
  });

  it("hides off-topic replies to a question already among that entry's phrasings (decided by an admin)", async () => {
    const { inbox } = await setup();
    const knowledge = await loadRealKnowledge();
    const sales = knowledge.knowledge.entries.find((e) => e.id === 'offtopic-sales');
    const phrasing = sales?.alternates.id[0] ?? '';
    expect(phrasing).to.not.equal('');
    const groups = inbox.group([
      rec('1', phrasing, '2026-11-27T01:00:00.000Z', { kind: 'offtopic', entryId: 'offtopic-sales' }),
    ]);
    expect(groups).to.deep.equal([]);
  });

  it('ignore removes the group and is audited; an unknown entry is refused', async () => {
    const { db, store, inbox } = await setup();
    await store.transaction((tx) => tx.inbox.add([rec('1', 'zebra belang', '2026-11-27T01:00:00.000Z')], 100));
    const [group] = await inbox.groups();
    expect(
      await inbox.act('staff:a', group?.key ?? '', { action: 'alternate', entryId: 'offtopic-sales' }),
    ).to.deep.equal({
      status: 'refused',
      reason: '"offtopic-sales" is not a policy entry',
    });
    expect(await inbox.act('staff:a', group?.key ?? '', { action: 'ignore' })).to.deep.equal({ status: 'ignored' });
    expect(db.snapshot().inbox).to.deep.equal([]);
    expect(db.snapshot().audit.at(-1)).to.deep.include({ actor: 'staff:a', action: 'inbox.ignored' });
  });

  it('keeps the newest records only, and prunes by age', async () => {
    const { db, store } = await setup();
    const many = Array.from({ length: 5 }, (_, i) => rec(String(i), `q${i}`, `2026-11-2${i}T00:00:00.000Z`));
    await store.transaction((tx) => tx.inbox.add(many, 3));
    expect(db.snapshot().inbox.map((r) => r.id)).to.deep.equal(['2', '3', '4']);
    expect(await store.transaction((tx) => tx.inbox.prune(new Date('2026-11-24T00:00:00Z')))).to.equal(2);
  });

  it('a choice whose record another instance has not written yet is set when it is; tried 5 times at most', async () => {
    const db = new MemoryDb();
    const store = new LowdbRequestStore(db);
    const now = () => new Date('2026-11-27T05:00:00Z');
    const [shown, clicked] = [0, 1].map(() => new InboxRecorder({ store, now, flushMs: 0 })) as [
      InboxRecorder,
      InboxRecorder,
    ];
    const ref = shown.replied({ kind: 'suggest', lang: 'id', candidates: ['a', 'b'] }, 'zebra belang', false);
    expect(ref).to.be.a('string');
    clicked.suggestionFollowed(ref ?? '', 'b');
    clicked.suggestionFollowed('never-written', 'a');
    await clicked.flush();
    await clicked.flush();
    await shown.flush();
    await clicked.flush();
    expect(db.snapshot().inbox.map((r) => [r.id, r.choice])).to.deep.equal([[ref, 'b']]);
    // Tried at the click and at the next flushes, 5 times in all: a record written after that is not linked.
    await clicked.flush();
    await clicked.flush();
    await store.transaction((tx) => tx.inbox.add([rec('never-written', 'q', '2026-11-27T05:00:00.000Z')], 100));
    await clicked.flush();
    expect(db.snapshot().inbox.map((r) => [r.id, r.choice])).to.deep.equal([
      [ref, 'b'],
      ['never-written', undefined],
    ]);
  });
});

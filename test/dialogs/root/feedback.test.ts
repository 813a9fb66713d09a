import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity, CardAction } from 'botbuilder';
import { expect } from 'chai';
import { pino } from 'pino';
import { DEFAULT_CONSOLE_CONFIG } from '../../../bot/config.ts';
import { Outbox } from '../../../bot/mail/outbox.ts';
import { buildServices } from '../../../bot/services.ts';
import { DATABASE_FILE_NAME, JsonDatabase } from '../../../bot/store/lowdb/jsonDatabase.ts';
import type { DatabaseShape } from '../../../bot/store/lowdb/jsonDocument.ts';
import { LowdbRequestStore } from '../../../bot/store/lowdb/lowdbRequestStore.ts';
import { parseReplyAction, type ReplyMeta } from '../../../dialogs/replies/reply.ts';
import { say } from '../../../dialogs/replies/texts.ts';
import type { FeedbackRecorder } from '../../../dialogs/root/rootDialog.ts';
import { DEFAULT_DEADLINE_POLICY } from '../../../domain/deadlines.ts';
import { FeedbackService } from '../../../domain/feedback.ts';
import type { FeedbackRecord } from '../../../domain/records.ts';
import type { KnowledgeService } from '../../../knowledge/knowledgeService.ts';
import { buildBot, loadRealKnowledge, SUPPORT_EMAIL, type TestBot } from '../../support/buildBot.ts';
import { CapturingTransport } from '../../support/flowHarness.ts';

const metaOf = (activity: Partial<Activity> | undefined): ReplyMeta | undefined =>
  (activity?.channelData as { wowrack?: ReplyMeta } | undefined)?.wowrack;

const actionsOf = (activity: Partial<Activity> | undefined): CardAction[] => activity?.suggestedActions?.actions ?? [];

/** The single message the bot sent in a turn. */
function only(replies: Partial<Activity>[]): Partial<Activity> {
  expect(replies, JSON.stringify(replies.map((r) => r.text))).to.have.length(1);
  return replies[0] ?? {};
}

const vote = (value: unknown): Partial<Activity> => ({ type: 'message', value });

/** 10:37 WIB on 27 November 2026; votes are recorded to the hour. */
const NOW = new Date('2026-11-27T03:37:12.345Z');

describe('👍/👎 on answers (feedback)', () => {
  let dir: string;
  let knowledge: KnowledgeService;
  let db: JsonDatabase;
  let outbox: Outbox;
  let bot: TestBot;
  /** Every sentence of every policy answer: none may appear in a reply to a vote. */
  let policySentences: string[];

  const feedbackOnDisk = async (): Promise<FeedbackRecord[]> =>
    (JSON.parse(await readFile(join(dir, DATABASE_FILE_NAME), 'utf8')) as DatabaseShape).feedback;

  before(async () => {
    knowledge = await loadRealKnowledge();
    policySentences = knowledge.knowledge.entries
      .flatMap((e) => (e.kind === 'policy' && e.answer ? [e.answer.id, e.answer.en] : []))
      .flatMap((a) => a.replace(/\s+/g, ' ').split(/(?<=[.?!])\s+/))
      .filter((s) => s.length >= 25);
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wowrack-feedback-'));
    db = await JsonDatabase.open(dir);
    const now = () => NOW;
    const store = new LowdbRequestStore(db);
    outbox = new Outbox({
      store,
      queue: store.mailQueue,
      transport: new CapturingTransport(),
      logger: pino({ level: 'silent' }),
      from: 'privacy-assistant@wowrack.co.id',
      now,
    });
    const services = buildServices(
      {
        supportEmail: SUPPORT_EMAIL,
        publicUrl: 'https://chat.wowrack.test',
        mail: { marketingEmail: SUPPORT_EMAIL },
        deadlines: DEFAULT_DEADLINE_POLICY,
        console: DEFAULT_CONSOLE_CONFIG,
      },
      store,
      outbox,
      { now, deliveryWaitMs: 0 },
    );
    bot = buildBot(knowledge, { services: { tickets: services.tickets }, feedback: services.feedback });
  });

  afterEach(async () => {
    await outbox.stop();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('ends every policy answer with 👍 Membantu / 👎 Kurang membantu carrying the entry id', async () => {
    const answer = only(await bot.send('Apakah data saya dibagikan ke pihak ketiga?'));
    expect(metaOf(answer)).to.include({ kind: 'answer', entryId: 'share' });
    const actions = actionsOf(answer);
    expect(actions.slice(-2).map((a) => [a.title, a.value])).to.deep.equal([
      ['👍 Membantu', { action: 'feedback', vote: 'up', id: 'share' }],
      ['👎 Kurang membantu', { action: 'feedback', vote: 'down', id: 'share' }],
    ]);
    // The related questions stay before them.
    expect(actions.slice(0, -2).every((a) => (a.value as { action?: string }).action !== 'feedback')).to.equal(true);
  });

  it('offers them in English for an English answer', async () => {
    const answer = only(await bot.send('What are cookies?'));
    expect(
      actionsOf(answer)
        .slice(-2)
        .map((a) => a.title),
    ).to.deep.equal(['👍 Helpful', '👎 Not helpful']);
  });

  it('offers no votes on replies that are not answers (small talk, did you mean, nothing found)', async () => {
    for (const text of ['halo', 'berapa harga colocation?', 'asdf qwerty zxcv']) {
      const reply = only(await bot.send(text));
      const votes = actionsOf(reply).filter((a) => (a.value as { action?: string }).action === 'feedback');
      expect(votes, text).to.deep.equal([]);
    }
  });

  it('👍 records the vote on disk (entry, vote, language, hour; nothing about the conversation) and thanks', async () => {
    const reply = only(await bot.send(vote({ action: 'feedback', vote: 'up', id: 'share' })));
    expect(reply.text).to.equal('Terima kasih atas masukan Anda! 🙏');
    expect(actionsOf(reply)).to.deep.equal([]);
    expect(metaOf(reply)).to.deep.equal({ kind: 'feedback', lang: 'id', entryId: 'share' });

    const expected: FeedbackRecord = { entryId: 'share', vote: 'up', lang: 'id', at: '2026-11-27T03:00:00.000Z' };
    expect(db.read((data) => data.feedback)).to.deep.equal([expected]);
    expect(await feedbackOnDisk()).to.deep.equal([expected]);
    // Not an answer: the analytics observer is not told about it as one.
    expect(bot.answered).to.deep.equal([]);
  });

  it('👎 records the vote, apologises and offers the support conversation (no policy text)', async () => {
    only(await bot.send('What are cookies?'));
    const reply = only(await bot.send(vote({ action: 'feedback', vote: 'down', id: 'cookie' })));
    expect(reply.text).to.include("Sorry that answer wasn't helpful");
    for (const sentence of policySentences) expect(reply.text).not.to.include(sentence);
    expect(actionsOf(reply).map((a) => [a.title, a.value])).to.deep.equal([
      ['Send my question to support', { action: 'flow', flow: 'support' }],
    ]);
    expect(await feedbackOnDisk()).to.deep.equal([
      { entryId: 'cookie', vote: 'down', lang: 'en', at: '2026-11-27T03:00:00.000Z' },
    ]);

    // The offered button starts the support conversation.
    const next = await bot.send(vote({ action: 'flow', flow: 'support' }));
    expect(next.map((a) => a.text).join(' ')).to.match(/question|pertanyaan/i);
    expect(db.read((data) => data.feedback)).to.have.length(1);
  });

  it('without the support conversation, 👎 names the support address instead', async () => {
    const plain = buildBot(knowledge, {
      feedback: new FeedbackService({ store: new LowdbRequestStore(db), now: () => NOW }),
    });
    const reply = only(await plain.send(vote({ action: 'feedback', vote: 'down', id: 'share' })));
    expect(reply.text).to.include(SUPPORT_EMAIL);
    expect(actionsOf(reply)).to.deep.equal([]);
  });

  it('a second vote on the same answer in one conversation is not counted again, and says so', async () => {
    const first = only(await bot.send(vote({ action: 'feedback', vote: 'up', id: 'share' })));
    const second = only(await bot.send(vote({ action: 'feedback', vote: 'down', id: 'share' })));
    expect(first.text).to.include('Terima kasih');
    expect(second.text).to.equal(say('feedbackAlready', 'id'));
    expect(db.read((data) => data.feedback)).to.have.length(1);
  });

  it('thanks only after the vote is recorded, and says so truthfully when it could not be', async () => {
    const events: string[] = [];
    let release: () => void = () => {};
    const slow: FeedbackRecorder = {
      record: async () => {
        events.push('record started');
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        events.push('recorded');
      },
    };
    const slowBot = buildBot(knowledge, { feedback: slow });
    const turn = slowBot.send(vote({ action: 'feedback', vote: 'up', id: 'share' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).to.deep.equal(['record started']);
    expect(slowBot.adapter.activeQueue).to.deep.equal([]); // nothing sent while the vote is not on disk
    release();
    const reply = only(await turn);
    expect(events).to.deep.equal(['record started', 'recorded']);
    expect(reply.text).to.include('Terima kasih');

    const failing = buildBot(knowledge, {
      feedback: { record: () => Promise.reject(new Error('disk full')) },
    });
    const failed = only(await failing.send(vote({ action: 'feedback', vote: 'up', id: 'share' })));
    expect(failed.text).to.include('belum dapat dicatat');
    expect(failed.text).not.to.include('Terima kasih');
  });

  it('ignores forged or broken feedback values safely: nothing recorded, no thanks', async () => {
    const garbage: unknown[] = [
      { action: 'feedback', vote: 'meh', id: 'share' },
      { action: 'feedback', vote: 'UP', id: 'share' },
      { action: 'feedback', vote: 'up' },
      { action: 'feedback', vote: 'up', id: 42 },
      { action: 'feedback', vote: 'up', id: 'no-such-entry' },
      { action: 'feedback', vote: 'up', id: '../../etc/passwd' },
      { action: 'feedback', vote: 'up', id: 'x'.repeat(65) },
      { action: 'feedback', vote: 'up', id: 'share', conversationId: 'c1' },
      { action: 'feedback', vote: 'up', id: 'offtopic-sales' }, // an off-topic entry: not an answer that can be rated
      { action: 'feedback', vote: ['up'], id: 'share' },
      'feedback',
      null,
    ];
    for (const value of garbage) {
      const replies = await bot.send(vote(value));
      for (const reply of replies) {
        expect(reply.text ?? '', JSON.stringify(value)).not.to.include('Terima kasih atas masukan');
        expect(metaOf(reply)?.kind, JSON.stringify(value)).not.to.equal('feedback');
      }
    }
    expect(db.read((data) => data.feedback)).to.deep.equal([]);
  });

  it('a vote clicked during a conversation (flow) is not taken as its answer and records nothing', async () => {
    await bot.send(vote({ action: 'flow', flow: 'support' }));
    const replies = await bot.send(vote({ action: 'feedback', vote: 'up', id: 'share' }));
    for (const reply of replies) expect(reply.text ?? '').not.to.include('Terima kasih atas masukan');
    expect(db.read((data) => data.feedback)).to.deep.equal([]);
    expect(db.read((data) => data.tickets)).to.deep.equal([]);
  });

  it('parseReplyAction() accepts exactly the feedback values the composer builds', () => {
    expect(parseReplyAction({ action: 'feedback', vote: 'up', id: 'share' })).to.deep.equal({
      action: 'feedback',
      vote: 'up',
      id: 'share',
    });
    expect(parseReplyAction({ action: 'feedback', vote: 'down', id: 'under-18_v2' })).to.deep.equal({
      action: 'feedback',
      vote: 'down',
      id: 'under-18_v2',
    });
    for (const value of [
      { action: 'feedback', vote: 'up', id: 'Share' },
      { action: 'feedback', vote: 'up', id: '' },
      { action: 'feedback', vote: 'down', id: '1abc' },
      { action: 'feedback', vote: 'down', id: 'share', note: 'x' },
      { action: 'feedback', vote: 1, id: 'share' },
    ])
      expect(parseReplyAction(value), JSON.stringify(value)).to.equal(undefined);
  });

  it('FeedbackService keeps only the newest maxRecords votes', async () => {
    const service = new FeedbackService({ store: new LowdbRequestStore(db), now: () => NOW, maxRecords: 3 });
    for (const [entryId, v] of [
      ['share', 'up'],
      ['share', 'down'],
      ['cookie', 'up'],
      ['cookie', 'up'],
    ] as const)
      await service.record({ entryId, vote: v, lang: 'id' });
    expect(db.read((data) => data.feedback.map((f) => `${f.entryId}:${f.vote}`))).to.deep.equal([
      'share:down',
      'cookie:up',
      'cookie:up',
    ]);
  });
});

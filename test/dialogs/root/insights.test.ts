import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { LowdbRequestStore } from '../../../bot/store/lowdb/lowdbRequestStore.ts';
import { DailyStatsRecorder } from '../../../domain/dailyStats.ts';
import { InboxRecorder } from '../../../domain/inboxRecorder.ts';
import { buildBot, loadRealKnowledge, type TestBot } from '../../support/buildBot.ts';
import { MemoryDb } from '../../support/memoryDb.ts';

/** 10:37 WIB on 27 November 2026: records keep the hour only. */
const NOW = new Date('2026-11-27T03:37:12.345Z');
const HOUR = '2026-11-27T03:00:00.000Z';
const click = (value: unknown): Partial<Activity> => ({ type: 'message', value });

describe('the inbox and the counts, recorded from real turns', () => {
  let db: MemoryDb;
  let recorder: InboxRecorder;
  let stats: DailyStatsRecorder;
  let bot: TestBot;

  beforeEach(async () => {
    db = new MemoryDb();
    const store = new LowdbRequestStore(db);
    stats = new DailyStatsRecorder({ store, now: () => NOW });
    recorder = new InboxRecorder({ store, now: () => NOW, stats, flushMs: 0 });
    bot = buildBot(await loadRealKnowledge(), { insights: recorder, feedback: { record: async () => undefined } });
  });

  const inbox = async () => {
    await recorder.flush();
    return db.snapshot().inbox;
  };

  it('records a question with no answer: masked, the hour only, no conversation or user id', async () => {
    await bot.send({
      type: 'message',
      text: 'zebra belang saya di 0812 3456 7890 berlari kencang',
      conversation: { id: 'c-secret', isGroup: false, conversationType: '', name: '' },
      from: { id: 'u-secret', name: 'x' },
    });
    const [record, ...rest] = await inbox();
    expect(rest).to.deep.equal([]);
    expect(record).to.deep.include({
      kind: 'none',
      lang: 'id',
      at: HOUR,
      question: 'zebra belang saya di [number] berlari kencang',
    });
    expect(JSON.stringify(db.snapshot().inbox)).to.not.include('secret');
  });

  it('records a "did you mean", its offers and the choice clicked; an answered question is only counted', async () => {
    const [suggest] = await bot.send('zebra belang saya terjaga');
    const offered =
      (suggest?.channelData as { wowrack?: { candidates?: string[] } } | undefined)?.wowrack?.candidates ?? [];
    expect(offered.length).to.be.above(0);
    await bot.send(click({ action: 'faq', id: offered[0] }));
    await bot.send('apakah data saya dijual');
    const records = await inbox();
    expect(records).to.have.length(1);
    expect(records[0]).to.deep.include({ kind: 'suggest', offered, choice: offered[0] });
    await stats.flush();
    const [day] = db.snapshot().dailyStats;
    expect(day?.day).to.equal('2026-11-27');
    expect(day?.replies).to.deep.include({ suggest: 1, answer: 2 });
    expect(Object.values(day?.entries ?? {}).reduce((a, b) => a + b, 0)).to.equal(2); // the click's answer too
  });

  it('leaves the choice empty when the customer typed something else, and records "none of these"', async () => {
    await bot.send('zebra belang saya terjaga');
    await bot.send('halo');
    await bot.send('apakah zebra belang terjaga');
    await bot.send(click({ action: 'none-of-these' }));
    const records = await inbox();
    expect(records.map((r) => [r.kind, r.choice])).to.deep.equal([
      ['suggest', undefined],
      ['suggest', 'none-of-these'],
    ]);
  });

  it('records 👎 with the answer voted down and the question it answered; 👍 only in the counts', async () => {
    await bot.send('apakah data saya dijual');
    await bot.send(click({ action: 'feedback', vote: 'down', id: 'protect' }));
    await bot.send('apa itu cookie');
    await bot.send(click({ action: 'feedback', vote: 'up', id: 'cookie' }));
    const records = await inbox();
    expect(records).to.have.length(1);
    expect(records[0]).to.deep.include({ kind: 'downvote', entryId: 'protect', question: 'apakah data saya dijual' });
    await stats.flush();
    expect(db.snapshot().dailyStats[0]?.votes).to.deep.equal({
      protect: { up: 0, down: 1 },
      cookie: { up: 1, down: 0 },
    });
  });

  it('records an off-topic question with its entry', async () => {
    await bot.send('berapa harga vps paling murah');
    const [record] = await inbox();
    expect(record?.kind).to.equal('offtopic');
    expect(record?.entryId).to.match(/^offtopic-/);
  });
});

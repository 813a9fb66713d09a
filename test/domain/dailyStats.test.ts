import { expect } from 'chai';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { DailyStatsRecorder, statsCsv, statsReport } from '../../domain/dailyStats.ts';
import { MemoryDb } from '../support/memoryDb.ts';

describe('daily stats: counted per WIB day, merged, reported per day and week', () => {
  it('counts replies, entries, votes, languages and funnels; merges with what is stored', async () => {
    const db = new MemoryDb();
    const store = new LowdbRequestStore(db);
    let now = new Date('2026-11-23T16:59:00Z'); // 23:59 WIB on Monday 23 November
    const stats = new DailyStatsRecorder({ store, now: () => now });
    stats.reply('answer', 'id', 'protect');
    stats.reply('none', 'en');
    now = new Date('2026-11-23T17:01:00Z'); // 00:01 WIB on Tuesday 24 November
    stats.reply('answer', 'id', 'protect');
    stats.reply('suggest', 'id');
    stats.reply('smalltalk', 'id');
    stats.vote('protect', 'down');
    stats.flow('support', 'started');
    stats.flow('support', 'cancelled', 'email');
    await stats.flush();
    stats.reply('offtopic', 'id', 'offtopic-sales');
    stats.flow('support', 'started');
    stats.flow('support', 'completed');
    await stats.flush();
    const [monday, tuesday] = db.snapshot().dailyStats;
    expect(monday).to.deep.include({ day: '2026-11-23', replies: { answer: 1, none: 1 }, langs: { id: 1, en: 1 } });
    expect(tuesday?.replies).to.deep.equal({ answer: 1, suggest: 1, smalltalk: 1, offtopic: 1 });
    expect(tuesday?.flows).to.deep.equal({ support: { started: 2, completed: 1, cancelled: { email: 1 } } });
    expect(tuesday?.votes).to.deep.equal({ protect: { up: 0, down: 1 } });

    const days = await statsReport(store, { from: '2026-11-22', to: '2026-11-24' }, 'day');
    expect(days.map((d) => [d.day, d.questions])).to.deep.equal([
      ['2026-11-22', 0],
      ['2026-11-23', 2],
      ['2026-11-24', 3],
    ]);
    expect(days[2]?.rates.answer).to.be.closeTo(1 / 3, 1e-9);
    const weeks = await statsReport(store, { from: '2026-11-22', to: '2026-11-24' }, 'week');
    expect(weeks.map((w) => [w.day, w.questions, w.topEntries[0]])).to.deep.equal([
      ['2026-11-16', 0, undefined],
      ['2026-11-23', 5, { entryId: 'protect', count: 2 }],
    ]);
    const csv = statsCsv(weeks);
    expect(csv.split('\r\n')[0]).to.equal(
      '\uFEFFperiod,questions,answered,did_you_mean,no_answer,off_topic,lang_id,lang_en,votes_up,votes_down,top_entries,flow,flow_started,flow_completed,flow_cancelled,cancelled_at_step',
    );
    expect(csv).to.include('2026-11-23,,,,,,,,,,,support,2,1,1,email:1');
  });
});

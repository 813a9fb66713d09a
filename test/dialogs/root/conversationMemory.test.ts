import { type Activity, ConversationState, MemoryStorage, type Storage, TestAdapter } from 'botbuilder';
import { expect } from 'chai';
import { JsonStateStorage } from '../../../bot/store/lowdb/jsonStateStorage.ts';
import { LowdbRequestStore } from '../../../bot/store/lowdb/lowdbRequestStore.ts';
import { TEXTS } from '../../../dialogs/replies/texts.ts';
import {
  ConversationMemory,
  type Memory,
  maskLine,
  readMemory,
  TRANSCRIPT_LINE_LENGTH,
  TRANSCRIPT_LINES,
} from '../../../dialogs/root/conversationMemory.ts';
import { InboxRecorder } from '../../../domain/inboxRecorder.ts';
import { buildBot, loadRealKnowledge, type TestBot } from '../../support/buildBot.ts';
import { buildTestServices, CapturingTransport, metaOf } from '../../support/flowHarness.ts';
import { MemoryDb } from '../../support/memoryDb.ts';
import { signal } from '../../support/signal.ts';

const NOW = new Date('2026-11-27T03:37:12.345Z');
const CONVERSATION = { id: 'c-shared', isGroup: false, conversationType: 'personal', name: 'c' };
const message = (text: string): Partial<Activity> => ({ type: 'message', text, conversation: CONVERSATION });
const click = (value: unknown): Partial<Activity> => ({ type: 'message', value, conversation: CONVERSATION });
const stateOf = (db: MemoryDb): unknown =>
  Object.values(db.snapshot().state).find((item) => item.value.memory !== undefined)?.value.memory;

describe('dialogs/root/conversationMemory: what a conversation remembers, in its state', () => {
  describe('maskLine and readMemory', () => {
    it('masks before it cuts: one line, no address or number, at most the line length', () => {
      expect(maskLine('Pelanggan: email  saya\nbudi@example.com, hp 0812 3456 7890')).to.equal(
        'Pelanggan: email saya [email], hp [number]',
      );
      const long = maskLine(`Asisten: ${'a'.repeat(TRANSCRIPT_LINE_LENGTH - 14)} 4111 1111 1111 1111`);
      expect(long).to.have.length(TRANSCRIPT_LINE_LENGTH);
      expect(long.endsWith('…')).to.equal(true);
      expect(long).to.not.match(/\d/); // the number straddling the cut is masked whole, not cut in two
    });

    it('leaves no part of a number cut at the end of what it reads, even when masking shortens the line', () => {
      const addresses = Array.from({ length: 17 }, (_, i) => `firstname.lastname${i + 10}@example.com`).join(' ');
      for (const kept of [1, 3, 5, 7]) {
        // The number starts `kept` digits before where the line's reading stops (twice the line length).
        const lead = `Pelanggan: ${addresses} `.padEnd(TRANSCRIPT_LINE_LENGTH * 2 - kept, 'y');
        const line = maskLine(`${lead.slice(0, -1)} 081234567890 lagi`);
        expect(line.length, line).to.be.below(TRANSCRIPT_LINE_LENGTH);
        expect(line, `${kept} digits kept`).to.not.match(/\d/);
        expect(line.startsWith('Pelanggan: [email] [email]'), line).to.equal(true);
      }
    });

    it('trusts nothing stored: malformed parts are left out, the lines bounded', () => {
      expect(readMemory(undefined)).to.deep.equal({ lines: [] });
      expect(readMemory('x')).to.deep.equal({ lines: [] });
      const stored = {
        lines: [...Array.from({ length: 20 }, (_, i) => `line ${i}`), 7, 'x'.repeat(TRANSCRIPT_LINE_LENGTH + 1)],
        lang: 'fr',
        suggested: { ref: 'r1', offered: ['a', 3, 'b', 'c', 'd', 'e', 'f'] },
        answered: { entryId: 'cookie', question: { text: 'no' } },
      };
      const memory = readMemory(stored);
      expect(memory.lines).to.have.length(TRANSCRIPT_LINES);
      expect(memory.lines.at(-1)).to.equal('line 19');
      expect(memory).to.not.have.property('lang');
      expect(memory).to.not.have.property('answered');
      expect(memory.suggested).to.deep.equal({ ref: 'r1', offered: ['a', 'b', 'c', 'd', 'e'] });
      expect(readMemory({ lines: 'x', lang: 'en', suggested: { ref: 5, offered: [] } })).to.deep.equal({
        lines: [],
        lang: 'en',
      });
    });
  });

  describe("the assistant's lines", () => {
    it('are masked every time they are said; a reply that masking leaves alone is kept as it was', async () => {
      const state = new ConversationState(new MemoryStorage());
      const memory = new ConversationMemory(state.createProperty<Memory>(ConversationMemory.PROPERTY));
      const replies = new Map([
        ['clean', 'Cookie adalah berkas kecil.'],
        ['personal', 'Kami akan mengirim ke budi@example.com dan 0812 3456 7890.'],
      ]);
      let lines: readonly string[] = [];
      const adapter = new TestAdapter(async (context) => {
        await memory.attach(context);
        await context.sendActivity(replies.get(context.activity.text ?? '') ?? 'ok');
        lines = await memory.lines(context);
        await state.saveChanges(context);
      });
      for (const text of ['clean', 'personal', 'clean', 'personal']) await adapter.send(text);
      expect(lines.filter((line) => line.startsWith('Asisten: '))).to.deep.equal([
        'Asisten: Cookie adalah berkas kecil.',
        'Asisten: Kami akan mengirim ke [email] dan [number].',
        'Asisten: Cookie adalah berkas kecil.',
        'Asisten: Kami akan mengirim ke [email] dan [number].',
      ]);
    });
  });

  describe('two instances on one store, a conversation alternating between them', () => {
    let db: MemoryDb;
    let inboxDb: MemoryDb;
    let recorders: InboxRecorder[];
    let a: TestBot;
    let b: TestBot;

    beforeEach(async () => {
      db = new MemoryDb();
      inboxDb = new MemoryDb();
      const storage = new JsonStateStorage(db);
      const store = new LowdbRequestStore(inboxDb);
      const knowledge = await loadRealKnowledge();
      // Each instance has its own recorder, writing only on flush(): a record may still wait in A's batch.
      recorders = [0, 1].map(() => new InboxRecorder({ store, now: () => NOW, flushMs: 0 }));
      [a, b] = recorders.map((insights) =>
        buildBot(knowledge, { storage, insights, feedback: { record: async () => undefined }, memoryInState: true }),
      ) as [TestBot, TestBot];
    });

    it('keeps every line said on either instance, masked, the last twelve', async () => {
      for (const [i, text] of ['apa itu cookie', 'email saya budi@example.com', 'apakah data saya dijual'].entries())
        await [a, b][i % 2]?.send(message(text));
      const lines = readMemory(stateOf(db)).lines;
      expect(lines.filter((l) => l.startsWith('Pelanggan: '))).to.deep.equal([
        'Pelanggan: apa itu cookie',
        'Pelanggan: email saya [email]',
        'Pelanggan: apakah data saya dijual',
      ]);
      expect(lines.filter((l) => l.startsWith('Asisten: '))).to.have.length(3);
      expect(JSON.stringify(db.snapshot().state)).to.not.include('budi@example.com');
      for (let i = 0; i < 10; i += 1) await [a, b][i % 2]?.send(message(`apa itu cookie ${i}`));
      expect(readMemory(stateOf(db)).lines).to.have.length(TRANSCRIPT_LINES);
    });

    it('an English conversation stays English on the other instance for a short follow-up', async () => {
      const [first] = await a.send(message('what personal data do you collect?'));
      expect(metaOf(first)?.lang).to.equal('en');
      const [next] = await b.send(message('cookies?'));
      expect(metaOf(next)?.lang).to.equal('en');
    });

    it('a "did you mean" shown by A and clicked on B is linked in the inbox, once A has written its record', async () => {
      const [suggest] = await a.send(message('zebra belang saya terjaga'));
      const offered = metaOf(suggest)?.candidates ?? [];
      expect(offered.length).to.be.above(0);
      await b.send(click({ action: 'faq', id: offered[0] }));
      await recorders[1]?.flush(); // B tries first: A's record is not stored yet
      expect(inboxDb.snapshot().inbox).to.deep.equal([]);
      await recorders[0]?.flush();
      await recorders[1]?.flush();
      const records = inboxDb.snapshot().inbox;
      expect(records.map((r) => [r.kind, r.choice])).to.deep.equal([['suggest', offered[0]]]);
      expect(readMemory(stateOf(db)).suggested, 'the click closed it').to.equal(undefined);
    });

    it('a 👎 on B is recorded with the question A answered', async () => {
      await a.send(message('apakah data saya dijual'));
      await b.send(click({ action: 'feedback', vote: 'down', id: 'protect' }));
      await Promise.all(recorders.map((r) => r.flush()));
      expect(inboxDb.snapshot().inbox.map((r) => [r.kind, r.entryId, r.question])).to.deep.equal([
        ['downvote', 'protect', 'apakah data saya dijual'],
      ]);
    });

    it('two questions at the same moment on both instances: both answered, both remembered', async () => {
      await a.send(message('halo'));
      const [one, two] = await Promise.all([
        a.send(message('apa itu cookie')),
        b.send(message('apakah data saya dijual')),
      ]);
      for (const replies of [one, two]) {
        expect(replies?.map((r) => r.text)).to.not.include(TEXTS.crossedMessages.id);
        expect(metaOf(replies?.[0])?.kind).to.equal('answer');
      }
      const said = readMemory(stateOf(db)).lines.filter((l) => l.startsWith('Pelanggan: '));
      expect([...said].sort()).to.deep.equal([
        'Pelanggan: apa itu cookie',
        'Pelanggan: apakah data saya dijual',
        'Pelanggan: halo',
      ]);
    });

    it('a flow started on A while a question is answered on B, B saving first: the flow starts, both remembered', async () => {
      await a.send(message('halo'));
      // A's save waits until B's turn is over, so A finds the state changed by B's question.
      const question = signal();
      const inner = new JsonStateStorage(db);
      const late: Storage = {
        read: (keys) => inner.read(keys),
        delete: (keys) => inner.delete(keys),
        write: async (changes) => {
          await question.fired;
          await inner.write(changes);
        },
      };
      const knowledge = await loadRealKnowledge();
      const { services } = buildTestServices(new LowdbRequestStore(inboxDb), new CapturingTransport(), () => NOW);
      const slowA = buildBot(knowledge, { storage: late, services, memoryInState: true });
      const flowTurn = slowA.send(message('saya mau berhenti berlangganan email promosi'));
      await b.send(message('apakah data saya dijual'));
      question.fire();
      const replies = await flowTurn;
      expect(replies.map((r) => r.text)).to.not.include(TEXTS.crossedMessages.id);
      const stored = Object.values(db.snapshot().state)[0]?.value as { dialogState?: { dialogStack?: unknown[] } };
      expect(stored.dialogState?.dialogStack, 'the flow is on the stack').to.have.length.above(0);
      const said = readMemory(stateOf(db)).lines.filter((l) => l.startsWith('Pelanggan: '));
      expect([...said].sort()).to.deep.equal([
        'Pelanggan: apakah data saya dijual',
        'Pelanggan: halo',
        'Pelanggan: saya mau berhenti berlangganan email promosi',
      ]);
    });
  });
});

import { expect } from 'chai';
import { emptyDatabase } from '../../bot/store/lowdb/jsonDocument.ts';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import type { TicketRecord } from '../../domain/records.ts';
import { digestTickets, needsAlert, ReminderService } from '../../domain/reminders.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const HOUR = 3_600_000;
const SUPPORT = 'support@wowrack.co.id';

const ticket = (id: string, dueInHours: number, now: number, fields: Partial<TicketRecord> = {}): TicketRecord => ({
  id,
  createdAt: new Date(now - 60 * HOUR).toISOString(),
  dueAt: new Date(now + dueInHours * HOUR).toISOString(),
  kind: 'access',
  lang: 'id',
  name: 'Budi Santoso',
  email: 'budi@example.com',
  question: 'salinan data',
  transcript: [],
  conversationId: 'c1',
  ...fields,
});

describe('domain/reminders: the daily digest and the 12-hour alerts to the support mailbox', () => {
  /** 07:00 WIB on 2 December 2026. */
  const START = Date.parse('2026-12-02T00:00:00Z');
  let at: number;
  let db: MemoryDb;
  let reminders: ReminderService;

  const setUp = (tickets: TicketRecord[]) => {
    db = new MemoryDb({ ...emptyDatabase(), tickets });
    reminders = new ReminderService({
      store: new LowdbRequestStore(db),
      now: () => new Date(at),
      supportEmail: SUPPORT,
      digestHour: 8,
      publicUrl: 'https://chat.example.test/',
    });
  };

  beforeEach(() => {
    at = START;
  });

  it('sorts tickets into overdue and due within 24 hours; closed ones and later ones are left out', () => {
    const tickets = [
      ticket('A', 30, at),
      ticket('B', 5, at),
      ticket('C', -2, at),
      ticket('D', 1, at, { status: 'resolved' }),
      ticket('E', 23.9, at),
    ];
    const { dueSoon, overdue } = digestTickets(tickets, new Date(at));
    expect(dueSoon.map((t) => t.id)).to.deep.equal(['B', 'E']);
    expect(overdue.map((t) => t.id)).to.deep.equal(['C']);
  });

  it('the digest goes at the set WIB hour, once a day, and not at all when nothing is due', async () => {
    setUp([ticket('PRV-20261130-0001', 5, START), ticket('PRV-20261129-0002', -3, START, { replies: [] })]);
    // 07:00 WIB: before the hour (the alerts may go, the digest not).
    const early = await reminders.run();
    expect(early.digest).to.equal(false);
    at = START + HOUR; // 08:00 WIB
    expect((await reminders.run()).digest).to.equal(true);
    at += 5 * HOUR; // later the same day: not again
    expect((await reminders.run()).digest).to.equal(false);
    const digests = db.snapshot().outbox.filter((m) => m.purpose === 'reminder-digest');
    expect(digests).to.have.length(1);
    const [digest] = digests;
    expect(digest?.to).to.equal(SUPPORT);
    expect(digest?.subject).to.equal('[Pengingat] 1 permintaan terlambat, 1 jatuh tempo dalam 24 jam');
    expect(digest?.text).to.contain('https://chat.example.test/console/tickets/PRV-20261130-0001');
    expect(digest?.text).not.to.contain('budi@example.com').and.not.contain('Budi Santoso');
    expect(db.snapshot().jobMarks).to.deep.equal([{ name: 'reminder-digest', value: '20261202' }]);
    // The next day, with nothing due: no mail, but the day is marked.
    setUp([ticket('PRV-20261130-0003', 100, START)]);
    at = START + 25 * HOUR;
    expect((await reminders.run()).digest).to.equal(false);
    expect(db.snapshot().outbox).to.deep.equal([]);
    expect(db.snapshot().jobMarks).to.deep.equal([{ name: 'reminder-digest', value: '20261203' }]);
  });

  it('a restart the same day does not send the digest again (the mark is in the store)', async () => {
    setUp([ticket('PRV-20261130-0001', 5, START)]);
    at = START + 2 * HOUR;
    await reminders.run();
    const again = new ReminderService({
      store: new LowdbRequestStore(new MemoryDb(db.snapshot())),
      now: () => new Date(at),
      supportEmail: SUPPORT,
      digestHour: 8,
      publicUrl: 'https://chat.example.test',
    });
    expect((await again.run()).digest).to.equal(false);
  });

  it('one alert per ticket at 12 hours left without a reply; none after a reply or once closed', async () => {
    const replied = { at: '', staffId: 's', text: 'x', outboxId: 'o', messageId: '<a@b.c>' };
    const tickets = [
      ticket('PRV-1', 11.5, START),
      ticket('PRV-2', 13, START),
      ticket('PRV-3', 6, START, { replies: [replied] }),
      ticket('PRV-4', 6, START, { status: 'rejected' }),
      ticket('PRV-5', -30, START),
    ];
    expect(tickets.map((t) => needsAlert(t, new Date(START)))).to.deep.equal([true, false, false, false, false]);
    setUp(tickets);
    expect((await reminders.run()).alerts).to.equal(1);
    expect((await reminders.run()).alerts).to.equal(0);
    at = START + 1.5 * HOUR; // PRV-2 now has 11.5 hours left
    expect((await reminders.run()).alerts).to.equal(1);
    const alerts = db.snapshot().outbox.filter((m) => m.purpose === 'reminder-alert');
    expect(alerts.map((m) => m.subject)).to.deep.equal([
      '[PRV-1] Tenggat 11 jam lagi, belum ada balasan',
      '[PRV-2] Tenggat 11 jam lagi, belum ada balasan',
    ]);
    expect(db.snapshot().tickets.find((t) => t.id === 'PRV-1')?.alertedAt).to.equal(new Date(START).toISOString());
    const actions = db.snapshot().audit.map((e) => `${e.action} ${e.target ?? ''}`);
    expect(actions).to.include('reminder.alert PRV-1').and.include('reminder.alert PRV-2');
  });

  it('refuses an hour outside 0–23', () => {
    const store = new LowdbRequestStore(new MemoryDb());
    const make = (digestHour: number) =>
      new ReminderService({ store, now: () => new Date(), supportEmail: SUPPORT, digestHour, publicUrl: 'x' });
    expect(() => make(24)).to.throw(RangeError);
    expect(() => make(7.5)).to.throw(RangeError);
  });
});

import { expect } from 'chai';
import type { TicketRecord, TicketStatus } from '../../domain/records.ts';
import {
  DUE_WINDOWS,
  dashboardCounts,
  filterTickets,
  hoursLeft,
  inDueWindow,
  isOpen,
  isVerified,
  TICKET_STATUSES,
  ticketStatus,
  urgency,
  waitingOn,
  weeklyCounts,
} from '../../domain/ticketQueue.ts';

/** 12:00 WIB on Wednesday 2 December 2026. */
const NOW = new Date('2026-12-02T05:00:00.000Z');
const HOUR_MS = 3_600_000;
const inHours = (hours: number): string => new Date(NOW.getTime() + hours * HOUR_MS).toISOString();

let counter = 0;
function ticket(fields: Partial<TicketRecord> = {}): TicketRecord {
  counter += 1;
  return {
    id: `PRV-20261130-${String(counter).padStart(4, '0')}`,
    createdAt: '2026-11-30T03:00:00.000Z',
    dueAt: inHours(48),
    kind: 'access',
    lang: 'id',
    name: 'Budi Santoso',
    email: 'budi@example.com',
    question: 'Tolong kirim salinan data saya',
    transcript: [],
    conversationId: 'c1',
    ...fields,
  };
}

/** A ticket without a due time (recorded before every kind had one). */
function undated(fields: Partial<TicketRecord> = {}): TicketRecord {
  const { dueAt: _none, ...rest } = ticket(fields);
  return rest;
}

const ids = (tickets: readonly TicketRecord[]): string[] => tickets.map((t) => t.id);

describe('domain/ticketQueue', () => {
  describe('status, open, verified, waiting on', () => {
    it("a ticket no one has touched is 'new'; otherwise its status", () => {
      expect(ticketStatus(ticket())).to.equal('new');
      for (const status of TICKET_STATUSES) expect(ticketStatus(ticket({ status }))).to.equal(status);
    });

    it('open until resolved or rejected; then waiting on nobody', () => {
      const expected: Record<TicketStatus, [boolean, string]> = {
        new: [true, 'team'],
        'in-progress': [true, 'team'],
        'waiting-customer': [true, 'customer'],
        resolved: [false, 'nobody'],
        rejected: [false, 'nobody'],
      };
      for (const status of TICKET_STATUSES) {
        const t = ticket({ status });
        expect([isOpen(t), waitingOn(t)], status).to.deep.equal(expected[status]);
      }
      expect(isOpen(ticket())).to.equal(true);
      expect(waitingOn(ticket())).to.equal('team');
    });

    it('verified only once the customer confirmed (a pending link or an override is not a verification)', () => {
      const pending = { tokenHash: 'a'.repeat(64), expiresAt: inHours(72) };
      expect(isVerified(ticket())).to.equal(false);
      expect(isVerified(ticket({ verification: pending }))).to.equal(false);
      expect(
        isVerified(
          ticket({ verification: { ...pending, override: { at: inHours(0), staffId: 's1', reason: 'by phone' } } }),
        ),
      ).to.equal(false);
      expect(isVerified(ticket({ verification: { ...pending, verifiedAt: inHours(-1) } }))).to.equal(true);
    });
  });

  describe('filterTickets()', () => {
    it('sorts by due time, soonest first; tickets without a due time last (oldest first), input untouched', () => {
      const later = ticket({ dueAt: inHours(60) });
      const old = undated({ createdAt: '2026-11-01T00:00:00.000Z' });
      const overdue = ticket({ dueAt: inHours(-5) });
      const newer = undated({ createdAt: '2026-11-20T00:00:00.000Z' });
      const soon = ticket({ dueAt: inHours(2) });
      const all = [later, newer, overdue, old, soon];
      expect(ids(filterTickets(all, {}))).to.deep.equal(ids([overdue, soon, later, old, newer]));
      expect(ids(all)).to.deep.equal(ids([later, newer, overdue, old, soon]));
    });

    it("status: one status ('new' when absent) or 'open'", () => {
      const fresh = ticket();
      const working = ticket({ status: 'in-progress' });
      const waiting = ticket({ status: 'waiting-customer' });
      const done = ticket({ status: 'resolved' });
      const refused = ticket({ status: 'rejected' });
      const all = [fresh, working, waiting, done, refused];
      expect(ids(filterTickets(all, { status: 'new' }))).to.deep.equal([fresh.id]);
      expect(ids(filterTickets(all, { status: 'rejected' }))).to.deep.equal([refused.id]);
      expect(ids(filterTickets(all, { status: 'open' })).sort()).to.deep.equal(ids([fresh, working, waiting]).sort());
    });

    it('kind, verified and assignee', () => {
      const access = ticket({ kind: 'access', assigneeId: 's1' });
      const deletion = ticket({
        kind: 'deletion',
        verification: { expiresAt: inHours(1), verifiedAt: inHours(-1) },
        assigneeId: 's2',
      });
      const question = ticket({ kind: 'question' });
      const all = [access, deletion, question];
      expect(ids(filterTickets(all, { kind: 'deletion' }))).to.deep.equal([deletion.id]);
      expect(ids(filterTickets(all, { verified: true }))).to.deep.equal([deletion.id]);
      expect(ids(filterTickets(all, { verified: false })).sort()).to.deep.equal(ids([access, question]).sort());
      expect(ids(filterTickets(all, { assigneeId: 's1' }))).to.deep.equal([access.id]);
      expect(filterTickets(all, { kind: 'deletion', assigneeId: 's1' })).to.deep.equal([]);
    });

    it('due before: strictly before the moment; tickets without a due time never match', () => {
      const at = ticket({ dueAt: inHours(24) });
      const before = ticket({ dueAt: inHours(23) });
      const all = [at, before, undated()];
      expect(ids(filterTickets(all, { dueBefore: new Date(inHours(24)) }))).to.deep.equal([before.id]);
    });

    it('text: case-insensitive in the id, name and e-mail address, not in the question', () => {
      const budi = ticket({ name: 'Budi Santoso', email: 'budi@example.com' });
      const ani = ticket({ name: 'Ani Suryani', email: 'ani.s@contoh.co.id', question: 'tentang budi' });
      const all = [budi, ani];
      expect(ids(filterTickets(all, { text: 'SANTOSO' }))).to.deep.equal([budi.id]);
      expect(ids(filterTickets(all, { text: 'contoh.CO' }))).to.deep.equal([ani.id]);
      expect(ids(filterTickets(all, { text: ani.id.toLowerCase() }))).to.deep.equal([ani.id]);
      expect(ids(filterTickets(all, { text: ' budi ' }))).to.deep.equal([budi.id]);
      expect(filterTickets(all, { text: 'nobody' })).to.deep.equal([]);
      expect(filterTickets(all, { text: '  ' })).to.have.length(2);
    });
  });

  describe('hours left and urgency', () => {
    it('hours until due, negative when overdue, undefined without a due time', () => {
      expect(hoursLeft(ticket({ dueAt: inHours(72) }), NOW)).to.equal(72);
      expect(hoursLeft(ticket({ dueAt: inHours(1.5) }), NOW)).to.equal(1.5);
      expect(hoursLeft(ticket({ dueAt: inHours(-3) }), NOW)).to.equal(-3);
      expect(hoursLeft(undated(), NOW)).to.equal(undefined);
    });

    it('overdue from the due time on, due soon under 24 h, closed tickets are closed whatever their due time', () => {
      expect(urgency(ticket({ dueAt: inHours(-0.01) }), NOW)).to.equal('overdue');
      expect(urgency(ticket({ dueAt: inHours(0) }), NOW)).to.equal('overdue');
      expect(urgency(ticket({ dueAt: inHours(0.01) }), NOW)).to.equal('due-soon');
      expect(urgency(ticket({ dueAt: inHours(23.99) }), NOW)).to.equal('due-soon');
      expect(urgency(ticket({ dueAt: inHours(24) }), NOW)).to.equal('ok');
      expect(urgency(undated(), NOW)).to.equal('ok');
      expect(urgency(ticket({ dueAt: inHours(-10), status: 'resolved' }), NOW)).to.equal('closed');
      expect(urgency(ticket({ dueAt: inHours(1), status: 'rejected' }), NOW)).to.equal('closed');
      expect(urgency(ticket({ dueAt: inHours(-1), status: 'waiting-customer' }), NOW)).to.equal('overdue');
    });
  });

  describe('dashboardCounts()', () => {
    it('counts every status, and open tickets due today (WIB), within 24 h and overdue', () => {
      const tickets = [
        ticket({ dueAt: '2026-12-02T16:59:59.000Z' }), // 23:59:59 WIB today: today, due soon
        ticket({ dueAt: '2026-12-01T17:00:00.000Z', status: 'in-progress' }), // 00:00 WIB today, past: today, overdue
        ticket({ dueAt: '2026-12-01T16:59:59.000Z', status: 'waiting-customer' }), // yesterday WIB: overdue only
        ticket({ dueAt: '2026-12-02T20:00:00.000Z' }), // 03:00 WIB tomorrow (still the 2nd in UTC): due soon only
        ticket({ dueAt: inHours(48) }), // ok
        undated({ kind: 'question' }),
        ticket({ dueAt: '2026-12-02T10:00:00.000Z', status: 'resolved' }), // closed: not counted as due
        ticket({ dueAt: inHours(-30), status: 'rejected' }),
      ];
      expect(dashboardCounts(tickets, NOW)).to.deep.equal({
        byStatus: { new: 4, 'in-progress': 1, 'waiting-customer': 1, resolved: 1, rejected: 1 },
        open: 6,
        dueToday: 2,
        dueWithin24h: 2,
        overdue: 2,
      });
    });

    it("each deadline tile's number is the length of the list filtered by its window (the tile links there)", () => {
      const tickets = [
        ticket({ dueAt: '2026-12-02T16:59:59.000Z' }),
        ticket({ dueAt: '2026-12-01T17:00:00.000Z', status: 'in-progress' }),
        ticket({ dueAt: '2026-12-01T16:59:59.000Z', status: 'waiting-customer' }),
        ticket({ dueAt: '2026-12-02T20:00:00.000Z' }),
        ticket({ dueAt: inHours(48) }),
        ticket({ dueAt: '2026-12-02T10:00:00.000Z', status: 'resolved' }),
      ];
      const counts = dashboardCounts(tickets, NOW);
      const shown = (window: (typeof DUE_WINDOWS)[number]) =>
        filterTickets(tickets, { status: 'open', due: { window, now: NOW } }).length;
      expect([shown('today'), shown('within-24h'), shown('overdue')]).to.deep.equal([
        counts.dueToday,
        counts.dueWithin24h,
        counts.overdue,
      ]);
      expect(ids(filterTickets(tickets, { due: { window: 'overdue', now: NOW } }))).to.deep.equal(
        ids([tickets[2], tickets[1]].flatMap((t) => (t ? [t] : []))),
      );
    });

    it("'due today' is the WIB calendar day: across WIB midnight (17:00 UTC) a ticket moves from tomorrow to today", () => {
      const due = ticket({ dueAt: '2026-12-03T05:00:00.000Z' }); // 12:00 WIB on the 3rd
      const beforeMidnight = new Date('2026-12-02T16:59:59.000Z'); // 23:59:59 WIB on the 2nd
      const afterMidnight = new Date('2026-12-02T17:00:00.000Z'); // 00:00 WIB on the 3rd
      expect(inDueWindow(due, 'today', beforeMidnight)).to.equal(false);
      expect(inDueWindow(due, 'today', afterMidnight)).to.equal(true);
      expect(inDueWindow(due, 'within-24h', beforeMidnight)).to.equal(true);
      // Overdue from the due time on; a closed ticket is in no window.
      expect(inDueWindow(due, 'overdue', new Date('2026-12-03T05:00:00.000Z'))).to.equal(true);
      expect(inDueWindow(due, 'overdue', new Date('2026-12-03T04:59:59.000Z'))).to.equal(false);
      expect(DUE_WINDOWS.some((w) => inDueWindow({ ...due, status: 'resolved' }, w, afterMidnight))).to.equal(false);
    });

    it('all zero for no tickets', () => {
      expect(dashboardCounts([], NOW)).to.deep.equal({
        byStatus: { new: 0, 'in-progress': 0, 'waiting-customer': 0, resolved: 0, rejected: 0 },
        open: 0,
        dueToday: 0,
        dueWithin24h: 0,
        overdue: 0,
      });
    });
  });

  describe('weeklyCounts()', () => {
    const zero = { question: 0, access: 0, correction: 0, deletion: 0, 'withdraw-consent': 0 };

    it('weeks from Monday (WIB), oldest first, the current week last, empty weeks as zeros', () => {
      const tickets = [
        ticket({ kind: 'access', createdAt: '2026-11-29T17:00:00.000Z' }), // Mon 30 Nov 00:00 WIB
        ticket({ kind: 'deletion', createdAt: '2026-12-02T04:00:00.000Z' }), // today
        ticket({ kind: 'access', createdAt: '2026-11-29T16:59:59.000Z' }), // Sun 29 Nov 23:59:59 WIB
        ticket({ kind: 'question', createdAt: '2026-11-15T17:00:00.000Z' }), // Mon 16 Nov 00:00 WIB
        ticket({ kind: 'question', createdAt: '2026-11-08T16:59:59.000Z' }), // Sun 8 Nov WIB: before the range
        ticket({ kind: 'question', createdAt: '2026-12-07T00:00:00.000Z' }), // next week: after the range
      ];
      expect(weeklyCounts(tickets, NOW, 4)).to.deep.equal([
        { weekStart: '2026-11-09', counts: zero },
        { weekStart: '2026-11-16', counts: { ...zero, question: 1 } },
        { weekStart: '2026-11-23', counts: { ...zero, access: 1 } },
        { weekStart: '2026-11-30', counts: { ...zero, access: 1, deletion: 1 } },
      ]);
    });

    it('the current week is the WIB one: early Monday in WIB is still Sunday in UTC', () => {
      expect(weeklyCounts([], new Date('2026-11-29T17:30:00.000Z'), 1)).to.deep.equal([
        { weekStart: '2026-11-30', counts: zero },
      ]);
      expect(weeklyCounts([], new Date('2026-11-29T16:30:00.000Z'), 1)).to.deep.equal([
        { weekStart: '2026-11-23', counts: zero },
      ]);
      expect(weeklyCounts([], new Date('2026-12-06T16:59:59.000Z'), 1)[0]?.weekStart).to.equal('2026-11-30');
    });

    it('refuses a number of weeks that is not a positive whole number', () => {
      for (const weeks of [0, -1, 1.5]) expect(() => weeklyCounts([], NOW, weeks), String(weeks)).to.throw(RangeError);
    });
  });
});

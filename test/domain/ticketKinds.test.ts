import { expect } from 'chai';
import type { TicketKind } from '../../domain/records.ts';
import { dueAt, TICKET_KIND_LABELS, TICKET_KIND_LAW, TICKET_KINDS } from '../../domain/ticketKinds.ts';

const RECEIVED = new Date('2026-11-27T03:37:12.345Z');
const HOUR_MS = 3_600_000;

describe('domain/ticketKinds', () => {
  it('offers the five kinds, question first', () => {
    expect(TICKET_KINDS).to.deep.equal(['question', 'access', 'correction', 'deletion', 'withdraw-consent']);
  });

  for (const kind of ['access', 'correction'] as const) {
    it(`${kind}: due exactly 72 hours after receipt (UU PDP 3×24 h)`, () => {
      const due = dueAt(kind, RECEIVED);
      expect(due?.toISOString()).to.equal('2026-11-30T03:37:12.345Z');
      expect((due?.getTime() ?? 0) - RECEIVED.getTime()).to.equal(72 * HOUR_MS);
    });
  }

  for (const kind of ['question', 'deletion', 'withdraw-consent'] as const) {
    it(`${kind}: no statutory hour limit`, () => {
      expect(dueAt(kind, RECEIVED)).to.equal(undefined);
    });
  }

  it('does not change the receipt time it is given', () => {
    dueAt('access', RECEIVED);
    expect(RECEIVED.toISOString()).to.equal('2026-11-27T03:37:12.345Z');
  });

  it('every kind has a distinct label in Indonesian and English', () => {
    for (const lang of ['id', 'en'] as const) {
      const labels = TICKET_KINDS.map((kind: TicketKind) => TICKET_KIND_LABELS[kind][lang]);
      for (const label of labels) expect(label.trim(), lang).to.not.equal('');
      expect(new Set(labels).size, lang).to.equal(TICKET_KINDS.length);
    }
    expect(Object.keys(TICKET_KIND_LABELS).sort()).to.deep.equal([...TICKET_KINDS].sort());
  });

  it('every kind has a legal basis; the kinds with a deadline cite the 3×24 h rule', () => {
    expect(Object.keys(TICKET_KIND_LAW).sort()).to.deep.equal([...TICKET_KINDS].sort());
    for (const kind of TICKET_KINDS) {
      expect(TICKET_KIND_LAW[kind].trim(), kind).to.not.equal('');
      expect(TICKET_KIND_LAW[kind].includes('3×24 jam'), kind).to.equal(dueAt(kind, RECEIVED) !== undefined);
    }
  });
});

import { expect } from 'chai';
import { isStatutoryDeadline } from '../../domain/deadlines.ts';
import type { TicketKind } from '../../domain/records.ts';
import { TICKET_KIND_LABELS, TICKET_KIND_LAW, TICKET_KINDS } from '../../domain/ticketKinds.ts';

describe('domain/ticketKinds', () => {
  it('offers the five kinds, question first', () => {
    expect(TICKET_KINDS).to.deep.equal(['question', 'access', 'correction', 'deletion', 'withdraw-consent']);
  });

  it('every kind has a distinct label in Indonesian and English', () => {
    for (const lang of ['id', 'en'] as const) {
      const labels = TICKET_KINDS.map((kind: TicketKind) => TICKET_KIND_LABELS[kind][lang]);
      for (const label of labels) expect(label.trim(), lang).to.not.equal('');
      expect(new Set(labels).size, lang).to.equal(TICKET_KINDS.length);
    }
    expect(Object.keys(TICKET_KIND_LABELS).sort()).to.deep.equal([...TICKET_KINDS].sort());
  });

  it('every kind has a legal basis; the kinds with a statutory deadline cite the 3×24 h rule', () => {
    expect(Object.keys(TICKET_KIND_LAW).sort()).to.deep.equal([...TICKET_KINDS].sort());
    for (const kind of TICKET_KINDS) {
      expect(TICKET_KIND_LAW[kind].trim(), kind).to.not.equal('');
      expect(TICKET_KIND_LAW[kind].includes('3×24 jam'), kind).to.equal(isStatutoryDeadline(kind));
    }
  });
});

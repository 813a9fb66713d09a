import { expect } from 'chai';
import { DEFAULT_DEADLINE_POLICY, isStatutoryDeadline, ticketDeadline } from '../../domain/deadlines.ts';
import { TICKET_KINDS } from '../../domain/ticketKinds.ts';

const RECEIVED = new Date('2026-11-27T03:37:12.345Z');
const HOUR_MS = 3_600_000;

describe('domain/deadlines', () => {
  it('the default policy: deletion in 14 days, a question in 72 hours', () => {
    expect(DEFAULT_DEADLINE_POLICY).to.deep.equal({ deletionDueDays: 14, questionDueHours: 72 });
  });

  const statutory = [
    ['access', '32'],
    ['correction', '30'],
    ['withdraw-consent', '40'],
  ] as const;
  for (const [kind, article] of statutory) {
    it(`${kind}: 72 hours from receipt, statutory (UU PDP Pasal ${article})`, () => {
      const deadline = ticketDeadline(kind, RECEIVED, DEFAULT_DEADLINE_POLICY);
      expect(deadline.dueAt.toISOString()).to.equal('2026-11-30T03:37:12.345Z');
      expect(deadline.hours).to.equal(72);
      expect(deadline.statutory).to.equal(true);
      expect(deadline.basis).to.deep.equal({
        id: `UU PDP Pasal ${article}: 3×24 jam sejak permintaan diterima`,
        en: `UU PDP Article ${article}: 3×24 hours from receipt of the request`,
      });
      expect(isStatutoryDeadline(kind)).to.equal(true);
    });
  }

  it('the statutory 72 hours do not bend to the company policy', () => {
    const policy = { deletionDueDays: 1, questionDueHours: 1 };
    for (const [kind] of statutory) expect(ticketDeadline(kind, RECEIVED, policy).hours, kind).to.equal(72);
  });

  it('deletion: the company policy in days (default 14), not statutory', () => {
    const deadline = ticketDeadline('deletion', RECEIVED, DEFAULT_DEADLINE_POLICY);
    expect(deadline.dueAt.toISOString()).to.equal('2026-12-11T03:37:12.345Z');
    expect(deadline.hours).to.equal(14 * 24);
    expect(deadline.statutory).to.equal(false);
    expect(deadline.basis.id)
      .to.match(/^Kebijakan perusahaan: 14 hari /)
      .and.include('UU PDP tidak menetapkan');
    expect(deadline.basis.en)
      .to.match(/^Company policy: 14 days /)
      .and.include('no hour limit');
    expect(isStatutoryDeadline('deletion')).to.equal(false);
  });

  it('deletion follows DELETION_DUE_DAYS', () => {
    const deadline = ticketDeadline('deletion', RECEIVED, { deletionDueDays: 30, questionDueHours: 72 });
    expect(deadline.dueAt.getTime() - RECEIVED.getTime()).to.equal(30 * 24 * HOUR_MS);
    expect(deadline.basis.id).to.include('30 hari');
    expect(deadline.basis.en).to.include('30 days');
  });

  it('a question: the service level in hours (default 72), not statutory', () => {
    const deadline = ticketDeadline('question', RECEIVED, DEFAULT_DEADLINE_POLICY);
    expect(deadline.dueAt.toISOString()).to.equal('2026-11-30T03:37:12.345Z');
    expect(deadline).to.include({ hours: 72, statutory: false });
    expect(deadline.basis.id).to.match(/^Tingkat layanan perusahaan: 72 jam /);
    expect(deadline.basis.en).to.match(/^Company service level: 72 hours /);
    expect(isStatutoryDeadline('question')).to.equal(false);
  });

  it('a question follows QUESTION_DUE_HOURS', () => {
    const deadline = ticketDeadline('question', RECEIVED, { deletionDueDays: 14, questionDueHours: 24 });
    expect(deadline.dueAt.toISOString()).to.equal('2026-11-28T03:37:12.345Z');
    expect(deadline.basis.en).to.include('24 hours');
  });

  it('refuses a policy that is not a positive whole number', () => {
    for (const policy of [
      { deletionDueDays: 0, questionDueHours: 72 },
      { deletionDueDays: 1.5, questionDueHours: 72 },
    ])
      expect(() => ticketDeadline('deletion', RECEIVED, policy)).to.throw(RangeError, 'deletionDueDays');
    expect(() => ticketDeadline('question', RECEIVED, { deletionDueDays: 14, questionDueHours: -1 })).to.throw(
      RangeError,
      'questionDueHours',
    );
  });

  it('every kind gets a deadline with a basis in both languages, and the receipt time is left alone', () => {
    for (const kind of TICKET_KINDS) {
      const deadline = ticketDeadline(kind, RECEIVED, DEFAULT_DEADLINE_POLICY);
      expect(deadline.dueAt.getTime() - RECEIVED.getTime(), kind).to.equal(deadline.hours * HOUR_MS);
      expect(deadline.basis.id.trim(), kind).to.not.equal('');
      expect(deadline.basis.en.trim(), kind).to.not.equal('');
    }
    expect(RECEIVED.toISOString()).to.equal('2026-11-27T03:37:12.345Z');
  });
});

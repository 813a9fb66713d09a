import { expect } from 'chai';
import { emptyDatabase } from '../../bot/store/lowdb/jsonDocument.ts';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { verifyAuditChain } from '../../domain/audit.ts';
import { DEFAULT_DEADLINE_POLICY } from '../../domain/deadlines.ts';
import type { StaffRecord, TicketRecord, TicketStatus } from '../../domain/records.ts';
import { TicketWorkError, type TicketWorkReason, TicketWorkService } from '../../domain/ticketWork.ts';
import { MemoryDb } from '../support/memoryDb.ts';

/** 12:00 WIB on 2 December 2026. */
const NOW = new Date('2026-12-02T05:00:00.000Z');
const SUPPORT = 'support@wowrack.co.id';
const ACTOR = 'staff:s1';

function ticket(id: string, fields: Partial<TicketRecord> = {}): TicketRecord {
  return {
    id,
    createdAt: '2026-11-30T03:00:00.000Z',
    dueAt: '2026-12-03T03:00:00.000Z',
    kind: 'access',
    lang: 'id',
    name: 'Budi Santoso',
    email: 'budi@example.com',
    question: 'Tolong kirim salinan data saya',
    transcript: [],
    conversationId: 'conv-1',
    ...fields,
  };
}

function staff(id: string, disabled: boolean): StaffRecord {
  return {
    id,
    email: `${id}@wowrack.co.id`,
    name: id,
    role: 'support',
    passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
    disabled,
    createdAt: '2026-11-01T00:00:00.000Z',
    passwordChangedAt: '2026-11-01T00:00:00.000Z',
  };
}

const ACCESS = 'PRV-20261130-0001'; // unverified, threaded under its acknowledgement
const DELETION = 'PRV-20261130-0002'; // verified
const CORRECTION = 'PRV-20261130-0003'; // unverified (no verification needed to resolve)
const QUESTION = 'PRV-20261101-0004'; // recorded before questions had a due time; English
const UNVERIFIED_DELETION = 'PRV-20261130-0005';
const ACK_MESSAGE_ID = '<prv-20261130-0001.ack@wowrack.co.id>';

function seed(): MemoryDb {
  const { dueAt: _none, ...question } = ticket(QUESTION, {
    kind: 'question',
    lang: 'en',
    name: 'John Smith',
    email: 'john@example.com',
    createdAt: '2026-11-01T00:00:00.000Z',
  });
  return new MemoryDb({
    ...emptyDatabase(),
    tickets: [
      ticket(ACCESS, {
        messageId: ACK_MESSAGE_ID,
        verification: { tokenHash: 'a'.repeat(64), expiresAt: '2026-12-07T03:00:00.000Z' },
      }),
      ticket(DELETION, {
        kind: 'deletion',
        dueAt: '2026-12-14T03:00:00.000Z',
        name: 'Ani Suryani',
        email: 'ani@contoh.co.id',
        verification: { expiresAt: '2026-12-07T03:00:00.000Z', verifiedAt: '2026-11-30T04:00:00.000Z' },
      }),
      ticket(CORRECTION, { kind: 'correction', dueAt: '2026-12-02T10:00:00.000Z' }),
      question,
      ticket(UNVERIFIED_DELETION, { kind: 'deletion', dueAt: '2026-12-14T04:00:00.000Z' }),
    ],
    staff: [staff('s1', false), staff('s2', true), staff('s3', false)],
  });
}

/** The reason a call was refused with (fails the test when it was not refused). */
async function refusal(call: Promise<unknown>): Promise<TicketWorkReason> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TicketWorkError) return error.reason;
    throw error;
  }
  expect.fail('the change was accepted but should have been refused');
}

describe('domain/ticketWork', () => {
  let db: MemoryDb;
  let store: LowdbRequestStore;
  let work: TicketWorkService;
  const stored = (id: string): TicketRecord | undefined => db.snapshot().tickets.find((t) => t.id === id);
  const actions = (): string[] => db.snapshot().audit.map((e) => e.action);

  beforeEach(() => {
    db = seed();
    store = new LowdbRequestStore(db);
    work = new TicketWorkService({
      store,
      now: () => new Date(NOW),
      supportEmail: SUPPORT,
      deadlines: DEFAULT_DEADLINE_POLICY,
    });
  });

  describe('list and view', () => {
    it('lists by filter, soonest due first, without auditing; an old ticket gets its due time from its kind', async () => {
      const all = await work.list({});
      expect(all.map((t) => t.id)).to.deep.equal([QUESTION, CORRECTION, ACCESS, DELETION, UNVERIFIED_DELETION]);
      // Received 1 November 00:00 UTC, a question: 72 hours (QUESTION_DUE_HOURS); not written back.
      expect(all[0]?.dueAt).to.equal('2026-11-04T00:00:00.000Z');
      expect(stored(QUESTION)).to.not.have.property('dueAt');
      expect((await work.list({ kind: 'deletion', verified: false })).map((t) => t.id)).to.deep.equal([
        UNVERIFIED_DELETION,
      ]);
      expect((await work.list({ text: 'ANI@' })).map((t) => t.id)).to.deep.equal([DELETION]);
      expect(db.snapshot().audit).to.deep.equal([]);
    });

    it("view returns the ticket and audits 'ticket.viewed' by the staff member; an unknown id is not audited", async () => {
      const seen = await work.view(ACCESS, ACTOR);
      expect(seen).to.deep.equal(stored(ACCESS));
      expect(await work.view('PRV-20261130-9999', ACTOR)).to.equal(undefined);
      const audit = db.snapshot().audit;
      expect(audit.map((e) => [e.actor, e.action, e.target, e.details])).to.deep.equal([
        [ACTOR, 'ticket.viewed', ACCESS, undefined],
      ]);
      expect(audit[0]?.at).to.equal(NOW.toISOString());
    });
  });

  describe('setStatus()', () => {
    it('moves an open ticket to another status, stamps the change and audits from → to', async () => {
      const changed = await work.setStatus(ACCESS, 'in-progress', ACTOR);
      expect(changed).to.include({ status: 'in-progress', statusChangedAt: NOW.toISOString() });
      expect(stored(ACCESS)).to.deep.equal(changed);
      const [entry] = db.snapshot().audit;
      expect(entry).to.include({ actor: ACTOR, action: 'ticket.status-changed', target: ACCESS });
      expect(entry?.details).to.deep.equal({ from: 'new', to: 'in-progress' });
      await work.setStatus(ACCESS, 'waiting-customer', ACTOR);
      await work.setStatus(ACCESS, 'new', ACTOR);
      expect(db.snapshot().audit.map((e) => e.details)).to.deep.equal([
        { from: 'new', to: 'in-progress' },
        { from: 'in-progress', to: 'waiting-customer' },
        { from: 'waiting-customer', to: 'new' },
      ]);
    });

    it('the same status again changes and audits nothing', async () => {
      await work.setStatus(CORRECTION, 'in-progress', ACTOR);
      const writes = db.writes;
      const again = await work.setStatus(CORRECTION, 'in-progress', ACTOR);
      expect(again).to.deep.equal(stored(CORRECTION));
      expect(actions()).to.deep.equal(['ticket.status-changed']);
      expect(db.writes).to.equal(writes);
    });

    it('refuses a rejection without a reason (nothing kept); keeps the reason when given, not in the audit', async () => {
      const writes = db.writes;
      expect(await refusal(work.setStatus(ACCESS, 'rejected', ACTOR))).to.equal('reason-required');
      expect(await refusal(work.setStatus(ACCESS, 'rejected', ACTOR, { reason: '   ' }))).to.equal('reason-required');
      expect(await refusal(work.setStatus(ACCESS, 'rejected', ACTOR, { reason: 'x'.repeat(501) }))).to.equal('text');
      expect(db.writes).to.equal(writes);
      expect(stored(ACCESS)).to.not.have.property('status');

      const reason = 'Identitas tidak terverifikasi (pengecualian UU PDP Pasal 15 tidak berlaku)';
      const rejected = await work.setStatus(ACCESS, 'rejected', ACTOR, { reason: ` ${reason} ` });
      expect(rejected).to.include({ status: 'rejected', rejectionReason: reason });
      expect(db.snapshot().audit.map((e) => e.details)).to.deep.equal([{ from: 'new', to: 'rejected' }]);
      await work.setStatus(CORRECTION, 'rejected', ACTOR, { reason: 'y'.repeat(500) });
      expect(stored(CORRECTION)?.rejectionReason).to.have.length(500);
    });

    it('a closed ticket only reopens to in-progress (the rejection reason goes), and not once anonymised', async () => {
      await work.setStatus(ACCESS, 'rejected', ACTOR, { reason: 'Identitas tidak terverifikasi' });
      for (const status of ['new', 'waiting-customer', 'resolved'] as const)
        expect(await refusal(work.setStatus(ACCESS, status, ACTOR)), status).to.equal('closed');
      const reopened = await work.setStatus(ACCESS, 'in-progress', ACTOR);
      expect(reopened.status).to.equal('in-progress');
      expect(reopened).to.not.have.property('rejectionReason');
      expect(db.snapshot().audit.map((e) => e.details)).to.deep.equal([
        { from: 'new', to: 'rejected' },
        { from: 'rejected', to: 'in-progress' },
      ]);

      await work.setStatus(CORRECTION, 'resolved', ACTOR);
      expect(await refusal(work.setStatus(CORRECTION, 'waiting-customer', ACTOR))).to.equal('closed');
      await work.setStatus(CORRECTION, 'in-progress', ACTOR);
      expect(stored(CORRECTION)?.status).to.equal('in-progress');

      await store.transaction(async (tx) => {
        const t = await tx.tickets.get(DELETION);
        if (t) await tx.tickets.replace({ ...t, status: 'resolved', anonymisedAt: NOW.toISOString() });
      });
      expect(await refusal(work.setStatus(DELETION, 'in-progress', ACTOR))).to.equal('closed');
    });

    it('resolving an unverified copy or deletion request needs an override reason, kept and audited on its own', async () => {
      for (const id of [ACCESS, UNVERIFIED_DELETION]) {
        expect(await refusal(work.setStatus(id, 'resolved', ACTOR)), id).to.equal('override-required');
        expect(await refusal(work.setStatus(id, 'resolved', ACTOR, { overrideReason: ' ' })), id).to.equal(
          'override-required',
        );
        expect(await refusal(work.setStatus(id, 'resolved', ACTOR, { reason: 'not an override' })), id).to.equal(
          'override-required',
        );
      }
      expect(db.snapshot().audit).to.deep.equal([]);
      expect(stored(ACCESS)?.status).to.equal(undefined);

      const resolved = await work.setStatus(ACCESS, 'resolved', ACTOR, {
        overrideReason: 'Identitas dicek lewat telepon ke nomor di kontrak',
      });
      expect(resolved.status).to.equal('resolved');
      expect(resolved.verification).to.deep.equal({
        tokenHash: 'a'.repeat(64),
        expiresAt: '2026-12-07T03:00:00.000Z',
        override: { at: NOW.toISOString(), staffId: 's1', reason: 'Identitas dicek lewat telepon ke nomor di kontrak' },
      });
      expect(stored(ACCESS)).to.deep.equal(resolved);

      // A ticket recorded without a verification link: the override is kept all the same.
      const deletion = await work.setStatus(UNVERIFIED_DELETION, 'resolved', ACTOR, { overrideReason: 'Akun ditutup' });
      expect(deletion.verification).to.deep.equal({
        expiresAt: NOW.toISOString(),
        override: { at: NOW.toISOString(), staffId: 's1', reason: 'Akun ditutup' },
      });

      expect(db.snapshot().audit.map((e) => [e.action, e.target, e.details])).to.deep.equal([
        ['ticket.verification-overridden', ACCESS, undefined],
        ['ticket.status-changed', ACCESS, { from: 'new', to: 'resolved' }],
        ['ticket.verification-overridden', UNVERIFIED_DELETION, undefined],
        ['ticket.status-changed', UNVERIFIED_DELETION, { from: 'new', to: 'resolved' }],
      ]);
    });

    it('a verified deletion and an unverified correction are resolved without an override', async () => {
      const deletion = await work.setStatus(DELETION, 'resolved', ACTOR);
      expect(deletion.status).to.equal('resolved');
      expect(deletion.verification).to.not.have.property('override');
      const correction = await work.setStatus(CORRECTION, 'resolved', ACTOR);
      expect(correction).to.not.have.property('verification');
      expect(actions()).to.deep.equal(['ticket.status-changed', 'ticket.status-changed']);
    });

    it('refuses what is not a status, and an unknown ticket', async () => {
      const notAStatus: TicketStatus = JSON.parse('"done"');
      expect(await refusal(work.setStatus(ACCESS, notAStatus, ACTOR))).to.equal('status');
      expect(await refusal(work.setStatus('PRV-20261130-9999', 'in-progress', ACTOR))).to.equal('unknown');
      expect(db.snapshot().audit).to.deep.equal([]);
    });
  });

  describe('assign()', () => {
    it('assigns to an enabled staff member, reassigns and unassigns, each audited from → to', async () => {
      expect((await work.assign(ACCESS, 's1', ACTOR)).assigneeId).to.equal('s1');
      expect(stored(ACCESS)?.assigneeId).to.equal('s1');
      await work.assign(ACCESS, 's3', ACTOR);
      const unassigned = await work.assign(ACCESS, undefined, ACTOR);
      expect(unassigned).to.not.have.property('assigneeId');
      expect(stored(ACCESS)).to.not.have.property('assigneeId');
      expect(db.snapshot().audit.map((e) => [e.action, e.target, e.details])).to.deep.equal([
        ['ticket.assigned', ACCESS, { to: 's1' }],
        ['ticket.assigned', ACCESS, { from: 's1', to: 's3' }],
        ['ticket.assigned', ACCESS, { from: 's3' }],
      ]);
    });

    it('refuses a disabled or unknown staff member and a closed ticket; the same assignee changes nothing', async () => {
      expect(await refusal(work.assign(ACCESS, 's2', ACTOR))).to.equal('assignee');
      expect(await refusal(work.assign(ACCESS, 'nobody', ACTOR))).to.equal('assignee');
      expect(await refusal(work.assign('PRV-20261130-9999', 's1', ACTOR))).to.equal('unknown');
      expect(db.snapshot().audit).to.deep.equal([]);
      await work.assign(ACCESS, 's1', ACTOR);
      await work.assign(ACCESS, 's1', ACTOR);
      expect(actions()).to.deep.equal(['ticket.assigned']);
      await work.setStatus(CORRECTION, 'resolved', ACTOR);
      expect(await refusal(work.assign(CORRECTION, 's1', ACTOR))).to.equal('closed');
    });
  });

  describe('addNote()', () => {
    it('keeps internal notes (trimmed) with the staff member and time; the audit names no text', async () => {
      await work.addNote(ACCESS, '  Pelanggan menelepon, minta dikirim PDF.  ', ACTOR);
      const noted = await work.addNote(ACCESS, 'n'.repeat(5000), 'staff:s3');
      expect(noted.notes).to.deep.equal([
        { at: NOW.toISOString(), staffId: 's1', text: 'Pelanggan menelepon, minta dikirim PDF.' },
        { at: NOW.toISOString(), staffId: 's3', text: 'n'.repeat(5000) },
      ]);
      expect(stored(ACCESS)?.notes).to.have.length(2);
      expect(db.snapshot().audit.map((e) => [e.actor, e.action, e.target, e.details])).to.deep.equal([
        [ACTOR, 'ticket.note-added', ACCESS, undefined],
        ['staff:s3', 'ticket.note-added', ACCESS, undefined],
      ]);
      expect(db.snapshot().outbox).to.deep.equal([]);
    });

    it('refuses an empty or too long note, and a note on a closed ticket', async () => {
      expect(await refusal(work.addNote(ACCESS, ' \n ', ACTOR))).to.equal('text');
      expect(await refusal(work.addNote(ACCESS, 'n'.repeat(5001), ACTOR))).to.equal('text');
      await work.setStatus(CORRECTION, 'resolved', ACTOR);
      expect(await refusal(work.addNote(CORRECTION, 'late', ACTOR))).to.equal('closed');
      expect(stored(ACCESS)).to.not.have.property('notes');
    });
  });

  describe('reply()', () => {
    it('records one mail to the customer: Reply-To support, [PRV-…] subject, fresh Message-ID, In-Reply-To the ticket', async () => {
      const answer = 'Halo Budi,\n\nSalinan data pribadi Anda terlampir di portal pelanggan.';
      const { ticket: replied, outboxId } = await work.reply(ACCESS, `${answer}\n`, ACTOR);
      const outbox = db.snapshot().outbox;
      expect(outbox).to.have.length(1);
      const [mail] = outbox;
      expect(mail?.id).to.equal(outboxId);
      expect(mail).to.include({
        to: 'budi@example.com',
        replyTo: SUPPORT,
        subject: `[${ACCESS}] Permintaan salinan data pribadi`,
        inReplyTo: ACK_MESSAGE_ID,
        purpose: 'ticket-reply',
        status: 'pending',
        conversationId: 'conv-1',
      });
      expect(mail?.messageId).to.match(/^<prv-20261130-0001-r1\.[0-9a-f]{12}@wowrack\.co\.id>$/);
      expect(mail?.text.startsWith(`${answer}\n`)).to.equal(true);
      expect(mail?.text).to.include(`Nomor tiket: ${ACCESS}`).and.include(SUPPORT);

      expect(replied.replies).to.deep.equal([
        { at: NOW.toISOString(), staffId: 's1', text: answer, outboxId, messageId: mail?.messageId },
      ]);
      expect(replied).to.not.have.property('status');
      expect(stored(ACCESS)).to.deep.equal(replied);
      expect(db.snapshot().audit.map((e) => [e.actor, e.action, e.target, e.details])).to.deep.equal([
        [ACTOR, 'ticket.replied', ACCESS, { outboxId }],
      ]);
    });

    it('numbers the replies and gives each its own Message-ID; an English ticket gets an English subject', async () => {
      await work.reply(ACCESS, 'Pertama', ACTOR);
      await work.reply(ACCESS, 'Kedua', ACTOR);
      const ids = db.snapshot().outbox.map((m) => m.messageId ?? '');
      expect(ids[0]).to.match(/-r1\./);
      expect(ids[1]).to.match(/-r2\./);
      expect(stored(ACCESS)?.replies?.map((r) => r.messageId)).to.deep.equal(ids);

      await work.reply(QUESTION, 'Thank you for your question.', ACTOR);
      const english = db.snapshot().outbox[2];
      expect(english).to.include({
        to: 'john@example.com',
        subject: `[${QUESTION}] Question about the privacy policy`,
      });
      expect(english?.text).to.include(`Ticket number: ${QUESTION}`);
      // This ticket has no Message-ID of its own (recorded before threading): the reply starts the thread.
      expect(english).to.not.have.property('inReplyTo');
    });

    it('the same form key again (a double click) records nothing more: one mail, one reply, one audit entry', async () => {
      const first = await work.reply(ACCESS, 'Halo Budi', ACTOR, { key: 'k'.repeat(22) });
      const second = await work.reply(ACCESS, 'Halo Budi', ACTOR, { key: 'k'.repeat(22) });
      expect(first.repeated).to.equal(false);
      expect(second).to.include({ repeated: true, outboxId: first.outboxId });
      expect(db.snapshot().outbox).to.have.length(1);
      expect(stored(ACCESS)?.replies?.map((r) => r.key)).to.deep.equal(['k'.repeat(22)]);
      expect(db.snapshot().audit.filter((e) => e.action === 'ticket.replied')).to.have.length(1);
      await work.reply(ACCESS, 'Halo Budi', ACTOR, { key: 'j'.repeat(22) });
      expect(db.snapshot().outbox).to.have.length(2);
      await work.addNote(ACCESS, 'dicek', ACTOR, { key: 'n'.repeat(22) });
      await work.addNote(ACCESS, 'dicek', ACTOR, { key: 'n'.repeat(22) });
      expect(stored(ACCESS)?.notes).to.have.length(1);
      expect(db.snapshot().audit.filter((e) => e.action === 'ticket.note-added')).to.have.length(1);
    });

    it('refuses an empty or too long reply, a closed and an unknown ticket, sending nothing', async () => {
      expect(await refusal(work.reply(ACCESS, '   ', ACTOR))).to.equal('text');
      expect(await refusal(work.reply(ACCESS, 'r'.repeat(20001), ACTOR))).to.equal('text');
      expect(await refusal(work.reply('PRV-20261130-9999', 'Halo', ACTOR))).to.equal('unknown');
      await work.setStatus(CORRECTION, 'resolved', ACTOR);
      expect(await refusal(work.reply(CORRECTION, 'Halo', ACTOR))).to.equal('closed');
      expect(db.snapshot().outbox).to.deep.equal([]);
      await work.reply(ACCESS, 'r'.repeat(20000), ACTOR);
      expect(db.snapshot().outbox).to.have.length(1);
    });
  });

  it('a day of work leaves an audit chain that verifies, with no address or free text in it', async () => {
    await work.view(ACCESS, ACTOR);
    await work.assign(ACCESS, 's1', ACTOR);
    await work.setStatus(ACCESS, 'in-progress', ACTOR);
    await work.addNote(ACCESS, 'Cek kontrak', ACTOR);
    await work.reply(ACCESS, 'Mohon konfirmasi identitas Anda', ACTOR);
    await work.setStatus(ACCESS, 'waiting-customer', ACTOR);
    await work.setStatus(ACCESS, 'resolved', ACTOR, { overrideReason: 'Dikonfirmasi lewat telepon' });
    await work.setStatus(CORRECTION, 'rejected', ACTOR, { reason: 'Pengecualian Pasal 15' });
    const audit = db.snapshot().audit;
    expect(audit.map((e) => e.action)).to.deep.equal([
      'ticket.viewed',
      'ticket.assigned',
      'ticket.status-changed',
      'ticket.note-added',
      'ticket.replied',
      'ticket.status-changed',
      'ticket.verification-overridden',
      'ticket.status-changed',
      'ticket.status-changed',
    ]);
    expect(verifyAuditChain(audit)).to.deep.equal({ ok: true, entries: 9 });
    const text = JSON.stringify(audit);
    for (const secret of ['budi@example.com', 'Cek kontrak', 'konfirmasi', 'telepon', 'Pasal 15'])
      expect(text, secret).to.not.include(secret);
  });
});

import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { emptyDatabase } from '../../bot/store/lowdb/jsonDocument.ts';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { MailQuota } from '../../domain/mailQuota.ts';
import type { TicketRecord } from '../../domain/records.ts';
import { TicketVerificationService } from '../../domain/ticketVerification.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const TOKEN = 'T'.repeat(43);
const SUPPORT = 'support@wowrack.co.id';
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

const ticket = (id: string, token: string, fields: Partial<TicketRecord> = {}): TicketRecord => ({
  id,
  createdAt: '2026-12-01T03:00:00.000Z',
  dueAt: '2026-12-04T03:00:00.000Z',
  kind: 'access',
  lang: 'id',
  name: 'Budi',
  email: 'budi@example.com',
  question: 'salinan data',
  transcript: [],
  conversationId: 'c1',
  verification: { tokenHash: hash(token), expiresAt: '2026-12-08T03:00:00.000Z' },
  ...fields,
});

describe('domain/ticketVerification: the customer confirms a ticket through the link', () => {
  let at: number;
  let db: MemoryDb;
  let service: TicketVerificationService;

  const serviceOn = (memory: MemoryDb) =>
    new TicketVerificationService({
      store: new LowdbRequestStore(memory),
      now: () => new Date(at),
      quota: new MailQuota([SUPPORT]),
      supportEmail: SUPPORT,
      publicUrl: 'https://chat.example.test/',
    });

  beforeEach(() => {
    at = Date.parse('2026-12-02T03:00:00Z');
    db = new MemoryDb({
      ...emptyDatabase(),
      tickets: [
        ticket('PRV-20261201-0001', TOKEN),
        ticket('PRV-20261201-0002', 'C'.repeat(43), { status: 'rejected', rejectionReason: 'x' }),
      ],
    });
    service = serviceOn(db);
  });

  it('looking the link up changes nothing; confirming does, once, audited with the browser', async () => {
    const state = await service.lookup(TOKEN);
    expect(state.status).to.equal('open');
    expect(db.writes).to.equal(0);
    const result = await service.confirm(TOKEN, 'Mozilla/5.0 Test');
    expect(result.status).to.equal('confirmed');
    const stored = db.snapshot().tickets[0];
    expect(stored?.verification?.verifiedAt).to.equal('2026-12-02T03:00:00.000Z');
    const again = await service.confirm(TOKEN);
    expect(again.status).to.equal('verified');
    expect((await service.lookup(TOKEN)).status).to.equal('verified');
    const audit = db.snapshot().audit;
    expect(audit.map((e) => [e.actor, e.action, e.target, e.details?.userAgent])).to.deep.equal([
      ['customer', 'ticket.verified', 'PRV-20261201-0001', 'Mozilla/5.0 Test'],
    ]);
  });

  it('two confirmations at once confirm once', async () => {
    const results = await Promise.all([service.confirm(TOKEN), service.confirm(TOKEN)]);
    expect(results.map((r) => r.status).sort()).to.deep.equal(['confirmed', 'verified']);
    expect(db.snapshot().audit).to.have.length(1);
  });

  it('an expired, closed, unknown or malformed link confirms nothing', async () => {
    at = Date.parse('2026-12-08T03:00:00Z');
    expect((await service.confirm(TOKEN)).status).to.equal('expired');
    expect((await service.confirm('C'.repeat(43))).status).to.equal('closed');
    expect((await service.confirm('U'.repeat(43))).status).to.equal('unknown');
    expect((await service.confirm('short')).status).to.equal('unknown');
    expect((await service.lookup('../../etc/passwd')).status).to.equal('unknown');
    expect(db.snapshot().audit).to.deep.equal([]);
    expect(db.snapshot().tickets.every((t) => t.verification?.verifiedAt === undefined)).to.equal(true);
  });

  describe('reissue(): staff send a new link', () => {
    const ID = 'PRV-20261201-0001';
    const ACTOR = 'staff:stf_1';
    const tokenIn = (text: string) => /\/verify\/([A-Za-z0-9_-]{43})/.exec(text)?.[1] ?? '';
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => 'none',
        (error: unknown) => (error instanceof Error && 'reason' in error ? String(error.reason) : String(error)),
      );

    it('replaces the link (the old one stops working), mails the acknowledgement again with it, audited', async () => {
      const { ticket: next, repeated } = await service.reissue(ID, ACTOR);
      expect(repeated).to.equal(false);
      const [mail] = db.snapshot().outbox;
      expect(mail).to.include({
        to: 'budi@example.com',
        purpose: 'ticket-verification-link',
        ref: ID,
        scrubAfterSend: true,
        status: 'pending',
      });
      expect(mail?.messageId).to.match(/^<prv-20261201-0001-link1\.[0-9a-f]{12}@wowrack\.co\.id>$/);
      const token = tokenIn(mail?.text ?? '');
      expect(mail?.text).to.contain(`https://chat.example.test/verify/${token}`);
      expect(next.verification?.tokenHash).to.equal(hash(token));
      expect(next.verification?.expiresAt).to.equal('2026-12-09T03:00:00.000Z');
      expect(next.verification?.reissued).to.deep.equal([{ at: '2026-12-02T03:00:00.000Z', staffId: 'stf_1' }]);
      expect((await service.lookup(TOKEN)).status).to.equal('unknown');
      expect((await service.confirm(TOKEN)).status).to.equal('unknown');
      expect((await service.confirm(token)).status).to.equal('confirmed');
      const audit = db.snapshot().audit.map((e) => [e.actor, e.action, e.target, e.details]);
      expect(audit[0]).to.deep.equal([ACTOR, 'ticket.verification-link-sent', ID, { outboxId: mail?.id }]);
      expect(JSON.stringify(db.snapshot().audit)).not.to.contain('budi@example.com').and.not.to.contain(token);
    });

    it('the same form key twice sends one mail; at most three new links a day; not for a verified or closed ticket', async () => {
      await service.reissue(ID, ACTOR, { key: 'k'.repeat(22) });
      expect((await service.reissue(ID, ACTOR, { key: 'k'.repeat(22) })).repeated).to.equal(true);
      expect(db.snapshot().outbox).to.have.length(1);
      at += 3_600_001; // the mailbox's hourly cap is not what stops the next ones
      await service.reissue(ID, ACTOR);
      at += 3_600_001;
      await service.reissue(ID, ACTOR);
      at += 3_600_001;
      expect(await refusal(service.reissue(ID, ACTOR))).to.equal('link-limit');
      at += 21 * 3_600_000; // a day after the first
      await service.reissue(ID, ACTOR);
      expect(db.snapshot().outbox).to.have.length(4);
      expect(await refusal(service.reissue('PRV-20261201-0002', ACTOR))).to.equal('closed');
      expect(await refusal(service.reissue('PRV-20261201-9999', ACTOR))).to.equal('unknown');
      const token = tokenIn(db.snapshot().outbox[3]?.text ?? '');
      await service.confirm(token);
      expect(await refusal(service.reissue(ID, ACTOR))).to.equal('verified');
      expect(db.snapshot().outbox).to.have.length(4);
    });

    it('a mailbox at the mail caps gets no new link (nothing kept or sent); an hour later it does', async () => {
      const mail = (n: number) => ({
        id: `m${n}`,
        createdAt: new Date(at - 60_000).toISOString(),
        to: 'budi@example.com',
        subject: 'x',
        text: 'x',
        purpose: 'ticket-acknowledgement',
        status: 'sent' as const,
        attempts: 1,
        nextAttemptAt: new Date(at).toISOString(),
      });
      db = new MemoryDb({ ...db.snapshot(), outbox: [mail(1), mail(2), mail(3)] });
      service = serviceOn(db);
      expect(await refusal(service.reissue(ID, ACTOR))).to.equal('mail-cap');
      expect(db.snapshot().outbox).to.have.length(3);
      expect(db.snapshot().tickets[0]?.verification?.tokenHash).to.equal(hash(TOKEN));
      expect(db.snapshot().audit).to.deep.equal([]);
      at += 3_600_000;
      await service.reissue(ID, ACTOR);
      expect(db.snapshot().outbox).to.have.length(4);
    });
  });
});

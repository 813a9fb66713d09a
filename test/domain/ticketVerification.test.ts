import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { emptyDatabase } from '../../bot/store/lowdb/jsonDocument.ts';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import type { TicketRecord } from '../../domain/records.ts';
import { TicketVerificationService } from '../../domain/ticketVerification.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const TOKEN = 'T'.repeat(43);
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

  beforeEach(() => {
    at = Date.parse('2026-12-02T03:00:00Z');
    db = new MemoryDb({
      ...emptyDatabase(),
      tickets: [
        ticket('PRV-20261201-0001', TOKEN),
        ticket('PRV-20261201-0002', 'C'.repeat(43), { status: 'rejected', rejectionReason: 'x' }),
      ],
    });
    service = new TicketVerificationService({ store: new LowdbRequestStore(db), now: () => new Date(at) });
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
});

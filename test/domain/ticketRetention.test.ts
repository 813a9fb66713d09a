import { expect } from 'chai';
import { emptyDatabase } from '../../bot/store/lowdb/jsonDocument.ts';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { verifyAuditChain } from '../../domain/audit.ts';
import type { TicketRecord } from '../../domain/records.ts';
import { TicketRetention } from '../../domain/ticketRetention.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const DAY = 24 * 3_600_000;
const NOW = Date.parse('2028-12-01T00:00:00Z');

const ticket = (id: string, fields: Partial<TicketRecord>): TicketRecord => ({
  id,
  createdAt: '2026-11-01T03:00:00.000Z',
  dueAt: '2026-11-04T03:00:00.000Z',
  kind: 'deletion',
  lang: 'id',
  name: 'Budi Santoso',
  email: 'budi@example.com',
  account: 'budi.example',
  question: 'hapus data saya, telepon [number]',
  transcript: ['Pelanggan: halo'],
  conversationId: 'conv-1',
  requestKey: 'k1',
  notes: [{ at: '2026-11-02T00:00:00.000Z', staffId: 's1', text: 'KTP dicek: Budi Santoso' }],
  replies: [{ at: '2026-11-03T00:00:00.000Z', staffId: 's1', text: 'Halo Budi', outboxId: 'o1', messageId: '<r@x.y>' }],
  verification: {
    tokenHash: 'a'.repeat(64),
    expiresAt: '2026-11-08T03:00:00.000Z',
    verifiedAt: '2026-11-01T04:00:00.000Z',
  },
  ...fields,
});

describe('domain/ticketRetention: closed tickets lose their personal data after the retention period', () => {
  it('anonymises resolved and rejected tickets closed before it, keeps the facts, audits each', async () => {
    const closedLongAgo = new Date(NOW - 731 * DAY).toISOString();
    const closedRecently = new Date(NOW - 729 * DAY).toISOString();
    const db = new MemoryDb({
      ...emptyDatabase(),
      tickets: [
        ticket('PRV-1', { status: 'resolved', statusChangedAt: closedLongAgo }),
        ticket('PRV-2', { status: 'rejected', statusChangedAt: closedLongAgo, rejectionReason: 'Pasal 15' }),
        ticket('PRV-3', { status: 'resolved', statusChangedAt: closedRecently }),
        ticket('PRV-4', { status: 'in-progress', statusChangedAt: closedLongAgo }),
      ],
    });
    const retention = new TicketRetention({
      store: new LowdbRequestStore(db),
      now: () => new Date(NOW),
      retentionDays: 730,
    });
    expect(await retention.run()).to.equal(2);
    expect(await retention.run()).to.equal(0);
    const [one, two, three, four] = db.snapshot().tickets;
    const text = JSON.stringify([one, two]);
    for (const personal of ['Budi', 'budi@example.com', 'budi.example', 'hapus data', 'halo', 'KTP', 'conv-1', 'k1'])
      expect(text, personal).not.to.contain(personal);
    expect(one).to.deep.include({
      id: 'PRV-1',
      kind: 'deletion',
      status: 'resolved',
      createdAt: '2026-11-01T03:00:00.000Z',
      dueAt: '2026-11-04T03:00:00.000Z',
      anonymisedAt: new Date(NOW).toISOString(),
    });
    expect(one?.verification).to.deep.equal({
      expiresAt: '2026-11-08T03:00:00.000Z',
      verifiedAt: '2026-11-01T04:00:00.000Z',
    });
    expect(one?.replies?.[0]).to.deep.include({ staffId: 's1', outboxId: 'o1', text: '' });
    expect(two?.rejectionReason).to.equal('Pasal 15');
    expect(three?.name).to.equal('Budi Santoso');
    expect(four?.name).to.equal('Budi Santoso');
    const audit = db.snapshot().audit;
    expect(audit.map((e) => [e.actor, e.action, e.target])).to.deep.equal([
      ['system', 'ticket.anonymised', 'PRV-1'],
      ['system', 'ticket.anonymised', 'PRV-2'],
    ]);
    expect(verifyAuditChain(audit).ok).to.equal(true);
  });
});

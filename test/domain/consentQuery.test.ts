import { expect } from 'chai';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { AuditTrail } from '../../domain/audit.ts';
import { ConsentQueryService } from '../../domain/consentQuery.ts';
import type { ConsentRecord, ConsentTextRecord } from '../../domain/records.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const NOW = new Date('2026-12-02T03:00:00.000Z');
const TEXT: ConsentTextRecord = {
  hash: 'f'.repeat(64),
  lang: 'id',
  text: 'Dengan memilih…',
  firstUsedAt: '2026-11-20',
};

const consent = (id: string, fields: Partial<ConsentRecord>): ConsentRecord => ({
  id,
  createdAt: '2026-11-30T01:00:00.000Z',
  expiresAt: '2026-12-07T01:00:00.000Z',
  tokenHash: id,
  lang: 'id',
  childName: 'Sari Dewi',
  childEmail: 'adi@example.com',
  childAge: 15,
  parentName: 'Budi',
  parentEmail: 'budi@example.com',
  conversationId: 'c1',
  ...fields,
});

describe('domain/consentQuery', () => {
  let store: LowdbRequestStore;
  let query: ConsentQueryService;

  beforeEach(async () => {
    store = new LowdbRequestStore(new MemoryDb());
    query = new ConsentQueryService({ store, now: () => NOW });
    await store.transaction(async (tx) => {
      await tx.consentTexts.keep(TEXT);
      await tx.consents.add(
        consent('CNS-20261120-0001', {
          expiresAt: '2026-11-27T01:00:00.000Z',
          decision: 'approved',
          decidedAt: '2026-11-21T01:00:00.000Z',
          decisionUserAgent: 'Mozilla/5.0',
          textHash: TEXT.hash,
        }),
      );
      await tx.consents.add(consent('CNS-20261121-0002', { expiresAt: '2026-11-28T01:00:00.000Z' }));
      await tx.consents.add(
        consent('CNS-20261130-0003', { childEmail: 'Rina@Sekolah.example', parentEmail: 'ibu.rina@example.org' }),
      );
      await tx.consents.add(
        consent('CNS-20261201-0004', { decision: 'declined', decidedAt: '2026-12-01T05:00:00.000Z' }),
      );
    });
  });

  const ids = (records: readonly ConsentRecord[]) => records.map((c) => c.id);

  it('lists every request newest first', async () => {
    expect(ids(await query.list())).to.deep.equal([
      'CNS-20261201-0004',
      'CNS-20261130-0003',
      'CNS-20261121-0002',
      'CNS-20261120-0001',
    ]);
  });

  it('filters by status as of now (an undecided request past its expiry is expired)', async () => {
    expect(ids(await query.list({ status: 'approved' }))).to.deep.equal(['CNS-20261120-0001']);
    expect(ids(await query.list({ status: 'declined' }))).to.deep.equal(['CNS-20261201-0004']);
    expect(ids(await query.list({ status: 'expired' }))).to.deep.equal(['CNS-20261121-0002']);
    expect(ids(await query.list({ status: 'pending' }))).to.deep.equal(['CNS-20261130-0003']);
  });

  it("matches a part of the id, the parent's or the child's address, in any case, with the status", async () => {
    expect(ids(await query.list({ text: 'cns-20261121' }))).to.deep.equal(['CNS-20261121-0002']);
    expect(ids(await query.list({ text: 'IBU.RINA' }))).to.deep.equal(['CNS-20261130-0003']);
    expect(ids(await query.list({ text: 'rina@sekolah' }))).to.deep.equal(['CNS-20261130-0003']);
    expect(ids(await query.list({ text: 'budi@', status: 'declined' }))).to.deep.equal(['CNS-20261201-0004']);
    expect(await query.list({ text: 'Sari' }), 'names are not searched').to.deep.equal([]);
  });

  it('proof: the request with the text it refers to, audited as consent.viewed', async () => {
    const proof = await query.proof('CNS-20261120-0001', 'staff:st-1');
    expect(proof?.consent).to.include({ id: 'CNS-20261120-0001', decisionUserAgent: 'Mozilla/5.0' });
    expect(proof?.text).to.deep.equal(TEXT);
    const trail = new AuditTrail(store, () => NOW);
    expect((await trail.query()).map((e) => [e.actor, e.action, e.target, e.at])).to.deep.equal([
      ['staff:st-1', 'consent.viewed', 'CNS-20261120-0001', NOW.toISOString()],
    ]);
    expect(await trail.verify()).to.deep.equal({ ok: true, entries: 1 });
  });

  it('proof: no text for a request recorded before texts were kept; undefined and nothing audited for no request', async () => {
    const proof = await query.proof('CNS-20261121-0002', 'staff:st-1');
    expect(proof).to.have.property('consent');
    expect(proof).to.not.have.property('text');
    expect(await query.proof('CNS-20261121-9999', 'staff:st-1')).to.equal(undefined);
    expect((await store.transaction((tx) => tx.audit.list())).map((e) => e.target)).to.deep.equal([
      'CNS-20261121-0002',
    ]);
  });
});

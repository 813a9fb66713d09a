import { expect } from 'chai';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { AUDIT_GENESIS, AuditTrail, verifyAuditChain } from '../../domain/audit.ts';
import type { AuditEntry } from '../../domain/records.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const NOW = new Date('2026-12-02T03:00:00.000Z');

describe('domain/audit: the hash-chained trail', () => {
  let trail: AuditTrail;
  let entries: () => Promise<readonly AuditEntry[]>;

  beforeEach(async () => {
    const store = new LowdbRequestStore(new MemoryDb());
    trail = new AuditTrail(store, () => NOW);
    entries = () => store.transaction((tx) => tx.audit.list());
    await trail.record({ actor: 'customer', action: 'ticket.recorded', target: 'PRV-20261202-0001' });
    await trail.record({
      actor: 'staff:s1',
      action: 'ticket.status',
      target: 'PRV-20261202-0001',
      details: { to: 'in-progress', from: 'new' },
    });
    await trail.record({ actor: 'staff:s1', action: 'export', details: { file: 'tickets.csv' } });
  });

  it('numbers entries and chains each to the one before, from the genesis hash', async () => {
    const list = await entries();
    expect(list.map((e) => e.seq)).to.deep.equal([1, 2, 3]);
    expect(list[0]?.prevHash).to.equal(AUDIT_GENESIS);
    expect(list[1]?.prevHash).to.equal(list[0]?.hash);
    expect(list[2]?.prevHash).to.equal(list[1]?.hash);
    expect(await trail.verify()).to.deep.equal({ ok: true, entries: 3 });
  });

  it('detects an edited entry and names it', async () => {
    const list = [...(await entries())];
    const second = list[1];
    if (!second) throw new Error('no entry');
    list[1] = { ...second, details: { from: 'new', to: 'resolved' } };
    expect(verifyAuditChain(list)).to.include({ ok: false, seq: 2 });
  });

  it('detects a removed entry, a reordered pair and an entry re-hashed after editing', async () => {
    const list = await entries();
    const [a, b, c] = list;
    if (!a || !b || !c) throw new Error('no entries');
    expect(verifyAuditChain([a, c])).to.include({ ok: false, seq: 3 });
    expect(verifyAuditChain([b, a, c])).to.include({ ok: false, seq: 2 });
    // Someone who recomputes the edited entry's own hash still breaks the link to the next one.
    const { hash: _old, ...rest } = b;
    const forged = { ...rest, actor: 'staff:s2' };
    const { auditHash } = await import('../../domain/audit.ts');
    expect(verifyAuditChain([a, { ...forged, hash: auditHash(forged) }, c])).to.include({ ok: false, seq: 3 });
  });

  it('queries newest first, by target and action prefix', async () => {
    const hits = await trail.query({ target: 'PRV-20261202-0001' });
    expect(hits.map((e) => e.action)).to.deep.equal(['ticket.status', 'ticket.recorded']);
    expect((await trail.query({ action: 'export' })).length).to.equal(1);
  });
});

import { expect } from 'chai';
import { consentStatus } from '../../domain/consentStatus.ts';
import type { ConsentRecord } from '../../domain/records.ts';

const consent: ConsentRecord = {
  id: 'CNS-20261120-0001',
  createdAt: '2026-11-20T01:00:00.000Z',
  expiresAt: '2026-11-27T01:00:00.000Z',
  tokenHash: 'a'.repeat(64),
  lang: 'id',
  childName: 'Adi',
  childEmail: 'adi@example.com',
  childAge: 15,
  parentName: 'Budi',
  parentEmail: 'budi@example.com',
  conversationId: 'c1',
};

describe('domain/consentStatus', () => {
  const before = new Date('2026-11-27T00:59:59.999Z');
  const expiry = new Date('2026-11-27T01:00:00.000Z');

  it('pending until it expires, expired from the expiry on', () => {
    expect(consentStatus(consent, before)).to.equal('pending');
    expect(consentStatus(consent, expiry)).to.equal('expired');
  });

  it('a decision stands after the expiry', () => {
    const decided = { ...consent, decidedAt: '2026-11-21T01:00:00.000Z' };
    expect(consentStatus({ ...decided, decision: 'approved' }, expiry)).to.equal('approved');
    expect(consentStatus({ ...decided, decision: 'declined' }, before)).to.equal('declined');
  });
});

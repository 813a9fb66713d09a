import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { InvalidAddressError } from '../../domain/address.ts';
import { CONSENT_VALIDITY_MS, type ConsentRequestInput, ConsentService, hashToken } from '../../domain/consent.ts';
import { consentText } from '../../domain/consentText.ts';
import { MailQuota } from '../../domain/mailQuota.ts';
import type { MailDelivery } from '../../domain/ports.ts';
import { RequestRecorder } from '../../domain/requestMail.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const START = new Date('2026-11-27T03:00:00.000Z');
const SUPPORT = 'support@wowrack.co.id';
const DAY_MS = 24 * 3_600_000;

class FakeDelivery implements MailDelivery {
  wakes = 0;
  readonly waited: string[][] = [];
  wake(): void {
    this.wakes += 1;
  }
  async waitForDelivery(ids: readonly string[]): Promise<boolean> {
    this.waited.push([...ids]);
    return true;
  }
}

const input: ConsentRequestInput = {
  childName: 'Adi',
  childEmail: 'adi@example.com',
  childAge: 15,
  parentName: 'Budi',
  parentEmail: 'budi@example.com',
  lang: 'id',
  conversationId: 'c1',
};

describe('domain/consent', () => {
  let db: MemoryDb;
  let delivery: FakeDelivery;
  let now: Date;
  let consents: ConsentService;

  beforeEach(() => {
    db = new MemoryDb();
    delivery = new FakeDelivery();
    now = START;
    const store = new LowdbRequestStore(db);
    const clock = () => new Date(now);
    const quota = new MailQuota([SUPPORT]);
    const requests = new RequestRecorder({
      store,
      delivery,
      quota,
      now: clock,
      deliveryWaitMs: 100,
    });
    consents = new ConsentService({
      store,
      requests,
      delivery,
      quota,
      supportEmail: SUPPORT,
      publicUrl: 'https://chat.example.com/',
      now: clock,
    });
  });

  /** Requests consent and returns the token from the link mailed to the parent. */
  async function requestToken(): Promise<string> {
    const outcome = await consents.request(input);
    expect(outcome.status).to.equal('recorded');
    const mail = db.snapshot().outbox.find((m) => m.purpose === 'consent-request');
    const token = mail?.text.match(/https:\/\/chat\.example\.com\/consent\/([A-Za-z0-9_-]+)/)?.[1];
    if (!token) expect.fail('no consent link in the mail');
    return token;
  }

  const stored = () => db.snapshot().consents;

  describe('request', () => {
    it('stores only the sha256 of a 256-bit token, valid 7 days', async () => {
      const token = await requestToken();
      expect(Buffer.from(token, 'base64url')).to.have.length(32);
      const [consent] = stored();
      expect(consent?.tokenHash).to.equal(createHash('sha256').update(token).digest('hex'));
      expect(JSON.stringify(stored())).to.not.include(token);
      expect(consent?.expiresAt).to.equal(new Date(START.getTime() + 7 * DAY_MS).toISOString());
      expect(consent?.id).to.match(/^CNS-20261127-\d{4}$/);
    });

    it('mails the parent a link that is scrubbed once sent', async () => {
      await requestToken();
      const outbox = db.snapshot().outbox;
      expect(outbox.map((m) => [m.to, m.scrubAfterSend])).to.deep.equal([['budi@example.com', true]]);
    });

    it('gives every request its own token', async () => {
      const first = await requestToken();
      await consents.request({ ...input, parentEmail: 'ani@example.com' });
      const hashes = stored().map((c) => c.tokenHash);
      expect(new Set(hashes).size).to.equal(2);
      expect(db.snapshot().outbox[1]?.text).to.not.include(first);
    });

    it("refuses the child's own address as the parent's, storing nothing", async () => {
      let error: unknown;
      await consents.request({ ...input, parentEmail: 'ADI@example.com' }).catch((e: unknown) => {
        error = e;
      });
      expect(error).to.be.instanceOf(InvalidAddressError);
      expect(db.snapshot().consents).to.deep.equal([]);
      expect(db.snapshot().outbox).to.deep.equal([]);
    });
  });

  describe('proof of consent (Pasal 24)', () => {
    it('refers each request to the text its parent is shown, stored once per version and language', async () => {
      await requestToken();
      now = new Date(START.getTime() + DAY_MS);
      await consents.request({ ...input, parentEmail: 'ani@example.com', conversationId: 'c2' });
      await consents.request({ ...input, parentEmail: 'sri@example.com', conversationId: 'c3', lang: 'en' });
      const { consentTexts } = db.snapshot();
      expect(consentTexts).to.deep.equal([
        { ...consentText('id'), lang: 'id', firstUsedAt: START.toISOString() },
        { ...consentText('en'), lang: 'en', firstUsedAt: now.toISOString() },
      ]);
      expect(stored().map((c) => c.textHash)).to.deep.equal([
        consentText('id').hash,
        consentText('id').hash,
        consentText('en').hash,
      ]);
    });

    it('keeps the text in the unit of work of the request: a failed write keeps neither', async () => {
      db.failNextUpdates(1);
      let error: unknown;
      await consents.request(input).catch((e: unknown) => {
        error = e;
      });
      expect(String(error)).to.include('ENOSPC');
      expect(db.snapshot().consentTexts).to.deep.equal([]);
      expect(stored()).to.deep.equal([]);
      await requestToken();
      expect(db.snapshot().consentTexts).to.have.length(1);
    });

    it('an open request shows the version it was requested with, even after the wording changed', async () => {
      const token = await requestToken();
      const found = await consents.lookup(token);
      expect(found.status === 'open' && found.text).to.equal(consentText('id').text);
      // A request made under an earlier wording (stored under its own hash).
      const old = { hash: 'e'.repeat(64), lang: 'id' as const, text: 'Versi lama.', firstUsedAt: '2026-01-01' };
      const oldToken = 'C'.repeat(43);
      const store = new LowdbRequestStore(db);
      await store.transaction(async (tx) => {
        const [current] = await tx.consents.list();
        if (!current) throw new Error('no consent');
        await tx.consentTexts.keep(old);
        await tx.consents.add({
          ...current,
          id: 'CNS-20261127-0002',
          tokenHash: hashToken(oldToken),
          textHash: old.hash,
        });
      });
      const earlier = await consents.lookup(oldToken);
      expect(earlier.status === 'open' && earlier.text).to.equal('Versi lama.');
    });

    it("keeps the deciding browser's User-Agent with the decision, and audits request and decision", async () => {
      const token = await requestToken();
      const result = await consents.decide(token, 'approved', 'Mozilla/5.0 (Android 14)');
      expect(result.status === 'recorded' && result.consent.decisionUserAgent).to.equal('Mozilla/5.0 (Android 14)');
      expect(stored()[0]).to.include({ decision: 'approved', decisionUserAgent: 'Mozilla/5.0 (Android 14)' });
      const id = stored()[0]?.id;
      expect(db.snapshot().audit.map((e) => [e.actor, e.action, e.target, e.details])).to.deep.equal([
        ['customer', 'consent.requested', id, undefined],
        ['parent', 'consent.decided', id, { decision: 'approved' }],
      ]);
    });

    it('keeps no User-Agent when there is none', async () => {
      const token = await requestToken();
      await consents.decide(token, 'declined');
      expect(stored()[0]).to.not.have.property('decisionUserAgent');
    });
  });

  describe('lookup', () => {
    it('unknown: a malformed token or one never issued', async () => {
      await requestToken();
      expect(await consents.lookup('short')).to.deep.equal({ status: 'unknown' });
      expect(await consents.lookup('A'.repeat(43))).to.deep.equal({ status: 'unknown' });
    });

    it('open until it expires, then expired', async () => {
      const token = await requestToken();
      expect((await consents.lookup(token)).status).to.equal('open');
      now = new Date(START.getTime() + CONSENT_VALIDITY_MS - 1);
      expect((await consents.lookup(token)).status).to.equal('open');
      now = new Date(START.getTime() + CONSENT_VALIDITY_MS);
      expect((await consents.lookup(token)).status).to.equal('expired');
    });

    it('decided once decided', async () => {
      const token = await requestToken();
      await consents.decide(token, 'approved');
      const found = await consents.lookup(token);
      expect(found.status).to.equal('decided');
      expect(found.status === 'decided' && found.consent.decision).to.equal('approved');
    });
  });

  describe('decide', () => {
    it('records the decision and mails support and the child', async () => {
      const token = await requestToken();
      now = new Date(START.getTime() + DAY_MS);
      const result = await consents.decide(token, 'declined');
      expect(result.status).to.equal('recorded');
      expect(stored()[0]).to.include({ decision: 'declined', decidedAt: now.toISOString() });
      const decisionMails = db.snapshot().outbox.slice(1);
      expect(decisionMails.map((m) => [m.purpose, m.to])).to.deep.equal([
        ['consent-decision-support', SUPPORT],
        ['consent-decision-customer', 'adi@example.com'],
      ]);
      expect(delivery.wakes).to.equal(1);
    });

    it("the caps cover the decision's copy to the customer; never the decision or support's mail", async () => {
      const tokens: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const outcome = await consents.request({ ...input, conversationId: `c${i}`, parentEmail: `p${i}@example.com` });
        expect(outcome.status).to.equal('recorded');
        const mail = db.snapshot().outbox.filter((m) => m.purpose === 'consent-request')[i];
        tokens.push(mail?.text.match(/\/consent\/([A-Za-z0-9_-]+)/)?.[1] ?? '');
      }
      for (const token of tokens) expect((await consents.decide(token, 'approved')).status).to.equal('recorded');
      const purposes = db.snapshot().outbox.map((m) => m.purpose);
      expect(purposes.filter((p) => p === 'consent-decision-support')).to.have.length(4);
      expect(purposes.filter((p) => p === 'consent-decision-customer')).to.have.length(3, 'three to one mailbox');
      expect(stored().every((c) => c.decision === 'approved')).to.equal(true);
    });

    it('decides once: a second decide says decided and sends nothing more', async () => {
      const token = await requestToken();
      await consents.decide(token, 'approved');
      const before = db.snapshot();
      const second = await consents.decide(token, 'declined');
      expect(second.status).to.equal('decided');
      expect(second.status === 'decided' && second.consent.decision).to.equal('approved');
      expect(db.snapshot()).to.deep.equal(before);
      expect(delivery.wakes).to.equal(1);
    });

    it('an expired request cannot be decided', async () => {
      const token = await requestToken();
      now = new Date(START.getTime() + CONSENT_VALIDITY_MS + 1);
      expect((await consents.decide(token, 'approved')).status).to.equal('expired');
      expect(stored()[0]).to.not.have.property('decision');
      expect(db.snapshot().outbox).to.have.length(1);
      expect(delivery.wakes).to.equal(0);
    });

    it('an unknown token decides nothing', async () => {
      await requestToken();
      expect(await consents.decide('B'.repeat(43), 'approved')).to.deep.equal({ status: 'unknown' });
      expect(stored()[0]).to.not.have.property('decision');
    });

    it('two concurrent decides record one decision', async () => {
      const token = await requestToken();
      const results = await Promise.all([consents.decide(token, 'approved'), consents.decide(token, 'declined')]);
      expect(results.map((r) => r.status).sort()).to.deep.equal(['decided', 'recorded']);
      const winner = results.find((r) => r.status === 'recorded');
      expect(stored()[0]?.decision).to.equal(winner?.status === 'recorded' ? winner.consent.decision : 'none');
      expect(db.snapshot().outbox.filter((m) => m.purpose.startsWith('consent-decision'))).to.have.length(2);
      expect(delivery.wakes).to.equal(1);
    });

    it('a failed write keeps the request open and wakes no delivery', async () => {
      const token = await requestToken();
      db.failNextUpdates(1);
      let error: unknown;
      await consents.decide(token, 'approved').catch((e: unknown) => {
        error = e;
      });
      expect(String(error)).to.include('ENOSPC');
      expect((await consents.lookup(token)).status).to.equal('open');
      expect(delivery.wakes).to.equal(0);
    });
  });
});

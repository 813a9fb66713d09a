import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { AuditTrail } from '../../domain/audit.ts';
import type { UnsubscribeRecord } from '../../domain/records.ts';
import {
  mailboxTarget,
  SUPPRESSION_NOTE_MAX,
  SuppressionListService,
  SuppressionNoteError,
} from '../../domain/suppressionList.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const NOW = new Date('2026-12-02T03:00:00.000Z');

const entry = (email: string, createdAt: string): UnsubscribeRecord => ({
  email,
  createdAt,
  source: 'chat',
  conversationId: 'c1',
});

describe('domain/suppressionList', () => {
  let store: LowdbRequestStore;
  let list: SuppressionListService;

  beforeEach(async () => {
    store = new LowdbRequestStore(new MemoryDb());
    list = new SuppressionListService({ store, now: () => NOW });
    await store.transaction(async (tx) => {
      await tx.unsubscribes.add(entry('budi@example.com', '2026-11-01T00:00:00.000Z'));
      await tx.unsubscribes.add(entry('ani@corp.example', '2026-11-02T00:00:00.000Z'));
      // Recorded before the list keyed on mailboxes: the whole address, tag and all.
      await tx.unsubscribes.add(entry('sri+promo@example.com', '2026-11-03T00:00:00.000Z'));
    });
  });

  const addresses = (records: readonly UnsubscribeRecord[]) => records.map((r) => r.email);
  const audit = () => store.transaction((tx) => tx.audit.list());

  describe('search', () => {
    it('lists every entry newest first without a text', async () => {
      expect(addresses(await list.search())).to.deep.equal([
        'sri+promo@example.com',
        'ani@corp.example',
        'budi@example.com',
      ]);
      expect(addresses(await list.search('  '))).to.have.length(3);
    });

    it('matches a part of the address in any case', async () => {
      expect(addresses(await list.search('EXAMPLE.COM'))).to.deep.equal(['sri+promo@example.com', 'budi@example.com']);
      expect(addresses(await list.search('corp'))).to.deep.equal(['ani@corp.example']);
      expect(await list.search('nobody')).to.deep.equal([]);
    });
  });

  describe('remove', () => {
    it('takes the mailbox off the list and audits it without the address', async () => {
      expect(
        await list.remove('Budi@Example.com', 'Opted in again by phone, ticket PRV-20261202-0001', 'staff:st-1'),
      ).to.equal(true);
      expect(addresses(await list.search())).to.deep.equal(['sri+promo@example.com', 'ani@corp.example']);
      const [removal] = await audit();
      const target = createHash('sha256').update('budi@example.com').digest('hex').slice(0, 16);
      expect(removal).to.include({ actor: 'staff:st-1', action: 'unsubscribe.removed', target, at: NOW.toISOString() });
      expect(mailboxTarget('budi@example.com')).to.equal(target);
      expect(removal?.details).to.deep.equal({ note: 'Opted in again by phone, ticket PRV-20261202-0001' });
      expect(JSON.stringify(await audit())).to.not.include('budi@');
      expect(await new AuditTrail(store, () => NOW).verify()).to.deep.equal({ ok: true, entries: 1 });
    });

    it('finds a variant of the mailbox, and an entry keyed on the whole address', async () => {
      expect(await list.remove('b.udi@example.com', 'signed up again', 'staff:st-1')).to.equal(false);
      expect(await list.remove('budi+news@example.com', 'signed up again', 'staff:st-1')).to.equal(true);
      expect(await list.remove('SRI+promo@example.com', 'signed up again', 'staff:st-1')).to.equal(true);
      expect(addresses(await list.search())).to.deep.equal(['ani@corp.example']);
      expect((await audit()).map((e) => e.target)).to.deep.equal([
        mailboxTarget('budi@example.com'),
        mailboxTarget('sri@example.com'),
      ]);
    });

    it('masks an address written in the note', async () => {
      await list.remove('ani@corp.example', 'asked from ani@corp.example by mail', 'staff:st-1');
      const [removal] = await audit();
      expect(removal?.details).to.deep.equal({ note: 'asked from a***@corp.example by mail' });
    });

    it('is false, audits nothing and changes nothing for an address not listed or not an address', async () => {
      expect(await list.remove('someone@example.com', 'opted in', 'staff:st-1')).to.equal(false);
      expect(await list.remove('not an address', 'opted in', 'staff:st-1')).to.equal(false);
      expect(await audit()).to.deep.equal([]);
      expect(await list.search()).to.have.length(3);
    });

    it('needs a note of 1–500 characters: refuses none, blank or too long, removing nothing', async () => {
      for (const note of ['', '   \n', 'x'.repeat(SUPPRESSION_NOTE_MAX + 1)]) {
        let error: unknown;
        await list.remove('budi@example.com', note, 'staff:st-1').catch((e: unknown) => {
          error = e;
        });
        expect(error, JSON.stringify(note.slice(0, 5))).to.be.instanceOf(SuppressionNoteError);
      }
      expect(await list.search()).to.have.length(3);
      expect(await audit()).to.deep.equal([]);
      expect(await list.remove('budi@example.com', 'x'.repeat(SUPPRESSION_NOTE_MAX), 'staff:st-1')).to.equal(true);
    });
  });
});

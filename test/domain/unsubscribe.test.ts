import { expect } from 'chai';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { InvalidAddressError } from '../../domain/address.ts';
import { MailQuota } from '../../domain/mailQuota.ts';
import type { MailDelivery } from '../../domain/ports.ts';
import { RequestRecorder } from '../../domain/requestMail.ts';
import { UnsubscribeService } from '../../domain/unsubscribe.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const NOW = new Date('2026-11-27T03:00:00.000Z');
const SUPPORT = 'support@wowrack.co.id';
const MARKETING = 'marketing@wowrack.co.id';

class FakeDelivery implements MailDelivery {
  readonly waited: string[][] = [];
  wake(): void {}
  async waitForDelivery(ids: readonly string[]): Promise<boolean> {
    this.waited.push([...ids]);
    return true;
  }
}

describe('domain/unsubscribe', () => {
  let db: MemoryDb;
  let delivery: FakeDelivery;
  let service: UnsubscribeService;

  beforeEach(() => {
    db = new MemoryDb();
    delivery = new FakeDelivery();
    const store = new LowdbRequestStore(db);
    const requests = new RequestRecorder({
      store,
      delivery,
      quota: new MailQuota([SUPPORT, MARKETING]),
      now: () => new Date(NOW),
      deliveryWaitMs: 100,
    });
    service = new UnsubscribeService({ store, requests, marketingEmail: MARKETING, supportEmail: SUPPORT });
  });

  const unsubscribe = (email: string, lang: 'id' | 'en' = 'id') =>
    service.unsubscribe({ email, lang, conversationId: 'c1' });

  it('records the lower-cased address and sends REMOVE to marketing and a confirmation', async () => {
    const outcome = await unsubscribe(' Budi@Example.com ');
    expect(outcome.status).to.equal('recorded');
    const data = db.snapshot();
    expect(data.unsubscribes).to.deep.equal([
      { email: 'budi@example.com', createdAt: NOW.toISOString(), source: 'chat', conversationId: 'c1' },
    ]);
    expect(data.outbox.map((m) => [m.purpose, m.to, m.replyTo, m.subject])).to.deep.equal([
      ['unsubscribe-remove', MARKETING, 'budi@example.com', 'REMOVE'],
      [
        'unsubscribe-confirmation',
        'budi@example.com',
        undefined,
        'Konfirmasi: berhenti berlangganan e-mail promosi Wowrack Indonesia',
      ],
    ]);
    expect(data.outbox[1]?.text).to.include(SUPPORT);
    expect(delivery.waited).to.deep.equal([data.outbox.map((m) => m.id)]);
  });

  it('confirms in English for an English conversation', async () => {
    await unsubscribe('budi@example.com', 'en');
    const confirmation = db.snapshot().outbox.find((m) => m.purpose === 'unsubscribe-confirmation');
    expect(confirmation?.subject).to.equal('Confirmation: unsubscribed from Wowrack Indonesia promotional e-mail');
  });

  it('an address already on the list is existing: no second record, no second mails', async () => {
    await unsubscribe('budi@example.com');
    const before = db.snapshot();
    const again = await unsubscribe('BUDI@example.COM');
    expect(again).to.deep.equal({ status: 'existing', record: before.unsubscribes[0] });
    expect(db.snapshot()).to.deep.equal(before);
    expect(delivery.waited).to.have.length(1);
  });

  it('find() looks the address up by its key', async () => {
    expect(await service.find('budi@example.com')).to.equal(undefined);
    await unsubscribe('budi@example.com');
    expect((await service.find('Budi@EXAMPLE.com'))?.email).to.equal('budi@example.com');
    expect(await service.find('not an address')).to.equal(undefined);
  });

  it('refuses an invalid address and stores nothing', async () => {
    let error: unknown;
    await unsubscribe('budi@example.com, ani@example.com').catch((e: unknown) => {
      error = e;
    });
    expect(error).to.be.instanceOf(InvalidAddressError);
    expect(db.snapshot().unsubscribes).to.deep.equal([]);
    expect(db.snapshot().outbox).to.deep.equal([]);
  });
});

import { expect } from 'chai';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { InvalidAddressError } from '../../domain/address.ts';
import { MailQuota } from '../../domain/mailQuota.ts';
import type { MailRequest } from '../../domain/outgoingMail.ts';
import type { MailDelivery, Transaction } from '../../domain/ports.ts';
import type { UnsubscribeRecord } from '../../domain/records.ts';
import { addMails, type Prepared, RequestRecorder, type RequestSpec } from '../../domain/requestMail.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const NOW = new Date('2026-11-27T03:00:00.000Z');

class FakeDelivery implements MailDelivery {
  wakes = 0;
  readonly waited: string[][] = [];
  constructor(public delivered = true) {}
  wake(): void {
    this.wakes += 1;
  }
  async waitForDelivery(ids: readonly string[]): Promise<boolean> {
    this.waited.push([...ids]);
    return this.delivered;
  }
}

const record = (email: string): UnsubscribeRecord => ({
  email,
  createdAt: NOW.toISOString(),
  source: 'chat',
  conversationId: 'c1',
});

const mail = (to: string, extra: Partial<MailRequest> = {}): MailRequest => ({
  to,
  subject: 'Hello',
  text: 'Body',
  purpose: 'test',
  conversationId: 'c1',
  ...extra,
});

/** A request that records an unsubscribe of `email` with a mail to it and one to support. */
function spec(email: string, override: Partial<RequestSpec<UnsubscribeRecord>> = {}): RequestSpec<UnsubscribeRecord> {
  const r = record(email);
  return {
    origin: { conversationId: 'c1' },
    recipients: [email],
    prepare: async (): Promise<Prepared<UnsubscribeRecord>> => ({
      record: r,
      save: (tx) => tx.unsubscribes.add(r),
      mails: [mail(email), mail('support@wowrack.co.id')],
    }),
    ...override,
  };
}

describe('domain/requestMail', () => {
  let db: MemoryDb;
  let delivery: FakeDelivery;
  let recorder: RequestRecorder;

  beforeEach(() => {
    db = new MemoryDb();
    delivery = new FakeDelivery();
    recorder = new RequestRecorder({
      store: new LowdbRequestStore(db),
      delivery,
      quota: new MailQuota(['support@wowrack.co.id'], {
        perConversation: 1,
        perRecipient: 1,
        perClient: 10,
        windowMs: 3_600_000,
      }),
      now: () => new Date(NOW),
      deliveryWaitMs: 1234,
    });
  });

  const nothingStored = () => {
    const data = db.snapshot();
    expect(data.unsubscribes).to.deep.equal([]);
    expect(data.outbox).to.deep.equal([]);
    expect(db.writes).to.equal(0);
    expect(delivery.waited).to.deep.equal([]);
  };

  describe('recorded', () => {
    it('stores the record and its mails in one write, then waits for exactly those mails', async () => {
      const outcome = await recorder.record(spec('budi@example.com'));
      expect(outcome).to.deep.equal({
        status: 'recorded',
        record: record('budi@example.com'),
        delivered: true,
        withheld: false,
      });
      const data = db.snapshot();
      expect(db.writes).to.equal(1);
      expect(data.unsubscribes).to.deep.equal([record('budi@example.com')]);
      expect(data.outbox.map((m) => [m.to, m.status, m.createdAt])).to.deep.equal([
        ['budi@example.com', 'pending', NOW.toISOString()],
        ['support@wowrack.co.id', 'pending', NOW.toISOString()],
      ]);
      expect(delivery.waited).to.deep.equal([data.outbox.map((m) => m.id)]);
    });

    it('reports a slow delivery as not delivered, the request still recorded', async () => {
      delivery.delivered = false;
      const outcome = await recorder.record(spec('budi@example.com'));
      expect(outcome.status === 'recorded' && outcome.delivered).to.equal(false);
      expect(outcome.status).to.equal('recorded');
      expect(db.snapshot().unsubscribes).to.have.length(1);
    });
  });

  it('existing: nothing stored or sent', async () => {
    const found = record('old@example.com');
    const outcome = await recorder.record(spec('budi@example.com', { prepare: async () => ({ existing: found }) }));
    expect(outcome).to.deep.equal({ status: 'existing', record: found });
    nothingStored();
  });

  it('limited: nothing stored or sent once a cap is reached', async () => {
    await recorder.record(spec('budi@example.com'));
    const before = db.snapshot();
    const outcome = await recorder.record(spec('ani@example.com'));
    expect(outcome).to.deep.equal({ status: 'limited' });
    expect(db.snapshot()).to.deep.equal(before);
    expect(delivery.waited).to.have.length(1);
  });

  describe('nothing at all is stored when', () => {
    it('prepare throws', async () => {
      const failing = spec('budi@example.com', {
        prepare: async (tx: Transaction) => {
          await tx.unsubscribes.add(record('budi@example.com'));
          throw new Error('boom');
        },
      });
      await expectRejection(recorder.record(failing), 'boom');
      nothingStored();
    });

    it('save throws after writing', async () => {
      const r = record('budi@example.com');
      const failing = spec('budi@example.com', {
        prepare: async () => ({
          record: r,
          mails: [mail('budi@example.com')],
          save: async (tx) => {
            await tx.unsubscribes.add(r);
            throw new Error('save failed');
          },
        }),
      });
      await expectRejection(recorder.record(failing), 'save failed');
      nothingStored();
    });

    it('one of the mails has an invalid address', async () => {
      const r = record('budi@example.com');
      const failing = spec('budi@example.com', {
        prepare: async () => ({
          record: r,
          save: (tx) => tx.unsubscribes.add(r),
          mails: [mail('budi@example.com'), mail('support@wowrack.co.id', { replyTo: 'x@y.com\r\nBcc: z@w.com' })],
        }),
      });
      const error = await expectRejection(recorder.record(failing));
      expect(error).to.be.instanceOf(InvalidAddressError);
      nothingStored();
    });

    it('the disk write fails', async () => {
      db.failNextUpdates(1);
      await expectRejection(recorder.record(spec('budi@example.com')), 'ENOSPC');
      nothingStored();
    });
  });

  it('addMails returns the ids of the records it added, in order', async () => {
    const store = new LowdbRequestStore(db);
    const ids = await store.transaction((tx) => addMails(tx, [mail('a@example.com'), mail('b@example.com')], NOW));
    expect(ids).to.deep.equal(db.snapshot().outbox.map((m) => m.id));
    expect(new Set(ids).size).to.equal(2);
  });
});

async function expectRejection(promise: Promise<unknown>, message?: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    if (message) expect(String(error)).to.include(message);
    return error;
  }
  expect.fail('expected a rejection');
}

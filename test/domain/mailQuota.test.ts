import { expect } from 'chai';
import { emptyDatabase } from '../../bot/store/lowdb/jsonDocument.ts';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { MailQuota, type QuotaLimits } from '../../domain/mailQuota.ts';
import { newOutboxRecord } from '../../domain/outgoingMail.ts';
import type { OutboxRecord } from '../../domain/records.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const NOW = new Date('2026-11-27T03:00:00.000Z');
const LIMITS: QuotaLimits = { perConversation: 3, perRecipient: 3, perClient: 10, windowMs: 60 * 60_000 };
const SUPPORT = 'support@wowrack.co.id';

/** A mail already in the outbox, queued `minutesAgo` before NOW. */
function sent(to: string, conversationId: string, minutesAgo = 10): OutboxRecord {
  const at = new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
  return newOutboxRecord({ to, subject: 's', text: 't', purpose: 'test', conversationId }, at);
}

/** Whether the quota lets `conversationId` mail `recipients` at `at`, with `outbox` already queued. */
async function allows(
  outbox: OutboxRecord[],
  conversationId: string | undefined,
  recipients: string[],
  at = NOW,
): Promise<boolean> {
  const store = new LowdbRequestStore(new MemoryDb({ ...emptyDatabase(), outbox }));
  const quota = new MailQuota(['Support@Wowrack.co.id', 'marketing@wowrack.co.id'], LIMITS);
  const origin = conversationId === undefined ? undefined : { conversationId };
  return store.transaction((tx) => quota.allows(tx, origin, recipients, at));
}

describe('domain/mailQuota', () => {
  it('allows a first mail', async () => {
    expect(await allows([], 'c1', ['budi@example.com'])).to.equal(true);
  });

  describe('per conversation', () => {
    const two = [sent('a@example.com', 'c1'), sent('b@example.com', 'c1')];

    it('allows up to the cap and refuses beyond it', async () => {
      expect(await allows(two, 'c1', ['c@example.com'])).to.equal(true);
      expect(await allows([...two, sent('c@example.com', 'c1')], 'c1', ['d@example.com'])).to.equal(false);
    });

    it('counts every outside recipient of the new request', async () => {
      expect(await allows(two, 'c1', ['c@example.com', 'd@example.com'])).to.equal(false);
      expect(await allows([], 'c1', ['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com'])).to.equal(false);
    });

    it("does not count other conversations' mails", async () => {
      const others = [sent('a@example.com', 'c2'), sent('b@example.com', 'c3'), sent('c@example.com', 'c4')];
      expect(await allows(others, 'c1', ['d@example.com'])).to.equal(true);
    });
  });

  describe('per recipient', () => {
    const three = [sent('budi@example.com', 'c1'), sent('budi@example.com', 'c2'), sent('budi@example.com', 'c3')];

    it('refuses a fourth mail to the same address from a new conversation', async () => {
      expect(await allows(three, 'c9', ['budi@example.com'])).to.equal(false);
    });

    it('still allows other addresses', async () => {
      expect(await allows(three, 'c9', ['ani@example.com'])).to.equal(true);
    });

    it('compares addresses case-insensitively', async () => {
      const mixed = [sent('Budi@Example.com', 'c1'), sent('BUDI@example.com', 'c2'), sent('budi@EXAMPLE.COM', 'c3')];
      expect(await allows(mixed, 'c9', ['bUdI@example.com'])).to.equal(false);
      const two = [sent('Budi@Example.com', 'c1'), sent('budi@example.com', 'c2')];
      expect(await allows(two, 'c9', ['budi@example.com'])).to.equal(true);
      expect(await allows(two, 'c9', ['budi@example.com', 'BUDI@example.com'])).to.equal(false);
    });
  });

  describe('window', () => {
    const full = [sent('a@example.com', 'c1', 30), sent('b@example.com', 'c1', 30), sent('c@example.com', 'c1', 30)];
    const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

    it('still counts mails just inside the hour', async () => {
      expect(await allows(full, 'c1', ['d@example.com'], later(29))).to.equal(false);
    });

    it('forgets mails older than the hour', async () => {
      expect(await allows(full, 'c1', ['d@example.com'], later(31))).to.equal(true);
    });
  });

  describe('internal addresses', () => {
    it('do not count towards the caps', async () => {
      const internal = [sent(SUPPORT, 'c1'), sent(SUPPORT, 'c1'), sent(SUPPORT, 'c1'), sent(SUPPORT, 'c1')];
      expect(await allows(internal, 'c1', ['budi@example.com'])).to.equal(true);
    });

    it('are never refused themselves (configured in any case)', async () => {
      const full = [sent('a@x.com', 'c1'), sent('b@x.com', 'c1'), sent('c@x.com', 'c1')];
      expect(await allows(full, 'c1', ['SUPPORT@wowrack.co.id', 'marketing@WOWRACK.co.id'])).to.equal(true);
      expect(await allows(full, 'c1', ['SUPPORT@wowrack.co.id', 'd@x.com'])).to.equal(false);
    });
  });

  it('without a conversation no earlier mails count per conversation', async () => {
    const full = [sent('a@x.com', 'c1'), sent('b@x.com', 'c1'), sent('c@x.com', 'c1')];
    expect(await allows(full, undefined, ['d@x.com'])).to.equal(true);
    expect(await allows(full, undefined, ['a@x.com', 'a@x.com', 'a@x.com'])).to.equal(false);
  });
});

describe('domain/mailQuota: per client and per mailbox', () => {
  const quota = new MailQuota(['support@wowrack.co.id'], LIMITS);
  const queued = (to: string, conversationId: string, clientKey?: string) =>
    newOutboxRecord(
      { to, subject: 's', text: 't', purpose: 'test', conversationId, ...(clientKey ? { clientKey } : {}) },
      new Date(NOW.getTime() - 60_000).toISOString(),
    );
  const check = (outbox: OutboxRecord[], origin: { conversationId: string; clientKey?: string }, to: string) =>
    new LowdbRequestStore(new MemoryDb({ ...emptyDatabase(), outbox })).transaction((tx) =>
      quota.allows(tx, origin, [to], NOW),
    );

  it('a client that caused perClient mails (ours included) is refused, whatever its conversation id', async () => {
    const outbox = Array.from({ length: LIMITS.perClient }, (_, i) =>
      queued(i % 2 ? 'support@wowrack.co.id' : `x${i}@example.com`, `conv-${i}`, 'client-a'),
    );
    expect(await check(outbox, { conversationId: 'fresh', clientKey: 'client-a' }, 'new@example.com')).to.equal(false);
    expect(await check(outbox, { conversationId: 'fresh', clientKey: 'client-b' }, 'new@example.com')).to.equal(true);
  });

  it('+tag and gmail dot variants are one mailbox for the per-recipient cap', async () => {
    const outbox = [
      queued('budi+1@gmail.com', 'c1'),
      queued('b.udi+2@gmail.com', 'c2'),
      queued('BUDI@googlemail.com', 'c3'),
    ];
    expect(await check(outbox, { conversationId: 'c4' }, 'bu.di+4@gmail.com')).to.equal(false);
    expect(await check(outbox, { conversationId: 'c4' }, 'siti@gmail.com')).to.equal(true);
  });
});

import { expect } from 'chai';
import { RetentionJob } from '../../../bot/jobs/retention.ts';
import { createLogger } from '../../../bot/log/logger.ts';
import { Outbox } from '../../../bot/mail/outbox.ts';
import type { Store } from '../../../bot/store/store.ts';
import { CapturingTransport } from '../../support/flowHarness.ts';
import { mail } from '../store/contract/records.ts';
import { lowdbSubject, postgresSubject, type StoreSubject } from '../store/contract/subject.ts';

const DAY = 24 * 3_600_000;

function retentionSuite(subject: StoreSubject): void {
  let clock: Date;
  const now = () => clock;
  const logger = createLogger('silent');

  const job = (store: Store) =>
    new RetentionJob({
      conversations: store.conversations,
      outbox: new Outbox({
        store: store.requests,
        queue: store.mailQueue,
        transport: new CapturingTransport(),
        logger,
        from: 'a@wowrack.co.id',
        now,
      }),
      store: store.requests,
      jobs: store.jobs,
      retentionDays: 30,
      now,
      logger,
    });

  async function seed(store: Store): Promise<void> {
    clock = new Date('2025-01-01T12:00:00.000Z');
    await store.conversations.write({ old: { n: 1 } });
    await store.requests.transaction(async (tx) => {
      await tx.outbox.add(mail('old-sent', { createdAt: clock.toISOString(), status: 'sent' }));
      await tx.outbox.add(mail('old-pending', { createdAt: clock.toISOString() }));
    });
    clock = new Date('2025-02-10T12:00:00.000Z');
    await store.conversations.write({ fresh: { n: 2 } });
  }

  it('forgets what is older than RETENTION_DAYS once a day, keeping pending mail and recent state', async () => {
    const store = await subject.open(now);
    await seed(store);
    expect(await job(store).runOnce()).to.equal('done');
    expect(Object.keys(await store.conversations.read(['old', 'fresh']))).to.deep.equal(['fresh']);
    const left = await store.requests.transaction(async (tx) => [
      await tx.outbox.get('old-sent'),
      await tx.outbox.get('old-pending'),
    ]);
    expect(left.map((m) => m?.id)).to.deep.equal([undefined, 'old-pending']);
    await store.conversations.write({ later: { n: 3 } });
    clock = new Date('2025-02-10T23:00:00.000Z');
    expect(await job(store).runOnce()).to.equal('already done today');
    clock = new Date(clock.getTime() + DAY);
    expect(await job(store).runOnce()).to.equal('done');
  });

  if (subject.shared)
    it('two instances starting together: one cleans up, the other finds it running or done', async () => {
      const one = await subject.open(now);
      const two = await subject.open(now);
      await seed(one);
      const outcomes = await Promise.all([job(one).runOnce(), job(two).runOnce()]);
      expect(outcomes.filter((o) => o === 'done')).to.have.length(1);
      expect(outcomes.filter((o) => o === 'running elsewhere' || o === 'already done today')).to.have.length(1);
    });
}

describe('jobs/RetentionJob', function () {
  this.timeout(30_000);
  describe('on lowdb', () => retentionSuite(lowdbSubject()));
  describe('on PostgreSQL', () => retentionSuite(postgresSubject()));
});

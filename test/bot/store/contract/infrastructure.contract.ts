/**
 * What several instances share besides the records, as every store must keep it: claims on due mail, rate counters,
 * the lock of the daily jobs, secrets. With a shared store, "another instance" is a second store on the same data.
 */
import { expect } from 'chai';
import type { Store } from '../../../../bot/store/store.ts';
import { signal } from '../../../support/signal.ts';
import { at, mail, T0 } from './records.ts';
import { restart, type StoreSubject } from './subject.ts';

export function infrastructureContract(subject: StoreSubject): void {
  describe('mail queue (claims)', () => {
    let store: Store;
    let clock: Date;
    const now = () => clock;
    const claim = (s: Store, skip: readonly string[] = [], leaseMinutes = 5) =>
      s.mailQueue.claimDue(clock, new Date(clock.getTime() + leaseMinutes * 60_000), new Set(skip));

    beforeEach(async () => {
      clock = new Date(at(10));
      store = await subject.open(now);
      await store.requests.transaction(async (tx) => {
        await tx.outbox.add(mail('late', { createdAt: at(3) }));
        await tx.outbox.add(mail('first', { createdAt: at(1) }));
        await tx.outbox.add(mail('second', { createdAt: at(2) }));
        await tx.outbox.add(mail('not-yet', { createdAt: at(0), nextAttemptAt: at(60) }));
        await tx.outbox.add(mail('sent', { createdAt: at(0), status: 'sent' }));
      });
    });

    it('hands out due pending mail oldest first, each once while claimed, skipping what it is told to', async () => {
      expect((await claim(store))?.id).to.equal('first');
      expect((await claim(store, ['second']))?.id).to.equal('late');
      expect((await claim(store))?.id).to.equal('second');
      expect(await claim(store)).to.equal(undefined);
    });

    it('hands a mail out again once its claim expired (its worker died mid-send)', async () => {
      expect((await claim(store, [], 1))?.id).to.equal('first');
      clock = new Date(clock.getTime() + 30_000);
      expect((await claim(store, ['second', 'late']))?.id).to.equal(undefined);
      clock = new Date(clock.getTime() + 31_000);
      expect((await claim(store, ['second', 'late']))?.id).to.equal('first');
    });

    it('writing the mail back ends its claim (a retry later is due again)', async () => {
      const first = await claim(store);
      if (!first) throw new Error('nothing claimed');
      await store.requests.transaction((tx) => tx.outbox.replace({ ...first, attempts: 1, nextAttemptAt: at(11) }));
      expect((await claim(store, ['second', 'late']))?.id).to.equal(undefined);
      clock = new Date(at(11));
      expect((await claim(store, ['second', 'late']))?.id).to.equal('first');
    });

    if (subject.shared)
      it('two instances claiming at once never get the same mail (40 mails, 2 × 4 workers)', async () => {
        const other = await subject.open(now);
        await store.requests.transaction(async (tx) => {
          for (let i = 0; i < 40; i += 1) await tx.outbox.add(mail(`bulk-${i}`, { createdAt: at(4) }));
        });
        const taken: string[] = [];
        const worker = async (s: Store) => {
          for (;;) {
            const record = await claim(s);
            if (!record) return;
            taken.push(record.id);
          }
        };
        await Promise.all([store, other, store, other, store, other, store, other].map(worker));
        expect(taken).to.have.length(43);
        expect(new Set(taken).size).to.equal(43);
      });
  });

  describe('rate counters', () => {
    let store: Store;
    let clock: number;
    const now = () => new Date(clock);

    beforeEach(async () => {
      clock = Date.parse(T0);
      store = await subject.open(now);
    });

    it('allow `limit` events per key and window, then say when to try again; a window that ended starts over', async () => {
      const take = (key: string) => store.counters.take(key, 3, 60_000);
      expect(await take('a')).to.deep.equal({ allowed: true, remaining: 2 });
      expect(await take('a')).to.deep.equal({ allowed: true, remaining: 1 });
      expect(await take('a')).to.deep.equal({ allowed: true, remaining: 0 });
      clock += 15_000;
      expect(await take('a')).to.deep.equal({ allowed: false, retryAfterSeconds: 45 });
      expect(await take('b')).to.deep.equal({ allowed: true, remaining: 2 });
      clock += 45_000;
      expect(await take('a')).to.deep.equal({ allowed: true, remaining: 2 });
    });

    it('keep limits of different lengths apart, and count concurrent events exactly', async () => {
      expect((await store.counters.take('vote:c1:share', 1, 86_400_000)).allowed).to.equal(true);
      expect((await store.counters.take('vote:c1:share', 1, 86_400_000)).allowed).to.equal(false);
      const results = await Promise.all(Array.from({ length: 30 }, () => store.counters.take('burst', 20, 60_000)));
      expect(results.filter((r) => r.allowed)).to.have.length(20);
    });

    if (subject.shared)
      it('count in one place for every instance', async () => {
        const other = await subject.open(now);
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) => (i % 2 ? store : other).counters.take('shared', 20, 60_000)),
        );
        expect(results.filter((r) => r.allowed)).to.have.length(20);
      });
  });

  describe('sign-in throttle', () => {
    let at: number;
    let store: Store;
    const keys = ['account:a@example.test', 'client:c1'];
    const policy = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000 };
    const now = () => new Date(at);

    beforeEach(async () => {
      at = Date.parse('2026-12-02T03:00:00Z');
      store = await subject.open(now);
    });

    it('lets the first failures through, then doubles the wait after each further one up to the cap', async () => {
      const throttle = store.signInThrottle(policy);
      for (let i = 0; i < 3; i += 1) await throttle.failed(keys);
      expect(await throttle.waitMs(keys)).to.equal(0);
      const waits: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        await throttle.failed(keys);
        waits.push(await throttle.waitMs(keys));
      }
      expect(waits).to.deep.equal([1000, 2000, 4000, 8000, 8000]);
      at += 3000;
      expect(await throttle.waitMs(keys)).to.equal(5000);
    });

    it('counts per key: another account from the same client is held back too, a fresh client with a fresh account is not', async () => {
      const throttle = store.signInThrottle(policy);
      for (let i = 0; i < 4; i += 1) await throttle.failed(keys);
      expect(await throttle.waitMs(['account:b@example.test', 'client:c1'])).to.equal(1000);
      expect(await throttle.waitMs(['account:b@example.test', 'client:c2'])).to.equal(0);
      expect(await throttle.waitMs(['account:a@example.test', 'client:c2'])).to.equal(1000);
    });

    it('a success clears the count; an old count is forgotten', async () => {
      const throttle = store.signInThrottle(policy);
      for (let i = 0; i < 4; i += 1) await throttle.failed(keys);
      await throttle.succeeded(keys);
      expect(await throttle.waitMs(keys)).to.equal(0);
      for (let i = 0; i < 4; i += 1) await throttle.failed(keys);
      at += 61_000;
      expect(await throttle.waitMs(keys)).to.equal(0);
      await throttle.failed(keys);
      expect(await throttle.waitMs(keys)).to.equal(0);
    });

    if (subject.shared)
      it('counts in one place for every instance', async () => {
        const other = await subject.open(now);
        for (let i = 0; i < 4; i += 1) await (i % 2 ? store : other).signInThrottle(policy).failed(keys);
        expect(await store.signInThrottle(policy).waitMs(keys)).to.equal(1000);
        expect(await other.signInThrottle(policy).waitMs(keys)).to.equal(1000);
      });
  });

  describe('daily job lock', () => {
    it('runs a job unless the same job is running (here or on another instance)', async () => {
      const store = await subject.open(() => new Date(T0));
      const other = subject.shared ? await subject.open(() => new Date(T0)) : store;
      const release = signal();
      const holding = signal();
      const runs: string[] = [];
      const long = store.jobs.runAlone('retention', async () => {
        runs.push('first');
        holding.fire();
        await release.fired;
      });
      await holding.fired; // the first job holds the lock: it is running
      expect(await other.jobs.runAlone('retention', async () => void runs.push('second'))).to.equal(false);
      expect(await other.jobs.runAlone('reminders', async () => void runs.push('other job'))).to.equal(true);
      release.fire();
      expect(await long).to.equal(true);
      expect(await other.jobs.runAlone('retention', async () => void runs.push('third'))).to.equal(true);
      expect(runs).to.deep.equal(['first', 'other job', 'third']);
    });

    it('lets go of the lock when a job fails', async () => {
      const store = await subject.open(() => new Date(T0));
      const failing = store.jobs.runAlone('retention', async () => {
        throw new Error('disk full');
      });
      expect(await failing.catch((error: unknown) => String(error))).to.include('disk full');
      expect(await store.jobs.runAlone('retention', async () => undefined)).to.equal(true);
    });
  });

  describe('secrets', () => {
    it('are 32 bytes or more, the same when asked again and after a restart, different per name', async () => {
      const store = await subject.open(() => new Date(T0));
      const key = await store.secret('client-key');
      expect(key.length).to.be.at.least(32);
      expect((await store.secret('client-key')).equals(key)).to.equal(true);
      expect((await store.secret('rate-key')).equals(key)).to.equal(false);
      const restarted = await restart(subject, store, () => new Date(T0));
      expect((await restarted.secret('client-key')).equals(key)).to.equal(true);
    });
  });
}

/**
 * What only the in-memory throttle does. The policy (free failures, doubling delays, forgetting, counting per key)
 * is tested on every store's throttle in test/bot/store/contract/infrastructure.contract.ts.
 */
import { expect } from 'chai';
import { delayAfter, SignInThrottle } from '../../domain/signInThrottle.ts';

describe('domain/signInThrottle', () => {
  const at = Date.parse('2026-12-02T03:00:00Z');

  it('delayAfter: nothing for the free failures, then doubling up to the cap', () => {
    const policy = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 60].map((n) => delayAfter(n, policy))).to.deep.equal([
      0, 0, 0, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it('keeps at most maxKeys counts in memory (a flood of addresses cannot exhaust it)', async () => {
    const small = new SignInThrottle(() => new Date(at), undefined, 3);
    for (let i = 0; i < 10; i += 1) for (let j = 0; j < 6; j += 1) await small.failed([`client:${i}`]);
    expect(await small.waitMs(['client:0'])).to.equal(0);
    expect(await small.waitMs(['client:9'])).to.be.greaterThan(0);
  });
});

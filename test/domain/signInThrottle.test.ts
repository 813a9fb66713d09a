import { expect } from 'chai';
import { SignInThrottle } from '../../domain/signInThrottle.ts';

describe('domain/signInThrottle: growing delays after failed sign-ins', () => {
  let at: number;
  let throttle: SignInThrottle;
  const keys = ['account:a@example.test', 'client:c1'];

  beforeEach(() => {
    at = Date.parse('2026-12-02T03:00:00Z');
    throttle = new SignInThrottle(() => new Date(at), {
      freeFailures: 3,
      baseDelayMs: 1000,
      maxDelayMs: 8000,
      forgetAfterMs: 60_000,
    });
  });

  it('lets the first failures through, then doubles the wait after each further one up to the cap', () => {
    for (let i = 0; i < 3; i += 1) throttle.failed(keys);
    expect(throttle.waitMs(keys)).to.equal(0);
    const waits: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      throttle.failed(keys);
      waits.push(throttle.waitMs(keys));
    }
    expect(waits).to.deep.equal([1000, 2000, 4000, 8000, 8000]);
  });

  it('counts per key: another account from the same client is held back too, a fresh client with a fresh account is not', () => {
    for (let i = 0; i < 4; i += 1) throttle.failed(keys);
    expect(throttle.waitMs(['account:b@example.test', 'client:c1'])).to.equal(1000);
    expect(throttle.waitMs(['account:b@example.test', 'client:c2'])).to.equal(0);
    expect(throttle.waitMs(['account:a@example.test', 'client:c2'])).to.equal(1000);
  });

  it('a success clears the count; an old count is forgotten', () => {
    for (let i = 0; i < 4; i += 1) throttle.failed(keys);
    throttle.succeeded(keys);
    expect(throttle.waitMs(keys)).to.equal(0);
    for (let i = 0; i < 4; i += 1) throttle.failed(keys);
    at += 61_000;
    expect(throttle.waitMs(keys)).to.equal(0);
    throttle.failed(keys);
    expect(throttle.waitMs(keys)).to.equal(0);
  });

  it('keeps at most maxKeys counts (a flood of addresses cannot exhaust memory)', () => {
    const small = new SignInThrottle(() => new Date(at), undefined, 3);
    for (let i = 0; i < 10; i += 1) for (let j = 0; j < 6; j += 1) small.failed([`client:${i}`]);
    expect(small.waitMs(['client:0'])).to.equal(0);
    expect(small.waitMs(['client:9'])).to.be.greaterThan(0);
  });
});

import type { IncomingMessage } from 'node:http';
import { expect } from 'chai';
import { clientIp, FixedWindowRateLimiter } from '../../../bot/http/rateLimit.ts';

describe('FixedWindowRateLimiter', () => {
  let time = 0;
  const now = () => time;
  beforeEach(() => {
    time = 1_000_000;
  });

  it('allows `limit` requests per key and window, then says when to retry', () => {
    const limiter = new FixedWindowRateLimiter({ limit: 3, windowMs: 60_000, now });
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).to.deep.equal([true, true, true]);
    time += 15_000;
    expect(limiter.take('a')).to.deep.equal({ allowed: false, retryAfterSeconds: 45 });
    expect(limiter.take('b').allowed).to.equal(true); // keys are independent
    time += 45_000;
    expect(limiter.take('a')).to.deep.equal({ allowed: true, remaining: 2 }); // a new window
  });

  it('forgets expired windows, and never tracks more than maxKeys', () => {
    const limiter = new FixedWindowRateLimiter({ limit: 1, windowMs: 1000, now, maxKeys: 100 });
    for (let i = 0; i < 50; i += 1) limiter.take(`k${i}`);
    expect(limiter.size).to.equal(50);
    time += 1000;
    limiter.take('fresh');
    expect(limiter.size).to.equal(1);
    for (let i = 0; i < 500; i += 1) limiter.take(`flood${i}`);
    expect(limiter.size).to.equal(100);
  });

  it('rejects a limit or window below 1', () => {
    expect(() => new FixedWindowRateLimiter({ limit: 0, windowMs: 1000 })).to.throw(RangeError);
    expect(() => new FixedWindowRateLimiter({ limit: 1, windowMs: 0 })).to.throw(RangeError);
  });
});

describe('clientIp()', () => {
  const req = (remoteAddress: string, forwarded?: string): IncomingMessage =>
    ({
      socket: { remoteAddress },
      headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
    }) as unknown as IncomingMessage;

  it('uses the socket address unless a proxy is trusted (X-Forwarded-For can be forged)', () => {
    expect(clientIp(req('10.0.0.5', '1.2.3.4'))).to.equal('10.0.0.5');
  });

  it('behind a trusted proxy: the last X-Forwarded-For entry (the one the proxy added)', () => {
    expect(clientIp(req('10.0.0.5', 'forged, 203.0.113.7'), true)).to.equal('203.0.113.7');
    expect(clientIp(req('10.0.0.5'), true)).to.equal('10.0.0.5');
  });
});

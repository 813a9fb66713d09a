import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { clientIp, normalizeAddress } from '../../../bot/http/rateLimit.ts';
import { FixedWindowRateLimiter } from '../../../bot/store/memory/rateCounter.ts';
import { type RunningApp, startApp } from '../../support/appHarness.ts';

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

  it('normalises the address (issue 8, finding 13): port, brackets, zone, case, IPv4-mapped IPv6', () => {
    const one = [
      '203.0.113.7',
      '203.0.113.7:51234',
      ' 203.0.113.7 ',
      '"203.0.113.7"',
      '::ffff:203.0.113.7',
      '[::ffff:203.0.113.7]:443',
      '::FFFF:cb00:7107',
    ];
    // Twice each: the second answer comes from the spellings it remembers.
    for (const round of [1, 2]) {
      for (const spelling of one) expect(normalizeAddress(spelling), `${spelling} ${round}`).to.equal('203.0.113.7');
      for (const spelling of ['2001:DB8::1', '[2001:db8::1]:8443', '2001:db8:0:0:0:0:0:1', '2001:db8::1%eth0'])
        expect(normalizeAddress(spelling), `${spelling} ${round}`).to.equal('2001:db8::1');
      for (const junk of ['', 'unknown', 'evil.example', '1.2.3.4:', '999.1.1.1', '[::1'])
        expect(normalizeAddress(junk), `${junk} ${round}`).to.equal(undefined);
    }
    expect(clientIp(req('10.0.0.5', 'forged, [::ffff:203.0.113.7]:9'), true)).to.equal('203.0.113.7');
    expect(clientIp(req('::ffff:10.0.0.5'))).to.equal('10.0.0.5');
    // Not an address: the proxy's own address (all such clients share one limit), never the raw text.
    expect(clientIp(req('10.0.0.5', '1.2.3.4, junk'), true)).to.equal('10.0.0.5');
  });
});

describe('TRUST_PROXY: one client is one key, however its address is written (real server)', () => {
  let running: RunningApp;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-xff-'));
    running = await startApp(dataDir, '', {}, { TRUST_PROXY: 'true' });
  });
  after(async () => {
    await running?.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('20 new chats a minute for 203.0.113.7 whatever its port or spelling, then 429; another address is not affected', async () => {
    const spelling = (i: number) =>
      [`203.0.113.7:${1000 + i}`, `[::ffff:203.0.113.7]:${2000 + i}`, '::FFFF:cb00:7107', ' 203.0.113.7'][i % 4];
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1) {
      const res = await fetch(`${running.base}/v3/directline/tokens/generate`, {
        method: 'POST',
        headers: { 'x-forwarded-for': `198.51.100.1, ${spelling(i)}` },
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses.slice(0, 20).every((s) => s === 200)).to.equal(true);
    expect(statuses[20]).to.equal(429);
    const other = await fetch(`${running.base}/v3/directline/tokens/generate`, {
      method: 'POST',
      headers: { 'x-forwarded-for': '203.0.113.8:1000' },
    });
    expect(other.status).to.equal(200);
  });
});

/**
 * The built-in Direct Line under attack (issue 8, findings 4 and 5), on the real app over HTTP and WebSocket: a token
 * refresh flood logs nobody out, and what one client can make the server hold is bounded (history per conversation,
 * conversations per address and in total, streams per conversation, unread stream buffers). Memory is measured on the
 * endpoint's own data structures (app.directLine.stats()), never as RSS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { DirectLineService } from '../../../bot/directline/directLineService.ts';
import {
  MAX_CONVERSATIONS,
  MAX_CONVERSATIONS_PER_ADDRESS,
  MAX_HISTORY_ACTIVITIES,
  MAX_HISTORY_BYTES,
  MAX_SOCKETS_PER_CONVERSATION,
  REFRESHES_PER_ADDRESS,
  REFRESHES_PER_CONVERSATION,
  STREAM_REPLACED,
} from '../../../bot/directline/limits.ts';
import { type RunningApp, startApp } from '../../support/appHarness.ts';
import { eventually } from '../../support/mail.ts';
import { DirectLineClient, openSilentSocket, Stream } from './client.ts';

/** With TRUST_PROXY=true the app keys its limits on X-Forwarded-For: each test visitor gets its own address. */
let nextAddress = 1;
const freshAddress = (): string => {
  nextAddress += 1;
  return `10.8.${Math.floor(nextAddress / 250)}.${nextAddress % 250}`;
};

async function generate(base: string, address: string): Promise<DirectLineClient> {
  const res = await fetch(`${base}/v3/directline/tokens/generate`, {
    method: 'POST',
    headers: { 'x-forwarded-for': address },
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`tokens/generate answered ${res.status}`);
  return new DirectLineClient(base, body.token, body.conversationId, body.userId);
}

async function refresh(base: string, token: string, address: string) {
  const res = await fetch(`${base}/v3/directline/tokens/refresh`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': address },
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

/** A posted activity as large as the endpoint accepts: 4,000 characters of text, 16 KB each of value and channelData. */
const BIG_FIELDS = {
  text: 'x'.repeat(4000),
  value: { blob: 'v'.repeat(16 * 1024 - 20) },
  channelData: { blob: 'c'.repeat(16 * 1024 - 20) },
};

describe('built-in Direct Line limits (findings 4 and 5)', function () {
  this.timeout(20_000);
  this.slow(2_000);

  let running: RunningApp;
  let dataDir: string;
  const streams: Stream[] = [];
  const sockets: Socket[] = [];
  const service = (): DirectLineService => {
    if (!running.app.directLine) throw new Error('the app has no built-in Direct Line');
    return running.app.directLine;
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-dl-limits-'));
    running = await startApp(dataDir, '', {}, { TRUST_PROXY: 'true' });
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(streams.splice(0).map((s) => s.close()));
  });

  after(async () => {
    await running?.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('token refresh', () => {
    it('one client refreshing 2,000 times logs out nobody: 429 with Retry-After, no token added, the other client refreshes', async () => {
      const victim = await generate(running.base, freshAddress());
      const attackerAddress = freshAddress();
      const attacker = await generate(running.base, attackerAddress);
      const tokensBefore = (await service().stats()).tokens;

      let token = attacker.token;
      const counts = new Map<number, number>();
      const reasons = new Set<string>();
      for (let i = 0; i < 2_000; i += 1) {
        const res = await refresh(running.base, token, attackerAddress);
        counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
        if (res.status === 200) token = res.body.token;
        else {
          expect(res.status).to.equal(429);
          expect(Number(res.retryAfter)).to.be.within(1, 60);
          reasons.add(res.body.error.message);
        }
      }
      expect(counts.get(200)).to.equal(REFRESHES_PER_CONVERSATION);
      expect(counts.get(429)).to.equal(2_000 - REFRESHES_PER_CONVERSATION);
      expect([...reasons].sort()).to.deep.equal([
        'too many token refreshes for this conversation',
        'too many token refreshes from this address',
      ]);
      // Each refresh replaced its token: the store holds no more than before.
      expect((await service().stats()).tokens).to.equal(tokensBefore);

      // The other visitor is still signed in, and may refresh.
      expect((await victim.activities()).status).to.equal(200);
      const refreshed = await refresh(running.base, victim.token, freshAddress());
      expect(refreshed.status).to.equal(200);
      expect((await victim.activities(undefined, refreshed.body.token)).status).to.equal(200);
      // The attacker's last token works; the ones it replaced do not.
      expect((await attacker.activities(undefined, token)).status).to.equal(200);
      expect((await attacker.activities(undefined, attacker.token)).status).to.equal(403);
    });

    it(`one address may refresh ${REFRESHES_PER_ADDRESS} times a minute across its conversations, then 429`, async () => {
      const address = freshAddress();
      const clients = await Promise.all(
        Array.from({ length: Math.ceil(REFRESHES_PER_ADDRESS / REFRESHES_PER_CONVERSATION) + 1 }, () =>
          generate(running.base, freshAddress()),
        ),
      );
      const statuses: number[] = [];
      for (const client of clients)
        for (let i = 0; i < REFRESHES_PER_CONVERSATION; i += 1) {
          const res = await refresh(running.base, client.token, address);
          if (res.status === 200) client.token = res.body.token;
          statuses.push(res.status);
        }
      expect(statuses.filter((s) => s === 200)).to.have.length(REFRESHES_PER_ADDRESS);
      expect(statuses.slice(REFRESHES_PER_ADDRESS).every((s) => s === 429)).to.equal(true);
    });
  });

  describe('conversations', () => {
    it(`one address holds at most ${MAX_CONVERSATIONS_PER_ADDRESS} conversations: then 429 with a reason; other addresses go on`, async () => {
      const address = freshAddress();
      // The per-minute limit on tokens/generate (20) would take minutes to get there: fill the share directly.
      for (let i = 0; i < MAX_CONVERSATIONS_PER_ADDRESS; i += 1)
        expect((await service().generateToken(address)).ok, `conversation ${i}`).to.equal(true);
      const res = await fetch(`${running.base}/v3/directline/tokens/generate`, {
        method: 'POST',
        headers: { 'x-forwarded-for': address },
      });
      expect(res.status).to.equal(429);
      expect(Number(res.headers.get('retry-after'))).to.be.above(0);
      expect((await res.json()).error).to.deep.equal({
        code: 'TooManyConversations',
        message: 'too many open conversations from this address; try again later',
      });
      expect((await generate(running.base, freshAddress())).token).to.be.a('string');
    });
  });

  describe('history', () => {
    it('500 big typing activities: each accepted, stored as its type only; the history stays small', async () => {
      const client = await generate(running.base, freshAddress());
      await client.start();
      for (let i = 0; i < 500; i += 1) {
        const res = await client.post({
          type: 'typing',
          ...BIG_FIELDS,
          channelData: { blob: BIG_FIELDS.channelData.blob.slice(40), clientActivityID: `t${i}` },
        });
        expect(res.status).to.equal(200);
      }
      const history = await client.history();
      const typing = history.activities.filter((a) => a.type === 'typing');
      expect(typing).to.have.length.at.most(MAX_HISTORY_ACTIVITIES);
      for (const activity of typing) {
        expect(activity).to.not.have.any.keys('text', 'value');
        expect(activity.channelData).to.have.all.keys('clientActivityID');
      }
      expect(Number(history.watermark)).to.be.at.least(500);
      const held = JSON.stringify(history.activities).length;
      expect(held).to.be.below(200 * 1024);
      expect((await service().stats()).maxConversationActivities).to.be.at.most(MAX_HISTORY_ACTIVITIES);
    });

    it(`big events: the history keeps at most ${MAX_HISTORY_ACTIVITIES} activities and ${MAX_HISTORY_BYTES / 1024} KB; watermarks count all`, async () => {
      const client = await generate(running.base, freshAddress());
      const posted: string[] = [];
      for (let i = 0; i < 60; i += 1) {
        const res = await client.post({
          type: 'event',
          name: 'big',
          value: BIG_FIELDS.value,
          channelData: BIG_FIELDS.channelData,
        });
        expect(res.status).to.equal(200);
        posted.push(res.body?.id ?? '');
      }
      const history = await client.history();
      const bytes = history.activities.reduce((sum, a) => sum + JSON.stringify(a).length, 0);
      expect(bytes).to.be.at.most(MAX_HISTORY_BYTES);
      expect(history.activities.length).to.be.within(1, 60);
      expect(Number(history.watermark)).to.be.at.least(60);
      // The newest is kept; reconnecting from an old watermark starts at the oldest kept, a current one gets nothing.
      expect(history.activities.map((a) => a.id)).to.include(posted.at(-1));
      const fromStart = await client.history('0');
      expect(fromStart.activities[0]?.id).to.equal(history.activities[0]?.id);
      expect((await client.history(history.watermark)).activities).to.deep.equal([]);
      expect((await service().stats()).maxConversationBytes).to.be.at.most(MAX_HISTORY_BYTES);
    });

    it('too large a text, value or channelData is refused with 400 and the field named', async () => {
      const client = await generate(running.base, freshAddress());
      const cases = [
        { body: { type: 'message', text: 'a'.repeat(4001) }, field: '"text"' },
        { body: { type: 'typing', text: 'a'.repeat(4001) }, field: '"text"' },
        { body: { type: 'message', text: 'hi', value: { a: 'v'.repeat(17_000) } }, field: '"value"' },
        { body: { type: 'event', name: 'x', channelData: { a: 'c'.repeat(17_000) } }, field: '"channelData"' },
      ];
      for (const { body, field } of cases) {
        const res = await fetch(`${client.url}/activities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status, field).to.equal(400);
        expect((await res.json()).error.message).to.include(field);
      }
      expect((await client.history()).activities).to.deep.equal([]);
    });
  });

  describe('streams', () => {
    it(`a conversation has at most ${MAX_SOCKETS_PER_CONVERSATION} streams: one more closes the oldest (${STREAM_REPLACED.code}, with a reason)`, async () => {
      const client = await generate(running.base, freshAddress());
      const open: Stream[] = [];
      for (let i = 0; i < MAX_SOCKETS_PER_CONVERSATION; i += 1) open.push(await Stream.connect(client.streamUrl()));
      streams.push(...open);
      const closed = new Promise<[number, string]>((resolve) =>
        open[0]?.socket.once('close', (code, reason) => resolve([code, String(reason)])),
      );
      const newest = await Stream.connect(client.streamUrl());
      streams.push(newest);
      expect(await closed).to.deep.equal([STREAM_REPLACED.code, STREAM_REPLACED.reason]);
      // The others and the new one still receive.
      const id = await client.say('halo');
      for (const stream of [...open.slice(1), newest]) await stream.waitFor((a) => a.id === id);
    });

    it('a stream that never reads is cut off once its buffer passes the limit; a reading stream is kept', async () => {
      const client = await generate(running.base, freshAddress());
      const reader = await Stream.connect(client.streamUrl());
      streams.push(reader);
      const listenersBefore = (await service().stats()).listeners;
      sockets.push(await openSilentSocket(client.streamUrl()), await openSilentSocket(client.streamUrl()));
      await eventually(async () => (await service().stats()).listeners === listenersBefore + 2);

      // Post ~33 KB events until the server lets the silent ones go (bounded: at most 3,000, about 100 MB).
      let posts = 0;
      while ((await service().stats()).listeners > listenersBefore && posts < 3_000) {
        const res = await client.post({
          type: 'event',
          name: 'big',
          value: BIG_FIELDS.value,
          channelData: BIG_FIELDS.channelData,
        });
        expect(res.status).to.equal(200);
        posts += 1;
      }
      expect((await service().stats()).listeners, `after ${posts} posts`).to.equal(listenersBefore);
      // The reading stream is still open and gets what comes next.
      const id = await client.say('halo');
      await reader.waitFor((a) => a.id === id);
      expect(reader.socket.readyState).to.equal(reader.socket.OPEN);
    });
  });
});

describe(`built-in Direct Line: ${MAX_CONVERSATIONS} conversations in total`, function () {
  this.timeout(20_000);

  let running: RunningApp;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-dl-full-'));
    running = await startApp(dataDir, '', {}, { TRUST_PROXY: 'true' });
  });

  after(async () => {
    await running?.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('when full, a new conversation gets 503 with a reason; no live one is evicted, and all still work', async () => {
    const service = running.app.directLine;
    if (!service) throw new Error('the app has no built-in Direct Line');
    const first = await generate(running.base, '10.9.0.1');
    const held: string[] = [];
    for (let i = 1; i < MAX_CONVERSATIONS; i += 1) {
      const made = await service.generateToken(`10.9.${Math.floor(i / 40)}.${i % 40}`);
      if (!made.ok) throw new Error(`conversation ${i} refused: ${made.error.message}`);
      held.push(made.value.token);
    }
    expect(await service.stats()).to.include({ conversations: MAX_CONVERSATIONS, tokens: MAX_CONVERSATIONS });

    const res = await fetch(`${running.base}/v3/directline/tokens/generate`, {
      method: 'POST',
      headers: { 'x-forwarded-for': '10.99.0.1' },
    });
    expect(res.status).to.equal(503);
    expect(Number(res.headers.get('retry-after'))).to.be.above(0);
    expect((await res.json()).error.code).to.equal('ServiceBusy');
    expect(await service.stats()).to.include({ conversations: MAX_CONVERSATIONS, tokens: MAX_CONVERSATIONS });

    // Everyone already in keeps working: the first, a refresh, the most recent.
    expect((await first.activities()).status).to.equal(200);
    expect((await refresh(running.base, first.token, '10.99.0.2')).status).to.equal(200);
    expect(await service.verifyToken(held.at(-1) ?? '')).to.not.equal(undefined);
  });
});

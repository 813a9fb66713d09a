/**
 * The built-in Direct Line over time, on the real app with a fake clock (AppOptions.now drives its tokens and idle
 * sweep): token expiry and refresh, conversations let go while idle, slow turns; then shutdown with open streams, and
 * the Azure configuration without the built-in endpoint.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { REFRESHES_PER_CONVERSATION } from '../../../bot/directline/limits.ts';
import { createMailTransport } from '../../../bot/mail/transport.ts';
import { FLOW_TEXTS } from '../../../dialogs/replies/flowTexts.ts';
import { type RunningApp, startApp } from '../../support/appHarness.ts';
import { eventually } from '../../support/mail.ts';
import { DirectLineClient, GatedTransport, Stream, seqOf, upgradeStatus } from './client.ts';

const TOKEN_TTL_MS = 60_000;
const IDLE_MS = 10_000;
const UNSUBSCRIBE = 'saya mau berhenti berlangganan email promosi';

describe('built-in Direct Line over time (fake clock)', function () {
  this.timeout(10_000);
  this.slow(1_000);

  let running: RunningApp;
  let dataDir: string;
  let transport: GatedTransport;
  let offsetMs = 0;
  const streams: Stream[] = [];
  const base = (): string => running.base;
  const advance = (ms: number): void => {
    offsetMs += ms;
  };

  async function connect(): Promise<{ client: DirectLineClient; stream: Stream }> {
    const connected = await DirectLineClient.connect(base());
    streams.push(connected.stream);
    return connected;
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-directline-clock-'));
    transport = new GatedTransport(createMailTransport({ mailDir: join(dataDir, 'mail') }));
    running = await startApp(dataDir, '', {
      now: () => new Date(Date.now() + offsetMs),
      transport,
      deliveryWaitMs: 5_000,
      directLine: { tokenTtlMs: TOKEN_TTL_MS, idleMs: IDLE_MS },
    });
  });

  afterEach(async () => {
    transport.release();
    await Promise.all(streams.splice(0).map((s) => s.close()));
  });

  after(async () => {
    await running?.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('token expiry and refresh', () => {
    it('refresh replaces the token for the same conversation: the old one is refused at once; the new one expires in its time', async () => {
      const { client, stream } = await connect();
      expect((await client.start()).body?.expires_in).to.be.within(TOKEN_TTL_MS / 1000 - 1, TOKEN_TTL_MS / 1000);
      const old = client.token;

      advance(30_000);
      const refreshed = await client.refresh();
      expect(refreshed.status).to.equal(200);
      expect(refreshed.body?.conversationId).to.equal(client.conversationId);
      expect(refreshed.body?.expires_in).to.equal(TOKEN_TTL_MS / 1000);
      const fresh = refreshed.body?.token ?? '';
      expect(fresh)
        .to.match(/^[A-Za-z0-9_-]{43}$/)
        .and.not.equal(old);

      // The old token stops working at once, everywhere; the new one opens the same conversation.
      expect((await client.activities(undefined, old)).status).to.equal(403);
      expect((await client.post({ type: 'message', text: 'halo' }, { token: old })).status).to.equal(403);
      expect((await client.start(old)).status).to.equal(403);
      expect((await client.reconnect(undefined, old)).status).to.equal(403);
      expect((await client.refresh(old)).status).to.equal(403);
      expect(await upgradeStatus(client.streamUrl(old))).to.equal(403);
      expect((await client.activities(undefined, fresh)).status).to.equal(200);
      const viaFresh = await client.post({ type: 'message', text: 'halo' }, { token: fresh });
      expect(viaFresh.status).to.equal(200);
      // A stream opened with the old token stays open (as with Azure) and keeps receiving.
      await stream.replyTo(viaFresh.body?.id ?? '');

      advance(30_000);
      const reconnected = await client.reconnect('0', fresh);
      expect(reconnected.status).to.equal(200);
      expect(reconnected.body?.expires_in).to.be.within(29, 30);
      expect(await upgradeStatus(reconnected.body?.streamUrl ?? '')).to.equal(101);

      advance(30_000);
      expect((await client.activities(undefined, fresh)).status).to.equal(403);
      expect((await client.refresh(fresh)).status).to.equal(403);
    });

    it('refresh is limited per conversation (429 with Retry-After); the window passing lets it refresh again', async () => {
      const { client } = await connect();
      let token = client.token;
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < REFRESHES_PER_CONVERSATION + 3; i += 1) {
        // The window starts with the first refresh; the later ones come 20 s on (so their token outlives the window).
        if (i === 1) advance(20_000);
        const res = await fetch(`${base()}/v3/directline/tokens/refresh`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
        statuses.push(res.status);
        const body = await res.json();
        if (res.status === 200) token = body.token;
        else {
          retryAfter = res.headers.get('retry-after');
          expect(body.error.code).to.equal('TooManyRequests');
          expect(body.error.message).to.include('conversation');
        }
      }
      expect(statuses).to.deep.equal([
        ...Array<number>(REFRESHES_PER_CONVERSATION).fill(200),
        ...Array<number>(3).fill(429),
      ]);
      expect(Number(retryAfter)).to.be.within(1, 60);
      // The token of the last successful refresh still works; after the window, refreshing works again.
      expect((await client.activities(undefined, token)).status).to.equal(200);
      advance(40_000);
      expect((await client.refresh(token)).status).to.equal(200);
    });
  });

  describe('idle conversations', () => {
    it('are let go after idleMs; the token still reconnects (empty history) and the bot state (a flow) carries on', async () => {
      const { client, stream } = await connect();
      const asked = await stream.turn(await client.say(UNSUBSCRIBE));
      expect(asked.text).to.include(FLOW_TEXTS.unsubscribeAskEmail.id);
      const before = await client.history();
      expect(before.activities.length).to.be.at.least(3);

      // Nobody is let go while a stream is open, however long.
      advance(IDLE_MS + 1_000);
      const app = running.app;
      if (!app.directLine) throw new Error('the app has no built-in Direct Line');
      await app.directLine.sweep();
      expect((await client.history()).watermark).to.equal(before.watermark);

      await stream.close();
      advance(IDLE_MS - 1_000);
      // Just short of idleMs since the last request: kept.
      await app.directLine.sweep();
      expect((await client.history()).watermark).to.equal(before.watermark);

      advance(IDLE_MS + 1_000);
      expect(await app.directLine.sweep()).to.be.at.least(1);

      // The token (still valid) gets the conversation back, empty; the bot remembers the flow's step.
      const history = await client.history();
      expect(history).to.deep.equal({ activities: [], watermark: '0' });
      const reopened = await Stream.connect(client.streamUrl());
      streams.push(reopened);
      const next = await reopened.turn(await client.say('idle.sweep@example.test'));
      expect(next.text).to.include('Hentikan e-mail promosi');
      expect(next.text).to.include('idle.sweep@example.test');
      // No second welcome: the new history holds just this exchange.
      expect((await client.history()).activities.map(seqOf)).to.deep.equal(
        [0, ...next.replies.map(seqOf)].sort((a, b) => a - b),
      );

      // Starting again after the drop does not greet twice either (the bot state remembers it welcomed).
      await client.start();
      expect(reopened.activities.filter((a) => a.channelData?.wowrack?.kind === 'welcome')).to.have.length(0);
    });

    it('a proactive notice for a conversation let go is not delivered (false), and nothing breaks', async () => {
      const { client, stream } = await connect();
      await stream.close();
      advance(IDLE_MS + 1_000);
      const app = running.app;
      if (!app.directLine) throw new Error('the app has no built-in Direct Line');
      await app.directLine.sweep();
      expect(await app.directLine.deliver(client.conversationId, { type: 'message', text: 'late' })).to.equal(false);
      expect((await client.history()).activities).to.deep.equal([]);
    });
  });

  describe('slow turns', () => {
    it('POST activities answers at once while the turn waits for its mail; later messages queue behind it, in order', async () => {
      const { client, stream } = await connect();
      expect((await stream.turn(await client.say(UNSUBSCRIBE))).text).to.include(FLOW_TEXTS.unsubscribeAskEmail.id);
      expect((await stream.turn(await client.say('slow.turn@example.test'))).text).to.include(
        'Hentikan e-mail promosi',
      );

      transport.hold();
      const started = performance.now();
      const confirm = await client.say('ya');
      expect(performance.now() - started).to.be.below(500);
      // The echo is there at once; the turn is still waiting for the mail to go out.
      await stream.waitFor((a) => a.id === confirm);
      await eventually(() => transport.waiting > 0);
      const queued = [
        await client.click({ action: 'faq', id: 'protect' }),
        await client.click({ action: 'faq', id: 'cookie' }),
      ];
      const pending = (await client.history()).activities.filter((a) =>
        [confirm, ...queued].includes(a.replyToId ?? ''),
      );
      expect(pending).to.deep.equal([]);

      transport.release();
      const done = await stream.turn(confirm);
      expect(done.text).to.include('sudah tercatat berhenti berlangganan');
      const replies = await Promise.all(queued.map((id) => stream.replyTo(id)));
      expect(replies.map((r) => r.channelData?.wowrack?.entryId)).to.deep.equal(['protect', 'cookie']);
      const lastConfirm = Math.max(...done.replies.map(seqOf));
      expect(replies.map(seqOf).every((seq) => seq > lastConfirm)).to.equal(true);
      expect(seqOf(replies[0] ?? {})).to.be.below(seqOf(replies[1] ?? {}));
    });
  });
});

describe('built-in Direct Line at shutdown', function () {
  this.timeout(10_000);

  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-directline-close-'));
  });

  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('app.close() ends the open streams (1001 going away) instead of waiting for the browsers', async () => {
    const running = await startApp(dataDir, '');
    const { stream } = await DirectLineClient.connect(running.base);
    const closedWith = new Promise<number>((resolve) => stream.socket.once('close', (code) => resolve(code)));
    const started = performance.now();
    const closing = running.app.close();
    const outcome = await Promise.race([
      closing.then(() => 'closed'),
      new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 3_000)),
    ]);
    expect(outcome).to.equal('closed');
    expect(performance.now() - started).to.be.below(2_000);
    expect(await closedWith).to.equal(1001);
  });
});

describe('with an Azure Bot configured (MicrosoftAppId)', function () {
  this.timeout(10_000);

  let running: RunningApp;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-directline-azure-'));
    running = await startApp(
      dataDir,
      '',
      {},
      { MicrosoftAppId: '00000000-0000-4000-8000-000000000001', MicrosoftAppPassword: 'not-a-real-password' },
    );
  });

  after(async () => {
    await running?.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('registers no /v3/directline routes (404); a stream upgrade is refused at once with 404', async () => {
    expect(running.app.directLine).to.equal(undefined);
    for (const [method, path] of [
      ['POST', '/v3/directline/tokens/generate'],
      ['POST', '/v3/directline/tokens/refresh'],
      ['POST', '/v3/directline/conversations'],
      ['GET', '/v3/directline/conversations/abc/activities'],
      ['POST', '/v3/directline/conversations/abc/activities'],
    ] as const) {
      const res = await fetch(`${running.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${'A'.repeat(43)}` },
      });
      expect(res.status, `${method} ${path}`).to.equal(404);
    }
    for (const path of ['/v3/directline/conversations/abc/stream', '/'])
      expect(await upgradeStatus(`ws://127.0.0.1:${running.port}${path}?t=${'A'.repeat(43)}`), path).to.equal(404);
  });
});

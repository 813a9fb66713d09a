/**
 * SSRF: without an Azure Bot nothing authenticates /api/messages, so the assistant must never call a serviceUrl the
 * caller chose: only SERVICE_URL_ALLOWLIST's origins, each call with a time limit; expectReplies works with any.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseServiceUrlAllowlist, ServiceUrlPolicy } from '../../../bot/channel/serviceUrlPolicy.ts';
import { ConfigError, loadConfig } from '../../../bot/config.ts';
import { type RunningApp, readDbFile, startApp } from '../../support/appHarness.ts';
import { KNOWLEDGE_FILE } from '../../support/buildBot.ts';

/** A loopback HTTP server that records every request; `hang` makes it never answer. */
async function listener(hang = false): Promise<{ server: Server; url: string; hits: string[]; closed: () => number }> {
  const hits: string[] = [];
  let closedSockets = 0;
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    if (hang) return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":"1"}');
  });
  server.on('connection', (socket) => socket.on('close', () => (closedSockets += 1)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/`, hits, closed: () => closedSockets };
}

const stop = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

function activity(conversation: string, serviceUrl: unknown, text: string, expectReplies = false) {
  return {
    type: 'message',
    id: `${conversation}-${text.length}`,
    channelId: 'emulator',
    serviceUrl,
    conversation: { id: conversation },
    from: { id: 'attacker' },
    recipient: { id: 'bot' },
    text,
    ...(expectReplies ? { deliveryMode: 'expectReplies' } : {}),
  };
}

const post = (base: string, body: unknown) =>
  fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('serviceUrl policy (SSRF)', function () {
  this.timeout(30_000);

  describe('ServiceUrlPolicy', () => {
    const policy = (text: string) => new ServiceUrlPolicy(false, parseServiceUrlAllowlist(text).rules);

    it('allows only the listed origins: scheme, host and port (or * for any port)', () => {
      const p = policy('http://localhost:*, https://smba.trafficmanager.net, https://*.botframework.com:8443');
      expect(p.allows('http://localhost:3979/')).to.equal(true);
      expect(p.allows('http://localhost/')).to.equal(true);
      expect(p.allows('https://localhost:3979/')).to.equal(false);
      expect(p.allows('https://smba.trafficmanager.net/apac/')).to.equal(true);
      expect(p.allows('https://smba.trafficmanager.net:444/')).to.equal(false);
      expect(p.allows('https://eu.botframework.com:8443/')).to.equal(true);
      expect(p.allows('https://botframework.com:8443/')).to.equal(false);
      expect(p.allows('http://127.0.0.1:3979/')).to.equal(false);
      expect(p.allows('http://user:pw@localhost:3979/')).to.equal(false);
      expect(p.allows('http://localhost.evil.example/')).to.equal(false);
      for (const bad of [undefined, 42, {}, ['http://localhost/'], 'not a url', 'file:///etc/passwd'])
        expect(p.allows(bad), String(bad)).to.equal(false);
    });

    it('is empty by default, and with an Azure Bot (authenticated) the SDK is in charge', () => {
      expect(policy('').allows('http://localhost:3979/')).to.equal(false);
      expect(new ServiceUrlPolicy(true, []).allows('https://anything.example/')).to.equal(true);
    });

    it('a bad SERVICE_URL_ALLOWLIST entry stops the assistant with a message naming it', () => {
      expect(() => loadConfig({ KNOWLEDGE_FILE, SERVICE_URL_ALLOWLIST: 'http://localhost:*, ftp://x, http://h/path' }))
        .to.throw(ConfigError)
        .with.property('problems')
        .that.satisfies(
          (problems: string[]) => problems.filter((p) => p.includes('SERVICE_URL_ALLOWLIST')).length === 2,
        );
    });
  });

  describe('over HTTP', () => {
    let dataDir: string;
    let running: RunningApp | undefined;

    beforeEach(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'wowrack-ssrf-'));
    });
    afterEach(async () => {
      await running?.app.close();
      running = undefined;
      await rm(dataDir, { recursive: true, force: true });
    });

    it('a serviceUrl not in the allowlist gets 403 with a reason, and is never called', async () => {
      const target = await listener();
      try {
        running = await startApp(dataDir, '', {}, { SERVICE_URL_ALLOWLIST: '' });
        const res = await post(running.base, activity('ssrf-1', target.url, 'apakah data saya dijual?'));
        expect(res.status).to.equal(403);
        expect(((await res.json()) as { message: string }).message).to.include('SERVICE_URL_ALLOWLIST');
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(target.hits).to.deep.equal([]);
      } finally {
        await stop(target.server);
      }
    });

    it('an allowed serviceUrl gets the replies posted to it (the Emulator setting http://127.0.0.1:*)', async () => {
      const target = await listener();
      try {
        running = await startApp(dataDir, '', {}, { SERVICE_URL_ALLOWLIST: 'http://127.0.0.1:*' });
        const res = await post(running.base, activity('ssrf-2', target.url, 'apakah data saya dijual?'));
        expect(res.status).to.equal(200);
        expect(target.hits.some((h) => h.startsWith('POST /v3/conversations/ssrf-2/activities'))).to.equal(true);
      } finally {
        await stop(target.server);
      }
    });

    it('expectReplies works with any serviceUrl, calls nothing, and keeps no reference to call later', async () => {
      const target = await listener();
      try {
        running = await startApp(dataDir, '', { deliveryWaitMs: 500 }, { SERVICE_URL_ALLOWLIST: '' });
        for (const text of [
          'saya masih 16 tahun',
          'Andi Wijaya',
          'andi@example.test',
          'Sari Wijaya',
          'sari@example.test',
          'ya',
        ]) {
          const res = await post(running.base, activity('ssrf-3', target.url, text, true));
          expect(res.status).to.equal(200);
        }
        const consents = (await readDbFile(dataDir)).consents;
        expect(consents).to.have.length(1);
        expect(consents[0]?.conversationReference).to.equal(undefined);
        expect(target.hits).to.deep.equal([]);
      } finally {
        await stop(target.server);
      }
    });

    it('a connector that never answers is given up on after the time limit (the socket is not held)', async () => {
      const target = await listener(true);
      try {
        running = await startApp(
          dataDir,
          '',
          { connectorTimeoutMs: 300 },
          { SERVICE_URL_ALLOWLIST: 'http://127.0.0.1:*' },
        );
        // Two turns: the second reuses the connector client of the first, time limit included.
        for (const turn of [1, 2]) {
          const res = await post(running.base, activity(`ssrf-4-${turn}`, target.url, 'apakah data saya dijual?'));
          await res.text();
          expect(target.hits.length).to.be.at.least(turn);
          // The call timed out instead of waiting forever: its socket was closed by the assistant.
          for (let i = 0; i < 50 && target.closed() < turn; i += 1) await new Promise((r) => setTimeout(r, 100));
          expect(target.closed()).to.be.at.least(turn);
        }
      } finally {
        await stop(target.server);
      }
    });
  });
});

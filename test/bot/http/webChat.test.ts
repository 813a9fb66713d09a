/**
 * The website chat over real HTTP: the app (createApp) on port 0 with its own DATA_DIR; assets fetched with node:http
 * so the compressed bytes are seen as sent (fetch() would decompress them).
 */
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import { pino } from 'pino';
import { type App, createApp } from '../../../bot/app.ts';
import { loadConfig } from '../../../bot/config.ts';
import { acceptedEncodings, StaticAsset, webChatBundlePath, whenCompressed } from '../../../bot/http/staticAssets.ts';
import { KNOWLEDGE_FILE } from '../../support/buildBot.ts';

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** GET (or HEAD) without any decoding: the bytes as the server sent them. */
function raw(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

interface Running {
  readonly app: App;
  readonly base: string;
  readonly dataDir: string;
  readonly logs: string[];
}

async function start(env: Record<string, string> = {}): Promise<Running> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wowrack-web-'));
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'debug', KNOWLEDGE_FILE, DATA_DIR: dataDir, ...env });
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  const app = await createApp(config, logger);
  const port = await app.listen(0);
  return { app, base: `http://127.0.0.1:${port}`, dataDir, logs };
}

async function stop(running: Running | undefined): Promise<void> {
  if (!running) return;
  await running.app.close();
  await rm(running.dataDir, { recursive: true, force: true });
}

/** The <script> elements of a page: attributes and content. */
function scriptsOf(html: string): { attributes: string; content: string }[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].map((m) => ({
    attributes: m[1] ?? '',
    content: m[2] ?? '',
  }));
}

function configOf(html: string): Record<string, unknown> {
  const block = scriptsOf(html).find((s) => s.attributes.includes('id="chat-config"'));
  expect(block, 'the chat-config block').not.to.equal(undefined);
  return JSON.parse(block?.content ?? '{}') as Record<string, unknown>;
}

const WEBCHAT_URL = /\/webchat\/webchat\.[0-9a-f]{16}\.js/;

describe('website chat (GET /, assets, /embed.js, /api/directline/token)', function () {
  this.timeout(60_000);

  describe('page and assets (built-in Direct Line)', () => {
    let running: Running;
    let html: string;
    let webChatUrl: string;

    before(async () => {
      running = await start({ FRAME_ANCESTORS: "'self' https://www.wowrack.co.id https://*.wowrack.co.id" });
      const res = await fetch(`${running.base}/`);
      html = await res.text();
      webChatUrl = `${running.base}${WEBCHAT_URL.exec(html)?.[0] ?? '/missing'}`;
    });
    after(() => stop(running));

    it('GET / is the chat page with a strict CSP whose frame-ancestors come from FRAME_ANCESTORS', async () => {
      const res = await fetch(`${running.base}/`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      const csp = res.headers.get('content-security-policy') ?? '';
      const directives = new Map(
        csp.split(';').map((d) => {
          const [name = '', ...values] = d.trim().split(/\s+/);
          return [name, values.join(' ')] as const;
        }),
      );
      expect(Object.fromEntries(directives)).to.deep.equal({
        'default-src': "'none'",
        'script-src': "'self'",
        'style-src': "'self' 'unsafe-inline'",
        'img-src': "'self' data: blob:",
        // The built-in Direct Line: this origin only ('self' covers its own ws: stream), no other host (finding 18).
        'connect-src': "'self'",
        'font-src': "'self' data:",
        'frame-ancestors': "'self' https://www.wowrack.co.id https://*.wowrack.co.id",
        'base-uri': "'none'",
        'form-action': "'none'",
      });
      expect(res.headers.get('x-frame-options')).to.equal(null); // it cannot list several sites
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('cache-control')).to.equal('no-cache');
    });

    it('has no inline executable script: only the JSON config block and scripts with src', () => {
      const scripts = scriptsOf(html);
      expect(scripts.length).to.equal(3);
      for (const script of scripts) {
        if (script.attributes.includes('id="chat-config"')) {
          expect(script.attributes).to.include('type="application/json"');
          continue;
        }
        expect(script.attributes).to.match(/\ssrc="\/(webchat|assets)\/[a-z]+\.[0-9a-f]{16}\.js"/);
        expect(script.content.trim()).to.equal('');
      }
      expect(html).not.to.match(/\son[a-z]+=/i); // no inline event handlers either
    });

    it('names the hashed Web Chat bundle, its own hashed files, and the built-in Direct Line in its config', () => {
      expect(html).to.match(WEBCHAT_URL);
      expect(html).to.match(/\/assets\/chat\.[0-9a-f]{16}\.js/);
      expect(html).to.match(/\/assets\/chat\.[0-9a-f]{16}\.css/);
      expect(html).to.match(/\/assets\/avatar\.[0-9a-f]{16}\.svg/);
      expect(html).to.include('Asisten Privasi Wowrack');
      expect(html).to.include('<html lang="id">');
      expect(configOf(html)).to.deep.include({
        mode: 'builtin',
        directLineDomain: '/v3/directline',
        tokenUrl: '/v3/directline/tokens/generate',
      });
    });

    it('?embed=1 gives the compact page for the widget; HEAD gives the headers only', async () => {
      const embedded = await (await fetch(`${running.base}/?embed=1`)).text();
      expect(embedded).to.include('<body class="embed">');
      expect(html).not.to.include('class="embed"');
      const head = await raw(`${running.base}/`, {}, 'HEAD');
      expect(head.status).to.equal(200);
      expect(head.body.length).to.equal(0);
      expect(head.headers['content-security-policy']).to.include('frame-ancestors');
    });

    describe('the Web Chat bundle', () => {
      let original: Buffer;

      before(async () => {
        original = await readFile(webChatBundlePath());
        await whenCompressed(); // GET / started it; brotli quality 11 of ~4 MB takes seconds
      });

      it('Accept-Encoding br → brotli that decompresses to exactly the file, cached for a year', async () => {
        const res = await raw(webChatUrl, { 'Accept-Encoding': 'gzip, deflate, br' });
        expect(res.status).to.equal(200);
        expect(res.headers['content-encoding']).to.equal('br');
        expect(res.headers['content-type']).to.equal('text/javascript; charset=utf-8');
        expect(res.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
        expect(res.headers.vary).to.equal('Accept-Encoding');
        expect(Number(res.headers['content-length'])).to.equal(res.body.length);
        expect(res.body.length).to.be.lessThan(original.length / 4);
        expect(brotliDecompressSync(res.body).equals(original)).to.equal(true);
      });

      it('Accept-Encoding gzip → gzip that decompresses to exactly the file', async () => {
        const res = await raw(webChatUrl, { 'Accept-Encoding': 'gzip' });
        expect(res.headers['content-encoding']).to.equal('gzip');
        expect(res.headers.vary).to.equal('Accept-Encoding');
        expect(gunzipSync(res.body).equals(original)).to.equal(true);
      });

      it('no Accept-Encoding (or br;q=0, gzip;q=0) → the file as it is', async () => {
        const variants: Record<string, string>[] = [{}, { 'Accept-Encoding': 'br;q=0, gzip;q=0, identity' }];
        for (const headers of variants) {
          const res = await raw(webChatUrl, headers);
          expect(res.headers['content-encoding']).to.equal(undefined);
          expect(res.headers.vary).to.equal('Accept-Encoding');
          expect(res.body.equals(original)).to.equal(true);
        }
      });

      it('each encoding has its own ETag; If-None-Match with any of them → 304 without a body', async () => {
        const br = await raw(webChatUrl, { 'Accept-Encoding': 'br' });
        const gzip = await raw(webChatUrl, { 'Accept-Encoding': 'gzip' });
        const plain = await raw(webChatUrl);
        const tags = [br, gzip, plain].map((r) => String(r.headers.etag));
        expect(new Set(tags).size).to.equal(3);
        for (const tag of [...tags, `W/${tags[0]}`, `"nope", ${tags[1]}`]) {
          const res = await raw(webChatUrl, { 'Accept-Encoding': 'br', 'If-None-Match': tag });
          expect(res.status, tag).to.equal(304);
          expect(res.body.length).to.equal(0);
          expect(res.headers.etag).to.equal(tags[0]);
          expect(res.headers['cache-control']).to.include('immutable');
        }
        expect((await raw(webChatUrl, { 'If-None-Match': '"other"' })).status).to.equal(200);
      });

      it('an old or unknown hash is a 404, not the current file', async () => {
        const res = await raw(`${running.base}/webchat/webchat.0000000000000000.js`);
        expect(res.status).to.equal(404);
      });
    });

    it('serves the page script, stylesheet and avatar with hashed URLs, compressed when worthwhile', async () => {
      await whenCompressed();
      for (const pattern of [/\/assets\/chat\.[0-9a-f]{16}\.js/, /\/assets\/chat\.[0-9a-f]{16}\.css/]) {
        const url = `${running.base}${pattern.exec(html)?.[0]}`;
        const res = await raw(url, { 'Accept-Encoding': 'br' });
        expect(res.status, url).to.equal(200);
        expect(res.headers['content-encoding']).to.equal('br');
        expect(res.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
      }
      const script = await raw(`${running.base}${/\/assets\/chat\.[0-9a-f]{16}\.js/.exec(html)?.[0]}`);
      const text = script.body.toString('utf8');
      expect(text).to.include('tokens/generate');
      expect(text).to.include('tokens/refresh');
      expect(text).to.include("locale: 'id-ID'");
      expect(text).to.include('sessionStorage');
      const avatarPath = /\/assets\/avatar\.[0-9a-f]{16}\.svg/.exec(html)?.[0];
      const avatar = await raw(`${running.base}${avatarPath}`);
      expect(avatar.headers['content-type']).to.equal('image/svg+xml');
      expect(avatar.body.toString('utf8')).to.include('<svg');
      expect(avatar.headers['content-security-policy']).to.include("default-src 'none'");
    });

    it('GET /embed.js is the widget at a stable URL with a short cache, loadable by other sites', async () => {
      const res = await raw(`${running.base}/embed.js`, { 'Accept-Encoding': 'gzip' });
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('text/javascript; charset=utf-8');
      expect(res.headers['cache-control']).to.equal('public, max-age=300');
      expect(res.headers['cross-origin-resource-policy']).to.equal('cross-origin');
      expect(res.headers.etag).to.match(/^"[0-9a-f]{16}(-gz)?"$/);
      const text = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.body) : res.body).toString('utf8');
      expect(text).to.include("'Buka chat asisten privasi'");
      expect(text).to.include("frame.title = 'Asisten Privasi Wowrack'");
      expect(text).to.include('/?embed=1');
      expect(text).to.include('document.currentScript');
      expect(text).to.include("button.type = 'button'"); // a real button: focusable, Enter and Space work
      const again = await raw(`${running.base}/embed.js`, { 'If-None-Match': String(res.headers.etag) });
      expect(again.status).to.equal(304);
    });

    it('POST /api/directline/token without DIRECT_LINE_SECRET → 404 not_configured', async () => {
      const res = await fetch(`${running.base}/api/directline/token`, { method: 'POST' });
      expect(res.status).to.equal(404);
      expect(await res.json()).to.include({ error: 'not_configured' });
    });
  });

  describe('Azure mode: the token exchange', () => {
    const SECRET = 'TestSecret.abc-123_DEF.456ghi789jkl';
    let upstream: Server;
    let upstreamUrl: string;
    /** What the fake Direct Line saw, and what it answers next. */
    const seen: { authorization?: string; body: string; path?: string }[] = [];
    let answer: { status: number; body: string } = { status: 200, body: '' };
    let running: Running;
    let down: Running | undefined;

    before(async () => {
      upstream = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => {
          body += chunk.toString('utf8');
        });
        req.on('end', () => {
          seen.push({ authorization: req.headers.authorization, body, path: req.url });
          res.writeHead(answer.status, { 'Content-Type': 'application/json' });
          res.end(answer.body);
        });
      });
      upstream.listen(0, '127.0.0.1');
      await once(upstream, 'listening');
      upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v3/directline`;
      running = await start({ DIRECT_LINE_SECRET: SECRET, DIRECT_LINE_ENDPOINT: upstreamUrl });
    });
    after(async () => {
      await stop(running);
      await stop(down);
      upstream.close();
    });
    beforeEach(() => {
      seen.length = 0;
      answer = {
        status: 200,
        body: JSON.stringify({ conversationId: 'conv-1', token: 'upstream-token', expires_in: 1800 }),
      };
    });

    const post = (base = running.base) => fetch(`${base}/api/directline/token`, { method: 'POST' });

    it('exchanges the secret server-side: the page gets the upstream token, the upstream saw Bearer <secret>', async () => {
      const res = await post();
      expect(res.status).to.equal(200);
      expect(res.headers.get('cache-control')).to.equal('no-store');
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).to.include({ token: 'upstream-token', conversationId: 'conv-1', expires_in: 1800 });
      expect(body.userId).to.match(/^dl_[0-9a-f]{32}$/);
      expect(JSON.stringify(body)).not.to.include(SECRET);
      expect(seen).to.have.length(1);
      expect(seen[0]?.path).to.equal('/v3/directline/tokens/generate');
      expect(seen[0]?.authorization).to.equal(`Bearer ${SECRET}`);
      expect(JSON.parse(seen[0]?.body ?? '{}')).to.deep.equal({ user: { id: body.userId } });
    });

    it('the page is in Azure mode, may connect to the configured endpoint, and never contains the secret', async () => {
      const res = await fetch(`${running.base}/`);
      const html = await res.text();
      expect(configOf(html)).to.deep.include({
        mode: 'azure',
        tokenUrl: '/api/directline/token',
        directLineDomain: upstreamUrl,
      });
      expect(html).not.to.include(SECRET);
      const origin = new URL(upstreamUrl);
      const connect = /connect-src ([^;]*)/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
      // Only this origin and the configured endpoint: no ws:/wss: of any host, not even Azure's global one.
      expect(connect).to.equal(`'self' http://${origin.host} ws://${origin.host}`);
    });

    it('an upstream error → 502 with a JSON reason; the secret is in neither the answer nor the logs', async () => {
      answer = { status: 403, body: JSON.stringify({ error: { message: `bad secret ${SECRET}` } }) };
      const res = await post();
      expect(res.status).to.equal(502);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).to.include({ error: 'bad_gateway', reason: 'upstream_error' });
      expect(String(body.message)).to.include('403');
      answer = { status: 200, body: '{"no":"token"}' };
      const bad = await post();
      expect(bad.status).to.equal(502);
      expect(await bad.json()).to.include({ reason: 'bad_upstream_response' });
      expect(running.logs.join('\n')).not.to.include(SECRET);
      expect(running.logs.join('\n')).to.include('Direct Line token could not be obtained');
    });

    it('upstream down → 502 upstream_unreachable', async () => {
      const closed = createServer();
      closed.listen(0, '127.0.0.1');
      await once(closed, 'listening');
      const port = (closed.address() as AddressInfo).port;
      closed.close();
      await once(closed, 'close');
      down = await start({
        DIRECT_LINE_SECRET: SECRET,
        DIRECT_LINE_ENDPOINT: `http://127.0.0.1:${port}/v3/directline`,
      });
      const res = await post(down.base);
      expect(res.status).to.equal(502);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).to.include({ error: 'bad_gateway', reason: 'upstream_unreachable' });
      expect(JSON.stringify(body)).not.to.include(SECRET);
      expect(down.logs.join('\n')).not.to.include(SECRET);
    });

    it('is rate-limited per client IP: 20 a minute, then 429 with Retry-After (and no upstream call)', async () => {
      // Earlier tests in this block used 3 of this app's 20.
      const statuses: number[] = [];
      for (let i = 0; i < 18; i += 1) statuses.push((await post()).status);
      expect(statuses.slice(0, 17).every((s) => s === 200)).to.equal(true);
      expect(statuses[17]).to.equal(429);
      const limited = await post();
      expect(limited.status).to.equal(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).to.be.within(1, 60);
      expect(await limited.json()).to.include({ error: 'too_many_requests' });
      expect(seen).to.have.length(17);
    });
  });

  describe('StaticAsset and Accept-Encoding (units)', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'wowrack-asset-'));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('reads the header like a browser sends it: br > gzip, q=0 refuses, * covers the rest', () => {
      expect(acceptedEncodings('gzip, deflate, br, zstd')).to.deep.equal({ br: true, gzip: true });
      expect(acceptedEncodings('gzip;q=1.0, br;q=0')).to.deep.equal({ br: false, gzip: true });
      expect(acceptedEncodings('*')).to.deep.equal({ br: true, gzip: true });
      expect(acceptedEncodings('*;q=0, x-gzip')).to.deep.equal({ br: false, gzip: true });
      expect(acceptedEncodings('identity')).to.deep.equal({ br: false, gzip: false });
      expect(acceptedEncodings(undefined)).to.deep.equal({ br: false, gzip: false });
      expect(acceptedEncodings('BR;Q=0.5')).to.deep.equal({ br: true, gzip: false });
    });

    it('a request before brotli is ready gets gzip, never waits for brotli; brotli afterwards', async () => {
      const file = join(dir, 'unique.js');
      // Unique content: nothing compressed it before (compressions are shared per content hash).
      await writeFile(
        file,
        `const unique = ${JSON.stringify(Math.random())};\n${'console.log(unique);\n'.repeat(500)}`,
      );
      const asset = new StaticAsset({ file, urlPath: (h) => `/x.${h}.js`, contentType: 'text/javascript' });
      const first = await asset.variant('br, gzip');
      expect(first.encoding).to.equal('gzip');
      await asset.compress();
      const later = await asset.variant('br, gzip');
      expect(later.encoding).to.equal('br');
      expect(brotliDecompressSync(later.body).equals(asset.bytes)).to.equal(true);
      expect(asset.path).to.equal(`/x.${asset.hash}.js`);
    });

    it('sends a file that compression does not shrink as it is', async () => {
      const file = join(dir, 'tiny.txt');
      await writeFile(file, `${Math.random()}`);
      const asset = new StaticAsset({ file, urlPath: () => '/tiny.txt', contentType: 'text/plain' });
      await asset.compress();
      expect((await asset.variant('br, gzip')).encoding).to.equal('identity');
    });
  });
});

/**
 * The body reader on every route, through the real server (finding 6 of issue 8: multipart uploads bypassed the
 * 256 KB limit and were written to the temp folder; finding 10: 100,000-deep nesting).
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { jsonDepthExceeds, MAX_BODY_BYTES, MAX_JSON_DEPTH } from '../../../bot/http/bodyReader.ts';
import { type RunningApp, rawRequest, startApp } from '../../support/appHarness.ts';

const activity = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'message',
  text: 'Apakah data saya dijual?',
  channelId: 'test',
  conversation: { id: 'body-reader' },
  from: { id: 'user-1' },
  recipient: { id: 'bot' },
  deliveryMode: 'expectReplies',
  ...overrides,
});

/** Files of 1 MB or more directly in the temp folder (where restify's multipart parser left its uploads). */
async function largeTempFiles(): Promise<Set<string>> {
  const found = new Set<string>();
  for (const name of await readdir(tmpdir())) {
    const info = await stat(join(tmpdir(), name)).catch(() => undefined);
    if (info?.isFile() && info.size >= 1024 * 1024) found.add(name);
  }
  return found;
}

/** A body sent in chunks (Transfer-Encoding: chunked, no Content-Length): the answer, or 'reset'. */
function chunked(port: number, path: string, contentType: string, chunks: number, chunkBytes: number) {
  return new Promise<{ status: number; body: string } | 'reset'>((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': contentType } });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve('reset'));
    });
    req.on('error', () => resolve('reset'));
    const chunk = Buffer.alloc(chunkBytes, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < chunks) {
        sent += 1;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

describe('request bodies (every route: JSON only, 256 KB, never on disk)', function () {
  this.timeout(20_000);
  let running: RunningApp;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-body-'));
    running = await startApp(dataDir, '');
  });
  after(async () => {
    await running?.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a 10 MB multipart upload with 415 on /api/messages, tokens/generate, consent and unknown paths; no file is written', async () => {
    const before = await largeTempFiles();
    const upload = new Uint8Array(10 * 1024 * 1024);
    for (const path of ['/api/messages', '/v3/directline/tokens/generate', '/consent/abc', '/nowhere']) {
      const form = new FormData();
      form.append('file', new Blob([upload]), 'upload.bin');
      const res = await fetch(`${running.base}${path}`, { method: 'POST', body: form });
      expect(res.status, path).to.equal(415);
      const body = (await res.json()) as { error?: string; message?: string };
      expect(body.error, path).to.equal('unsupported_media_type');
      expect(body, path).not.to.have.property('token');
    }
    const after = await largeTempFiles();
    expect([...after].filter((name) => !before.has(name))).to.deep.equal([]);
  });

  it('413 for a body over 256 KB by its Content-Length, and for a chunked one as soon as it passes the limit', async () => {
    const big = JSON.stringify(activity({ text: 'x', pad: 'x'.repeat(MAX_BODY_BYTES) }));
    const declared = await rawRequest(running.port, 'POST', '/v3/directline/tokens/generate', big, {
      'content-type': 'application/json',
    });
    expect(declared.status).to.equal(413);
    expect(JSON.parse(declared.body)).to.include({ error: 'payload_too_large' });
    // 1 MB in 16 KB chunks, without a Content-Length.
    const streamed = await chunked(running.port, '/api/messages', 'application/json', 64, 16 * 1024);
    expect(streamed).not.to.equal('reset');
    expect(streamed === 'reset' ? 0 : streamed.status).to.equal(413);
  });

  it(`400 with a reason for JSON nested deeper than ${MAX_JSON_DEPTH} levels (100,000 deep included); ${MAX_JSON_DEPTH} is fine`, async () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    for (const [field, value] of [
      ['value', nested(100_000)],
      // 40,000 objects deep: 240 KB, within the size limit.
      ['channelData', `${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}`],
      // The activity is the first level: 64 more is one too many.
      ['value', nested(MAX_JSON_DEPTH)],
    ] as const) {
      const body = JSON.stringify(activity()).replace(/}$/, `,"${field}":${value}}`);
      const res = await rawRequest(running.port, 'POST', '/api/messages', body, { 'content-type': 'application/json' });
      expect(res.status, `${field} ${value.length}`).to.equal(400);
      expect(JSON.parse(res.body).message).to.include(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    // The activity itself is one level; a value nested 62 more stays within the limit.
    const ok = JSON.stringify(activity()).replace(/}$/, `,"value":${nested(MAX_JSON_DEPTH - 2)}}`);
    const res = await rawRequest(running.port, 'POST', '/api/messages', ok, { 'content-type': 'application/json' });
    expect(res.status).to.equal(200);
  });

  it('brackets inside strings do not count as nesting', async () => {
    const res = await rawRequest(
      running.port,
      'POST',
      '/api/messages',
      JSON.stringify(activity({ text: `${'[{'.repeat(500)} \\" ${'}]'.repeat(500)}` })),
      { 'content-type': 'application/json; charset=utf-8' },
    );
    expect(res.status).to.equal(200);
  });

  it('the depth scan skips whole strings, escaped quotes and backslashes included', () => {
    const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    // A string ending in an escaped backslash ends there: the brackets after it count.
    expect(jsonDepthExceeds(JSON.stringify({ a: 'x\\', b: JSON.parse(deep(3)) }), 3)).to.equal(true);
    expect(jsonDepthExceeds(JSON.stringify({ a: 'x\\', b: JSON.parse(deep(2)) }), 3)).to.equal(false);
    // An escaped quote does not end the string: the brackets inside it do not count.
    expect(jsonDepthExceeds(JSON.stringify({ a: `"${deep(10)}\\"${deep(10)}` }), 3)).to.equal(false);
    // An unterminated string hides everything after it (JSON.parse refuses such a body anyway).
    expect(jsonDepthExceeds(`["${deep(10)}`, 3)).to.equal(false);
  });

  it('malformed JSON, invalid UTF-8, another charset, text/plain: 400/400/415/415 with a JSON reason', async () => {
    const cases: readonly (readonly [string | Buffer, string, number, RegExp])[] = [
      ['{"type": "message", "text": ', 'application/json', 400, /not valid JSON/],
      [Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json', 400, /UTF-8/],
      ['{}', 'application/json; charset=iso-8859-1', 415, /UTF-8/],
      ['halo', 'text/plain', 415, /application\/json/],
      ['type=message', 'application/x-www-form-urlencoded', 400, /only application\/json/],
    ];
    for (const [body, contentType, status, reason] of cases) {
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: running.port, method: 'POST', path: '/api/messages' },
          (response) => {
            let text = '';
            response.on('data', (c: Buffer) => {
              text += c.toString();
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
          },
        );
        req.setHeader('content-type', contentType);
        req.on('error', reject);
        req.end(body);
      });
      expect(res.status, contentType).to.equal(status);
      expect(JSON.parse(res.body).message, contentType).to.match(reason);
    }
  });

  it('a POST without a body still reaches its route (Web Chat asks for a token with an empty POST)', async () => {
    const res = await fetch(`${running.base}/v3/directline/tokens/generate`, { method: 'POST' });
    expect(res.status).to.equal(200);
    expect(await res.json()).to.have.property('token');
  });

  it('still answers after all of it', async () => {
    const res = await fetch(`${running.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity({ conversation: { id: 'body-reader-after' } })),
    });
    expect(res.status).to.equal(200);
  });
});

/**
 * Finding 9 of issue 8: 20,000 slow connections from one client took the server offline, and a slow body was held
 * for more than 100 s. Real sockets on loopback: a cap per client address, and request/headers timeouts in seconds
 * (shortened on the running server here so the test takes seconds, not their production values).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  HEADERS_TIMEOUT_MS,
  MAX_CONNECTIONS_PER_ADDRESS,
  REQUEST_TIMEOUT_MS,
} from '../../../bot/http/connectionLimit.ts';
import { type RunningApp, sleep, startApp } from '../../support/appHarness.ts';
import { DirectLineClient } from '../directline/client.ts';

/** A raw socket to the app, connected; `closed` resolves when the server (or anyone) closes it. */
interface RawSocket {
  readonly socket: Socket;
  readonly closed: Promise<void>;
  received: string;
}

function open(port: number): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let settled = false;
    const raw: RawSocket = {
      socket,
      received: '',
      closed: new Promise<void>((done) => socket.once('close', () => done())),
    };
    socket.on('data', (chunk: Buffer) => {
      raw.received += chunk.toString('latin1');
    });
    socket.on('error', (error) => {
      if (!settled) reject(error);
    });
    socket.once('connect', () => {
      settled = true;
      resolve(raw);
    });
  });
}

/** One GET on a raw socket: the status line of the answer. */
async function getOn(raw: RawSocket, path: string): Promise<string> {
  const from = raw.received.length;
  raw.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  while (!raw.received.slice(from).includes('\r\n')) await sleep(20);
  return raw.received.slice(from).split('\r\n')[0] ?? '';
}

describe('connections: a cap per client address and timeouts in seconds (real sockets)', function () {
  this.timeout(20_000);
  let running: RunningApp;
  let dataDir: string;
  const sockets: RawSocket[] = [];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wowrack-conn-'));
    running = await startApp(dataDir, '');
  });
  afterEach(async () => {
    for (const raw of sockets.splice(0)) raw.socket.destroy();
  });
  after(async () => {
    await running?.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('the Node server has a 10 s headers timeout and a 15 s request timeout', () => {
    expect(HEADERS_TIMEOUT_MS).to.equal(10_000);
    expect(REQUEST_TIMEOUT_MS).to.equal(15_000);
    expect(running.app.server.server.headersTimeout).to.equal(HEADERS_TIMEOUT_MS);
    expect(running.app.server.server.requestTimeout).to.equal(REQUEST_TIMEOUT_MS);
  });

  it(`holds at most ${MAX_CONNECTIONS_PER_ADDRESS} connections from one address; the rest are closed at once, the held ones still serve`, async () => {
    const extra = 16;
    for (let i = 0; i < MAX_CONNECTIONS_PER_ADDRESS + extra; i += 1) sockets.push(await open(running.port));
    // The extra ones are closed by the server (without waiting for any timeout).
    let closed = 0;
    for (const raw of sockets) void raw.closed.then(() => (closed += 1));
    while (closed < extra) await sleep(20);
    const held = sockets.find((raw) => !raw.socket.destroyed && raw.socket.readyState === 'open');
    expect(held, 'a held connection').not.to.equal(undefined);
    if (held) expect(await getOn(held, '/healthz')).to.equal('HTTP/1.1 200 OK');
    expect(closed).to.equal(extra);
    // Once they are gone, the address may connect again.
    for (const raw of sockets.splice(0)) raw.socket.destroy();
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1) {
      status = await fetch(`${running.base}/healthz`, { headers: { connection: 'close' } }).then(
        (res) => res.status,
        () => 0,
      );
      if (status !== 200) await sleep(50);
    }
    expect(status).to.equal(200);
  });

  describe('with the timeouts shortened to 1 s (headers) and 1.5 s (request)', () => {
    before(() => {
      running.app.server.server.headersTimeout = 1_000;
      running.app.server.server.requestTimeout = 1_500;
    });
    after(() => {
      running.app.server.server.headersTimeout = HEADERS_TIMEOUT_MS;
      running.app.server.server.requestTimeout = REQUEST_TIMEOUT_MS;
    });

    it('a body sent a byte at a time is dropped with 408 (it never completes the request)', async () => {
      const raw = await open(running.port);
      sockets.push(raw);
      raw.socket.write(
        'POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
      );
      const trickle = setInterval(() => raw.socket.writable && raw.socket.write(' '), 100);
      try {
        await raw.closed;
      } finally {
        clearInterval(trickle);
      }
      expect(raw.received.split('\r\n')[0]).to.equal('HTTP/1.1 408 Request Timeout');
    });

    it('headers sent a byte at a time, and a connection that sends nothing, are dropped too', async () => {
      const slow = await open(running.port);
      const silent = await open(running.port);
      sockets.push(slow, silent);
      slow.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const trickle = setInterval(() => slow.socket.writable && slow.socket.write('X-A: b\r\n'), 100);
      try {
        await Promise.all([slow.closed, silent.closed]);
      } finally {
        clearInterval(trickle);
      }
      expect(slow.received.split('\r\n')[0]).to.equal('HTTP/1.1 408 Request Timeout');
    });

    it('a Direct Line WebSocket stream outlives the request timeout: the reply still arrives on it', async () => {
      const { client, stream } = await DirectLineClient.connect(running.base);
      try {
        // Longer than the request timeout and Node's 1 s check after it.
        await sleep(3_000);
        const { text } = await stream.turn(await client.say('Apakah data saya dijual?'));
        expect(text).not.to.equal('');
      } finally {
        await stream.close();
      }
    });
  });
});

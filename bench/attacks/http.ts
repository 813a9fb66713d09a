/**
 * Replays of the HTTP-edge attacks of issue 8 (findings 6, 8, 9, 10, 12, 13, 18) against a running assistant, for
 * `npm run attack`. Each takes the assistant's base URL (loopback only: these are attacks), is bounded in requests,
 * sockets and time, and returns whether the defence held, with a one-line detail.
 */
import { connect, type Socket } from 'node:net';

export interface AttackResult {
  readonly held: boolean;
  readonly detail: string;
}

export type Attack = (base: string) => Promise<AttackResult>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The URL of `base`, refusing anything that is not this machine. */
function target(base: string): URL {
  const url = new URL(base);
  if (!LOOPBACK.has(url.hostname)) throw new Error(`attacks run against loopback only, not ${url.hostname}`);
  return url;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const activity = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'message',
  text: 'halo',
  channelId: 'attack',
  conversation: { id: `attack-${Date.now()}` },
  from: { id: 'attacker' },
  recipient: { id: 'bot' },
  deliveryMode: 'expectReplies',
  ...overrides,
});

async function postJson(base: string, path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(new URL(path, target(base)), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, text: await res.text() };
}

/** Finding 6: a 10 MB multipart upload to /api/messages and tokens/generate must be refused (415), not stored. */
export const multipart10MB: Attack = async (base) => {
  const statuses: string[] = [];
  for (const path of ['/api/messages', '/v3/directline/tokens/generate']) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(10 * 1024 * 1024)]), 'upload.bin');
    try {
      const res = await fetch(new URL(path, target(base)), {
        method: 'POST',
        body: form,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      statuses.push(`${path} ${res.status}${text.includes('"token"') ? ' (token issued)' : ''}`);
    } catch (error) {
      statuses.push(`${path} connection cut (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const held = statuses.every((s) => / 41[35]$|connection cut/.test(s));
  return { held, detail: statuses.join('; ') };
};

/** Finding 10: 100,000-deep arrays and objects must get 400 with a reason, not 500. */
export const deepNesting: Attack = async (base) => {
  const arrays = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const objects = `${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}`;
  const results: string[] = [];
  for (const [name, value] of [
    ['value', arrays],
    ['channelData', objects],
  ] as const) {
    const body = JSON.stringify(activity()).replace(/}$/, `,"${name}":${value}}`);
    const res = await postJson(base, '/api/messages', body);
    results.push(`${name}: ${res.status}`);
  }
  return { held: results.every((r) => r.endsWith(': 400')), detail: results.join(', ') };
};

/** Finding 10: serviceUrl of eight wrong types must each get 400 with a reason (no internal error text). */
export const badServiceUrlTypes: Attack = async (base) => {
  const values: unknown[] = [42, true, {}, [], { href: 'http://x' }, ['http://x'], 0, -1];
  const bad: string[] = [];
  for (const serviceUrl of values) {
    const res = await postJson(base, '/api/messages', JSON.stringify(activity({ serviceUrl })));
    if (res.status !== 400 || /toLowerCase|TypeError/.test(res.text))
      bad.push(`${JSON.stringify(serviceUrl)}→${res.status}`);
  }
  return {
    held: bad.length === 0,
    detail: bad.length === 0 ? `all ${values.length} answered 400 with a reason` : `not refused: ${bad.join(', ')}`,
  };
};

/**
 * Finding 8: a website visitor's flow, reached by an anonymous /api/messages with channelId "directline" and their
 * conversation id, must be refused (403), and must never show the visitor's data.
 */
export const crossChannel: Attack = async (base) => {
  const url = target(base);
  const generated = await fetch(new URL('/v3/directline/tokens/generate', url), { method: 'POST' });
  if (generated.status === 404) return { held: true, detail: 'built-in Direct Line off (Azure Bot): not applicable' };
  if (generated.status !== 200) return { held: false, detail: `could not start a visitor chat (${generated.status})` };
  const grant = (await generated.json()) as { token: string; conversationId: string; userId: string };
  const auth = { authorization: `Bearer ${grant.token}`, 'content-type': 'application/json' };
  const conversation = new URL(`/v3/directline/conversations/${encodeURIComponent(grant.conversationId)}`, url);
  await fetch(new URL('/v3/directline/conversations', url), { method: 'POST', headers: auth });
  const secret = `Visitor${Math.floor(Math.random() * 1e6)}`;
  for (const text of ['saya masih 16 tahun', secret]) {
    await fetch(`${conversation}/activities`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ type: 'message', text }),
    });
    await sleep(500);
  }
  const forged = await postJson(
    base,
    '/api/messages',
    JSON.stringify(
      activity({
        channelId: 'directline',
        conversation: { id: grant.conversationId },
        from: { id: grant.userId },
        text: 'bantuan',
      }),
    ),
  );
  const leaked = forged.text.includes(secret);
  return {
    held: forged.status === 403 && !leaked,
    detail: `forged activity answered ${forged.status}${leaked ? ", with the visitor's name" : ''}`,
  };
};

/**
 * Finding 12: a decision POSTed by another site's form (Origin http://evil.example, Sec-Fetch-Site cross-site) must
 * be refused before the token is even looked at: 403, where an unprotected server shows its unknown-link page (404).
 */
export const crossSiteConsentPost: Attack = async (base) => {
  const url = new URL(`/consent/${'A'.repeat(43)}`, target(base));
  const statuses: number[] = [];
  const forged: readonly Record<string, string>[] = [
    { origin: 'http://evil.example' },
    { 'sec-fetch-site': 'cross-site' },
    { origin: 'null' },
  ];
  for (const headers of forged) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: 'decision=approve',
      redirect: 'manual',
    });
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  return { held: statuses.every((s) => s === 403), detail: `cross-site POSTs answered ${statuses.join(', ')}` };
};

function openSocket(host: string, port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.setTimeout(5_000, () => socket.destroy());
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(undefined));
  });
}

/**
 * Finding 9: 300 connections from one address (far fewer than the report's 20,000) each sending a body a byte at a
 * time. Held when the server keeps at most a bounded number of them (64 expected) and drops the slow bodies within
 * seconds (15 s expected, 25 s allowed), while still answering /healthz.
 */
export const slowBodies: Attack = async (base) => {
  const url = target(base);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 80);
  const sockets: Socket[] = [];
  const started = Date.now();
  try {
    for (let i = 0; i < 300; i += 1) {
      const socket = await openSocket(host, port);
      if (!socket) continue;
      socket.on('error', () => undefined);
      socket.write(
        `POST /api/messages HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n{`,
      );
      sockets.push(socket);
    }
    const trickle = setInterval(() => {
      for (const s of sockets) if (!s.destroyed) s.write(' ');
    }, 500);
    await sleep(1_000);
    const openAfter1s = sockets.filter((s) => !s.destroyed && !s.readableEnded).length;
    let healthy = false;
    try {
      healthy = (await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(5_000) })).status === 200;
    } catch {
      healthy = false;
    }
    while (Date.now() - started < 25_000 && sockets.some((s) => !s.destroyed && !s.readableEnded)) await sleep(250);
    clearInterval(trickle);
    const stillOpen = sockets.filter((s) => !s.destroyed && !s.readableEnded).length;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    return {
      held: openAfter1s <= 64 && stillOpen === 0,
      detail: `${sockets.length} slow bodies: ${openAfter1s} held after 1 s, ${stillOpen} still open after ${seconds} s; /healthz meanwhile ${healthy ? 'answered' : 'did not answer (the cap covers it too)'}`,
    };
  } finally {
    for (const s of sockets) s.destroy();
  }
};

/** Finding 18: the chat page's connect-src allows 'self' and at most the configured Direct Line, no bare ws:/wss:. */
export const csp: Attack = async (base) => {
  const res = await fetch(new URL('/', target(base)));
  await res.arrayBuffer();
  const policy = res.headers.get('content-security-policy') ?? '';
  const connectSrc = /(?:^|;\s*)connect-src ([^;]*)/.exec(policy)?.[1]?.trim() ?? '(none)';
  const sources = connectSrc.split(/\s+/);
  const open = sources.filter((s) => ['ws:', 'wss:', 'http:', 'https:', '*'].includes(s));
  return { held: open.length === 0, detail: `connect-src ${connectSrc}` };
};

/**
 * Finding 13 (only with TRUST_PROXY=true on the target): four spellings of one X-Forwarded-For address must share one
 * limit of 20 new chats a minute. Uses a random documentation address, so it does not lock anyone out.
 */
export const forwardedForSpellings: Attack = async (base) => {
  const url = target(base);
  const last = 1 + Math.floor(Math.random() * 250);
  const ip = `198.51.100.${last}`;
  // 198.51 is c633 in hex; 100.<last> is (100 × 256 + last).
  const mappedHex = `::ffff:c633:${(100 * 256 + last).toString(16)}`;
  const spellings = [`${ip}:1000`, `[::ffff:${ip}]:2000`, mappedHex, ` ${ip}`];
  const statuses: number[] = [];
  for (let i = 0; i < 21; i += 1) {
    const res = await fetch(new URL('/v3/directline/tokens/generate', url), {
      method: 'POST',
      headers: { 'x-forwarded-for': spellings[i % spellings.length] ?? ip },
    });
    await res.arrayBuffer();
    statuses.push(res.status);
    if (res.status === 404) return { held: true, detail: 'built-in Direct Line off: not applicable' };
  }
  // A control from another address: allowed only if the target keys on X-Forwarded-For at all.
  const control = await fetch(new URL('/v3/directline/tokens/generate', url), {
    method: 'POST',
    headers: { 'x-forwarded-for': `198.51.100.${last === 250 ? 1 : last + 1}` },
  });
  await control.arrayBuffer();
  if (control.status === 429) return { held: true, detail: 'TRUST_PROXY is off on the target: not applicable' };
  const limited = statuses.indexOf(429);
  if (limited === -1) {
    return {
      held: false,
      detail: '21 new chats under four spellings of one address were all allowed',
    };
  }
  return { held: limited === 20, detail: `limited after ${limited} requests under four spellings` };
};

/** Every attack of this file, by name, in the order of the issue. */
export const HTTP_ATTACKS: Readonly<Record<string, Attack>> = {
  multipart10MB,
  crossChannel,
  slowBodies,
  deepNesting,
  badServiceUrlTypes,
  crossSiteConsentPost,
  forwardedForSpellings,
  csp,
};

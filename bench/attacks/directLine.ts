/**
 * Attacks on the built-in Direct Line (issue 8, findings 4 and 5), replayed against a running assistant for
 * `npm run attack`. Each is bounded in count and time, talks to a loopback address only, and observes from the
 * outside (HTTP answers, what GET activities returns, whether sockets are closed): { held, detail }.
 *
 * They use few new conversations (13 in all, under the 20 a minute per address of tokens/generate), so they can run
 * one after another from one address.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';

export interface AttackResult {
  readonly held: boolean;
  readonly detail: string;
}

/** What the assistant promises (bot/directline/limits.ts), repeated here so the replay checks the promise itself. */
const HISTORY_ACTIVITIES = 200;
const HISTORY_BYTES = 256 * 1024;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function loopbackBase(base: string): string {
  const url = new URL(base);
  if (!LOOPBACK.has(url.hostname)) throw new Error(`attacks run against a loopback address only, not ${url.hostname}`);
  return url.origin;
}

interface Grant {
  readonly token: string;
  readonly conversationId: string;
}

async function generate(base: string): Promise<Grant> {
  const res = await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`tokens/generate answered ${res.status}`);
  const body = (await res.json()) as Grant;
  return { token: body.token, conversationId: body.conversationId };
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const conversationUrl = (base: string, grant: Grant) =>
  `${base}/v3/directline/conversations/${encodeURIComponent(grant.conversationId)}`;

async function post(base: string, grant: Grant, activity: unknown): Promise<number> {
  const res = await fetch(`${conversationUrl(base, grant)}/activities`, {
    method: 'POST',
    headers: { ...auth(grant.token), 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  await res.arrayBuffer();
  return res.status;
}

async function history(
  base: string,
  grant: Grant,
): Promise<{ status: number; activities: unknown[]; watermark: number }> {
  const res = await fetch(`${conversationUrl(base, grant)}/activities`, { headers: auth(grant.token) });
  if (res.status !== 200) {
    await res.arrayBuffer();
    return { status: res.status, activities: [], watermark: 0 };
  }
  const body = (await res.json()) as { activities: unknown[]; watermark: string };
  return { status: 200, activities: body.activities, watermark: Number(body.watermark) };
}

/** As large as each field may be: 4,000 characters of text, just under 16 KB each of value and channelData. */
const BIG = {
  text: 'x'.repeat(4000),
  value: { blob: 'v'.repeat(16_000) },
  channelData: { blob: 'c'.repeat(16_000) },
};

/**
 * Finding 4: one client refreshes its token 2,000 times (at most 60 s). Held when another client's token still works,
 * the flood was rate-limited (429) and the replaced token stopped working.
 */
export async function refreshFlood(baseUrl: string): Promise<AttackResult> {
  const base = loopbackBase(baseUrl);
  const victim = await generate(base);
  const attacker = await generate(base);
  const deadline = Date.now() + 60_000;
  let token = attacker.token;
  let ok = 0;
  let limited = 0;
  let other = 0;
  let sent = 0;
  for (; sent < 2_000 && Date.now() < deadline; sent += 1) {
    const res = await fetch(`${base}/v3/directline/tokens/refresh`, { method: 'POST', headers: auth(token) });
    const body = (await res.json().catch(() => ({}))) as { token?: string };
    if (res.status === 200 && body.token) {
      ok += 1;
      token = body.token;
    } else if (res.status === 429) limited += 1;
    else other += 1;
  }
  const victimStatus = (await history(base, victim)).status;
  const replacedStatus = ok > 0 ? (await history(base, attacker)).status : 0;
  const held = victimStatus === 200 && limited > 0 && other === 0 && (ok === 0 || replacedStatus === 403);
  return {
    held,
    detail:
      `${sent} refreshes: ${ok} granted, ${limited} limited (429), ${other} other; ` +
      `the other visitor's token answers ${victimStatus}, the replaced token ${replacedStatus || 'n/a'}`,
  };
}

/**
 * Finding 5 (history): 500 typing activities with every field at its maximum, 60 big events, and oversized fields
 * (at most 60 s). Held when the stored history stays within 200 activities / 256 KB, typing is stored without its
 * text/value, and oversized fields get 400.
 */
export async function memoryFlood(baseUrl: string): Promise<AttackResult> {
  const base = loopbackBase(baseUrl);
  const grant = await generate(base);
  const deadline = Date.now() + 60_000;
  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  for (let i = 0; i < 500 && Date.now() < deadline; i += 1) count(await post(base, grant, { type: 'typing', ...BIG }));
  for (let i = 0; i < 60 && Date.now() < deadline; i += 1)
    count(await post(base, grant, { type: 'event', name: 'attack', value: BIG.value, channelData: BIG.channelData }));
  const oversized = [
    await post(base, grant, { type: 'message', text: 'a'.repeat(4001) }),
    await post(base, grant, { type: 'event', name: 'attack', value: { blob: 'v'.repeat(20_000) } }),
  ];
  const held_ = await history(base, grant);
  const bytes = JSON.stringify(held_.activities).length;
  const typingWithText = held_.activities.filter(
    (a) => typeof a === 'object' && a !== null && 'type' in a && a.type === 'typing' && ('text' in a || 'value' in a),
  ).length;
  const held =
    held_.status === 200 &&
    held_.activities.length <= HISTORY_ACTIVITIES &&
    bytes <= HISTORY_BYTES + 1024 &&
    typingWithText === 0 &&
    oversized.every((s) => s === 400);
  const answered = [...statuses].map(([status, n]) => `${n}×${status}`).join(', ');
  return {
    held,
    detail:
      `posted ${answered}; history holds ${held_.activities.length} activities, ${Math.round(bytes / 1024)} KB ` +
      `(watermark ${held_.watermark}), ${typingWithText} typing with text/value; oversized fields → ${oversized.join('/')}`,
  };
}

/** A stream socket upgraded by hand and paused: it never reads. */
function silentSocket(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
      },
      timeout: 5_000,
    });
    req.once('upgrade', (_res, socket: Socket) => {
      socket.pause();
      socket.on('error', () => undefined);
      resolve(socket);
    });
    req.once('response', (res) => {
      res.resume();
      reject(new Error(`stream upgrade answered ${res.statusCode}`));
    });
    req.once('timeout', () => req.destroy(new Error('stream upgrade timed out')));
    req.once('error', reject);
    req.end();
  });
}

/**
 * Finding 5 (sockets): 10 conversations with 5 streams each that never read (50 sockets), while big events are
 * posted to them (at most 250 per conversation, 90 s). Then the sockets are read: held when every one of them turns
 * out to have been closed by the server.
 */
export async function slowSockets(baseUrl: string): Promise<AttackResult> {
  const base = loopbackBase(baseUrl);
  const deadline = Date.now() + 90_000;
  const conversations: Grant[] = [];
  for (let i = 0; i < 10; i += 1) conversations.push(await generate(base));
  const sockets: { socket: Socket; closed: boolean }[] = [];
  try {
    for (const grant of conversations)
      for (let i = 0; i < 5; i += 1) {
        const url = `${conversationUrl(base, grant)}/stream?t=${encodeURIComponent(grant.token)}`;
        const entry = { socket: await silentSocket(url), closed: false };
        entry.socket.once('close', () => {
          entry.closed = true;
        });
        sockets.push(entry);
      }
    let posts = 0;
    for (let round = 0; round < 250 && Date.now() < deadline; round += 1)
      for (const grant of conversations) {
        await post(base, grant, { type: 'event', name: 'attack', value: BIG.value, channelData: BIG.channelData });
        posts += 1;
      }
    // Read what reached the kernel buffers: a socket the server cut off then ends; a kept one stays open.
    for (const { socket } of sockets) {
      socket.on('data', () => undefined);
      socket.resume();
    }
    const readUntil = Math.min(deadline + 10_000, Date.now() + 10_000);
    while (Date.now() < readUntil && sockets.some((s) => !s.closed)) await new Promise((r) => setTimeout(r, 50));
    const closed = sockets.filter((s) => s.closed).length;
    return {
      held: closed === sockets.length,
      detail: `${posts} events of ~33 KB posted to 10 conversations; ${closed} of ${sockets.length} silent sockets closed by the server`,
    };
  } finally {
    for (const { socket } of sockets) socket.destroy();
  }
}

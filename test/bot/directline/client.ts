/**
 * A minimal Direct Line 3.0 client for the protocol tests: REST with the global fetch, the stream with `ws`. It speaks
 * the wire format only (no botframework-directlinejs), so the tests see exactly what a browser would get.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import WebSocket from 'ws';
import type { MailTransport, OutgoingMail } from '../../../bot/mail/transport.ts';

export const BOT_ID = 'wowrack-privacy-assistant';

export interface DlActivity {
  readonly type?: string;
  readonly id?: string;
  readonly text?: string;
  readonly replyToId?: string;
  readonly timestamp?: string;
  readonly value?: unknown;
  readonly serviceUrl?: string;
  readonly from?: { readonly id?: string; readonly name?: string; readonly role?: string };
  readonly conversation?: { readonly id?: string };
  readonly suggestedActions?: {
    readonly actions?: readonly { readonly type?: string; readonly title?: string; readonly value?: unknown }[];
  };
  readonly channelData?: { readonly wowrack?: { readonly kind?: string; readonly entryId?: string } };
}

export interface ActivitySet {
  readonly activities: readonly DlActivity[];
  readonly watermark: string;
}

export interface TokenGrant {
  readonly conversationId: string;
  readonly token: string;
  readonly expires_in: number;
  readonly userId: string;
}

export interface ConversationInfo {
  readonly conversationId: string;
  readonly token: string;
  readonly expires_in: number;
  readonly streamUrl: string;
}

export interface JsonResponse<T> {
  readonly status: number;
  readonly body: T;
}

/** A response's JSON body (undefined when it is not JSON). */
async function jsonOf<T>(res: Response): Promise<JsonResponse<T | undefined>> {
  const text = await res.text();
  let body: T | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** The sequence number in an activity id (`<conversationId>|0000007` → 7). */
export const seqOf = (activity: DlActivity): number => Number(activity.id?.split('|')[1] ?? Number.NaN);

/** The FAQ entries a message offers as suggested actions (value {action: "faq", id}). */
export function faqActions(activity: DlActivity): { title: string; value: { action: 'faq'; id: string } }[] {
  const found: { title: string; value: { action: 'faq'; id: string } }[] = [];
  for (const { title, value } of activity.suggestedActions?.actions ?? [])
    if (typeof value === 'object' && value !== null && 'action' in value && value.action === 'faq')
      if ('id' in value && typeof value.id === 'string')
        found.push({ title: title ?? '', value: { action: 'faq', id: value.id } });
  return found;
}

/** One conversation of the built-in Direct Line, as a browser holding its token sees it. */
export class DirectLineClient {
  constructor(
    readonly base: string,
    public token: string,
    readonly conversationId: string,
    readonly userId: string,
  ) {}

  /** POST /tokens/generate: a new conversation. */
  static async generate(base: string): Promise<DirectLineClient> {
    const res = await jsonOf<TokenGrant>(await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST' }));
    if (res.status !== 200 || !res.body) throw new Error(`tokens/generate answered ${res.status}`);
    return new DirectLineClient(base, res.body.token, res.body.conversationId, res.body.userId);
  }

  /** A client generated and started (POST /conversations), with its stream open and the welcome received. */
  static async connect(base: string): Promise<{ client: DirectLineClient; stream: Stream }> {
    const client = await DirectLineClient.generate(base);
    const started = await client.start();
    if (started.status !== 201 || !started.body) throw new Error(`POST /conversations answered ${started.status}`);
    const stream = await Stream.connect(started.body.streamUrl);
    await stream.waitFor((a) => a.channelData?.wowrack?.kind === 'welcome');
    return { client, stream };
  }

  get url(): string {
    return `${this.base}/v3/directline/conversations/${encodeURIComponent(this.conversationId)}`;
  }

  async start(token = this.token): Promise<JsonResponse<ConversationInfo | undefined>> {
    return jsonOf(await fetch(`${this.base}/v3/directline/conversations`, { method: 'POST', headers: bearer(token) }));
  }

  async reconnect(watermark?: string, token = this.token): Promise<JsonResponse<ConversationInfo | undefined>> {
    const query = watermark === undefined ? '' : `?watermark=${encodeURIComponent(watermark)}`;
    return jsonOf(await fetch(`${this.url}${query}`, { headers: bearer(token) }));
  }

  async refresh(token = this.token): Promise<JsonResponse<ConversationInfo | undefined>> {
    return jsonOf(await fetch(`${this.base}/v3/directline/tokens/refresh`, { method: 'POST', headers: bearer(token) }));
  }

  /** POST an activity; the body is sent as given when it is a string. */
  async post(
    activity: unknown,
    options: { token?: string; headers?: Record<string, string>; url?: string } = {},
  ): Promise<JsonResponse<{ id?: string; error?: { code?: string } } | undefined>> {
    const body = typeof activity === 'string' ? activity : JSON.stringify(activity);
    const headers = { 'content-type': 'application/json', ...bearer(options.token ?? this.token), ...options.headers };
    return jsonOf(await fetch(options.url ?? `${this.url}/activities`, { method: 'POST', headers, body }));
  }

  /** Posts a message and returns the id the service gave it. */
  async say(text: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await this.post({ type: 'message', text, ...extra });
    if (res.status !== 200 || !res.body?.id) throw new Error(`POST activities answered ${res.status}`);
    return res.body.id;
  }

  /** Posts a click on a suggested action (Web Chat's messageBack: a value, no text). */
  async click(value: unknown, displayText = ''): Promise<string> {
    const res = await this.post({ type: 'message', value, channelData: { messageBack: { displayText } } });
    if (res.status !== 200 || !res.body?.id) throw new Error(`POST activities answered ${res.status}`);
    return res.body.id;
  }

  async activities(
    watermark?: string,
    token = this.token,
    url = `${this.url}/activities`,
  ): Promise<JsonResponse<ActivitySet | undefined>> {
    const query = watermark === undefined ? '' : `?watermark=${encodeURIComponent(watermark)}`;
    return jsonOf(await fetch(`${url}${query}`, { headers: bearer(token) }));
  }

  /** GET activities, expecting 200. */
  async history(watermark?: string): Promise<ActivitySet> {
    const res = await this.activities(watermark);
    if (res.status !== 200 || !res.body) throw new Error(`GET activities answered ${res.status}`);
    return res.body;
  }

  /** The stream URL of this conversation with another token or watermark (as the service builds it). */
  streamUrl(token = this.token, watermark?: string): string {
    const ws = this.url.replace(/^http/, 'ws');
    const from = watermark === undefined ? '' : `&watermark=${encodeURIComponent(watermark)}`;
    return `${ws}/stream?t=${encodeURIComponent(token)}${from}`;
  }
}

/** A Direct Line WebSocket stream, collecting every activity it delivers. */
export class Stream {
  readonly activities: DlActivity[] = [];
  readonly frames: ActivitySet[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame: ActivitySet = JSON.parse(String(data));
      this.frames.push(frame);
      this.activities.push(...frame.activities);
      for (const wake of this.waiters) wake();
    });
  }

  /** Opens a stream; rejects with the HTTP status when the upgrade is refused, or when it is not answered in time. */
  static connect(url: string, handshakeTimeout = 2_000): Promise<Stream> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout });
      const stream = new Stream(socket);
      socket.once('open', () => resolve(stream));
      socket.once('unexpected-response', (_req, res) => {
        res.resume();
        reject(new UpgradeRefused(res.statusCode ?? 0));
      });
      socket.once('error', reject);
    });
  }

  /** The first activity (from `from` on) that matches, waiting for it to arrive. */
  waitFor(match: (activity: DlActivity) => boolean, timeoutMs = 5_000, from = 0): Promise<DlActivity> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.activities.slice(from).find(match);
        if (!found) return false;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(found);
        return true;
      };
      const wake = () => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`no matching activity on the stream within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!check()) this.waiters.add(wake);
    });
  }

  /** The bot's reply to an activity id. */
  replyTo(id: string, timeoutMs?: number): Promise<DlActivity> {
    return this.waitFor((a) => a.replyToId === id && a.from?.role === 'bot', timeoutMs);
  }

  /**
   * Everything the bot answered to an activity id. A turn's replies are appended in one batch, so once the first has
   * arrived, all have.
   */
  async turn(id: string, timeoutMs?: number): Promise<{ replies: DlActivity[]; text: string }> {
    await this.replyTo(id, timeoutMs);
    const replies = this.activities.filter((a) => a.replyToId === id && a.from?.role === 'bot');
    return { replies, text: replies.map((r) => r.text ?? '').join('\n') };
  }

  /** Bot messages seen so far. */
  get botMessages(): DlActivity[] {
    return this.activities.filter((a) => a.type === 'message' && a.from?.role === 'bot');
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`WebSocket upgrade refused with HTTP ${status}`);
    this.name = 'UpgradeRefused';
  }
}

/** The HTTP status of a stream upgrade that should be refused (101 if it was accepted). */
export async function upgradeStatus(url: string): Promise<number> {
  try {
    const stream = await Stream.connect(url);
    await stream.close();
    return 101;
  } catch (error) {
    if (error instanceof UpgradeRefused) return error.status;
    throw error;
  }
}

/** The parsed .eml files the file mail transport wrote (no SMTP_URL), oldest first. */
export async function mailFiles(dataDir: string): Promise<{ to: string; text: string; subject: string }[]> {
  const dir = join(dataDir, 'mail');
  const names = (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.eml')).sort();
  const mails = [];
  for (const name of names) {
    const parsed = await simpleParser(await readFile(join(dir, name)));
    const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : [])
      .flatMap((o) => o.value.map((v) => v.address ?? ''))
      .join(',');
    mails.push({ to, text: parsed.text ?? '', subject: parsed.subject ?? '' });
  }
  return mails;
}

/** A mail transport that can be held shut, so a flow turn waiting for its mail stays in progress. */
export class GatedTransport implements MailTransport {
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;
  waiting = 0;

  constructor(private readonly inner: MailTransport) {}

  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  release(): void {
    this.open();
  }

  async send(mail: OutgoingMail): Promise<void> {
    this.waiting += 1;
    try {
      await this.gate;
    } finally {
      this.waiting -= 1;
    }
    await this.inner.send(mail);
  }

  close(): Promise<void> {
    this.release();
    return this.inner.close();
  }
}

/**
 * A stream client that never reads: the WebSocket upgrade done by hand (node:http), then the socket paused, so what
 * the server sends piles up in the kernel buffers and then in the server's own (bufferedAmount). Resolves with the
 * raw socket once upgraded.
 */
export function openSilentSocket(url: string): Promise<import('node:net').Socket> {
  return new Promise((resolve, reject) => {
    const target = new URL(url.replace(/^ws/, 'http'));
    const req = httpRequest(target, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
      },
    });
    req.once('upgrade', (_res, socket) => {
      socket.pause();
      socket.on('error', () => undefined);
      resolve(socket as import('node:net').Socket);
    });
    req.once('response', (res) => {
      res.resume();
      reject(new UpgradeRefused(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

/**
 * End-to-end harness: the real app (createApp) on a loopback port with its own data directory, driven over HTTP the
 * way a Bot Framework channel does (deliveryMode "expectReplies"), a real SMTP server, and a fake Bot Framework
 * connector that records proactive messages.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type App, type AppOptions, createApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger, type Logger } from '../../bot/log/logger.ts';
import { DATABASE_FILE_NAME } from '../../bot/store/lowdb/jsonDatabase.ts';
import type { DatabaseShape } from '../../bot/store/lowdb/jsonDocument.ts';
import { KNOWLEDGE_FILE } from './buildBot.ts';
import type { ReceivedMail } from './mail.ts';

export const SUPPORT_EMAIL = 'privacy-support@example.test';
export const MARKETING_EMAIL = 'marketing@example.test';
export const MAIL_FROM = 'assistant@example.test';
/** PUBLIC_URL in the config; links in mails are rewritten to the app's real address (known only after listen). */
export const PUBLIC_URL = 'http://assistant.example.test';

export interface RunningApp {
  readonly app: App;
  readonly port: number;
  readonly base: string;
  readonly dataDir: string;
}

/**
 * The real app with the test addresses, listening on an ephemeral loopback port; LOG_LEVEL silent unless a `logger`
 * is given (captureLogger in mail.ts, for "never appears in a log" checks).
 */
export async function startApp(
  dataDir: string,
  smtpUrl: string,
  options: AppOptions = {},
  env: Readonly<Record<string, string>> = {},
  logger: Logger = createLogger('silent'),
): Promise<RunningApp> {
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    KNOWLEDGE_FILE,
    DATA_DIR: dataDir,
    SMTP_URL: smtpUrl,
    SUPPORT_EMAIL,
    MARKETING_EMAIL,
    MAIL_FROM,
    PUBLIC_URL,
    // The fake connectors of the tests listen on loopback; nothing else may be called.
    SERVICE_URL_ALLOWLIST: 'http://127.0.0.1:*',
    ...env,
  });
  const app = await createApp(config, logger, options);
  const port = await app.listen(config.port);
  return { app, port, base: `http://127.0.0.1:${port}`, dataDir };
}

/** The database file as it is on disk (not the app's in-memory copy). */
export async function readDbFile(dataDir: string): Promise<DatabaseShape> {
  return JSON.parse(await readFile(join(dataDir, DATABASE_FILE_NAME), 'utf8')) as DatabaseShape;
}

export interface BotReply {
  readonly type?: string;
  readonly text?: string;
  readonly channelData?: { readonly wowrack?: { readonly kind?: string; readonly entryId?: string } };
}

export interface Turn {
  readonly status: number;
  readonly replies: readonly BotReply[];
  /** The message texts of the replies, joined by newlines. */
  readonly text: string;
  readonly ms: number;
}

/** One conversation of a channel that asks for expectReplies (and optionally gives a serviceUrl for later messages). */
export class Conversation {
  private sequence = 0;

  constructor(
    private readonly base: () => string,
    readonly id: string,
    private readonly serviceUrl?: string,
  ) {}

  say(text: string): Promise<Turn> {
    return this.send({ text });
  }

  /** A 👍/👎 on an answer, as the buttons under it send it. */
  vote(entryId: string, vote: 'up' | 'down'): Promise<Turn> {
    return this.send({ value: { action: 'feedback', vote, id: entryId } });
  }

  private async send(content: { readonly text?: string; readonly value?: unknown }): Promise<Turn> {
    this.sequence += 1;
    const activity = {
      type: 'message',
      id: `${this.id}-a${this.sequence}`,
      timestamp: new Date().toISOString(),
      ...content,
      channelId: 'webchat',
      conversation: { id: this.id },
      from: { id: `${this.id}-user`, name: 'Customer' },
      recipient: { id: 'bot', name: 'Wowrack' },
      deliveryMode: 'expectReplies',
      locale: 'id-ID',
      ...(this.serviceUrl ? { serviceUrl: this.serviceUrl } : {}),
    };
    const started = performance.now();
    const res = await fetch(`${this.base()}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const body: unknown = await res.json();
    const ms = performance.now() - started;
    const replies =
      typeof body === 'object' && body !== null && 'activities' in body && Array.isArray(body.activities)
        ? (body.activities as BotReply[])
        : [];
    const joined = replies
      .filter((r) => r.type === 'message' && typeof r.text === 'string')
      .map((r) => r.text)
      .join('\n');
    return { status: res.status, replies, text: joined, ms };
  }
}

export interface ConnectorCall {
  readonly method: string;
  readonly path: string;
  /** The conversation id in the path, decoded. */
  readonly conversationId: string;
  readonly body: Record<string, unknown>;
}

/**
 * A fake Bot Framework connector (the channel's serviceUrl): records every POST
 * /v3/conversations/:id/activities[/:replyToId] and answers 200 {"id":"1"}.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeConnector> {
    let self: FakeConnector | undefined;
    const server = createServer((req, res) => {
      void readBody(req).then((raw) => {
        const path = req.url ?? '';
        const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?$/.exec(path);
        if (req.method === 'POST' && match && self) {
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(raw) as Record<string, unknown>;
          } catch {
            // recorded with an empty body: the assertions then fail visibly
          }
          self.calls.push({ method: req.method, path, conversationId: decodeURIComponent(match[1] ?? ''), body });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: '1' }));
          return;
        }
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    self = new FakeConnector(server, (server.address() as AddressInfo).port);
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Plain-text body of a received mail. */
export const textOf = (mail: ReceivedMail): string => mail.parsed.text ?? '';

/** The single address of a header such as To or Reply-To (undefined when absent or several). */
export function addressOf(field: ReceivedMail['parsed']['to'] | ReceivedMail['parsed']['replyTo']): string | undefined {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const addresses = objects.flatMap((o) => o.value.map((v) => v.address ?? ''));
  return addresses.length === 1 ? addresses[0] : undefined;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** An HTTP request with the path sent exactly as given (fetch would resolve `..` and re-encode). */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  body?: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      void readBody(res).then(
        (text) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        reject,
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

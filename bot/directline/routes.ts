import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Activity } from 'botbuilder';
import type restify from 'restify';
import { WebSocketServer } from 'ws';
import { describeError } from '../log/describeError.ts';
import type { Logger } from '../log/logger.ts';
import { readClientActivity } from './clientActivity.ts';
import type { DirectLineError, DirectLineService, Result } from './directLineService.ts';
import { MAX_SOCKET_BUFFER_BYTES, STREAM_REPLACED } from './limits.ts';
import { bearerToken } from './tokens.ts';

const BASE = '/v3/directline';
const STREAM_PATH = /^\/v3\/directline\/conversations\/([A-Za-z0-9_-]{1,64})\/stream$/;
const HEARTBEAT_MS = 30_000;

const STATUS_TEXT: Record<DirectLineError['status'], string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

function sendError(res: restify.Response, error: DirectLineError): void {
  if (error.retryAfter !== undefined) res.header('Retry-After', String(error.retryAfter));
  res.send(error.status, { error: { code: error.code, message: error.message } });
}

function reply<T>(res: restify.Response, result: Result<T>, status = 200): void {
  if (result.ok) res.send(status, result.value);
  else sendError(res, result.error);
}

const watermarkOf = (value: unknown): number | undefined => {
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) return undefined;
  return Number(value);
};

/** ws(s)://host/v3/directline for this request (the host is only reflected back to the client that sent it). */
function streamBase(req: IncomingMessage): string {
  const host = req.headers.host ?? 'localhost';
  const safeHost = /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(host) ? host : 'localhost';
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim();
  const secure = forwarded === 'https' || ('encrypted' in req.socket && req.socket.encrypted === true);
  return `${secure ? 'wss' : 'ws'}://${safeHost}${BASE}`;
}

export interface DirectLineRouteOptions {
  /** Checked before a token is generated for an anonymous visitor; false → 429. */
  readonly allowNewToken?: (req: restify.Request) => Promise<boolean>;
  /** The client's address, for the per-address caps (default: the socket's peer address). */
  readonly clientAddress?: (req: IncomingMessage) => string;
}

/** The Direct Line 3.0 REST routes and the WebSocket stream of the built-in endpoint. */
export function registerDirectLineRoutes(
  server: restify.Server,
  service: DirectLineService,
  logger: Logger,
  options: DirectLineRouteOptions = {},
): void {
  const token = (req: restify.Request) => bearerToken(req.headers.authorization);
  const conversationId = (req: restify.Request) => String(req.params.conversationId ?? '');
  const address = options.clientAddress ?? ((req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown');

  server.post(`${BASE}/tokens/generate`, async (req, res) => {
    if (options.allowNewToken && !(await options.allowNewToken(req))) {
      res.header('Retry-After', '60');
      res.send(429, {
        error: { code: 'TooManyRequests', message: 'too many new conversations; try again in a minute' },
      });
      return;
    }
    reply(res, await service.generateToken(address(req)));
  });

  server.post(`${BASE}/tokens/refresh`, async (req, res) => {
    reply(res, await service.refreshToken(token(req), address(req)));
  });

  server.post(`${BASE}/conversations`, async (req, res) => {
    reply(res, await service.startConversation(token(req), streamBase(req)), 201);
  });

  server.get(`${BASE}/conversations/:conversationId`, async (req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const watermark = watermarkOf(query.get('watermark') ?? undefined);
    reply(res, await service.reconnect(token(req), conversationId(req), streamBase(req), watermark));
  });

  server.post(`${BASE}/conversations/:conversationId/activities`, async (req, res) => {
    const read = readClientActivity(req.body);
    if ('problem' in read) {
      sendError(res, { status: 400, code: 'BadArgument', message: read.problem });
      return;
    }
    reply(res, await service.postActivity(token(req), conversationId(req), read.activity));
  });

  server.get(`${BASE}/conversations/:conversationId/activities`, async (req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    reply(
      res,
      await service.activities(token(req), conversationId(req), watermarkOf(query.get('watermark') ?? undefined)),
    );
  });

  // WebSocket stream: the primary transport of Web Chat. The token travels in the URL (t=), as with Azure's streamUrl.
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  // An open stream would keep server.close() (and so the shutdown) waiting forever.
  service.onClose(() => {
    for (const ws of sockets.clients) ws.close(1001, 'server shutting down');
  });
  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = STREAM_PATH.exec(url.pathname);
    if (!match?.[1]) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const id = match[1];
    const streamToken = url.searchParams.get('t') ?? undefined;
    const watermark = watermarkOf(url.searchParams.get('watermark') ?? undefined);
    // Authorise before the upgrade, so a bad token gets a plain 403 and no socket.
    const probe = await service.activities(streamToken, id, undefined);
    if (socket.destroyed) return;
    if (!probe.ok) {
      const { status, retryAfter } = probe.error;
      const retry = retryAfter === undefined ? '' : `Retry-After: ${retryAfter}\r\n`;
      socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\n${retry}Connection: close\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const send = (activities: readonly Partial<Activity>[], next: number) => {
        if (ws.readyState !== ws.OPEN) return;
        const frame = JSON.stringify({ activities, watermark: String(next) });
        // A client that does not read would have every activity queued for it in memory: cut it off.
        if (ws.bufferedAmount + frame.length > MAX_SOCKET_BUFFER_BYTES) {
          logger.warn({ bufferedAmount: ws.bufferedAmount }, 'direct line stream not reading: closed');
          ws.terminate();
          return;
        }
        ws.send(frame);
      };
      const replaced = () => ws.close(STREAM_REPLACED.code, STREAM_REPLACED.reason);
      // Registered before subscribing: a socket that closes meanwhile must not leave a listener behind.
      let unsubscribe: (() => void) | undefined;
      let closed = false;
      let alive = true;
      const heartbeat = setInterval(() => {
        if (!alive) {
          ws.terminate();
          return;
        }
        alive = false;
        ws.ping();
      }, HEARTBEAT_MS);
      heartbeat.unref();
      ws.on('pong', () => {
        alive = true;
      });
      ws.on('close', () => {
        closed = true;
        clearInterval(heartbeat);
        unsubscribe?.();
      });
      ws.on('error', (error) => logger.debug({ error: error.message }, 'direct line socket error'));
      // Clients only listen on this socket; anything they send is ignored.
      ws.on('message', () => undefined);
      service.subscribe(streamToken, id, watermark, send, replaced).then(
        (subscribed) => {
          if (!subscribed.ok) ws.close(1008, 'forbidden');
          else if (closed) subscribed.value();
          else unsubscribe = subscribed.value;
        },
        (error: unknown) => {
          logger.warn({ error: describeError(error) }, 'direct line stream could not subscribe');
          ws.close(1011, 'unavailable');
        },
      );
    });
  };
  server.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => logger.debug({ error: error.message }, 'direct line upgrade socket error'));
    upgrade(req, socket, head).catch((error: unknown) => {
      logger.warn({ error: describeError(error) }, 'direct line stream could not be opened');
      if (!socket.destroyed) socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
    });
  });
}

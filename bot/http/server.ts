import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Activity } from 'botbuilder';
import restify from 'restify';
import type { ConsentService } from '../../domain/consent.ts';
import type { RateCounter } from '../../domain/ports.ts';
import { activityProblem, claimsBuiltInDirectLine } from '../channel/activityGuard.ts';
import type { Channel } from '../channel/buildChannel.ts';
import type { Config } from '../config.ts';
import { registerDirectLineRoutes } from '../directline/routes.ts';
import type { Logger } from '../log/logger.ts';
import { bodyReader } from './bodyReader.ts';
import { limitConnections } from './connectionLimit.ts';
import { registerConsentRoutes } from './consentRoutes.ts';
import { type ConsoleDeps, registerConsole } from './console/registerConsole.ts';
import { loggablePath } from './loggablePath.ts';
import { clientIp, RateLimit } from './rateLimit.ts';
import { registerVerifyRoutes } from './verifyRoutes.ts';
import { registerWebRoutes } from './webRoutes.ts';

export interface ServerDeps {
  readonly config: Pick<Config, 'webChat' | 'supportEmail'> & Partial<Pick<Config, 'publicUrl'>>;
  readonly channel: Channel;
  readonly logger: Logger;
  readonly health: () => Promise<Record<string, unknown>>;
  readonly consents: ConsentService;
  /** Where the rate limits count (shared by every instance with PostgreSQL). */
  readonly counters: RateCounter;
  /** The support console and the customers' identity links; absent in tests of the chat alone. */
  readonly console?: Omit<ConsoleDeps, 'logger' | 'publicUrl' | 'trustProxy'>;
}

/** Paths whose POST is an HTML form: the consent and identity links' pages and the console. */
const FORM_PATHS = /^\/(consent|verify)\/|^\/console(\/|$)/;

/**
 * The checked body (activityProblem passed) as the adapter expects it: the time fields turned into Dates, as
 * CloudAdapter.process would. The one cast: the guard has checked every field a turn reads.
 */
function toActivity(body: Record<string, unknown>): Activity {
  const activity: Record<string, unknown> = { ...body };
  for (const [field, raw] of TIME_FIELDS) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  return activity as unknown as Activity;
}

/** An activity's time fields and where CloudAdapter keeps their text (names made once, not per request). */
const TIME_FIELDS = [
  ['timestamp', 'rawTimestamp'],
  ['localTimestamp', 'rawLocalTimestamp'],
  ['expiration', 'rawExpiration'],
] as const;

/** The status of an error the Bot Framework SDK throws for a request it refuses (AuthenticationError: 401/403). */
function statusOf(error: unknown): number | undefined {
  const status = typeof error === 'object' && error !== null && 'statusCode' in error ? error.statusCode : undefined;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** HTTP routes only: no business logic lives here. */
export function createServer(deps: ServerDeps): restify.Server {
  const { config, channel, logger } = deps;
  const { adapter, runTurn, directLine } = channel;
  // maxParamLength: a long (forged) consent token still reaches its route and gets the proper page.
  const server = restify.createServer({
    name: 'wowrack-privacy-assistant',
    handleUncaughtExceptions: false,
    maxParamLength: 8192,
  });
  limitConnections(server.server, { logger, trustProxy: config.webChat.trustProxy });
  // Our own body reader for every request (restify's bodyParser wrote multipart uploads to the temp folder).
  server.pre(bodyReader({ logger, allowForm: (path) => FORM_PATHS.test(path) }));

  server.post('/api/messages', async (req, res) => {
    const body: unknown = req.body;
    const problem = activityProblem(body);
    if (problem) {
      res.send(400, { error: 'bad_request', message: problem });
      return;
    }
    const activity = toActivity(body as Record<string, unknown>);
    // A built-in Direct Line conversation is reachable only through /v3/directline with its token: here anyone
    // could name a visitor's conversation id and read or drive their flow.
    if (directLine && (claimsBuiltInDirectLine(activity) || directLine.owns(activity))) {
      logger.warn({ channel: String(activity.channelId).slice(0, 64) }, 'activity for a built-in Direct Line refused');
      res.send(403, {
        error: 'forbidden',
        message: 'this conversation belongs to the website chat: use /v3/directline with its token',
      });
      return;
    }
    // Without authentication nothing vouches for serviceUrl: only allowed origins are ever called (SSRF).
    const reachable = channel.serviceUrls.allows(activity.serviceUrl);
    if (!reachable && activity.deliveryMode !== 'expectReplies') {
      logger.warn('activity refused: its serviceUrl is not in SERVICE_URL_ALLOWLIST');
      res.send(403, {
        error: 'forbidden',
        message:
          'serviceUrl is not allowed: add its origin to SERVICE_URL_ALLOWLIST (e.g. http://localhost:* for the ' +
          'Bot Framework Emulator) or send "deliveryMode": "expectReplies" to get the replies in the response',
      });
      return;
    }
    const facts = { clientAddress: clientIp(req, config.webChat.trustProxy), reachableLater: reachable };
    // The adapter's own process() would print a raw stack on stderr and answer 500 with the error text for a
    // request it cannot handle: run the activity here and answer with a reason instead.
    const authorization = String(req.headers.authorization ?? '');
    try {
      const response = await adapter.processChecked(authorization, activity, (context) => runTurn(context, facts));
      if (response?.body !== undefined) res.send(response.status ?? 200, response.body);
      else {
        res.status(response?.status ?? 200);
        res.end();
      }
    } catch (err) {
      const status = statusOf(err);
      const message = err instanceof Error ? err.message : String(err);
      logger.warn({ status: status ?? 400, err: message.slice(0, 300) }, 'activity could not be processed');
      if (!res.headersSent)
        res.send(status ?? 400, {
          error: status === 401 || status === 403 ? 'unauthorized' : 'bad_request',
          message: status ? 'the request is not authorized' : 'the activity could not be processed',
        });
    }
  });

  registerConsentRoutes(server, {
    consents: deps.consents,
    notifier: channel.notifier,
    logger,
    support: config.supportEmail,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  });
  if (deps.console) {
    const publicUrl = config.publicUrl ?? '';
    registerVerifyRoutes(server, {
      verification: deps.console.services.verification,
      logger,
      support: config.supportEmail,
      ...(publicUrl ? { publicUrl } : {}),
    });
    registerConsole(server, { ...deps.console, logger, publicUrl, trustProxy: config.webChat.trustProxy });
  }
  registerWebRoutes(server, {
    ...config.webChat,
    supportEmail: config.supportEmail,
    builtInDirectLine: directLine !== undefined,
    logger,
    counters: deps.counters,
  });
  if (directLine)
    registerDirectLineRoutes(server, directLine, logger, {
      allowNewToken: newConversationLimit(deps.counters, config.webChat.trustProxy),
      clientAddress: (req) => clientIp(req, config.webChat.trustProxy),
    });
  else {
    // Nothing else upgrades to WebSocket. restify always listens for 'upgrade' itself and would leave such a socket
    // open forever (and server.close() waiting for it): refuse at once.
    server.server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    });
  }

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok', ...(await deps.health()) });
  });

  // Unknown paths: a plain answer that does not echo the path back.
  server.on('NotFound', (_req: restify.Request, res: restify.Response, _err: Error, callback: () => void) => {
    res.send(404, { error: 'not_found', message: 'no such page' });
    callback();
  });

  server.on(
    'restifyError',
    (req: restify.Request, _res: restify.Response, err: Error & { statusCode?: number }, callback: () => void) => {
      const status = err.statusCode ?? 500;
      const where = { method: req.method, path: loggablePath(req.url ?? '/'), status, error: err.name };
      if (status >= 500) {
        // An unexpected failure: one structured line, and never the internal message or stack to the client.
        logger.error({ ...where, message: err.message.slice(0, 300) }, 'request failed');
        Object.assign(err, {
          toJSON: () => ({ error: 'internal', message: 'the request could not be handled; please try again' }),
        });
      } else logger.warn(where, 'request rejected');
      callback();
    },
  );
  return server;
}

/** Anonymous visitors may open at most 20 new chat conversations a minute per address (each holds memory). */
function newConversationLimit(counters: RateCounter, trustProxy: boolean): (req: restify.Request) => Promise<boolean> {
  const limit = new RateLimit(counters, 'dl-new', 20, 60_000);
  return async (req) => (await limit.take(clientIp(req, trustProxy))).allowed;
}

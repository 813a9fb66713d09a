import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import restify from 'restify';
import type { ConsentService } from '../../domain/consent.ts';
import { redactPath } from '../../domain/redact.ts';
import { activityProblem } from '../channel/activityGuard.ts';
import type { Channel } from '../channel/buildChannel.ts';
import type { Config } from '../config.ts';
import { registerDirectLineRoutes } from '../directline/routes.ts';
import type { Logger } from '../log/logger.ts';
import { registerConsentRoutes } from './consentRoutes.ts';
import { clientIp, FixedWindowRateLimiter } from './rateLimit.ts';
import { registerWebRoutes } from './webRoutes.ts';

export interface ServerDeps {
  readonly config: Pick<Config, 'webChat' | 'supportEmail'>;
  readonly channel: Channel;
  readonly logger: Logger;
  readonly health: () => Promise<Record<string, unknown>>;
  readonly consents: ConsentService;
}

const MAX_BODY_BYTES = 256 * 1024;

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
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }));

  server.post('/api/messages', async (req, res) => {
    const problem = activityProblem(req.body);
    if (problem) {
      res.send(400, { error: 'bad_request', message: problem });
      return;
    }
    try {
      await adapter.process(req, res, runTurn);
    } catch (err) {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'activity could not be processed');
      if (!res.headersSent) res.send(400, { error: 'bad_request', message: 'the activity could not be processed' });
    }
  });

  registerConsentRoutes(server, {
    consents: deps.consents,
    notifier: channel.notifier,
    logger,
    support: config.supportEmail,
  });
  registerWebRoutes(server, {
    ...config.webChat,
    supportEmail: config.supportEmail,
    builtInDirectLine: directLine !== undefined,
    logger,
  });
  if (directLine)
    registerDirectLineRoutes(server, directLine, logger, {
      allowNewToken: newConversationLimit(config.webChat.trustProxy),
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
      logger.warn(
        { method: req.method, path: redactPath(req.path()), status: err.statusCode, error: err.name },
        'request rejected',
      );
      callback();
    },
  );
  return server;
}

/** Anonymous visitors may open at most 20 new chat conversations a minute per address (each holds memory). */
function newConversationLimit(trustProxy: boolean): (req: restify.Request) => boolean {
  const limiter = new FixedWindowRateLimiter({ limit: 20, windowMs: 60_000 });
  return (req) => limiter.take(clientIp(req, trustProxy)).allowed;
}

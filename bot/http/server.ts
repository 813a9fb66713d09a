import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import restify from 'restify';
import type { ConsentService } from '../../domain/consent.ts';
import { activityProblem } from '../channel/activityGuard.ts';
import type { DirectLineService } from '../directline/directLineService.ts';
import { type DirectLineRouteOptions, registerDirectLineRoutes } from '../directline/routes.ts';
import type { Logger } from '../log/logger.ts';
import { registerConsentRoutes } from './consentRoutes.ts';
import { registerWebRoutes, type WebChatOptions } from './webRoutes.ts';

export interface ServerDeps {
  readonly adapter: CloudAdapter;
  readonly runTurn: (context: TurnContext) => Promise<void>;
  readonly logger: Logger;
  readonly health: () => Record<string, unknown>;
  readonly consents: ConsentService;
  /** The built-in Direct Line (absent when an Azure Bot resource is configured). */
  readonly directLine?: DirectLineService;
  readonly directLineOptions?: DirectLineRouteOptions;
  /** The website chat (page, widget, token exchange); defaults: built-in Direct Line, embeddable only by itself. */
  readonly webChat?: WebChatOptions;
}

const MAX_BODY_BYTES = 256 * 1024;

/** HTTP routes only: no business logic lives here. */
export function createServer(deps: ServerDeps): restify.Server {
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
      await deps.adapter.process(req, res, deps.runTurn);
    } catch (err) {
      deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'activity could not be processed');
      if (!res.headersSent) res.send(400, { error: 'bad_request', message: 'the activity could not be processed' });
    }
  });

  registerConsentRoutes(server, deps.consents, deps.logger);
  registerWebRoutes(server, { ...deps.webChat, builtInDirectLine: deps.directLine !== undefined, logger: deps.logger });
  if (deps.directLine) registerDirectLineRoutes(server, deps.directLine, deps.logger, deps.directLineOptions);
  else {
    // Nothing else upgrades to WebSocket. restify always listens for 'upgrade' itself and would leave such a socket
    // open forever (and server.close() waiting for it): refuse at once.
    server.server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    });
  }

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok', ...deps.health() });
  });

  // Unknown paths: a plain answer that does not echo the path back.
  server.on('NotFound', (_req: restify.Request, res: restify.Response, _err: Error, callback: () => void) => {
    res.send(404, { error: 'not_found', message: 'no such page' });
    callback();
  });

  server.on(
    'restifyError',
    (req: restify.Request, _res: restify.Response, err: Error & { statusCode?: number }, callback: () => void) => {
      deps.logger.warn(
        { method: req.method, path: req.path(), status: err.statusCode, error: err.name },
        'request rejected',
      );
      callback();
    },
  );
  return server;
}

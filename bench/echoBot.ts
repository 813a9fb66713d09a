/**
 * The baseline for the HTTP benchmark: the same stack as the assistant (restify 11, bodyParser, CloudAdapter without
 * app id, ActivityHandler) with a bot that only echoes the text. Whatever the assistant costs beyond this is ours.
 */

import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import restify from 'restify';

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(context.activity.text ?? '');
      await next();
    });
  }
}

export interface EchoServer {
  readonly server: restify.Server;
  /** Resolves with the port (use 0 for an ephemeral one). */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export function createEchoServer(): EchoServer {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new EchoBot();
  const server = restify.createServer({ name: 'bench-echo', handleUncaughtExceptions: false });
  // Same body parser options as the assistant (bot/server.ts), so the comparison is about the bot, not the parser.
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false, rejectUnknown: true }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context: TurnContext) => bot.run(context));
  });
  return {
    server,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

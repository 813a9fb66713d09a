/**
 * The process: configuration → logger → application (bot/app.ts) → listening; signals stop it cleanly.
 * Start with `npm start`; every setting has a default that works on a fresh machine.
 */

import { KnowledgeValidationError } from '../knowledge/schema.ts';
import { createApp } from './app.ts';
import { ConfigError, loadConfig, loadDotEnv } from './config.ts';
import { createLogger } from './log/logger.ts';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const app = await createApp(config, logger);
  const port = await app.listen(config.port);
  logger.info(
    { port, auth: config.bot.appId ? 'bot-framework' : 'none (local)' },
    `listening on http://localhost:${port}/api/messages`,
  );

  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  // Start-up problems are for the operator: say exactly what is wrong, then stop.
  const message = err instanceof ConfigError || err instanceof KnowledgeValidationError ? err.message : String(err);
  process.stderr.write(`wowrack-privacy-assistant could not start:\n${message}\n`);
  process.exit(1);
});

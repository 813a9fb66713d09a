import { join } from 'node:path';
import type { TurnContext } from 'botbuilder';
import type restify from 'restify';
import { createAssistant } from '../dialogs/assistant.ts';
import { ConsentService } from '../domain/consent.ts';
import { FeedbackService } from '../domain/feedback.ts';
import { MailQuota } from '../domain/mailQuota.ts';
import { redact } from '../domain/redact.ts';
import { TicketService } from '../domain/tickets.ts';
import { type Clock, systemClock } from '../domain/time.ts';
import { UnsubscribeService } from '../domain/unsubscribe.ts';
import { KnowledgeService } from '../knowledge/knowledgeService.ts';
import { createAdapter } from './channel/adapter.ts';
import { ProactiveConsentNotifier } from './channel/consentNotifier.ts';
import type { Config } from './config.ts';
import { type DirectLineOptions, DirectLineService } from './directline/directLineService.ts';
import { clientIp, FixedWindowRateLimiter } from './http/rateLimit.ts';
import { createServer } from './http/server.ts';
import type { Logger } from './log/logger.ts';
import { Outbox, type RetryPolicy } from './mail/outbox.ts';
import { createMailTransport, type MailTransport } from './mail/transport.ts';
import { Database } from './store/lowdb/jsonDatabase.ts';
import { LowdbStorage } from './store/lowdb/jsonStateStorage.ts';

export interface App {
  readonly server: restify.Server;
  readonly knowledge: KnowledgeService;
  readonly db: Database;
  readonly outbox: Outbox;
  /** The built-in Direct Line; absent when an Azure Bot (MicrosoftAppId) is configured. */
  readonly directLine?: DirectLineService;
  /** Starts listening and background work (mail delivery, clean-up); resolves with the port (useful with PORT=0). */
  listen(port: number): Promise<number>;
  /** Stops accepting requests, finishes the mail being sent and flushes the database. */
  close(): Promise<void>;
}

/** Seams for tests: a clock, a mail transport, fast retries, how long a flow waits for its mail before answering. */
export interface AppOptions {
  readonly now?: Clock;
  readonly transport?: MailTransport;
  readonly retry?: Partial<RetryPolicy>;
  readonly deliveryWaitMs?: number;
  readonly outboxIntervalMs?: number;
  /** Token lifetime and idle time of the built-in Direct Line (which also follows `now`). */
  readonly directLine?: Pick<DirectLineOptions, 'tokenTtlMs' | 'idleMs'>;
}

const DAY_MS = 24 * 3_600_000;

/** Wires the assistant: knowledge → store → mail → requests → conversations → adapter → HTTP server. */
export async function createApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  const now = options.now ?? systemClock;
  const knowledge = await KnowledgeService.load(config.knowledgeFile);
  logger.info({ file: config.knowledgeFile, entries: knowledge.knowledge.entries.length }, 'knowledge loaded');

  const db = await Database.open(config.dataDir);
  const storage = new LowdbStorage(db, { now });
  const mailDir = join(config.dataDir, 'mail');
  const transport =
    options.transport ??
    createMailTransport({ ...(config.mail.smtpUrl ? { smtpUrl: config.mail.smtpUrl } : {}), mailDir });
  const outbox = new Outbox({
    db,
    transport,
    logger,
    from: config.mail.from,
    now,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  logger.info({ db: db.path, mail: config.mail.smtpUrl ? 'smtp' : `files in ${mailDir}` }, 'store and mail ready');

  const quota = new MailQuota(db, [config.supportEmail, config.mail.marketingEmail], undefined, now);
  const deliveryWaitMs = options.deliveryWaitMs ?? 3000;
  const common = { db, outbox, quota, now, deliveryWaitMs };
  const unsubscribes = new UnsubscribeService({ ...common, marketingEmail: config.mail.marketingEmail });
  const tickets = new TicketService({ ...common, supportEmail: config.supportEmail });
  const consents = new ConsentService({ ...common, supportEmail: config.supportEmail, publicUrl: config.publicUrl });

  const assistant = createAssistant({
    knowledge,
    storage,
    supportEmail: config.supportEmail,
    services: { unsubscribes, tickets, consents },
    feedback: new FeedbackService({ db, now }),
    observer: {
      answered: (meta, question) =>
        // Guarded: masking the question costs more than the log line when info logs are off.
        logger.isLevelEnabled('info') &&
        logger.info(
          { ...meta, question: redact(question).slice(0, 300) },
          meta.kind === 'answer' ? 'answered' : 'not answered',
        ),
      flowStarted: (flow, lang) => logger.info({ flow, lang }, 'flow started'),
      flowFailed: (flow, error) =>
        logger.error(
          { flow, error: error instanceof Error ? error.message : String(error) },
          'flow could not record a request',
        ),
    },
  });
  const adapter = createAdapter(config, logger, assistant.conversationState, assistant.composer);
  const runTurn = (context: TurnContext) => assistant.bot.run(context);
  // The built-in Direct Line serves the website chat without Azure; with an Azure Bot (app id) Azure's is used.
  const directLine = config.bot.appId
    ? undefined
    : new DirectLineService({
        adapter,
        runTurn,
        logger,
        bot: { id: 'wowrack-privacy-assistant', name: 'Asisten Privasi Wowrack' },
        now: () => now().getTime(),
        ...options.directLine,
      });
  consents.setNotifier(
    new ProactiveConsentNotifier(adapter, config.bot.appId, config.supportEmail, logger, directLine),
  );

  const server = createServer({
    adapter,
    runTurn,
    logger,
    consents,
    webChat: config.webChat,
    ...(directLine ? { directLine, directLineOptions: { allowNewToken: newConversationLimit(config) } } : {}),
    health: () => ({ knowledgeEntries: knowledge.knowledge.entries.length, pendingMail: outbox.pending().length }),
  });

  // Privacy by design: forget idle conversations and delivered mail after the retention period.
  const retentionMs = config.retentionDays * DAY_MS;
  const cleanUp = async () => {
    const before = new Date(now().getTime() - retentionMs);
    try {
      const states = await storage.pruneState(before);
      const mails = await outbox.prune(before);
      if (states + mails > 0) logger.info({ states, mails }, 'expired data removed');
    } catch (error) {
      logger.error({ error: error instanceof Error ? error.message : String(error) }, 'clean-up failed');
    }
  };
  let cleanUpTimer: NodeJS.Timeout | undefined;

  return {
    server,
    knowledge,
    db,
    outbox,
    ...(directLine ? { directLine } : {}),
    listen: (port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '0.0.0.0', () => {
          outbox.start(options.outboxIntervalMs);
          void cleanUp();
          cleanUpTimer = setInterval(() => void cleanUp(), DAY_MS);
          cleanUpTimer.unref();
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    close: async () => {
      if (cleanUpTimer) clearInterval(cleanUpTimer);
      directLine?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await outbox.stop();
      await transport.close();
      await db.close();
    },
  };
}

/** Anonymous visitors may open at most 20 new chat conversations a minute per address (each holds memory). */
function newConversationLimit(config: Config): (req: restify.Request) => boolean {
  const limiter = new FixedWindowRateLimiter({ limit: 20, windowMs: 60_000 });
  return (req) => limiter.take(clientIp(req, config.webChat.trustProxy)).allowed;
}

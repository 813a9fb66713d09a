/**
 * The composition root: calls the builders in order (store → mail → domain → conversations → channel → HTTP) and
 * hands back the running pieces. Every default comes from the config; tests pass seams (a clock, a transport).
 */
import type restify from 'restify';
import { createAssistant } from '../dialogs/assistant.ts';
import { FLOW_NAMES } from '../dialogs/flows/registry.ts';
import { type Clock, systemClock } from '../domain/ports.ts';
import type { ScryptCost } from '../domain/staff.ts';
import { KnowledgeService } from '../knowledge/knowledgeService.ts';
import { buildChannel } from './channel/buildChannel.ts';
import { ClientKeys } from './channel/clientKeys.ts';
import { ControlSocket } from './cli/controlSocket.ts';
import { runStaffCommand } from './cli/staffCommand.ts';
import type { Config } from './config.ts';
import type { DirectLineOptions, DirectLineService } from './directline/directLineService.ts';
import { createServer } from './http/server.ts';
import { ReminderJob } from './jobs/reminders.ts';
import { RetentionJob } from './jobs/retention.ts';
import { conversationLog } from './log/conversationLog.ts';
import type { Logger } from './log/logger.ts';
import { buildMail } from './mail/buildMail.ts';
import type { Outbox, RetryPolicy } from './mail/outbox.ts';
import type { MailTransport } from './mail/transport.ts';
import { buildServices, type DomainServices } from './services.ts';
import { openStore, type Store } from './store/openStore.ts';

export interface App {
  readonly server: restify.Server;
  readonly knowledge: KnowledgeService;
  readonly store: Store;
  readonly outbox: Outbox;
  readonly services: DomainServices;
  /** The built-in Direct Line; absent when an Azure Bot (MicrosoftAppId) is configured. */
  readonly directLine?: DirectLineService;
  /** Starts listening and background work (mail delivery, clean-up); resolves with the port (useful with PORT=0). */
  listen(port: number): Promise<number>;
  /** Stops accepting requests, finishes the mail being sent and flushes the store. */
  close(): Promise<void>;
}

/** Seams for tests: a clock, a mail transport, fast retries, how long a flow waits for its mail before answering. */
export interface AppOptions {
  readonly now?: Clock;
  readonly transport?: MailTransport;
  readonly retry?: Partial<RetryPolicy>;
  readonly deliveryWaitMs?: number;
  readonly outboxIntervalMs?: number;
  /** How long an outbound connector call may take (default 10 s). */
  readonly connectorTimeoutMs?: number;
  /** Token lifetime and idle time of the built-in Direct Line (which also follows `now`). */
  readonly directLine?: Pick<DirectLineOptions, 'tokenTtlMs' | 'idleMs'>;
  /** Console passwords hashed cheaply (tests). */
  readonly scryptCost?: ScryptCost;
  /** How often the reminder job looks for due reminders (default 5 minutes). */
  readonly reminderIntervalMs?: number;
}

export async function createApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  const now = options.now ?? systemClock;
  const knowledge = await KnowledgeService.load(config.knowledgeFile, { flows: FLOW_NAMES });
  logger.info({ file: config.knowledgeFile, entries: knowledge.knowledge.entries.length }, 'knowledge loaded');

  const store = await openStore(config, now);
  const mail = buildMail(config, store.requests, logger, { now, ...options });
  logger.info({ db: store.location, mail: mail.destination }, 'store and mail ready');
  const services = buildServices(config, store.requests, mail.outbox, {
    now,
    deliveryWaitMs: options.deliveryWaitMs ?? 3000,
    ...(options.scryptCost ? { scryptCost: options.scryptCost } : {}),
  });
  const assistant = createAssistant({
    knowledge,
    storage: store.conversations,
    supportEmail: config.supportEmail,
    services,
    feedback: services.feedback,
    observer: conversationLog(logger),
  });
  const clientKeys = await ClientKeys.load(config.dataDir);
  const channel = buildChannel(config, logger, assistant, { now, clientKeys, ...options });
  const server = createServer({
    config,
    channel,
    logger,
    consents: services.consents,
    console: {
      services: services.console,
      delivery: mail.outbox,
      deadlines: config.deadlines,
      now,
      sessionIdleMs: config.console.sessionIdleHours * 3_600_000,
    },
    health: async () => ({
      knowledgeEntries: knowledge.knowledge.entries.length,
      pendingMail: (await mail.outbox.pending()).length,
    }),
  });
  const retention = new RetentionJob({
    conversations: store.conversations,
    outbox: mail.outbox,
    retentionDays: config.retentionDays,
    tickets: services.console.ticketRetention,
    now,
    logger,
  });
  // The staff command reaches this running assistant here (bot/cli): one writer per DATA_DIR.
  const control = new ControlSocket(
    config.dataDir,
    (request) => runStaffCommand(services.console.staff, request),
    logger,
  );
  const reminders = new ReminderJob({
    reminders: services.console.reminders,
    delivery: mail.outbox,
    logger,
    ...(options.reminderIntervalMs ? { intervalMs: options.reminderIntervalMs } : {}),
  });

  return {
    server,
    knowledge,
    store,
    outbox: mail.outbox,
    services,
    ...(channel.directLine ? { directLine: channel.directLine } : {}),
    listen: async (port) => {
      const bound = await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '0.0.0.0', () => {
          mail.outbox.start(options.outboxIntervalMs);
          retention.start();
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
      await reminders.start();
      await control.start();
      return bound;
    },
    close: async () => {
      retention.stop();
      reminders.stop();
      await control.stop();
      channel.directLine?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mail.outbox.stop();
      await mail.transport.close();
      await store.close();
    },
  };
}

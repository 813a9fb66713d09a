/**
 * The composition root: calls the builders in order (store → mail → domain → conversations → channel → HTTP) and
 * hands back the running pieces. Every default comes from the config; tests pass seams (a clock, a transport).
 */
import type restify from 'restify';
import { createAssistant } from '../dialogs/assistant.ts';
import { FLOW_NAMES } from '../dialogs/flows/registry.ts';
import { DailyStatsRecorder } from '../domain/dailyStats.ts';
import { Inbox } from '../domain/inbox.ts';
import { InboxRecorder } from '../domain/inboxRecorder.ts';
import { type Clock, systemClock } from '../domain/ports.ts';
import type { ScryptCost } from '../domain/staff.ts';
import { KnowledgeService } from '../knowledge/knowledgeService.ts';
import { buildChannel } from './channel/buildChannel.ts';
import { CLIENT_KEY_SECRET, ClientKeys } from './channel/clientKeys.ts';
import { ControlSocket } from './cli/controlSocket.ts';
import { runStaffCommand } from './cli/staffCommand.ts';
import type { Config } from './config.ts';
import type { DirectLineOptions, DirectLineService } from './directline/directLineService.ts';
import { createServer } from './http/server.ts';
import { KnowledgeWatcher, type KnowledgeWatcherOptions } from './jobs/knowledgeWatcher.ts';
import { ReminderJob } from './jobs/reminders.ts';
import { RetentionJob } from './jobs/retention.ts';
import { buildKnowledgeAdmin, type KnowledgeAdmin } from './knowledgeAdmin.ts';
import { conversationLog } from './log/conversationLog.ts';
import { describeError } from './log/describeError.ts';
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
  /** The admins' side: knowledge changes (editor, regression guard), the inbox, the analytics' counts. */
  readonly admin: KnowledgeAdmin & {
    readonly inbox: Inbox;
    readonly recorder: InboxRecorder;
    readonly stats: DailyStatsRecorder;
    readonly assistant: ReturnType<typeof createAssistant>;
  };
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
  /** How the knowledge files are watched (false: not at all). */
  readonly knowledgeWatch?: KnowledgeWatcherOptions | false;
  /** Console passwords hashed cheaply (tests). */
  readonly scryptCost?: ScryptCost;
  /** How often the reminder job looks for due reminders (default 5 minutes). */
  readonly reminderIntervalMs?: number;
}

export async function createApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  const now = options.now ?? systemClock;
  const knowledge = await KnowledgeService.load(config.knowledgeFile, { flows: FLOW_NAMES, now });
  logger.info({ file: config.knowledgeFile, ...knowledge.status }, 'knowledge loaded');
  const watcher =
    options.knowledgeWatch === false ? undefined : new KnowledgeWatcher(knowledge, logger, options.knowledgeWatch);

  const store = await openStore(config, now, logger);
  const mail = buildMail(config, store, logger, { now, ...options });
  logger.info({ db: store.location, mail: mail.destination }, 'store and mail ready');
  const services = buildServices(config, store.requests, mail.outbox, {
    now,
    deliveryWaitMs: options.deliveryWaitMs ?? 3000,
    ...(options.scryptCost ? { scryptCost: options.scryptCost } : {}),
    signInThrottle: store.signInThrottle(),
  });
  const logStoreFailure = (what: string) => (error: unknown) =>
    logger.error({ error: describeError(error) }, `${what} could not be stored`);
  const stats = new DailyStatsRecorder({ store: store.requests, now, onError: logStoreFailure('analytics counts') });
  const recorder = new InboxRecorder({ store: store.requests, now, stats, onError: logStoreFailure('inbox records') });
  const knowledgeAdmin = buildKnowledgeAdmin({ knowledge, store: store.requests, dataDir: config.dataDir, now });
  const inbox = new Inbox({ store: store.requests, recorder, knowledge, editor: knowledgeAdmin.editor, now });
  const assistant = createAssistant({
    knowledge,
    storage: store.conversations,
    supportEmail: config.supportEmail,
    services,
    feedback: services.feedback,
    observer: conversationLog(logger),
    counters: store.counters,
    insights: recorder,
    // Several instances share the store: the next turn may land on another one.
    memoryInState: store.shared,
  });
  const clientKeys = new ClientKeys(await store.secret(CLIENT_KEY_SECRET));
  const channel = buildChannel(config, logger, assistant, {
    now,
    clientKeys,
    counters: store.counters,
    directLineState: (settings) => store.directLine(settings),
    ...options,
  });
  const server = createServer({
    config,
    channel,
    logger,
    consents: services.consents,
    counters: store.counters,
    console: {
      services: services.console,
      delivery: mail.outbox,
      deadlines: config.deadlines,
      now,
      knowledge: {
        knowledge,
        editor: knowledgeAdmin.editor,
        inbox,
        regression: knowledgeAdmin.regression,
        tests: knowledgeAdmin.tests,
        answerer: assistant.answerer,
        flows: FLOW_NAMES,
        flushStats: async () => {
          await recorder.flush();
        },
        store: store.requests,
        now,
      },
    },
    health: async () => ({
      knowledgeEntries: knowledge.knowledge.entries.length,
      knowledge: knowledge.status,
      pendingMail: (await mail.outbox.pending()).length,
    }),
  });
  const retention = new RetentionJob({
    conversations: store.conversations,
    outbox: mail.outbox,
    inbox: (before) => store.requests.transaction((tx) => tx.inbox.prune(before)),
    store: store.requests,
    jobs: store.jobs,
    retentionDays: config.retentionDays,
    tickets: services.console.ticketRetention,
    now,
    logger,
  });
  // The staff command reaches this running assistant here (bot/cli): one writer per DATA_DIR. With a shared store
  // (PostgreSQL) the command writes to the database itself.
  const control = store.shared
    ? undefined
    : new ControlSocket(config.dataDir, (request) => runStaffCommand(services.console.staff, request), logger);
  const reminders = new ReminderJob({
    reminders: services.console.reminders,
    delivery: mail.outbox,
    jobs: store.jobs,
    logger,
    ...(options.reminderIntervalMs ? { intervalMs: options.reminderIntervalMs } : {}),
  });

  return {
    server,
    knowledge,
    store,
    outbox: mail.outbox,
    services,
    admin: { ...knowledgeAdmin, inbox, recorder, stats, assistant },
    ...(channel.directLine ? { directLine: channel.directLine } : {}),
    listen: async (port) => {
      const bound = await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '0.0.0.0', () => {
          mail.outbox.start(options.outboxIntervalMs);
          retention.start();
          stats.start();
          const address = server.address();
          const listening = typeof address === 'object' && address ? address.port : port;
          void (watcher?.start() ?? Promise.resolve()).then(() => resolve(listening), reject);
        });
      });
      await reminders.start();
      await control?.start();
      return bound;
    },
    close: async () => {
      try {
        await watcher?.stop();
        retention.stop();
        reminders.stop();
        await control?.stop();
        await channel.directLine?.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await mail.outbox.stop();
        await mail.transport.close();
      } finally {
        // Whatever failed above, the inbox records and the day's counts waiting in memory (counts are merged every
        // minute) are written before the store closes.
        await recorder.flush();
        await stats.stop();
        await store.close();
      }
    },
  };
}

import { ConversationState, MemoryStorage, type Storage } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type restify from 'restify';
import { Answerer } from '../dialogs/answerer.ts';
import { ReplyComposer } from '../dialogs/composer.ts';
import type { ConversationPrefs } from '../dialogs/conversationPrefs.ts';
import { RootDialog } from '../dialogs/rootDialog.ts';
import { KnowledgeService } from '../knowledge/knowledgeService.ts';
import type { FlowName } from '../knowledge/types.ts';
import { createAdapter } from './adapter.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { PrivacyBot } from './privacyBot.ts';
import { redact } from './redact.ts';
import { createServer } from './server.ts';

export interface App {
  readonly server: restify.Server;
  readonly knowledge: KnowledgeService;
  /** Starts listening; resolves with the port (useful with PORT=0). */
  listen(port: number): Promise<number>;
  close(): Promise<void>;
}

export interface AppOptions {
  readonly storage?: Storage;
}

/** Wires the assistant: knowledge → dialogs → bot → adapter → HTTP server. */
export async function createApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  const knowledge = await KnowledgeService.load(config.knowledgeFile);
  logger.info({ file: config.knowledgeFile, entries: knowledge.knowledge.entries.length }, 'knowledge loaded');

  const storage = options.storage ?? new MemoryStorage();
  const conversationState = new ConversationState(storage);
  const dialogState = conversationState.createProperty<DialogState>('dialogState');
  const prefs = conversationState.createProperty<ConversationPrefs>('prefs');

  const flows = new Set<FlowName>();
  const composer = new ReplyComposer(() => knowledge.knowledge, { supportEmail: config.supportEmail, flows });
  const answerer = new Answerer(knowledge, composer, flows);
  const rootDialog = new RootDialog(answerer, prefs, {
    answered: (meta, question) =>
      logger.info(
        { ...meta, question: redact(question).slice(0, 300) },
        meta.kind === 'answer' ? 'answered' : 'not answered',
      ),
  });
  const bot = new PrivacyBot(conversationState, dialogState, prefs, rootDialog, composer);
  const adapter = createAdapter(config, logger, conversationState, composer);
  const server = createServer({
    adapter,
    runTurn: (context) => bot.run(context),
    logger,
    health: () => ({ knowledgeEntries: knowledge.knowledge.entries.length }),
  });

  return {
    server,
    knowledge,
    listen: (port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '0.0.0.0', () => {
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

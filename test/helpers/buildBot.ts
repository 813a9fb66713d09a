/**
 * Builds the real PrivacyBot the way bot/app.ts wires it (knowledge → composer → answerer → root dialog → bot), but on
 * botbuilder's TestAdapter with MemoryStorage instead of the HTTP server, so dialog tests run in-process.
 */
import { fileURLToPath } from 'node:url';
import { type Activity, ConversationState, MemoryStorage, TestAdapter } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { PrivacyBot } from '../../bot/privacyBot.ts';
import { Answerer } from '../../dialogs/answerer.ts';
import { ReplyComposer } from '../../dialogs/composer.ts';
import type { ConversationPrefs } from '../../dialogs/conversationPrefs.ts';
import type { ReplyMeta } from '../../dialogs/reply.ts';
import { RootDialog } from '../../dialogs/rootDialog.ts';
import { KnowledgeService } from '../../knowledge/knowledgeService.ts';
import type { FlowName } from '../../knowledge/types.ts';

export const KNOWLEDGE_FILE = fileURLToPath(new URL('../../knowledge/faq.yaml', import.meta.url));
export const SUPPORT_EMAIL = 'support@wowrack.co.id';

let shared: Promise<KnowledgeService> | undefined;

/** The real knowledge file, loaded once per test run (building the matcher is the slow part). */
export function loadRealKnowledge(): Promise<KnowledgeService> {
  shared ??= KnowledgeService.load(KNOWLEDGE_FILE);
  return shared;
}

export interface TestBot {
  readonly adapter: TestAdapter;
  /** What the root dialog reported to its observer, in order. */
  readonly answered: { readonly meta: ReplyMeta; readonly question: string }[];
  /** Sends one activity (or a text message) from the user and returns everything the bot sent back in that turn. */
  send(activity: string | Partial<Activity>): Promise<Partial<Activity>[]>;
}

/** A fresh bot with its own MemoryStorage (a new conversation) on the shared knowledge. */
export function buildBot(knowledge: KnowledgeService, options: { flows?: readonly FlowName[] } = {}): TestBot {
  const conversationState = new ConversationState(new MemoryStorage());
  const dialogState = conversationState.createProperty<DialogState>('dialogState');
  const prefs = conversationState.createProperty<ConversationPrefs>('prefs');
  const flows = new Set<FlowName>(options.flows ?? []);
  const composer = new ReplyComposer(() => knowledge.knowledge, { supportEmail: SUPPORT_EMAIL, flows });
  const answerer = new Answerer(knowledge, composer, flows);
  const answered: { meta: ReplyMeta; question: string }[] = [];
  const rootDialog = new RootDialog(answerer, prefs, {
    answered: (meta, question) => answered.push({ meta, question }),
  });
  const bot = new PrivacyBot(conversationState, dialogState, prefs, rootDialog, composer);
  const adapter = new TestAdapter((context) => bot.run(context));

  return {
    adapter,
    answered,
    async send(activity) {
      adapter.activeQueue.splice(0);
      await adapter.processActivity(typeof activity === 'string' ? { type: 'message', text: activity } : activity);
      return adapter.activeQueue.splice(0);
    },
  };
}

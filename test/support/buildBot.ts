/**
 * Builds the real PrivacyBot with bot/assistant.ts, as bot/app.ts does, but on botbuilder's TestAdapter instead of the
 * HTTP server, so dialog tests run in-process.
 */
import { fileURLToPath } from 'node:url';
import { type Activity, MemoryStorage, type Storage, TestAdapter } from 'botbuilder';
import { PrivacyBot } from '../../bot/channel/privacyBot.ts';
import { MemoryRateCounter } from '../../bot/store/memory/rateCounter.ts';
import { type Assistant, createAssistant } from '../../dialogs/assistant.ts';
import type { FlowServices } from '../../dialogs/flows/registry.ts';
import { FLOW_NAMES } from '../../dialogs/flows/registry.ts';
import type { ReplyMeta } from '../../dialogs/replies/reply.ts';
import type { FlowObserver, InsightObserver } from '../../dialogs/root/insights.ts';
import type { FeedbackRecorder } from '../../dialogs/root/rootDialog.ts';
import { KnowledgeService } from '../../knowledge/knowledgeService.ts';

export const KNOWLEDGE_FILE = fileURLToPath(new URL('../../knowledge/faq.yaml', import.meta.url));
export const SUPPORT_EMAIL = 'support@wowrack.co.id';

let shared: Promise<KnowledgeService> | undefined;

/** The real knowledge file, loaded once per test run (building the matcher is the slow part). */
export function loadRealKnowledge(): Promise<KnowledgeService> {
  shared ??= KnowledgeService.load(KNOWLEDGE_FILE, { flows: FLOW_NAMES });
  return shared;
}

export interface TestBot {
  readonly adapter: TestAdapter;
  readonly assistant: Assistant;
  /** What the root dialog reported to its observer, in order. */
  readonly answered: { readonly meta: ReplyMeta; readonly question: string }[];
  /** Sends one activity (or a text message) from the user and returns everything the bot sent back in that turn. */
  send(activity: string | Partial<Activity>): Promise<Partial<Activity>[]>;
}

/**
 * A fresh bot with its own storage (MemoryStorage by default: a new conversation) on the shared knowledge. Answers
 * offer 👍/👎 only when a feedback recorder is given.
 */
export function buildBot(
  knowledge: KnowledgeService,
  options: {
    services?: FlowServices;
    storage?: Storage;
    feedback?: FeedbackRecorder;
    insights?: InsightObserver & FlowObserver;
    /** The conversation memory in the conversation state (several instances on one storage). */
    memoryInState?: boolean;
  } = {},
): TestBot {
  const answered: { meta: ReplyMeta; question: string }[] = [];
  const assistant = createAssistant({
    knowledge,
    storage: options.storage ?? new MemoryStorage(),
    supportEmail: SUPPORT_EMAIL,
    services: options.services ?? {},
    ...(options.feedback ? { feedback: options.feedback } : {}),
    counters: new MemoryRateCounter(),
    ...(options.insights ? { insights: options.insights } : {}),
    memoryInState: options.memoryInState ?? false,
    observer: {
      answered: (meta, question) => answered.push({ meta, question }),
      flowStarted: () => undefined,
      flowFailed: () => undefined,
    },
  });
  const bot = new PrivacyBot(assistant);
  const adapter = new TestAdapter((context) => bot.run(context));

  return {
    adapter,
    assistant,
    answered,
    async send(activity) {
      adapter.activeQueue.splice(0);
      await adapter.processActivity(typeof activity === 'string' ? { type: 'message', text: activity } : activity);
      return adapter.activeQueue.splice(0);
    },
  };
}

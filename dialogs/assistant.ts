import type { ConversationState, StatePropertyAccessor, Storage, TurnContext } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { RateCounter } from '../domain/ports.ts';
import type { KnowledgeService } from '../knowledge/knowledgeService.ts';
import { CheckedConversationState } from './checkedConversationState.ts';
import type { FlowDeps } from './flows/flowDialog.ts';
import { FLOWS, type FlowServices } from './flows/registry.ts';
import { ReplyComposer } from './replies/composer.ts';
import { Answerer } from './root/answerer.ts';
import { ConversationMemory, type Memory } from './root/conversationMemory.ts';
import type { ConversationPrefs } from './root/conversationPrefs.ts';
import { type FlowObserver, InsightLinks, type InsightObserver } from './root/insights.ts';
import { ProcessMemoryAccessor } from './root/processMemory.ts';
import { type AnswerObserver, type FeedbackRecorder, RootDialog } from './root/rootDialog.ts';
import { VoteLimits } from './root/voteLimits.ts';

export interface AssistantDeps {
  readonly knowledge: KnowledgeService;
  /** Bot Framework storage for conversation state (a flow's step survives a restart). */
  readonly storage: Storage;
  readonly supportEmail: string;
  readonly services: FlowServices;
  /** Where 👍/👎 on answers are recorded; without it answers offer no votes. */
  readonly feedback?: FeedbackRecorder;
  readonly observer: AnswerObserver & { flowFailed(flow: string, error: unknown): void };
  /** Where the vote limits count (the store's RateCounter: shared by every instance with PostgreSQL). */
  readonly counters: RateCounter;
  /** The admins' inbox and analytics (domain/inboxRecorder.ts); without it nothing is recorded for them. */
  readonly insights?: InsightObserver & FlowObserver;
  /**
   * Keep the conversation memory (the lines a ticket quotes, the language, the open "did you mean", the last answer)
   * in the conversation state, so the next turn finds it on another instance and after a restart (a shared store),
   * rather than in this process (the embedded store: one process; a question then writes no state). Default: false.
   */
  readonly memoryInState?: boolean;
}

/** The conversation layer, ready for a channel's ActivityHandler to drive. */
export interface Assistant {
  readonly conversationState: ConversationState;
  readonly dialogState: StatePropertyAccessor<DialogState>;
  readonly prefs: StatePropertyAccessor<ConversationPrefs>;
  readonly rootDialog: RootDialog;
  /** The per-message decision (framework-free), also used by the admins' test pane. */
  readonly answerer: Answerer;
  readonly composer: ReplyComposer;
  /** What the conversation remembers besides its dialog stack (the lines said, for a ticket). */
  readonly memory: ConversationMemory;
}

/** Builds the conversation layer: state, replies, and the root dialog with the flows whose services are there. */
export function createAssistant(deps: AssistantDeps): Assistant {
  const { knowledge, services, supportEmail, observer } = deps;
  // In the state, a turn that changed only its memory (a question) is saved over an overlapping turn's state, not
  // refused.
  const conversationState = new CheckedConversationState(
    deps.storage,
    deps.memoryInState
      ? {
          name: ConversationMemory.PROPERTY,
          reapply: (context): Promise<void> => memory.reapply(context), // called in a save, after `memory` is set
        }
      : undefined,
  );
  const dialogState = conversationState.createProperty<DialogState>('dialogState');
  const prefs = conversationState.createProperty<ConversationPrefs>('prefs');
  const memory = new ConversationMemory(
    deps.memoryInState
      ? conversationState.createProperty<Memory>(ConversationMemory.PROPERTY)
      : new ProcessMemoryAccessor(),
  );

  let answerer: Answerer | undefined;
  const flowDeps: FlowDeps = {
    prefs,
    supportEmail,
    policyAnswer: (text, lang) => answerer?.policyAnswer(text, lang),
    logFailure: (flow, error) => observer.flowFailed(flow, error),
    ...(deps.insights ? { events: deps.insights } : {}),
  };
  const context = { deps: flowDeps, services, transcript: (turn: TurnContext) => memory.lines(turn) };
  const flows = FLOWS.flatMap((flow) => {
    const dialog = flow.build(context);
    return dialog ? [{ flow, dialog }] : [];
  });
  const offered = new Map(flows.map(({ flow }) => [flow.name, flow.title]));
  const composer = new ReplyComposer(() => knowledge.knowledge, {
    supportEmail,
    flows: offered,
    feedback: deps.feedback !== undefined,
  });
  const built = new Answerer(knowledge, composer, new Set(offered.keys()), deps.feedback !== undefined);
  answerer = built;
  const recorder = deps.feedback;
  const feedback: FeedbackRecorder | undefined = recorder && {
    record: (vote) =>
      recorder.record(vote).catch((error: unknown) => {
        observer.flowFailed('feedback', error);
        throw error;
      }),
  };
  const rootDialog = new RootDialog(
    built,
    prefs,
    memory,
    observer,
    new VoteLimits(deps.counters),
    flows.map(({ dialog }) => dialog),
    feedback,
    deps.insights ? new InsightLinks(deps.insights, memory) : undefined,
  );
  return { conversationState, dialogState, prefs, rootDialog, answerer: built, composer, memory };
}

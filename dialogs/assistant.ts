import { ConversationState, type Storage, type TurnContext } from 'botbuilder';
import type { Dialog, DialogState } from 'botbuilder-dialogs';
import { PrivacyBot } from '../bot/channel/privacyBot.ts';
import type { ConsentService } from '../domain/consent.ts';
import type { TicketService } from '../domain/tickets.ts';
import type { UnsubscribeService } from '../domain/unsubscribe.ts';
import type { KnowledgeService } from '../knowledge/knowledgeService.ts';
import type { FlowName } from '../knowledge/types.ts';
import type { FlowDeps } from './flows/flowDialog.ts';
import { ParentalConsentDialog } from './flows/parentalConsentDialog.ts';
import { SupportRequestDialog } from './flows/supportRequestDialog.ts';
import { UnsubscribeDialog } from './flows/unsubscribeDialog.ts';
import { ReplyComposer } from './replies/composer.ts';
import { Answerer } from './root/answerer.ts';
import type { ConversationPrefs } from './root/conversationPrefs.ts';
import { type AnswerObserver, type FeedbackRecorder, RootDialog } from './root/rootDialog.ts';
import { TranscriptRecorder } from './root/transcriptRecorder.ts';

/** The services behind the three conversations; a flow whose service is absent is not offered. */
export interface FlowServices {
  readonly unsubscribes?: UnsubscribeService;
  readonly tickets?: TicketService;
  readonly consents?: ConsentService;
}

export interface AssistantDeps {
  readonly knowledge: KnowledgeService;
  readonly storage: Storage;
  readonly supportEmail: string;
  readonly services: FlowServices;
  /** Where 👍/👎 on answers are recorded; without it answers offer no votes. */
  readonly feedback?: FeedbackRecorder;
  readonly observer: AnswerObserver & { flowFailed(flow: string, error: unknown): void };
}

export interface Assistant {
  readonly bot: PrivacyBot;
  readonly conversationState: ConversationState;
  readonly composer: ReplyComposer;
}

/** Builds the conversation layer: state, replies, the root dialog with the available flows, and the bot. */
export function createAssistant(deps: AssistantDeps): Assistant {
  const { knowledge, services, supportEmail, observer } = deps;
  const conversationState = new ConversationState(deps.storage);
  const dialogState = conversationState.createProperty<DialogState>('dialogState');
  const prefs = conversationState.createProperty<ConversationPrefs>('prefs');
  const transcript = new TranscriptRecorder();

  const flowNames = new Set<FlowName>();
  const composer = new ReplyComposer(() => knowledge.knowledge, {
    supportEmail,
    flows: flowNames,
    feedback: deps.feedback !== undefined,
  });
  const answerer = new Answerer(knowledge, composer, flowNames, deps.feedback !== undefined);
  const flowDeps: FlowDeps = {
    prefs,
    policyAnswer: (text, lang) => answerer.policyAnswer(text, lang),
    logFailure: (flow, error) => observer.flowFailed(flow, error),
  };
  const flows: Dialog[] = [];
  if (services.unsubscribes) {
    flows.push(new UnsubscribeDialog({ ...flowDeps, service: services.unsubscribes, supportEmail }));
    flowNames.add('unsubscribe');
  }
  if (services.tickets) {
    const recent = async (step: { context: TurnContext }) => transcript.recent(step.context.activity.conversation.id);
    flows.push(new SupportRequestDialog({ ...flowDeps, service: services.tickets, supportEmail, transcript: recent }));
    flowNames.add('support');
  }
  if (services.consents) {
    flows.push(new ParentalConsentDialog({ ...flowDeps, service: services.consents, supportEmail }));
    flowNames.add('parental-consent');
  }
  const recorder = deps.feedback;
  const feedback: FeedbackRecorder | undefined = recorder && {
    record: (vote) =>
      recorder.record(vote).catch((error: unknown) => {
        observer.flowFailed('feedback', error);
        throw error;
      }),
  };
  const rootDialog = new RootDialog(answerer, prefs, observer, flows, feedback);
  const bot = new PrivacyBot(conversationState, dialogState, prefs, rootDialog, composer, transcript);
  return { bot, conversationState, composer };
}

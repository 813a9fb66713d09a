import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  type Dialog,
  DialogSet,
  type DialogState,
  type DialogTurnResult,
  DialogTurnStatus,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { FlowName, Lang } from '../knowledge/types.ts';
import { toActivity } from './activities.ts';
import type { Answerer } from './answerer.ts';
import type { ConversationPrefs } from './conversationPrefs.ts';
import { defaultPrefs } from './conversationPrefs.ts';
import type { FlowOptions } from './flowOptions.ts';
import type { ReplyMeta } from './reply.ts';

export const ROOT_DIALOG = 'rootDialog';
const ROUTE_WATERFALL = 'routeWaterfall';

/** Told about every answered message (for logs and, later, the list of unanswered questions). */
export interface AnswerObserver {
  answered(meta: ReplyMeta, question: string): void;
  flowStarted(flow: FlowName, lang: Lang): void;
}

/**
 * Per turn: small talk, an answer, "did you mean", an honest "not in the statement", or the start of a flow.
 * The decision itself is the framework-free Answerer; this dialog only moves it through Bot Framework.
 */
export class RootDialog extends ComponentDialog {
  constructor(
    private readonly answerer: Answerer,
    private readonly prefs: StatePropertyAccessor<ConversationPrefs>,
    private readonly observer: AnswerObserver,
    flows: readonly Dialog[] = [],
  ) {
    super(ROOT_DIALOG);
    for (const flow of flows) this.addDialog(flow);
    this.addDialog(new WaterfallDialog(ROUTE_WATERFALL, [this.routeStep.bind(this), this.finalStep.bind(this)]));
    this.initialDialogId = ROUTE_WATERFALL;
  }

  /** Continues the active conversation, or starts the root dialog for a new message. */
  async run(context: TurnContext, dialogState: StatePropertyAccessor<DialogState>): Promise<void> {
    const dialogSet = new DialogSet(dialogState);
    dialogSet.add(this);
    const dc = await dialogSet.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
  }

  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const prefs = await this.prefs.get(context, defaultPrefs());
    const question = context.activity.text ?? '';
    const outcome = this.answerer.handle({ text: question, value: context.activity.value, lang: prefs.lang });
    prefs.lang = outcome.lang;
    await this.prefs.set(context, prefs);
    if (outcome.kind === 'flow') {
      this.observer.flowStarted(outcome.flow, outcome.lang);
      const options: FlowOptions = { lang: outcome.lang, question: outcome.question };
      return step.beginDialog(outcome.flow, options);
    }
    await context.sendActivity(toActivity(outcome.reply));
    this.observer.answered(outcome.reply.meta, question);
    return step.endDialog();
  }

  private async finalStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog();
  }
}

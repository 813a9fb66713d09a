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
import type { FlowName, Lang } from '../../knowledge/types.ts';
import type { FlowOptions } from '../flows/flowOptions.ts';
import { clientKeyOf } from '../flows/requestOrigin.ts';
import type { FeedbackVote, Reply, ReplyMeta } from '../replies/reply.ts';
import { toActivity } from '../replies/toActivity.ts';
import type { Answerer, AnswerOutcome } from './answerer.ts';
import type { ConversationMemory } from './conversationMemory.ts';
import type { ConversationPrefs } from './conversationPrefs.ts';
import { defaultPrefs } from './conversationPrefs.ts';
import type { InsightLinks } from './insights.ts';
import type { VoteLimits } from './voteLimits.ts';

export const ROOT_DIALOG = 'rootDialog';

/** How the root dialog is begun: with the flow the message asked for. */
interface RootOptions {
  readonly flow?: FlowName;
  readonly options?: FlowOptions;
}
const ROUTE_WATERFALL = 'routeWaterfall';

/** Told about every answered message (for logs and, later, the list of unanswered questions). */
export interface AnswerObserver {
  answered(meta: ReplyMeta, question: string): void;
  flowStarted(flow: FlowName, lang: Lang): void;
}

/** Where 👍/👎 votes go; resolves once the vote is safely recorded (implemented by bot/requests/feedbackService). */
export interface FeedbackRecorder {
  record(feedback: { readonly entryId: string; readonly vote: FeedbackVote; readonly lang: Lang }): Promise<unknown>;
}

/**
 * Per turn: small talk, an answer, "did you mean", an honest "not in the statement", or the start of a flow.
 * The decision itself is the framework-free Answerer; this dialog only moves it through Bot Framework.
 */
export class RootDialog extends ComponentDialog {
  constructor(
    private readonly answerer: Answerer,
    private readonly prefs: StatePropertyAccessor<ConversationPrefs>,
    private readonly memory: ConversationMemory,
    private readonly observer: AnswerObserver,
    private readonly votes: VoteLimits,
    flows: readonly Dialog[] = [],
    private readonly feedback?: FeedbackRecorder,
    private readonly insights?: InsightLinks,
  ) {
    super(ROOT_DIALOG);
    for (const flow of flows) this.addDialog(flow);
    this.addDialog(new WaterfallDialog(ROUTE_WATERFALL, [this.routeStep.bind(this), this.finalStep.bind(this)]));
    this.initialDialogId = ROUTE_WATERFALL;
  }

  /**
   * Continues the active conversation; otherwise decides on the message. Most messages are questions answered in one
   * turn: those skip the dialog machinery entirely (its cost would dominate an FAQ turn); only the start of a flow
   * begins the root dialog, which then runs the flow.
   */
  async run(context: TurnContext, dialogState: StatePropertyAccessor<DialogState>): Promise<void> {
    // Read without defaults: a conversation that only asks questions keeps no dialog stack.
    const state = await dialogState.get(context);
    if (!state || state.dialogStack.length === 0) {
      const outcome = await this.decide(context);
      if (outcome.kind !== 'flow') {
        await this.respond(context, outcome);
        return;
      }
      const dc = await this.dialogContext(context, dialogState);
      const start: RootOptions = { flow: outcome.flow, options: { lang: outcome.lang, question: outcome.question } };
      this.observer.flowStarted(outcome.flow, outcome.lang);
      this.insights?.flowStarted(outcome.flow, outcome.lang);
      await dc.beginDialog(this.id, start);
      return;
    }
    const dc = await this.dialogContext(context, dialogState);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
  }

  private async dialogContext(context: TurnContext, dialogState: StatePropertyAccessor<DialogState>) {
    const dialogSet = new DialogSet(dialogState);
    dialogSet.add(this);
    return dialogSet.createContext(context);
  }

  /**
   * The Answerer's decision for this message. The language questions last used is in the conversation's memory; a
   * flow's is in its prefs, written when the flow starts (a flow must resume in its language after a restart).
   */
  private async decide(context: TurnContext): Promise<AnswerOutcome> {
    const prefs = (await this.prefs.get(context)) ?? defaultPrefs();
    const lang = (await this.memory.get(context)).lang ?? prefs.lang;
    await this.insights?.incoming(context);
    const outcome = this.answerer.handle({ text: context.activity.text ?? '', value: context.activity.value, lang });
    await this.memory.setLang(context, outcome.lang);
    if (outcome.kind === 'flow' && prefs.lang !== outcome.lang)
      await this.prefs.set(context, { ...prefs, lang: outcome.lang });
    return outcome;
  }

  private async routeStep(step: WaterfallStepContext<RootOptions>): Promise<DialogTurnResult> {
    const start = step.options;
    if (start?.flow) return step.beginDialog(start.flow, start.options);
    // Reached only when a flow ended and the same turn needs a decision (not in normal use): answer the message.
    const outcome = await this.decide(step.context);
    if (outcome.kind === 'flow')
      return step.beginDialog(outcome.flow, { lang: outcome.lang, question: outcome.question });
    await this.respond(step.context, outcome);
    return step.endDialog();
  }

  /** Sends a one-turn outcome: a reply, or the answer to a vote once the vote is recorded. */
  private async respond(context: TurnContext, outcome: Exclude<AnswerOutcome, { kind: 'flow' }>): Promise<void> {
    if (outcome.kind === 'feedback') {
      await context.sendActivity(toActivity(await this.recordFeedback(context, outcome)));
      return;
    }
    await context.sendActivity(toActivity(outcome.reply));
    this.observer.answered(outcome.reply.meta, context.activity.text ?? '');
    await this.insights?.replied(context, outcome.reply.meta);
  }

  /** Thanks only after the vote is on disk; says so truthfully when it could not be recorded. */
  private async recordFeedback(
    context: TurnContext,
    outcome: Extract<AnswerOutcome, { kind: 'feedback' }>,
  ): Promise<Reply> {
    if (!this.feedback) return outcome.failed;
    const check = await this.votes.take(context.activity.conversation.id, clientKeyOf(context), outcome.entryId);
    if (check !== 'ok') return outcome.notCounted(check);
    try {
      const vote = { entryId: outcome.entryId, vote: outcome.vote, lang: outcome.lang };
      await this.feedback.record(vote);
      await this.insights?.voted(context, vote);
      return outcome.reply;
    } catch {
      return outcome.failed; // the recorder reports its own failures
    }
  }

  private async finalStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog();
  }
}

import { ActivityTypes, type StatePropertyAccessor } from 'botbuilder';
import {
  type Choice,
  ComponentDialog,
  type Dialog,
  type DialogContext,
  type DialogTurnResult,
  DialogTurnStatus,
  recognizeChoices,
  WaterfallDialog,
  type WaterfallStep,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { RequestOutcome } from '../../domain/requestMail.ts';
import { expandSlang, words } from '../../knowledge/normalize.ts';
import type { Lang } from '../../knowledge/types.ts';
import type { Reply } from '../replies/reply.ts';
import { say, TEXTS, type TextKey } from '../replies/texts.ts';
import { toActivity } from '../replies/toActivity.ts';
import { type ConversationPrefs, defaultPrefs } from '../root/conversationPrefs.ts';
import type { FlowObserver } from '../root/insights.ts';
import { chosen, PROMPTS, YES } from './prompts.ts';
import { assignRequestKey } from './requestOrigin.ts';

/** What a flow says about each outcome of its request. */
export interface RequestReport<T> {
  /** The request is recorded (said first). */
  recorded(record: T, lang: Lang): string;
  /** Its mails went out (said after `recorded`; otherwise the customer hears they are queued). */
  sent(record: T, lang: Lang): string;
  /** The same request was recorded before (default: as `recorded`). */
  existing?(record: T, lang: Lang): string;
}

/** Answers a policy question asked in the middle of a flow, or undefined when the text is not one. */
export type PolicyAnswerer = (text: string, lang: Lang) => Reply | undefined;

export interface FlowDeps {
  readonly prefs: StatePropertyAccessor<ConversationPrefs>;
  /** The support mailbox customers are pointed to (config SUPPORT_EMAIL). */
  readonly supportEmail: string;
  readonly policyAnswer: PolicyAnswerer;
  /** Where a flow reports a request it could not record (the customer is told separately). */
  readonly logFailure: (flow: string, error: unknown) => void;
  /** Told when a flow completes, is cancelled and at which step, or gets a question instead of an answer. */
  readonly events?: FlowObserver;
}

/** A step's name for the funnels, from its help text's key: `supportHelpEmail` → `email`. */
export function stepName(help: TextKey | undefined): string {
  const name = help?.replace(/^.*Help/, '').toLowerCase();
  return name || 'start';
}

const CANCEL = new Set([
  'batal',
  'batalkan',
  'cancel',
  'keluar',
  'exit',
  'quit',
  'stop',
  'berhenti',
  'gak jadi',
  'tidak jadi',
  'ga jadi',
  'nevermind',
  'never mind',
  'abort',
]);
const HELP = new Set([
  'bantuan',
  'help',
  'bantu',
  'tolong',
  '?',
  'bingung',
  'maksudnya',
  'apa maksudnya',
  'what do you mean',
  'i do not understand',
  'tidak mengerti',
  'tidak paham',
]);
const FILLERS = new Set(['saja', 'deh', 'ya', 'dong', 'aja', 'please', 'kak', 'min']);

/** The message reduced to its words, without fillers: "batal aja deh" → "batal". */
function command(text: string): string {
  if (text.trim() === '?') return '?';
  return expandSlang(words(text))
    .filter((w) => !FILLERS.has(w))
    .join(' ');
}

/** The choices the active prompt offers (kept in its dialog state), if it is a choice prompt. */
function activeChoices(inner: DialogContext): (string | Choice)[] {
  const options: unknown = inner.activeDialog?.state?.options;
  const choices = typeof options === 'object' && options !== null && 'choices' in options ? options.choices : undefined;
  if (!Array.isArray(choices)) return [];
  return choices.filter(
    (c): c is string | Choice => typeof c === 'string' || (typeof c === 'object' && c !== null && 'value' in c),
  );
}

/** Whether the active choice prompt recognises the text as one of its choices, exactly as the prompt will. */
function recognizedChoice(inner: DialogContext, text: string): boolean {
  const choices = activeChoices(inner);
  if (choices.length === 0) return false;
  return recognizeChoices(text, choices, { recognizeNumbers: false, recognizeOrdinals: false }).length > 0;
}

/** Whether a message is plausibly the answer the current prompt waits for (then it is never an interruption). */
function looksLikeAnswer(inner: DialogContext, text: string): boolean {
  const promptId = inner.activeDialog?.id;
  switch (promptId) {
    case PROMPTS.email:
      return text.includes('@');
    case PROMPTS.age:
      return /\d/.test(text);
    case PROMPTS.name:
      return !text.includes('?') && text.split(/\s+/).length <= 4;
    case PROMPTS.freeText:
      return true;
    case PROMPTS.account:
      return !text.includes('?') && text.split(/\s+/).length <= 6;
    default:
      return text.split(/\s+/).length <= 2;
  }
}

/**
 * Base of the flows (BotBuilder-Samples' CancelAndHelpDialog, grown up): "batal"/"cancel" ends the flow politely, "bantuan"/"help" explains the current step, and
 * a policy question asked instead of an answer is answered before the step is asked again.
 * Each step names its help text with setHelp(); the text is kept in dialog state, so it survives a restart.
 */
export abstract class FlowDialog<Values extends object = object> extends ComponentDialog {
  protected constructor(
    id: string,
    private readonly waterfallId: string,
    protected readonly deps: FlowDeps,
  ) {
    super(id);
  }

  /** Registers the flow's prompts and its steps (in order) as the waterfall it starts with. */
  protected defineSteps(prompts: readonly Dialog[], steps: readonly WaterfallStep[]): void {
    for (const prompt of prompts) this.addDialog(prompt);
    const [first, ...rest] = steps;
    // The flow instance's request key is made as it begins, before any answer: one key, one request.
    const begin: WaterfallStep = async (step) => {
      assignRequestKey(step);
      return first ? first(step) : step.next();
    };
    this.addDialog(new WaterfallDialog(this.waterfallId, [begin, ...rest]));
    this.initialDialogId = this.waterfallId;
  }

  /**
   * The flow's answers so far. Waterfall values are untyped JSON in dialog state; only this flow writes its own, so
   * the one cast lives here rather than in every flow.
   */
  protected values(step: WaterfallStepContext): Values {
    return step.values as Values;
  }

  protected setHelp(step: WaterfallStepContext, key: TextKey): void {
    Object.assign(step.values, { help: key });
  }

  /**
   * The last step every flow shares: not confirmed → nothing happens, and the customer is told so; confirmed → the
   * request is recorded, and the customer hears what it came to (recorded, with its mail sent or queued; already
   * recorded; a mail cap reached; or, when the store failed, that nothing was recorded or sent).
   */
  protected async recordRequest<T>(
    step: WaterfallStepContext,
    record: () => Promise<RequestOutcome<T>>,
    report: RequestReport<T>,
  ): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const { context } = step;
    if (chosen(step.result) !== YES) {
      await context.sendActivity(say('notConfirmed', lang));
      this.deps.events?.flowCancelled(this.id, 'confirm', lang);
      return step.endDialog();
    }
    try {
      const outcome = await record();
      if (outcome.status !== 'limited') this.deps.events?.flowCompleted(this.id, lang);
      if (outcome.status === 'limited')
        await context.sendActivity(say('rateLimited', lang, { support: this.deps.supportEmail }));
      else if (outcome.status === 'existing')
        await context.sendActivity((report.existing ?? report.recorded)(outcome.record, lang));
      else {
        const mail = outcome.withheld
          ? say('mailWithheld', lang, { support: this.deps.supportEmail })
          : outcome.delivered
            ? report.sent(outcome.record, lang)
            : say('mailQueued', lang);
        await context.sendActivity(`${report.recorded(outcome.record, lang)} ${mail}`);
      }
    } catch (error) {
      // Nothing was recorded (the unit of work undid itself): said truthfully, and logged.
      this.deps.logFailure(this.id, error);
      await context.sendActivity(say('storageFailed', lang));
    }
    return step.endDialog();
  }

  protected async lang(dc: DialogContext): Promise<Lang> {
    return (await this.deps.prefs.get(dc.context, defaultPrefs())).lang;
  }

  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const interrupted = await this.interrupt(inner);
    return interrupted ?? super.onContinueDialog(inner);
  }

  private async interrupt(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    const { activity } = inner.context;
    if (activity.type !== ActivityTypes.Message || typeof activity.text !== 'string') return undefined;
    const text = activity.text.trim().slice(0, 2000);
    const lang = await this.lang(inner);
    // What the current prompt itself understands is its answer, never an interruption ("stop" to "Stop …?").
    if (recognizedChoice(inner, text)) return undefined;
    const said = command(text);
    if (CANCEL.has(said)) {
      await inner.context.sendActivity(say('cancelled', lang));
      this.deps.events?.flowCancelled(this.id, stepName(this.currentHelp(inner)), lang);
      return inner.cancelAllDialogs();
    }
    if (HELP.has(said)) {
      const help = this.currentHelp(inner);
      await inner.context.sendActivity(`${help ? say(help, lang) : ''} ${say('resumeHint', lang)}`.trim());
      return this.reprompt(inner);
    }
    if (!looksLikeAnswer(inner, text)) {
      const reply = this.deps.policyAnswer(text, lang);
      this.deps.events?.askedInFlow(this.id, stepName(this.currentHelp(inner)), text, lang, reply?.meta.entryId);
      if (reply) {
        await inner.context.sendActivity(toActivity({ ...reply, suggestions: [] }));
        return this.reprompt(inner);
      }
    }
    return undefined;
  }

  private async reprompt(inner: DialogContext): Promise<DialogTurnResult> {
    await inner.repromptDialog();
    return { status: DialogTurnStatus.waiting };
  }

  private currentHelp(inner: DialogContext): TextKey | undefined {
    const waterfall = inner.stack.find((d) => d.id === this.waterfallId);
    const values: unknown = waterfall?.state?.values;
    const help = typeof values === 'object' && values !== null && 'help' in values ? values.help : undefined;
    return isTextKey(help) ? help : undefined;
  }
}

const isTextKey = (key: unknown): key is TextKey => typeof key === 'string' && Object.hasOwn(TEXTS, key);

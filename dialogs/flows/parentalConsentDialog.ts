import { TurnContext } from 'botbuilder';
import { type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { ConsentService } from '../../domain/consent.ts';
import { formatTime } from '../../domain/time.ts';
import { flowSay } from '../replies/flowTexts.ts';
import { type FlowDeps, InterruptibleDialog } from './flowDialog.ts';
import type { FlowOptions } from './flowOptions.ts';
import {
  chosen,
  createAgePrompt,
  createChoicePrompt,
  createEmailPrompt,
  createNamePrompt,
  PROMPTS,
  parseAge,
  promptWith,
  YES,
  yesNoChoices,
} from './prompts.ts';

export const PARENTAL_CONSENT_DIALOG = 'parental-consent';
const WATERFALL = 'consentWaterfall';
const ADULT_AGE = 18;

interface ConsentValues {
  age?: number;
  childName?: string;
  childEmail?: string;
  parentName?: string;
  parentEmail?: string;
}

export interface ConsentDialogDeps extends FlowDeps {
  readonly service: ConsentService;
  readonly supportEmail: string;
}

/**
 * Parental consent for customers under 18 (the statement: "Kami akan membutuhkan izin orang tua Anda"):
 * age → customer's and parent's names and addresses → summary → a single-use link to the parent.
 */
export class ParentalConsentDialog extends InterruptibleDialog<ConsentValues> {
  constructor(private readonly flow: ConsentDialogDeps) {
    super(PARENTAL_CONSENT_DIALOG, WATERFALL, flow);
    this.addDialog(createAgePrompt());
    this.addDialog(createNamePrompt());
    this.addDialog(createEmailPrompt());
    this.addDialog(createChoicePrompt(PROMPTS.confirm));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.ageStep.bind(this),
        this.childNameStep.bind(this),
        this.childEmailStep.bind(this),
        this.parentNameStep.bind(this),
        this.parentEmailStep.bind(this),
        this.confirmStep.bind(this),
        this.sendStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  private async ageStep(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    await step.context.sendActivity(flowSay('consentIntro', lang));
    const stated = parseAge(step.options?.question ?? '');
    if (stated !== undefined) return step.next(String(stated));
    this.setHelp(step, 'consentHelpAge');
    return step.prompt(PROMPTS.age, promptWith(flowSay('consentAskAge', lang), flowSay('consentAgeRetry', lang)));
  }

  private async childNameStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const age = Number(step.result);
    if (age >= ADULT_AGE) {
      await step.context.sendActivity(flowSay('consentAdult', lang, { age: String(age) }));
      return step.endDialog();
    }
    this.values(step).age = age;
    this.setHelp(step, 'consentHelpPeople');
    return step.prompt(PROMPTS.name, promptWith(flowSay('consentAskChildName', lang), flowSay('nameRetry', lang)));
  }

  private async childEmailStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    this.values(step).childName = String(step.result);
    return step.prompt(PROMPTS.email, promptWith(flowSay('consentAskChildEmail', lang), flowSay('emailRetry', lang)));
  }

  private async parentNameStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    this.values(step).childEmail = String(step.result);
    return step.prompt(PROMPTS.name, promptWith(flowSay('consentAskParentName', lang), flowSay('nameRetry', lang)));
  }

  private async parentEmailStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const v = this.values(step);
    v.parentName = String(step.result);
    return step.prompt(PROMPTS.email, {
      ...promptWith(flowSay('consentAskParentEmail', lang), flowSay('emailRetry', lang)),
      validations: { differentFrom: v.childEmail ?? '', sameMessage: flowSay('consentSameEmail', lang) },
    });
  }

  private async confirmStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const v = this.values(step);
    v.parentEmail = String(step.result);
    this.setHelp(step, 'consentHelpConfirm');
    const summary = flowSay('consentSummary', lang, {
      childName: v.childName ?? '',
      age: String(v.age ?? ''),
      childEmail: v.childEmail ?? '',
      parentName: v.parentName ?? '',
      parentEmail: v.parentEmail ?? '',
    });
    return step.prompt(PROMPTS.confirm, {
      ...promptWith(summary, flowSay('confirmRetry', lang)),
      choices: yesNoChoices(lang),
    });
  }

  private async sendStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    if (chosen(step.result) !== YES) {
      await step.context.sendActivity(flowSay('notConfirmed', lang));
      return step.endDialog();
    }
    const v = this.values(step);
    try {
      const result = await this.flow.service.request({
        childName: v.childName ?? '',
        childEmail: v.childEmail ?? '',
        childAge: v.age ?? 0,
        parentName: v.parentName ?? '',
        parentEmail: v.parentEmail ?? '',
        lang,
        conversationId: step.context.activity.conversation.id,
        // Kept so the decision can be announced in this conversation later (a proactive message).
        conversationReference: { ...TurnContext.getConversationReference(step.context.activity) },
      });
      if (result.status === 'limited') {
        await step.context.sendActivity(flowSay('rateLimited', lang, { support: this.flow.supportEmail }));
        return step.endDialog();
      }
      const { consent } = result;
      const sent = flowSay('consentSent', lang, {
        id: consent.id,
        parentEmail: consent.parentEmail,
        expires: formatTime(consent.expiresAt, lang),
      });
      const mail = result.delivered
        ? flowSay('consentMailSent', lang, { parentEmail: consent.parentEmail })
        : flowSay('mailQueued', lang);
      await step.context.sendActivity(`${sent} ${mail}`);
    } catch (error) {
      await this.failed(step.context, lang, error);
    }
    return step.endDialog();
  }
}

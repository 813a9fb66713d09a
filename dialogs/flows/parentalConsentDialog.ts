import { TurnContext } from 'botbuilder';
import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import type { ConsentService } from '../../domain/consent.ts';
import { formatTime } from '../../domain/time.ts';
import { escapeMarkdown } from '../replies/markdown.ts';
import { say } from '../replies/texts.ts';
import { type FlowDeps, FlowDialog } from './flowDialog.ts';
import type { FlowOptions } from './flowOptions.ts';
import {
  createAgePrompt,
  createChoicePrompt,
  createEmailPrompt,
  createNamePrompt,
  PROMPTS,
  parseAge,
  promptWith,
  yesNoChoices,
} from './prompts.ts';
import { reachableLater, requestOriginOf } from './requestOrigin.ts';

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
}

/**
 * Parental consent for customers under 18 (the statement: "Kami akan membutuhkan izin orang tua Anda"):
 * age → customer's and parent's names and addresses → summary → a single-use link to the parent.
 */
export class ParentalConsentDialog extends FlowDialog<ConsentValues> {
  constructor(
    id: string,
    private readonly flow: ConsentDialogDeps,
  ) {
    super(id, WATERFALL, flow);
    this.defineSteps(
      [createAgePrompt(), createNamePrompt(), createEmailPrompt(), createChoicePrompt(PROMPTS.confirm)],
      [
        this.ageStep.bind(this),
        this.childNameStep.bind(this),
        this.childEmailStep.bind(this),
        this.parentNameStep.bind(this),
        this.parentEmailStep.bind(this),
        this.confirmStep.bind(this),
        this.sendStep.bind(this),
      ],
    );
  }

  private async ageStep(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    await step.context.sendActivity(say('consentIntro', lang));
    const stated = parseAge(step.options?.question ?? '');
    if (stated !== undefined) return step.next(String(stated));
    this.setHelp(step, 'consentHelpAge');
    return step.prompt(PROMPTS.age, promptWith(say('consentAskAge', lang), say('consentAgeRetry', lang)));
  }

  private async childNameStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const age = Number(step.result);
    if (age >= ADULT_AGE) {
      await step.context.sendActivity(say('consentAdult', lang, { age: String(age) }));
      return step.endDialog();
    }
    this.values(step).age = age;
    this.setHelp(step, 'consentHelpPeople');
    return step.prompt(PROMPTS.name, promptWith(say('consentAskChildName', lang), say('nameRetry', lang)));
  }

  private async childEmailStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    this.values(step).childName = String(step.result);
    return step.prompt(PROMPTS.email, promptWith(say('consentAskChildEmail', lang), say('emailRetry', lang)));
  }

  private async parentNameStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    this.values(step).childEmail = String(step.result);
    return step.prompt(PROMPTS.name, promptWith(say('consentAskParentName', lang), say('nameRetry', lang)));
  }

  private async parentEmailStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const v = this.values(step);
    v.parentName = String(step.result);
    return step.prompt(PROMPTS.email, {
      ...promptWith(say('consentAskParentEmail', lang), say('emailRetry', lang)),
      validations: { differentFrom: v.childEmail ?? '', sameMessage: say('consentSameEmail', lang) },
    });
  }

  private async confirmStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const v = this.values(step);
    v.parentEmail = String(step.result);
    this.setHelp(step, 'consentHelpConfirm');
    const summary = say('consentSummary', lang, {
      childName: escapeMarkdown(v.childName ?? ''),
      age: String(v.age ?? ''),
      childEmail: escapeMarkdown(v.childEmail ?? ''),
      parentName: escapeMarkdown(v.parentName ?? ''),
      parentEmail: escapeMarkdown(v.parentEmail ?? ''),
    });
    return step.prompt(PROMPTS.confirm, {
      ...promptWith(summary, say('confirmRetry', lang)),
      choices: yesNoChoices(lang),
    });
  }

  private async sendStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const v = this.values(step);
    const request = {
      childName: v.childName ?? '',
      childEmail: v.childEmail ?? '',
      childAge: v.age ?? 0,
      parentName: v.parentName ?? '',
      parentEmail: v.parentEmail ?? '',
      lang,
      ...requestOriginOf(step),
      // Kept so the decision can be announced in this conversation later (a proactive message), when the channel
      // allows calling it back; otherwise the customer hears of it by e-mail only.
      ...(reachableLater(step.context)
        ? { conversationReference: { ...TurnContext.getConversationReference(step.context.activity) } }
        : {}),
    };
    return this.recordRequest(step, () => this.flow.service.request(request), {
      recorded: (c, l) =>
        say('consentSent', l, {
          id: c.id,
          parentEmail: escapeMarkdown(c.parentEmail),
          expires: formatTime(c.expiresAt, l),
        }),
      sent: (c, l) => say('consentMailSent', l, { parentEmail: escapeMarkdown(c.parentEmail) }),
    });
  }
}

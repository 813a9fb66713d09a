import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { firstEmailIn, normalizeEmail } from '../../domain/address.ts';
import { formatTime } from '../../domain/time.ts';
import type { UnsubscribeService } from '../../domain/unsubscribe.ts';
import { escapeMarkdown } from '../replies/markdown.ts';
import { say } from '../replies/texts.ts';
import { type FlowDeps, FlowDialog } from './flowDialog.ts';
import type { FlowOptions } from './flowOptions.ts';
import { createChoicePrompt, createEmailPrompt, PROMPTS, promptWith, yesNoChoices } from './prompts.ts';
import { requestOriginOf } from './requestOrigin.ts';

const WATERFALL = 'unsubscribeWaterfall';

export interface UnsubscribeDialogDeps extends FlowDeps {
  readonly service: UnsubscribeService;
}

/**
 * Stop promotional e-mail (the statement's "reply with subject REMOVE", done for the customer):
 * address → confirmation → recorded in the suppression list, REMOVE mail to marketing, confirmation to the customer.
 */
export class UnsubscribeDialog extends FlowDialog<{ email?: string }> {
  constructor(
    id: string,
    private readonly flow: UnsubscribeDialogDeps,
  ) {
    super(id, WATERFALL, flow);
    this.defineSteps(
      [createEmailPrompt(), createChoicePrompt(PROMPTS.confirm)],
      [this.emailStep.bind(this), this.confirmStep.bind(this), this.recordStep.bind(this)],
    );
  }

  private async emailStep(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    await step.context.sendActivity(say('unsubscribeIntro', lang));
    const given = firstEmailIn(step.options?.question ?? '');
    if (given) return step.next(given);
    this.setHelp(step, 'unsubscribeHelpEmail');
    return step.prompt(PROMPTS.email, promptWith(say('unsubscribeAskEmail', lang), say('emailRetry', lang)));
  }

  private async confirmStep(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const email = normalizeEmail(String(step.result)) ?? '';
    this.values(step).email = email;
    const already = await this.flow.service.find(email);
    if (already) {
      await step.context.sendActivity(
        say('unsubscribeAlready', lang, { email: escapeMarkdown(email), time: formatTime(already.createdAt, lang) }),
      );
      return step.endDialog();
    }
    this.setHelp(step, 'unsubscribeHelpConfirm');
    return step.prompt(PROMPTS.confirm, {
      ...promptWith(say('unsubscribeConfirm', lang, { email: escapeMarkdown(email) }), say('confirmRetry', lang)),
      // The question is "Stop promotional e-mail to …?": "stop" and "berhenti" answer it, they do not cancel.
      choices: yesNoChoices(lang, ['stop', 'berhenti', 'hentikan', 'unsubscribe', 'remove']),
    });
  }

  private async recordStep(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const email = this.values(step).email ?? '';
    const lang = await this.lang(step);
    const request = { email, lang, ...requestOriginOf(step) };
    return this.recordRequest(step, () => this.flow.service.unsubscribe(request), {
      recorded: (r, l) => say('unsubscribeDone', l, { email: escapeMarkdown(email), time: formatTime(r.createdAt, l) }),
      sent: (_r, l) => say('unsubscribeMailSent', l),
      existing: (r, l) =>
        say('unsubscribeAlready', l, { email: escapeMarkdown(email), time: formatTime(r.createdAt, l) }),
    });
  }
}

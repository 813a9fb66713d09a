import { type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { firstEmailIn, normalizeEmail } from '../../domain/address.ts';
import { formatTime } from '../../domain/time.ts';
import type { UnsubscribeService } from '../../domain/unsubscribe.ts';
import { flowSay } from '../replies/flowTexts.ts';
import { type FlowDeps, InterruptibleDialog } from './flowDialog.ts';
import type { FlowOptions } from './flowOptions.ts';
import { chosen, createChoicePrompt, createEmailPrompt, PROMPTS, promptWith, YES, yesNoChoices } from './prompts.ts';

export const UNSUBSCRIBE_DIALOG = 'unsubscribe';
const WATERFALL = 'unsubscribeWaterfall';

export interface UnsubscribeDialogDeps extends FlowDeps {
  readonly service: UnsubscribeService;
  readonly supportEmail: string;
}

/**
 * Stop promotional e-mail (the statement's "reply with subject REMOVE", done for the customer):
 * address → confirmation → recorded in the suppression list, REMOVE mail to marketing, confirmation to the customer.
 */
export class UnsubscribeDialog extends InterruptibleDialog<{ email?: string }> {
  constructor(private readonly flow: UnsubscribeDialogDeps) {
    super(UNSUBSCRIBE_DIALOG, WATERFALL, flow);
    this.addDialog(createEmailPrompt());
    this.addDialog(createChoicePrompt(PROMPTS.confirm));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.emailStep.bind(this),
        this.confirmStep.bind(this),
        this.recordStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  private async emailStep(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    await step.context.sendActivity(flowSay('unsubscribeIntro', lang));
    const given = firstEmailIn(step.options?.question ?? '');
    if (given) return step.next(given);
    this.setHelp(step, 'unsubscribeHelpEmail');
    return step.prompt(PROMPTS.email, promptWith(flowSay('unsubscribeAskEmail', lang), flowSay('emailRetry', lang)));
  }

  private async confirmStep(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const email = normalizeEmail(String(step.result)) ?? '';
    this.values(step).email = email;
    const already = this.flow.service.find(email);
    if (already) {
      await step.context.sendActivity(
        flowSay('unsubscribeAlready', lang, { email, time: formatTime(already.createdAt, lang) }),
      );
      return step.endDialog();
    }
    this.setHelp(step, 'unsubscribeHelpConfirm');
    return step.prompt(PROMPTS.confirm, {
      ...promptWith(flowSay('unsubscribeConfirm', lang, { email }), flowSay('confirmRetry', lang)),
      // The question is "Stop promotional e-mail to …?": "stop" and "berhenti" answer it, they do not cancel.
      choices: yesNoChoices(lang, ['stop', 'berhenti', 'hentikan', 'unsubscribe', 'remove']),
    });
  }

  private async recordStep(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    if (chosen(step.result) !== YES) {
      await step.context.sendActivity(flowSay('notConfirmed', lang));
      return step.endDialog();
    }
    const email = this.values(step).email ?? '';
    const conversationId = step.context.activity.conversation.id;
    try {
      const result = await this.flow.service.unsubscribe({ email, lang, conversationId });
      if (result.status === 'limited')
        await step.context.sendActivity(flowSay('rateLimited', lang, { support: this.flow.supportEmail }));
      else if (result.status === 'already')
        await step.context.sendActivity(
          flowSay('unsubscribeAlready', lang, { email, time: formatTime(result.record.createdAt, lang) }),
        );
      else {
        const done = flowSay('unsubscribeDone', lang, { email, time: formatTime(result.record.createdAt, lang) });
        const mail = result.delivered ? flowSay('unsubscribeMailSent', lang) : flowSay('mailQueued', lang);
        await step.context.sendActivity(`${done} ${mail}`);
      }
    } catch (error) {
      await this.failed(step.context, lang, error);
    }
    return step.endDialog();
  }
}

import { ActionTypes } from 'botbuilder';
import { type Choice, type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { TICKET_KIND_LABELS } from '../../domain/mailTemplates.ts';
import type { TicketKind } from '../../domain/records.ts';
import type { TicketService } from '../../domain/tickets.ts';
import { formatTime } from '../../domain/time.ts';
import { expandSlang, words } from '../../knowledge/normalize.ts';
import type { Lang } from '../../knowledge/types.ts';
import { flowSay } from '../replies/flowTexts.ts';
import { type FlowDeps, InterruptibleDialog } from './flowDialog.ts';
import type { FlowOptions } from './flowOptions.ts';
import {
  chosen,
  createAccountPrompt,
  createChoicePrompt,
  createEmailPrompt,
  createFreeTextPrompt,
  createNamePrompt,
  PROMPTS,
  promptWith,
  YES,
  yesNoChoices,
} from './prompts.ts';

export const SUPPORT_DIALOG = 'support';
const WATERFALL = 'supportWaterfall';
const KIND_PROMPT = 'kindPrompt';

const KINDS: readonly TicketKind[] = ['question', 'access', 'correction', 'deletion', 'withdraw-consent'];

/** Words that only ask to reach support ("saya mau kirim pertanyaan ke support"): such a message is not the question. */
const CONTACT_ONLY = new Set(
  `saya mau ingin kirim mengirim kirimkan pertanyaan tanya bertanya support cs tim team hubungi menghubungi bicara
  berbicara ngobrol orang manusia staf staff forward send question questions talk speak human contact sambungkan
  teruskan agent admin please my to your ke dengan sama the a i want would like can could need minta tolong mohon
  customer service helpdesk person real live chat with our an me privasi privacy data lagi lain`.split(/\s+/),
);

/** A first guess of the kind from the customer's own words; the customer still picks it. */
export function guessKind(text: string): TicketKind | undefined {
  const w = ` ${expandSlang(words(text)).join(' ')} `;
  if (/ (hapus|dihapus|menghapus|delete|erase|hilangkan|musnahkan) /.test(w)) return 'deletion';
  if (/ (salinan|copy|unduh|download|akses data|export|ekspor) /.test(w)) return 'access';
  if (/ (perbaiki|diperbaiki|koreksi|ubah data|ganti data|update data|correct|salah) /.test(w)) return 'correction';
  if (/ (tarik|cabut|withdraw|revoke) /.test(w)) return 'withdraw-consent';
  return undefined;
}

function kindChoices(lang: Lang, guess: TicketKind | undefined): Choice[] {
  const ordered = guess ? [guess, ...KINDS.filter((k) => k !== guess)] : KINDS;
  return ordered.map((kind) => ({
    value: kind,
    action: { type: ActionTypes.ImBack, title: TICKET_KIND_LABELS[kind][lang], value: TICKET_KIND_LABELS[kind][lang] },
    synonyms: [TICKET_KIND_LABELS[kind].id, TICKET_KIND_LABELS[kind].en],
  }));
}

interface SupportValues {
  /** The conversation before the flow started (what led to the request). */
  transcript?: readonly string[];
  question?: string;
  kind?: TicketKind;
  name?: string;
  email?: string;
  account?: string;
}

export interface SupportDialogDeps extends FlowDeps {
  readonly service: TicketService;
  readonly supportEmail: string;
  /** Recent lines of the conversation (personal data masked) for the ticket. */
  readonly transcript: (step: WaterfallStepContext) => Promise<readonly string[]>;
}

/**
 * A privacy question or data request for support@ (UU PDP Pasal 5–9): question, kind, name, e-mail, optional account
 * → summary → ticket with a readable id and due date, mailed to support (Reply-To the customer) and to the customer.
 */
export class SupportRequestDialog extends InterruptibleDialog<SupportValues> {
  constructor(private readonly flow: SupportDialogDeps) {
    super(SUPPORT_DIALOG, WATERFALL, flow);
    this.addDialog(createFreeTextPrompt());
    this.addDialog(createChoicePrompt(KIND_PROMPT));
    this.addDialog(createNamePrompt());
    this.addDialog(createEmailPrompt());
    this.addDialog(createAccountPrompt());
    this.addDialog(createChoicePrompt(PROMPTS.confirm));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.questionStep.bind(this),
        this.kindStep.bind(this),
        this.nameStep.bind(this),
        this.emailStep.bind(this),
        this.accountStep.bind(this),
        this.confirmStep.bind(this),
        this.createStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  private async questionStep(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    this.values(step).transcript = await this.flow.transcript(step);
    await step.context.sendActivity(flowSay('supportIntro', lang, { support: this.flow.supportEmail }));
    const start = (step.options?.question ?? '').trim();
    const substantive = expandSlang(words(start)).some((w) => !CONTACT_ONLY.has(w));
    if (start.length >= 5 && start.length <= 2000 && substantive) return step.next(start);
    this.setHelp(step, 'supportHelpQuestion');
    return step.prompt(
      PROMPTS.freeText,
      promptWith(flowSay('supportAskQuestion', lang), flowSay('supportQuestionRetry', lang)),
    );
  }

  private async kindStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const question = String(step.result);
    this.values(step).question = question;
    this.setHelp(step, 'supportHelpKind');
    return step.prompt(KIND_PROMPT, {
      ...promptWith(flowSay('supportAskKind', lang), flowSay('supportKindRetry', lang)),
      choices: kindChoices(lang, guessKind(question)),
    });
  }

  private async nameStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    this.values(step).kind = KINDS.find((k) => k === chosen(step.result)) ?? 'question';
    this.setHelp(step, 'supportHelpName');
    return step.prompt(PROMPTS.name, promptWith(flowSay('supportAskName', lang), flowSay('nameRetry', lang)));
  }

  private async emailStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    this.values(step).name = String(step.result);
    this.setHelp(step, 'supportHelpEmail');
    return step.prompt(PROMPTS.email, promptWith(flowSay('supportAskEmail', lang), flowSay('emailRetry', lang)));
  }

  private async accountStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    this.values(step).email = String(step.result);
    this.setHelp(step, 'supportHelpAccount');
    return step.prompt(
      PROMPTS.account,
      promptWith(flowSay('supportAskAccount', lang), flowSay('supportAccountRetry', lang)),
    );
  }

  private async confirmStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const v = this.values(step);
    v.account = String(step.result ?? '');
    this.setHelp(step, 'supportHelpConfirm');
    const summary = flowSay('supportSummary', lang, {
      kind: TICKET_KIND_LABELS[v.kind ?? 'question'][lang],
      question: oneLine(v.question ?? ''),
      name: v.name ?? '',
      email: v.email ?? '',
      account: v.account || flowSay('none', lang),
    });
    return step.prompt(PROMPTS.confirm, {
      ...promptWith(summary, flowSay('confirmRetry', lang)),
      choices: yesNoChoices(lang),
    });
  }

  private async createStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    if (chosen(step.result) !== YES) {
      await step.context.sendActivity(flowSay('notConfirmed', lang));
      return step.endDialog();
    }
    const v = this.values(step);
    try {
      const result = await this.flow.service.create({
        kind: v.kind ?? 'question',
        name: v.name ?? '',
        email: v.email ?? '',
        ...(v.account ? { account: v.account } : {}),
        question: v.question ?? '',
        transcript: v.transcript ?? [],
        lang,
        conversationId: step.context.activity.conversation.id,
      });
      if (result.status === 'limited') {
        await step.context.sendActivity(flowSay('rateLimited', lang, { support: this.flow.supportEmail }));
        return step.endDialog();
      }
      const { ticket } = result;
      const due = ticket.dueAt ? flowSay('supportDue', lang, { due: formatTime(ticket.dueAt, lang) }) : '';
      const done = flowSay('supportDone', lang, { ticket: ticket.id, email: ticket.email, due });
      const mail = result.delivered
        ? flowSay('supportMailSent', lang, { email: ticket.email })
        : flowSay('mailQueued', lang);
      await step.context.sendActivity(`${done} ${mail}`);
    } catch (error) {
      await this.failed(step.context, lang, error);
    }
    return step.endDialog();
  }
}

const oneLine = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}…` : flat;
};

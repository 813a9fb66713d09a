import { ActionTypes, type TurnContext } from 'botbuilder';
import type { Choice, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { isStatutoryDeadline } from '../../domain/deadlines.ts';
import type { TicketKind } from '../../domain/records.ts';
import { TICKET_KIND_LABELS, TICKET_KINDS } from '../../domain/ticketKinds.ts';
import type { TicketService } from '../../domain/tickets.ts';
import { formatTime } from '../../domain/time.ts';
import { expandSlang, words } from '../../knowledge/normalize.ts';
import type { Lang } from '../../knowledge/types.ts';
import { escapeMarkdown } from '../replies/markdown.ts';
import { say } from '../replies/texts.ts';
import { type FlowDeps, FlowDialog } from './flowDialog.ts';
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
  yesNoChoices,
} from './prompts.ts';
import { requestOriginOf } from './requestOrigin.ts';

const WATERFALL = 'supportWaterfall';
const KIND_PROMPT = 'kindPrompt';

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
  const ordered = guess ? [guess, ...TICKET_KINDS.filter((k) => k !== guess)] : TICKET_KINDS;
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

/** The recent lines of the turn's conversation (personal data masked), for the ticket. */
export type TranscriptSource = (context: TurnContext) => Promise<readonly string[]>;

export interface SupportDialogDeps extends FlowDeps {
  readonly service: TicketService;
  /** Recent lines of the conversation (personal data masked) for the ticket. */
  readonly transcript: TranscriptSource;
}

/**
 * A privacy question or data request for support@ (UU PDP Pasal 5–9): question, kind, name, e-mail, optional account
 * → summary → ticket with a readable id and due date, mailed to support (Reply-To the customer) and to the customer.
 */
export class SupportRequestDialog extends FlowDialog<SupportValues> {
  constructor(
    id: string,
    private readonly flow: SupportDialogDeps,
  ) {
    super(id, WATERFALL, flow);
    this.defineSteps(
      [
        createFreeTextPrompt(),
        createChoicePrompt(KIND_PROMPT),
        createNamePrompt(),
        createEmailPrompt(),
        createAccountPrompt(),
        createChoicePrompt(PROMPTS.confirm),
      ],
      [
        this.questionStep.bind(this),
        this.kindStep.bind(this),
        this.nameStep.bind(this),
        this.emailStep.bind(this),
        this.accountStep.bind(this),
        this.confirmStep.bind(this),
        this.createStep.bind(this),
      ],
    );
  }

  private async questionStep(step: WaterfallStepContext<FlowOptions>): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    this.values(step).transcript = await this.flow.transcript(step.context);
    await step.context.sendActivity(say('supportIntro', lang, { support: this.flow.supportEmail }));
    const start = (step.options?.question ?? '').trim();
    const substantive = expandSlang(words(start)).some((w) => !CONTACT_ONLY.has(w));
    if (start.length >= 5 && start.length <= 2000 && substantive) return step.next(start);
    this.setHelp(step, 'supportHelpQuestion');
    return step.prompt(
      PROMPTS.freeText,
      promptWith(say('supportAskQuestion', lang), say('supportQuestionRetry', lang)),
    );
  }

  private async kindStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const question = String(step.result);
    this.values(step).question = question;
    this.setHelp(step, 'supportHelpKind');
    return step.prompt(KIND_PROMPT, {
      ...promptWith(say('supportAskKind', lang), say('supportKindRetry', lang)),
      choices: kindChoices(lang, guessKind(question)),
    });
  }

  private async nameStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    this.values(step).kind = TICKET_KINDS.find((k) => k === chosen(step.result)) ?? 'question';
    this.setHelp(step, 'supportHelpName');
    return step.prompt(PROMPTS.name, promptWith(say('supportAskName', lang), say('nameRetry', lang)));
  }

  private async emailStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    this.values(step).name = String(step.result);
    this.setHelp(step, 'supportHelpEmail');
    return step.prompt(PROMPTS.email, promptWith(say('supportAskEmail', lang), say('emailRetry', lang)));
  }

  private async accountStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    this.values(step).email = String(step.result);
    this.setHelp(step, 'supportHelpAccount');
    return step.prompt(PROMPTS.account, promptWith(say('supportAskAccount', lang), say('supportAccountRetry', lang)));
  }

  private async confirmStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const v = this.values(step);
    v.account = String(step.result ?? '');
    this.setHelp(step, 'supportHelpConfirm');
    const summary = say('supportSummary', lang, {
      kind: TICKET_KIND_LABELS[v.kind ?? 'question'][lang],
      question: escapeMarkdown(oneLine(v.question ?? '')),
      name: escapeMarkdown(v.name ?? ''),
      email: escapeMarkdown(v.email ?? ''),
      account: v.account ? escapeMarkdown(v.account) : say('none', lang),
    });
    return step.prompt(PROMPTS.confirm, {
      ...promptWith(summary, say('confirmRetry', lang)),
      choices: yesNoChoices(lang),
    });
  }

  private async createStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const lang = await this.lang(step);
    const v = this.values(step);
    const ticket = {
      kind: v.kind ?? 'question',
      name: v.name ?? '',
      email: v.email ?? '',
      ...(v.account ? { account: v.account } : {}),
      question: v.question ?? '',
      transcript: v.transcript ?? [],
      lang,
      ...requestOriginOf(step),
    } as const;
    return this.recordRequest(step, () => this.flow.service.create(ticket), {
      recorded: (t, l) =>
        say('supportDone', l, {
          ticket: t.id,
          due: t.dueAt && isStatutoryDeadline(t.kind) ? say('supportDue', l, { due: formatTime(t.dueAt, l) }) : '',
        }),
      sent: (t, l) => say('supportMailSent', l, { email: escapeMarkdown(t.email) }),
    });
  }
}

const oneLine = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}…` : flat;
};

import { contactDataOf } from '../../knowledge/contactData.ts';
import { detectFlowRequest } from '../../knowledge/flowIntent.ts';
import type { KnowledgeService } from '../../knowledge/knowledgeService.ts';
import { detectLanguage } from '../../knowledge/language.ts';
import { OTHER_COMPANY_ENTRY } from '../../knowledge/matcher.ts';
import { segment } from '../../knowledge/normalize.ts';
import { brandName } from '../../knowledge/otherCompanies.ts';
import { detectSmallTalk } from '../../knowledge/smalltalk.ts';
import type { FlowName, Lang } from '../../knowledge/types.ts';
import type { ReplyComposer } from '../replies/composer.ts';
import { type FeedbackVote, parseReplyAction, type Reply } from '../replies/reply.ts';

export interface AnswerInput {
  readonly text: string;
  /** The value of a suggested action, when the customer clicked one. */
  readonly value?: unknown;
  /** The conversation's language so far. */
  readonly lang: Lang;
}

export type AnswerOutcome =
  | { readonly kind: 'reply'; readonly reply: Reply; readonly lang: Lang }
  | { readonly kind: 'flow'; readonly flow: FlowName; readonly lang: Lang; readonly question: string }
  /** 👍/👎 on an answer: to be recorded, then `reply` sent (or `failed`, when it could not be recorded). */
  | {
      readonly kind: 'feedback';
      readonly vote: FeedbackVote;
      readonly entryId: string;
      readonly lang: Lang;
      readonly reply: Reply;
      readonly failed: Reply;
      /** Not recorded by the vote limits: already voted on it in this conversation, or too many from this client. */
      readonly notCounted: (why: 'already' | 'limited') => Reply;
    };

const MAX_QUESTION_LENGTH = 1000;

/**
 * Decides what one customer message gets: small talk, an answer, "did you mean", an honest "not in the statement",
 * or the start of a conversation. Framework-free, so the same rules serve any channel.
 */
export class Answerer {
  constructor(
    private readonly knowledge: KnowledgeService,
    private readonly composer: ReplyComposer,
    private readonly flows: ReadonlySet<FlowName>,
    /** Whether votes are taken (the composer offers them); otherwise a feedback value is treated as nothing. */
    private readonly feedback = false,
  ) {}

  handle(input: AnswerInput): AnswerOutcome {
    const text = input.text.slice(0, MAX_QUESTION_LENGTH);
    const message = segment(text); // split once, used by every step below
    const raw = message.words;
    const lang = raw.length > 0 ? detectLanguage(raw, input.lang) : input.lang;
    const action = parseReplyAction(input.value);
    if (action?.action === 'flow' && this.flows.has(action.flow))
      return { kind: 'flow', flow: action.flow, lang, question: '' };
    if (action?.action === 'faq') {
      const entry = this.knowledge.knowledge.entries.find((e) => e.id === action.id && e.kind === 'policy');
      if (entry) return this.reply(this.composer.answer(entry, input.lang, 1), input.lang);
    }
    if (action?.action === 'none-of-these') return this.reply(this.composer.none(input.lang, 0), input.lang);
    if (action?.action === 'feedback' && this.feedback) {
      // Only votes on a real policy answer are recorded; anything else falls through like an empty message.
      const entry = this.knowledge.knowledge.entries.find((e) => e.id === action.id && e.kind === 'policy');
      if (entry) {
        const { vote } = action;
        return {
          kind: 'feedback',
          vote,
          entryId: entry.id,
          lang: input.lang,
          reply: this.composer.feedback(vote, entry.id, input.lang),
          failed: this.composer.feedbackFailed(vote, entry.id, input.lang),
          notCounted: (why) => this.composer.feedbackNotCounted(why, entry.id, input.lang),
        };
      }
    }

    const smallTalk = detectSmallTalk(raw);
    if (smallTalk) return this.reply(this.composer.smallTalk(smallTalk, lang), lang);

    // Only an address, a number or a name (often typed after a conversation ended): ask what to do with it.
    const matcher = this.knowledge.matcher;
    const contact = contactDataOf(text, { isKnownWord: (word) => matcher.knowsWord(word) });
    if (contact) return this.reply(this.composer.contactData(contact.kind, lang), lang);

    const result = matcher.match(message, { fallbackLang: lang });
    const flow = detectFlowRequest(text, result);
    if (flow && this.flows.has(flow)) return { kind: 'flow', flow, lang: result.lang, question: text };
    switch (result.kind) {
      case 'answer':
        return this.reply(this.composer.answer(result.entry, result.lang, result.score, result.also), result.lang);
      case 'suggest':
        return this.reply(this.composer.suggest(result.candidates, result.lang, result.score), result.lang);
      case 'offtopic':
        return this.reply(
          result.entry.id === OTHER_COMPANY_ENTRY
            ? this.composer.otherCompany(brandName(result.about), result.entry, result.lang, result.score)
            : this.composer.offTopic(result.entry, result.lang, result.score),
          result.lang,
        );
      case 'none':
        return this.reply(this.composer.none(result.lang, result.score), result.lang);
    }
  }

  /** The statement's answer to a policy question asked in the middle of a flow, if the question is clearly one. */
  policyAnswer(text: string, lang: Lang): Reply | undefined {
    if (detectSmallTalk(text)) return undefined;
    const result = this.knowledge.matcher.match(text.slice(0, MAX_QUESTION_LENGTH), { fallbackLang: lang });
    return result.kind === 'answer' ? this.composer.answer(result.entry, lang, result.score) : undefined;
  }

  private reply(reply: Reply, lang: Lang): AnswerOutcome {
    return { kind: 'reply', reply, lang };
  }
}

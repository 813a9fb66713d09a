import type { ContactDataKind } from '../../knowledge/contactData.ts';
import type { Candidate } from '../../knowledge/matcher.ts';
import type { SmallTalkIntent } from '../../knowledge/smalltalk.ts';
import type { Bilingual, FlowName, KnowledgeBase, KnowledgeEntry, Lang } from '../../knowledge/types.ts';
import type { FeedbackVote, Reply, Suggestion } from './reply.ts';
import { say } from './texts.ts';

/** Entries offered when nothing matched: the questions customers ask most. */
const STARTER_ENTRIES = ['protect', 'collect', 'promo'];

export interface ComposerOptions {
  readonly supportEmail: string;
  /** Conversations that can be started from a suggested action, with their titles (from the flow registry). */
  readonly flows: ReadonlyMap<FlowName, Bilingual>;
  /** Whether answers offer 👍/👎 (only when there is somewhere to record the vote). */
  readonly feedback?: boolean;
}

/** Turns matcher results and small talk into replies (text + suggested actions + analytics facts). */
export class ReplyComposer {
  constructor(
    private readonly knowledge: () => KnowledgeBase,
    private readonly options: ComposerOptions,
  ) {}

  /** An answer quoted from the statement; `also`, a second entry that reads the question from another side. */
  answer(entry: KnowledgeEntry, lang: Lang, score: number, also?: KnowledgeEntry): Reply {
    const quote = (e: KnowledgeEntry) => `**${e.question[lang]}**\n\n${e.answer?.[lang] ?? ''}`;
    const second = also?.answer ? `\n\n${say('alsoRelevant', lang)}\n\n${quote(also)}` : '';
    const text = `${quote(entry)}${second}\n\n_${say('sourceNote', lang)}_`;
    const suggestions: Suggestion[] = [];
    if (entry.flow) suggestions.push(...this.flowSuggestion(entry.flow, lang));
    for (const id of entry.related.filter((id) => id !== also?.id).slice(0, 3))
      suggestions.push(...this.faqSuggestion(id, lang));
    if (this.options.feedback) suggestions.push(...this.feedbackSuggestions(entry.id, lang));
    return { text, suggestions, meta: { kind: 'answer', lang, entryId: entry.id, score: round(score) } };
  }

  /** After a recorded vote: thanks (no policy text); for 👎 an apology and the way to ask the support team. */
  feedback(vote: FeedbackVote, entryId: string, lang: Lang): Reply {
    const meta = { kind: 'feedback', lang, entryId } as const;
    if (vote === 'up') return { text: say('feedbackThanks', lang), suggestions: [], meta };
    const support = this.flowSuggestion('support', lang);
    const next = support.length > 0 ? say('offerSupport', lang) : this.askSupport(lang);
    return { text: `${say('feedbackSorry', lang)} ${next}`, suggestions: support, meta };
  }

  /** The vote could not be recorded: said truthfully, with the way to the support team for a 👎. */
  /** A vote not recorded by the vote limits: already voted on this answer, or too many from this client. */
  feedbackNotCounted(why: 'already' | 'limited', entryId: string, lang: Lang): Reply {
    const key = why === 'already' ? 'feedbackAlready' : 'feedbackLimited';
    return { text: say(key, lang), suggestions: [], meta: { kind: 'feedback', lang, entryId } };
  }

  feedbackFailed(vote: FeedbackVote, entryId: string, lang: Lang): Reply {
    const support = vote === 'down' ? this.flowSuggestion('support', lang) : [];
    return { text: say('feedbackFailed', lang), suggestions: support, meta: { kind: 'error', lang, entryId } };
  }

  suggest(candidates: readonly Candidate[], lang: Lang, score: number): Reply {
    const suggestions = candidates.slice(0, 3).flatMap((c) => this.faqSuggestion(c.entry.id, lang));
    suggestions.push({ title: say('noneOfThese', lang), value: { action: 'none-of-these' } });
    return {
      text: say('didYouMean', lang),
      suggestions,
      meta: { kind: 'suggest', lang, score: round(score), candidates: candidates.map((c) => c.entry.id) },
    };
  }

  none(lang: Lang, score: number): Reply {
    const text = [say('noAnswer', lang), this.askSupport(lang), say('tryTopics', lang)].join(' ');
    const suggestions = [
      ...this.flowSuggestion('support', lang),
      ...STARTER_ENTRIES.flatMap((id) => this.faqSuggestion(id, lang)),
    ];
    return { text, suggestions, meta: { kind: 'none', lang, score: round(score) } };
  }

  offTopic(entry: KnowledgeEntry, lang: Lang, score: number): Reply {
    const topic = entry.question[lang].charAt(0).toLowerCase() + entry.question[lang].slice(1);
    const text = `${say('offTopic', lang, { topic })} ${this.askSupport(lang)}`;
    return {
      text,
      suggestions: this.flowSuggestion('support', lang),
      meta: { kind: 'offtopic', lang, entryId: entry.id, score: round(score) },
    };
  }

  /** A question about another company: the assistant speaks only for Wowrack Indonesia's statement. */
  otherCompany(company: string | undefined, entry: KnowledgeEntry, lang: Lang, score: number): Reply {
    const text = `${say(company ? 'otherCompanyNamed' : 'otherCompany', lang, { company: company ?? '' })} ${this.askSupport(lang)}`;
    return {
      text,
      suggestions: this.flowSuggestion('support', lang),
      meta: { kind: 'offtopic', lang, entryId: entry.id, score: round(score) },
    };
  }

  /** A message that is only an e-mail address, a phone number or a name: what would the customer like to do? */
  contactData(kind: ContactDataKind, lang: Lang): Reply {
    const what = say(kind === 'email' ? 'contactEmail' : kind === 'phone' ? 'contactPhone' : 'contactName', lang);
    const suggestions = ['unsubscribe', 'support', 'parental-consent'].flatMap((flow) =>
      this.flowSuggestion(flow, lang),
    );
    return { text: say('contactWhat', lang, { what }), suggestions, meta: { kind: 'contact', lang } };
  }

  smallTalk(intent: SmallTalkIntent, lang: Lang): Reply {
    const email = this.options.supportEmail;
    const text =
      intent === 'greeting' || intent === 'capabilities'
        ? `${intent === 'greeting' ? `${say('greeting', lang)} ` : ''}${say('capabilities', lang)}`
        : say(intent, lang, { email });
    const suggestions = intent === 'greeting' || intent === 'capabilities' ? this.starters(lang) : [];
    return { text, suggestions, meta: { kind: 'smalltalk', lang } };
  }

  welcome(lang: Lang): Reply {
    return {
      text: `${say('greeting', lang)} ${say('capabilities', lang)}`,
      suggestions: this.starters(lang),
      meta: { kind: 'welcome', lang },
    };
  }

  error(lang: Lang): Reply {
    return { text: say('error', lang), suggestions: [], meta: { kind: 'error', lang } };
  }

  /** Two turns of the conversation ran at once and this one's state was refused (the other's stands). */
  crossed(lang: Lang): Reply {
    return { text: say('crossedMessages', lang), suggestions: [], meta: { kind: 'error', lang } };
  }

  private starters(lang: Lang): Suggestion[] {
    return STARTER_ENTRIES.flatMap((id) => this.faqSuggestion(id, lang));
  }

  private askSupport(lang: Lang): string {
    return say('askSupport', lang, { email: this.options.supportEmail });
  }

  private faqSuggestion(id: string, lang: Lang): Suggestion[] {
    const entry = this.knowledge().entries.find((e) => e.id === id && e.kind === 'policy');
    return entry ? [{ title: entry.question[lang], value: { action: 'faq', id } }] : [];
  }

  private feedbackSuggestions(id: string, lang: Lang): Suggestion[] {
    return [
      { title: say('helpful', lang), value: { action: 'feedback', vote: 'up', id } },
      { title: say('notHelpful', lang), value: { action: 'feedback', vote: 'down', id } },
    ];
  }

  private flowSuggestion(flow: FlowName, lang: Lang): Suggestion[] {
    const title = this.options.flows.get(flow)?.[lang];
    return title ? [{ title, value: { action: 'flow', flow } }] : [];
  }
}

const round = (score: number): number => Math.round(score * 1000) / 1000;

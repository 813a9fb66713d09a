import { isContactDataWords } from './contactData.ts';
import {
  focusOf,
  isOwnResourceHowTo,
  isOwnResourceTrouble,
  LONG_MESSAGE,
  questionSentences,
  questionWindows,
} from './focus.ts';
import { informalVariants } from './informal.ts';
import { detectLanguage } from './language.ts';
import { STOP_WORDS } from './lexicon.ts';
import {
  type Clause,
  type Normalizer,
  phrasingKey,
  phrasingWords,
  type Segmented,
  segment,
  toWords,
} from './normalize.ts';
import { otherCompanyOf } from './otherCompanies.ts';
import { NONE_CLASS, Ranker, type RankerExample } from './ranker.ts';
import { sortByScore } from './sortByScore.ts';
import { type KnowledgeBase, type KnowledgeEntry, type Lang, phrasingsOf } from './types.ts';
import { TypoCorrector } from './typoCorrector.ts';

export interface Candidate {
  readonly entry: KnowledgeEntry;
  /** 0..1 confidence that the entry answers the question. */
  readonly score: number;
}

export type MatchResult = MatchDecision & {
  /** The question's normalised tokens (after typo correction). */
  readonly tokens: readonly string[];
  /** The question's words, split and de-slanged (see toWords). */
  readonly words: readonly string[];
  /** Which rule decided (see understand()). */
  readonly rule: MatchRule;
};

/**
 * The rule that decided, in the order they are tried: the message is only an address, a number or a name; it is one
 * of faq.yaml's own phrasings of exactly one entry; it is about another company; it asks how to do something with the
 * customer's own server, site or mail; it names a topic an off-topic entry's `cues` list; otherwise the scores and
 * thresholds (answer, "did you mean", none).
 */
export type MatchRule = 'contact-data' | 'phrasing' | 'other-company' | 'technical' | 'cue' | 'score';

/** One of faq.yaml's own phrasings (a question or an alternate), as written there. */
export interface Phrasing {
  readonly entry: KnowledgeEntry;
  readonly text: string;
}

export type MatchDecision =
  /** Confident: answer with the entry. */
  | {
      readonly kind: 'answer';
      readonly lang: Lang;
      readonly entry: KnowledgeEntry;
      readonly score: number;
      readonly candidates: readonly Candidate[];
      /** A policy entry that scores nearly as high: quoted after the answer, as also relevant. */
      readonly also?: KnowledgeEntry;
    }
  /** Close candidates: ask "Maksud Anda …?" with these. */
  | { readonly kind: 'suggest'; readonly lang: Lang; readonly score: number; readonly candidates: readonly Candidate[] }
  /** The question is recognisably about something the statement does not cover. */
  | {
      readonly kind: 'offtopic';
      readonly lang: Lang;
      readonly entry: KnowledgeEntry;
      readonly score: number;
      readonly candidates: readonly Candidate[];
      /** The other company, product or platform the question is about (see otherCompanies.ts), when it is one. */
      readonly about?: string;
    }
  /** Nothing fits. */
  | { readonly kind: 'none'; readonly lang: Lang; readonly score: number; readonly candidates: readonly Candidate[] };

/**
 * Calibrated on labelled questions (scripts/calibrate.ts: questions, messy-dev and messy-dev-2, with the ranker at 0.5).
 */
export interface Thresholds {
  /** At or above: answer. */
  readonly answer: number;
  /** At or above (and below `answer`): suggest. */
  readonly suggest: number;
  /** An answer needs this lead over the runner-up; otherwise the close ones are suggested. */
  readonly margin: number;
  /**
   * A clear leader below `answer`: answered when at or above this and no other entry scores within `clearMargin`
   * of it (measured: better than asking "Maksud Anda …?" with one candidate). Equal to `answer` turns it off.
   */
  readonly clear?: number;
  readonly clearMargin?: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  answer: 0.425,
  suggest: 0.25,
  margin: 0.02,
  clear: 0.325,
  clearMargin: 0.1,
};

/** Id of the off-topic entry for questions about another company (see otherCompanies.ts), when the file has one. */
export const OTHER_COMPANY_ENTRY = 'offtopic-other-company';
/** Id of the off-topic entry for technical help, given to how-to questions about the customer's own resources. */
export const TECHNICAL_ENTRY = 'offtopic-technical';

/** Weights of the signals that make up one score. */
export interface ScoringWeights {
  /** Share of the best single phrasing vs. the entry's whole vocabulary. */
  readonly phrase: number;
  /** Weight of a query word that the knowledge file does not know, relative to the rarest known word. */
  readonly unknown: number;
  /** How much a typo-corrected word counts, relative to a correctly spelled one. */
  readonly corrected: number;
  /** Unknown words weigh n^exponent together (1 = each counts fully; lower forgives long, chatty messages). */
  readonly unknownExponent: number;
  /**
   * Share of the learned ranker's probability in an entry's score (the rest is the lexical score); 0 turns the ranker
   * off (it is then not trained).
   */
  readonly ranker: number;
}

export const DEFAULT_WEIGHTS: ScoringWeights = {
  phrase: 0.5,
  unknown: 1,
  corrected: 0.85,
  unknownExponent: 0.5,
  ranker: 0.5,
};

interface QueryToken {
  readonly token: string;
  readonly weight: number;
  readonly known: boolean;
  /** Made by typo correction, not typed as such. */
  readonly corrected: boolean;
}

/** A ranking of the entries for (part of) a message, with the tokens it was made from. */
interface Scored {
  readonly ranked: Candidate[];
  readonly tokens: string[];
  /** The tokens the customer typed (not made by typo correction): only these are off-topic cues. */
  readonly typed: string[];
}

/** What explain() tells about one message. */
export interface MatchExplanation {
  readonly words: readonly string[];
  readonly tokens: readonly { readonly token: string; readonly known: boolean }[];
  readonly top: readonly {
    readonly entryId: string;
    readonly kind: KnowledgeEntry['kind'];
    readonly score: number;
    readonly matched: readonly string[];
  }[];
  readonly thresholds: Thresholds;
  readonly result: MatchResult;
  /** The faq.yaml phrasing the message is, when that decided (rule `phrasing`). */
  readonly phrasing?: Phrasing;
}

export interface MatchOptions {
  /** Language to assume when the message does not show one (the conversation's last language). */
  readonly fallbackLang?: Lang;
}

const CACHE_SIZE = 2000;
/** Least ranker probability that makes an entry a candidate when none of the question's words are in it. */
const RANKER_FLOOR = 0.1;
/** A question of at most this many tokens, each held by at least this share of the policy entries, is generic. */
const GENERIC_MAX_TOKENS = 2;
const GENERIC_SHARE = 0.5;
/** ... and is answered only with this lead over the runner-up. */
const GENERIC_MARGIN = 0.1;
/** A policy runner-up this close to the answered entry is quoted with it (see alsoOf). */
const ALSO_MARGIN = 0.2;
/** Least score of an off-topic entry that a cue of the question names (see offtopicCue). */
const CUE_FLOOR = 0.05;

/**
 * Finds the knowledge entry that answers a question. Pure and synchronous: built once per knowledge file.
 *
 * Score = how much of the question (by word rarity, IDF) one entry explains, blended from the best-matching phrasing
 * (coverage both ways) and the entry's whole vocabulary (keywords and all phrasings). Words the knowledge file does not
 * know count against every entry, which is what keeps "berapa harga dedicated server" from matching "server".
 *
 * For speed the index is inverted twice (token → entries, token → phrasings), so a question costs in proportion to
 * the postings of its own words, not to the size of the knowledge file; results of repeated questions are cached.
 */
export class Matcher {
  private readonly entries: KnowledgeEntry[] = [];
  private readonly idf = new Map<string, number>();
  private readonly maxIdf: number;
  /** token → indexes of the entries whose vocabulary holds it */
  private readonly entryPostings = new Map<string, number[]>();
  /** token → indexes of the phrasings that hold it */
  private readonly phrasePostings = new Map<string, number[]>();
  /** phrasing index → its entry index, and its total IDF weight */
  private readonly phraseEntry: Int32Array;
  private readonly phraseWeight: Float64Array;
  /** Scratch space reused by every question (match() is synchronous, so never shared). */
  private readonly phraseHits: Float64Array;
  private readonly entryHits: Float64Array;
  private readonly entryBest: Float64Array;
  private readonly corrector: TypoCorrector;
  private readonly cache = new Map<string, MatchResult>();
  private readonly otherCompanyEntry: KnowledgeEntry | undefined;
  private readonly technicalEntry: KnowledgeEntry | undefined;
  /** Each entry's tokens from faq.yaml itself (question, alternates, keywords), not from training.yaml. */
  private readonly curated: Set<string>[] = [];
  /** Cue token → the off-topic entries that name it in `cues` (see offtopicCue). */
  private readonly cueEntries = new Map<string, number[]>();
  /** Learned ranker (see ranker.ts); class 1 + i is entry i. */
  private readonly ranker: Ranker | undefined;
  private readonly entryIndex = new Map<KnowledgeEntry, number>();
  /** token → how many policy entries hold it, and how many policy entries there are (see isGeneric). */
  private readonly policyFrequency = new Map<string, number>();
  private readonly policyCount: number;
  /**
   * faq.yaml's own phrasings (questions and alternates, both languages, not training.yaml's) by their words joined
   * with spaces (see toWords) → the phrasing, or null when two entries hold the same words (see phrasingOf).
   */
  private readonly phrasings = new Map<string, Phrasing | null>();

  constructor(
    readonly knowledge: KnowledgeBase,
    private readonly normalizer: Normalizer,
    private thresholds: Thresholds = DEFAULT_THRESHOLDS,
    private readonly weights: ScoringWeights = DEFAULT_WEIGHTS,
  ) {
    const surface = new Set<string>();
    const addSurface = (text: string) => {
      for (const w of toWords(text)) if (!STOP_WORDS.has(w)) surface.add(w);
    };
    for (const [canonical, variants] of knowledge.synonyms) [canonical, ...variants].forEach(addSurface);

    const phrases: { entry: number; tokens: string[] }[] = [];
    knowledge.entries.forEach((entry, i) => {
      // The other-company entry is reached by its rule alone (otherCompanies.ts): its words are Wowrack's own.
      const ranked = entry.id !== OTHER_COMPANY_ENTRY;
      const own = ranked ? phrasingsOf(entry) : [];
      const texts = ranked ? [...own, ...(knowledge.training?.get(entry.id) ?? [])] : [];
      const bag = new Set<string>();
      const curated = new Set<string>();
      texts.forEach((text, k) => {
        const tokens = [...new Set(normalizer.tokens(text))];
        if (tokens.length === 0) return;
        phrases.push({ entry: i, tokens });
        for (const t of tokens) bag.add(t);
        if (k < own.length) for (const t of tokens) curated.add(t);
      });
      const keywords = ranked ? [...entry.keywords, ...(entry.cues ?? [])] : [];
      for (const k of entry.keywords) for (const t of normalizer.tokens(k)) curated.add(t);
      this.curated.push(curated);
      // A cue is one token (a word, or a synonym group's canonical word); longer ones would cue on each part.
      for (const cue of entry.cues ?? []) {
        const cueTokens = normalizer.tokens(cue);
        if (cueTokens.length === 1 && cueTokens[0]) push(this.cueEntries, cueTokens[0], i);
      }
      for (const k of keywords) for (const t of normalizer.tokens(k)) bag.add(t);
      [...texts, ...keywords].forEach(addSurface);
      this.addPhrasings(entry);
      this.entries.push(entry);
      for (const t of bag) push(this.entryPostings, t, i);
    });
    const n = this.entries.length;
    let maxIdf = 0;
    for (const [t, list] of this.entryPostings) {
      const idf = Math.log(1 + n / list.length);
      this.idf.set(t, idf);
      maxIdf = Math.max(maxIdf, idf);
    }
    this.maxIdf = maxIdf;

    this.phraseEntry = new Int32Array(phrases.length);
    this.phraseWeight = new Float64Array(phrases.length);
    phrases.forEach((p, index) => {
      this.phraseEntry[index] = p.entry;
      this.phraseWeight[index] = p.tokens.reduce((sum, t) => sum + (this.idf.get(t) ?? 0), 0);
      for (const t of p.tokens) push(this.phrasePostings, t, index);
    });
    this.phraseHits = new Float64Array(phrases.length);
    this.entryHits = new Float64Array(n);
    this.entryBest = new Float64Array(n);
    this.corrector = new TypoCorrector(surface);
    this.otherCompanyEntry = this.entries.find((e) => e.id === OTHER_COMPANY_ENTRY && e.kind === 'offtopic');
    this.technicalEntry = this.entries.find((e) => e.id === TECHNICAL_ENTRY && e.kind === 'offtopic');
    for (const [i, e] of this.entries.entries()) this.entryIndex.set(e, i);
    this.policyCount = this.entries.filter((e) => e.kind === 'policy').length;
    for (const [t, list] of this.entryPostings)
      this.policyFrequency.set(t, list.filter((i) => this.entries[i]?.kind === 'policy').length);
    this.ranker = weights.ranker > 0 ? this.trainRanker() : undefined;
  }

  /**
   * Indexes an entry's own phrasings for the exact-phrasing rule, the other-company entry's too: the ranking leaves
   * its phrasings out (their words are Wowrack's own), but one that a message repeats word for word is an admin's
   * explicit decision (the inbox's "out of scope" may pick that entry).
   */
  private addPhrasings(entry: KnowledgeEntry): void {
    for (const text of phrasingsOf(entry)) {
      const key = phrasingKey(text);
      if (!key) continue;
      const held = this.phrasings.get(key);
      if (held === undefined) this.phrasings.set(key, { entry, text });
      else if (held !== null && held.entry !== entry) this.phrasings.set(key, null);
    }
  }

  /**
   * The faq.yaml phrasing a message is, word for word (lower-cased, de-slanged words: "Data saya dijual gak sih?" is
   * "data saya dijual gak sih", not "data dijual" nor a stemmed "data jual"), when exactly one entry holds it. A
   * phrasing two entries hold decides nothing (lint lists it).
   */
  phrasingOf(words: readonly string[]): Phrasing | undefined {
    if (words.length === 0) return undefined;
    return this.phrasings.get(phrasingWords(words).join(' ')) ?? undefined;
  }

  /** Trains the ranker on every entry's phrasings and keywords and on training.yaml (see ranker.ts). */
  private trainRanker(): Ranker {
    const examples: RankerExample[] = [];
    const add = (label: number, text: string) => {
      const words = toWords(text);
      const tokens = this.normalizer.tokensOfWords(words);
      if (tokens.length > 0 || words.length > 0) examples.push({ label, tokens, words });
    };
    const training = this.knowledge.training;
    this.entries.forEach((entry, i) => {
      if (entry.id === OTHER_COMPANY_ENTRY) return;
      const label = i + 1;
      for (const text of phrasingsOf(entry)) add(label, text);
      for (const k of entry.keywords) add(label, k);
      for (const text of training?.get(entry.id) ?? []) add(label, text);
    });
    for (const text of training?.get('none') ?? []) add(NONE_CLASS, text);
    return new Ranker(this.entries.length + 1, examples);
  }

  /** Replaces the thresholds (calibration scripts: one trained matcher, many settings); clears the result cache. */
  retune(thresholds: Thresholds): void {
    this.thresholds = thresholds;
    this.cache.clear();
  }

  /**
   * Matches a question, given as text, as a segmented message (see segment(); its clauses let the matcher find the
   * question in a long message) or as words already split and de-slanged (see toWords).
   */
  match(question: string | Segmented | readonly string[], options: MatchOptions = {}): MatchResult {
    const message: Segmented =
      typeof question === 'string'
        ? segment(question)
        : 'clauses' in question
          ? question
          : { words: question, clauses: [] };
    const { words: raw, clauses } = message;
    const fallback = options.fallbackLang ?? 'id';
    const breaks =
      clauses.length > 0 ? `|${clauses.map((c) => `${c.end}${c.asks ? '?' : c.closes ? '.' : ','}`).join(' ')}` : '';
    const key = `${fallback}|${raw.join(' ')}${breaks}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const lang = detectLanguage(raw, fallback);
    const result: MatchResult = { ...this.understand(raw, clauses, lang), words: raw };
    if (this.cache.size >= CACHE_SIZE) this.cache.clear();
    this.cache.set(key, result);
    return result;
  }

  /** Every entry's score for a question, best first (for calibration and diagnostics). */
  rankAll(text: string): Candidate[] {
    const { words, clauses } = segment(text);
    return this.focusedRank(words, clauses).ranked;
  }

  /**
   * Why a message gets what it gets (the admins' test pane): its words, its tokens after typo correction (unknown
   * ones marked), the best three entries with their scores and the tokens they share with the message, the
   * thresholds, and the decision itself, taken by match() exactly as for a customer.
   */
  explain(question: string, options: MatchOptions = {}): MatchExplanation {
    const message = segment(question);
    const raw = message.words;
    const result = this.match(message, options);
    const phrasing = result.rule === 'phrasing' ? this.phrasingOf(raw) : undefined;
    const focus = focusOf(raw);
    const { tokens } = this.query(focus.words.length > 0 ? focus.words : raw);
    const top = this.focusedRank(raw, message.clauses).ranked.slice(0, 3);
    return {
      words: raw,
      tokens: tokens.map((t) => ({ token: t.token, known: t.known })),
      top: top.map((c) => {
        const index = this.entryIndex.get(c.entry) ?? -1;
        const matched = tokens.filter((t) => this.entryPostings.get(t.token)?.includes(index)).map((t) => t.token);
        return { entryId: c.entry.id, kind: c.entry.kind, score: c.score, matched };
      }),
      thresholds: this.thresholds,
      result,
      ...(phrasing ? { phrasing } : {}),
    };
  }

  /** A text's normalised tokens (synonyms made canonical, stop words out, stemmed): what "the same question" means. */
  tokensOf(text: string): string[] {
    return this.normalizer.tokens(text);
  }

  /** Whether a (lower-case, de-slanged) word is in the knowledge file's vocabulary, e.g. for contactDataOf(). */
  knowsWord(word: string): boolean {
    return this.corrector.has(word) || this.idf.has(word);
  }

  /**
   * Message understanding, one rule after the other (see MatchRule): contact data; faq.yaml's own phrasings; other
   * companies; technical help; off-topic cues; then the scores of the focused ranking.
   *
   * The exact-phrasing rule comes before every rule that reads the message's meaning, because a phrasing in faq.yaml
   * is an admin's explicit decision (the inbox's one-click "add as alternate" and "mark as out of scope" write one)
   * and must give the promised answer the next time, which the blended score does not guarantee: one new phrasing
   * among hundreds barely moves the learned ranker. Only contact data comes first: a message that is only an address,
   * a number or a name asks nothing, whatever the file says. Outside the matcher, small talk is recognised before it
   * (a greeting is no question), and an answer whose entry offers a conversation still starts it when the message asks
   * for it (see flowIntent.ts: "saya mau unsubscribe", a phrasing of `promo`, starts the unsubscribe conversation).
   */
  private understand(
    raw: readonly string[],
    clauses: readonly Clause[],
    lang: Lang,
  ): MatchDecision & { readonly tokens: readonly string[]; readonly rule: MatchRule } {
    if (this.isContactData(raw))
      return { kind: 'none', lang, score: 0, candidates: [], tokens: [], rule: 'contact-data' };
    const phrasing = this.phrasingOf(raw);
    if (phrasing) {
      // The message's tokens: what the inbox groups it by, and what flowIntent.ts reads an age from.
      const tokens = this.query(raw).tokens.map((t) => t.token);
      const about = phrasing.entry === this.otherCompanyEntry ? otherCompanyOf(raw) : undefined;
      return { ...this.certain(phrasing.entry, lang, tokens, about), rule: 'phrasing' };
    }
    // Asked of the focus: "saya ga nanya kebijakan kalian, saya nanya kebijakan privasi Tokopedia" is about Tokopedia.
    const other = this.otherCompanyEntry && otherCompanyOf(focusOf(raw, clauses).words);
    if (other && this.otherCompanyEntry)
      return { ...this.certain(this.otherCompanyEntry, lang, [], other), rule: 'other-company' };
    if (this.technicalEntry && (isOwnResourceHowTo(raw) || isOwnResourceTrouble(raw)))
      return { ...this.certain(this.technicalEntry, lang, []), rule: 'technical' };
    const { ranked, tokens, typed } = this.focusedRank(raw, clauses);
    const cue = this.offtopicCue(ranked, typed);
    if (cue)
      return { kind: 'offtopic', lang, entry: cue.entry, score: cue.score, candidates: [cue], tokens, rule: 'cue' };
    return { ...this.decide(lang, ranked, this.isGeneric(typed)), tokens, rule: 'score' };
  }

  /**
   * A rule's sure decision for an entry, with no second one: its answer (policy) or its off-topic reply, and `about`
   * the other company it names.
   */
  private certain(
    entry: KnowledgeEntry,
    lang: Lang,
    tokens: readonly string[],
    about?: string,
  ): MatchDecision & { readonly tokens: readonly string[] } {
    const candidates = [{ entry, score: 1 }];
    if (entry.kind === 'policy') return { kind: 'answer', lang, entry, score: 1, candidates, tokens };
    return { kind: 'offtopic', lang, entry, score: 1, candidates, tokens, ...(about ? { about } : {}) };
  }

  /**
   * A question that names what the statement does not cover (an off-topic entry's `cues`: "berapa lama", GDPR,
   * refund) is about that, even when its other words ("alamat IP", "kebijakan", "data") score a policy entry higher:
   * "alamat IP saya dicatat berapa lama?" asks how long, which the statement never says. A cue that the best policy
   * entry's own phrasings in faq.yaml use does not count ("how long is this policy valid" is the statement's own
   * question); training.yaml's bulk phrasings do not block a cue (a compliance team asking is no regulation topic).
   */
  private offtopicCue(ranked: readonly Candidate[], tokens: readonly string[]): Candidate | undefined {
    if (ranked.length === 0 || this.cueEntries.size === 0) return undefined;
    const policy = ranked.find((c) => c.entry.kind === 'policy');
    const policyIndex = policy ? this.entryIndex.get(policy.entry) : undefined;
    const holders = new Set<KnowledgeEntry>();
    for (const t of tokens) {
      const cued = this.cueEntries.get(t);
      if (!cued) continue;
      if (policyIndex !== undefined && this.curated[policyIndex]?.has(t)) continue;
      for (const i of cued) {
        const entry = this.entries[i];
        if (entry) holders.add(entry);
      }
    }
    if (holders.size === 0) return undefined;
    const best = ranked.find((c) => holders.has(c.entry));
    return best && best.score >= CUE_FLOOR ? best : undefined;
  }

  /**
   * Scores the asked part of the message; a message of several sentences also by each sentence that asks, and long
   * messages from each question word on, keeping the best.
   */
  private focusedRank(raw: readonly string[], clauses: readonly Clause[]): Scored {
    const focus = focusOf(raw, clauses);
    const words = focus.words.length > 0 ? focus.words : raw;
    let best = this.score(words);
    // A message of several sentences: the sentence that asks, when it points at an entry more clearly than the whole.
    if (!focus.cued)
      for (const span of questionSentences(raw, clauses)) {
        const inner = clauses
          .filter((c) => c.start >= span.start && c.end <= span.end)
          .map((c) => ({ ...c, start: c.start - span.start, end: c.end - span.start }));
        const asked = focusOf(raw.slice(span.start, span.end), inner).words;
        if (asked.length === 0) continue;
        const sentence = this.score(asked);
        // "Apakah itu terjadi di Wowrack?" says which entry only with the sentences before it.
        if (!sentence.tokens.some((t) => this.isSpecific(t))) continue;
        if ((sentence.ranked[0]?.score ?? 0) > (best.ranked[0]?.score ?? 0)) best = sentence;
      }
    if (!focus.cued && words.length >= LONG_MESSAGE)
      for (const start of questionWindows(words)) {
        const window = this.score(words.slice(start));
        // "Apakah Wowrack juga begitu?" alone names only Wowrack: a window needs a word that says which entry.
        if (!window.tokens.some((t) => this.isSpecific(t))) continue;
        if ((window.ranked[0]?.score ?? 0) > (best.ranked[0]?.score ?? 0)) best = window;
      }
    return best;
  }

  /** A message that is only an address, a number or an introduced name ("nama saya Rina") asks nothing. */
  private isContactData(raw: readonly string[]): boolean {
    if (isContactDataWords(raw)) return true;
    const intro = raw[0] === 'nama' && raw[1] === 'saya' ? 2 : raw[0] === 'my' && raw[1] === 'name' ? 3 : 0;
    const rest = raw.slice(intro);
    return (
      intro > 0 && rest.length > 0 && rest.length <= 3 && rest.every((w) => !this.knowsWord(w) && /^\p{L}+$/u.test(w))
    );
  }

  /** The question's scored tokens, and its words after typo correction (for the ranker's features). */
  private query(raw: readonly string[]): { tokens: QueryToken[]; words: string[] } {
    const corrected: string[] = [];
    const correctedWords = new Set<string>();
    for (const w of raw) {
      if (STOP_WORDS.has(w) || /\d/.test(w) || this.corrector.has(w)) {
        corrected.push(w);
        continue;
      }
      const variant = informalVariants(w).find((v) => this.corrector.has(v));
      const fix = variant ?? this.corrector.correct(w);
      if (fix && fix !== w) {
        corrected.push(fix);
        correctedWords.add(fix);
      } else corrected.push(w);
    }
    const correctedTokens =
      correctedWords.size > 0 ? new Set(this.normalizer.tokensOfWords([...correctedWords])) : undefined;
    const seen = new Set<string>();
    const out: QueryToken[] = [];
    for (const token of this.normalizer.tokensOfWords(corrected)) {
      if (seen.has(token)) continue;
      seen.add(token);
      const idf = this.idf.get(token);
      if (idf === undefined) {
        // Numbers alone say little ("15" in "saya umur 15"); unknown words say "not about this".
        const weight = /^\d+$/.test(token) ? 0.25 * this.maxIdf : this.weights.unknown * this.maxIdf;
        out.push({ token, weight, known: false, corrected: false });
      } else {
        const corrected = correctedTokens?.has(token) ?? false;
        out.push({ token, weight: idf * (corrected ? this.weights.corrected : 1), known: true, corrected });
      }
    }
    return { tokens: out, words: corrected };
  }

  /** Lexical ranking blended with the learned ranker's probabilities. */
  private score(raw: readonly string[]): Scored {
    const { tokens: query, words } = this.query(raw);
    const lexical = this.rank(query);
    const tokens = query.map((q) => q.token);
    const typed = query.filter((q) => !q.corrected).map((q) => q.token);
    const ranker = this.ranker;
    // No word of the question is in the file: nothing to rank (the ranker alone would guess from letters).
    if (!ranker || lexical.length === 0) return { ranked: lexical, tokens, typed };
    const among = lexical.slice(0, 20).map((c) => (this.entryIndex.get(c.entry) ?? 0) + 1);
    const probs = ranker.predict(tokens, words, among);
    const w = this.weights.ranker;
    const byEntry = new Map<KnowledgeEntry, number>();
    for (const c of lexical) byEntry.set(c.entry, (1 - w) * c.score);
    const boosted = new Set<KnowledgeEntry>();
    for (const [cls, p] of probs) {
      if (cls === NONE_CLASS) continue;
      const entry = this.entries[cls - 1];
      if (!entry || entry.id === OTHER_COMPANY_ENTRY) continue;
      // An entry no word of the question points at joins only when the ranker gives it a real chance.
      const lexicalScore = byEntry.get(entry);
      if (lexicalScore === undefined && p < RANKER_FLOOR) continue;
      byEntry.set(entry, (lexicalScore ?? 0) + w * p);
      boosted.add(entry);
    }
    return { ranked: rankedByScore(byEntry, boosted), tokens, typed };
  }

  private rank(query: readonly QueryToken[]): Candidate[] {
    // Unknown words count against every entry, but sublinearly: a long message with a few off-vocabulary words
    // ("temen saya bilang ...") is still about its known words, while "harga vps" stays mostly unknown.
    let known = 0;
    let unknownSum = 0;
    let unknownCount = 0;
    for (const q of query)
      if (q.known) known += q.weight;
      else {
        unknownSum += q.weight;
        unknownCount += 1;
      }
    const unknownMean = unknownCount ? unknownSum / unknownCount : 0;
    const total = known + unknownMean * unknownCount ** this.weights.unknownExponent;
    if (total === 0) return [];

    const { phraseHits, entryHits, entryBest, phraseEntry, phraseWeight } = this;
    const touchedPhrases: number[] = [];
    const touchedEntries: number[] = [];
    for (const q of query) {
      if (!q.known) continue;
      for (const e of this.entryPostings.get(q.token) ?? []) {
        if (entryHits[e] === 0 && entryBest[e] === 0) touchedEntries.push(e);
        entryHits[e] = (entryHits[e] ?? 0) + q.weight;
        entryBest[e] = Number.MIN_VALUE; // marks the entry as touched even before its best phrasing is known
      }
      for (const p of this.phrasePostings.get(q.token) ?? []) {
        if (phraseHits[p] === 0) touchedPhrases.push(p);
        phraseHits[p] = (phraseHits[p] ?? 0) + q.weight;
      }
    }
    for (const p of touchedPhrases) {
      const hit = phraseHits[p] ?? 0;
      const weight = phraseWeight[p] ?? 0;
      phraseHits[p] = 0;
      if (weight === 0) continue;
      const coverQuery = hit / total;
      const coverPhrase = Math.min(1, hit / weight);
      const f = (2 * coverQuery * coverPhrase) / (coverQuery + coverPhrase);
      const e = phraseEntry[p] ?? 0;
      if (f > (entryBest[e] ?? 0)) entryBest[e] = f;
    }
    const out: Candidate[] = [];
    for (const e of touchedEntries) {
      const best = entryBest[e] === Number.MIN_VALUE ? 0 : (entryBest[e] ?? 0);
      const bagScore = (entryHits[e] ?? 0) / total;
      entryHits[e] = 0;
      entryBest[e] = 0;
      const entry = this.entries[e];
      if (entry) out.push({ entry, score: this.weights.phrase * best + (1 - this.weights.phrase) * bagScore });
    }
    return sortByScore(out);
  }

  /**
   * Whether a question names only words that half the statement's entries use ("pelanggan", "data pelanggan",
   * "customer data"): unless one entry clearly leads, it does not say which one is asked.
   */
  private isGeneric(tokens: readonly string[]): boolean {
    if (tokens.length === 0 || tokens.length > GENERIC_MAX_TOKENS) return false;
    return !tokens.some((t) => this.isSpecific(t));
  }

  /** A token the file knows that fewer than half of the policy entries use ("cookie", not "data" or "wowrack"). */
  private isSpecific(token: string): boolean {
    return this.idf.has(token) && (this.policyFrequency.get(token) ?? 0) < GENERIC_SHARE * this.policyCount;
  }

  /**
   * The policy entry just behind the answered one, when it scores nearly as high (within ALSO_MARGIN): the two read
   * the question from two sides ("how do you use the info you collect": collect and analytics), so both are quoted.
   */
  private alsoOf(candidates: readonly Candidate[]): { also?: KnowledgeEntry } {
    const [top, ...rest] = candidates;
    const next = rest.find((c) => c.entry.kind === 'policy');
    if (!top || !next || next.score < this.thresholds.suggest || top.score - next.score >= ALSO_MARGIN) return {};
    return { also: next.entry };
  }

  private decide(lang: Lang, candidates: readonly Candidate[], generic = false): MatchDecision {
    const { answer, suggest, margin } = this.thresholds;
    const top = candidates[0];
    if (!top || top.score < suggest)
      return { kind: 'none', lang, score: top?.score ?? 0, candidates: candidates.slice(0, 3) };
    const second = candidates[1];
    if (generic && top.entry.kind === 'policy' && second && top.score - second.score < GENERIC_MARGIN) {
      const policy = candidates.filter((c) => c.entry.kind === 'policy').slice(0, 3);
      return { kind: 'suggest', lang, score: top.score, candidates: policy };
    }
    const close = candidates.filter((c) => c.score >= suggest && top.score - c.score < margin).slice(0, 3);
    if (top.entry.kind === 'offtopic') {
      if (top.score >= answer) return { kind: 'offtopic', lang, entry: top.entry, score: top.score, candidates: close };
      return { kind: 'none', lang, score: top.score, candidates: close };
    }
    // A close runner-up that the top entry names as related does not compete: both say the same thing from two
    // sides (selling data: "protect" and "share"), so answer the top one and offer the other as a follow-up.
    const answered = (): MatchDecision => {
      const { also } = this.alsoOf(candidates);
      return { kind: 'answer', lang, entry: top.entry, score: top.score, candidates: close, ...(also ? { also } : {}) };
    };
    const rivals = close.filter((c) => c !== top && !areRelated(top.entry, c.entry));
    if (top.score >= answer && rivals.length === 0) return answered();
    const { clear = answer, clearMargin = margin } = this.thresholds;
    if (top.score >= clear) {
      const runnerUp = candidates.find((c) => c !== top && !areRelated(top.entry, c.entry));
      const offtopicNear = candidates.some((c) => c.entry.kind === 'offtopic' && top.score - c.score < clearMargin);
      if (!offtopicNear && (!runnerUp || top.score - runnerUp.score >= clearMargin)) return answered();
    }
    // Not answered: offer the policy entries near the top (as near as the clear-leader rule looks).
    const near = Math.max(margin, clearMargin);
    const policy = candidates
      .filter((c) => c.score >= suggest && top.score - c.score < near && c.entry.kind === 'policy')
      .slice(0, 3);
    if (policy.length === 0) return { kind: 'none', lang, score: top.score, candidates: close };
    return { kind: 'suggest', lang, score: top.score, candidates: policy };
  }
}

/**
 * The entries scoring above 0, highest first, equal scores in the map's order: exactly the stable sort of all of
 * them, without sorting them all. The entries the ranker did not add to keep their lexical scores' order (the map
 * holds them in that order, each scaled by the same factor), so only the few it added to (20 of ~750 on a 2,000-entry
 * file) are sorted and merged in.
 */
function rankedByScore(
  byEntry: ReadonlyMap<KnowledgeEntry, number>,
  boosted: ReadonlySet<KnowledgeEntry>,
): Candidate[] {
  const added: Placed[] = [];
  const kept: Placed[] = [];
  let order = 0;
  for (const [entry, score] of byEntry) {
    if (score > 0) (boosted.has(entry) ? added : kept).push({ entry, score, order });
    order += 1;
  }
  sortByScore(added);
  const out: Candidate[] = [];
  let a = 0;
  let k = 0;
  while (a < added.length || k < kept.length) {
    const x = added[a];
    const y = kept[k];
    if (x && (!y || x.score > y.score || (x.score === y.score && x.order < y.order))) {
      out.push({ entry: x.entry, score: x.score });
      a += 1;
    } else if (y) {
      out.push({ entry: y.entry, score: y.score });
      k += 1;
    }
  }
  return out;
}

/** A candidate and its place in the map it came from (the order of equal scores). */
interface Placed extends Candidate {
  readonly order: number;
}

const areRelated = (a: KnowledgeEntry, b: KnowledgeEntry): boolean =>
  a.related.includes(b.id) || b.related.includes(a.id);

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

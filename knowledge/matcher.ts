import { informalVariants } from './informal.ts';
import { detectLanguage } from './language.ts';
import { STOP_WORDS } from './lexicon.ts';
import { expandSlang, type Normalizer, words } from './normalize.ts';
import type { KnowledgeBase, KnowledgeEntry, Lang } from './types.ts';
import { TypoCorrector } from './typoCorrector.ts';

export interface Candidate {
  readonly entry: KnowledgeEntry;
  /** 0..1 confidence that the entry answers the question. */
  readonly score: number;
}

export type MatchResult = MatchDecision & {
  /** The question's normalised tokens (after typo correction). */
  readonly tokens: readonly string[];
};

export type MatchDecision =
  /** Confident: answer with the entry. */
  | {
      readonly kind: 'answer';
      readonly lang: Lang;
      readonly entry: KnowledgeEntry;
      readonly score: number;
      readonly candidates: readonly Candidate[];
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
    }
  /** Nothing fits. */
  | { readonly kind: 'none'; readonly lang: Lang; readonly score: number; readonly candidates: readonly Candidate[] };

/** Calibrated on labelled questions (see `npm run eval -- --calibrate`). */
export interface Thresholds {
  /** At or above: answer. */
  readonly answer: number;
  /** At or above (and below `answer`): suggest. */
  readonly suggest: number;
  /** An answer needs this lead over the runner-up; otherwise the close ones are suggested. */
  readonly margin: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { answer: 0.425, suggest: 0.25, margin: 0.02 };

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
}

export const DEFAULT_WEIGHTS: ScoringWeights = { phrase: 0.5, unknown: 1, corrected: 0.85, unknownExponent: 0.5 };

interface IndexedEntry {
  readonly entry: KnowledgeEntry;
  readonly phrases: readonly ReadonlySet<string>[];
  readonly bag: ReadonlySet<string>;
}

interface QueryToken {
  readonly token: string;
  readonly weight: number;
  readonly known: boolean;
}

export interface MatchOptions {
  /** Language to assume when the message does not show one (the conversation's last language). */
  readonly fallbackLang?: Lang;
}

/**
 * Finds the knowledge entry that answers a question. Pure and synchronous: built once per knowledge file.
 *
 * Score = how much of the question (by word rarity, IDF) one entry explains, blended from the best-matching phrasing
 * (coverage both ways) and the entry's whole vocabulary (keywords and all phrasings). Words the knowledge file does not
 * know count against every entry, which is what keeps "berapa harga dedicated server" from matching "server".
 */
export class Matcher {
  private readonly indexed: IndexedEntry[] = [];
  private readonly idf = new Map<string, number>();
  private readonly maxIdf: number;
  private readonly postings = new Map<string, number[]>();
  private readonly corrector: TypoCorrector;

  constructor(
    readonly knowledge: KnowledgeBase,
    private readonly normalizer: Normalizer,
    private readonly thresholds: Thresholds = DEFAULT_THRESHOLDS,
    private readonly weights: ScoringWeights = DEFAULT_WEIGHTS,
  ) {
    const surface = new Set<string>();
    const addSurface = (text: string) => {
      for (const w of expandSlang(words(text))) if (!STOP_WORDS.has(w)) surface.add(w);
    };
    for (const [canonical, variants] of knowledge.synonyms) [canonical, ...variants].forEach(addSurface);

    knowledge.entries.forEach((entry, i) => {
      const texts = [entry.question.id, entry.question.en, ...entry.alternates.id, ...entry.alternates.en];
      const phrases = texts.map((t) => new Set(normalizer.tokens(t))).filter((p) => p.size > 0);
      const bag = new Set<string>();
      for (const p of phrases) for (const t of p) bag.add(t);
      for (const k of entry.keywords) for (const t of normalizer.tokens(k)) bag.add(t);
      [...texts, ...entry.keywords].forEach(addSurface);
      this.indexed.push({ entry, phrases, bag });
      for (const t of bag) {
        const list = this.postings.get(t) ?? [];
        list.push(i);
        this.postings.set(t, list);
      }
    });
    const n = this.indexed.length;
    let maxIdf = 0;
    for (const [t, list] of this.postings) {
      const idf = Math.log(1 + n / list.length);
      this.idf.set(t, idf);
      maxIdf = Math.max(maxIdf, idf);
    }
    this.maxIdf = maxIdf;
    this.corrector = new TypoCorrector(surface);
  }

  match(text: string, options: MatchOptions = {}): MatchResult {
    const raw = expandSlang(words(text));
    const lang = detectLanguage(raw, options.fallbackLang ?? 'id');
    const query = this.queryTokens(raw);
    const candidates = this.rank(query);
    return { ...this.decide(lang, candidates), tokens: query.map((q) => q.token) };
  }

  /** Every entry's score for a question, best first (for calibration and diagnostics). */
  rankAll(text: string): Candidate[] {
    return this.rank(this.queryTokens(expandSlang(words(text))));
  }

  private queryTokens(raw: readonly string[]): QueryToken[] {
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
    const correctedTokens = new Set(this.normalizer.tokensOfWords([...correctedWords]));
    const seen = new Set<string>();
    const out: QueryToken[] = [];
    for (const token of this.normalizer.tokensOfWords(corrected)) {
      if (seen.has(token)) continue;
      seen.add(token);
      const idf = this.idf.get(token);
      if (idf === undefined) {
        // Numbers alone say little ("15" in "saya umur 15"); unknown words say "not about this".
        const weight = /^\d+$/.test(token) ? 0.25 * this.maxIdf : this.weights.unknown * this.maxIdf;
        out.push({ token, weight, known: false });
      } else {
        const factor = correctedTokens.has(token) ? this.weights.corrected : 1;
        out.push({ token, weight: idf * factor, known: true });
      }
    }
    return out;
  }

  private rank(query: readonly QueryToken[]): Candidate[] {
    // Unknown words count against every entry, but sublinearly: a long message with a few off-vocabulary words
    // ("temen saya bilang ...") is still about its known words, while "harga vps" stays mostly unknown.
    const known = query.filter((q) => q.known).reduce((s, q) => s + q.weight, 0);
    const unknown = query.filter((q) => !q.known);
    const unknownMean = unknown.length ? unknown.reduce((s, q) => s + q.weight, 0) / unknown.length : 0;
    const total = known + unknownMean * unknown.length ** this.weights.unknownExponent;
    if (total === 0) return [];
    const touched = new Set<number>();
    for (const q of query) if (q.known) for (const i of this.postings.get(q.token) ?? []) touched.add(i);

    const out: Candidate[] = [];
    for (const i of touched) {
      const item = this.indexed[i];
      if (!item) continue;
      let bagHit = 0;
      for (const q of query) if (item.bag.has(q.token)) bagHit += q.weight;
      const bagScore = bagHit / total;
      let best = 0;
      for (const phrase of item.phrases) {
        let hit = 0;
        let phraseWeight = 0;
        for (const t of phrase) phraseWeight += this.idf.get(t) ?? 0;
        for (const q of query) if (phrase.has(q.token)) hit += q.weight;
        if (hit === 0 || phraseWeight === 0) continue;
        const coverQuery = hit / total;
        const coverPhrase = Math.min(1, hit / phraseWeight);
        const f = (2 * coverQuery * coverPhrase) / (coverQuery + coverPhrase);
        if (f > best) best = f;
      }
      const score = this.weights.phrase * best + (1 - this.weights.phrase) * bagScore;
      out.push({ entry: item.entry, score });
    }
    return out.sort((a, b) => b.score - a.score);
  }

  private decide(lang: Lang, candidates: readonly Candidate[]): MatchDecision {
    const { answer, suggest, margin } = this.thresholds;
    const top = candidates[0];
    if (!top || top.score < suggest)
      return { kind: 'none', lang, score: top?.score ?? 0, candidates: candidates.slice(0, 3) };
    const close = candidates.filter((c) => c.score >= suggest && top.score - c.score < margin).slice(0, 3);
    if (top.entry.kind === 'offtopic') {
      if (top.score >= answer) return { kind: 'offtopic', lang, entry: top.entry, score: top.score, candidates: close };
      return { kind: 'none', lang, score: top.score, candidates: close };
    }
    // A close runner-up that the top entry names as related does not compete: both say the same thing from two
    // sides (selling data: "protect" and "share"), so answer the top one and offer the other as a follow-up.
    const rivals = close.filter((c) => c !== top && !areRelated(top.entry, c.entry));
    if (top.score >= answer && rivals.length === 0)
      return { kind: 'answer', lang, entry: top.entry, score: top.score, candidates: close };
    const policy = close.filter((c) => c.entry.kind === 'policy');
    if (policy.length === 0) return { kind: 'none', lang, score: top.score, candidates: close };
    return { kind: 'suggest', lang, score: top.score, candidates: policy };
  }
}

const areRelated = (a: KnowledgeEntry, b: KnowledgeEntry): boolean =>
  a.related.includes(b.id) || b.related.includes(a.id);

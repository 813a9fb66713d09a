import { SLANG, STOP_WORDS } from './lexicon.ts';
import { PhraseIndex } from './phraseIndex.ts';

/** Reduces a word to its root (e.g. "dibagikan" → "bagi"). */
export interface Stemmer {
  stem(word: string): string;
}

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/g;
const URL = /\bhttps?:\/\/\S+/g;
// Letters and digits, keeping "128-bit" or "e-mail" style hyphenated words together for now.
const WORD = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;

/**
 * Case, accents, emoji and punctuation out; letters repeated for emphasis ("tolonggg") collapsed;
 * reduplication ("halaman-halaman") reduced to one word. Returns the words in order.
 */
export function words(text: string): string[] {
  // Each rewrite only runs when its trigger character is there: this is on every message's path.
  let folded = /^[\x20-\x7e]*$/.test(text) ? text : text.normalize('NFKD').replace(/\p{M}+/gu, '');
  folded = folded.toLowerCase();
  if (folded.includes('@')) folded = folded.replace(EMAIL, ' alamatemail ');
  if (folded.includes('http')) folded = folded.replace(URL, ' ');
  // "i'm", "don't" → "im", "dont" (the slang list knows those), instead of splitting at the apostrophe.
  if (/['’]/.test(folded)) folded = folded.replace(/(\p{L})['’](\p{L})/gu, '$1$2');
  const out: string[] = [];
  for (const match of folded.matchAll(WORD)) {
    let w = match[0];
    // "tolonggg" → "tolong"; "partner2" (reduplication written with 2) → "partner".
    if (REPEATED.test(w)) w = w.replace(/(\p{L})\1{2,}/gu, '$1');
    if (w.endsWith('2')) w = w.replace(/^(\p{L}{2,})2$/u, '$1');
    if (!w.includes('-')) {
      out.push(w);
      continue;
    }
    const parts = w.split('-');
    if (parts.length === 2 && parts[0] === parts[1]) out.push(parts[0] ?? w);
    // Keep "128-bit" and "e-mail" whole; split other hyphenated pairs into words.
    else if (/^\d+-bit$|^e-mail$/.test(w)) out.push(w);
    else out.push(...parts.filter(Boolean));
  }
  return out;
}

const REPEATED = /(\p{L})\1\1/u;

/**
 * SLANG's own entries, each already split into words. A Map, not the object: a lookup in the object was the
 * normaliser's slowest step, and found Object.prototype's members too ("constructor" in a message threw).
 */
const SLANG_WORDS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries(SLANG)
    .filter(([, standard]) => standard)
    .map(([informal, standard]) => [informal, standard.split(' ')]),
);

/** Rewrites informal spellings to standard words ("gak" → "tidak", "ortu" → "orang tua"). */
export function expandSlang(input: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of input) {
    const standard = SLANG_WORDS.get(w);
    if (standard) out.push(...standard);
    else out.push(w);
  }
  return out;
}

/** A text as the words every matcher step works on: split, folded, informal spellings made standard. */
export const toWords = (text: string): string[] => expandSlang(words(text));

/** Joins a canonical phrase into one token so "pihak lain" counts as one meaning. */
export const canonicalToken = (canonical: string): string => words(canonical).join('_');

const MAX_PHRASE = 5;

const AGE_BEFORE = new Set([
  'saya',
  'umur',
  'usia',
  'baru',
  'masih',
  'anak',
  'adik',
  'i',
  'am',
  'age',
  'aged',
  'is',
  'son',
  'daughter',
  'kid',
]);
const AGE_AFTER = new Set(['tahun', 'years', 'year', 'yo', 'y']);

/**
 * A stated age is a minor or an adult, not a number: "saya 15 tahun", "im 16" → "anak"; "umur 20" → "dewasa".
 * Other numbers ("16 GB", "128-bit") stay as they are.
 */
function agesAsWords(input: readonly string[]): readonly string[] {
  if (!input.some((w) => /^\d{1,2}$/.test(w))) return input;
  return input.map((w, i) => {
    if (!/^\d{1,2}$/.test(w)) return w;
    const age = Number(w);
    const before = input[i - 1] ?? '';
    const after = input[i + 1] ?? '';
    if (age < 5 || !(AGE_BEFORE.has(before) || AGE_AFTER.has(after))) return w;
    return age < 18 ? 'anak' : age === 18 ? '18' : 'dewasa';
  });
}

/**
 * Turns text into the tokens the matcher compares: standard words, synonyms mapped to one canonical token,
 * stop words dropped, the rest stemmed. The same normaliser is applied to the knowledge file and to questions.
 */
export class Normalizer {
  /** variant word sequence (joined by a space) → canonical token */
  private readonly phrases = new PhraseIndex<string>();
  private readonly canonicals = new Set<string>();
  private readonly stemCache = new Map<string, string>();

  constructor(
    synonyms: ReadonlyMap<string, readonly string[]>,
    private readonly stemmer: Stemmer,
  ) {
    for (const [canonical, variants] of synonyms) {
      const token = canonicalToken(canonical);
      if (!token) continue;
      this.canonicals.add(token);
      for (const phrase of [canonical, ...variants]) {
        const key = expandSlang(words(phrase)).join(' ');
        // The first canonical to claim a variant keeps it: the file order decides, predictably.
        if (key && !this.phrases.has(key)) this.phrases.set(key, token);
      }
    }
  }

  /** Content tokens of a text, in order (duplicates kept). */
  tokens(text: string): string[] {
    return this.tokensOfWords(expandSlang(words(text)));
  }

  /** The same as tokens(), for words already split and de-slanged (lets callers reuse that work). */
  tokensOfWords(words: readonly string[]): string[] {
    const input = agesAsWords(words);
    const out: string[] = [];
    for (let i = 0; i < input.length; ) {
      const phrase = this.phrases.longestAt(input, i, MAX_PHRASE);
      if (phrase) {
        const [token, used] = phrase;
        if (!STOP_WORDS.has(token)) out.push(token);
        i += used;
        continue;
      }
      const word = input[i] ?? '';
      i += 1;
      if (STOP_WORDS.has(word)) continue;
      const mapped = this.mapWord(word);
      if (mapped && !STOP_WORDS.has(mapped)) out.push(mapped);
    }
    return out;
  }

  /** Whether a token is a canonical synonym token (those are never stemmed or typo-corrected away). */
  isCanonical(token: string): boolean {
    return this.canonicals.has(token);
  }

  private mapWord(word: string): string {
    if (/\d/.test(word)) return word;
    const cached = this.stemCache.get(word);
    if (cached !== undefined) return cached;
    const stem = word.length > 3 ? this.stemmer.stem(word) : word;
    // A stem may itself be a synonym variant ("penjualannya" → "jual").
    const mapped = this.phrases.get(stem) ?? (stem.length >= 2 ? stem : word);
    if (this.stemCache.size > 50_000) this.stemCache.clear();
    this.stemCache.set(word, mapped);
    return mapped;
  }
}

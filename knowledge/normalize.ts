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

/** The masks the logs and the inbox leave for personal data (domain/redact.ts), as an admin may save them. */
const MASKS = /\[(email|number)\]/gi;
/** One word for any long number in a phrasing: a phone or card number, however it is spaced. */
const LONG_NUMBER_WORD = 'nomorpanjang';
const DIGITS = /^\p{Nd}+$/u;

/**
 * Words for the exact-phrasing rule: a run of number words with 8 digits or more in all (a phone or card number,
 * "0812 3456 7890" or "+62 812-3456-7890") is one placeholder word. With phrasingKey's reading of the masks, a
 * phrasing the inbox stored masked ("nomor hp saya [number] dipakai buat spam") is the message it came from.
 */
export function phrasingWords(words: readonly string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const endRun = (): void => {
    if (run.join('').length >= 8) out.push(LONG_NUMBER_WORD);
    else out.push(...run);
    run = [];
  };
  for (const w of words) {
    if (DIGITS.test(w)) run.push(w);
    else {
      if (run.length > 0) endRun();
      out.push(w);
    }
  }
  if (run.length > 0) endRun();
  return out;
}

/**
 * What makes two phrasings the same for the exact-phrasing rule (see Matcher.phrasingOf): their words as toWords
 * gives them, long numbers as one word, joined with spaces ("Data saya dijual GAK sih??" and "data saya dijual ga
 * sih" are one). The masks read as what they hide: `[email]` as an address, `[number]` as a long number.
 */
export const phrasingKey = (text: string): string => {
  const unmasked = text.includes('[')
    ? text.replace(MASKS, (_, kind: string) => (kind.toLowerCase() === 'email' ? ' a@b.co ' : ' 00000000 '))
    : text;
  return phrasingWords(toWords(unmasked)).join(' ');
};

/** One clause of a message: words [start, end) of its `words`, and the punctuation that closed it. */
export interface Clause {
  readonly start: number;
  readonly end: number;
  /** Closed by "?" (asks something). */
  readonly asks: boolean;
  /** Closes a sentence (. ? ! ; a line break or the end), not only a clause (, :). */
  readonly closes: boolean;
}

/** A message as words (the same as toWords) and its clauses, for finding the question in a long message. */
export interface Segmented {
  readonly words: readonly string[];
  readonly clauses: readonly Clause[];
}

// Punctuation that ends a clause: followed by a space or the end (so "co.id", "3.5" and "e.g" stay whole).
const CLAUSE_END = /([.?!;:,]+)(?=\s|$)|(\n+)|([?!]+)/g;
/** Punctuation that also ends a sentence (not only a clause, as , and : do). */
const SENTENCE_END = /[.?!;\n]/;

/**
 * Splits a message into clauses at sentence and clause punctuation ("Halo kak. Saya pelanggan baru, mau tanya:
 * apakah data saya dijual?" → four clauses) and returns its words with them.
 */
export function segment(text: string): Segmented {
  const out: string[] = [];
  const clauses: Clause[] = [];
  let from = 0;
  const close = (piece: string, mark: string) => {
    const start = out.length;
    out.push(...toWords(piece));
    if (out.length === start) {
      // Punctuation with no words before it ("??" after "?") only updates the clause before.
      const last = clauses.pop();
      if (last)
        clauses.push({
          ...last,
          asks: last.asks || mark.includes('?'),
          closes: last.closes || SENTENCE_END.test(mark),
        });
      return;
    }
    clauses.push({ start, end: out.length, asks: mark.includes('?'), closes: mark === '' || SENTENCE_END.test(mark) });
  };
  if (!/[.?!;:,\n]/.test(text)) return { words: toWords(text), clauses: [] };
  for (const m of text.matchAll(CLAUSE_END)) {
    close(text.slice(from, m.index), m[0]);
    from = (m.index ?? 0) + m[0].length;
  }
  close(text.slice(from), '');
  return { words: out, clauses: clauses.length > 1 ? clauses : [] };
}

/** Joins a canonical phrase into one token so "pihak lain" counts as one meaning. */
export const canonicalToken = (canonical: string): string => words(canonical).join('_');

const MAX_PHRASE = 5;
/** The addressee after slang expansion ("kalian", "lu", "km" → "kamu"). */
const ADDRESSEE = 'kamu';

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

const CONDITIONAL = new Set(
  'kalau jika bila apabila seandainya andai andaikan misal misalnya umpama if when once suppose'.split(' '),
);
const LEAK = new Set(
  'bocor kebobolan dibobol bobol jebol diretas retas dihack hack hacked leaked leaks breached tembus ditembus'.split(
    ' ',
  ),
);
/** After a leak word, these make it a question about data passed on ("bocor ke pihak lain") or a yes/no ("bocor ga?"). */
const NOT_INCIDENT_AFTER = new Set(['tidak', 'ke', 'kepada', 'to', 'atau']);
const CONDITION_REACH = 6;

/**
 * A leak in a condition is an incident, not sharing: "kalau data saya bocor, kalian ngapain?", "if you get hacked,
 * what happens to my data?" → "insiden" (what happens after a breach, which the statement does not cover). "apakah
 * data saya bisa bocor ke pihak lain?" and "kalo sy daftar, email sy bocor ga?" keep the leak word.
 */
function leaksAsIncidents(input: readonly string[]): readonly string[] {
  if (!input.some((w) => LEAK.has(w))) return input;
  return input.map((w, i) => {
    if (!LEAK.has(w) || NOT_INCIDENT_AFTER.has(input[i + 1] ?? '')) return w;
    const before = input.slice(Math.max(0, i - CONDITION_REACH), i);
    return before.some((b) => CONDITIONAL.has(b)) ? 'insiden' : w;
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
        // A variant that is a stop word once de-slanged ("iso" is Javanese for "bisa", "nda" for "tidak") would turn
        // every such word into the canonical one: only its longer phrases count ("iso 27001"). The one exception is
        // the addressee ("kalian" → "kamu"): in this chat "you" is Wowrack.
        if (!key || (STOP_WORDS.has(key) && key !== ADDRESSEE)) continue;
        // The first canonical to claim a variant keeps it: the file order decides, predictably.
        if (this.phrases.has(key)) continue;
        this.phrases.set(key, token);
      }
    }
  }

  /** Content tokens of a text, in order (duplicates kept). */
  tokens(text: string): string[] {
    return this.tokensOfWords(expandSlang(words(text)));
  }

  /** The same as tokens(), for words already split and de-slanged (lets callers reuse that work). */
  tokensOfWords(words: readonly string[]): string[] {
    const input = leaksAsIncidents(agesAsWords(words));
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

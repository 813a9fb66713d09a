import type { Clause } from './normalize.ts';
import { detectSmallTalk } from './smalltalk.ts';

/**
 * Finds the part of a message that is the question, on the words of toWords() (lower case, slang made standard):
 * - contrast and negation scope: "ga usah bahas promo, sy cuma mau tau cookies itu apa", "bukan soal harga SSL, tapi
 *   situs kalian pakai enkripsi?", "saya ga nanya cookies, saya nanya siapa yg pegang data saya", "selain email
 *   promo, ada batas umur?", "not asking about marketing, I just want to know what cookies are": the negated topic
 *   is dropped, the asked one kept;
 * - a long message with context before the question ("Kami tim IT … Sebelum tanda tangan kontrak, kami perlu tahu:
 *   apakah …?"): the words after the last cue that introduces the question ("pertanyaan saya", "mau tanya",
 *   "perlu tahu", "we need to know").
 * Pure; the matcher scores the focus (and, for long messages without a cue, the question-word windows, see below).
 */

/** Markers that open a negated topic; what follows (up to a pivot) is not what is asked. */
const NEGATION_MARKERS: readonly (readonly string[])[] = [
  ['bukan'],
  ['tidak', 'usah'],
  ['tidak', 'perlu'],
  ['tidak', 'bertanya'],
  ['tidak', 'tanya'],
  ['tidak', 'menanyakan'],
  ['tidak', 'mau', 'tanya'],
  ['tidak', 'mau', 'bertanya'],
  ['jangan', 'jawab'],
  ['jangan', 'bahas'],
  ['jangan', 'dijawab'],
  ['tidak', 'mau', 'bahas'],
  ['selain'],
  ['lupakan'],
  ['not', 'asking'],
  ['not', 'about'],
  ['not', 'interested', 'in'],
  ['do', 'not', 'care', 'about'],
  ['do', 'not', 'ask', 'about'],
  ['am', 'not', 'asking'],
  ['never', 'mind'],
  ['forget', 'about'],
  ['apart', 'from'],
  ['other', 'than'],
  ['besides'],
  ['aside', 'from'],
];

const NOT = new Set(['tidak', 'bukan', 'jangan', 'not']);
/** Words between "not" and the verb: "saya tidak sedang menanyakan", "ga lagi nanya", "not really asking". */
const NOT_FILLER = new Set(['sedang', 'lagi', 'mau', 'ingin', 'perlu', 'akan', 'pernah', 'really', 'even', 'am', 'is']);
const ASK_VERBS = new Set(
  `tanya bertanya menanyakan tanyakan ditanyakan bahas membahas dibahas jawab menjawab dijawab asking ask asked
  talking discussing`.split(/\s+/),
);

/** "tidak sedang menanyakan", "bukan mau bahas", "not really asking": a negated asking verb, as a marker. */
function askNegationAt(words: readonly string[], i: number): readonly string[] | undefined {
  if (!NOT.has(words[i] ?? '')) return undefined;
  let j = i + 1;
  while (j < words.length && j - i <= 3 && NOT_FILLER.has(words[j] ?? '')) j += 1;
  return ASK_VERBS.has(words[j] ?? '') ? words.slice(i, j + 1) : undefined;
}

/** Filler right after a marker ("bukan soal", "ga usah bahas", "not asking about"). */
const TOPIC_FILLER = new Set(
  'soal masalah tentang mengenai perihal bahas membahas dibahas jawab menjawab yang itu about the of regarding'.split(
    ' ',
  ),
);

/** Words that start the asked part after a negated topic. */
const PIVOTS = new Set(
  `tapi tetapi melainkan namun cuma hanya saja saya yang justru pengen ingin mau but i just only instead what who how
  is are do does can apa siapa bagaimana apakah ada berapa kapan dimana kenapa mengapa ya`.split(/\s+/),
);

/** Phrases after which the question itself comes, in long messages. */
const QUESTION_CUES: readonly (readonly string[])[] = [
  ['pertanyaan', 'saya'],
  ['pertanyaannya'],
  ['mau', 'tanya'],
  ['mau', 'bertanya'],
  ['ingin', 'bertanya'],
  ['ingin', 'tanya'],
  ['mau', 'menanyakan'],
  ['ingin', 'menanyakan'],
  ['menanyakan', 'satu', 'hal'],
  ['tanya', 'satu'],
  ['perlu', 'tahu'],
  ['ingin', 'tahu'],
  ['mau', 'tahu'],
  ['ingin', 'memastikan'],
  ['mau', 'memastikan'],
  ['intinya'],
  ['jadi', 'begini'],
  ['need', 'to', 'know'],
  ['want', 'to', 'know'],
  ['would', 'like', 'to', 'know'],
  ['my', 'question', 'is'],
  ['one', 'question'],
  ['question', 'from', 'them'],
  ['wondering'],
];

const MAX_NEGATED = 4;
/** A question cue cuts off what comes before it only when that is at least this long (context, not the question). */
const MIN_CONTEXT = 5;
/** A negated topic runs to the end of its clause ("sy gak nanya data apa yg dikumpulin, sy nanya …") up to this long. */
const MAX_NEGATED_CLAUSE = 8;
/** Messages at least this long (in words) get question-word windows. */
export const LONG_MESSAGE = 14;

const startsAt = (words: readonly string[], i: number, phrase: readonly string[]): boolean =>
  phrase.every((p, k) => words[i + k] === p);

export interface Focus {
  /** The words to match. */
  readonly words: readonly string[];
  /** Words of negated topics that were dropped (empty when none). */
  readonly dropped: readonly string[];
  /** Whether a question cue cut off the context before it. */
  readonly cued: boolean;
}

/** The asked part of a message (see the module comment). Returns the words unchanged when nothing applies. */
export function focusOf(words: readonly string[], clauses: readonly Clause[] = []): Focus {
  const dropped: string[] = [];
  let kept: string[] = [];
  for (let i = 0; i < words.length; ) {
    const marker = NEGATION_MARKERS.find((m) => startsAt(words, i, m)) ?? askNegationAt(words, i);
    if (!marker) {
      kept.push(words[i] ?? '');
      i += 1;
      continue;
    }
    let j = i + marker.length;
    while (j < words.length && TOPIC_FILLER.has(words[j] ?? '')) j += 1;
    const start = j;
    // The clause's end bounds the negated topic when the message goes on after it; otherwise the first pivot word.
    const clauseEnd = clauses.find((c) => c.start <= i && i < c.end)?.end ?? words.length;
    if (clauseEnd < words.length && clauseEnd > start && clauseEnd - start <= MAX_NEGATED_CLAUSE) j = clauseEnd;
    else while (j < words.length && j - start < MAX_NEGATED && !PIVOTS.has(words[j] ?? '')) j += 1;
    // Only a contrast when something is asked after the negated topic ("data saya dijual atau bukan?" is not).
    const rest = words.slice(j).filter((w) => !PIVOTS.has(w));
    if (j === start || rest.length < 2) {
      kept.push(...words.slice(i, i + marker.length));
      i += marker.length;
      continue;
    }
    dropped.push(...words.slice(start, j));
    i = j;
  }
  let cued = false;
  for (let i = kept.length - 1; i > 0; i -= 1) {
    const cue = QUESTION_CUES.find((c) => startsAt(kept, i, c));
    if (!cue) continue;
    const after = kept.slice(i + cue.length);
    // Only context is cut: a short lead ("saya 16 tahun, mau tanya ...") is part of the question.
    if (after.length >= 3 && i >= MIN_CONTEXT) {
      kept = after;
      cued = true;
    }
    break;
  }
  return { words: kept, dropped, cued };
}

/** Words that make a short question lean on the sentence before it ("… jual database. Apakah Wowrack juga begitu?"). */
const ANAPHORA = new Set(['begitu', 'demikian', 'tersebut', 'juga', 'that', 'so', 'too', 'also', 'this', 'it']);
/** A question sentence this short (in words) is read with the sentence before it. */
const SHORT_QUESTION = 4;

export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * The sentences of a message that ask something (closed by "?", or opened by a question word or a question cue), as
 * word spans, without greeting clauses before them ("Halo kak, …"). A short or anaphoric question ("Apakah Wowrack
 * juga begitu?") comes with the sentence before it; at most `max`, the last ones. Empty when the message is one
 * sentence (nothing to choose).
 */
export function questionSentences(words: readonly string[], clauses: readonly Clause[], max = 2): Span[] {
  const sentences: Clause[][] = [];
  let current: Clause[] = [];
  for (const c of clauses) {
    current.push(c);
    if (c.closes) {
      sentences.push(current);
      current = [];
    }
  }
  if (current.length > 0) sentences.push(current);
  if (sentences.length < 2) return [];
  const out: Span[] = [];
  let previousStart: number | undefined;
  for (const sentence of sentences) {
    const content = sentence.filter((c) => !detectSmallTalk(words.slice(c.start, c.end)));
    const first = content[0];
    const last = content[content.length - 1];
    if (first && last) {
      const span = words.slice(first.start, last.end);
      const asks =
        content.some((c) => c.asks) ||
        QUESTION_OPENERS.has(span[0] ?? '') ||
        span.some((_, i) => QUESTION_CUES.some((cue) => startsAt(span, i, cue)));
      if (asks) {
        const leans = span.length <= SHORT_QUESTION || span.some((w) => ANAPHORA.has(w));
        out.push({ start: leans && previousStart !== undefined ? previousStart : first.start, end: last.end });
      }
      previousStart = first.start;
    }
  }
  // The last ones: a question usually comes after its context (and each one costs a scoring).
  return out.slice(-max);
}

/** Words that open a question inside a long message; the matcher also scores the message from each of them on. */
export const QUESTION_OPENERS: ReadonlySet<string> = new Set(
  `apa siapa bagaimana kenapa mengapa berapa kapan dimana kemana apakah boleh bisa adakah whether what who how why
  when where which do does did is are can could will would should`.split(/\s+/),
);

/** Starting points of the question-word windows of a long message (at most `max`, the last ones). */
export function questionWindows(words: readonly string[], max = 3): number[] {
  const starts: number[] = [];
  for (let i = 1; i < words.length - 1; i += 1) if (QUESTION_OPENERS.has(words[i] ?? '')) starts.push(i);
  return starts.slice(-max);
}

/** The customer's own things a how-to may be about ("server saya", "my website", "VPS"). */
const RESOURCES = new Set(
  `server servers vps website websites web site sites situs toko shop store webshop database databases db folder folders
  file files domain domains hosting laptop komputer computer pc hp android iphone cpanel wordpress blog aplikasi app
  apps`.split(/\s+/),
);
const ALWAYS_OWN = new Set(['vps', 'cpanel', 'wordpress', 'folder', 'folders', 'laptop']);
const HOW_TO: readonly (readonly string[])[] = [['cara'], ['how', 'do', 'i'], ['how', 'to'], ['how', 'can', 'i']];

/**
 * A how-to about the customer's own resources ("cara enkripsi folder di VPS", "cara lihat IP server saya", "how do I
 * find my server's IP address", "cara melindungi data pelanggan toko saya sendiri"): technical help, never policy,
 * even when it uses the statement's words (encryption, IP address, protect). The statement's own how-tos (stop promo
 * e-mail, contact us, parental consent) name none of these resources.
 */
export function isOwnResourceHowTo(words: readonly string[]): boolean {
  if (!words.some((_, i) => HOW_TO.some((h) => startsAt(words, i, h)))) return false;
  if (words.includes('sendiri') || words.includes('own')) return true;
  return namesOwnResource(words, RESOURCES);
}

const ownedAt = (words: readonly string[], i: number): boolean =>
  words[i + 1] === 'saya' || words[i - 1] === 'my' || words[i + 1] === 'ku';

function namesOwnResource(words: readonly string[], resources: ReadonlySet<string>): boolean {
  return words.some((w, i) => resources.has(w) && (ALWAYS_OWN.has(w) || ownedAt(words, i)));
}

/** What breaks: a fault report, not a question about the statement. */
const TROUBLE: readonly (readonly string[])[] = [
  ['tidak', 'bisa'],
  ['tidak', 'dapat'],
  ['tidak', 'jalan'],
  ['tidak', 'muncul'],
  ['tidak', 'tersimpan'],
  ['tidak', 'terkirim'],
  ['gagal'],
  ['error'],
  ['down'],
  ['lemot'],
  ['mati'],
  ['rusak'],
  ['penyebabnya'],
  ['not', 'working'],
  ['does', 'not', 'work'],
  ['can', 'not'],
  ['failed'],
  ['fails'],
  ['broken'],
];
/** A fault report may also be about the customer's mailbox ("email saya tidak bisa kirim"). */
const TROUBLE_RESOURCES: ReadonlySet<string> = new Set([...RESOURCES, 'email', 'session', 'login', 'ssl']);
/** Words of the statement's own conversations: "email saya tidak bisa berhenti terima promo" is about those. */
const STATEMENT_TOPICS = new Set(['promo', 'promosi', 'unsubscribe', 'remove', 'berlangganan', 'langganan', 'data']);

/**
 * A fault report about the customer's own resources ("email saya tidak bisa kirim, kenapa?", "website saya error",
 * "session cookie di VPS saya tidak tersimpan, apa penyebabnya?"): technical help, never policy, even when it names
 * the statement's words (cookie, SSL, e-mail).
 */
export function isOwnResourceTrouble(words: readonly string[]): boolean {
  if (!words.some((_, i) => TROUBLE.some((t) => startsAt(words, i, t)))) return false;
  if (words.some((w) => STATEMENT_TOPICS.has(w))) return false;
  return namesOwnResource(words, TROUBLE_RESOURCES);
}

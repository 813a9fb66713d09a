import type { MatchResult } from './matcher.ts';
import type { FlowName } from './types.ts';

const QUESTION_START = new Set(
  `apa bagaimana kenapa mengapa cara kapan siapa berapa dimana kemana apakah adakah bisakah bolehkah haruskah perlukah
  how what why when who where which is are do does can could will would should`.split(/\s+/),
);
const HOW_WORDS = new Set(['cara', 'caranya', 'bagaimana', 'how', 'gimana', 'prosedur', 'langkah']);

/** Phrases that ask the assistant to do something now (after slang expansion). */
const REQUEST_PHRASES = [
  'saya mau',
  'saya ingin',
  'saya minta',
  'saya tidak mau',
  'saya tidak ingin',
  'tolong',
  'mohon',
  'minta',
  'please',
  'i want',
  'i would like',
  'i d like',
  'id like',
  'i need',
  'i wish',
  'i do not want',
  'i don t want',
  'kindly',
  'bantu',
  'help me',
  'jangan',
  'stop',
  'hentikan',
  'berhenti',
  'hapus',
  'delete',
  'remove',
  'unsubscribe',
  'cabut',
  'tarik',
  'kirim',
  'send',
  'forward',
  'teruskan',
  'sampaikan',
  'sambungkan',
  'connect me',
];

/**
 * Phrases that ask to know or to be told, which make a message with a request word ("saya mau tau aturan kalian soal
 * email promosi", "mohon jawab jujur ya") a question: it is answered and the conversation only offered.
 */
const KNOW_PHRASES = [
  'mau tahu',
  'mau tau',
  'ingin tahu',
  'ingin tau',
  'pengen tahu',
  'pengen tau',
  'ingin mengetahui',
  'mau tanya',
  'mau nanya',
  'ingin tanya',
  'mau bertanya',
  'ingin bertanya',
  'penasaran',
  'jawab',
  'jelaskan',
  'dijelaskan',
  'jelasin',
  'want to know',
  'like to know',
  'wondering',
  'explain',
  'tell me',
];

const MINOR = new Set(['anak']);

/**
 * Whether a message asks the assistant to carry out one of its conversations now ("saya mau unsubscribe", "REMOVE",
 * "tolong hapus data saya", "saya masih 16 tahun") rather than asking about it ("cara stop email promosi?"), in
 * which case the answer is given and the conversation only offered.
 * `stated minor` is the normaliser's reading of an age under 18 ("saya 15 tahun" → "anak").
 */
export function detectFlowRequest(text: string, match: MatchResult): FlowName | undefined {
  const { tokens } = match;
  // The entry's own `flow:` (faq.yaml) names the conversation that carries out its topic.
  const entry =
    match.kind === 'answer' ? match.entry : match.kind === 'suggest' ? match.candidates[0]?.entry : undefined;
  const flow = entry?.flow;
  if (!flow) return undefined;
  const raw = match.words;
  const joined = ` ${raw.join(' ')} `;
  const asksHow = raw.some((w) => HOW_WORDS.has(w));
  const startsAsQuestion =
    QUESTION_START.has(raw[0] ?? '') || (text.trim().endsWith('?') && !joined.includes(' tolong '));

  const asksToKnow = KNOW_PHRASES.some((p) => joined.includes(` ${p} `));
  if (flow === 'parental-consent') {
    // Someone under 18 (or their parent) telling us their age is the start of the consent process; asking to know the
    // rule ("saya mau tau aturan soal anak di bawah umur") is a question.
    return tokens.some((t) => MINOR.has(t)) &&
      !asksHow &&
      !asksToKnow &&
      !/\b(batas|minimal|minimum|limit)\b/.test(joined)
      ? flow
      : undefined;
  }
  if (asksHow || (startsAsQuestion && !joined.includes(' please '))) return undefined;
  if (asksToKnow) return undefined;
  // A bare "REMOVE" / "unsubscribe" is the statement's own instruction: carry it out.
  if (flow === 'unsubscribe' && raw.length <= 3 && raw.some((w) => w === 'remove' || w === 'unsubscribe')) return flow;
  return REQUEST_PHRASES.some((p) => joined.includes(` ${p} `)) ? flow : undefined;
}

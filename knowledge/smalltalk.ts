import { toWords } from './normalize.ts';
import { PhraseIndex } from './phraseIndex.ts';

export type SmallTalkIntent = 'greeting' | 'thanks' | 'goodbye' | 'capabilities' | 'identity' | 'acknowledge';

/** Phrases (after slang expansion) that make up each kind of small talk, in both languages. */
const PHRASES: Readonly<Record<SmallTalkIntent, readonly string[]>> = {
  greeting: [
    'halo',
    'hallo',
    'helo',
    'hai',
    'hay',
    'hi',
    'hello',
    'hey',
    'hei',
    'selamat pagi',
    'selamat siang',
    'selamat sore',
    'selamat malam',
    'pagi',
    'siang',
    'sore',
    'malam',
    'good morning',
    'good afternoon',
    'good evening',
    'assalamualaikum',
    'assalamu alaikum',
    'asalamualaikum',
    'salam',
    'permisi',
    'misi',
    'punten',
    'yo',
    'hola',
    'greetings',
    'tes',
    'test',
    'p',
    'ping',
  ],
  thanks: [
    'thanks',
    'terima kasih',
    'thank you',
    'thank',
    'thanks a lot',
    'makasih',
    'suwun',
    'matur nuwun',
    'nuhun',
    'hatur nuhun',
    'thanks banget',
    'banyak',
    'much',
    'so much',
    'very much',
    'membantu',
    'helpful',
    'sangat membantu',
  ],
  goodbye: [
    'bye',
    'goodbye',
    'good bye',
    'bye bye',
    'dadah',
    'dah',
    'sampai jumpa',
    'sampai nanti',
    'see you',
    'see ya',
    'cya',
    'selamat tinggal',
    'pamit',
    'sudah cukup',
    'cukup',
    'that is all',
    'that all',
    'thats all',
    'done',
  ],
  capabilities: [
    'bantuan',
    'help',
    'menu',
    'bisa apa',
    'bisa bantu apa',
    'apa yang bisa kamu lakukan',
    'kamu bisa apa',
    'what can you do',
    'what do you do',
    'how can you help',
    'fitur',
    'features',
    'mulai',
    'start',
    'get started',
    'tolong bantu',
    'help me',
    'bantu saya',
    'butuh bantuan',
    'need help',
    'apa saja yang bisa ditanyakan',
  ],
  identity: [
    'kamu bot',
    'ini bot',
    'are you a bot',
    'are you bot',
    'is this a bot',
    'are you human',
    'are you a human',
    'are you real',
    'is this a real person',
    'kamu manusia',
    'ini manusia',
    'siapa kamu',
    'kamu siapa',
    'who are you',
    'ini siapa',
    'robot',
    'bot',
    'kamu robot',
    'ini orang',
    'ini admin',
    'ai',
    'kamu ai',
    'are you ai',
    'chatbot',
  ],
  acknowledge: [
    'ok',
    'oke',
    'okay',
    'okey',
    'okeh',
    'sip',
    'siap',
    'baik',
    'baiklah',
    'oh',
    'oh begitu',
    'oh gitu',
    'oh begitu ya',
    'paham',
    'mengerti',
    'i see',
    'got it',
    'understood',
    'noted',
    'alright',
    'fine',
    'cool',
    'nice',
    'mantap',
    'good',
    'great',
    'yes',
    'ya',
    'iya',
    'y',
    'no',
    'tidak',
    'nope',
    'sudah',
    'udah',
    'begitu',
    'gitu',
    'wah',
    'wow',
  ],
};

/** Words that may surround small talk without changing it ("halo kak", "makasih ya min"). */
const FILLERS = new Set(
  `kak kakak min admin mas mbak pak bu bang gan sis bro ya yaa yah dong deh sih nih lah kok saya you u the a is are
  all everyone semua semuanya wowrack team tim too juga very so and dan lagi sekali ok sangat sama kamu bot`.split(
    /\s+/,
  ),
);

// Order matters where a message holds two kinds: "ok makasih" is thanks, "halo kamu bot?" asks who we are.
const PRIORITY: readonly SmallTalkIntent[] = [
  'identity',
  'capabilities',
  'goodbye',
  'thanks',
  'greeting',
  'acknowledge',
];

const INDEX: PhraseIndex<SmallTalkIntent> = (() => {
  const index = new PhraseIndex<SmallTalkIntent>();
  for (const intent of [...PRIORITY].reverse())
    for (const phrase of PHRASES[intent]) index.set(toWords(phrase).join(' '), intent);
  return index;
})();

/**
 * The small-talk intent of a message made only of small talk ("selamat pagi kak", "thanks!", "kamu bot?"),
 * or undefined when the message says anything more (then it is a question for the matcher).
 */
export function detectSmallTalk(message: string | readonly string[]): SmallTalkIntent | undefined {
  const input = typeof message === 'string' ? toWords(message) : message;
  if (input.length === 0 || input.length > 12) return undefined;
  const found = new Set<SmallTalkIntent>();
  for (let i = 0; i < input.length; ) {
    const phrase = INDEX.longestAt(input, i, 6);
    if (phrase) {
      found.add(phrase[0]);
      i += phrase[1];
    } else if (FILLERS.has(input[i] ?? '')) i += 1;
    else return undefined;
  }
  return PRIORITY.find((intent) => found.has(intent));
}

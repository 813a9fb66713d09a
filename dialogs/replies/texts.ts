import type { Lang } from '../../knowledge/types.ts';
import { FLOW_TEXTS } from './flowTexts.ts';

/**
 * What the assistant says outside the conversations, in both languages (the conversations' texts are in
 * flowTexts.ts); every text is said through say().
 * Careful wording: none of these may state policy; policy comes only from the knowledge file.
 */
const ASSISTANT_TEXTS = {
  sourceNote: {
    id: '— Pernyataan Privasi Wowrack Indonesia',
    en: '— Wowrack Indonesia Privacy Statement (English translation of the Indonesian text)',
  },
  alsoRelevant: { id: 'Mungkin juga relevan:', en: 'This may also be relevant:' },
  didYouMean: {
    id: 'Saya belum yakin maksud Anda. Apakah salah satu dari ini?',
    en: "I'm not sure I understood. Did you mean one of these?",
  },
  noneOfThese: { id: 'Bukan semuanya', en: 'None of these' },
  noAnswer: {
    id: 'Maaf, saya belum menemukan jawaban untuk pertanyaan itu di Pernyataan Privasi Wowrack Indonesia.',
    en: "Sorry, I couldn't find an answer to that in the Wowrack Indonesia Privacy Statement.",
  },
  offTopic: {
    id: 'Pertanyaan tentang {topic} berada di luar Pernyataan Privasi, jadi saya tidak dapat menjawabnya.',
    en: "Questions about {topic} are outside the Privacy Statement, so I can't answer them.",
  },
  otherCompany: {
    id: 'Saya hanya dapat menjelaskan Pernyataan Privasi Wowrack Indonesia, bukan kebijakan perusahaan atau layanan lain.',
    en: "I can only speak for Wowrack Indonesia's Privacy Statement, not for other companies or services.",
  },
  otherCompanyNamed: {
    id: 'Saya hanya dapat menjelaskan Pernyataan Privasi Wowrack Indonesia, bukan kebijakan {company}.',
    en: "I can only speak for Wowrack Indonesia's Privacy Statement, not for {company}'s policy.",
  },
  contactWhat: {
    id: 'Apa yang ingin Anda lakukan dengan {what} ini? Saya bisa menghentikan e-mail promosi ke sebuah alamat, meneruskan pertanyaan atau permintaan data Anda ke tim support, atau meminta persetujuan orang tua/wali untuk calon pelanggan yang masih di bawah umur.',
    en: "What would you like to do with this {what}? I can stop promotional e-mail to an address, pass your question or data request to our support team, or ask a parent or guardian's consent for a customer who is still a minor.",
  },
  contactEmail: { id: 'alamat e-mail', en: 'e-mail address' },
  contactPhone: { id: 'nomor', en: 'number' },
  contactName: { id: 'nama', en: 'name' },
  askSupport: {
    id: 'Anda dapat mengirimkan pertanyaan ke tim Wowrack di {email}, atau melalui menu kontak di situs Wowrack Indonesia.',
    en: 'You can send your question to the Wowrack team at {email}, or through the contact menu on the Wowrack Indonesia site.',
  },
  tryTopics: { id: 'Atau coba salah satu topik ini:', en: 'Or try one of these topics:' },
  greeting: {
    id: 'Halo! 👋 Saya asisten privasi Wowrack Indonesia.',
    en: "Hello! 👋 I'm the Wowrack Indonesia privacy assistant.",
  },
  capabilities: {
    id: 'Saya dapat menjawab pertanyaan tentang Pernyataan Privasi Wowrack Indonesia: data apa yang dikumpulkan dan untuk apa, cookie, keamanan data, e-mail promosi, batasan usia, dan perubahan kebijakan. Silakan ketik pertanyaan Anda, dalam bahasa Indonesia atau Inggris.',
    en: 'I can answer questions about the Wowrack Indonesia Privacy Statement: what data is collected and why, cookies, data security, promotional e-mail, age limits and policy changes. Type your question, in Indonesian or English.',
  },
  thanks: {
    id: 'Sama-sama! Ada lagi yang ingin Anda tanyakan tentang privasi data Anda?',
    en: "You're welcome! Anything else you'd like to know about your privacy?",
  },
  goodbye: {
    id: 'Terima kasih telah menghubungi Wowrack Indonesia. Sampai jumpa! 👋',
    en: 'Thank you for contacting Wowrack Indonesia. Goodbye! 👋',
  },
  identity: {
    id: 'Saya asisten virtual (bot) Wowrack Indonesia, bukan manusia. Jawaban saya dikutip dari Pernyataan Privasi Wowrack Indonesia. Untuk berbicara dengan staf, hubungi {email}.',
    en: "I'm Wowrack Indonesia's virtual assistant (a bot), not a person. My answers are quoted from the Wowrack Indonesia Privacy Statement. To talk to our staff, write to {email}.",
  },
  acknowledge: {
    id: 'Baik. Silakan ketik pertanyaan lain jika ada.',
    en: 'All right. Feel free to ask another question.',
  },
  helpful: { id: '👍 Membantu', en: '👍 Helpful' },
  notHelpful: { id: '👎 Kurang membantu', en: '👎 Not helpful' },
  feedbackThanks: {
    id: 'Terima kasih atas masukan Anda! 🙏',
    en: 'Thank you for your feedback! 🙏',
  },
  feedbackSorry: {
    id: 'Maaf jawaban tadi kurang membantu. Terima kasih, masukan Anda kami catat untuk memperbaiki jawaban kami.',
    en: "Sorry that answer wasn't helpful. Thank you, your feedback has been noted so we can improve our answers.",
  },
  offerSupport: {
    id: 'Jika Anda mau, kirim pertanyaan Anda ke tim support kami dan mereka akan menjawabnya.',
    en: 'If you like, send your question to our support team and they will answer it.',
  },
  feedbackFailed: {
    id: 'Maaf, masukan Anda belum dapat dicatat karena gangguan di sisi kami. Silakan coba lagi nanti.',
    en: 'Sorry, your feedback could not be recorded because of a problem on our side. Please try again later.',
  },
  feedbackAlready: {
    id: 'Terima kasih, masukan Anda untuk jawaban ini sudah kami catat sebelumnya.',
    en: 'Thank you, your feedback on this answer was already noted.',
  },
  feedbackLimited: {
    id: 'Terima kasih. Kami sudah menerima banyak masukan dari Anda dalam satu jam terakhir, jadi yang ini tidak kami catat.',
    en: 'Thank you. We have received a lot of feedback from you in the last hour, so this one was not noted.',
  },
  error: {
    id: 'Maaf, terjadi kesalahan di sisi kami. Silakan coba lagi sebentar lagi.',
    en: 'Sorry, something went wrong on our side. Please try again in a moment.',
  },
  crossedMessages: {
    id: 'Maaf, pesan Anda tiba bersamaan dengan pesan sebelumnya, jadi jawaban saya untuk pesan itu tidak disimpan. Silakan kirim lagi pesan terakhir Anda.',
    en: 'Sorry, your message arrived at the same time as the one before it, so my answer to it was not kept. Please send your last message again.',
  },
} as const satisfies Record<string, Record<Lang, string>>;

/** Every text the assistant says, the conversations' included: one table, one say(). */
export const TEXTS = { ...ASSISTANT_TEXTS, ...FLOW_TEXTS } as const;

export type TextKey = keyof typeof TEXTS;

/** A template with its {placeholders} filled in; unknown placeholders stay visible rather than vanish. */
export function fill(template: string, vars: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** The text in a language, with {placeholders} filled in. */
export function say(key: TextKey, lang: Lang, vars: Readonly<Record<string, string>> = {}): string {
  return fill(TEXTS[key][lang], vars);
}

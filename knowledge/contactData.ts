/**
 * Whether a message is only contact data: an e-mail address, a phone number or a name, often typed after a
 * conversation ended ("budi@gmail.com", "0812-3456-7890", "Budi Santoso", "nama saya Rina"). Such a message is not a
 * question about the statement: the assistant asks what the customer would like to do with it and offers its
 * conversations, instead of quoting policy. Pure and framework-free.
 */

export type ContactDataKind = 'email' | 'phone' | 'name';

export interface ContactData {
  readonly kind: ContactDataKind;
  /** The address, number or name as typed (trimmed). */
  readonly value: string;
}

export interface ContactDataOptions {
  /**
   * Whether a (lower-case) word is one the assistant knows as a question word ("cookie", "privasi"): such a word is
   * never taken for a name. Pass the matcher's vocabulary (`matcher.knowsWord`); without it only common words count.
   */
  readonly isKnownWord?: (word: string) => boolean;
}

const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[a-z]{2,}$/i;
/** Digits with the usual separators, an optional +country code, 7–15 digits in all. */
const PHONE = /^\+?[\d\s().-]{7,24}$/;
/** Courtesy and labels around the data: "email saya: x", "ini nomor saya 0812…", "my name is Budi". */
const LEAD_IN =
  /^(?:(?:ini|itu|berikut|this is|here is|here's|heres)\s+)?(?:(?:alamat\s+)?(?:e-?mail|surel|imel|nomor|no|nomer|no\.?\s*hp|hp|wa|whatsapp|telepon|telp|phone|number|nama|name)(?:\s+(?:hp|wa|telepon|telp))?\s*(?:saya|aku|gue|gw|sy|ku|my)?|(?:my\s+)?(?:e-?mail|phone(?:\s+number)?|number|name)(?:\s+is)?|(?:saya|aku|sy)\s+(?:adalah)?)\s*[:=-]?\s*/i;
const MY_NAME_IS =
  /^(?:nama\s+(?:saya|aku|gue|gw|sy|ku)|namaku|my\s+name\s+is|i\s+am|i'm|im|saya|aku|sy)\s*(?:adalah|is)?\s*[:=-]?\s*/i;

/** Common words of either language that are never a name on their own (lower case). */
const NOT_NAMES = new Set(
  `ya yes tidak no bukan ok oke okay baik siap sip halo hai hi hello hey makasih thanks terima kasih bye tes test
  apa what siapa who kenapa why bagaimana how gimana kapan when mana where berapa tolong help please sudah udah belum
  lagi stop remove unsubscribe batal cancel lanjut next admin kakak kak min bro sis pak bu mas mbak saya aku kamu
  anda you me i data email privasi privacy cookie cookies promo support`.split(/\s+/),
);

const NAME_WORD = /^\p{L}[\p{L}'.-]*$/u;

function isNameLike(text: string, requireCapital: boolean, options: ContactDataOptions): boolean {
  const parts = text.split(/\s+/).filter(Boolean);
  if (parts.length === 0 || parts.length > 4) return false;
  return parts.every((p) => {
    if (!NAME_WORD.test(p) || p.replace(/[.'-]/g, '').length < 2) return false;
    const lower = p.toLowerCase().replace(/[.'-]/g, '');
    if (NOT_NAMES.has(lower) || options.isKnownWord?.(lower)) return false;
    return !requireCapital || /^\p{Lu}/u.test(p);
  });
}

/**
 * The contact data a message consists of, or undefined when it says anything else (a question, a request, a
 * sentence). A name counts when it is introduced ("nama saya Rina") or when the whole message is one to four
 * capitalised words that are not known question words ("Budi Santoso").
 */
export function contactDataOf(message: string, options: ContactDataOptions = {}): ContactData | undefined {
  let text = message
    .trim()
    .replace(/[.!?,;]+$/, '')
    .trim();
  if (!text || text.length > 80) return undefined;
  const introduced = MY_NAME_IS.exec(text);
  const stripped = text.replace(LEAD_IN, '').trim();
  if (EMAIL.test(stripped)) return { kind: 'email', value: stripped };
  if (PHONE.test(stripped)) {
    const digits = stripped.replace(/\D/g, '');
    if (digits.length >= 7 && digits.length <= 15) return { kind: 'phone', value: stripped };
  }
  if (introduced && introduced[0].length > 0) {
    const name = text.slice(introduced[0].length).trim();
    // "saya Rina" yes; "saya mau unsubscribe" no: every word must look like a name.
    const requireCapital = !/^nama|^my\s+name|^namaku/i.test(introduced[0]);
    if (name && isNameLike(name, requireCapital, options)) return { kind: 'name', value: name };
    return undefined;
  }
  text = stripped;
  if (isNameLike(text, true, options)) return { kind: 'name', value: text };
  return undefined;
}

/** The same decision on words already split by toWords (an address becomes "alamatemail"), for the matcher. */
export function isContactDataWords(words: readonly string[]): boolean {
  if (words.length === 0) return false;
  const content = words.filter((w) => !LEAD_WORDS.has(w));
  if (content.length === 0) return false;
  if (content.every((w) => w === 'alamatemail')) return true;
  return content.every((w) => /^\d+$/.test(w)) && content.join('').length >= 7;
}

const LEAD_WORDS = new Set(
  `ini itu berikut email e-mail surel alamat nomor no nomer hp wa whatsapp telepon telp phone number my is saya aku
  this here`.split(/\s+/),
);

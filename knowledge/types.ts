/** The two languages the assistant speaks. Indonesian is the default. */
export type Lang = 'id' | 'en';
export const LANGS: readonly Lang[] = ['id', 'en'];

/**
 * The name of a conversation the assistant can carry out (declared once, in dialogs/flows/registry.ts). The knowledge
 * layer only carries the names: the file's `flow:` fields are checked against the registry's names at load time.
 */
export type FlowName = string;

export type Bilingual = Record<Lang, string>;

export type EntryKind = 'policy' | 'offtopic';

export interface KnowledgeEntry {
  /** Stable id: used in analytics, feedback and `related`. */
  readonly id: string;
  /** `policy` answers from the statement; `offtopic` recognises questions the statement does not cover. */
  readonly kind: EntryKind;
  /** Where in the statement the answer comes from. */
  readonly section: string;
  readonly question: Bilingual;
  readonly alternates: Readonly<Record<Lang, readonly string[]>>;
  readonly keywords: readonly string[];
  /**
   * Off-topic entries only: words that name what the statement does not cover ("berapa lama" disimpan, GDPR, refund).
   * A question holding one is this entry's, whatever policy words it also uses ("alamat IP saya dicatat berapa lama?"),
   * unless the best policy entry itself uses the word.
   */
  readonly cues?: readonly string[];
  /** Quoted from the statement (id) and its faithful translation (en). Absent on off-topic entries. */
  readonly answer?: Bilingual;
  readonly flow?: FlowName;
  readonly related: readonly string[];
}

/** An entry's own phrasings in faq.yaml: its question and its alternates, both languages (not training.yaml's). */
export const phrasingsOf = (entry: KnowledgeEntry): string[] => [
  entry.question.id,
  entry.question.en,
  ...entry.alternates.id,
  ...entry.alternates.en,
];

export interface KnowledgeBase {
  readonly version: number;
  /** canonical word → variants (words or phrases) that mean the same for matching. */
  readonly synonyms: ReadonlyMap<string, readonly string[]>;
  readonly entries: readonly KnowledgeEntry[];
  /**
   * More customer messages per entry id (and `none`: messages that ask nothing the assistant answers), read from
   * training.yaml beside the knowledge file: the learned ranker trains on them with the entries' own phrasings.
   */
  readonly training?: ReadonlyMap<string, readonly string[]>;
}

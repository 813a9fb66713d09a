import type { KnowledgeBase } from './types.ts';

/** Name of the privacy statement, beside the knowledge file: the authority every Indonesian answer quotes. */
export const STATEMENT_FILE = 'privacy-statement.txt';

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** The statement as quotes are looked up in it: white space folded. */
export class Statement {
  readonly #text: string;

  constructor(text: string) {
    this.#text = collapse(text);
  }

  /** The sentences of an answer that the statement does not contain word for word (white space aside). */
  unquoted(answer: string): string[] {
    return collapse(answer)
      .split(/(?<=[.?!])\s+/)
      .filter((sentence) => sentence !== '' && !this.#text.includes(sentence));
  }
}

/** An Indonesian answer sentence the statement does not contain. */
export interface QuoteProblem {
  readonly entry: string;
  readonly sentence: string;
}

/** Every policy answer sentence (Indonesian) not found in the statement. */
export function unquotedAnswers(knowledge: KnowledgeBase, statement: Statement): QuoteProblem[] {
  return knowledge.entries.flatMap((entry) =>
    entry.kind === 'policy' && entry.answer
      ? statement.unquoted(entry.answer.id).map((sentence) => ({ entry: entry.id, sentence }))
      : [],
  );
}

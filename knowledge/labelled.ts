import { readFileSync } from 'node:fs';

/** One labelled customer question: the topics a right answer covers, or "out_of_scope". */
export interface LabelledQuestion {
  readonly q: string;
  readonly expect: readonly string[] | 'out_of_scope';
}

/** Topics that are conversations rather than entries: the entry that offers the conversation answers them. */
const FLOW_TOPIC_ENTRY: Readonly<Record<string, string>> = { unsubscribe: 'promo', consent: 'age' };

export const entryForTopic = (topic: string): string => FLOW_TOPIC_ENTRY[topic] ?? topic;

export function readLabelled(file: string): LabelledQuestion[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      const item: unknown = JSON.parse(line);
      if (typeof item !== 'object' || item === null || !('q' in item) || !('expect' in item))
        throw new Error(`${file}:${i + 1}: needs "q" and "expect"`);
      const { q, expect } = item;
      if (typeof q !== 'string') throw new Error(`${file}:${i + 1}: "q" must be text`);
      if (expect === 'out_of_scope') return { q, expect };
      if (!Array.isArray(expect) || !expect.every((t) => typeof t === 'string'))
        throw new Error(`${file}:${i + 1}: "expect" must be a list of topics or "out_of_scope"`);
      return { q, expect };
    });
}

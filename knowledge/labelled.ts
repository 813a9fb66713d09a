import { readFileSync } from 'node:fs';
import type { Matcher, MatchResult } from './matcher.ts';

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

/**
 * The one scoring rule for labelled questions (eval, calibration, tests): an in-scope question counts when the
 * answer is one of its topics' entries; an out-of-scope one when there is no answer at all.
 */
export function isRightAnswer(item: LabelledQuestion, result: MatchResult): boolean {
  if (item.expect === 'out_of_scope') return result.kind !== 'answer';
  return result.kind === 'answer' && item.expect.map(entryForTopic).includes(result.entry.id);
}

export interface LabelledScore {
  inOk: number;
  inAll: number;
  outOk: number;
  outAll: number;
}

/** Scores a matcher on labelled questions; `onMiss` sees every wrong one. */
export function scoreLabelled(
  matcher: Matcher,
  items: readonly LabelledQuestion[],
  onMiss?: (item: LabelledQuestion, result: MatchResult) => void,
): LabelledScore {
  const score: LabelledScore = { inOk: 0, inAll: 0, outOk: 0, outAll: 0 };
  for (const item of items) {
    const result = matcher.match(item.q);
    const right = isRightAnswer(item, result);
    if (item.expect === 'out_of_scope') {
      score.outAll += 1;
      if (right) score.outOk += 1;
    } else {
      score.inAll += 1;
      if (right) score.inOk += 1;
    }
    if (!right) onMiss?.(item, result);
  }
  return score;
}

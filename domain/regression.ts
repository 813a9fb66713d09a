/**
 * The regression guard of knowledge changes: the labelled questions (the tuning sets, the blind set and the cases
 * admins add) run through the matcher before and after a change, in-process, so a change that answers fewer of them
 * right is seen before it is saved.
 */
import { entryForTopic, isRightAnswer, type LabelledQuestion } from '../knowledge/labelled.ts';
import type { Matcher } from '../knowledge/matcher.ts';

export interface RegressionScore {
  readonly right: number;
  readonly total: number;
  readonly inScope: { readonly right: number; readonly total: number };
  readonly outOfScope: { readonly right: number; readonly total: number };
}

/** One question that the change turns from right to wrong (or back). */
export interface RegressionChange {
  readonly q: string;
  readonly expect: readonly string[] | 'out_of_scope';
  /** What the serving knowledge does with it: the entry answered, or the kind of reply. */
  readonly before: string;
  /** What the changed knowledge does with it. */
  readonly now: string;
}

export interface RegressionComparison {
  readonly before: RegressionScore;
  readonly after: RegressionScore;
  readonly newlyWrong: readonly RegressionChange[];
  readonly newlyRight: readonly RegressionChange[];
  /** Fewer right after than before. */
  readonly drop: boolean;
  readonly ms: number;
}

const keyOf = (item: LabelledQuestion): string =>
  `${item.q}\u0000${item.expect === 'out_of_scope' ? item.expect : item.expect.map(entryForTopic).join(',')}`;

/** Runs labelled questions through matchers, remembering each matcher's verdicts (a matcher never changes). */
export class RegressionGuard {
  readonly #verdicts = new WeakMap<Matcher, Map<string, { right: boolean; now: string }>>();

  constructor(private readonly questions: () => Promise<readonly LabelledQuestion[]>) {}

  async score(matcher: Matcher): Promise<RegressionScore> {
    const items = await this.questions();
    return summarise(
      items,
      items.map((item) => this.#verdict(matcher, item).right),
    );
  }

  async compare(before: Matcher, after: Matcher): Promise<RegressionComparison> {
    const started = performance.now();
    const items = await this.questions();
    const was = items.map((item) => this.#verdict(before, item));
    const is = items.map((item) => this.#verdict(after, item));
    const change = (i: number): RegressionChange => {
      const item = items[i] as LabelledQuestion;
      return { q: item.q, expect: item.expect, before: was[i]?.now ?? '', now: is[i]?.now ?? '' };
    };
    const newlyWrong: RegressionChange[] = [];
    const newlyRight: RegressionChange[] = [];
    items.forEach((_, i) => {
      if (was[i]?.right && !is[i]?.right) newlyWrong.push(change(i));
      if (!was[i]?.right && is[i]?.right) newlyRight.push(change(i));
    });
    const scoreBefore = summarise(
      items,
      was.map((v) => v.right),
    );
    const scoreAfter = summarise(
      items,
      is.map((v) => v.right),
    );
    return {
      before: scoreBefore,
      after: scoreAfter,
      newlyWrong,
      newlyRight,
      drop: scoreAfter.right < scoreBefore.right,
      ms: performance.now() - started,
    };
  }

  #verdict(matcher: Matcher, item: LabelledQuestion): { right: boolean; now: string } {
    let verdicts = this.#verdicts.get(matcher);
    if (!verdicts) {
      verdicts = new Map();
      this.#verdicts.set(matcher, verdicts);
    }
    const key = keyOf(item);
    const known = verdicts.get(key);
    if (known) return known;
    const result = matcher.match(item.q);
    const verdict = {
      right: isRightAnswer(item, result),
      now: result.kind === 'answer' ? result.entry.id : result.kind,
    };
    verdicts.set(key, verdict);
    return verdict;
  }
}

function summarise(items: readonly LabelledQuestion[], right: readonly boolean[]): RegressionScore {
  let inRight = 0;
  let inTotal = 0;
  let outRight = 0;
  let outTotal = 0;
  items.forEach((item, i) => {
    if (item.expect === 'out_of_scope') {
      outTotal++;
      if (right[i]) outRight++;
    } else {
      inTotal++;
      if (right[i]) inRight++;
    }
  });
  return {
    right: inRight + outRight,
    total: items.length,
    inScope: { right: inRight, total: inTotal },
    outOfScope: { right: outRight, total: outTotal },
  };
}

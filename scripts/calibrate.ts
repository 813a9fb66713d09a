/**
 * Grid search of the matcher's thresholds and weights on labelled questions.
 *   npx tsx scripts/calibrate.ts [train.jsonl] [check.jsonl]
 * Prints the best settings by balanced accuracy on the first file, with the second file's score beside them
 * (to see overfitting). Copy the chosen values into DEFAULT_THRESHOLDS / DEFAULT_WEIGHTS in knowledge/matcher.ts.
 */
import { buildMatcher } from '../knowledge/build.ts';
import { type LabelledQuestion, readLabelled, scoreLabelled } from '../knowledge/labelled.ts';
import { loadKnowledgeFile } from '../knowledge/load.ts';
import type { Matcher } from '../knowledge/matcher.ts';

const [trainFile = 'test/fixtures/questions.jsonl', checkFile = '../shared/eval/dev.jsonl'] = process.argv.slice(2);
const train = readLabelled(trainFile);
const check = readLabelled(checkFile);
const knowledge = await loadKnowledgeFile('knowledge/faq.yaml');

function accuracy(matcher: Matcher, items: readonly LabelledQuestion[]) {
  const { inOk, inAll, outOk, outAll } = scoreLabelled(matcher, items);
  const i = inOk / Math.max(1, inAll);
  const o = outOk / Math.max(1, outAll);
  return { i, o, balanced: (i + o) / 2 };
}

const rows: { key: string; train: ReturnType<typeof accuracy>; check: ReturnType<typeof accuracy> }[] = [];
for (const phrase of [0.3, 0.4, 0.5])
  for (const unknown of [0.6, 0.8, 1.0])
    for (const unknownExponent of [0.5, 0.75, 1])
      for (let answer = 0.3; answer <= 0.55; answer += 0.025)
        for (const margin of [0.02, 0.04]) {
          const thresholds = { answer, suggest: Math.min(0.25, answer), margin };
          const weights = { phrase, unknown, corrected: 0.85, unknownExponent };
          const matcher = buildMatcher(knowledge, { thresholds, weights });
          const t = accuracy(matcher, train);
          if (t.o < 0.9) continue;
          rows.push({
            key: `phrase=${phrase} unknown=${unknown} exp=${unknownExponent} answer=${answer.toFixed(3)} margin=${margin}`,
            train: t,
            check: accuracy(matcher, check),
          });
        }
rows.sort((a, b) => b.train.balanced - a.train.balanced);
const pct = (x: number) => (100 * x).toFixed(1).padStart(5);
for (const r of rows.slice(0, 15))
  process.stdout.write(
    `${r.key.padEnd(64)} train in ${pct(r.train.i)} out ${pct(r.train.o)} | check in ${pct(r.check.i)} out ${pct(r.check.o)}\n`,
  );

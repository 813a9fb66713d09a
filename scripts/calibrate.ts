/**
 * Grid search of the matcher's thresholds and the learned ranker's share on labelled questions.
 *   npx tsx scripts/calibrate.ts [train.jsonl ...] [--check check.jsonl]
 * Trains one matcher per ranker share (training is the slow part), then tries every threshold setting on it with
 * Matcher.retune(). Prints the best settings by balanced accuracy over the training files (macro: each file counts
 * the same), with the check file's score beside them (to see overfitting). Copy the chosen values into
 * DEFAULT_THRESHOLDS / DEFAULT_WEIGHTS in knowledge/matcher.ts.
 */
import { buildMatcher } from '../knowledge/build.ts';
import { type LabelledQuestion, readLabelled, scoreLabelled } from '../knowledge/labelled.ts';
import { loadKnowledgeFile } from '../knowledge/load.ts';
import { DEFAULT_WEIGHTS, type Matcher, type Thresholds } from '../knowledge/matcher.ts';

const args = process.argv.slice(2);
const checkAt = args.indexOf('--check');
const checkFile = checkAt >= 0 ? args[checkAt + 1] : undefined;
const trainFiles = args.filter((a, i) => a.endsWith('.jsonl') && (checkAt < 0 || i !== checkAt + 1));
if (trainFiles.length === 0)
  trainFiles.push('test/fixtures/questions.jsonl', 'test/fixtures/messy-dev.jsonl', 'test/fixtures/messy-dev-2.jsonl');
const trains = trainFiles.map((f) => readLabelled(f));
const check = checkFile ? readLabelled(checkFile) : [];
const knowledge = await loadKnowledgeFile('knowledge/faq.yaml');

function accuracy(matcher: Matcher, items: readonly LabelledQuestion[]) {
  const { inOk, inAll, outOk, outAll } = scoreLabelled(matcher, items);
  const i = inOk / Math.max(1, inAll);
  const o = outOk / Math.max(1, outAll);
  return { i, o, balanced: (i + o) / 2 };
}

function macro(matcher: Matcher) {
  const scores = trains.map((items) => accuracy(matcher, items));
  const mean = (f: (s: ReturnType<typeof accuracy>) => number) => scores.reduce((a, s) => a + f(s), 0) / scores.length;
  // Worst of in/out counts too: the target is both ≥ 95%, not their average.
  const i = mean((s) => s.i);
  const o = mean((s) => s.o);
  return { i, o, balanced: (i + o) / 2 - 0.5 * Math.max(0, Math.abs(i - o) - 0.02) };
}

const rankerShares = (process.env.RANKER_SHARES ?? '0,0.3,0.5,0.7').split(',').map(Number);
const rows: { key: string; train: ReturnType<typeof macro>; check: ReturnType<typeof accuracy> }[] = [];
for (const ranker of rankerShares) {
  const matcher = buildMatcher(knowledge, { weights: { ...DEFAULT_WEIGHTS, ranker } });
  for (let answer = 0.25; answer <= 0.6001; answer += 0.025)
    for (const clearGap of [0, 0.025, 0.05, 0.1])
      for (const clearMargin of [0.05, 0.1, 0.15])
        for (const suggest of [0.15, 0.2, 0.25])
          for (const margin of [0.02, 0.05]) {
            const clear = answer - clearGap;
            if (suggest > clear) continue;
            const thresholds: Thresholds = { answer, suggest, margin, clear, clearMargin };
            matcher.retune(thresholds);
            const key = `ranker=${ranker} answer=${answer.toFixed(3)} clear=${clear.toFixed(3)} clearMargin=${clearMargin} suggest=${suggest} margin=${margin}`;
            rows.push({ key, train: macro(matcher), check: accuracy(matcher, check) });
          }
}
rows.sort((a, b) => b.train.balanced - a.train.balanced);
const pct = (x: number) => (100 * x).toFixed(1).padStart(5);
for (const ranker of rankerShares) {
  const best = rows.filter((r) => r.key.startsWith(`ranker=${ranker} `)).slice(0, 5);
  for (const r of best)
    process.stdout.write(
      `${r.key.padEnd(90)} train in ${pct(r.train.i)} out ${pct(r.train.o)}${checkFile ? ` | check in ${pct(r.check.i)} out ${pct(r.check.o)}` : ''}\n`,
    );
}

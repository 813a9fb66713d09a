/**
 * How much one inbox-style addition moves labelled questions it is not about: the "one click" of the knowledge
 * console only stays one click when a new alternate changes no unrelated answer.
 *
 * Additions: each labelled question of messy-dev-3.jsonl (not among the sets measured here) and each question the
 * measured sets get wrong, added as an alternate of its first expected entry, one at a time (what an admin does from
 * the inbox). For each, the matcher is rebuilt (the ranker retrains) and every other labelled question of the
 * measured sets runs through the old and the new matcher. Printed: how many additions change another question's
 * verdict (right ↔ wrong), how many would need the drop confirmation (fewer right), the questions moved per addition.
 *
 *   npx tsx bench/retrainStability.ts [--max N] [--lexical] [--show]
 *
 * --lexical: without the ranker (the floor: a new phrasing changes word rarities, so questions sharing its words can
 * move); --show: every moved question with the normalised words it shares with the addition.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildMatcher } from '../knowledge/build.ts';
import { entryForTopic, isRightAnswer, type LabelledQuestion, readLabelled } from '../knowledge/labelled.ts';
import { detectLanguage } from '../knowledge/language.ts';
import { parseKnowledge, parseTraining } from '../knowledge/load.ts';
import { DEFAULT_WEIGHTS, type Matcher } from '../knowledge/matcher.ts';
import { toWords } from '../knowledge/normalize.ts';
import type { KnowledgeBase } from '../knowledge/types.ts';
import { addAlternate } from '../knowledge/yamlEdit.ts';

const { values: args } = parseArgs({
  options: { max: { type: 'string', default: '200' }, lexical: { type: 'boolean' }, show: { type: 'boolean' } },
});
const out = (line: string) => process.stdout.write(`${line}\n`);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const MEASURED = ['questions.jsonl', 'messy-dev.jsonl', 'messy-dev-2.jsonl', 'blind.jsonl'].map((f) =>
  here(`../test/fixtures/${f}`),
);
const measured: LabelledQuestion[] = MEASURED.flatMap(readLabelled);
const faq = await readFile(here('../knowledge/faq.yaml'), 'utf8');
const training = await readFile(here('../knowledge/training.yaml'), 'utf8');
const options = args.lexical ? { weights: { ...DEFAULT_WEIGHTS, ranker: 0 } } : {};

function build(text: string): Matcher {
  const parsed = parseKnowledge(text, 'faq.yaml');
  const knowledge: KnowledgeBase = { ...parsed, training: parseTraining(training, 'training.yaml', parsed) };
  return buildMatcher(knowledge, options);
}
const verdicts = (matcher: Matcher): boolean[] => measured.map((item) => isRightAnswer(item, matcher.match(item.q)));

const base = build(faq);
const before = verdicts(base);
const policy = new Set(base.knowledge.entries.filter((e) => e.kind === 'policy').map((e) => e.id));
const additions = [
  ...readLabelled(here('../test/fixtures/messy-dev-3.jsonl')),
  ...measured.filter((item, i) => item.expect !== 'out_of_scope' && !before[i]),
]
  .flatMap((item) => {
    const entry =
      item.expect === 'out_of_scope' ? undefined : item.expect.map(entryForTopic).find((id) => policy.has(id));
    return entry ? [{ q: item.q, entry }] : [];
  })
  .slice(0, Number(args.max));

let changing = 0;
let dropping = 0;
let moved = 0;
let maxMoved = 0;
let net = 0;
const started = performance.now();
for (const addition of additions) {
  const text = addAlternate(faq, addition.entry, detectLanguage(toWords(addition.q)), addition.q);
  const after = verdicts(build(text));
  let flips = 0;
  let delta = 0;
  measured.forEach((item, i) => {
    if (after[i] !== before[i]) delta += after[i] ? 1 : -1;
    if (item.q === addition.q || after[i] === before[i]) return;
    flips++;
    if (args.show) {
      const own = new Set(base.tokensOf(addition.q));
      const shared = base.tokensOf(item.q).filter((t) => own.has(t));
      out(`+ "${addition.q.slice(0, 80)}" → ${addition.entry}`);
      out(
        `    moves "${item.q.slice(0, 80)}" ${before[i] ? 'right→wrong' : 'wrong→right'}; shared: ${shared.join(' ')}`,
      );
    }
  });
  if (flips > 0) changing++;
  if (delta < 0) dropping++;
  net += delta;
  moved += flips;
  maxMoved = Math.max(maxMoved, flips);
}
const pct = (n: number) => `${((100 * n) / Math.max(1, additions.length)).toFixed(0)}%`;
out(`labelled questions measured: ${measured.length}, right now: ${before.filter(Boolean).length}`);
out(`additions tried: ${additions.length} (${Math.round((performance.now() - started) / additions.length)} ms each)`);
out(`additions that change another question's verdict: ${changing} (${pct(changing)})`);
out(`additions that would need the drop confirmation: ${dropping} (${pct(dropping)})`);
out(`other questions moved per addition: mean ${(moved / Math.max(1, additions.length)).toFixed(2)}, max ${maxMoved}`);
out(`right answers gained over all additions (each on its own): ${net >= 0 ? '+' : ''}${net}`);

/**
 * Offline accuracy of the matcher on labelled questions (no server needed).
 *   npm run eval                          # test/fixtures/{questions,holdout}.jsonl + ../shared/eval/dev.jsonl if present
 *   npm run eval -- --verbose             # every miss
 *   npm run eval -- --stemmer nlpjs       # compare stemmers (sastrawi | nlpjs | none)
 *   npm run eval -- --ranker 0            # share of the learned ranker in the score (0: lexical only)
 *   npm run eval -- --confusion           # which entries are confused with which (expected → got, counts), for admins
 */
import { existsSync } from 'node:fs';
import { buildMatcher } from '../knowledge/build.ts';
import { entryForTopic, type LabelledQuestion, readLabelled, scoreLabelled } from '../knowledge/labelled.ts';
import { loadKnowledgeFile } from '../knowledge/load.ts';
import { DEFAULT_WEIGHTS, type Matcher } from '../knowledge/matcher.ts';
import type { Stemmer } from '../knowledge/normalize.ts';
import { identityStemmer, nlpjsStemmer } from '../knowledge/stemmers.ts';
import { sastrawiStemmer } from './sastrawiStemmer.ts';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const confusion = args.includes('--confusion');
const stemmerName = args.includes('--stemmer') ? (args[args.indexOf('--stemmer') + 1] ?? 'nlpjs') : 'nlpjs';
const stemmers: Record<string, () => Stemmer> = {
  sastrawi: sastrawiStemmer,
  nlpjs: nlpjsStemmer,
  none: () => identityStemmer,
};
/** --ranker W: share of the learned ranker in the score (0 = lexical only), to compare with and without it. */
const rankerWeight = args.includes('--ranker') ? Number(args[args.indexOf('--ranker') + 1]) : undefined;
const files = args.filter((a) => a.endsWith('.jsonl'));
if (files.length === 0) {
  files.push('test/fixtures/questions.jsonl', 'test/fixtures/holdout.jsonl');
  if (existsSync('../shared/eval/dev.jsonl')) files.push('../shared/eval/dev.jsonl');
}

/** expected entry (or "out_of_scope") → what was given instead (entry id, or suggest/none/offtopic) → count */
const confusions = new Map<string, Map<string, number>>();

function countConfusion(expected: string, got: string): void {
  const row = confusions.get(expected) ?? new Map<string, number>();
  row.set(got, (row.get(got) ?? 0) + 1);
  confusions.set(expected, row);
}

export function score(matcher: Matcher, items: readonly LabelledQuestion[], log: boolean) {
  return scoreLabelled(matcher, items, (item, r) => {
    const given = r.kind === 'answer' || r.kind === 'offtopic' ? r.entry.id : r.kind;
    countConfusion(
      item.expect === 'out_of_scope' ? 'out_of_scope' : [...new Set(item.expect.map(entryForTopic))].join('|'),
      given,
    );
    if (!log) return;
    const got = r.kind === 'answer' ? r.entry.id : r.kind;
    if (item.expect === 'out_of_scope') process.stdout.write(`FALSE+ ${item.q}  → ${got} ${r.score.toFixed(2)}\n`);
    else {
      const cands = r.candidates.map((c) => `${c.entry.id}:${c.score.toFixed(2)}`).join(' ');
      process.stdout.write(`MISS   ${item.q}  [${item.expect.join(',')}] → ${got} ${r.score.toFixed(2)} (${cands})\n`);
    }
  });
}

const knowledge = await loadKnowledgeFile('knowledge/faq.yaml');
const stemmer = (stemmers[stemmerName] ?? nlpjsStemmer)();
const matcher = buildMatcher(knowledge, {
  stemmer,
  ...(rankerWeight === undefined ? {} : { weights: { ...DEFAULT_WEIGHTS, ranker: rankerWeight } }),
});
for (const file of files) {
  const s = score(matcher, readLabelled(file), verbose);
  const pct = (a: number, b: number) => ((100 * a) / Math.max(1, b)).toFixed(1);
  process.stdout.write(
    `${file} [${stemmerName}]: in-scope ${s.inOk}/${s.inAll} (${pct(s.inOk, s.inAll)}%), out-of-scope ${s.outOk}/${s.outAll} (${pct(s.outOk, s.outAll)}%)\n`,
  );
}
if (confusion) {
  process.stdout.write('\nConfusion (expected entries → what was given instead, over all files above):\n');
  const rows = [...confusions].map(([expected, got]) => ({
    expected,
    got: [...got].sort((a, b) => b[1] - a[1]),
    total: [...got.values()].reduce((a, b) => a + b, 0),
  }));
  rows.sort((a, b) => b.total - a.total);
  for (const r of rows)
    process.stdout.write(
      `  ${r.expected.padEnd(28)} ${String(r.total).padStart(3)}  ${r.got.map(([g, n]) => `${g}×${n}`).join(' ')}\n`,
    );
}
